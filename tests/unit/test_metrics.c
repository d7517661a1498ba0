/* Unit tests of the metrics collector (mgmtd/metrics.c): synthetic state
 * trees at increasing times go through metrics_sample into a temporary
 * directory (one file per object, one DS per attribute); rrd_fetch_r and
 * metrics_fetch must give back the samples written, the listing says which
 * series are stale, graphs have the size asked for, and with a real
 * rrdcached the updates go through it. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rrd.h>

#include "daemon_config.h"
#include "metrics.h"
#include "schema.h"

#define ST(n, t, f, col, d)                                              \
	{ .name = n, .type = t, .flags = MGMTD_A_STATE | (f),            \
	  .snmp_column = col, .description = d }

static const struct mgmtd_attr host_attrs[] = {
	ST("load", MGMTD_T_INT, MGMTD_A_GAUGE, 1, "Load x100"),
	ST("ratio", MGMTD_T_INT, MGMTD_A_GAUGE, 2, "A ratio"),
	ST("cpus", MGMTD_T_INT, 0, 3, "Not a metric"),
	{ .name = NULL },
};
static const struct mgmtd_attr if_attrs[] = {
	{ .name = "name", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_KEY | MGMTD_A_STATE, .snmp_column = 2,
	  .description = "Interface" },
	ST("rx_bytes", MGMTD_T_INT, MGMTD_A_COUNTER, 3, "Bytes received"),
	ST("label", MGMTD_T_STRING, MGMTD_A_GAUGE, 4, "Not numeric"),
	{ .name = NULL },
};
static const struct mgmtd_class host_class = {
	.name = "host", .kind = MGMTD_SINGLETON, .snmp_table = 1,
	.description = "The host", .attrs = host_attrs,
};
static const struct mgmtd_class if_class = {
	.name = "interfaces", .kind = MGMTD_COLLECTION, .snmp_table = 2,
	.description = "Interfaces", .attrs = if_attrs,
};
static const struct mgmtd_class *const classes[] = { &host_class,
						     &if_class, NULL };
static const struct mgmtd_plugin plugin = {
	.abi = MGMTD_PLUGIN_ABI, .name = "mt", .version = "1",
	.description = "Metrics test", .mib_arc = 790, .classes = classes,
};

#define STEP 10
#define T0 1700000000 /* a multiple of STEP */

static struct schema sch;
static char dir[] = "/tmp/test_metrics.XXXXXX";
static struct metrics *m;

