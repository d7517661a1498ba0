/* Unit tests for the threshold alert engine (mgmtd/alerts.c): the state
 * machine, hysteresis, `for`, objects that go, rules that change, counter
 * rates, and the checks of a rule against a schema. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"

/* A plugin to watch: a collection of disks and a singleton. */
static const struct mgmtd_attr disk_attrs[] = {
	{ .name = "name", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_KEY | MGMTD_A_STATE, .snmp_column = 2, .description = "d" },
	{ .name = "used", .type = MGMTD_T_INT,
	  .flags = MGMTD_A_STATE | MGMTD_A_GAUGE, .snmp_column = 3, .description = "d" },
	{ .name = "ops", .type = MGMTD_T_INT,
	  .flags = MGMTD_A_STATE | MGMTD_A_COUNTER, .snmp_column = 4, .description = "d" },
	{ .name = "label", .type = MGMTD_T_STRING, .flags = MGMTD_A_STATE,
	  .snmp_column = 5, .description = "d" },
	{ .name = "pid", .type = MGMTD_T_INT, .flags = MGMTD_A_STATE,
	  .snmp_column = 6, .description = "d" },
	{ .name = NULL },
};
static const struct mgmtd_class disks_class = {
	.name = "disks", .kind = MGMTD_COLLECTION, .snmp_table = 1,
	.attrs = disk_attrs, .description = "d",
};
static const struct mgmtd_attr cpu_attrs[] = {
	{ .name = "load", .type = MGMTD_T_INT,
	  .flags = MGMTD_A_STATE | MGMTD_A_GAUGE, .snmp_column = 1, .description = "d" },
	{ .name = NULL },
};
static const struct mgmtd_class cpu_class = {
	.name = "cpu", .kind = MGMTD_SINGLETON, .snmp_table = 2,
	.attrs = cpu_attrs, .description = "d",
};
static const struct mgmtd_class *const mon_classes[] = { &disks_class,
							 &cpu_class, NULL };
static const struct mgmtd_plugin mon_plugin = {
	.abi = MGMTD_PLUGIN_ABI, .name = "mon", .version = "1", .mib_arc = 990, .description = "d",
	.classes = mon_classes,
};

static struct schema schema;
static struct alerts *engine;

/* Events the engine emitted, one line each: "<object> <message>". */
static char events[64][800];
static unsigned n_events;

static void capture(void *arg, enum mgmtd_severity sev, const char *object,
		    const char *message)
{
	(void)arg;
	(void)sev;
	ck_assert_uint_lt(n_events, 64);
	snprintf(events[n_events++], sizeof(events[0]), "%s %s", object,
		 message);
}

static const struct alerts_sink sink = { .emit = capture };

static void setup(void)
{
	char msg[256];

	memset(&schema, 0, sizeof(schema));
	ck_assert_msg(schema_add_plugin(&schema, &mon_plugin, msg,
					sizeof(msg)) == 0, "%s", msg);
	ck_assert_int_eq(alerts_new(&engine), 0);
	n_events = 0;
}

static void teardown(void)
{
	alerts_free(engine);
	schema_fini(&schema);
}

/* A rule from JSON text, checked against the schema. */
static int rule_from(const char *text, struct alert_rule *r,
		     struct mgmtd_err *err)
{
	json_t *j = json_loads(text, 0, NULL);
	int rc;

	ck_assert_ptr_nonnull(j);
	rc = alert_rule_from_json(r, &schema, j, false, err,
				  "alerts.thresholds[t]");
	json_decref(j);
	return rc;
}

/* Install rules given as JSON texts (NULL-terminated). */
static void set_rules(const char *const *texts)
{
	struct alert_rule *rules = calloc(16, sizeof(*rules));
	size_t n = 0;

	for (; texts[n]; n++) {
		struct mgmtd_err err = { 0 };

		ck_assert_int_eq(rule_from(texts[n], &rules[n], &err), 0);
	}
	ck_assert_int_eq(alerts_set_rules(engine, rules, n, &sink), 0);
}

