/* Transactions over real plugins (testa, testb) in a temporary state
 * directory: what reaches the "system" and the store, and in what order
 * the phases run. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action.h"
#include "api.h"
#include "txn.h"
#include "unit_frozen.h"
#include "unit_util.h"

static char *dir;
static struct core *core;

static void setup(void)
{
	dir = unit_tmpdir();
	core = unit_core_start(dir, "testa,testb");
}

static void teardown(void)
{
	unit_core_stop(core);
	unit_rmdir(dir);
}

static char *calls(const char *plugin)
{
	char name[64];

	snprintf(name, sizeof(name), "state/%s/calls", plugin);
	return unit_read(dir, name);
}

static void forget_calls(void)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/state/testa/calls", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/state/testb/calls", dir);
	unlink(path);
}

static void assert_calls(const char *plugin, const char *expected)
{
	char *got = calls(plugin);

	ck_assert_msg((got ? strcmp(got, expected) : strcmp("", expected)) == 0,
		      "%s calls: got '%s', expected '%s'", plugin,
		      got ? got : "", expected);
	free(got);
}

static void assert_system(const char *plugin, const char *expected)
{
	char name[64], *got;

	snprintf(name, sizeof(name), "state/%s/system", plugin);
	got = unit_read(dir, name);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, expected);
	free(got);
}

START_TEST(start_applies_every_plugin_and_commits_version_1)
{
	ck_assert_uint_eq(store_version(core->store), 1);
	assert_calls("testa", "validate\nprepare\napply\n");
	assert_calls("testb", "validate\nprepare\napply\n");
	ck_assert(unit_exists(dir, "state/config.conf"));
}
END_TEST

START_TEST(commit_runs_only_the_plugins_whose_part_changed)
{
	forget_calls();
	unit_commit_ok(core, "{\"testa\": {\"settings\": {\"value\": \"A2\"}}}");
	ck_assert_uint_eq(store_version(core->store), 2);
	assert_calls("testa", "validate\nprepare\napply\n");
	assert_calls("testb", "");
	assert_system("testa", "A2");
}
END_TEST

START_TEST(prepare_failure_aborts_every_prepared_plugin_and_changes_nothing)
{
	struct mgmtd_err err = { 0 };
	char *before;

	unit_commit_ok(core, "{\"testa\": {\"settings\": {\"value\": \"A1\"}},"
		  " \"testb\": {\"settings\": {\"value\": \"B1\"}}}");
	before = unit_read(dir, "state/config.conf");
	forget_calls();
	ck_assert_int_lt(
		unit_commit(core, "{\"testa\": {\"settings\": {\"value\": \"A2\"}},"
			    " \"testb\": {\"settings\": {\"value\": \"B2\","
			    " \"fail_in\": \"prepare\"}}}",
			    &err),
		0);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_str_eq(err.items[0].path, "testb");
	ck_assert_int_eq(err.items[0].code, MGMTD_E_FAILED);
	/* testa prepared first: it must be aborted too. */
	assert_calls("testa", "validate\nprepare\nabort\n");
	assert_calls("testb", "validate\nprepare\nabort\n");
	assert_system("testa", "A1");
	assert_system("testb", "B1");
	ck_assert(!unit_exists(dir, "state/testa/system.mgmtd-new"));
	ck_assert(!unit_exists(dir, "state/testb/system.mgmtd-new"));
	ck_assert_uint_eq(store_version(core->store), 2);
	char *after = unit_read(dir, "state/config.conf");
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(validate_failure_prepares_nothing)
{
	struct mgmtd_err err = { 0 };

	forget_calls();
	ck_assert_int_lt(
		unit_commit(core, "{\"testa\": {\"settings\": {\"value\": \"A2\"}},"
			    " \"testb\": {\"settings\": {\"fail_in\": "
			    "\"validate\"}}}",
			    &err),
		0);
	ck_assert_str_eq(err.items[0].path, "testb.settings.fail_in");
	assert_calls("testa", "validate\n");
	assert_calls("testb", "validate\n");
	ck_assert_uint_eq(store_version(core->store), 1);
}
END_TEST

