/* Unit tests of mgmtd/logread.c: timestamps of the formats syslog, Samba,
 * dpkg and mgmtd write (files recorded under TEST_DATA_DIR, logs_*.log),
 * and tails, time ranges, filters and cursors on a generated file many
 * blocks long. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon_config.h"
#include "logread.h"
#include "logs.h"
#include "unit_golden.h"

#define T(y, mo, d, h, mi, s)                                                 \
	((int64_t)timegm(&(struct tm){ .tm_year = (y)-1900, .tm_mon = (mo)-1, \
				       .tm_mday = (d), .tm_hour = (h),         \
				       .tm_min = (mi), .tm_sec = (s) }) *     \
	 1000000)

/* What a read passed on. */
struct got {
	size_t lines, entries;
	char first[512], last[512]; /* text of the first and last lines */
	int64_t first_time, last_time;
	int64_t prev_time;
	size_t longest;
	bool ordered;
};

static int collect(void *arg, int64_t time, bool first, const char *text,
		   size_t len)
{
	struct got *g = arg;

	if (g->lines == 0) {
		snprintf(g->first, sizeof(g->first), "%.*s", (int)len, text);
		g->first_time = time;
		g->ordered = true;
		g->prev_time = time;
	}
	if (time < g->prev_time)
		g->ordered = false;
	g->prev_time = time;
	snprintf(g->last, sizeof(g->last), "%.*s", (int)len, text);
	g->last_time = time;
	if (len > g->longest)
		g->longest = len;
	g->lines++;
	g->entries += first;
	return 0;
}

static struct logread_query query(void)
{
	return (struct logread_query){
		.since = LOGREAD_NO_TIME, .until = LOGREAD_NO_TIME,
		.cursor = -1, .ref = T(2026, 11, 21, 12, 0, 0) / 1000000,
	};
}

static int open_data(const char *name)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "cannot open %s", path);
	return fd;
}

static struct got run(int fd, const struct logread_query *q,
		      struct logread_result *res)
{
	struct got g = { 0 };

	ck_assert_int_eq(logread_run(fd, q, collect, &g, res), 0);
	ck_assert_uint_eq(g.entries, res->entries);
	return g;
}

START_TEST(test_time_formats)
{
	int64_t ref = T(2027, 1, 10, 9, 0, 0) / 1000000, us;

	/* RFC 3164: no year; Dec 31 read in January is last year's. */
	ck_assert(logread_time("Jan  1 00:00:01 nas1 CRON", 25, ref, &us));
	ck_assert_int_eq(us, T(2027, 1, 1, 0, 0, 1));
	ck_assert(logread_time("Dec 31 23:59:58 nas1 x", 22, ref, &us));
	ck_assert_int_eq(us, T(2026, 12, 31, 23, 59, 58));
	ck_assert(logread_time("Nov 21 10:00:00", 15, ref, &us));
	ck_assert_int_eq(us, T(2026, 11, 21, 10, 0, 0));
	/* RFC 3339 with zones and fractions. */
	ck_assert(logread_time("2026-11-21T11:00:02.5+01:00 h", 29, ref, &us));
	ck_assert_int_eq(us, T(2026, 11, 21, 10, 0, 2) + 500000);
	ck_assert(logread_time("2026-11-21T05:00:04.25-0500 h", 29, ref, &us));
	ck_assert_int_eq(us, T(2026, 11, 21, 10, 0, 4) + 250000);
	ck_assert(logread_time("2026-11-21T10:00:03Z", 20, ref, &us));
	ck_assert_int_eq(us, T(2026, 11, 21, 10, 0, 3));
	/* No zone: local time (UTC here); dpkg's space, mgmtd's millis. */
	ck_assert(logread_time("2025-06-24 14:36:25 startup", 27, ref, &us));
	ck_assert_int_eq(us, T(2025, 6, 24, 14, 36, 25));
	ck_assert(logread_time("2026-11-21T07:43:48.123 info", 28, ref, &us));
	ck_assert_int_eq(us, T(2026, 11, 21, 7, 43, 48) + 123000);
	/* Samba, with and without high resolution. */
	ck_assert(logread_time("[2026/11/21 05:24:10,  0] ../x.c", 32, ref, &us));
	ck_assert_int_eq(us, T(2026, 11, 21, 5, 24, 10));
	ck_assert(logread_time("[2026/01/01 00:21:45.123456,  0] ../s", 37, ref,
			       &us));
	ck_assert_int_eq(us, T(2026, 1, 1, 0, 21, 45) + 123456);
	/* Not times. */
	ck_assert(!logread_time("  smbd version 4.17", 19, ref, &us));
	ck_assert(!logread_time("Foo 21 10:00:00 x", 17, ref, &us));
	ck_assert(!logread_time("Nov 21 25:00:00 x", 17, ref, &us));
	ck_assert(!logread_time("2026-13-21T10:00:00", 19, ref, &us));
	ck_assert(!logread_time("2026-11-21T10:00", 16, ref, &us));
	ck_assert(!logread_time("[2026/11/21", 11, ref, &us));
	ck_assert(!logread_time("", 0, ref, &us));
}
END_TEST