/* Evaluate a state given as JSON text at now; returns events emitted. */
static unsigned eval(const char *state_text, int64_t now)
{
	json_t *st = json_loads(state_text, 0, NULL);
	unsigned n;

	ck_assert_ptr_nonnull(st);
	n = alerts_eval(engine, st, now, &sink);
	json_decref(st);
	return n;
}

static unsigned eval_used(const char *disk, int used, int64_t now)
{
	char text[256];

	snprintf(text, sizeof(text),
		 "{\"mon\": {\"disks\": {\"%s\": {\"used\": %d}}}}", disk,
		 used);
	return eval(text, now);
}

static void count_active(void *arg, const struct alert_status *st)
{
	(void)st;
	(*(unsigned *)arg)++;
}

static unsigned active(void)
{
	unsigned n = 0;

	alerts_foreach(engine, count_active, &n);
	return n;
}

#define RULE_GT90_CLEAR80                                                  \
	"{\"name\": \"full\", \"plugin\": \"mon\", \"class\": \"disks\", "  \
	"\"attribute\": \"used\", \"operator\": \"gt\", \"value\": 90, "     \
	"\"clear_value\": 80, \"severity\": \"crit\"}"

START_TEST(test_hover_raises_once)
{
	static const int values[] = { 91, 89, 91, 85, 95, 81, 90, 91 };
	static const char *const rules[] = { RULE_GT90_CLEAR80, NULL };
	unsigned n = 0;

	set_rules(rules);
	/* Hovering inside the band [80, 90] after the first crossing. */
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		n += eval_used("sda", values[i], (int64_t)i * 10);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(n_events, 1);
	ck_assert_str_eq(events[0], "mon.disks[sda] alert full raised: "
				    "mon.disks[sda].used = 91 > 90 for 0s");
	ck_assert_uint_eq(active(), 1);
	/* Back to the clear value itself clears (gt clears at <=). */
	ck_assert_uint_eq(eval_used("sda", 80, 100), 1);
	ck_assert_str_eq(events[1], "mon.disks[sda] alert full cleared: "
				    "mon.disks[sda].used = 80 <= 80 for 0s");
	ck_assert_uint_eq(active(), 0);
	ck_assert_uint_eq(eval_used("sda", 85, 110), 0);
	ck_assert_uint_eq(eval_used("sda", 90, 120), 0); /* not > 90 */
	ck_assert_uint_eq(eval_used("sda", 91, 130), 1);
	ck_assert_uint_eq(n_events, 3);
}
END_TEST

START_TEST(test_default_clear_is_value)
{
	static const char *const rules[] = {
		"{\"name\": \"low\", \"plugin\": \"mon\", \"class\": \"cpu\", "
		"\"attribute\": \"load\", \"operator\": \"le\", \"value\": 5}",
		NULL,
	};

	set_rules(rules);
	ck_assert_uint_eq(eval("{\"mon\": {\"cpu\": {\"load\": 6}}}", 0), 0);
	ck_assert_uint_eq(eval("{\"mon\": {\"cpu\": {\"load\": 5}}}", 1), 1);
	ck_assert_str_eq(events[0], "mon.cpu alert low raised: "
				    "mon.cpu.load = 5 <= 5 for 0s");
	ck_assert_uint_eq(eval("{\"mon\": {\"cpu\": {\"load\": 6}}}", 2), 1);
	ck_assert_str_eq(events[1], "mon.cpu alert low cleared: "
				    "mon.cpu.load = 6 > 5 for 0s");
}
END_TEST