START_TEST(type_error_reaches_no_plugin_and_names_the_path)
{
	struct mgmtd_err err = { 0 };

	forget_calls();
	ck_assert_int_lt(unit_commit(core, "{\"testa\": {\"items\": [{\"name\": "
				     "\"x\", \"size\": \"12Q\"}]}}",
				     &err),
			 0);
	ck_assert_str_eq(err.items[0].path, "testa.items[x].size");
	assert_calls("testa", "");
	assert_calls("testb", "");
}
END_TEST

START_TEST(unchanged_candidate_commits_no_version)
{
	forget_calls();
	unit_commit_ok(core, "{}");
	ck_assert_uint_eq(store_version(core->store), 1);
	assert_calls("testa", "");
}
END_TEST

START_TEST(rollback_is_a_new_version_equal_to_the_old_one)
{
	struct mgmtd_err err = { 0 };
	struct txn_result res;
	json_t *v2 = NULL, *v4 = NULL;

	unit_commit_ok(core, "{\"testa\": {\"settings\": {\"value\": \"two\"}}}");
	unit_commit_ok(core, "{\"testa\": {\"settings\": {\"value\": \"three\"}}}");
	ck_assert_int_eq(txn_rollback(core, 2, &unit_cli, &res, &err), 0);
	txn_result_fini(&res);
	ck_assert_uint_eq(store_version(core->store), 4);
	assert_system("testa", "two");
	ck_assert_int_eq(store_read_version(core->store, 2, &v2, NULL), 0);
	ck_assert_int_eq(store_read_version(core->store, 4, &v4, NULL), 0);
	ck_assert(json_equal(v2, v4));
	json_decref(v2);
	json_decref(v4);
	ck_assert_int_lt(txn_rollback(core, 99, &unit_cli, &res, &err), 0);
	txn_result_fini(&res);
}
END_TEST

START_TEST(unconfirmed_change_rolls_back_after_its_deadline)
{
	struct txn_request rq = unit_cli;
	struct mgmtd_err err = { 0 };
	struct txn_result res;
	json_t *cand = json_loads(
		"{\"testa\": {\"settings\": {\"value\": \"risky\"}}}", 0, NULL);

	rq.confirm_timeout = 60;
	ck_assert_int_eq(txn_commit(core, cand, &rq, &res, &err), 0);
	txn_result_fini(&res);
	json_decref(cand);
	ck_assert(core->confirm.active);
	ck_assert(unit_exists(dir, "state/confirm.pending"));
	txn_confirm_check(core); /* not yet */
	ck_assert_uint_eq(store_version(core->store), 2);
	core->confirm.deadline = core_realtime() - 1;
	txn_confirm_check(core);
	ck_assert(!core->confirm.active);
	ck_assert(!unit_exists(dir, "state/confirm.pending"));
	ck_assert_uint_eq(store_version(core->store), 3);
	assert_system("testa", "");
}
END_TEST

START_TEST(confirmed_change_stays)
{
	struct txn_request rq = unit_cli;
	struct mgmtd_err err = { 0 };
	struct txn_result res;
	json_t *cand = json_loads(
		"{\"testa\": {\"settings\": {\"value\": \"fine\"}}}", 0, NULL);

	ck_assert_int_lt(txn_confirm(core, &unit_cli, &err), 0); /* none pending */
	rq.confirm_timeout = 60;
	ck_assert_int_eq(txn_commit(core, cand, &rq, &res, &err), 0);
	txn_result_fini(&res);
	json_decref(cand);
	err = (struct mgmtd_err){ 0 };
	ck_assert_int_eq(txn_confirm(core, &unit_cli, &err), 0);
	core->confirm.deadline = 0;
	txn_confirm_check(core);
	ck_assert_uint_eq(store_version(core->store), 2);
	assert_system("testa", "fine");
}
END_TEST

START_TEST(old_snapshot_is_unaffected_by_a_commit)
{
	struct snapshot *before = core_snapshot(core), *after;

	unit_commit_ok(core, "{\"testa\": {\"settings\": {\"value\": \"new\"}}}");
	after = core_snapshot(core);
	ck_assert_uint_eq(before->version, 1);
	ck_assert_uint_eq(after->version, 2);
	ck_assert_ptr_null(json_object_get(
		json_object_get(json_object_get(before->config, "testa"),
				"settings"),
		"value"));
	snapshot_unref(before);
	snapshot_unref(after);
}
END_TEST

