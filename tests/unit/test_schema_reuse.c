/* Unit tests for mgmtd/schema_reuse.c (incremental normalisation) and
 * tree_copy_groups: normalising a candidate with the running tree gives
 * exactly what normalising it from scratch gives (values, order, errors),
 * while objects equal to running ones are shared, not rebuilt. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "password.h"
#include "schema.h"
#include "tree.h"
#include "unit_frozen.h"
#include "unit_json.h"

#define CFG MGMTD_A_CONFIG

/* Users: a password hashed during normalisation, defaults of each kind. */
static const struct mgmtd_attr users_attrs[] = {
	{ .name = "name", .type = MGMTD_T_STRING, .flags = MGMTD_A_KEY | CFG,
	  .snmp_column = 2, .description = "Key", .min = 1, .max = 32 },
	{ .name = "password", .type = MGMTD_T_SECRET,
	  .flags = CFG | MGMTD_A_PASSWORD, .snmp_column = 3,
	  .description = "Password" },
	{ .name = "shell", .type = MGMTD_T_PATH, .flags = CFG,
	  .snmp_column = 4, .description = "Shell", .default_value = "/bin/sh" },
	{ .name = "groups", .type = MGMTD_T_STRING, .flags = CFG | MGMTD_A_LIST,
	  .snmp_column = 5, .description = "Groups", .default_value = "users" },
	{ .name = "home", .type = MGMTD_T_HOSTNAME, .flags = CFG,
	  .snmp_column = 6, .description = "Home server" },
	{ .name = NULL },
};
/* Keyed by an integer, with a size default. */
static const struct mgmtd_attr ports_attrs[] = {
	{ .name = "number", .type = MGMTD_T_INT, .flags = MGMTD_A_KEY | CFG,
	  .snmp_column = 2, .description = "Key", .min = 1, .max = 65535 },
	{ .name = "buffer", .type = MGMTD_T_SIZE, .flags = CFG,
	  .snmp_column = 3, .description = "Buffer", .default_value = "64K" },
	{ .name = NULL },
};
static const struct mgmtd_attr site_attrs[] = {
	{ .name = "domain", .type = MGMTD_T_HOSTNAME, .flags = CFG,
	  .snmp_column = 1, .description = "Domain",
	  .default_value = "example.com" },
	{ .name = "secret", .type = MGMTD_T_SECRET,
	  .flags = CFG | MGMTD_A_PASSWORD, .snmp_column = 2,
	  .description = "Secret" },
	{ .name = NULL },
};
static const struct mgmtd_class users_class = {
	.name = "users", .kind = MGMTD_COLLECTION, .snmp_table = 1,
	.description = "Users", .attrs = users_attrs, .max_objects = 100,
};
static const struct mgmtd_class ports_class = {
	.name = "ports", .kind = MGMTD_COLLECTION, .snmp_table = 2,
	.description = "Ports", .attrs = ports_attrs,
};
static const struct mgmtd_class site_class = {
	.name = "site", .kind = MGMTD_SINGLETON, .snmp_table = 3,
	.description = "Site", .attrs = site_attrs,
};
static const struct mgmtd_class *const classes[] = { &users_class,
						     &ports_class, &site_class,
						     NULL };
static const struct mgmtd_plugin plugin = {
	.abi = MGMTD_PLUGIN_ABI, .name = "t", .version = "1",
	.description = "Reuse", .mib_arc = 711, .classes = classes,
};

/* The same classes with another default: a candidate's object that omits
 * the attribute must get the new one, never the running value. */
static struct mgmtd_attr users2_attrs[sizeof(users_attrs) /
				      sizeof(users_attrs[0])];
static struct mgmtd_class users2_class;
static const struct mgmtd_class *classes2[4];
static struct mgmtd_plugin plugin2;

static struct schema sch, sch2;
static char *stored_pw; /* a stored form of "secret1" */