START_TEST(test_when_match_utf8)
{
	int64_t us;
	char out[64];

	ck_assert_int_eq(logread_parse_when("1700000000", 0, &us), 0);
	ck_assert_int_eq(us, 1700000000LL * 1000000);
	ck_assert_int_eq(logread_parse_when("-60", 1000, &us), 0);
	ck_assert_int_eq(us, 940LL * 1000000);
	ck_assert_int_eq(logread_parse_when("2026-11-21T10:00:00Z", 0, &us), 0);
	ck_assert_int_eq(us, T(2026, 11, 21, 10, 0, 0));
	ck_assert_int_eq(logread_parse_when("yesterday", 0, &us), -EINVAL);
	ck_assert_int_eq(logread_parse_when("", 0, &us), -EINVAL);
	ck_assert_int_eq(logread_parse_when("12abc", 0, &us), -EINVAL);

	ck_assert(logread_match("Failed password for", 19, "PASSWORD"));
	ck_assert(!logread_match("Failed pass", 11, "password"));
	ck_assert(logread_match("x", 1, ""));

	ck_assert_uint_eq(logread_utf8("caf\xc3\xa9", 5, out), 5);
	ck_assert_str_eq(out, "caf\xc3\xa9");
	/* A lone continuation byte, a NUL, a truncated sequence. */
	logread_utf8("a\x80" "b\0c\xe2\x82", 7, out);
	ck_assert_str_eq(out, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd"
			      "\xef\xbf\xbd");
	logread_utf8("t\tab", 4, out);
	ck_assert_str_eq(out, "t\tab");
}
END_TEST

START_TEST(test_samba_entries)
{
	int fd = open_data("logs_samba.log");
	struct logread_query q = query();
	struct logread_result res;
	struct got g;

	/* 8 entries of 3 lines: the head and two indented lines. */
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 8);
	ck_assert_uint_eq(g.lines, 24);
	ck_assert_int_eq(res.cursor, res.size);
	ck_assert(!res.more);
	/* A filter on a continuation line keeps the whole entry. */
	q.grep = "VERSION 4.17";
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 8);
	ck_assert_uint_eq(g.lines, 24);
	ck_assert(g.first[0] == '[');
	/* The last two entries. */
	q.grep = NULL;
	q.tail = 2;
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 2);
	ck_assert_uint_eq(g.lines, 6);
	ck_assert_int_eq(g.first_time, T(2026, 11, 21, 5, 56, 16));
	ck_assert_str_eq(g.last, "  Copyright Andrew Tridgell and the Samba "
				 "Team 1992-2022");
	ck_assert_int_eq(g.last_time, T(2026, 11, 21, 5, 56, 23));
	/* A byte budget stops at an entry boundary, like a limit. */
	q.tail = 0;
	q.max_bytes = 10;
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 1);
	ck_assert_uint_eq(g.lines, 3);
	ck_assert(res.more);
	q.max_bytes = 0;
	/* A time range. */
	q.since = T(2026, 11, 21, 5, 25, 0);
	q.until = T(2026, 11, 21, 5, 56, 0);
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 3);
	ck_assert_int_eq(g.first_time, T(2026, 11, 21, 5, 25, 16));
	ck_assert_int_eq(g.last_time, T(2026, 11, 21, 5, 55, 51));
	/* Stopped by until: the cursor is where the next entry starts. */
	ck_assert_int_lt(res.cursor, res.size);
	close(fd);
}
END_TEST

