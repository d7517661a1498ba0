/* Unit tests of the metrics collector (mgmtd/metrics.c): synthetic state
 * trees at increasing times go through metrics_sample into a temporary
 * directory; rrd_fetch_r must give back the samples written. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	ck_assert_int_eq(metrics_open(dir, STEP, &m), 0);
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

/* The AVERAGE value the 1-step archive of rel holds for the step ending at
 * t (NAN if unknown). */
static double fetch_at(const char *rel, time_t t)
{
	char p[512];
	time_t start = t - STEP, end = t;
	unsigned long step = STEP, ds_cnt; /* in: the resolution wanted */
	char **names;
	rrd_value_t *data;
	double v = NAN;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	ck_assert_msg(rrd_fetch_r(p, "AVERAGE", &start, &end, &step, &ds_cnt,
				  &names, &data) == 0,
		      "%s: %s", p, rrd_get_error());
	ck_assert_uint_eq(step, STEP);
	ck_assert_uint_eq(ds_cnt, 1);
	ck_assert_str_eq(names[0], "value");
	/* Row r covers (start + r*step, start + (r+1)*step]. */
	for (time_t r = start; r < end; r += (time_t)step)
		if (r + (time_t)step == t)
			v = data[(r - start) / (time_t)step];
	rrd_freemem(names[0]);
	rrd_freemem(names);
	rrd_freemem(data);
	return v;
}

START_TEST(test_files_per_object)
{
	/* Per sample: load, ratio, and three interfaces' rx_bytes. */
	ck_assert_int_eq(feed(1), 5);
	ck_assert(exists("mt/host/_/load.rrd"));
	ck_assert(exists("mt/host/_/ratio.rrd"));
	ck_assert(!exists("mt/host/_/cpus.rrd"));
	ck_assert(exists("mt/interfaces/eth0/rx_bytes.rrd"));
	ck_assert(!exists("mt/interfaces/eth0/label.rrd"));
	ck_assert(exists("mt/interfaces/a%2Fb/rx_bytes.rrd"));
	ck_assert(exists("mt/interfaces/%2E./rx_bytes.rrd"));
	ck_assert(!exists("unknown_plugin/host/_/load.rrd"));
}
END_TEST

START_TEST(test_fetch_equals_samples)
{
	ck_assert_int_eq(feed(3), 15);
	for (int i = 1; i < 3; i++) {
		time_t t = T0 + STEP * i;

		ck_assert_double_eq_tol(fetch_at("mt/host/_/load.rrd", t),
					100 + 10 * i, 1e-9);
		ck_assert_double_eq_tol(fetch_at("mt/host/_/ratio.rrd", t),
					0.25 * (i + 1), 1e-9);
		/* Counters are stored as rates: 1000 bytes per 10 s. */
		ck_assert_double_eq_tol(
			fetch_at("mt/interfaces/eth0/rx_bytes.rrd", t), 100,
			1e-9);
		ck_assert_double_eq_tol(
			fetch_at("mt/interfaces/a%2Fb/rx_bytes.rrd", t), 50,
			1e-9);
		ck_assert_double_eq_tol(
			fetch_at("mt/interfaces/%2E./rx_bytes.rrd", t), 0,
			1e-9);
	}
}
END_TEST

START_TEST(test_old_time_skipped)
{
	json_t *st = state_at(5);

	ck_assert_int_eq(feed(2), 10);
	/* Not later than the last update: every series refuses, none fails
	 * the sample, and the stored point is unchanged. */
	ck_assert_int_eq(metrics_sample(m, &sch, st, T0 + STEP), 0);
	json_decref(st);
	ck_assert_double_eq_tol(fetch_at("mt/host/_/load.rrd", T0 + STEP), 110,
				1e-9);
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
