/* Passwords (mgmtd/password.c and MGMTD_A_PASSWORD in types.c): MD4 and
 * the NT hash against published vectors, the stored form, and that the
 * core never keeps clear text. */
#include "config.h"

#include <check.h>
#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "password.h"
#include "schema.h"
#include "types.h"

static void hex(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

START_TEST(md4_matches_rfc_1320)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "31d6cfe0d16ae931b73c59d7e0c089c0" },
		{ "a", "bde52cb31de33e46245e05fbdbd6fb24" },
		{ "abc", "a448017aaf21d8525fc10ae87aa6729d" },
		{ "message digest", "d9130a8164549fe818874806e1c7014b" },
		{ "abcdefghijklmnopqrstuvwxyz",
		  "d79e1c308aa5bbcdeea8ed63df412da9" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "043f8582f241db351ce627e153e7f0e4" },
		{ "1234567890123456789012345678901234567890123456789012345678901234"
		  "5678901234567890",
		  "e33b4ddc9c38f2199c3e7b164fcc0536" },
	};
	uint8_t d[16];
	char h[33];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		password_md4(v[i].in, strlen(v[i].in), d);
		hex(d, 16, h);
		ck_assert_str_eq(h, v[i].out);
	}
}
END_TEST

START_TEST(nt_hash_is_md4_of_utf16le)
{
	char nt[MGMTD_PASSWORD_NT_LEN + 1];

	ck_assert_int_eq(password_nt_hash("password", 8, nt), 0);
	ck_assert_str_eq(nt, "8846F7EAEE8FB117AD06BDD830B7586C");
	ck_assert_int_eq(password_nt_hash("", 0, nt), 0);
	ck_assert_str_eq(nt, "31D6CFE0D16AE931B73C59D7E0C089C0");
	/* Two-byte, and four-byte (a surrogate pair) characters; checked
	 * with openssl dgst -md4 of iconv -t UTF-16LE. */
	ck_assert_int_eq(password_nt_hash("h\xc3\xa9llo\xf0\x9f\x98\x80", 10, nt),
			 0);
	ck_assert_str_eq(nt, "BDCD22F34A9A59C2FA7E5AC088921BF4");
	ck_assert_int_eq(password_nt_hash("\xff", 1, nt), -EINVAL);
	ck_assert_int_eq(password_nt_hash("\xc3", 1, nt), -EINVAL);
}
END_TEST

START_TEST(hash_has_a_crypt_that_verifies_and_the_nt_hash)
{
	char *stored = NULL, crypted[256], nt[40];
	struct crypt_data data = { 0 };

	ck_assert_int_eq(password_hash("Secret-1", 8, &stored), 0);
	ck_assert(mgmtd_password_is_stored(stored));
	ck_assert_ptr_null(strstr(stored, "Secret-1"));
	ck_assert_int_eq(mgmtd_password_crypt(stored, crypted, sizeof(crypted)),
			 0);
	ck_assert_int_eq(crypted[0], '$');
	ck_assert_str_eq(crypt_r("Secret-1", crypted, &data), crypted);
	ck_assert_str_ne(crypt_r("Secret-2", crypted, &data), crypted);
	ck_assert_int_eq(mgmtd_password_nt(stored, nt, sizeof(nt)), 0);
	password_nt_hash("Secret-1", 8, crypted);
	ck_assert_str_eq(nt, crypted);
	ck_assert_int_eq(mgmtd_password_nt(stored, nt, 32), -ENOBUFS);
	ck_assert_int_eq(mgmtd_password_crypt(stored, crypted, 4), -ENOBUFS);
	free(stored);
}
END_TEST

START_TEST(salts_differ)
{
	char *a = NULL, *b = NULL;

	ck_assert_int_eq(password_hash("same", 4, &a), 0);
	ck_assert_int_eq(password_hash("same", 4, &b), 0);
	ck_assert_str_ne(a, b);
	free(a);
	free(b);
}
END_TEST