static void setup(void)
{
	char msg[256];

	memset(&sch, 0, sizeof(sch));
	ck_assert_msg(schema_add_plugin(&sch, &plugin, msg, sizeof(msg)) == 0,
		      "%s", msg);
	strcpy(dir, "/tmp/test_metrics.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(metrics_open(dir, STEP, NULL, &m), 0);
}

static void teardown(void)
{
	char cmd[128];

	metrics_close(m);
	schema_fini(&sch);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static json_t *state_at(int i)
{
	json_error_t e;
	/* load and ratio are gauges; rx_bytes counters growing 100 and 50
	 * bytes a second; a key with a slash and one with a dot first. */
	json_t *st = json_pack_ex(
		&e, 0,
		"{s:{s:{s:I,s:f,s:I},s:{s:{s:I,s:s},s:{s:I},s:{s:I}}},"
		"s:{s:{s:I}}}",
		"mt", "host", "load", (json_int_t)(100 + 10 * i), "ratio",
		0.25 * (i + 1), "cpus", (json_int_t)4, "interfaces", "eth0",
		"rx_bytes", (json_int_t)(1000 + 1000 * i), "label", "x",
		"a/b", "rx_bytes", (json_int_t)(500 * i), "..", "rx_bytes",
		(json_int_t)7, "unknown_plugin", "host", "load",
		(json_int_t)1);

	ck_assert_msg(st != NULL, "%s", e.text);
	return st;
}

static int feed(int count)
{
	int total = 0;

	for (int i = 0; i < count; i++) {
		json_t *st = state_at(i);
		int n = metrics_sample(m, &sch, st, T0 + STEP * i);

		json_decref(st);
		ck_assert_int_ge(n, 0);
		total += n;
	}
	return total;
}

static bool exists(const char *rel)
{
	char p[512];
	struct stat s;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return stat(p, &s) == 0 && S_ISREG(s.st_mode);
}

/* The AVERAGE value the 1-step archive of file rel holds in DS ds for the
 * step ending at t (NAN if unknown). */
static double fetch_at(const char *rel, const char *ds, time_t t)
{
	char p[512];
	time_t start = t - STEP, end = t;
	unsigned long step = STEP, ds_cnt; /* in: the resolution wanted */
	char **names;
	rrd_value_t *data;
	double v = NAN;
	unsigned long col;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	ck_assert_msg(rrd_fetch_r(p, "AVERAGE", &start, &end, &step, &ds_cnt,
				  &names, &data) == 0,
		      "%s: %s", p, rrd_get_error());
	ck_assert_uint_eq(step, STEP);
	for (col = 0; col < ds_cnt && strcmp(names[col], ds); col++)
		;
	ck_assert_msg(col < ds_cnt, "%s has no DS %s", rel, ds);
	/* Row r covers (start + r*step, start + (r+1)*step]. */
	for (time_t r = start; r < end; r += (time_t)step)
		if (r + (time_t)step == t)
			v = data[(r - start) / (time_t)step * ds_cnt + col];
	for (unsigned long i = 0; i < ds_cnt; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
	return v;
}

/* The DS names of file rel, joined by commas, into buf. */
static const char *ds_list(const char *rel, char *buf, size_t len)
{
	char p[512], **names, **last;
	unsigned long n;
	time_t t;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	ck_assert_msg(rrd_lastupdate_r(p, &t, &n, &names, &last) == 0, "%s: %s",
		      p, rrd_get_error());
	buf[0] = '\0';
	for (unsigned long i = 0; i < n; i++) {
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
			 i ? "," : "", names[i]);
		rrd_freemem(names[i]);
		rrd_freemem(last[i]);
	}
	rrd_freemem(names);
	rrd_freemem(last);
	return buf;
}

START_TEST(test_files_per_object)
{
	char buf[256];

	/* Per sample: load, ratio, and three interfaces' rx_bytes. */
	ck_assert_int_eq(feed(1), 5);
	ck_assert(exists("mt/host/_.rrd"));
	ck_assert_str_eq(ds_list("mt/host/_.rrd", buf, sizeof(buf)),
			 "load,ratio");
	ck_assert(exists("mt/interfaces/eth0.rrd"));
	ck_assert_str_eq(ds_list("mt/interfaces/eth0.rrd", buf, sizeof(buf)),
			 "rx_bytes");
	ck_assert(exists("mt/interfaces/a%2Fb.rrd"));
	ck_assert(exists("mt/interfaces/%2E..rrd"));
	ck_assert(!exists("unknown_plugin/host/_.rrd"));
}
END_TEST

START_TEST(test_fetch_equals_samples)
{
	ck_assert_int_eq(feed(3), 15);
	for (int i = 1; i < 3; i++) {
		time_t t = T0 + STEP * i;

		ck_assert_double_eq_tol(fetch_at("mt/host/_.rrd", "load", t),
					100 + 10 * i, 1e-9);
		ck_assert_double_eq_tol(fetch_at("mt/host/_.rrd", "ratio", t),
					0.25 * (i + 1), 1e-9);
		/* Counters are stored as rates: 1000 bytes per 10 s. */
		ck_assert_double_eq_tol(fetch_at("mt/interfaces/eth0.rrd",
						 "rx_bytes", t),
					100, 1e-9);
		ck_assert_double_eq_tol(fetch_at("mt/interfaces/a%2Fb.rrd",
						 "rx_bytes", t),
					50, 1e-9);
		ck_assert_double_eq_tol(fetch_at("mt/interfaces/%2E..rrd",
						 "rx_bytes", t),
					0, 1e-9);
	}
}
END_TEST

START_TEST(test_old_time_skipped)
{
	json_t *st = state_at(5);

	ck_assert_int_eq(feed(2), 10);
	/* Not later than the last update: every object refuses, none fails
	 * the sample, and the stored point is unchanged. */
	ck_assert_int_eq(metrics_sample(m, &sch, st, T0 + STEP), 0);
	json_decref(st);
	ck_assert_double_eq_tol(fetch_at("mt/host/_.rrd", "load", T0 + STEP),
				110, 1e-9);
}
END_TEST

START_TEST(test_ds_names)
{
	char a[METRICS_DS_MAX + 1], b[METRICS_DS_MAX + 1];

	metrics_ds_name("rx_bytes", a);
	ck_assert_str_eq(a, "rx_bytes");
	metrics_ds_name("exactly_19_chars_xy", a);
	ck_assert_str_eq(a, "exactly_19_chars_xy");
	/* Longer names: 12 characters, '_', 6 hex digits, and two names
	 * with the same beginning stay apart. */
	metrics_ds_name("inodes_available_for_users", a);
	metrics_ds_name("inodes_available_for_root", b);
	ck_assert_uint_eq(strlen(a), METRICS_DS_MAX);
	ck_assert_uint_eq(strlen(b), METRICS_DS_MAX);
	ck_assert(!strncmp(a, "inodes_avail_", 13));
	ck_assert_str_ne(a, b);
	metrics_ds_name("inodes_available_for_users", b);
	ck_assert_str_eq(a, b); /* deterministic */
	/* Characters rrdtool refuses never reach a DS name. */
	metrics_ds_name("a-b", a);
	ck_assert_uint_eq(strlen(a), METRICS_DS_MAX);
	ck_assert(!strncmp(a, "a_b_________", 12));
	for (const char *p = a; *p; p++)
		ck_assert(strchr("abcdefghijklmnopqrstuvwxyz0123456789_", *p));
}
END_TEST

/* The same plugin, a version later: a gauge more, with a long name. */
static const struct mgmtd_attr host_attrs2[] = {
	ST("load", MGMTD_T_INT, MGMTD_A_GAUGE, 1, "Load x100"),
	ST("ratio", MGMTD_T_INT, MGMTD_A_GAUGE, 2, "A ratio"),
	ST("cpus", MGMTD_T_INT, 0, 3, "Not a metric"),
	ST("temperature_of_the_board", MGMTD_T_INT, MGMTD_A_GAUGE, 4,
	   "Degrees"),
	{ .name = NULL },
};
static const struct mgmtd_class host_class2 = {
	.name = "host", .kind = MGMTD_SINGLETON, .snmp_table = 1,
	.description = "The host", .attrs = host_attrs2,
};
static const struct mgmtd_class *const classes2[] = { &host_class2,
						      &if_class, NULL };
static const struct mgmtd_plugin plugin2 = {
	.abi = MGMTD_PLUGIN_ABI, .name = "mt", .version = "2",
	.description = "Metrics test", .mib_arc = 790, .classes = classes2,
};

START_TEST(test_new_attribute_added)
{
	struct schema s2 = { 0 };
	char msg[256], ds[METRICS_DS_MAX + 1], want[64];
	json_t *st = state_at(2);

	ck_assert_int_eq(feed(2), 10);
	ck_assert_msg(schema_add_plugin(&s2, &plugin2, msg, sizeof(msg)) == 0,
		      "%s", msg);
	/* A restart with the new plugin: the file gains a DS, keeps its
	 * history, and the new one fills from now on. */
	metrics_close(m);
	ck_assert_int_eq(metrics_open(dir, STEP, NULL, &m), 0);
	json_object_set_new(json_object_get(json_object_get(st, "mt"), "host"),
			    "temperature_of_the_board", json_integer(42));
	ck_assert_int_eq(metrics_sample(m, &s2, st, T0 + 2 * STEP), 6);
	json_decref(st);
	metrics_ds_name("temperature_of_the_board", ds);
	snprintf(want, sizeof(want), "load,ratio,%s", ds);
	ck_assert_str_eq(ds_list("mt/host/_.rrd", msg, sizeof(msg)), want);
	ck_assert_double_eq_tol(fetch_at("mt/host/_.rrd", "load", T0 + STEP),
				110, 1e-9);
	ck_assert_double_eq_tol(fetch_at("mt/host/_.rrd", ds, T0 + 2 * STEP),
				42, 1e-9);
	schema_fini(&s2);
}
END_TEST

/* The series of a listing by id: its member name, or NULL. */
static json_t *listed(json_t *list, const char *id)
{
	size_t i;
	json_t *se;

	json_array_foreach(json_object_get(list, "series"), i, se)
		if (!strcmp(json_string_value(json_object_get(se, "id")), id))
			return se;
	return NULL;
}

START_TEST(test_list_and_stale)
{
	json_t *st = state_at(2), *l, *se;

	ck_assert_int_eq(feed(2), 10);
	/* eth0 went away, and so did the plugin nobody knows. */
	json_object_del(json_object_get(json_object_get(st, "mt"),
					"interfaces"),
			"eth0");
	l = metrics_list(m, &sch, st, NULL, NULL, -1);
	ck_assert_uint_eq(json_array_size(json_object_get(l, "series")), 5);
	ck_assert_ptr_nonnull(se = listed(l, "mt/host/_/load"));
	ck_assert(json_is_null(json_object_get(se, "key")));
	ck_assert_str_eq(json_string_value(json_object_get(se, "type")),
			 "gauge");
	ck_assert(json_is_false(json_object_get(se, "stale")));
	ck_assert_int_eq(json_integer_value(json_object_get(se, "last_update")),
			 T0 + STEP);
	ck_assert_ptr_nonnull(se = listed(l, "mt/interfaces/eth0/rx_bytes"));
	ck_assert(json_is_true(json_object_get(se, "stale")));
	ck_assert_str_eq(json_string_value(json_object_get(se, "type")),
			 "counter");
	ck_assert_ptr_nonnull(se = listed(l, "mt/interfaces/a%2Fb/rx_bytes"));
	ck_assert_str_eq(json_string_value(json_object_get(se, "key")), "a/b");
	ck_assert(json_is_false(json_object_get(se, "stale")));
	json_decref(l);
	/* Filters. */
	l = metrics_list(m, &sch, st, NULL, NULL, 1);
	ck_assert_uint_eq(json_array_size(json_object_get(l, "series")), 1);
	json_decref(l);
	l = metrics_list(m, &sch, st, "mt", "host", 0);
	ck_assert_uint_eq(json_array_size(json_object_get(l, "series")), 2);
	json_decref(l);
	l = metrics_list(m, &sch, st, "nope", NULL, -1);
	ck_assert_uint_eq(json_array_size(json_object_get(l, "series")), 0);
	json_decref(l);
	json_decref(st);
}
END_TEST

START_TEST(test_resolve_and_fetch)
{
	struct metrics_series se;
	char msg[256], id[256];
	json_t *out, *pts;
	size_t i;
	json_t *p;
	int seen = 0;

	ck_assert_int_eq(feed(4), 20);
	ck_assert_int_eq(metrics_series_resolve(m, &sch,
						"mt/interfaces/a%2Fb/rx_bytes",
						NULL, NULL, NULL, NULL, &se),
			 0);
	ck_assert_str_eq(se.key, "a/b");
	ck_assert(se.counter);
	metrics_series_id(&se, id, sizeof(id));
	ck_assert_str_eq(id, "mt/interfaces/a%2Fb/rx_bytes");
	out = metrics_fetch(m, &se, T0, T0 + 3 * STEP, 0, "AVERAGE", msg,
			    sizeof(msg));
	ck_assert_msg(out != NULL, "%s", msg);
	ck_assert_int_eq(json_integer_value(json_object_get(out, "step")),
			 STEP);
	pts = json_object_get(out, "points");
	ck_assert_uint_eq(json_array_size(pts), 3);
	json_array_foreach(pts, i, p) {
		json_int_t t = json_integer_value(json_array_get(p, 0));
		json_t *v = json_array_get(p, 1);

		ck_assert_int_eq(t, T0 + (json_int_t)(i + 1) * STEP);
		/* 500 bytes per 10 s from the second sample on. */
		if (json_is_real(v)) {
			ck_assert_double_eq_tol(json_real_value(v), 50, 1e-9);
			seen++;
		}
	}
	ck_assert_int_eq(seen, 3);
	json_decref(out);
	/* By parts, the key decoded; a singleton's key is "_". */
	ck_assert_int_eq(metrics_series_resolve(m, &sch, NULL, "mt", "host",
						"_", "ratio", &se),
			 0);
	ck_assert(se.singleton && !se.counter);
	ck_assert_int_eq(metrics_series_resolve(m, &sch, NULL, "mt", "host",
						"x", "ratio", &se),
			 -ENOENT);
	ck_assert_int_eq(metrics_series_resolve(m, &sch, "mt/host/_/cpus", NULL,
						NULL, NULL, NULL, &se),
			 -ENOENT);
	ck_assert_int_eq(metrics_series_resolve(m, &sch, "mt/nope/_/x", NULL,
						NULL, NULL, NULL, &se),
			 -ENOENT);
	ck_assert_int_eq(metrics_series_resolve(m, &sch, "mt/host/load", NULL,
						NULL, NULL, NULL, &se),
			 -EINVAL);
	ck_assert_int_eq(metrics_series_resolve(m, &sch, "mt/host/%zz/load",
						NULL, NULL, NULL, NULL, &se),
			 -EINVAL);
	ck_assert_int_eq(metrics_series_resolve(m, &sch,
						"../../x/passwd", NULL,
						NULL, NULL, NULL, &se),
			 -ENOENT);
}
END_TEST

/* A range past the last update (a stale series, a future end) or a long
 * one at a fine resolution: the archive is chosen by the range, the answer
 * stays bounded (rrd_fetch alone took the finest archive there and a row
 * per step: gigabytes for a year at one second), and the points still
 * come from an archive that holds the range. */
START_TEST(test_fetch_bounded)
{
	struct metrics_series se;
	char msg[256];
	json_t *out;

	ck_assert_int_eq(feed(4), 20);
	ck_assert_int_eq(metrics_series_resolve(m, &sch, "mt/host/_/load", NULL,
						NULL, NULL, NULL, &se),
			 0);
	out = metrics_fetch(m, &se, T0 + 86400, T0 + 300 * 86400, 0,
			    "AVERAGE", msg, sizeof(msg));
	ck_assert_msg(out != NULL, "%s", msg);
	ck_assert_int_ge(json_integer_value(json_object_get(out, "step")),
			 300);
	ck_assert_uint_le(json_array_size(json_object_get(out, "points")),
			  100000);
	json_decref(out);
	/* Only the 5-minute MAX archive: a century is 10 million points. */
	errno = 0;
	ck_assert_ptr_null(metrics_fetch(m, &se, T0 - 100LL * 365 * 86400, T0,
					 0, "MAX", msg, sizeof(msg)));
	ck_assert_int_eq(errno, E2BIG);
	/* Two days back: the 1-step archive holds one, the 5-minute one
	 * holds both and has the points. */
	out = metrics_fetch(m, &se, T0 - 2 * 86400, T0 + 3 * STEP, 0,
			    "AVERAGE", msg, sizeof(msg));
	ck_assert_msg(out != NULL, "%s", msg);
	ck_assert_int_eq(json_integer_value(json_object_get(out, "step")), 300);
	json_decref(out);
	out = metrics_fetch(m, &se, T0, T0 + 3 * STEP, 0, "AVERAGE", msg,
			    sizeof(msg));
	ck_assert_msg(out != NULL, "%s", msg);
	ck_assert_int_eq(json_integer_value(json_object_get(out, "step")),
			 STEP);
	ck_assert_uint_eq(json_array_size(json_object_get(out, "points")), 3);
	ck_assert(json_is_real(json_array_get(
		json_array_get(json_object_get(out, "points"), 2), 1)));
	json_decref(out);
}
END_TEST

START_TEST(test_times)
{
	time_t ts, te;
	const char *which = NULL;
	char msg[256];

	ck_assert_int_eq(metrics_parse_times(m, "1700000000", "1700003600", &ts,
					     &te, &which, msg, sizeof(msg)),
			 0);
	ck_assert_int_eq(ts, 1700000000);
	ck_assert_int_eq(te, 1700003600);
	ck_assert_int_eq(metrics_parse_times(m, "-1h", "now", &ts, &te, &which,
					     msg, sizeof(msg)),
			 0);
	ck_assert_int_eq(te - ts, 3600);
	ck_assert_int_eq(metrics_parse_times(m, "yesterday-ish", "now", &ts,
					     &te, &which, msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_str_eq(which, "start");
	ck_assert_int_eq(metrics_parse_times(m, "-1h", "bogus", &ts, &te,
					     &which, msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_str_eq(which, "end");
	ck_assert_int_eq(metrics_parse_times(m, "now", "-1h", &ts, &te, &which,
					     msg, sizeof(msg)),
			 -EINVAL);
	/* At most ten years: rrd_graph takes seconds over centuries. */
	ck_assert_int_eq(metrics_parse_times(m, "-9y", "now", &ts, &te, &which,
					     msg, sizeof(msg)),
			 0);
	which = NULL;
	ck_assert_int_eq(metrics_parse_times(m, "0", "99999999999", &ts, &te,
					     &which, msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_str_eq(which, "start");
}
END_TEST

/* Width and height from a PNG's IHDR. */
static void png_size(const unsigned char *p, size_t len, unsigned *w,
		     unsigned *h)
{
	ck_assert_uint_gt(len, 24);
	ck_assert(!memcmp(p, "\x89PNG\r\n\x1a\n", 8));
	ck_assert(!memcmp(p + 12, "IHDR", 4));
	*w = (unsigned)p[16] << 24 | p[17] << 16 | p[18] << 8 | p[19];
	*h = (unsigned)p[20] << 24 | p[21] << 16 | p[22] << 8 | p[23];
}

START_TEST(test_graph_size)
{
	struct metrics_series se[2];
	struct metrics_graph_opts o = { .start = T0, .end = T0 + 6 * STEP,
					.width = 640, .height = 240 };
	unsigned char *png;
	size_t len;
	unsigned w, h;
	char msg[256];

	ck_assert_int_eq(feed(6), 30);
	ck_assert_int_eq(metrics_series_resolve(m, &sch, "mt/host/_/load", NULL,
						NULL, NULL, NULL, &se[0]),
			 0);
	ck_assert_int_eq(metrics_series_resolve(m, &sch,
						"mt/interfaces/eth0/rx_bytes",
						NULL, NULL, NULL, NULL, &se[1]),
			 0);
	ck_assert_msg(metrics_graph(m, se, 1, &o, &png, &len, msg,
				    sizeof(msg)) == 0,
		      "%s", msg);
	png_size(png, len, &w, &h);
	ck_assert_uint_eq(w, 640);
	ck_assert_uint_eq(h, 240);
	free(png);
	o.width = 300;
	o.height = 400;
	o.title = "two: of them";
	ck_assert_msg(metrics_graph(m, se, 2, &o, &png, &len, msg,
				    sizeof(msg)) == 0,
		      "%s", msg);
	png_size(png, len, &w, &h);
	ck_assert_uint_eq(w, 300);
	ck_assert_uint_eq(h, 400);
	free(png);
}
END_TEST

/* A real rrdcached on a private socket, holding updates for an hour so
 * that the files show whether updates went through it. */
static pid_t cached_pid;
static char cached_dir[] = "/tmp/test_rrdcached.XXXXXX";
static char cached_addr[128];

static void cached_setup(void)
{
	char sock[96], pidf[96];
	struct stat st;
	int i;

	setup();
	strcpy(cached_dir, "/tmp/test_rrdcached.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(cached_dir));
	snprintf(sock, sizeof(sock), "%s/sock", cached_dir);
	snprintf(pidf, sizeof(pidf), "%s/pid", cached_dir);
	snprintf(cached_addr, sizeof(cached_addr), "unix:%s", sock);
	cached_pid = fork();
	ck_assert_int_ge(cached_pid, 0);
	if (cached_pid == 0) {
		execlp("rrdcached", "rrdcached", "-g", "-l", cached_addr, "-p",
		       pidf, "-b", cached_dir, "-w", "3600", "-f", "7200", "-F",
		       (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200 && stat(sock, &st) < 0; i++)
		usleep(50000);
	ck_assert_msg(i < 200, "rrdcached did not open %s (installed?)", sock);
	metrics_close(m);
	ck_assert_int_eq(metrics_open(dir, STEP, cached_addr, &m), 0);
}

static void cached_teardown(void)
{
	char cmd[128];

	teardown();
	kill(cached_pid, SIGTERM);
	waitpid(cached_pid, NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cached_dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The last update the file itself holds. */
static time_t file_last(const char *rel)
{
	char p[512], **names, **last;
	unsigned long n;
	time_t t;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	ck_assert_int_eq(rrd_lastupdate_r(p, &t, &n, &names, &last), 0);
	for (unsigned long i = 0; i < n; i++) {
		rrd_freemem(names[i]);
		rrd_freemem(last[i]);
	}
	rrd_freemem(names);
	rrd_freemem(last);
	return t;
}

START_TEST(test_rrdcached_path)
{
	struct metrics_series se;
	json_t *l, *out, *v, *st = state_at(2);
	char msg[256];

	ck_assert_int_eq(feed(3), 15);
	/* rrdcached holds the updates: the file has none yet, but the
	 * listing knows when the object was last sampled. */
	ck_assert_int_eq(file_last("mt/host/_.rrd"), T0 - 1);
	l = metrics_list(m, &sch, st, "mt", "host", -1);
	json_decref(st);
	ck_assert_int_eq(json_integer_value(json_object_get(
				 listed(l, "mt/host/_/load"), "last_update")),
			 T0 + 2 * STEP);
	json_decref(l);
	/* Reading flushes first and sees every point. */
	ck_assert_int_eq(metrics_series_resolve(m, &sch, "mt/host/_/load", NULL,
						NULL, NULL, NULL, &se),
			 0);
	out = metrics_fetch(m, &se, T0, T0 + 2 * STEP, 0, "AVERAGE", msg,
			    sizeof(msg));
	ck_assert_msg(out != NULL, "%s", msg);
	ck_assert_uint_eq(json_array_size(json_object_get(out, "points")), 2);
	v = json_array_get(json_array_get(json_object_get(out, "points"), 1),
			   1);
	ck_assert_double_eq_tol(json_real_value(v), 120, 1e-9);
	json_decref(out);
	ck_assert_int_eq(file_last("mt/host/_.rrd"), T0 + 2 * STEP);
	/* The others were not flushed: still in rrdcached only. */
	ck_assert_int_eq(file_last("mt/interfaces/eth0.rrd"), T0 - 1);
}
END_TEST

START_TEST(test_rrdcached_gone)
{
	/* rrdcached dies: the collector writes the files itself. */
	json_t *st;

	ck_assert_int_eq(feed(1), 5);
	kill(cached_pid, SIGKILL);
	waitpid(cached_pid, NULL, 0);
	st = state_at(1);

	ck_assert_int_ge(metrics_sample(m, &sch, st, T0 + STEP), 0);
	json_decref(st);
	st = state_at(2);
	ck_assert_int_eq(metrics_sample(m, &sch, st, T0 + 2 * STEP), 5);
	json_decref(st);
	ck_assert_int_eq(file_last("mt/host/_.rrd"), T0 + 2 * STEP);
}
END_TEST

/* The daemon-config switch: on by default, a boolean. */
static int load_dc(const char *text, bool *metrics)
{
	char path[] = "/tmp/test_metrics_dc.XXXXXX", msg[256];
	struct daemon_config *dc;
	int fd = mkstemp(path), rc;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = daemon_config_load(path, &dc, msg, sizeof(msg));
	unlink(path);
	if (rc == 0) {
		*metrics = dc->metrics;
		daemon_config_free(dc);
	}
	return rc;
}

START_TEST(test_daemon_config_switch)
{
	bool on = false;

	ck_assert_int_eq(load_dc("state_dir = \"/tmp/x\";\n", &on), 0);
	ck_assert(on);
	ck_assert_int_eq(load_dc("metrics = false;\n", &on), 0);
	ck_assert(!on);
	ck_assert_int_eq(load_dc("metrics = true;\n", &on), 0);
	ck_assert(on);
	ck_assert_int_eq(load_dc("metrics = 1;\n", &on), -EINVAL);
	ck_assert_int_eq(load_dc("metrics_rrdcached = \"unix:/run/x\";\n", &on),
			 0);
	ck_assert_int_eq(load_dc("metrics_rrdcached = 1;\n", &on), -EINVAL);
}
END_TEST

static Suite *metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("rrd");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_files_per_object);
	tcase_add_test(tc, test_fetch_equals_samples);
	tcase_add_test(tc, test_old_time_skipped);
	tcase_add_test(tc, test_ds_names);
	tcase_add_test(tc, test_new_attribute_added);
	tcase_add_test(tc, test_list_and_stale);
	tcase_add_test(tc, test_resolve_and_fetch);
	tcase_add_test(tc, test_fetch_bounded);
	tcase_add_test(tc, test_times);
	tcase_add_test(tc, test_graph_size);
	suite_add_tcase(s, tc);
	tc = tcase_create("rrdcached");
	tcase_add_checked_fixture(tc, cached_setup, cached_teardown);
	tcase_add_test(tc, test_rrdcached_path);
	tcase_add_test(tc, test_rrdcached_gone);
	suite_add_tcase(s, tc);
	tc = tcase_create("config");
	tcase_add_test(tc, test_daemon_config_switch);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(metrics_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
