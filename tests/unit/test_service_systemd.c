/* The pure parts of service supervision under systemd
 * (mgmtd/service_systemd.c): the unit file against golden files (and
 * systemd's own `systemd-analyze verify` where it is installed), the
 * parse of `systemctl show` output recorded from systemd 252 in the VM
 * tier (tests/vm/tests/cifs_systemd.sh logs it), and the state, pid and
 * exit status mgmtd publishes from it.  The running branch is tested
 * under a real systemd in the VM tier.
 *
 * Run with UPDATE_GOLDEN=1 to rewrite the golden files. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "daemon_config.h"
#include "mgmtd/plugin.h"
#include "service_systemd.h"
#include "unit_golden.h"
#include "unit_util.h"

static const char *const smbd_argv[] = {
	"/usr/sbin/smbd", "--foreground", "--no-process-group",
	"-s", "/var/lib/mgmtd/samba/smb.conf", NULL,
};

static const struct svc_sd_unit smbd_unit = {
	.name = "smbd",
	.plugin = "cifs",
	.argv = smbd_argv,
	.log_file = "/var/lib/mgmtd/smbd.log",
	.pid_file = "/run/samba/smbd.pid",
	.restart_ms = 1000,
	.stop_timeout_ms = 10000,
};

/* systemd's own check of a unit file, when systemd-analyze is here. */
static void verify(const char *text, const char *name)
{
	const char *argv[] = { "systemd-analyze", "verify", "--man=no", NULL,
			       NULL };
	struct mgmtd_exec_result r;
	char *dir = unit_tmpdir(), path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	argv[3] = path;
	if (mgmtd_exec(argv, NULL, &r) == 0) {
		ck_assert_msg(r.status == 0, "systemd-analyze verify: %s%s",
			      r.out, r.err);
		mgmtd_exec_result_fini(&r);
	}
	unit_rmdir(dir);
}

START_TEST(render_smbd)
{
	char *text;

	ck_assert_int_eq(svc_sd_render_unit(&smbd_unit, &text), 0);
	assert_golden("service_systemd_smbd.service", text, strlen(text));
	verify(text, "mgmtd-smbd.service");
	free(text);
}
END_TEST

/* Words systemd would expand or split come out quoted and doubled. */
START_TEST(render_quoting)
{
	static const char *const argv[] = {
		"/bin/sleep", "100", "two words", "$HOME ${PATH}", "100%n",
		"a\"quote", "back\\slash", ";", "", NULL,
	};
	struct svc_sd_unit u = {
		.name = "odd_name-1.x",
		.argv = argv,
		.restart_ms = 2500,
		.stop_timeout_ms = 3000,
	};
	char *text;

	ck_assert_int_eq(svc_sd_render_unit(&u, &text), 0);
	assert_golden("service_systemd_quoting.service", text, strlen(text));
	verify(text, "mgmtd-odd_name-1.x.service");
	free(text);
}
END_TEST

