/* Unit tests of the small core modules plugins rely on: running tools
 * (exec.c), files (fileutil.c) and the error list (err.c). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fileutil.h"
#include "loop.h"
#include "mgmtd/plugin.h"

#define CLEAN_ENV                                                            \
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n" \
	"LANG=C\nLC_ALL=C\n"

static void pause_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void run_ok(const char *const *argv, const struct mgmtd_exec_opts *opts,
		   struct mgmtd_exec_result *res)
{
	int rc = mgmtd_exec(argv, opts, res);

	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(res->out);
	ck_assert_ptr_nonnull(res->err);
}

/* ------------------------------------------------------------------ */
/* Temporary directories                                               */

static void tmpdir_make(char dir[PATH_MAX])
{
	snprintf(dir, PATH_MAX, "/tmp/test_exec.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path) < 0 ? -1 : 0;
}

static void tmpdir_remove(const char *dir)
{
	ck_assert_int_eq(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* The names in dir, sorted, one per line ("" for none). */
static void dir_list(const char *dir, char *buf, size_t size)
{
	char cmd[PATH_MAX + 32];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "ls -A '%s'", dir);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(buf, 1, size - 1, p);
	buf[n] = '\0';
	ck_assert_int_eq(pclose(p), 0);
}

static void write_file(const char *path, const char *data, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, strlen(data)), (int)strlen(data));
	ck_assert_int_eq(close(fd), 0);
}

static void assert_file(const char *path, const char *want)
{
	size_t len;
	char *data;

	ck_assert_int_eq(fileutil_read(path, 1 << 20, &data, &len), 0);
	ck_assert_str_eq(data, want);
	ck_assert_uint_eq(len, strlen(want));
	free(data);
}

/* ------------------------------------------------------------------ */
/* mgmtd_exec                                                          */

START_TEST(test_exit_status)
{
	const char *const ok[] = { "true", NULL };
	const char *const three[] = { "sh", "-c", "exit 3", NULL };
	const char *const killed[] = { "sh", "-c", "kill -9 $$", NULL };
	struct mgmtd_exec_result res;

	run_ok(ok, NULL, &res);
	ck_assert_int_eq(res.status, 0);
	ck_assert(!res.timed_out);
	mgmtd_exec_result_fini(&res);
	run_ok(three, NULL, &res);
	ck_assert_int_eq(res.status, 3);
	mgmtd_exec_result_fini(&res);
	run_ok(killed, NULL, &res);
	ck_assert_int_eq(res.status, 128 + SIGKILL);
	mgmtd_exec_result_fini(&res);
}
END_TEST

START_TEST(test_capture)
{
	const char *const argv[] = {
		"/bin/sh", "-c", "echo out; echo err >&2; echo more", NULL
	};
	struct mgmtd_exec_result res;

	run_ok(argv, NULL, &res);
	ck_assert_str_eq(res.out, "out\nmore\n");
	ck_assert_uint_eq(res.out_len, 9);
	ck_assert_str_eq(res.err, "err\n");
	ck_assert_uint_eq(res.err_len, 4);
	ck_assert(!res.out_truncated && !res.err_truncated);
	mgmtd_exec_result_fini(&res);
}
END_TEST

START_TEST(test_stdin_none_is_dev_null)
{
	const char *const argv[] = { "cat", NULL };
	struct mgmtd_exec_result res;

	run_ok(argv, NULL, &res);
	ck_assert_int_eq(res.status, 0);
	ck_assert_str_eq(res.out, "");
	ck_assert_uint_eq(res.out_len, 0);
	mgmtd_exec_result_fini(&res);
}
END_TEST

START_TEST(test_stdin_small)
{
	const char *const argv[] = { "cat", NULL };
	struct mgmtd_exec_opts opts = { .stdin_data = "secret\n" };
	struct mgmtd_exec_result res;

	run_ok(argv, &opts, &res);
	ck_assert_str_eq(res.out, "secret\n");
	mgmtd_exec_result_fini(&res);
}
END_TEST

/* 1 MiB in and out at once: only works if stdin and stdout are polled
 * together.  The output is exactly the default cap: not truncated. */
START_TEST(test_stdin_large)
{
	const char *const argv[] = { "cat", NULL };
	size_t len = 1024 * 1024;
	struct mgmtd_exec_opts opts = { 0 };
	struct mgmtd_exec_result res;
	char *data = malloc(len + 1);

	ck_assert_ptr_nonnull(data);
	for (size_t i = 0; i < len; i++)
		data[i] = (char)('a' + i % 26);
	data[len] = '\0';
	opts.stdin_data = data;
	run_ok(argv, &opts, &res);
	ck_assert_int_eq(res.status, 0);
	ck_assert_uint_eq(res.out_len, len);
	ck_assert(!res.out_truncated);
	ck_assert(memcmp(res.out, data, len) == 0);
	mgmtd_exec_result_fini(&res);
	free(data);
}
END_TEST

