/* Unit tests of the accounts plugin's pure part (plugins/accounts/
 * accounts_files.c): the lines of passwd, shadow, group and gshadow for
 * managed accounts, their merge into the current files (every other line
 * kept as it is), the smbpasswd lines pdbedit imports, and name rules.
 *
 * Run with UPDATE_GOLDEN=1 to rewrite the golden files from the current
 * output (then review the diff). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts_files.h"
#include "unit_golden.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))
#define TODAY 20000

/* alice changes (name, password), bob is new, carol is deleted. */
static const struct acct_user alice = {
	.name = "alice", .uid = 2001, .gid = 100, .gecos = "Alice Liddell",
	.home = "/nonexistent", .shell = "/usr/sbin/nologin",
	.crypt = "$y$j9T$newsalt$newhash", .enabled = true,
};
static const struct acct_user bob = {
	.name = "bob", .uid = 2002, .gid = 2100, .home = "/nonexistent",
	.shell = "/usr/sbin/nologin", .crypt = "$y$j9T$bobsalt$bobhash",
	.enabled = false,
};

static void merge_file(const char *in, const char *golden,
		       struct acct_line *lines, size_t n)
{
	static const char *const removed[] = { "carol" };
	size_t len, out_len;
	char *cur = read_data(in, &len), *out;

	ck_assert_int_eq(acct_merge(cur, len, lines, n, removed, 1, &out,
				    &out_len),
			 0);
	assert_golden(golden, out, out_len);
	for (size_t i = 0; i < n; i++)
		free(lines[i].text);
	free(out);
	free(cur);
}

START_TEST(passwd_merge)
{
	struct acct_line lines[2] = { { .name = "alice" }, { .name = "bob" } };

	ck_assert_int_eq(acct_passwd_line(&alice, &lines[0].text), 0);
	ck_assert_int_eq(acct_passwd_line(&bob, &lines[1].text), 0);
	merge_file("accounts_passwd.in", "accounts_passwd.golden", lines, 2);
}
END_TEST

START_TEST(shadow_merge)
{
	struct acct_line lines[2] = { { .name = "alice" }, { .name = "bob" } };
	size_t len, l;
	char *cur = read_data("accounts_shadow.in", &len);
	const char *old = acct_find_line(cur, len, "alice", &l);

	ck_assert_ptr_nonnull(old);
	ck_assert_int_eq(acct_shadow_line(&alice, old, l, TODAY,
					  &lines[0].text),
			 0);
	ck_assert_int_eq(acct_shadow_line(&bob, NULL, 0, TODAY, &lines[1].text),
			 0);
	free(cur);
	merge_file("accounts_shadow.in", "accounts_shadow.golden", lines, 2);
}
END_TEST

START_TEST(group_merge)
{
	static const char *const staff_members[] = { "alice", "bob" };
	const struct acct_group staff = { .name = "staff", .gid = 2100,
					  .members = staff_members,
					  .n_members = 2 };
	const struct acct_group empty = { .name = "empty", .gid = 2101 };
	struct acct_line g[2] = { { .name = "staff" }, { .name = "empty" } };
	struct acct_line gs[2] = { { .name = "staff" }, { .name = "empty" } };

	ck_assert_int_eq(acct_group_line(&staff, &g[0].text), 0);
	ck_assert_int_eq(acct_group_line(&empty, &g[1].text), 0);
	ck_assert_int_eq(acct_gshadow_line(&staff, &gs[0].text), 0);
	ck_assert_int_eq(acct_gshadow_line(&empty, &gs[1].text), 0);
	ck_assert_str_eq(gs[0].text, "staff:!::alice,bob");
	free(gs[0].text);
	free(gs[1].text);
	merge_file("accounts_group.in", "accounts_group.golden", g, 2);
}
END_TEST

START_TEST(shadow_keeps_the_date_while_the_hash_stays)
{
	const char old[] = "alice:!$y$j9T$s$h:19500:1:90:14:30::";
	struct acct_user u = alice;
	char *line;

	/* Same hash (it was locked): the date of the change stays. */
	u.crypt = "$y$j9T$s$h";
	ck_assert_int_eq(acct_shadow_line(&u, old, strlen(old), TODAY, &line), 0);
	ck_assert_str_eq(line, "alice:$y$j9T$s$h:19500:1:90:14:30::");
	free(line);
	/* Disabled: locked with '!' and expired. */
	u.enabled = false;
	ck_assert_int_eq(acct_shadow_line(&u, old, strlen(old), TODAY, &line), 0);
	ck_assert_str_eq(line, "alice:!$y$j9T$s$h:19500:1:90:14:30:1:");
	free(line);
	/* No password: locked, whatever enabled says. */
	u.enabled = true;
	u.crypt = NULL;
	ck_assert_int_eq(acct_shadow_line(&u, NULL, 0, TODAY, &line), 0);
	ck_assert_str_eq(line, "alice:!:20000:0:99999:7:::");
	free(line);
}
END_TEST

