/* Loading the managed configuration: at start, on SIGHUP, and for
 * --check-config. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alerts.h"
#include "core.h"
#include "err.h"
#include "log.h"
#include "txn.h"

static const struct txn_request config_rq = {
	.user = "config-file",
	.source = "local",
	.interface = "config",
};

/* Describe every error in err as "FILE:LINE: path: message" lines. */
static void explain(const struct core *c, const char *file,
		    const struct mgmtd_err *err, char *msg, size_t len)
{
	char msg2[512];
	config_t cfg;
	json_t *ignored = NULL;
	size_t used = 0;
	bool have_cfg = store_parse_file(file, &ignored, NULL, &cfg, msg2,
					 sizeof(msg2)) == 0;

	json_decref(ignored);
	msg[0] = '\0';
	for (unsigned i = 0; i < err->count && used < len; i++) {
		const struct mgmtd_err_item *it = &err->items[i];
		int line = have_cfg ? store_line_of(&cfg, &c->schema, it->path) : 0;
		used += (size_t)snprintf(msg + used, len - used, "%s%s:%d: %s: %s",
					 i ? "\n" : "", file, line,
					 it->path[0] ? it->path : "(top)",
					 it->message);
	}
	if (have_cfg)
		config_destroy(&cfg);
}

/* The file that holds the managed configuration to load at start, and
 * whether it is the store's own. */
static int read_start_tree(struct core *c, json_t **tree, bool *commit,
			   const char **file, char *msg, size_t len)
{
	unsigned version;
	json_t *stored = NULL;
	int rc = store_load_current(c->store, tree, msg, len);

	*file = store_current_path(c->store);
	if (rc == -ENOENT) {
		*commit = true;
		if (!c->dc->initial_config) {
			*tree = json_object();
			return 0;
		}
		*file = c->dc->initial_config;
		return store_parse_file(*file, tree, NULL, NULL, msg, len);
	}
	if (rc < 0)
		return rc;
	/* An edit made while mgmtd was stopped becomes a version of its own. */
	version = store_version(c->store);
	*commit = version == 0 ||
		  store_read_version(c->store, version, &stored, NULL) < 0 ||
		  !json_equal(stored, *tree);
	json_decref(stored);
	return 0;
}

int core_start(struct core *c, char *msg, size_t msglen)
{
	struct txn_request rq = config_rq;
	struct mgmtd_err err = { 0 };
	struct txn_result res = { 0 };
	const char *file;
	json_t *tree = NULL;
	bool commit;
	int rc;

	/* The daemon config's alert rules first: API rules must not take
	 * their names. */
	if ((rc = alerts_core_load(c, msg, msglen)) < 0 ||
	    (rc = read_start_tree(c, &tree, &commit, &file, msg, msglen)) < 0)
		return rc;
	rq.start = true;
	rq.start_commit = commit;
	if (commit && store_version(c->store) == 0)
		rq.summary = "initial configuration";
	rc = txn_commit(c, tree, &rq, &res, &err);
	txn_result_fini(&res);
	if (rc < 0) {
		explain(c, file, &err, msg, msglen);
		json_decref(tree);
		return rc;
	}
	json_decref(tree);
	core_event(c, MGMTD_SEV_NOTICE, "mgmtd", NULL,
		   "started %s with %zu plugin(s), configuration version %u",
		   PACKAGE_VERSION, c->n_plugins, store_version(c->store));
	txn_confirm_restore(c);
	txn_confirm_check(c);
	return 0;
}

int core_reload(struct core *c)
{
	struct mgmtd_err err = { 0 };
	struct txn_result res = { 0 };
	const char *file = store_current_path(c->store);
	char msg[2048];
	json_t *tree = NULL;
	int rc;

	if ((rc = store_parse_file(file, &tree, NULL, NULL, msg,
				   sizeof(msg))) < 0) {
		core_event(c, MGMTD_SEV_ERR, "mgmtd", file,
			   "reload refused, nothing changed: %s", msg);
		return rc;
	}
	rc = txn_commit(c, tree, &config_rq, &res, &err);
	json_decref(tree);
	if (rc < 0) {
		explain(c, file, &err, msg, sizeof(msg));
		core_event(c, MGMTD_SEV_ERR, "mgmtd", file,
			   "reload refused, nothing changed: %s", msg);
	} else {
		core_event(c, MGMTD_SEV_INFO, "mgmtd", file,
			   res.changed ? "reloaded: now version %u"
				       : "reloaded: no change (version %u)",
			   res.version);
	}
	txn_result_fini(&res);
	return rc;
}

int core_check_config(struct core *c, const char *path, char *msg,
		      size_t msglen)
{
	struct mgmtd_err err = { 0 };
	json_t *tree = NULL;
	bool commit;
	int rc;

	if ((rc = alerts_core_load(c, msg, msglen)) < 0)
		return rc;
	if (path)
		rc = store_parse_file(path, &tree, NULL, NULL, msg, msglen);
	else
		rc = read_start_tree(c, &tree, &commit, &path, msg, msglen);
	if (rc < 0)
		return rc;
	rc = txn_validate(c, tree, &err);
	json_decref(tree);
	if (rc < 0)
		explain(c, path, &err, msg, msglen);
	else
		snprintf(msg, msglen, "%s: configuration is valid", path);
	return rc;
}