START_TEST(test_syslog_files)
{
	int fd = open_data("logs_syslog_3339.log");
	struct logread_query q = query();
	struct logread_result res;
	struct got g;

	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 7);
	ck_assert(g.ordered == false); /* the line without a time */
	/* Times from four zone notations all fall on 10:00:0x UTC. */
	q.since = T(2026, 11, 21, 10, 0, 2);
	q.until = T(2026, 11, 21, 10, 0, 4) + 250000;
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 3);
	ck_assert(strstr(g.first, "Failed password"));
	ck_assert(strstr(g.last, "smbd version"));
	/* With a time range, a line without a time is left out. */
	q.until = LOGREAD_NO_TIME;
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 4);
	ck_assert(g.ordered);
	close(fd);

	fd = open_data("logs_syslog_3164.log");
	q = query();
	q.ref = T(2027, 1, 10, 9, 0, 0) / 1000000;
	q.since = T(2026, 12, 31, 23, 59, 59);
	q.until = T(2027, 1, 1, 0, 6, 0);
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 4);
	ck_assert(strstr(g.first, "Deactivated"));
	q = query();
	q.ref = T(2027, 1, 10, 9, 0, 0) / 1000000;
	q.grep = "smbd";
	q.tail = 1;
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 1);
	ck_assert(strstr(g.first, "smbd version"));
	close(fd);

	fd = open_data("logs_iso_space.log");
	q = query();
	q.grep = "libudev1";
	q.tail = 3;
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 3);
	ck_assert_int_eq(g.first_time, T(2025, 6, 24, 14, 36, 25));
	close(fd);

	fd = open_data("logs_mgmtd.log");
	q = query();
	q.grep = "testparm";
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 1);
	ck_assert_int_eq(g.first_time, T(2026, 11, 21, 7, 43, 49) + 4000);
	close(fd);
}
END_TEST

/* ------------------------------------------------------------------ */
/* A file of many blocks                                                */

#define BIG_N 6000
#define BIG_BASE T(2026, 11, 21, 0, 0, 0)

/* Entry i at BIG_BASE + i s; every 7th with two indented lines; entry
 * 2500 has a line longer than a block.  Returns the path (owned). */
static char *big_file(void)
{
	char *path = strdup("/tmp/mgmtd-test-logread.XXXXXX");
	FILE *f;
	int fd;

	ck_assert_ptr_nonnull(path);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < BIG_N; i++) {
		time_t t = (time_t)(BIG_BASE / 1000000) + i;
		struct tm tm;
		char stamp[32];

		gmtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(f, "%s.000000+00:00 nas1 app[%d]: message number %d\n",
			stamp, 100 + i % 50, i);
		if (i % 7 == 0)
			fprintf(f, "  detail one of %d\n  detail two\n", i);
		if (i == 2500) {
			fprintf(f, "  long:");
			for (int k = 0; k < 3 * LOGREAD_BLOCK; k++)
				fputc('a' + k % 26, f);
			fputc('\n', f);
		}
	}
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