START_TEST(stored_form_is_recognised_strictly)
{
	static const char *const bad[] = {
		"", "Secret-1", "$y$abc", "$y$j9T$salt$hash",
		"$y$j9T$salt$hash:8846F7EAEE8FB117AD06BDD830B7586",
		"$y$j9T$salt$hash:8846f7eaee8fb117ad06bdd830b7586c",
		"$y$j9T$salt$hash:8846F7EAEE8FB117AD06BDD830B7586CX",
		"y$j9T$salt$hash:8846F7EAEE8FB117AD06BDD830B7586C",
		"$y$j9 T$salt$hash:8846F7EAEE8FB117AD06BDD830B7586C",
	};
	char buf[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(!mgmtd_password_is_stored(bad[i]), "%s", bad[i]);
		ck_assert_int_eq(mgmtd_password_crypt(bad[i], buf, sizeof(buf)),
				 -EINVAL);
	}
	ck_assert(mgmtd_password_is_stored(
		"$6$rounds=5000$salt$hash:8846F7EAEE8FB117AD06BDD830B7586C"));
	ck_assert(!mgmtd_password_is_stored(NULL));
}
END_TEST

static const struct mgmtd_attr pw_attr = {
	.name = "password", .type = MGMTD_T_SECRET,
	.flags = MGMTD_A_CONFIG | MGMTD_A_PASSWORD, .snmp_column = 1,
	.description = "d", .min = 4, .max = 16,
};

START_TEST(types_hash_clear_text_and_keep_hashes)
{
	json_t *in = json_string("Secret-1"), *out = NULL, *again = NULL;
	char msg[256];

	ck_assert_int_eq(types_normalize_scalar(&pw_attr, in, &out, msg,
						sizeof(msg)),
			 0);
	ck_assert(mgmtd_password_is_stored(json_string_value(out)));
	/* Normalising the stored form again keeps it: a config read back
	 * stays the same. */
	ck_assert_int_eq(types_normalize_scalar(&pw_attr, out, &again, msg,
						sizeof(msg)),
			 0);
	ck_assert_str_eq(json_string_value(again), json_string_value(out));
	json_decref(in);
	json_decref(out);
	json_decref(again);
}
END_TEST

START_TEST(types_check_length_on_clear_text_only)
{
	json_t *shorty = json_string("abc"), *longer = json_string(
		"0123456789abcdefX"), *out = NULL;
	char msg[256];

	ck_assert_int_eq(types_normalize_scalar(&pw_attr, shorty, &out, msg,
						sizeof(msg)),
			 -EINVAL);
	ck_assert_ptr_null(strstr(msg, "abc"));
	ck_assert_int_eq(types_normalize_scalar(&pw_attr, longer, &out, msg,
						sizeof(msg)),
			 -EINVAL);
	ck_assert_ptr_null(out);
	json_decref(shorty);
	json_decref(longer);
}
END_TEST

START_TEST(schema_takes_the_flag_on_single_secrets_only)
{
	static const struct mgmtd_attr on_string[] = {
		{ .name = "p", .type = MGMTD_T_STRING,
		  .flags = MGMTD_A_CONFIG | MGMTD_A_PASSWORD, .snmp_column = 1,
		  .description = "d" },
		{ .name = NULL },
	};
	static const struct mgmtd_class cls = {
		.name = "c", .kind = MGMTD_SINGLETON, .snmp_table = 1,
		.description = "d", .attrs = on_string,
	};
	static const struct mgmtd_class *const classes[] = { &cls, NULL };
	static const struct mgmtd_plugin p = {
		.abi = MGMTD_PLUGIN_ABI, .name = "pw", .version = "0",
		.description = "d", .mib_arc = 99, .classes = classes,
	};
	struct schema s = { 0 };
	char msg[256];

	ck_assert_int_lt(schema_add_plugin(&s, &p, msg, sizeof(msg)), 0);
	ck_assert_ptr_nonnull(strstr(msg, "password"));
	schema_fini(&s);
}
END_TEST

static Suite *password_suite(void)
{
	Suite *s = suite_create("password");
	TCase *tc = tcase_create("hashes");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, md4_matches_rfc_1320);
	tcase_add_test(tc, nt_hash_is_md4_of_utf16le);
	tcase_add_test(tc, hash_has_a_crypt_that_verifies_and_the_nt_hash);
	tcase_add_test(tc, salts_differ);
	tcase_add_test(tc, stored_form_is_recognised_strictly);
	tcase_add_test(tc, types_hash_clear_text_and_keep_hashes);
	tcase_add_test(tc, types_check_length_on_clear_text_only);
	tcase_add_test(tc, schema_takes_the_flag_on_single_secrets_only);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(password_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