/* A tool that does not read its stdin: EPIPE, not a SIGPIPE that kills
 * the daemon (this test process keeps SIGPIPE's default action). */
START_TEST(test_stdin_not_read)
{
	const char *const argv[] = { "true", NULL };
	size_t len = 4 * 1024 * 1024;
	struct mgmtd_exec_opts opts = { 0 };
	struct mgmtd_exec_result res;
	char *data = malloc(len + 1);
	sigset_t pending;

	ck_assert_ptr_nonnull(data);
	memset(data, 'x', len);
	data[len] = '\0';
	opts.stdin_data = data;
	run_ok(argv, &opts, &res);
	ck_assert_int_eq(res.status, 0);
	mgmtd_exec_result_fini(&res);
	free(data);
	ck_assert_int_eq(sigpending(&pending), 0);
	ck_assert(!sigismember(&pending, SIGPIPE));
}
END_TEST

START_TEST(test_output_cap)
{
	const char *const argv[] = { "head", "-c", "10485760", "/dev/zero",
				     NULL };
	struct mgmtd_exec_opts opts = { .output_cap = 4096 };
	struct mgmtd_exec_result res;

	run_ok(argv, &opts, &res);
	/* Read to the end and discarded: head was never blocked. */
	ck_assert_int_eq(res.status, 0);
	ck_assert(!res.timed_out);
	ck_assert_uint_eq(res.out_len, 4096);
	ck_assert(res.out_truncated);
	ck_assert_int_eq(res.out[4096], '\0');
	ck_assert(!res.err_truncated);
	mgmtd_exec_result_fini(&res);
}
END_TEST

START_TEST(test_output_cap_default)
{
	const char *const argv[] = { "head", "-c", "10485760", "/dev/zero",
				     NULL };
	struct mgmtd_exec_result res;

	run_ok(argv, NULL, &res);
	ck_assert_int_eq(res.status, 0);
	ck_assert_uint_eq(res.out_len, 1024 * 1024);
	ck_assert(res.out_truncated);
	mgmtd_exec_result_fini(&res);
}
END_TEST

START_TEST(test_timeout)
{
	const char *const argv[] = { "sleep", "30", NULL };
	struct mgmtd_exec_opts opts = { .timeout_ms = 300 };
	struct mgmtd_exec_result res;
	long long t0 = loop_now_ms(), elapsed;

	run_ok(argv, &opts, &res);
	elapsed = loop_now_ms() - t0;
	ck_assert(res.timed_out);
	ck_assert_int_eq(res.status, 128 + SIGTERM);
	ck_assert_int_ge(elapsed, 300);
	ck_assert_int_lt(elapsed, 1800);
	mgmtd_exec_result_fini(&res);
}
END_TEST

/* Reap what a killed group left to us (we are its subreaper), until the
 * group is gone; false if it is still there after 5 s. */
static bool group_gone(pid_t pgid)
{
	long long deadline = loop_now_ms() + 5000;

	while (loop_now_ms() < deadline) {
		while (waitpid(-pgid, NULL, WNOHANG) > 0)
			;
		if (kill(-pgid, 0) < 0 && errno == ESRCH)
			return true;
		pause_ms(10);
	}
	return false;
}

/* Orphaned processes would go to PID 1, which may never reap them in a
 * container: become their reaper, so that "gone" can be observed. */
static void become_subreaper(void)
{
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
}

START_TEST(test_timeout_kills_group)
{
	const char *const argv[] = { "sh", "-c", "echo $$; sleep 30 & sleep 30",
				     NULL };
	struct mgmtd_exec_opts opts = { .timeout_ms = 300 };
	struct mgmtd_exec_result res;
	long long t0 = loop_now_ms();
	pid_t pgid;

	become_subreaper();
	run_ok(argv, &opts, &res);
	ck_assert(res.timed_out);
	ck_assert_int_lt(loop_now_ms() - t0, 1800);
	pgid = (pid_t)atoi(res.out);
	ck_assert_int_gt(pgid, 1);
	ck_assert(group_gone(pgid));
	mgmtd_exec_result_fini(&res);
}
END_TEST

/* A member of the group that ignores SIGTERM and has let go of the pipes
 * still goes when the child is gone. */