START_TEST(render_refuses)
{
	static const char *const relative[] = { "smbd", NULL };
	static const char *const spaced[] = { "/usr/sbin/my smbd", NULL };
	static const char *const newline[] = { "/usr/sbin/smbd", "a\nb", NULL };
	struct svc_sd_unit u = smbd_unit;
	char *text = (char *)"untouched", buf[64];

	u.name = "a/b";
	ck_assert_int_eq(svc_sd_render_unit(&u, &text), -EINVAL);
	ck_assert_ptr_null(text);
	u.name = "";
	ck_assert_int_eq(svc_sd_render_unit(&u, &text), -EINVAL);
	u = smbd_unit;
	u.argv = relative;
	ck_assert_int_eq(svc_sd_render_unit(&u, &text), -EINVAL);
	u.argv = spaced;
	ck_assert_int_eq(svc_sd_render_unit(&u, &text), -EINVAL);
	u.argv = newline;
	ck_assert_int_eq(svc_sd_render_unit(&u, &text), -EINVAL);
	u = smbd_unit;
	u.log_file = "relative.log";
	ck_assert_int_eq(svc_sd_render_unit(&u, &text), -EINVAL);
	u.log_file = "/var/log/a\nStandardOutput=null";
	ck_assert_int_eq(svc_sd_render_unit(&u, &text), -EINVAL);
	ck_assert_int_eq(svc_sd_unit_name("smbd", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "mgmtd-smbd.service");
	ck_assert_int_eq(svc_sd_unit_name("x y", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(svc_sd_unit_name("smbd", buf, 8), -EINVAL);
}
END_TEST

static void parse_file(const char *name, struct svc_sd_props *p)
{
	size_t len;
	char *text = read_data(name, &len);

	ck_assert_int_eq(svc_sd_parse_show(text, p), 0);
	free(text);
}

START_TEST(show_running)
{
	struct svc_sd_props p;

	parse_file("service_systemd_show_running.txt", &p);
	ck_assert_str_eq(p.load, "loaded");
	ck_assert_str_eq(p.active, "active");
	ck_assert_str_eq(p.sub, "running");
	ck_assert_int_gt(p.main_pid, 1);
	ck_assert_uint_eq(p.n_restarts, 0);
	ck_assert_uint_gt(p.start_mono_us, 0);
	ck_assert_int_eq(svc_sd_state(&p), MGMTD_SVC_RUNNING);
	ck_assert_int_eq(svc_sd_last_exit(&p), -1);
	ck_assert(!svc_sd_gave_up(&p));
}
END_TEST

START_TEST(show_auto_restart)
{
	struct svc_sd_props p;

	parse_file("service_systemd_show_auto_restart.txt", &p);
	ck_assert_str_eq(p.sub, "auto-restart");
	ck_assert_int_eq(p.main_pid, 0);
	ck_assert_int_eq(svc_sd_state(&p), MGMTD_SVC_BACKOFF);
	ck_assert_int_eq(svc_sd_last_exit(&p), 128 + 9);
	ck_assert(!svc_sd_gave_up(&p));
}
END_TEST

START_TEST(show_restarted)
{
	struct svc_sd_props p;

	parse_file("service_systemd_show_restarted.txt", &p);
	ck_assert_int_eq(svc_sd_state(&p), MGMTD_SVC_RUNNING);
	ck_assert_uint_eq(p.n_restarts, 1);
	ck_assert_int_gt(p.main_pid, 1);
}
END_TEST

START_TEST(show_start_limit)
{
	struct svc_sd_props p;

	parse_file("service_systemd_show_start_limit.txt", &p);
	ck_assert_str_eq(p.active, "failed");
	/* systemd 252 keeps the result of the last death. */
	ck_assert_str_eq(p.result, "signal");
	ck_assert(svc_sd_gave_up(&p));
	ck_assert_int_eq(svc_sd_state(&p), MGMTD_SVC_STOPPED);
	ck_assert_int_eq(svc_sd_last_exit(&p), 128 + 9);
	/* Refused at an asked start, it says so. */
	ck_assert_int_eq(svc_sd_parse_show("ActiveState=failed\n"
					   "Result=start-limit-hit\n", &p), 0);
	ck_assert(svc_sd_gave_up(&p));
	/* Failed once, without restarts: not the start limit. */
	ck_assert_int_eq(svc_sd_parse_show("ActiveState=failed\n"
					   "Result=exit-code\nNRestarts=0\n",
					   &p), 0);
	ck_assert(!svc_sd_gave_up(&p));
}
END_TEST

START_TEST(show_stopped)
{
	struct svc_sd_props p;

	parse_file("service_systemd_show_stopped.txt", &p);
	ck_assert_str_eq(p.active, "inactive");
	ck_assert_int_eq(svc_sd_state(&p), MGMTD_SVC_STOPPED);
	ck_assert_int_eq(p.main_pid, 0);
}
END_TEST

START_TEST(show_odd_input)
{
	struct svc_sd_props p;

	ck_assert_int_eq(svc_sd_parse_show("", &p), -EINVAL);
	ck_assert_int_eq(svc_sd_parse_show("garbage\nno equals\n", &p),
			 -EINVAL);
	/* A unit systemd does not know: not an error, a stopped service. */
	ck_assert_int_eq(svc_sd_parse_show("LoadState=not-found\n"
					   "ActiveState=inactive\n"
					   "SubState=dead\nMainPID=0", &p),
			 0);
	ck_assert_int_eq(svc_sd_state(&p), MGMTD_SVC_STOPPED);
	/* Values longer than the fields are cut, not overflowed; exited
	 * normally: the status itself. */
	ck_assert_int_eq(svc_sd_parse_show("ActiveState=activating-but-far-"
					   "too-long-for-the-field\n"
					   "ExecMainExitTimestampMonotonic=5\n"
					   "ExecMainCode=1\nExecMainStatus=3\n",
					   &p),
			 0);
	ck_assert_uint_eq(strlen(p.active), sizeof(p.active) - 1);
	ck_assert_int_eq(svc_sd_last_exit(&p), 3);
}
END_TEST

START_TEST(manager_without_core)
{
	ck_assert_int_eq(svc_manager_choose(NULL), SVC_MGR_CHILDREN);
}
END_TEST

/* The daemon config's "services" setting, read and checked, and the
 * manager it picks. */
static int manager_of(const char *setting, char *msg, size_t len)
{
	char *dir = unit_tmpdir(), path[4096];
	struct daemon_config *dc = NULL;
	int rc;
	FILE *f;

	snprintf(path, sizeof(path), "%s/mgmtd.conf", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "state_dir = \"%s\";\n%s\n", dir, setting);
	fclose(f);
	rc = daemon_config_load(path, &dc, msg, len);
	if (rc == 0) {
		struct core c = { .dc = dc };

		rc = (int)svc_manager_choose(&c);
		daemon_config_free(dc);
	}
	unit_rmdir(dir);
	return rc;
}

START_TEST(manager_setting)
{
	int booted = access(SVC_SD_BOOTED_DIR, F_OK) == 0 ? SVC_MGR_SYSTEMD
							  : SVC_MGR_CHILDREN;
	char msg[512] = "";

	ck_assert_int_eq(manager_of("services = \"children\";", msg,
				    sizeof(msg)), SVC_MGR_CHILDREN);
	ck_assert_int_eq(manager_of("services = \"systemd\";", msg,
				    sizeof(msg)), SVC_MGR_SYSTEMD);
	ck_assert_int_eq(manager_of("services = \"auto\";", msg, sizeof(msg)),
			 booted);
	ck_assert_int_eq(manager_of("", msg, sizeof(msg)), booted);
	ck_assert_int_eq(manager_of("services = \"upstart\";", msg,
				    sizeof(msg)), -EINVAL);
	ck_assert_msg(strstr(msg, "services") && strstr(msg, "auto, systemd"),
		      "%s", msg);
	ck_assert_int_eq(manager_of("services = 1;", msg, sizeof(msg)),
			 -EINVAL);
}
END_TEST

static Suite *service_systemd_suite(void)
{
	Suite *s = suite_create("service_systemd");
	TCase *tc = tcase_create("unit");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, render_smbd);
	tcase_add_test(tc, render_quoting);
	tcase_add_test(tc, render_refuses);
	suite_add_tcase(s, tc);
	tc = tcase_create("show");
	tcase_add_test(tc, show_running);
	tcase_add_test(tc, show_auto_restart);
	tcase_add_test(tc, show_restarted);
	tcase_add_test(tc, show_start_limit);
	tcase_add_test(tc, show_stopped);
	tcase_add_test(tc, show_odd_input);
	tcase_add_test(tc, manager_without_core);
	tcase_add_test(tc, manager_setting);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(service_systemd_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
