/* mgmtd_tree_plugin: a plugin reads another plugin's part of the same
 * tree (candidate or running) in validate, collect and actions.  The
 * plugin testpeer checks testa's settings.value (tests/unit/plugins/
 * peerplug.c). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "tree.h"
#include "txn.h"
#include "unit_util.h"

static char *dir;
static struct core *core;

static void setup(void)
{
	dir = unit_tmpdir();
	core = unit_core_start(dir, "testa,testpeer");
}

static void teardown(void)
{
	unit_core_stop(core);
	unit_rmdir(dir);
}

static void assert_file(const char *name, const char *want)
{
	char *got = unit_read(dir, name);

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(validate_sees_the_sibling_in_candidate_and_running_trees)
{
	assert_file("state/testpeer/validate", "cand=(unset) run=(start)\n");
	unit_commit_ok(core, "{\"testa\": {\"settings\": {\"value\": \"A1\"}},"
		  " \"testpeer\": {\"settings\": {\"require\": \"testa=A1\"}}}");
	assert_file("state/testpeer/validate", "cand=A1 run=(unset)\n");
	unit_commit_ok(core, "{\"testa\": {\"settings\": {\"value\": \"A2\"}},"
		  " \"testpeer\": {\"settings\": {\"require\": \"testa=A2\"}}}");
	assert_file("state/testpeer/validate", "cand=A2 run=A1\n");
}
END_TEST

START_TEST(a_reference_the_sibling_breaks_is_refused_with_its_path)
{
	struct mgmtd_err err = { 0 };

	unit_commit_ok(core, "{\"testa\": {\"settings\": {\"value\": \"A1\"}},"
		  " \"testpeer\": {\"settings\": {\"require\": \"testa=A1\"}}}");
	/* Both change: testpeer validates against testa's candidate. */
	ck_assert_int_lt(unit_commit(core, "{\"testa\": {\"settings\": {\"value\": \"A2\"}},"
				" \"testpeer\": {\"settings\": {\"require\":"
				" \"testa=B1\"}}}",
				&err),
			 0);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_str_eq(err.items[0].path, "testpeer.settings.require");
	ck_assert_int_eq(err.items[0].code, MGMTD_E_INCONSISTENT);
	ck_assert_str_eq(err.items[0].message, "testa has A2, not B1");
	ck_assert_uint_eq(store_version(core->store), 2);
}
END_TEST

START_TEST(an_unloaded_plugin_reads_as_null)
{
	struct mgmtd_err err = { 0 };

	ck_assert_int_lt(unit_commit(core, "{\"testpeer\": {\"settings\": {\"require\":"
				" \"testb=x\"}}}",
				&err),
			 0);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_int_eq(err.items[0].code, MGMTD_E_CONFLICT);
	ck_assert_str_eq(err.items[0].message, "testb is not loaded");
}
END_TEST

START_TEST(only_plugins_whose_part_changed_validate)
{
	/* The rule the accounts plugin relies on: deleting a user runs the
	 * accounts plugin's validate, which looks at the shares itself. */
	unit_commit_ok(core, "{\"testa\": {\"settings\": {\"value\": \"A1\"}},"
		  " \"testpeer\": {\"settings\": {\"require\": \"testa=A1\"}}}");
	unit_commit_ok(core, "{\"testa\": {\"settings\": {\"value\": \"A2\"}},"
		  " \"testpeer\": {\"settings\": {\"require\": \"testa=A1\"}}}");
	assert_file("state/testpeer/validate", "cand=A1 run=(unset)\n");
}
END_TEST

START_TEST(collect_and_actions_see_the_sibling)
{
	struct mgmtd_err err = { 0 };
	json_t *seen;

	unit_commit_ok(core, "{\"testa\": {\"settings\": {\"value\": \"A3\"}}}");
	core_collect(core);
	seen = json_object_get(json_object_get(json_object_get(core->state,
							       "testpeer"),
					       "settings"),
			       "seen");
	ck_assert_str_eq(json_string_value(seen), "A3");
	ck_assert_int_eq(action_run(core, &unit_cli, "testpeer", "settings", NULL,
				    "peek", NULL, &err),
			 0);
	assert_file("state/testpeer/action", "A3");
}
END_TEST

START_TEST(views_of_a_set_find_each_other)
{
	json_t *root = json_pack("{s:{s:{s:s}}}", "testa", "settings", "value",
				 "V");
	struct mgmtd_tree *set = tree_view_all(root, &core->schema);
	const struct mgmtd_tree *a, *peer;
	struct mgmtd_tree alone;

	ck_assert_ptr_nonnull(set);
	peer = tree_view_find(set, core->schema.n_plugins, "testpeer");
	ck_assert_ptr_nonnull(peer);
	a = mgmtd_tree_plugin(peer, "testa");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_eq(mgmtd_tree_plugin(a, "testpeer"), peer);
	ck_assert_ptr_eq(mgmtd_tree_plugin(a, "testa"), a);
	ck_assert_str_eq(mgmtd_obj_str(mgmtd_tree_singleton(a, "settings"),
				       "value"),
			 "V");
	ck_assert_ptr_null(mgmtd_tree_plugin(a, "nosuch"));
	ck_assert_ptr_null(mgmtd_tree_plugin(NULL, "testa"));
	/* A view made alone has no siblings. */
	tree_view(&alone, root, &core->schema, peer->sp);
	ck_assert_ptr_null(mgmtd_tree_plugin(&alone, "testa"));
	free(set);
	json_decref(root);
}
END_TEST

static Suite *tree_plugin_suite(void)
{
	Suite *s = suite_create("tree_plugin");
	TCase *tc = tcase_create("siblings");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, validate_sees_the_sibling_in_candidate_and_running_trees);
	tcase_add_test(tc, a_reference_the_sibling_breaks_is_refused_with_its_path);
	tcase_add_test(tc, an_unloaded_plugin_reads_as_null);
	tcase_add_test(tc, only_plugins_whose_part_changed_validate);
	tcase_add_test(tc, collect_and_actions_see_the_sibling);
	tcase_add_test(tc, views_of_a_set_find_each_other);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tree_plugin_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