START_TEST(test_for_delays)
{
	static const char *const rules[] = {
		"{\"name\": \"slow\", \"plugin\": \"mon\", \"class\": \"disks\", "
		"\"attribute\": \"used\", \"operator\": \"ge\", \"value\": 90, "
		"\"for\": 30}",
		NULL,
	};

	set_rules(rules);
	ck_assert_uint_eq(eval_used("sda", 95, 0), 0);
	ck_assert_uint_eq(eval_used("sda", 95, 20), 0);
	ck_assert_uint_eq(eval_used("sda", 85, 25), 0); /* pending resets */
	ck_assert_uint_eq(eval_used("sda", 95, 30), 0);
	ck_assert_uint_eq(eval_used("sda", 95, 59), 0);
	ck_assert_uint_eq(active(), 0);
	ck_assert_uint_eq(eval_used("sda", 95, 60), 1);
	ck_assert_uint_eq(active(), 1);
	/* Clearing must hold as long. */
	ck_assert_uint_eq(eval_used("sda", 50, 70), 0);
	ck_assert_uint_eq(active(), 1);
	ck_assert_uint_eq(eval_used("sda", 95, 90), 0); /* firing again */
	ck_assert_uint_eq(eval_used("sda", 50, 100), 0);
	ck_assert_uint_eq(eval_used("sda", 50, 129), 0);
	ck_assert_uint_eq(eval_used("sda", 50, 130), 1);
	ck_assert_uint_eq(n_events, 2);
	ck_assert_ptr_nonnull(strstr(events[0], "raised"));
	ck_assert_ptr_nonnull(strstr(events[1], "cleared"));
	ck_assert_uint_eq(active(), 0);
}
END_TEST

START_TEST(test_object_gone)
{
	static const char *const rules[] = { RULE_GT90_CLEAR80, NULL };

	set_rules(rules);
	ck_assert_uint_eq(eval("{\"mon\": {\"disks\": {\"sda\": {\"used\": 99},"
			       " \"sdb\": {\"used\": 99}, \"sdc\": {\"used\": 1}}}}",
			       0),
			  2);
	ck_assert_uint_eq(active(), 2);
	/* sdb goes: one clear; sdc (never raised) goes silently. */
	ck_assert_uint_eq(eval_used("sda", 99, 10), 1);
	ck_assert_str_eq(events[2], "mon.disks[sdb] alert full cleared: "
				    "mon.disks[sdb] (the object or its value "
				    "is gone)");
	ck_assert_uint_eq(active(), 1);
	ck_assert_uint_eq(eval_used("sda", 99, 20), 0);
	/* The whole plugin's state gone. */
	ck_assert_uint_eq(eval("{}", 30), 1);
	ck_assert_uint_eq(eval("{}", 40), 0);
	ck_assert_uint_eq(active(), 0);
	ck_assert_uint_eq(n_events, 4);
}
END_TEST

START_TEST(test_one_key)
{
	static const char *const rules[] = {
		"{\"name\": \"sdb\", \"plugin\": \"mon\", \"class\": \"disks\", "
		"\"key\": \"sdb\", \"attribute\": \"used\", \"operator\": \"gt\", "
		"\"value\": 90}",
		NULL,
	};

	set_rules(rules);
	ck_assert_uint_eq(eval("{\"mon\": {\"disks\": {\"sda\": {\"used\": 99},"
			       " \"sdb\": {\"used\": 99}}}}", 0), 1);
	ck_assert_ptr_nonnull(strstr(events[0], "mon.disks[sdb]"));
}
END_TEST

START_TEST(test_rule_changed_or_removed)
{
	static const char *const rules[] = { RULE_GT90_CLEAR80, NULL };
	static const char *const changed[] = {
		"{\"name\": \"full\", \"plugin\": \"mon\", \"class\": \"disks\", "
		"\"attribute\": \"used\", \"operator\": \"gt\", \"value\": 95}",
		NULL,
	};
	static const char *const none[] = { NULL };

	set_rules(rules);
	ck_assert_uint_eq(eval_used("sda", 99, 0), 1);
	/* The same rule again keeps its alert, no event. */
	set_rules(rules);
	ck_assert_uint_eq(n_events, 1);
	ck_assert_uint_eq(active(), 1);
	ck_assert_uint_eq(eval_used("sda", 99, 10), 0);
	/* Changed: cleared once, then judged afresh (99 > 95 raises). */
	set_rules(changed);
	ck_assert_uint_eq(n_events, 2);
	ck_assert_ptr_nonnull(strstr(events[1], "cleared"));
	ck_assert_ptr_nonnull(strstr(events[1], "removed, changed"));
	ck_assert_uint_eq(active(), 0);
	ck_assert_uint_eq(eval_used("sda", 99, 20), 1);
	/* Removed: cleared once. */
	set_rules(none);
	ck_assert_uint_eq(n_events, 4);
	ck_assert_uint_eq(active(), 0);
	ck_assert_uint_eq(eval_used("sda", 99, 30), 0);
}
END_TEST

