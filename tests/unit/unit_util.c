/* Helpers shared by the unit suites that run a real core. */
#include "config.h"

#include <check.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileutil.h"
#include "log.h"
#include "unit_util.h"

char *unit_tmpdir(void)
{
	char *d = strdup("/tmp/mgmtd-unit-XXXXXX");

	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

void unit_rmdir(char *dir)
{
	if (dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

char *unit_read(const char *dir, const char *name)
{
	char path[PATH_MAX], *data = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (fileutil_read(path, 64 << 20, &data, &len) < 0)
		return NULL;
	return data;
}

bool unit_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

struct core *unit_core_start(const char *dir, const char *plugins)
{
	char path[PATH_MAX], msg[4096], *list = strdup(plugins), *save = NULL;
	struct daemon_config *dc;
	struct core *c;
	FILE *f;

	snprintf(path, sizeof(path), "%s/mgmtd.conf", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "state_dir = \"%s/state\";\nplugin_dir = \"%s\";\n"
		   "pid_file = \"%s/pid\";\ncontrol_socket = \"%s/sock\";\n"
		   "history_keep = 5;\njournal = { events_capacity = 64; "
		   "commands_capacity = 64; };\nplugins_load = [",
		dir, TEST_PLUGIN_DIR, dir, dir);
	for (char *p = strtok_r(list, ",", &save); p;
	     p = strtok_r(NULL, ",", &save))
		fprintf(f, "%s\"%s\"", p == list ? "" : ", ", p);
	fprintf(f, "];\n");
	fclose(f);
	free(list);
	ck_assert_int_eq(daemon_config_load(path, &dc, msg, sizeof(msg)), 0);
	log_setup(true, MGMTD_SEV_WARNING, getenv("MGMTD_DEBUG"));
	ck_assert_int_eq(core_new(dc, 0, &c), 0);
	ck_assert_msg(core_start(c, msg, sizeof(msg)) == 0, "start: %s", msg);
	return c;
}

void unit_core_stop(struct core *c)
{
	struct daemon_config *dc = c->dc;

	core_free(c);
	daemon_config_free(dc);
}

const struct txn_request unit_cli = {
	.user = "alice", .source = "local", .interface = "cli",
};

int unit_commit(struct core *c, const char *text, struct mgmtd_err *err)
{
	json_t *cand = json_loads(text, 0, NULL);
	struct txn_result res;
	int rc;

	ck_assert_msg(cand != NULL, "bad test JSON: %s", text);
	rc = txn_commit(c, cand, &unit_cli, &res, err);
	txn_result_fini(&res);
	json_decref(cand);
	return rc;
}

void unit_commit_ok(struct core *c, const char *text)
{
	struct mgmtd_err err = { 0 };

	ck_assert_msg(unit_commit(c, text, &err) == 0, "commit: %s: %s",
		      err.count ? err.items[0].path : "",
		      err.count ? err.items[0].message : "");
}
