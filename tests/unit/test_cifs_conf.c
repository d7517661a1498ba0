/* Unit tests of the CIFS plugin's pure parts: smb.conf rendering
 * (plugins/cifs/cifs_conf.c) against golden files, the rules for share
 * names and extra parameters, reading testparm's complaints, and parsing
 * smbstatus --json (plugins/cifs/cifs_status.c) from outputs recorded
 * from Samba 4.17.
 *
 * Run with UPDATE_GOLDEN=1 to rewrite the golden files from the current
 * output (then review the diff). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cifs_conf.h"
#include "cifs_status.h"
#include "unit_golden.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))
#define LIST(...)                                                  \
	((struct cifs_list){ (const char *const[]){ __VA_ARGS__ },    \
			     LEN(((const char *const[]){ __VA_ARGS__ })) })

static const struct cifs_dirs dirs = {
	.lock = "/srv/samba/lock",
	.state = "/srv/samba/state",
	.cache = "/srv/samba/cache",
	.pid = "/srv/samba/run",
	.private_dir = "/srv/samba/private",
	.ncalrpc = "/srv/samba/ncalrpc",
	.log = "/srv/samba/log",
};

/* ------------------------------------------------------------------ */
/* Rendering */

START_TEST(render_minimal)
{
	struct cifs_server_conf s = { .port = 445, .log_level = -1 };
	char *out;
	size_t len;

	ck_assert_int_eq(cifs_render(&s, &dirs, NULL, 0, &out, &len), 0);
	assert_golden("cifs_smb_conf_minimal.golden", out, len);
	free(out);
}
END_TEST

START_TEST(render_full)
{
	struct cifs_server_conf s = {
		.workgroup = "EXAMPLE",
		.netbios_name = "NAS1",
		.server_string = "Storage appliance",
		.role = "standalone",
		.interfaces = LIST("127.0.0.1", "eth0"),
		.bind_interfaces_only = true,
		.port = 1445,
		.min_protocol = "SMB2_10",
		.max_protocol = "SMB3_11",
		.smb_encryption = "desired",
		.guest_account = "guest",
		.log_level = 3,
		.extra = LIST("server signing = mandatory", "Unix   Extensions=no"),
		.map_to_guest = true,
	};
	struct cifs_share_conf shares[] = {
		{
			.name = "public",
			.path = "/srv/public",
			.comment = "Everyone's files",
			.enabled = true,
			.browseable = true,
			.read_only = true,
			.guest_ok = true,
			.hosts_allow = LIST("192.0.2.0/24", "127.0.0.1"),
			.hosts_deny = LIST("192.0.2.66"),
		},
		{
			.name = "Team Docs",
			.path = "/srv/team docs",
			.enabled = false,
			.browseable = false,
			.read_only = false,
			.valid_users = LIST("alice", "bob"),
			.valid_groups = LIST("staff"),
			.read_list = LIST("carol", "@auditors"),
			.write_list = LIST("alice"),
			.admin_users = LIST("@admins"),
			.create_mask = "0660",
			.directory_mask = "0770",
			.force_user = "alice",
			.force_group = "staff",
			.inherit_acls = true,
			.recycle_bin = true,
			.hidden_files = LIST("*.tmp", "desktop.ini"),
			.extra = LIST("oplocks = no", "veto files = /.DS_Store/"),
		},
	};
	char *out;
	size_t len;

	ck_assert_int_eq(cifs_render(&s, &dirs, shares, LEN(shares), &out, &len),
			 0);
	assert_golden("cifs_smb_conf_full.golden", out, len);
	free(out);
}
END_TEST

START_TEST(render_refuses_what_would_continue_a_line)
{
	struct cifs_server_conf s = { .port = 445, .log_level = -1,
				      .server_string = "ends with \\" };
	struct cifs_share_conf sh = { .name = "x", .path = "/x",
				      .comment = "two\nlines" };
	char *out = NULL;
	size_t len;

	ck_assert_int_eq(cifs_render(&s, &dirs, NULL, 0, &out, &len), -EINVAL);
	s.server_string = NULL;
	ck_assert_int_eq(cifs_render(&s, &dirs, &sh, 1, &out, &len), -EINVAL);
	ck_assert_ptr_null(out);
}
END_TEST

