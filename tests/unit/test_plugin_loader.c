/* The loader trusts only plugins of its ABI with a sound description, and
 * keeps running with the others when one is refused. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_loader.h"
#include "unit_util.h"

static char *dir;
static struct core *core;

static void setup(void)
{
	dir = unit_tmpdir();
	core = unit_core_start(dir, "testa");
}

static void teardown(void)
{
	unit_core_stop(core);
	unit_rmdir(dir);
}

static int load(const char *name, char *msg, size_t len)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s.so", TEST_PLUGIN_DIR, name);
	msg[0] = '\0';
	return plugin_load_file(core, path, msg, len);
}

START_TEST(good_plugin_is_loaded_and_registered)
{
	ck_assert_uint_eq(core->n_plugins, 1);
	ck_assert_ptr_nonnull(plugin_find(core, "testa"));
	ck_assert_ptr_nonnull(schema_plugin_find(&core->schema, "testa"));
}
END_TEST

START_TEST(plugin_of_another_abi_is_refused)
{
	char msg[512];

	ck_assert_int_eq(load("badabi", msg, sizeof(msg)), -EPROTO);
	ck_assert_msg(strstr(msg, "ABI") != NULL, "message: %s", msg);
	ck_assert_ptr_null(plugin_find(core, "badabi"));
	ck_assert_uint_eq(core->n_plugins, 1);
}
END_TEST

START_TEST(plugin_without_descriptor_is_refused)
{
	char msg[512];

	ck_assert_int_eq(load("nosym", msg, sizeof(msg)), -ENOEXEC);
	ck_assert_msg(strstr(msg, "mgmtd_plugin") != NULL, "message: %s", msg);
	ck_assert_uint_eq(core->n_plugins, 1);
}
END_TEST

START_TEST(duplicate_name_is_refused)
{
	char msg[512];

	ck_assert_int_eq(load("testdup", msg, sizeof(msg)), -EEXIST);
	ck_assert_msg(strstr(msg, "duplicate") != NULL, "message: %s", msg);
	ck_assert_uint_eq(core->n_plugins, 1);
	ck_assert_uint_eq(core->schema.n_plugins, 1);
}
END_TEST

START_TEST(missing_file_is_refused)
{
	char msg[512];

	ck_assert_int_eq(load("nonexistent", msg, sizeof(msg)), -ENOEXEC);
	ck_assert(msg[0] != '\0');
}
END_TEST

static int count_record(const struct journal_record *r, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

START_TEST(refusals_at_start_are_events_and_the_rest_loads)
{
	struct journal_query q = { .max_severity = MGMTD_SEV_ERR, .limit = 10 };
	int n, seen = 0;

	unit_core_stop(core);
	core = unit_core_start(dir, "badabi,testa,nosym,testb");
	ck_assert_uint_eq(core->n_plugins, 2);
	ck_assert_ptr_nonnull(plugin_find(core, "testb"));
	n = journal_query(core->events, &q, count_record, &seen);
	ck_assert_int_ge(n, 2);
	ck_assert_int_eq(n, seen);
}
END_TEST

static Suite *loader_suite(void)
{
	Suite *s = suite_create("plugin_loader");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, good_plugin_is_loaded_and_registered);
	tcase_add_test(tc, plugin_of_another_abi_is_refused);
	tcase_add_test(tc, plugin_without_descriptor_is_refused);
	tcase_add_test(tc, duplicate_name_is_refused);
	tcase_add_test(tc, missing_file_is_refused);
	tcase_add_test(tc, refusals_at_start_are_events_and_the_rest_loads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(loader_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