START_TEST(test_timeout_kills_quiet_member)
{
	const char *const argv[] = {
		"sh", "-c",
		"echo $$; (trap '' TERM; exec sleep 30 >/dev/null 2>&1) &"
		" exec sleep 30",
		NULL
	};
	struct mgmtd_exec_opts opts = { .timeout_ms = 300 };
	struct mgmtd_exec_result res;
	long long t0 = loop_now_ms();

	become_subreaper();
	run_ok(argv, &opts, &res);
	ck_assert(res.timed_out);
	ck_assert_int_eq(res.status, 128 + SIGTERM);
	ck_assert_int_lt(loop_now_ms() - t0, 1800);
	ck_assert(group_gone((pid_t)atoi(res.out)));
	mgmtd_exec_result_fini(&res);
}
END_TEST

/* A group that ignores SIGTERM gets SIGKILL after the grace period. */
START_TEST(test_timeout_escalates)
{
	const char *const argv[] = {
		"sh", "-c", "trap '' TERM; echo $$; sleep 30 & sleep 30", NULL
	};
	struct mgmtd_exec_opts opts = { .timeout_ms = 200 };
	struct mgmtd_exec_result res;
	long long t0 = loop_now_ms(), elapsed;
	pid_t pgid;

	become_subreaper();
	run_ok(argv, &opts, &res);
	elapsed = loop_now_ms() - t0;
	ck_assert(res.timed_out);
	ck_assert_int_eq(res.status, 128 + SIGKILL);
	ck_assert_int_ge(elapsed, 2200);
	ck_assert_int_lt(elapsed, 4000);
	pgid = (pid_t)atoi(res.out);
	ck_assert(group_gone(pgid));
	mgmtd_exec_result_fini(&res);
}
END_TEST

START_TEST(test_clean_env)
{
	const char *const argv[] = { "env", NULL };
	const char *const extra[] = { "FOO=bar", "LANG=de_DE.UTF-8", NULL };
	struct mgmtd_exec_opts opts = { .env = extra };
	struct mgmtd_exec_result res;

	ck_assert_int_eq(setenv("MGMTD_TEST_LEAK", "secret", 1), 0);
	ck_assert_int_eq(setenv("LD_PRELOAD", "/nonexistent.so", 1), 0);
	run_ok(argv, NULL, &res);
	ck_assert_str_eq(res.out, CLEAN_ENV);
	mgmtd_exec_result_fini(&res);

	/* Extra entries come after the base and replace a base entry. */
	run_ok(argv, &opts, &res);
	ck_assert_str_eq(res.out,
			 "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
			 "/usr/bin:/sbin:/bin\nLC_ALL=C\nFOO=bar\n"
			 "LANG=de_DE.UTF-8\n");
	mgmtd_exec_result_fini(&res);
	unsetenv("LD_PRELOAD");
}
END_TEST

START_TEST(test_bad_env)
{
	const char *const argv[] = { "env", NULL };
	const char *const no_eq[] = { "FOO", NULL };
	const char *const no_name[] = { "=x", NULL };
	struct mgmtd_exec_opts opts = { .env = no_eq };
	struct mgmtd_exec_result res;

	ck_assert_int_eq(mgmtd_exec(argv, &opts, &res), -EINVAL);
	opts.env = no_name;
	ck_assert_int_eq(mgmtd_exec(argv, &opts, &res), -EINVAL);
}
END_TEST

START_TEST(test_no_shell)
{
	const char *const argv[] = { "printf", "%s|", "$(id)", ";", "*",
				     "`id`", "a b", "&&", NULL };
	struct mgmtd_exec_result res;

	run_ok(argv, NULL, &res);
	ck_assert_str_eq(res.out, "$(id)|;|*|`id`|a b|&&|");
	mgmtd_exec_result_fini(&res);
}
END_TEST

START_TEST(test_missing_tool)
{
	const char *const missing[] = { "mgmtd-no-such-tool", NULL };
	const char *const abs_missing[] = { "/nonexistent/tool", NULL };
	const char *const empty[] = { "", NULL };
	const char *const none[] = { NULL };
	struct mgmtd_exec_result res;

	ck_assert_int_eq(mgmtd_exec(missing, NULL, &res), -ENOENT);
	ck_assert_int_eq(mgmtd_exec(abs_missing, NULL, &res), -ENOENT);
	ck_assert_int_eq(mgmtd_exec(empty, NULL, &res), -ENOENT);
	ck_assert_int_eq(mgmtd_exec(none, NULL, &res), -EINVAL);
	ck_assert_int_eq(mgmtd_exec(NULL, NULL, &res), -EINVAL);
}
END_TEST

/* A file without execute permission: the exec error of the child comes
 * back (even root cannot run it). */
START_TEST(test_not_executable)
{
	char dir[PATH_MAX], tool[PATH_MAX + 16];
	const char *argv[] = { tool, NULL };
	struct mgmtd_exec_result res;

	tmpdir_make(dir);
	snprintf(tool, sizeof(tool), "%s/tool", dir);
	write_file(tool, "#!/bin/sh\nexit 0\n", 0644);
	ck_assert_int_eq(mgmtd_exec(argv, NULL, &res), -EACCES);
	tmpdir_remove(dir);
}
END_TEST