static void setup(void)
{
	char msg[256] = "";

	sch = (struct schema){ 0 };
	ck_assert_msg(schema_add_plugin(&sch, &plugin, msg, sizeof(msg)) == 0,
		      "refused: %s", msg);
	memcpy(users2_attrs, users_attrs, sizeof(users_attrs));
	users2_attrs[2].default_value = "/bin/bash";
	users2_class = users_class;
	users2_class.attrs = users2_attrs;
	classes2[0] = &users2_class;
	classes2[1] = &ports_class;
	classes2[2] = &site_class;
	classes2[3] = NULL;
	plugin2 = plugin;
	plugin2.classes = classes2;
	sch2 = (struct schema){ 0 };
	ck_assert_msg(schema_add_plugin(&sch2, &plugin2, msg, sizeof(msg)) == 0,
		      "refused: %s", msg);
	ck_assert_int_eq(password_hash("secret1", 7, &stored_pw), 0);
}

static void teardown(void)
{
	schema_fini(&sch);
	schema_fini(&sch2);
	free(stored_pw);
}

/* ------------------------------------------------------------------ */
/* Comparing                                                           */

static bool is_password(const char *name)
{
	return strcmp(name, "password") == 0 || strcmp(name, "secret") == 0;
}

/* a and b are the same canonical object, but for passwords hashed from
 * clear text (a random salt each time): there both must be stored forms,
 * and equal whenever the candidate held the stored form already. */
static void same_object(json_t *a, json_t *b, json_t *given)
{
	const char *k;
	json_t *va;

	ck_assert_uint_eq(json_object_size(a), json_object_size(b));
	json_object_foreach(a, k, va) {
		json_t *vb = json_object_get(b, k);
		json_t *g = json_is_object(given) ? json_object_get(given, k)
						  : NULL;
		ck_assert_msg(vb != NULL, "attribute %s missing", k);
		if (!is_password(k) ||
		    (json_is_string(g) &&
		     mgmtd_password_is_stored(json_string_value(g)))) {
			ck_assert_msg(json_equal(va, vb), "attribute %s differs",
				      k);
			continue;
		}
		ck_assert(mgmtd_password_is_stored(json_string_value(va)));
		ck_assert(mgmtd_password_is_stored(json_string_value(vb)));
	}
}

/* Whole trees of plugin "t", in order. */
static void same_tree(json_t *a, json_t *b, json_t *cand)
{
	json_t *pa = json_object_get(a, "t"), *pb = json_object_get(b, "t");
	json_t *pc = json_object_get(cand, "t");
	const char *cls;
	json_t *va;

	ck_assert_uint_eq(json_object_size(a), json_object_size(b));
	ck_assert_uint_eq(json_object_size(pa), json_object_size(pb));
	json_object_foreach(pa, cls, va) {
		json_t *vb = json_object_get(pb, cls);
		json_t *vc = json_object_get(pc, cls);
		size_t i;
		json_t *item;

		if (json_is_object(va)) {
			same_object(va, vb, vc);
			continue;
		}
		ck_assert_uint_eq(json_array_size(va), json_array_size(vb));
		json_array_foreach(va, i, item)
			same_object(item, json_array_get(vb, i),
				    json_array_get(vc, i));
	}
}

static void same_errors(const struct mgmtd_err *a, const struct mgmtd_err *b)
{
	ck_assert_uint_eq(a->count, b->count);
	ck_assert_uint_eq(a->dropped, b->dropped);
	for (unsigned i = 0; i < a->count; i++) {
		ck_assert_int_eq(a->items[i].code, b->items[i].code);
		ck_assert_str_eq(a->items[i].path, b->items[i].path);
		ck_assert_str_eq(a->items[i].message, b->items[i].message);
	}
}

/* Normalise cand from scratch and with run under s; both ways must agree
 * on the outcome, the tree and every error.  Returns the incremental
 * result (owned) or NULL when refused. */