START_TEST(restart_keeps_the_version_and_adopts_offline_edits)
{
	char path[4096];
	FILE *f;

	unit_commit_ok(core, "{\"testa\": {\"settings\": {\"value\": \"kept\"}}}");
	unit_core_stop(core);
	core = unit_core_start(dir, "testa,testb");
	ck_assert_uint_eq(store_version(core->store), 2);
	assert_system("testa", "kept");
	unit_core_stop(core);
	/* An admin edits the file while mgmtd is stopped. */
	snprintf(path, sizeof(path), "%s/state/config.conf", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("version = 2;\ntesta = { settings = { value = \"edited\"; }; };\n",
	      f);
	fclose(f);
	core = unit_core_start(dir, "testa,testb");
	ck_assert_uint_eq(store_version(core->store), 3);
	assert_system("testa", "edited");
}
END_TEST

START_TEST(collect_publishes_live_state)
{
	struct snapshot *s;
	json_t *st;

	unit_commit_ok(core, "{\"testa\": {\"settings\": {\"value\": \"live\"}}}");
	core_collect(core);
	s = core_snapshot(core);
	st = json_object_get(json_object_get(json_object_get(s->state, "testa"),
					     "settings"),
			     "applied");
	ck_assert_str_eq(json_string_value(st), "live");
	snapshot_unref(s);
}
END_TEST

static int check_refusal(const struct journal_record *r, void *arg)
{
	ck_assert_str_eq(r->user, "alice");
	ck_assert(strstr(r->result, "testa.bogus") != NULL);
	(*(int *)arg)++;
	return 0;
}

START_TEST(refused_change_is_journaled_with_its_reason)
{
	struct mgmtd_err err = { 0 };
	struct journal_query q = { .max_severity = -1, .limit = 1 };
	int found = 0;

	ck_assert_int_lt(unit_commit(core, "{\"testa\": {\"bogus\": {}}}", &err), 0);
	ck_assert_int_eq(journal_query(core->commands, &q, check_refusal, &found),
			 1);
	ck_assert_int_eq(found, 1);
}
END_TEST

START_TEST(action_runs_with_checked_params_and_is_journaled)
{
	struct mgmtd_err err = { 0 };
	json_t *p = json_pack("{s:s}", "text", "hello");
	char *got;

	forget_calls();
	ck_assert_int_eq(action_run(core, &unit_cli, "testa", "settings", NULL,
				    "touch", p, &err),
			 0);
	got = unit_read(dir, "state/testa/action");
	ck_assert_str_eq(got, "hello");
	free(got);
	assert_calls("testa", "touch\n");
	json_decref(p);
	/* Bad parameters never reach the plugin. */
	p = json_pack("{s:i}", "text", 5);
	ck_assert_int_lt(action_run(core, &unit_cli, "testa", "settings", NULL,
				    "touch", p, &err),
			 0);
	ck_assert_str_eq(err.items[0].path, "testa.settings.text");
	assert_calls("testa", "touch\n");
	json_decref(p);
	err = (struct mgmtd_err){ 0 };
	ck_assert_int_lt(action_run(core, &unit_cli, "testa", "settings", NULL,
				    "nonesuch", NULL, &err),
			 0);
	ck_assert_int_eq(err.items[0].code, MGMTD_E_NOT_FOUND);
	ck_assert_uint_eq(store_version(core->store), 1);
}
END_TEST

static void count_commit(void *arg, unsigned version, const char *user,
			 const char *interface, const char *summary)
{
	ck_assert_str_eq(user, "alice");
	*(unsigned *)arg = version;
}

START_TEST(listeners_hear_commits)
{
	unsigned seen = 0;
	struct core_listener l = { .on_commit = count_commit, .arg = &seen };

	ck_assert_int_eq(core_add_listener(core, &l), 0);
	unit_commit_ok(core, "{\"testa\": {\"settings\": {\"value\": \"x\"}}}");
	ck_assert_uint_eq(seen, 2);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Shared objects (NOTES.md, "Core facts"): no operation may change an
 * object of a config tree in place, as versions, snapshots and defaults
 * share them. */

static const struct api_caller frozen_who = {
	.user = "alice", .source = "local", .interface = "cli",
};

/* Hold everything a change must leave as it is: the running tree, the
 * published snapshot and the class defaults. */
static void hold_all(struct unit_frozen *f)
{
	struct snapshot *s = core_snapshot(core);
	json_t *d = frozen_defaults(&core->schema);

	frozen_hold(f, "the running tree", core->running);
	frozen_hold(f, "the published snapshot", s->config);
	frozen_hold(f, "a class default", d);
	json_decref(d);
	snapshot_unref(s);
}

/* The history: every stored version as it was first read, in hist[v]
 * (the oldest are pruned: history_keep). */
#define HIST_MAX 32
static void hold_history(json_t **hist)
{
	for (unsigned v = 1; v <= store_version(core->store); v++) {
		ck_assert_uint_lt(v, HIST_MAX);
		if (!hist[v] &&
		    store_read_version(core->store, v, &hist[v], NULL) < 0)
			hist[v] = NULL;
	}
}

static void check_history(json_t **hist)
{
	for (unsigned v = 1; v < HIST_MAX; v++) {
		json_t *now = NULL;

		if (!hist[v])
			continue;
		/* Pruned since: gone, not changed. */
		if (store_read_version(core->store, v, &now, NULL) == 0)
			ck_assert_msg(json_equal(now, hist[v]),
				      "version %u changed", v);
		json_decref(now);
		json_decref(hist[v]);
		hist[v] = NULL;
	}
}

static void api_ok_or_fail(const char *text)
{
	json_t *rq = json_loads(text, 0, NULL), *resp;
	char *got;

	ck_assert_ptr_nonnull(rq);
	resp = api_handle(core, &frozen_who, rq);
	got = json_dumps(resp, JSON_COMPACT);
	ck_assert_msg(json_is_true(json_object_get(resp, "ok")), "%s: %s", text,
		      got);
	free(got);
	json_decref(resp);
	json_decref(rq);
}

/* An edit like the agentx SET path's: objects changed in place, which
 * txn_edit's deep copy allows. */
static int edit_in_place(json_t *tree, void *arg, struct mgmtd_err *err)
{
	json_t *items = json_object_get(json_object_get(tree, "testa"), "items");
	json_t *set = json_object_get(json_object_get(tree, "testa"), "settings");

	json_object_set_new(json_array_get(items, 0), "size", json_integer(7));
	json_array_append_new(items, json_pack("{s:s}", "name", "snmp"));
	json_object_set_new(set, "value", json_string("by snmp"));
	return 0;
}

START_TEST(no_change_alters_a_shared_object_in_place)
{
	static const char *const ops[] = {
		"{\"op\": \"put\", \"plugin\": \"testa\", \"class\": \"items\","
		" \"key\": \"w\", \"object\": {\"size\": \"1K\"}}",
		"{\"op\": \"put\", \"plugin\": \"testa\", \"class\": \"items\","
		" \"key\": \"x\", \"object\": {\"size\": \"2K\"}}",
		"{\"op\": \"patch\", \"plugin\": \"testa\", \"class\": \"items\","
		" \"key\": \"y\", \"object\": {\"size\": null}}",
		"{\"op\": \"patch\", \"plugin\": \"testa\", \"class\": \"items\","
		" \"key\": \"y\", \"object\": {\"size\": 5}}",
		"{\"op\": \"delete\", \"plugin\": \"testa\", \"class\": \"items\","
		" \"key\": \"z\"}",
		"{\"op\": \"patch\", \"plugin\": \"testa\", \"class\": \"settings\","
		" \"object\": {\"value\": \"patched\"}}",
		"{\"op\": \"put\", \"plugin\": \"testa\", \"class\": \"settings\","
		" \"object\": {\"value\": \"put\"}}",
		"{\"op\": \"replace\", \"config\": {\"testa\": {\"items\":"
		" [{\"name\": \"x\", \"size\": \"2K\"}, {\"name\": \"v\"}]},"
		" \"testb\": {\"settings\": {\"value\": \"B\"}}}}",
		NULL, /* a rollback two versions back */
		"{\"op\": \"patch\", \"plugin\": \"testa\", \"class\": \"items\","
		" \"key\": \"x\", \"object\": {\"size\": 9},"
		" \"confirm_timeout\": 60}",
	};
	struct unit_frozen f = { 0 };
	struct mgmtd_err err = { 0 };
	json_t *hist[HIST_MAX] = { 0 };
	struct txn_result res;

	unit_commit_ok(core, "{\"testa\": {\"settings\": {\"value\": \"A\"},"
		       " \"items\": [{\"name\": \"x\", \"size\": \"1K\"},"
		       " {\"name\": \"y\", \"size\": 3}, {\"name\": \"z\"}]}}");
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		char rb[64];

		snprintf(rb, sizeof(rb), "{\"op\": \"rollback\", \"version\": %u}",
			 store_version(core->store) - 2);
		hold_all(&f);
		hold_history(hist);
		api_ok_or_fail(ops[i] ? ops[i] : rb);
		frozen_check(&f, ops[i] ? ops[i] : rb);
	}
	/* The last one waited for a confirmation that never came. */
	ck_assert(core->confirm.active);
	hold_all(&f);
	core->confirm.deadline = core_realtime() - 1;
	txn_confirm_check(core);
	ck_assert(!core->confirm.active);
	frozen_check(&f, "the confirm timeout's rollback");
	hold_all(&f);
	ck_assert_int_eq(txn_edit(core, edit_in_place, NULL, &unit_cli, &res,
				  &err),
			 0);
	txn_result_fini(&res);
	frozen_check(&f, "txn_edit");
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(json_object_get(core->running,
								 "testa"),
						 "settings"),
				 "value")),
			 "by snmp");
	hold_history(hist);
	check_history(hist);
	frozen_release(&f);
}
END_TEST