START_TEST(render_1000_shares)
{
	struct cifs_server_conf s = { .port = 445, .log_level = -1 };
	struct cifs_share_conf *sh = calloc(1000, sizeof(*sh));
	char names[1000][16], *out;
	size_t len;

	for (int i = 0; i < 1000; i++) {
		snprintf(names[i], sizeof(names[i]), "share%d", i);
		sh[i] = (struct cifs_share_conf){ .name = names[i],
						  .path = "/srv",
						  .enabled = true };
	}
	ck_assert_int_eq(cifs_render(&s, &dirs, sh, 1000, &out, &len), 0);
	ck_assert_ptr_nonnull(strstr(out, "\n[share999]\n\tpath = /srv\n"));
	free(out);
	free(sh);
}
END_TEST

START_TEST(render_changes_only_what_testparm_must_see)
{
	struct cifs_server_conf s = { .port = 445, .log_level = -1 };
	struct cifs_server_conf s2 = s;
	struct cifs_share_conf run[] = {
		{ .name = "a", .path = "/a", .enabled = true },
		{ .name = "b", .path = "/b", .enabled = true },
		{ .name = "gone", .path = "/g", .enabled = true },
	};
	struct cifs_share_conf cand[] = {
		{ .name = "b", .path = "/b", .enabled = true, .comment = "new" },
		{ .name = "a", .path = "/a", .enabled = true },
		{ .name = "c", .path = "/c", .enabled = true },
	};
	size_t len, n;
	bool global;
	char *out;

	ck_assert_int_eq(cifs_render_changes(&s, &dirs, cand, 3, &s, run, 3,
					     &out, &len, &n, &global),
			 0);
	ck_assert(!global);
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_nonnull(strstr(out, "[global]\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n[b]\n\tpath = /b\n\tcomment = new\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n[c]\n"));
	ck_assert_ptr_null(strstr(out, "[a]"));
	ck_assert_ptr_null(strstr(out, "[gone]"));
	free(out);
	/* Nothing changed: [global] alone. */
	ck_assert_int_eq(cifs_render_changes(&s, &dirs, run, 3, &s, run, 3,
					     &out, &len, &n, &global),
			 0);
	ck_assert_uint_eq(n, 0);
	free(out);
	/* [global] changed, or at start: all of it. */
	s2.workgroup = "OTHER";
	ck_assert_int_eq(cifs_render_changes(&s2, &dirs, cand, 3, &s, run, 3,
					     &out, &len, &n, &global),
			 0);
	ck_assert(global);
	ck_assert_uint_eq(n, 3);
	ck_assert_ptr_nonnull(strstr(out, "[a]"));
	free(out);
	ck_assert_int_eq(cifs_render_changes(&s, &dirs, cand, 3, NULL, NULL, 0,
					     &out, &len, &n, &global),
			 0);
	ck_assert(global);
	ck_assert_uint_eq(n, 3);
	free(out);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Rules */

START_TEST(share_names)
{
	static const char *const good[] = { "public", "Team Docs", "a",
					    "hidden$", "x.y-z_(1)" };
	static const char *const bad[] = { "global", "HOMES", "printers",
					   "IPC$", "print$", "a/b", "a\\b",
					   "a:b", "a%b", " lead", "trail ",
					   "", "a[b]", "a,b", "a=b" };
	char big[82];

	for (size_t i = 0; i < LEN(good); i++)
		ck_assert_msg(!cifs_share_name_problem(good[i]), "%s", good[i]);
	for (size_t i = 0; i < LEN(bad); i++)
		ck_assert_msg(cifs_share_name_problem(bad[i]), "%s", bad[i]);
	memset(big, 'a', 81);
	big[81] = '\0';
	ck_assert_ptr_nonnull(cifs_share_name_problem(big));
	big[80] = '\0';
	ck_assert_ptr_null(cifs_share_name_problem(big));
}
END_TEST

START_TEST(extra_parameters_parse)
{
	char name[CIFS_PARAM_NAME_MAX + 1];
	const char *value;

	ck_assert_ptr_null(cifs_extra_parse("  Unix   Extensions=no", name,
					    &value));
	ck_assert_str_eq(name, "unix extensions");
	ck_assert_str_eq(value, "no");
	ck_assert_ptr_null(cifs_extra_parse("recycle:repository = .bin", name,
					    &value));
	ck_assert_str_eq(name, "recycle:repository");
	ck_assert_str_eq(value, ".bin");
	ck_assert_ptr_null(cifs_extra_parse("comment =", name, &value));
	ck_assert_str_eq(value, "");
	ck_assert_ptr_nonnull(cifs_extra_parse("no equals", name, &value));
	ck_assert_ptr_nonnull(cifs_extra_parse(" = x", name, &value));
	ck_assert_ptr_nonnull(cifs_extra_parse("a[b] = x", name, &value));
}
END_TEST

START_TEST(extra_parameters_mgmtd_owns_are_refused)
{
	const char *instead;

	ck_assert(cifs_extra_refused("include", false, &instead));
	ck_assert_ptr_null(instead);
	ck_assert(cifs_extra_refused("include", true, &instead));
	ck_assert(cifs_extra_refused("smb ports", true, &instead));
	ck_assert_str_eq(instead, "the attribute port");
	ck_assert(cifs_extra_refused("bindinterfaces_only", true, &instead));
	ck_assert(cifs_extra_refused("read only", false, &instead));
	ck_assert_str_eq(instead, "the attribute read_only");
	ck_assert(cifs_extra_refused("writeable", false, &instead));
	ck_assert(cifs_extra_refused("private directory", true, &instead));
	/* Share parameters are not global ones, and the other way round. */
	ck_assert(!cifs_extra_refused("read only", true, &instead));
	ck_assert(!cifs_extra_refused("smb ports", false, &instead));
	ck_assert(!cifs_extra_refused("oplocks", false, &instead));
	ck_assert(!cifs_extra_refused("server signing", true, &instead));
	ck_assert(cifs_param_same("Bind Interfaces_Only", "bindinterfacesonly"));
	ck_assert(!cifs_param_same("bind", "bind interfaces"));
}
END_TEST

START_TEST(testparm_complaints)
{
	char name[64], value[64];

	ck_assert(cifs_testparm_param(
		"Load smb config files from x\n"
		"Unknown parameter encountered: \"frobnicate\"\n"
		"Ignoring unknown parameter \"frobnicate\"\n",
		name, sizeof(name)));
	ck_assert_str_eq(name, "frobnicate");
	ck_assert(cifs_testparm_param(
		"WARNING: Ignoring invalid value 'SMB9' for parameter "
		"'server min protocol'\nError loading services.\n",
		name, sizeof(name)));
	ck_assert_str_eq(name, "server min protocol");
	ck_assert(cifs_testparm_value(
		"WARNING: Ignoring invalid value 'SMB9' for parameter 'x'\n",
		value, sizeof(value)));
	ck_assert_str_eq(value, "SMB9");
	ck_assert(cifs_testparm_value(
		"set_variable_helper(maybe): value is not boolean!\n", value,
		sizeof(value)));
	ck_assert_str_eq(value, "maybe");
	ck_assert(!cifs_testparm_param("Loaded services file OK.\n", name,
				       sizeof(name)));
	ck_assert(!cifs_testparm_value(NULL, value, sizeof(value)));
	/* Samba ignores an unknown share parameter and exits 0. */
	ck_assert(cifs_testparm_rejects(0, "Unknown parameter encountered: "
					   "\"x\"\n"));
	ck_assert(cifs_testparm_rejects(1, ""));
	ck_assert(!cifs_testparm_rejects(0, "Load smb config files from x\n"
					    "Loaded services file OK.\n"));
}
END_TEST

/* ------------------------------------------------------------------ */
/* smbstatus --json */

static void dump_status(const struct cifs_status *st, char **out,
			size_t *len)
{
	FILE *f = open_memstream(out, len);

	fprintf(f, "version %s\n", st->version);
	for (size_t i = 0; i < st->n_sessions; i++) {
		const struct cifs_session *x = &st->sessions[i];
		fprintf(f, "session %s user=%s group=%s machine=%s address=%s "
			   "protocol=%s encryption=%s signing=%s pid=%lld "
			   "uid=%lld gid=%lld\n",
			x->id, x->user, x->group, x->remote_machine, x->address,
			x->protocol, x->encryption, x->signing,
			(long long)x->pid, (long long)x->uid, (long long)x->gid);
	}
	for (size_t i = 0; i < st->n_tcons; i++) {
		const struct cifs_tcon *x = &st->tcons[i];
		fprintf(f, "tcon %s share=%s machine=%s session=%s at=%s "
			   "encryption=%s signing=%s pid=%lld\n",
			x->id, x->share, x->machine, x->session_id,
			x->connected_at, x->encryption, x->signing,
			(long long)x->pid);
	}
	for (size_t i = 0; i < st->n_opens; i++) {
		const struct cifs_open *x = &st->opens[i];
		fprintf(f, "open %s path=%s file=%s access=%s sharemode=%s "
			   "oplock=%s at=%s pid=%lld uid=%lld\n",
			x->id, x->share_path, x->filename, x->access,
			x->share_mode, x->oplock, x->opened_at,
			(long long)x->pid, (long long)x->uid);
	}
	fclose(f);
}

static void check_status(const char *input, const char *golden)
{
	struct cifs_status st;
	size_t len, dlen;
	char *text = read_data(input, &len), *dump;

	ck_assert_int_eq(cifs_status_parse(text, len, &st), 0);
	dump_status(&st, &dump, &dlen);
	assert_golden(golden, dump, dlen);
	free(dump);
	cifs_status_fini(&st);
	free(text);
}

START_TEST(smbstatus_busy)
{
	check_status("cifs_smbstatus_busy.json", "cifs_smbstatus_busy.golden");
}
END_TEST

START_TEST(smbstatus_idle)
{
	check_status("cifs_smbstatus_idle.json", "cifs_smbstatus_idle.golden");
}
END_TEST

START_TEST(smbstatus_garbage_and_gaps)
{
	static const char gaps[] =
		"{\"sessions\": {\"7\": {}}, \"tcons\": {\"9\": {\"service\": "
		"\"s\", \"server_id\": {\"pid\": 42}}}}";
	struct cifs_status st;

	ck_assert_int_eq(cifs_status_parse("not json", 8, &st), -EINVAL);
	cifs_status_fini(&st);
	ck_assert_int_eq(cifs_status_parse("[]", 2, &st), -EINVAL);
	cifs_status_fini(&st);
	/* Members missing read as empty; numbers may be integers. */
	ck_assert_int_eq(cifs_status_parse(gaps, strlen(gaps), &st), 0);
	ck_assert_uint_eq(st.n_sessions, 1);
	ck_assert_str_eq(st.sessions[0].user, "");
	ck_assert_str_eq(st.sessions[0].encryption, "none");
	ck_assert_uint_eq(st.n_tcons, 1);
	ck_assert_int_eq(st.tcons[0].pid, 42);
	ck_assert_uint_eq(st.n_opens, 0);
	ck_assert_str_eq(st.version, "");
	cifs_status_fini(&st);
}
END_TEST

static Suite *cifs_suite(void)
{
	Suite *s = suite_create("cifs_conf");
	TCase *tc = tcase_create("render");

	tcase_add_test(tc, render_minimal);
	tcase_add_test(tc, render_full);
	tcase_add_test(tc, render_refuses_what_would_continue_a_line);
	tcase_add_test(tc, render_1000_shares);
	tcase_add_test(tc, render_changes_only_what_testparm_must_see);
	suite_add_tcase(s, tc);
	tc = tcase_create("rules");
	tcase_add_test(tc, share_names);
	tcase_add_test(tc, extra_parameters_parse);
	tcase_add_test(tc, extra_parameters_mgmtd_owns_are_refused);
	tcase_add_test(tc, testparm_complaints);
	suite_add_tcase(s, tc);
	tc = tcase_create("smbstatus");
	tcase_add_test(tc, smbstatus_busy);
	tcase_add_test(tc, smbstatus_idle);
	tcase_add_test(tc, smbstatus_garbage_and_gaps);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cifs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