static json_t *check_both(const struct schema *s, json_t *cand, json_t *run)
{
	static struct mgmtd_err ea, eb;
	json_t *a = NULL, *b = NULL;
	int ra, rb;

	ea = (struct mgmtd_err){ 0 };
	eb = (struct mgmtd_err){ 0 };
	ra = schema_normalize_tree(s, cand, &a, &ea);
	rb = schema_normalize_tree_from(s, cand, run, &b, &eb);
	ck_assert_int_eq(ra, rb);
	same_errors(&ea, &eb);
	if (ra < 0)
		return NULL;
	same_tree(a, b, cand);
	json_decref(a);
	return b;
}

/* diff_trees skips what both trees share: it must find what it finds on
 * copies that share nothing. */
static void same_diff(json_t *run, json_t *cand)
{
	json_t *ra = json_deep_copy(run), *ca = json_deep_copy(cand);
	json_t *fast = diff_trees(&sch, run, cand), *slow = diff_trees(&sch, ra, ca);
	char *f = dump(fast), *w = dump(slow);

	ck_assert_msg(strcmp(f, w) == 0, "got  %s\nwant %s", f, w);
	free(f);
	free(w);
	json_decref(fast);
	json_decref(slow);
	json_decref(ra);
	json_decref(ca);
}

/* The running tree: canonical, as the transaction engine keeps it. */
static json_t *running_of(const struct schema *s, const char *text)
{
	struct mgmtd_err err = { 0 };
	json_t *in = load(text), *out = NULL;

	ck_assert_int_eq(schema_normalize_tree(s, in, &out, &err), 0);
	json_decref(in);
	return out;
}

static json_t *user_at(json_t *tree, size_t i)
{
	return json_array_get(json_object_get(json_object_get(tree, "t"),
					      "users"),
			      i);
}

/* ------------------------------------------------------------------ */
/* Cases                                                               */

#define RUN3                                                                \
	"{\"t\": {\"users\": [{\"name\": \"a\", \"password\": \"pa\"},"      \
	" {\"name\": \"b\", \"shell\": \"/bin/zsh\"},"                       \
	" {\"name\": \"c\", \"home\": \"Srv1\"}],"                           \
	" \"ports\": [{\"number\": 22}, {\"number\": 80, \"buffer\": \"1M\"}],"\
	" \"site\": {\"secret\": \"s3\"}}}"

/* An edit of one object: the others are the running ones themselves. */
START_TEST(test_edit_shares_untouched)
{
	json_t *run = running_of(&sch, RUN3), *cand = tree_copy_groups(run);
	json_t *users = json_object_get(json_object_get(cand, "t"), "users");
	json_t *out;

	json_array_set_new(users, 1, load("{\"name\": \"b\"}"));
	out = check_both(&sch, cand, run);
	ck_assert_ptr_eq(user_at(out, 0), user_at(run, 0));
	ck_assert_ptr_ne(user_at(out, 1), user_at(run, 1));
	ck_assert_ptr_eq(user_at(out, 2), user_at(run, 2));
	ck_assert_str_eq(json_string_value(json_object_get(user_at(out, 1),
							   "shell")),
			 "/bin/sh");
	/* The stored password normalised to itself: same text. */
	ck_assert(json_equal(json_object_get(user_at(out, 0), "password"),
			     json_object_get(user_at(run, 0), "password")));
	/* The copy owns its groups: the running tree did not change. */
	ck_assert_str_eq(json_string_value(json_object_get(user_at(run, 1),
							   "shell")),
			 "/bin/zsh");
	json_decref(out);
	json_decref(cand);
	json_decref(run);
}
END_TEST