/* A tool found only through the daemon's PATH is not run. */
START_TEST(test_daemon_path_ignored)
{
	char dir[PATH_MAX], tool[PATH_MAX + 32], path[2 * PATH_MAX];
	const char *const argv[] = { "mgmtd-test-tool", NULL };
	char *saved = strdup(getenv("PATH"));
	struct mgmtd_exec_result res;

	tmpdir_make(dir);
	snprintf(tool, sizeof(tool), "%s/mgmtd-test-tool", dir);
	write_file(tool, "#!/bin/sh\nexit 0\n", 0755);
	snprintf(path, sizeof(path), "%s:%s", dir, saved);
	ck_assert_int_eq(setenv("PATH", path, 1), 0);
	ck_assert_int_eq(mgmtd_exec(argv, NULL, &res), -ENOENT);
	ck_assert_int_eq(setenv("PATH", saved, 1), 0);
	free(saved);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_no_fd_leak)
{
	const char *const argv[] = { "ls", "/proc/self/fd", NULL };
	struct mgmtd_exec_opts opts = { .stdin_data = "" };
	struct mgmtd_exec_result res;
	int fd = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose */

	ck_assert_int_ge(fd, 3);
	run_ok(argv, NULL, &res);
	/* 3 is the directory ls itself opens. */
	ck_assert_str_eq(res.out, "0\n1\n2\n3\n");
	mgmtd_exec_result_fini(&res);
	run_ok(argv, &opts, &res);
	ck_assert_str_eq(res.out, "0\n1\n2\n3\n");
	mgmtd_exec_result_fini(&res);
	close(fd);
}
END_TEST

/* The daemon may have stdio closed: the pipes then land on fds 0-2. */
START_TEST(test_stdio_closed)
{
	const char *const argv[] = { "sh", "-c", "cat; echo err >&2", NULL };
	struct mgmtd_exec_opts opts = { .stdin_data = "in\n" };
	struct mgmtd_exec_result res;
	int saved[3];

	for (int i = 0; i < 3; i++) {
		saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 10);
		close(i);
	}
	run_ok(argv, &opts, &res);
	for (int i = 0; i < 3; i++) {
		dup2(saved[i], i);
		close(saved[i]);
	}
	ck_assert_str_eq(res.out, "in\n");
	ck_assert_str_eq(res.err, "err\n");
	mgmtd_exec_result_fini(&res);
}
END_TEST

/* Whether a signal mask line of /proc/PID/status is empty, leaving out
 * glibc's internal signals (32 and 33): glibc will not let a program change
 * them, and a caller of the test (make's shell) may have left them ignored. */
static bool status_line_is_zero(const char *status, const char *field)
{
	const char *p = strstr(status, field);
	unsigned long long mask;

	if (!p || sscanf(p + strlen(field), "%llx", &mask) != 1)
		return false;
	mask &= ~((1ULL << 31) | (1ULL << 32));
	return mask == 0;
}