START_TEST(test_disabled_rule)
{
	static const char *const rules[] = {
		"{\"name\": \"off\", \"plugin\": \"mon\", \"class\": \"disks\", "
		"\"attribute\": \"used\", \"operator\": \"gt\", \"value\": 1, "
		"\"enabled\": false}",
		NULL,
	};

	set_rules(rules);
	ck_assert_uint_eq(eval_used("sda", 99, 0), 0);
	ck_assert_uint_eq(n_events, 0);
}
END_TEST

static unsigned eval_ops(int ops, int64_t now)
{
	char text[128];

	snprintf(text, sizeof(text),
		 "{\"mon\": {\"disks\": {\"sda\": {\"ops\": %d}}}}", ops);
	return eval(text, now);
}

START_TEST(test_counter_rate)
{
	static const char *const rules[] = {
		"{\"name\": \"busy\", \"plugin\": \"mon\", \"class\": \"disks\", "
		"\"attribute\": \"ops\", \"operator\": \"gt\", \"value\": 50}",
		NULL,
	};

	set_rules(rules);
	/* A huge first value is no rate. */
	ck_assert_uint_eq(eval_ops(100000, 0), 0);
	ck_assert_uint_eq(eval_ops(101000, 10), 1); /* 100/s */
	ck_assert_str_eq(events[0], "mon.disks[sda] alert busy raised: "
				    "mon.disks[sda].ops = 100/s > 50/s for 0s");
	ck_assert_uint_eq(eval_ops(101000, 10), 0); /* same second: kept */
	/* A reset (counter went down) is no rate either. */
	ck_assert_uint_eq(eval_ops(5, 20), 0);
	ck_assert_uint_eq(eval_ops(105, 30), 1); /* 10/s: clears */
	ck_assert_uint_eq(n_events, 2);
	ck_assert_str_eq(events[1], "mon.disks[sda] alert busy cleared: "
				    "mon.disks[sda].ops = 10/s <= 50/s for 0s");
}
END_TEST

/* n disks sd<i> with used = value, but every other one missing when odd
 * is set. */
static unsigned eval_many(int n, int value, bool odd_gone, int64_t now)
{
	json_t *disks = json_object(), *st;
	char key[32];
	unsigned r;

	for (int i = 0; i < n; i++) {
		if (odd_gone && i % 2)
			continue;
		snprintf(key, sizeof(key), "sd%d", i);
		json_object_set_new(disks, key,
				    json_pack("{s:i}", "used", value));
	}
	st = json_pack("{s:{s:o}}", "mon", "disks", disks);
	r = alerts_eval(engine, st, now, NULL);
	json_decref(st);
	return r;
}

/* Thousands of objects: each raised and cleared once, objects going in
 * the middle (entries move), and no quadratic cost (the test's timeout). */
START_TEST(test_many_objects)
{
	static const char *const rules[] = { RULE_GT90_CLEAR80, NULL };

	set_rules(rules);
	ck_assert_uint_eq(eval_many(5000, 50, false, 0), 0);
	ck_assert_uint_eq(eval_many(5000, 95, false, 1), 5000);
	ck_assert_uint_eq(eval_many(5000, 95, false, 2), 0);
	ck_assert_uint_eq(active(), 5000);
	ck_assert_uint_eq(eval_many(5000, 95, true, 3), 2500); /* gone */
	ck_assert_uint_eq(active(), 2500);
	ck_assert_uint_eq(eval_many(5000, 85, true, 4), 0);
	ck_assert_uint_eq(eval_many(5000, 70, true, 5), 2500);
	ck_assert_uint_eq(active(), 0);
	ck_assert_uint_eq(eval_many(5000, 95, false, 6), 5000);
}
END_TEST