/* Deletions, insertions, reordering, a whole client-sent tree. */
START_TEST(test_shapes)
{
	static const char *const cands[] = {
		/* first deleted, one inserted, one changed default */
		"{\"t\": {\"users\": [{\"name\": \"b\", \"shell\": \"/bin/zsh\","
		" \"groups\": [\"users\"]}, {\"name\": \"n\", \"password\": \"x\"},"
		" {\"name\": \"c\", \"home\": \"srv1\", \"groups\": [\"users\"]}]}}",
		/* reversed */
		"{\"t\": {\"users\": [{\"name\": \"c\"}, {\"name\": \"b\"},"
		" {\"name\": \"a\"}]}}",
		/* all gone */
		"{\"t\": {\"users\": [], \"ports\": []}}",
		"{}",
		/* an integer key repeated: refused both ways alike */
		"{\"t\": {\"ports\": [{\"number\": 22}, {\"number\": 22}]}}",
		/* an invalid object among valid ones */
		"{\"t\": {\"users\": [{\"name\": \"a\"}, {\"name\": \"\"},"
		" {\"name\": \"a\", \"shell\": \"rel\"}]}}",
		/* a new object repeating a running key */
		"{\"t\": {\"users\": [{\"name\": \"x\"}, {\"name\": \"x\","
		" \"home\": \"h\"}]}}",
		/* the site singleton: clear text hashed, stored kept */
		"{\"t\": {\"site\": {\"secret\": \"other\"}}}",
		"{\"t\": {\"site\": {\"domain\": \"EXAMPLE.org\"}}}",
		"{\"t\": {\"users\": 5}}",
		"{\"t\": {\"nope\": []}, \"u_1\": {\"kept\": 1}}",
	};
	json_t *run = running_of(&sch, RUN3);

	for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
		json_t *cand = load(cands[i]);
		json_decref(check_both(&sch, cand, run));
		json_decref(cand);
	}
	json_decref(run);
}
END_TEST

/* Normalising changes neither its input nor the running tree nor the
 * class defaults it shares out (clear text hashed, sizes converted, host
 * names lowered, defaults filled), and what it returns shares nothing
 * with its input, which the caller may change later. */
START_TEST(test_inputs_untouched)
{
	static const char *const cands[] = {
		"{\"t\": {\"users\": [{\"name\": \"a\", \"password\": \"pa\"},"
		" {\"name\": \"n\", \"password\": \"x\", \"home\": \"SRV\"}],"
		" \"ports\": [{\"number\": 8, \"buffer\": \"2K\"}],"
		" \"site\": {\"secret\": \"clear\"}},"
		" \"u_1\": {\"kept\": [{\"a\": 1}]}}",
		"{\"t\": {\"users\": [{\"name\": \"c\"}, {\"name\": \"b\"}]},"
		" \"u_1\": {\"kept\": [{\"a\": 2}]}}",
	};
	json_t *run = running_of(&sch, RUN3);
	json_t *kept = load("{\"kept\": [{\"a\": 1}]}");

	/* A running tree that keeps a section of a plugin not loaded. */
	json_object_set_new(run, "u_1", kept);
	for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
		struct unit_frozen f = { 0 };
		json_t *cand = load(cands[i]), *out;
		json_t *defaults = frozen_defaults(&sch);

		frozen_hold(&f, "the candidate", cand);
		frozen_hold(&f, "the running tree", run);
		frozen_hold(&f, "a default", defaults);
		json_decref(defaults);
		out = check_both(&sch, cand, run);
		ck_assert_ptr_nonnull(out);
		frozen_check(&f, "normalising");
		/* Equal to the running section: shared; else its own. */
		if (json_equal(json_object_get(cand, "u_1"), kept))
			ck_assert_ptr_eq(json_object_get(out, "u_1"), kept);
		json_object_set_new(json_array_get(json_object_get(
				json_object_get(cand, "u_1"), "kept"), 0),
				    "a", json_integer(99));
		ck_assert_int_ne(json_integer_value(json_object_get(
				 json_array_get(json_object_get(
					json_object_get(out, "u_1"), "kept"), 0),
				 "a")), 99);
		frozen_release(&f);
		json_decref(out);
		json_decref(cand);
	}
	json_decref(run);
}
END_TEST

/* The running tree itself, as a client would send it back (a copy, the
 * stored password included): the result equals it, shared object for
 * object. */