START_TEST(test_big_tail_range_pages)
{
	char *path = big_file();
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct logread_query q = query();
	struct logread_result res;
	int64_t cursor;
	size_t total = 0, pages = 0;
	struct got g;

	ck_assert_int_ge(fd, 0);
	/* Tail. */
	q.tail = 3;
	g = run(fd, &q, &res);
	ck_assert_int_gt(res.size, 20 * LOGREAD_BLOCK);
	ck_assert_uint_eq(g.entries, 3);
	ck_assert_uint_eq(g.lines, 3 + 2); /* 5999 = 7 * 857 has details */
	ck_assert_str_eq(g.first, "2026-11-21T01:39:57.000000+00:00 nas1 "
				  "app[147]: message number 5997");
	ck_assert_str_eq(g.last, "  detail two");
	ck_assert_int_eq(res.cursor, res.size);
	/* Tail with a filter that only an indented line matches. */
	q.grep = "DETAIL ONE OF 42";
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 3);
	ck_assert(strstr(g.first, "message number 4284"));
	/* Tail across the line longer than a block. */
	q.grep = "message number 2500";
	q.tail = 1;
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 1);
	ck_assert_uint_eq(g.lines, 2);
	ck_assert_uint_eq(g.longest, LOGREAD_LINE_MAX);
	ck_assert(!strncmp(g.last, "  long:abcdefghijklmnopqrstuvwxyzabc", 36));
	/* The same forwards (cut to LOGREAD_LINE_MAX either way). */
	q.tail = 0;
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 1);
	ck_assert_uint_eq(g.lines, 2);

	/* A time range deep inside: found by bisection. */
	q = query();
	q.since = BIG_BASE + 3000LL * 1000000;
	q.until = BIG_BASE + 3004LL * 1000000;
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 5);
	ck_assert_int_eq(g.first_time, q.since);
	ck_assert_int_eq(g.last_time, q.until);
	ck_assert(strstr(g.first, "message number 3000"));
	/* since only, with a limit: more to come, the cursor goes on. */
	q.until = LOGREAD_NO_TIME;
	q.limit = 10;
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 10);
	ck_assert(res.more);
	q.since = LOGREAD_NO_TIME;
	q.cursor = res.cursor;
	g = run(fd, &q, &res);
	ck_assert(strstr(g.first, "message number 3010"));

	/* Pages of 500 from the start cover every entry once, in order. */
	q = query();
	q.limit = 500;
	q.cursor = 0;
	do {
		g = run(fd, &q, &res);
		ck_assert(g.ordered);
		total += g.entries;
		pages++;
		cursor = q.cursor;
		q.cursor = res.cursor;
		ck_assert_int_gt(q.cursor, cursor);
	} while (res.more);
	ck_assert_uint_eq(total, BIG_N);
	ck_assert_uint_eq(pages, BIG_N / 500);
	ck_assert_int_eq(res.cursor, res.size);

	/* Tails of 700 paged backwards with before = the last start cover
	 * every entry once, newest page first (the UI's "load older"). */
	q = query();
	q.tail = 700;
	total = pages = 0;
	do {
		g = run(fd, &q, &res);
		ck_assert(g.ordered);
		ck_assert_uint_eq(g.entries, total + 700 <= BIG_N ? 700
								  : BIG_N - total);
		if (pages == 0)
			ck_assert_int_eq(res.cursor, res.size);
		else
			ck_assert_int_eq(res.cursor, q.before);
		total += g.entries;
		pages++;
		ck_assert(q.before == 0 || res.start < q.before);
		q.before = res.start;
	} while (res.start > 0);
	ck_assert_uint_eq(total, BIG_N);
	ck_assert_uint_eq(pages, (BIG_N + 699) / 700);
	/* A bound that is not a line start is ignored, and said so. */
	q.before = 1;
	g = run(fd, &q, &res);
	ck_assert(res.reset);
	ck_assert_int_eq(res.cursor, res.size);
	close(fd);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_partial_and_reset)
{
	char path[] = "/tmp/mgmtd-test-logread.XXXXXX";
	int fd = mkstemp(path);
	struct logread_query q = query();
	struct logread_result res;
	const char *two = "Nov 21 10:00:00 a: one\nNov 21 10:00:01 a: two\n";
	struct got g;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, two, strlen(two)), (ssize_t)strlen(two));
	ck_assert_int_eq(write(fd, "Nov 21 10:00:02 a: thr", 22), 22);
	/* The line being written is not read yet, forwards or backwards. */
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 2);
	ck_assert_int_eq(res.cursor, (int64_t)strlen(two));
	q.tail = 1;
	g = run(fd, &q, &res);
	ck_assert_str_eq(g.first, "Nov 21 10:00:01 a: two");
	/* Once finished, the cursor reads it alone. */
	ck_assert_int_eq(write(fd, "ee\n", 3), 3);
	q.tail = 0;
	q.cursor = res.cursor;
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 1);
	ck_assert_str_eq(g.first, "Nov 21 10:00:02 a: three");
	ck_assert(!res.reset);
	/* Truncated (rotated by copy): a cursor past the end restarts. */
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	ck_assert_int_eq(pwrite(fd, "Nov 21 11:00:00 a: new\n", 23, 0), 23);
	g = run(fd, &q, &res);
	ck_assert(res.reset);
	ck_assert_uint_eq(g.entries, 1);
	ck_assert_str_eq(g.first, "Nov 21 11:00:00 a: new");
	/* Truncated and written past the cursor before the next read: the
	 * cursor no longer follows a newline. */
	q.cursor = res.cursor;
	ck_assert_int_eq(q.cursor, 23);
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	ck_assert_int_eq(pwrite(fd, "Nov 21 12:00:00 a: a longer line\n", 33, 0), 33);
	g = run(fd, &q, &res);
	ck_assert(res.reset);
	ck_assert_str_eq(g.first, "Nov 21 12:00:00 a: a longer line");
	/* Where a follower starts: after the last complete line. */
	ck_assert_int_eq(pwrite(fd, "Nov 21 12:00:01 a: half", 23, 33), 23);
	ck_assert_int_eq(logread_end(fd), 33);
	/* An empty file. */
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	q.cursor = -1;
	q.tail = 5;
	g = run(fd, &q, &res);
	ck_assert_uint_eq(g.entries, 0);
	ck_assert_int_eq(res.cursor, 0);
	close(fd);
	unlink(path);
}
END_TEST

