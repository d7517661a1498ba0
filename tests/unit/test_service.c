/* Service supervision (mgmtd/service.c) with real processes: sleep(1)
 * stands in for a daemon.  Waits poll the state, with a deadline. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core.h"
#include "mgmtd/plugin.h"
#include "unit_util.h"

#define SLEEP "/bin/sleep"

static char *dir;
/* Processes a test forked itself and services it made: stopped whatever
 * the test's outcome, so that a failure leaves nothing running. */
static pid_t strays[4];
static size_t n_strays;
static struct mgmtd_service *svcs[4];
static size_t n_svcs;

static struct mgmtd_service *track(struct mgmtd_service *s)
{
	svcs[n_svcs++] = s;
	return s;
}

static void release(struct mgmtd_service *s)
{
	for (size_t i = 0; i < n_svcs; i++)
		if (svcs[i] == s)
			svcs[i] = NULL;
	mgmtd_service_free(s);
}

static void setup(void)
{
	dir = unit_tmpdir();
	n_strays = 0;
	n_svcs = 0;
}

static void teardown(void)
{
	for (size_t i = 0; i < n_svcs; i++)
		mgmtd_service_free(svcs[i]);
	for (size_t i = 0; i < n_strays; i++) {
		kill(strays[i], SIGKILL);
		waitpid(strays[i], NULL, 0);
	}
	unit_rmdir(dir);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static bool alive(pid_t pid)
{
	char path[64], buf[512], *end;
	FILE *f;
	bool ok = false;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return false;
	if (fgets(buf, sizeof(buf), f) && (end = strrchr(buf, ')')))
		ok = end[2] != 'Z' && end[2] != 'X';
	fclose(f);
	return ok;
}

/* Poll st until pred holds, for at most ms. */
#define WAIT_FOR(s, st, pred, ms)                                         \
	do {                                                              \
		int64_t end_ = now_ms() + (ms);                           \
		for (;;) {                                                \
			mgmtd_service_status((s), &(st));                 \
			if (pred)                                         \
				break;                                    \
			ck_assert_msg(now_ms() < end_, "timed out: " #pred); \
			pause_ms(10);                                     \
		}                                                         \
	} while (0)

static struct mgmtd_service *new_sleep(const char *pid_file,
				       const char *const *helpers,
				       const char *match)
{
	static const char *const argv[] = { SLEEP, "300", NULL };
	char log[4096];
	struct mgmtd_service_spec spec = {
		.name = "sleeper",
		.argv = argv,
		.log_file = log,
		.pid_file = pid_file,
		.helper_pid_files = helpers,
		.match = match,
		.stop_timeout_ms = 2000,
		.backoff_min_ms = 50,
		.backoff_max_ms = 400,
		.stable_ms = 5000,
	};
	struct mgmtd_service *s = NULL;

	snprintf(log, sizeof(log), "%s/log", dir);
	ck_assert_int_eq(mgmtd_service_new(NULL, &spec, &s), 0);
	return track(s);
}

/* Whether pid runs sleep already (its command line names arg). */
static bool execed(pid_t pid, const char *arg)
{
	char path[64], buf[256] = "";
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if (!(f = fopen(path, "r")))
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	return n > strlen(SLEEP) + 1 && strcmp(buf + strlen(SLEEP) + 1, arg) == 0;
}

/* A process in its own session, named in a pid file: what smbd's
 * samba-dcerpcd looks like.  Returns once it runs sleep (before, its
 * command line is still this test's). */
static pid_t stray(const char *pid_file, const char *arg)
{
	pid_t pid = fork();
	int64_t end = now_ms() + 5000;
	FILE *f;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		/* Not our output: a pipe reader would wait for it. */
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		setsid();
		execl(SLEEP, SLEEP, arg, (char *)NULL);
		_exit(127);
	}
	strays[n_strays++] = pid;
	while (!execed(pid, arg)) {
		ck_assert_msg(now_ms() < end, "sleep %s did not start", arg);
		pause_ms(5);
	}
	ck_assert_ptr_nonnull(f = fopen(pid_file, "w"));
	fprintf(f, "%d\n", (int)pid);
	fclose(f);
	return pid;
}

START_TEST(starts_stopped_then_runs_and_stops)
{
	struct mgmtd_service *s = new_sleep(NULL, NULL, NULL);
	struct mgmtd_service_status st;
	pid_t pid;

	mgmtd_service_status(s, &st);
	ck_assert_int_eq(st.state, MGMTD_SVC_STOPPED);
	ck_assert_int_eq(st.pid, 0);
	ck_assert_int_eq(st.last_exit, -1);
	ck_assert_int_eq(mgmtd_service_start(s), 0);
	mgmtd_service_status(s, &st);
	ck_assert_int_eq(st.state, MGMTD_SVC_RUNNING);
	ck_assert_int_gt(st.pid, 0);
	ck_assert_int_gt(st.started, 0);
	pid = st.pid;
	ck_assert(alive(pid));
	/* Its own session: signals to mgmtd's group do not reach it. */
	ck_assert_int_eq(getsid(pid), pid);
	ck_assert_int_eq(mgmtd_service_start(s), 0); /* already running */
	mgmtd_service_status(s, &st);
	ck_assert_int_eq(st.pid, pid);
	ck_assert_int_eq(mgmtd_service_stop(s), 0);
	mgmtd_service_status(s, &st);
	ck_assert_int_eq(st.state, MGMTD_SVC_STOPPED);
	ck_assert_int_eq(st.pid, 0);
	ck_assert_int_eq(st.last_exit, 128 + SIGTERM);
	ck_assert(!alive(pid));
	ck_assert_int_eq(st.restarts, 0);
	ck_assert_int_eq(mgmtd_service_signal(s, SIGHUP), -ESRCH);
	release(s);
}
END_TEST

START_TEST(restarts_after_a_crash_with_growing_delays)
{
	struct mgmtd_service *s = new_sleep(NULL, NULL, NULL);
	struct mgmtd_service_status st;
	pid_t first;
	int64_t t0, t1, t2;

	ck_assert_int_eq(mgmtd_service_start(s), 0);
	mgmtd_service_status(s, &st);
	first = st.pid;
	t0 = now_ms();
	kill(first, SIGKILL);
	WAIT_FOR(s, st, st.restarts == 1 && st.pid > 0, 5000);
	t1 = now_ms();
	ck_assert_int_ne(st.pid, first);
	ck_assert_int_eq(st.last_exit, 128 + SIGKILL);
	ck_assert_int_eq(st.state, MGMTD_SVC_RUNNING);
	/* Dying young again doubles the delay (50, then 100 ms). */
	kill(st.pid, SIGKILL);
	WAIT_FOR(s, st, st.restarts == 2 && st.pid > 0, 5000);
	t2 = now_ms();
	ck_assert_int_ge(t1 - t0, 50);
	ck_assert_int_ge(t2 - t1, 100);
	release(s);
}
END_TEST

START_TEST(stop_ends_a_back_off_and_start_ends_it_at_once)
{
	static const char *const argv[] = { "/bin/false", NULL };
	struct mgmtd_service_spec spec = {
		.name = "failing", .argv = argv, .backoff_min_ms = 60000,
		.backoff_max_ms = 60000,
	};
	struct mgmtd_service_status st;
	struct mgmtd_service *s = NULL;

	ck_assert_int_eq(mgmtd_service_new(NULL, &spec, &s), 0);
	track(s);
	mgmtd_service_start(s);
	WAIT_FOR(s, st, st.state == MGMTD_SVC_BACKOFF, 5000);
	ck_assert_int_eq(st.last_exit, 1);
	ck_assert_int_eq(st.pid, 0);
	/* An explicit start does not wait out the minute. */
	ck_assert_int_eq(mgmtd_service_start(s), 0);
	WAIT_FOR(s, st, st.state == MGMTD_SVC_BACKOFF && st.restarts >= 1,
		 5000);
	ck_assert_int_eq(mgmtd_service_stop(s), 0);
	mgmtd_service_status(s, &st);
	ck_assert_int_eq(st.state, MGMTD_SVC_STOPPED);
	release(s);
}
END_TEST

START_TEST(restart_gives_a_new_process_and_signal_reaches_it)
{
	struct mgmtd_service *s = new_sleep(NULL, NULL, NULL);
	struct mgmtd_service_status st;
	pid_t first;

	ck_assert_int_eq(mgmtd_service_start(s), 0);
	mgmtd_service_status(s, &st);
	first = st.pid;
	ck_assert_int_eq(mgmtd_service_restart(s), 0);
	mgmtd_service_status(s, &st);
	ck_assert_int_ne(st.pid, first);
	ck_assert(!alive(first));
	ck_assert_int_eq(st.restarts, 0); /* asked for: not a crash */
	/* SIGTERM through the service: an unasked exit, so restarted. */
	ck_assert_int_eq(mgmtd_service_signal(s, SIGTERM), 0);
	WAIT_FOR(s, st, st.restarts == 1 && st.pid > 0, 5000);
	release(s);
}
END_TEST

START_TEST(helpers_stop_with_the_service_if_they_match)
{
	char ours[4096], other[4096];
	const char *helpers[] = { ours, other, NULL };
	struct mgmtd_service *s;
	pid_t a, b;

	snprintf(ours, sizeof(ours), "%s/helper.pid", dir);
	snprintf(other, sizeof(other), "%s/other.pid", dir);
	/* Both are sleeps; only the one whose command line names 1001 is
	 * ours. */
	a = stray(ours, "301");
	b = stray(other, "302");
	s = new_sleep(NULL, helpers, "301");
	ck_assert_int_eq(mgmtd_service_start(s), 0);
	ck_assert_int_eq(mgmtd_service_stop(s), 0);
	ck_assert(!alive(a));
	ck_assert(alive(b));
	release(s);
}
END_TEST

START_TEST(a_leftover_named_by_the_pid_file_is_stopped_before_a_start)
{
	char pid_file[4096];
	struct mgmtd_service *s;
	struct mgmtd_service_status st;
	pid_t old;

	snprintf(pid_file, sizeof(pid_file), "%s/daemon.pid", dir);
	old = stray(pid_file, "300");
	s = new_sleep(pid_file, NULL, "300");
	ck_assert_int_eq(mgmtd_service_start(s), 0);
	ck_assert(!alive(old));
	mgmtd_service_status(s, &st);
	ck_assert_int_ne(st.pid, old);
	release(s);
}
END_TEST

START_TEST(free_stops_and_bad_specs_are_refused)
{
	static const char *const rel[] = { "sleep", "1", NULL };
	struct mgmtd_service_spec spec = { .name = "x", .argv = rel };
	struct mgmtd_service *s = new_sleep(NULL, NULL, NULL), *bad = NULL;
	struct mgmtd_service_status st;
	pid_t pid;

	ck_assert_int_eq(mgmtd_service_start(s), 0);
	mgmtd_service_status(s, &st);
	pid = st.pid;
	release(s);
	ck_assert(!alive(pid));
	release(NULL);
	ck_assert_int_eq(mgmtd_service_new(NULL, &spec, &bad), -EINVAL);
	ck_assert_ptr_null(bad);
}
END_TEST

START_TEST(a_missing_binary_fails_to_start)
{
	static const char *const argv[] = { "/nonexistent/daemon", NULL };
	struct mgmtd_service_spec spec = { .name = "ghost", .argv = argv };
	struct mgmtd_service *s = NULL;

	ck_assert_int_eq(mgmtd_service_new(NULL, &spec, &s), 0);
	track(s);
	ck_assert_int_eq(mgmtd_service_start(s), -ENOENT);
	release(s);
}
END_TEST

struct seen {
	char names[4][32], plugins[4][32];
	int pids[4];
	size_t n;
};

static void note_service(void *arg, const char *plugin, const char *name,
			 const struct mgmtd_service_status *st)
{
	struct seen *s = arg;

	snprintf(s->names[s->n], 32, "%s", name);
	snprintf(s->plugins[s->n], 32, "%s", plugin);
	s->pids[s->n++] = st->pid;
}

START_TEST(the_registry_lists_and_controls_every_plugins_services)
{
	static const char *const argv[] = { SLEEP, "300", NULL };
	static const struct mgmtd_plugin owner = { .name = "owner" };
	struct core c = { 0 };
	struct mgmtd_ctx ctx = { .core = &c, .desc = &owner };
	struct mgmtd_service_spec a = { .name = "alpha", .argv = argv };
	struct mgmtd_service_spec b = { .name = "beta", .argv = argv };
	struct mgmtd_service *sa = NULL, *sb = NULL, *dup = NULL;
	struct mgmtd_service_status st;
	struct seen seen = { 0 };

	pthread_mutex_init(&c.services_lock, NULL);
	ck_assert_int_eq(mgmtd_service_new(&ctx, &a, &sa), 0);
	track(sa);
	ck_assert_int_eq(mgmtd_service_new(&ctx, &b, &sb), 0);
	track(sb);
	ck_assert_int_eq(mgmtd_service_new(&ctx, &a, &dup), -EEXIST);
	ck_assert_ptr_null(dup);
	ck_assert_int_eq(mgmtd_services_control(&ctx, "beta", "start"), 0);
	ck_assert_uint_eq(mgmtd_services_foreach(&ctx, note_service, &seen), 2);
	ck_assert_str_eq(seen.names[0], "alpha");
	ck_assert_str_eq(seen.names[1], "beta");
	ck_assert_str_eq(seen.plugins[1], "owner");
	ck_assert_int_eq(seen.pids[0], 0);
	ck_assert_int_gt(seen.pids[1], 0);
	ck_assert_int_eq(mgmtd_services_control(&ctx, "beta", "restart"), 0);
	mgmtd_service_status(sb, &st);
	ck_assert_int_ne(st.pid, seen.pids[1]);
	ck_assert_int_eq(mgmtd_services_control(&ctx, "beta", "stop"), 0);
	mgmtd_service_status(sb, &st);
	ck_assert_int_eq(st.state, MGMTD_SVC_STOPPED);
	ck_assert_int_eq(mgmtd_services_control(&ctx, "gamma", "start"), -ENOENT);
	ck_assert_int_eq(mgmtd_services_control(&ctx, "beta", "dance"), -EINVAL);
	/* Freed: gone from the list. */
	release(sa);
	seen.n = 0;
	ck_assert_uint_eq(mgmtd_services_foreach(&ctx, note_service, &seen), 1);
	ck_assert_str_eq(seen.names[0], "beta");
	release(sb);
	ck_assert_ptr_null(c.services);
	pthread_mutex_destroy(&c.services_lock);
}
END_TEST

static Suite *service_suite(void)
{
	Suite *s = suite_create("service");
	TCase *tc = tcase_create("supervision");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, starts_stopped_then_runs_and_stops);
	tcase_add_test(tc, restarts_after_a_crash_with_growing_delays);
	tcase_add_test(tc, stop_ends_a_back_off_and_start_ends_it_at_once);
	tcase_add_test(tc, restart_gives_a_new_process_and_signal_reaches_it);
	tcase_add_test(tc, helpers_stop_with_the_service_if_they_match);
	tcase_add_test(tc, a_leftover_named_by_the_pid_file_is_stopped_before_a_start);
	tcase_add_test(tc, free_stops_and_bad_specs_are_refused);
	tcase_add_test(tc, a_missing_binary_fails_to_start);
	tcase_add_test(tc, the_registry_lists_and_controls_every_plugins_services);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(service_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