START_TEST(values_that_break_the_files_are_refused)
{
	struct acct_user u = alice;
	static const char *const bad_members[] = { "a,b" };
	struct acct_group g = { .name = "g", .gid = 2000,
				.members = bad_members, .n_members = 1 };
	char *line = NULL;

	u.gecos = "a:b";
	ck_assert_int_eq(acct_passwd_line(&u, &line), -EINVAL);
	u.gecos = "two\nlines";
	ck_assert_int_eq(acct_passwd_line(&u, &line), -EINVAL);
	ck_assert_int_eq(acct_group_line(&g, &line), -EINVAL);
	ck_assert_ptr_null(line);
}
END_TEST

START_TEST(merge_edge_cases)
{
	struct acct_line add = { .name = "new", .text = "new:x:3000:" };
	const char *const removed[] = { "gone" };
	char *out;
	size_t len;

	/* Empty file; no final newline; an entry whose name prefixes
	 * another's is not it. */
	ck_assert_int_eq(acct_merge("", 0, &add, 1, NULL, 0, &out, &len), 0);
	ck_assert_str_eq(out, "new:x:3000:\n");
	free(out);
	ck_assert_int_eq(acct_merge("gone:x:1:\nnewer:x:2:", 20, &add, 1,
				    removed, 1, &out, &len),
			 0);
	ck_assert_str_eq(out, "newer:x:2:\nnew:x:3000:\n");
	ck_assert_uint_eq(len, strlen(out));
	free(out);
}
END_TEST

START_TEST(find_and_fields)
{
	const char text[] = "root:x:0:0:root:/root:/bin/bash\nal:x:5:\nalice:x:2001:100::/:/sh\n";
	char buf[32];
	int64_t v;
	size_t l;
	const char *line = acct_find_line(text, strlen(text), "alice", &l);

	ck_assert_ptr_nonnull(line);
	ck_assert_uint_eq(l, strlen("alice:x:2001:100::/:/sh"));
	ck_assert_int_eq(acct_field(line, l, 4, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(acct_field(line, l, 6, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/sh");
	ck_assert_int_eq(acct_field(line, l, 7, buf, sizeof(buf)), -ENOENT);
	ck_assert_int_eq(acct_field_int(line, l, 2, &v), 0);
	ck_assert_int_eq(v, 2001);
	ck_assert_int_eq(acct_field_int(line, l, 4, &v), -EINVAL);
	ck_assert_ptr_null(acct_find_line(text, strlen(text), "a", &l));
	ck_assert_ptr_nonnull(acct_find_line(text, strlen(text), "al", &l));
	ck_assert_uint_eq(l, strlen("al:x:5:"));
}
END_TEST

START_TEST(smbpasswd_lines)
{
	char *line;

	ck_assert_int_eq(acct_smbpasswd_line("alice", 2001,
					     "8846F7EAEE8FB117AD06BDD830B7586C",
					     true, 0x6B012B04, &line),
			 0);
	ck_assert_str_eq(line, "alice:2001:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:"
			       "8846F7EAEE8FB117AD06BDD830B7586C:"
			       "[U          ]:LCT-6B012B04:");
	free(line);
	/* Disabled, or without a password: imported disabled. */
	ck_assert_int_eq(acct_smbpasswd_line("bob", 2002,
					     "8846F7EAEE8FB117AD06BDD830B7586C",
					     false, 0, &line),
			 0);
	ck_assert_ptr_nonnull(strstr(line, ":[DU         ]:LCT-00000000:"));
	free(line);
	ck_assert_int_eq(acct_smbpasswd_line("carol", 2003, NULL, true, 0, &line),
			 0);
	ck_assert_str_eq(line, "carol:2003:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:"
			       "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:"
			       "[DU         ]:LCT-00000000:");
	free(line);
	ck_assert_int_eq(acct_smbpasswd_line("x", 1, "short", true, 0, &line),
			 -EINVAL);
}
END_TEST

START_TEST(names)
{
	static const char *const good[] = { "alice", "_svc", "a-b_c9",
					    "abcdefghijklmnopqrstuvwxyz012345" };
	static const char *const bad[] = { "", "Alice", "9lives", "-x", "a b",
					   "a:b", "a$", "a.b",
					   "abcdefghijklmnopqrstuvwxyz0123456" };

	for (size_t i = 0; i < LEN(good); i++)
		ck_assert_msg(acct_valid_name(good[i]), "%s", good[i]);
	for (size_t i = 0; i < LEN(bad); i++)
		ck_assert_msg(!acct_valid_name(bad[i]), "%s", bad[i]);
	ck_assert(acct_reserved_name("root"));
	ck_assert(acct_reserved_name("nobody"));
	ck_assert(acct_reserved_name("users"));
	ck_assert(!acct_reserved_name("alice"));
}
END_TEST

static Suite *accounts_suite(void)
{
	Suite *s = suite_create("accounts_files");
	TCase *tc = tcase_create("files");

	tcase_add_test(tc, passwd_merge);
	tcase_add_test(tc, shadow_merge);
	tcase_add_test(tc, group_merge);
	tcase_add_test(tc, shadow_keeps_the_date_while_the_hash_stays);
	tcase_add_test(tc, values_that_break_the_files_are_refused);
	tcase_add_test(tc, merge_edge_cases);
	tcase_add_test(tc, find_and_fields);
	tcase_add_test(tc, smbpasswd_lines);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(accounts_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