/* logs.export_max_file: a ustar size field holds at most 8 GiB - 1. */
static int logs_with(const char *text)
{
	char path[] = "/tmp/test_logread_dc.XXXXXX", msg[256];
	struct daemon_config *dc;
	struct logs *l = NULL;
	int fd = mkstemp(path), rc;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = daemon_config_load(path, &dc, msg, sizeof(msg));
	unlink(path);
	if (rc < 0)
		return rc;
	rc = logs_new(dc, &l, msg, sizeof(msg));
	logs_free(l);
	daemon_config_free(dc);
	return rc;
}

START_TEST(test_export_max_bounds)
{
	ck_assert_int_eq(logs_with("logs = { export_max_file = 4096; };\n"), 0);
	ck_assert_int_eq(
		logs_with("logs = { export_max_file = 8589934591L; };\n"), 0);
	ck_assert_int_eq(
		logs_with("logs = { export_max_file = 8589934592L; };\n"),
		-EINVAL);
	ck_assert_int_eq(logs_with("logs = { export_max_file = 4095; };\n"),
			 -EINVAL);
}
END_TEST

static Suite *logread_suite(void)
{
	Suite *s = suite_create("logread");
	TCase *tc = tcase_create("logread");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_time_formats);
	tcase_add_test(tc, test_when_match_utf8);
	tcase_add_test(tc, test_samba_entries);
	tcase_add_test(tc, test_syslog_files);
	tcase_add_test(tc, test_big_tail_range_pages);
	tcase_add_test(tc, test_partial_and_reset);
	tcase_add_test(tc, test_export_max_bounds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(logread_suite());
	int failed;

	/* Files without a zone are read in local time: make it UTC. */
	setenv("TZ", "UTC", 1);
	tzset();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