/* txn_commit borrows its candidate: the caller may change it afterwards
 * without changing the running tree (the section of a plugin that is not
 * loaded, kept verbatim, was once the caller's own object). */
START_TEST(committed_candidate_is_not_kept)
{
	struct mgmtd_err err = { 0 };
	struct txn_result res;
	json_t *cand = json_loads("{\"gone\": {\"things\": [{\"a\": 1}]},"
				  " \"testa\": {\"settings\": {\"value\":"
				  " \"A\"}}}",
				  0, NULL);
	json_t *kept;

	ck_assert_int_eq(txn_commit(core, cand, &unit_cli, &res, &err), 0);
	txn_result_fini(&res);
	json_object_set_new(json_array_get(json_object_get(json_object_get(cand,
									   "gone"),
							   "things"),
					   0),
			    "a", json_integer(2));
	json_object_set_new(json_object_get(cand, "gone"), "more", json_object());
	kept = json_object_get(core->running, "gone");
	ck_assert_int_eq(json_integer_value(json_object_get(
				 json_array_get(json_object_get(kept, "things"), 0),
				 "a")),
			 1);
	ck_assert_ptr_null(json_object_get(kept, "more"));
	json_decref(cand);
}
END_TEST

static Suite *txn_suite(void)
{
	Suite *s = suite_create("txn");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, start_applies_every_plugin_and_commits_version_1);
	tcase_add_test(tc, commit_runs_only_the_plugins_whose_part_changed);
	tcase_add_test(tc, prepare_failure_aborts_every_prepared_plugin_and_changes_nothing);
	tcase_add_test(tc, validate_failure_prepares_nothing);
	tcase_add_test(tc, type_error_reaches_no_plugin_and_names_the_path);
	tcase_add_test(tc, unchanged_candidate_commits_no_version);
	tcase_add_test(tc, rollback_is_a_new_version_equal_to_the_old_one);
	tcase_add_test(tc, unconfirmed_change_rolls_back_after_its_deadline);
	tcase_add_test(tc, confirmed_change_stays);
	tcase_add_test(tc, old_snapshot_is_unaffected_by_a_commit);
	tcase_add_test(tc, restart_keeps_the_version_and_adopts_offline_edits);
	tcase_add_test(tc, collect_publishes_live_state);
	tcase_add_test(tc, refused_change_is_journaled_with_its_reason);
	tcase_add_test(tc, action_runs_with_checked_params_and_is_journaled);
	tcase_add_test(tc, listeners_hear_commits);
	tcase_add_test(tc, no_change_alters_a_shared_object_in_place);
	tcase_add_test(tc, committed_candidate_is_not_kept);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(txn_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