/* Ignored and blocked signals of the daemon do not reach the tool. */
START_TEST(test_signals_reset)
{
	const char *const argv[] = { "cat", "/proc/self/status", NULL };
	const char *const usr1[] = { "sh", "-c", "kill -USR1 $$; echo alive",
				     NULL };
	struct mgmtd_exec_result res;
	sigset_t set;

	signal(SIGUSR1, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	run_ok(argv, NULL, &res);
	ck_assert(status_line_is_zero(res.out, "SigBlk:"));
	ck_assert_msg(status_line_is_zero(res.out, "SigIgn:"), "%s",
		      strstr(res.out, "SigIgn:"));
	mgmtd_exec_result_fini(&res);
	run_ok(usr1, NULL, &res);
	ck_assert_int_eq(res.status, 128 + SIGUSR1);
	ck_assert_str_eq(res.out, "");
	mgmtd_exec_result_fini(&res);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}
END_TEST

/* The tool leads its own process group. */
START_TEST(test_own_process_group)
{
	const char *const argv[] = { "cat", "/proc/self/stat", NULL };
	struct mgmtd_exec_result res;
	int pid, ppid, pgrp;

	run_ok(argv, NULL, &res);
	ck_assert_int_eq(sscanf(res.out, "%d (cat) %*c %d %d", &pid, &ppid,
				&pgrp),
			 3);
	ck_assert_int_eq(ppid, getpid());
	ck_assert_int_eq(pgrp, pid);
	ck_assert_int_ne(pgrp, getpgrp());
	mgmtd_exec_result_fini(&res);
}
END_TEST

/* ------------------------------------------------------------------ */
/* mgmtd_exec_check                                                    */

START_TEST(test_check_ok)
{
	const char *const argv[] = { "printf", "hello", NULL };
	struct mgmtd_err err = { 0 };
	char *out = (char *)"garbage";

	ck_assert_int_eq(mgmtd_exec_check(argv, NULL, &out, &err, "a.b"), 0);
	ck_assert_str_eq(out, "hello");
	ck_assert_uint_eq(err.count, 0);
	free(out);
	ck_assert_int_eq(mgmtd_exec_check(argv, NULL, NULL, &err, "a.b"), 0);
}
END_TEST

START_TEST(test_check_stderr_line)
{
	const char *const argv[] = {
		"/bin/sh", "-c",
		"echo stdout; printf '\\n  \\n' >&2; echo 'first line ' >&2;"
		" echo second >&2; exit 2",
		NULL
	};
	struct mgmtd_err err = { 0 };
	char *out = (char *)"garbage";

	ck_assert_int_eq(mgmtd_exec_check(argv, NULL, &out, &err, "x.y"),
			 -EIO);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_int_eq(err.items[0].code, MGMTD_E_FAILED);
	ck_assert_str_eq(err.items[0].path, "x.y");
	ck_assert_str_eq(err.items[0].message,
			 "sh failed (exit 2): first line");
}
END_TEST

START_TEST(test_check_stdout_line)
{
	const char *const argv[] = { "sh", "-c",
				     "printf '\\n\\n' >&2; echo from stdout;"
				     " exit 1",
				     NULL };
	const char *const silent[] = { "false", NULL };
	struct mgmtd_err err = { 0 };

	ck_assert_int_eq(mgmtd_exec_check(argv, NULL, NULL, &err, NULL), -EIO);
	ck_assert_str_eq(err.items[0].message,
			 "sh failed (exit 1): from stdout");
	ck_assert_str_eq(err.items[0].path, "");
	ck_assert_int_eq(mgmtd_exec_check(silent, NULL, NULL, &err, "p"),
			 -EIO);
	ck_assert_str_eq(err.items[1].message, "false failed (exit 1)");
}
END_TEST

/* Messages end up in logs and JSON: no control characters. */
START_TEST(test_check_sanitized)
{
	const char *const argv[] = { "sh", "-c",
				     "printf 'bad\\tthing\\033[0m\\r\\n' >&2;"
				     " exit 4",
				     NULL };
	struct mgmtd_err err = { 0 };

	ck_assert_int_eq(mgmtd_exec_check(argv, NULL, NULL, &err, "p"), -EIO);
	ck_assert_str_eq(err.items[0].message,
			 "sh failed (exit 4): bad thing [0m");
}
END_TEST

START_TEST(test_check_timeout)
{
	const char *const argv[] = { "sleep", "30", NULL };
	struct mgmtd_exec_opts opts = { .timeout_ms = 200 };
	struct mgmtd_err err = { 0 };

	ck_assert_int_eq(mgmtd_exec_check(argv, &opts, NULL, &err, "t"), -EIO);
	ck_assert_str_eq(err.items[0].message, "sleep timed out after 200 ms");
}
END_TEST

START_TEST(test_check_spawn_error)
{
	const char *const argv[] = { "mgmtd-no-such-tool", "--password",
				     "hunter2", NULL };
	struct mgmtd_err err = { 0 };
	char *out = (char *)"garbage";

	ck_assert_int_eq(mgmtd_exec_check(argv, NULL, &out, &err, "s"),
			 -ENOENT);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_str_eq(err.items[0].message,
			 "mgmtd-no-such-tool: cannot run: "
			 "No such file or directory");
	ck_assert_ptr_null(strstr(err.items[0].message, "hunter2"));
}
END_TEST

/* ------------------------------------------------------------------ */
/* fileutil                                                            */

START_TEST(test_write_atomic)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], names[256];
	struct stat st;

	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/file.conf", dir);
	write_file(path, "old\n", 0600);
	ck_assert_int_eq(fileutil_write_atomic(path, "new content\n", 12, 0640),
			 0);
	assert_file(path, "new content\n");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	dir_list(dir, names, sizeof(names));
	ck_assert_str_eq(names, "file.conf\n");

	/* A new file; the mode is exact whatever the umask. */
	snprintf(path, sizeof(path), "%s/other", dir);
	umask(077);
	ck_assert_int_eq(fileutil_write_atomic(path, "", 0, 0644), 0);
	umask(022);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(st.st_size, 0);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_write_atomic_fails_cleanly)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], names[256];

	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/nodir/file", dir);
	ck_assert_int_eq(fileutil_write_atomic(path, "x", 1, 0644), -ENOENT);

	/* The rename fails after the temporary was written: removed. */
	snprintf(path, sizeof(path), "%s/sub", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	ck_assert_int_lt(fileutil_write_atomic(path, "x", 1, 0644), 0);
	dir_list(dir, names, sizeof(names));
	ck_assert_str_eq(names, "sub\n");
	tmpdir_remove(dir);
}
END_TEST