/* A refused rule: the error's path ends with suffix. */
static void refused(const char *text, const char *suffix)
{
	struct mgmtd_err err = { 0 };
	struct alert_rule r;
	size_t lp, ls = strlen(suffix);

	ck_assert_int_lt(rule_from(text, &r, &err), 0);
	ck_assert_uint_ge(err.count, 1);
	lp = strlen(err.items[0].path);
	ck_assert_uint_ge(lp, ls);
	ck_assert_str_eq(err.items[0].path + lp - ls, suffix);
	alert_rule_fini(&r);
}

START_TEST(test_rule_checks)
{
	struct mgmtd_err err = { 0 };
	struct alert_rule r;

	refused("{\"name\": \"x\", \"plugin\": \"nope\", \"class\": \"disks\","
		" \"attribute\": \"used\", \"operator\": \"gt\", \"value\": 1}",
		"].plugin");
	refused("{\"name\": \"x\", \"plugin\": \"mon\", \"class\": \"nope\","
		" \"attribute\": \"used\", \"operator\": \"gt\", \"value\": 1}",
		"].class");
	refused("{\"name\": \"x\", \"plugin\": \"mon\", \"class\": \"disks\","
		" \"attribute\": \"nope\", \"operator\": \"gt\", \"value\": 1}",
		"].attribute");
	/* Not numeric; numeric but neither gauge nor counter. */
	refused("{\"name\": \"x\", \"plugin\": \"mon\", \"class\": \"disks\","
		" \"attribute\": \"label\", \"operator\": \"gt\", \"value\": 1}",
		"].attribute");
	refused("{\"name\": \"x\", \"plugin\": \"mon\", \"class\": \"disks\","
		" \"attribute\": \"pid\", \"operator\": \"gt\", \"value\": 1}",
		"].attribute");
	refused("{\"name\": \"x\", \"plugin\": \"mon\", \"class\": \"cpu\","
		" \"key\": \"a\", \"attribute\": \"load\", \"operator\": \"gt\","
		" \"value\": 1}",
		"].key");
	/* Hysteresis on the wrong side of the threshold. */
	refused("{\"name\": \"x\", \"plugin\": \"mon\", \"class\": \"disks\","
		" \"attribute\": \"used\", \"operator\": \"gt\", \"value\": 90,"
		" \"clear_value\": 95}",
		"].clear_value");
	refused("{\"name\": \"x\", \"plugin\": \"mon\", \"class\": \"disks\","
		" \"attribute\": \"used\", \"operator\": \"lt\", \"value\": 10,"
		" \"clear_value\": 5}",
		"].clear_value");
	refused("{\"name\": \"x\", \"plugin\": \"mon\", \"class\": \"disks\","
		" \"attribute\": \"used\", \"operator\": \"eq\", \"value\": 1}",
		"].operator");
	ck_assert_int_eq(rule_from("{\"name\": \"x\", \"plugin\": \"mon\", "
				   "\"class\": \"disks\", \"attribute\": "
				   "\"ops\", \"operator\": \"lt\", \"value\": "
				   "10, \"clear_value\": 20}",
				   &r, &err),
			 0);
	ck_assert(r.counter);
	ck_assert(!r.singleton);
	ck_assert_int_eq(r.clear_value, 20);
	ck_assert_int_eq(r.severity, MGMTD_SEV_WARNING);
	alert_rule_fini(&r);
}
END_TEST

static Suite *alerts_suite(void)
{
	Suite *s = suite_create("alerts");
	TCase *tc = tcase_create("engine");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_hover_raises_once);
	tcase_add_test(tc, test_default_clear_is_value);
	tcase_add_test(tc, test_for_delays);
	tcase_add_test(tc, test_object_gone);
	tcase_add_test(tc, test_one_key);
	tcase_add_test(tc, test_rule_changed_or_removed);
	tcase_add_test(tc, test_disabled_rule);
	tcase_add_test(tc, test_counter_rate);
	tcase_add_test(tc, test_rule_checks);
	tcase_add_test(tc, test_many_objects);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(alerts_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