START_TEST(test_running_back)
{
	json_t *run = running_of(&sch, RUN3), *cand = json_deep_copy(run);
	json_t *out = check_both(&sch, cand, run);

	ck_assert(json_equal(out, run));
	for (size_t i = 0; i < 3; i++)
		ck_assert_ptr_eq(user_at(out, i), user_at(run, i));
	json_decref(out);
	json_decref(cand);
	json_decref(run);
}
END_TEST

/* Another default than the running tree's: an object that omits the
 * attribute gets the new default, one that names it keeps its value. */
START_TEST(test_changed_default)
{
	json_t *run = running_of(&sch, RUN3);
	json_t *cand = load("{\"t\": {\"users\": [{\"name\": \"a\"},"
			    " {\"name\": \"b\", \"shell\": \"/bin/zsh\","
			    " \"groups\": [\"users\"]}]}}");
	json_t *out = check_both(&sch2, cand, run);

	ck_assert_str_eq(json_string_value(json_object_get(user_at(out, 0),
							   "shell")),
			 "/bin/bash");
	ck_assert_ptr_eq(user_at(out, 1), user_at(run, 1));
	json_decref(out);
	json_decref(cand);
	json_decref(run);
}
END_TEST

/* Random edits of a 60-object tree, each compared with normalising from
 * scratch. */
START_TEST(test_random_edits)
{
	char text[64];
	json_t *run, *users;

	srandom(7);
	users = json_array();
	for (int i = 0; i < 60; i++) {
		snprintf(text, sizeof(text), "u%d", i);
		json_array_append_new(users,
				      json_pack("{s:s, s:s}", "name", text,
						"password", stored_pw));
	}
	run = json_pack("{s:{s:o}}", "t", "users", users);
	{
		struct mgmtd_err err = { 0 };
		json_t *canon = NULL;
		ck_assert_int_eq(schema_normalize_tree(&sch, run, &canon, &err),
				 0);
		json_decref(run);
		run = canon;
	}
	for (int round = 0; round < 300; round++) {
		json_t *cand = tree_copy_groups(run), *out;
		json_t *arr = json_object_get(json_object_get(cand, "t"),
					      "users");
		int edits = 1 + (int)(random() % 4);

		for (int e = 0; e < edits; e++) {
			size_t n = json_array_size(arr);
			size_t at = n ? (size_t)random() % n : 0;
			switch (random() % 6) {
			case 0:
				json_array_remove(arr, at);
				break;
			case 1:
				snprintf(text, sizeof(text), "new%ld",
					 random() % 80);
				json_array_insert_new(arr, at,
						      json_pack("{s:s}", "name",
								text));
				break;
			case 2: {
				json_t *o = json_deep_copy(json_array_get(arr, at));
				json_object_set_new(o, "shell",
						    json_string("/bin/ksh/"));
				json_array_set_new(arr, at, o);
				break;
			}
			case 3: {
				json_t *o = json_deep_copy(json_array_get(arr, at));
				json_object_del(o, "groups");
				json_array_set_new(arr, at, o);
				break;
			}
			case 4:
				if (n > 1) {
					json_t *x = json_incref(json_array_get(arr, at));
					json_array_remove(arr, at);
					json_array_append_new(arr, x);
				}
				break;
			default:
				/* a repeated key, now and then */
				if (random() % 4 == 0 && n)
					json_array_append(arr,
							  json_array_get(arr, at));
				break;
			}
		}
		out = check_both(&sch, cand, run);
		if (out)
			same_diff(run, out);
		if (out && random() % 3 == 0) {
			json_decref(run);
			run = json_incref(out);
		}
		json_decref(out);
		json_decref(cand);
	}
	json_decref(run);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("schema_reuse");
	TCase *tc = tcase_create("reuse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_edit_shares_untouched);
	tcase_add_test(tc, test_shapes);
	tcase_add_test(tc, test_inputs_untouched);
	tcase_add_test(tc, test_running_back);
	tcase_add_test(tc, test_changed_default);
	tcase_add_test(tc, test_random_edits);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