/* The write fails half-way (file size limit, which binds root too): the
 * old file stays and no temporary is left. */
START_TEST(test_write_atomic_write_error)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], names[256];
	char big[8192];
	struct rlimit old, small = { .rlim_cur = 4096 };

	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/file", dir);
	write_file(path, "old\n", 0644);
	memset(big, 'x', sizeof(big));
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	small.rlim_max = old.rlim_max;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	ck_assert_int_eq(fileutil_write_atomic(path, big, sizeof(big), 0644),
			 -EFBIG);
	ck_assert_int_eq(mgmtd_file_stage(path, big, sizeof(big), 0644, NULL,
					  NULL),
			 -EFBIG);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_file(path, "old\n");
	dir_list(dir, names, sizeof(names));
	ck_assert_str_eq(names, "file\n");
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_write_atomic_unwritable_dir)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], names[256];

	if (geteuid() == 0)
		return; /* root writes anyway; see the write error test */
	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/file", dir);
	write_file(path, "old\n", 0644);
	ck_assert_int_eq(chmod(dir, 0555), 0);
	ck_assert_int_eq(fileutil_write_atomic(path, "new", 3, 0644), -EACCES);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	assert_file(path, "old\n");
	dir_list(dir, names, sizeof(names));
	ck_assert_str_eq(names, "file\n");
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_tmp_commit_discard)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], tmp[PATH_MAX], names[256];
	struct stat st;
	FILE *f;

	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/data", dir);
	write_file(path, "old\n", 0644);
	ck_assert_int_eq(fileutil_tmp_open(path, 0600, &f, tmp), 0);
	ck_assert_ptr_nonnull(strstr(tmp, "/.data."));
	fprintf(f, "line %d\n", 1);
	ck_assert_int_eq(fileutil_tmp_commit(f, tmp, path), 0);
	assert_file(path, "line 1\n");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);

	ck_assert_int_eq(fileutil_tmp_open(path, 0600, &f, tmp), 0);
	fprintf(f, "dropped\n");
	fileutil_tmp_discard(f, tmp);
	assert_file(path, "line 1\n");
	dir_list(dir, names, sizeof(names));
	ck_assert_str_eq(names, "data\n");
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_mkdir_p)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct stat st;

	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/a/b//c/", dir);
	ck_assert_int_eq(fileutil_mkdir_p(path, 0750), 0);
	ck_assert_int_eq(fileutil_mkdir_p(path, 0750), 0);
	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	snprintf(path, sizeof(path), "%s/f", dir);
	write_file(path, "", 0644);
	ck_assert_int_eq(fileutil_mkdir_p(path, 0750), -ENOTDIR);
	snprintf(path, sizeof(path), "%s/f/x", dir);
	ck_assert_int_eq(fileutil_mkdir_p(path, 0750), -ENOTDIR);
	ck_assert_int_eq(fileutil_mkdir_p("", 0750), -EINVAL);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_read)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	char *data = (char *)"garbage";
	size_t len = 99;

	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/f", dir);
	write_file(path, "0123456789", 0644);
	ck_assert_int_eq(fileutil_read(path, 10, &data, &len), 0);
	ck_assert_str_eq(data, "0123456789");
	ck_assert_uint_eq(len, 10);
	free(data);
	ck_assert_int_eq(fileutil_read(path, 9, &data, &len), -EFBIG);
	ck_assert_ptr_null(data);
	ck_assert_uint_eq(len, 0);
	snprintf(path, sizeof(path), "%s/missing", dir);
	ck_assert_int_eq(fileutil_read(path, 10, &data, &len), -ENOENT);
	/* Files that report a size of 0. */
	ck_assert_int_eq(fileutil_read("/proc/self/status", 1 << 20, &data,
				       &len),
			 0);
	ck_assert_ptr_nonnull(strstr(data, "Pid:"));
	free(data);
	ck_assert_int_eq(fileutil_fsync_parent(path), 0);
	snprintf(path, sizeof(path), "%s/missing/f", dir);
	ck_assert_int_eq(fileutil_fsync_parent(path), -ENOENT);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_stage_commit)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], staged[PATH_MAX + 32];
	char names[256];
	struct mgmtd_err err = { 0 };
	bool root = geteuid() == 0;
	struct stat st;

	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/svc.conf", dir);
	snprintf(staged, sizeof(staged), "%s.mgmtd-new", path);
	write_file(path, "old\n", 0644);
	if (root)
		ck_assert_int_eq(chown(path, 1234, 1235), 0);
	/* A leftover of a crash with another mode is replaced. */
	write_file(staged, "stale", 0777);
	ck_assert_int_eq(mgmtd_file_stage(path, "new\n", 4, 0640, &err, "e"),
			 0);
	assert_file(path, "old\n");
	assert_file(staged, "new\n");
	ck_assert_int_eq(stat(staged, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	if (root) {
		ck_assert_uint_eq(st.st_uid, 1234);
		ck_assert_uint_eq(st.st_gid, 1235);
	}
	ck_assert_int_eq(mgmtd_file_commit(path), 0);
	assert_file(path, "new\n");
	dir_list(dir, names, sizeof(names));
	ck_assert_str_eq(names, "svc.conf\n");
	ck_assert_int_eq(mgmtd_file_commit(path), -ENOENT);
	ck_assert_uint_eq(err.count, 0);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_stage_discard)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], names[256];
	struct mgmtd_err err = { 0 };

	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/new.conf", dir);
	ck_assert_int_eq(mgmtd_file_stage(path, "x", 1, 0600, &err, "e"), 0);
	dir_list(dir, names, sizeof(names));
	ck_assert_str_eq(names, "new.conf.mgmtd-new\n");
	mgmtd_file_discard(path);
	mgmtd_file_discard(path);
	dir_list(dir, names, sizeof(names));
	ck_assert_str_eq(names, "");
	ck_assert_uint_eq(err.count, 0);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_stage_error)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], msg[PATH_MAX + 64];
	struct mgmtd_err err = { 0 };

	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/missing/x.conf", dir);
	ck_assert_int_eq(mgmtd_file_stage(path, "x", 1, 0600, &err,
					  "dns.servers"),
			 -ENOENT);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_int_eq(err.items[0].code, MGMTD_E_FAILED);
	ck_assert_str_eq(err.items[0].path, "dns.servers");
	snprintf(msg, sizeof(msg), "cannot write %s: No such file or directory",
		 path);
	ck_assert_str_eq(err.items[0].message, msg);
	tmpdir_remove(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* err                                                                 */

START_TEST(test_err_add)
{
	struct mgmtd_err err = { 0 };

	ck_assert_int_eq(mgmtd_err_add(&err, MGMTD_E_INVALID, "a.b", "bad %d",
				       42),
			 -EINVAL);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_int_eq(err.items[0].code, MGMTD_E_INVALID);
	ck_assert_str_eq(err.items[0].path, "a.b");
	ck_assert_str_eq(err.items[0].message, "bad 42");
	ck_assert_int_eq(mgmtd_err_add(&err, MGMTD_E_INCONSISTENT, NULL, "x"),
			 -EINVAL);
	ck_assert_str_eq(err.items[1].path, "");
	ck_assert_int_eq(mgmtd_err_add(&err, MGMTD_E_NOT_FOUND, "p", "x"),
			 -ENOENT);
	ck_assert_int_eq(mgmtd_err_add(&err, MGMTD_E_CONFLICT, "p", "x"),
			 -EEXIST);
	ck_assert_int_eq(mgmtd_err_add(&err, MGMTD_E_NOT_WRITABLE, "p", "x"),
			 -EINVAL);
	ck_assert_int_eq(mgmtd_err_add(&err, MGMTD_E_FAILED, "p", "x"), -EIO);
	ck_assert_int_eq(mgmtd_err_add(&err, MGMTD_E_BUSY, "p", "x"), -EBUSY);
	/* Never 0, even for a code that is no error. */
	ck_assert_int_lt(mgmtd_err_add(&err, MGMTD_E_OK, "p", "x"), 0);
	ck_assert_uint_eq(err.count, 8);
	ck_assert_int_eq(mgmtd_err_add(NULL, MGMTD_E_BUSY, "p", "x"), -EBUSY);
}
END_TEST

START_TEST(test_err_overflow)
{
	struct mgmtd_err err = { 0 };
	char longer[MGMTD_ERR_MSG_LEN * 2];

	for (int i = 0; i < MGMTD_ERR_MAX + 5; i++)
		ck_assert_int_eq(mgmtd_err_add(&err, MGMTD_E_CONFLICT, "p",
					       "item %d", i),
				 -EEXIST);
	ck_assert_uint_eq(err.count, MGMTD_ERR_MAX);
	ck_assert_uint_eq(err.dropped, 5);
	ck_assert_str_eq(err.items[MGMTD_ERR_MAX - 1].message, "item 15");

	err_clear(&err);
	ck_assert_uint_eq(err.count, 0);
	ck_assert_uint_eq(err.dropped, 0);
	memset(longer, 'm', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	mgmtd_err_add(&err, MGMTD_E_INVALID, longer, "%s", longer);
	ck_assert_uint_eq(strlen(err.items[0].path), MGMTD_ERR_PATH_LEN - 1);
	ck_assert_uint_eq(strlen(err.items[0].message), MGMTD_ERR_MSG_LEN - 1);
}
END_TEST

START_TEST(test_err_mapping)
{
	ck_assert_str_eq(err_code_name(MGMTD_E_INVALID), "invalid");
	ck_assert_str_eq(err_code_name(MGMTD_E_INCONSISTENT), "inconsistent");
	ck_assert_str_eq(err_code_name(MGMTD_E_NOT_FOUND), "not_found");
	ck_assert_str_eq(err_code_name(MGMTD_E_CONFLICT), "conflict");
	ck_assert_str_eq(err_code_name(MGMTD_E_NOT_WRITABLE), "not_writable");
	ck_assert_str_eq(err_code_name(MGMTD_E_FAILED), "failed");
	ck_assert_str_eq(err_code_name(MGMTD_E_BUSY), "busy");
	ck_assert_int_eq(err_code_http_status(MGMTD_E_INVALID), 400);
	ck_assert_int_eq(err_code_http_status(MGMTD_E_INCONSISTENT), 400);
	ck_assert_int_eq(err_code_http_status(MGMTD_E_NOT_FOUND), 404);
	ck_assert_int_eq(err_code_http_status(MGMTD_E_CONFLICT), 409);
	ck_assert_int_eq(err_code_http_status(MGMTD_E_NOT_WRITABLE), 400);
	ck_assert_int_eq(err_code_http_status(MGMTD_E_FAILED), 500);
	ck_assert_int_eq(err_code_http_status(MGMTD_E_BUSY), 503);
	ck_assert_int_eq(err_code_http_status((enum mgmtd_err_code)99), 500);
}
END_TEST

static Suite *exec_suite(void)
{
	Suite *s = suite_create("exec");
	TCase *tc = tcase_create("exec");
	TCase *check = tcase_create("exec_check");
	TCase *file = tcase_create("fileutil");
	TCase *err = tcase_create("err");

	/* Generous for valgrind; the tests check their own timing. */
	tcase_set_timeout(tc, 60);
	tcase_set_timeout(check, 60);
	tcase_set_timeout(file, 60);
	tcase_add_test(tc, test_exit_status);
	tcase_add_test(tc, test_capture);
	tcase_add_test(tc, test_stdin_none_is_dev_null);
	tcase_add_test(tc, test_stdin_small);
	tcase_add_test(tc, test_stdin_large);
	tcase_add_test(tc, test_stdin_not_read);
	tcase_add_test(tc, test_output_cap);
	tcase_add_test(tc, test_output_cap_default);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_timeout_kills_group);
	tcase_add_test(tc, test_timeout_kills_quiet_member);
	tcase_add_test(tc, test_timeout_escalates);
	tcase_add_test(tc, test_clean_env);
	tcase_add_test(tc, test_bad_env);
	tcase_add_test(tc, test_no_shell);
	tcase_add_test(tc, test_missing_tool);
	tcase_add_test(tc, test_not_executable);
	tcase_add_test(tc, test_daemon_path_ignored);
	tcase_add_test(tc, test_no_fd_leak);
	tcase_add_test(tc, test_stdio_closed);
	tcase_add_test(tc, test_signals_reset);
	tcase_add_test(tc, test_own_process_group);
	suite_add_tcase(s, tc);
	tcase_add_test(check, test_check_ok);
	tcase_add_test(check, test_check_stderr_line);
	tcase_add_test(check, test_check_stdout_line);
	tcase_add_test(check, test_check_sanitized);
	tcase_add_test(check, test_check_timeout);
	tcase_add_test(check, test_check_spawn_error);
	suite_add_tcase(s, check);
	tcase_add_test(file, test_write_atomic);
	tcase_add_test(file, test_write_atomic_fails_cleanly);
	tcase_add_test(file, test_write_atomic_write_error);
	tcase_add_test(file, test_write_atomic_unwritable_dir);
	tcase_add_test(file, test_tmp_commit_discard);
	tcase_add_test(file, test_mkdir_p);
	tcase_add_test(file, test_read);
	tcase_add_test(file, test_stage_commit);
	tcase_add_test(file, test_stage_discard);
	tcase_add_test(file, test_stage_error);
	suite_add_tcase(s, file);
	tcase_add_test(err, test_err_add);
	tcase_add_test(err, test_err_overflow);
	tcase_add_test(err, test_err_mapping);
	suite_add_tcase(s, err);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(exec_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
