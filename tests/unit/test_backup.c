/* Configuration backups: the document a core builds passes its own check
 * (also after a round trip through text); a changed byte, a wrong format
 * or a malformed history is refused with a reason; the routes are
 * admin-only. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "rest_internal.h"
#include "unit_util.h"

static char *dir;
static struct core *core;
static json_t *doc;
static char msg[256];

static void setup(void)
{
	dir = unit_tmpdir();
	core = unit_core_start(dir, "testa");
	doc = backup_make(core);
	ck_assert_ptr_nonnull(doc);
}

static void teardown(void)
{
	json_decref(doc);
	unit_core_stop(core);
	unit_rmdir(dir);
}

START_TEST(made_backup_checks)
{
	char *text;
	json_t *back;

	ck_assert_str_eq(json_string_value(json_object_get(doc, "format")),
			 BACKUP_FORMAT);
	ck_assert(json_is_object(json_object_get(doc, "config")));
	ck_assert(json_is_array(json_object_get(doc, "history")));
	ck_assert_int_eq(backup_check(doc, msg, sizeof(msg)), 0);
	/* What a client stores and sends back, indented or not. */
	text = json_dumps(doc, JSON_INDENT(2));
	back = json_loads(text, 0, NULL);
	free(text);
	ck_assert_int_eq(backup_check(back, msg, sizeof(msg)), 0);
	json_decref(back);
}
END_TEST

START_TEST(changed_byte_refused)
{
	json_object_set_new(doc, "current",
			    json_integer(json_integer_value(
						 json_object_get(doc, "current")) +
					 1));
	ck_assert_int_eq(backup_check(doc, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "checksum mismatch"));
}
END_TEST

START_TEST(changed_sum_refused)
{
	char sum[65];

	snprintf(sum, sizeof(sum), "%s",
		 json_string_value(json_object_get(doc, "sha256")));
	sum[10] = sum[10] == '0' ? '1' : '0';
	json_object_set_new(doc, "sha256", json_string(sum));
	ck_assert_int_eq(backup_check(doc, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "checksum mismatch"));
}
END_TEST

/* Structure is checked before the checksum: a resealed bad document is
 * refused too. */
static void reseal(void)
{
	char hex[65];

	ck_assert_int_eq(backup_digest(doc, hex), 0);
	json_object_set_new(doc, "sha256", json_string(hex));
}

START_TEST(structure_refused)
{
	json_object_set_new(doc, "format", json_string("tarball"));
	reseal();
	ck_assert_int_eq(backup_check(doc, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "format"));

	json_object_set_new(doc, "format", json_string(BACKUP_FORMAT));
	json_object_set_new(doc, "version", json_integer(2));
	reseal();
	ck_assert_int_eq(backup_check(doc, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "version"));

	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "config", json_string("x"));
	reseal();
	ck_assert_int_eq(backup_check(doc, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "config"));

	json_object_set_new(doc, "config", json_object());
	json_object_set_new(doc, "history",
			    json_pack("[{s:i, s:{}}, {s:s}]", "version", 1,
				      "config", "version", "x"));
	reseal();
	ck_assert_int_eq(backup_check(doc, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "history[1].version"));

	json_object_del(doc, "sha256");
	ck_assert_int_eq(backup_check(doc, msg, sizeof(msg)), -EINVAL);
	ck_assert_int_eq(backup_check(json_null(), msg, sizeof(msg)), -EINVAL);
}
END_TEST

START_TEST(routes_admin_only)
{
	struct rest_route rt;

	rest_route_parse(&core->schema, "/api/v1/config/backup", REST_GET,
			 &rt);
	ck_assert_int_eq(rt.kind, RT_BACKUP);
	ck_assert(!(rt.methods & REST_POST));
	ck_assert_int_eq(rest_required_role(&rt, REST_GET), AUTH_ROLE_ADMIN);
	rest_route_parse(&core->schema, "/api/v1/config/restore", REST_POST,
			 &rt);
	ck_assert_int_eq(rt.kind, RT_RESTORE);
	ck_assert(!(rt.methods & REST_GET));
	ck_assert_int_eq(rest_required_role(&rt, REST_POST), AUTH_ROLE_ADMIN);
}
END_TEST

static Suite *backup_suite(void)
{
	Suite *s = suite_create("backup");
	TCase *tc = tcase_create("backup");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, made_backup_checks);
	tcase_add_test(tc, changed_byte_refused);
	tcase_add_test(tc, changed_sum_refused);
	tcase_add_test(tc, structure_refused);
	tcase_add_test(tc, routes_admin_only);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(backup_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
