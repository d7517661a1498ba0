/* Unit tests for mgmtd/schema.c and schema_validate.c: which plugin
 * descriptions the core accepts, and how whole config trees are checked and
 * canonicalised against them, with the exact error paths a client sees. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "unit_json.h"
#include "schema.h"

/* ------------------------------------------------------------------ */
/* The test plugins                                                    */

#define CFG MGMTD_A_CONFIG
#define STATE MGMTD_A_STATE

static const char *const test_modes[] = { "fast", "safe", NULL };

/* A singleton with an attribute of every type. */
static const struct mgmtd_attr test_settings_attrs[] = {
	{ .name = "hostname", .type = MGMTD_T_HOSTNAME,
	  .flags = CFG | MGMTD_A_REQUIRED, .snmp_column = 1,
	  .description = "Host name" },
	{ .name = "port", .type = MGMTD_T_INT, .flags = CFG, .snmp_column = 2,
	  .description = "TCP port", .min = 1, .max = 65535,
	  .default_value = "8080" },
	{ .name = "enabled", .type = MGMTD_T_BOOL, .flags = CFG,
	  .snmp_column = 3, .description = "On or off",
	  .default_value = "true" },
	{ .name = "mode", .type = MGMTD_T_ENUM, .flags = CFG,
	  .snmp_column = 4, .description = "Mode", .enum_values = test_modes,
	  .default_value = "safe" },
	{ .name = "listen", .type = MGMTD_T_IPV4, .flags = CFG,
	  .snmp_column = 5, .description = "IPv4 address" },
	{ .name = "listen6", .type = MGMTD_T_IPV6, .flags = CFG,
	  .snmp_column = 6, .description = "IPv6 address" },
	{ .name = "peer", .type = MGMTD_T_IP, .flags = CFG, .snmp_column = 7,
	  .description = "Any address" },
	{ .name = "subnet", .type = MGMTD_T_PREFIX, .flags = CFG,
	  .snmp_column = 8, .description = "A prefix" },
	{ .name = "root", .type = MGMTD_T_PATH, .flags = CFG, .snmp_column = 9,
	  .description = "A path", .default_value = "/srv" },
	{ .name = "quota", .type = MGMTD_T_SIZE, .flags = CFG,
	  .snmp_column = 10, .description = "A size", .units = "bytes",
	  .default_value = "1G" },
	{ .name = "timeout", .type = MGMTD_T_DURATION, .flags = CFG,
	  .snmp_column = 11, .description = "A duration", .units = "seconds",
	  .default_value = "5m" },
	{ .name = "password", .type = MGMTD_T_SECRET, .flags = CFG,
	  .snmp_column = 12, .description = "A secret" },
	{ .name = "label", .type = MGMTD_T_STRING, .flags = CFG,
	  .snmp_column = 13, .description = "A string", .min = 1, .max = 16,
	  .pattern = "[a-z][a-z0-9-]*" },
	{ .name = "list", .type = MGMTD_T_STRING, .flags = CFG | MGMTD_A_LIST,
	  .snmp_column = 14, .description = "A list", .max_items = 3,
	  .default_value = "a,b" },
	{ .name = "limits", .type = MGMTD_T_SIZE, .flags = CFG | MGMTD_A_LIST,
	  .snmp_column = 15, .description = "A list of sizes",
	  .default_value = "1K,2M" },
	{ .name = "uptime", .type = MGMTD_T_DURATION,
	  .flags = STATE | MGMTD_A_GAUGE, .snmp_column = 16,
	  .description = "Live" },
	{ .name = NULL },
};

/* A collection keyed by a string. */
static const struct mgmtd_attr test_items_attrs[] = {
	{ .name = "name", .type = MGMTD_T_STRING, .flags = MGMTD_A_KEY | CFG,
	  .snmp_column = 2, .description = "Key", .min = 1, .max = 32 },
	{ .name = "address", .type = MGMTD_T_IP,
	  .flags = CFG | MGMTD_A_REQUIRED, .snmp_column = 3,
	  .description = "Address" },
	{ .name = "token", .type = MGMTD_T_SECRET, .flags = CFG,
	  .snmp_column = 4, .description = "Secret" },
	{ .name = "size", .type = MGMTD_T_SIZE, .flags = CFG,
	  .snmp_column = 5, .description = "Size" },
	{ .name = "aliases", .type = MGMTD_T_HOSTNAME,
	  .flags = CFG | MGMTD_A_LIST, .snmp_column = 6,
	  .description = "Other names" },
	{ .name = "hits", .type = MGMTD_T_INT,
	  .flags = STATE | MGMTD_A_COUNTER, .snmp_column = 7,
	  .description = "Live counter" },
	{ .name = NULL },
};

/* State only: a singleton and a collection keyed by a state attribute. */
static const struct mgmtd_attr test_status_attrs[] = {
	{ .name = "load", .type = MGMTD_T_INT, .flags = STATE | MGMTD_A_GAUGE,
	  .snmp_column = 1, .description = "Load" },
	{ .name = "running", .type = MGMTD_T_BOOL, .flags = STATE,
	  .snmp_column = 2, .description = "Running" },
	{ .name = NULL },
};

static const struct mgmtd_attr test_sessions_attrs[] = {
	{ .name = "id", .type = MGMTD_T_STRING, .flags = MGMTD_A_KEY | STATE,
	  .snmp_column = 2, .description = "Session" },
	{ .name = "client", .type = MGMTD_T_IP, .flags = STATE,
	  .snmp_column = 3, .description = "Client" },
	{ .name = NULL },
};

static const struct mgmtd_class test_settings = {
	.name = "settings", .kind = MGMTD_SINGLETON, .snmp_table = 1,
	.description = "Settings", .attrs = test_settings_attrs,
};
static const struct mgmtd_class test_items = {
	.name = "items", .kind = MGMTD_COLLECTION, .snmp_table = 2,
	.description = "Items", .attrs = test_items_attrs, .max_objects = 3,
};
static const struct mgmtd_class test_status = {
	.name = "status", .kind = MGMTD_SINGLETON, .snmp_table = 3,
	.description = "Status", .attrs = test_status_attrs,
};
static const struct mgmtd_class test_sessions = {
	.name = "sessions", .kind = MGMTD_COLLECTION, .snmp_table = 4,
	.description = "Sessions", .attrs = test_sessions_attrs,
};
static const struct mgmtd_class *const test_classes[] = {
	&test_settings, &test_items, &test_status, &test_sessions, NULL,
};

static const struct mgmtd_plugin test_plugin = {
	.abi = MGMTD_PLUGIN_ABI,
	.name = "test",
	.version = "1.0",
	.description = "Every kind of attribute",
	.mib_arc = 701,
	.classes = test_classes,
};

/* A second plugin with nothing required: an absent section is valid. */
static const struct mgmtd_attr aux_options_attrs[] = {
	{ .name = "level", .type = MGMTD_T_INT, .flags = CFG,
	  .snmp_column = 1, .description = "Level", .min = 0, .max = 9,
	  .default_value = "3" },
	{ .name = "note", .type = MGMTD_T_STRING, .flags = CFG,
	  .snmp_column = 2, .description = "Note" },
	{ .name = NULL },
};
static const struct mgmtd_attr aux_peers_attrs[] = {
	{ .name = "addr", .type = MGMTD_T_IP, .flags = MGMTD_A_KEY | CFG,
	  .snmp_column = 2, .description = "Peer" },
	{ .name = NULL },
};
static const struct mgmtd_class aux_options = {
	.name = "options", .kind = MGMTD_SINGLETON, .snmp_table = 1,
	.description = "Options", .attrs = aux_options_attrs,
};
static const struct mgmtd_class aux_peers = {
	.name = "peers", .kind = MGMTD_COLLECTION, .snmp_table = 2,
	.description = "Peers", .attrs = aux_peers_attrs,
};
static const struct mgmtd_class *const aux_classes[] = { &aux_options,
							 &aux_peers, NULL };
static const struct mgmtd_plugin aux_plugin = {
	.abi = MGMTD_PLUGIN_ABI, .name = "aux", .version = "1",
	.description = "Nothing required", .mib_arc = 702,
	.classes = aux_classes,
};

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static struct schema sch;

static void setup(void)
{
	char msg[256] = "";

	sch = (struct schema){ 0 };
	ck_assert_msg(schema_add_plugin(&sch, &test_plugin, msg, sizeof(msg)) ==
			      0,
		      "test plugin refused: %s", msg);
	ck_assert_msg(schema_add_plugin(&sch, &aux_plugin, msg, sizeof(msg)) ==
			      0,
		      "aux plugin refused: %s", msg);
}

static void teardown(void)
{
	schema_fini(&sch);
}

/* got is exactly want (JSON text), member order included. */
#define ck_assert_json(got, want)                                            \
	do {                                                                 \
		json_t *want_j_ = load(want);                                \
		char *g_ = dump(got), *w_ = dump(want_j_);                   \
		ck_assert_msg(strcmp(g_, w_) == 0, "got  %s\nwant %s", g_,   \
			      w_);                                           \
		free(g_);                                                    \
		free(w_);                                                    \
		json_decref(want_j_);                                        \
	} while (0)

/* Normalise in_text, which must be valid; the result, owned. */
static json_t *norm_ok(const char *in_text)
{
	struct mgmtd_err err = { 0 };
	json_t *in = load(in_text), *copy = json_deep_copy(in), *out = NULL;
	int rc = schema_normalize_tree(&sch, in, &out, &err);

	ck_assert_msg(rc == 0, "%s: rc %d, %u errors, first %s: %s", in_text,
		      rc, err.count, err.count ? err.items[0].path : "",
		      err.count ? err.items[0].message : "");
	ck_assert_uint_eq(err.count, 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_msg(json_equal(in, copy), "input was modified");
	json_decref(copy);
	json_decref(in);
	return out;
}

/* Normalise in_text, which must be refused; errors in *err. */
static void norm_bad(const char *in_text, struct mgmtd_err *err)
{
	json_t *in = load(in_text), *copy = json_deep_copy(in), *out = NULL;
	int rc;

	err_clear(err);
	rc = schema_normalize_tree(&sch, in, &out, err);
	ck_assert_msg(rc == -EINVAL, "%s: rc %d", in_text, rc);
	ck_assert_ptr_null(out);
	ck_assert_uint_ge(err->count, 1);
	ck_assert_msg(json_equal(in, copy), "input was modified");
	json_decref(copy);
	json_decref(in);
}

#define ck_assert_err(err, i, want_code, want_path)                          \
	do {                                                                 \
		ck_assert_uint_gt((err)->count, (i));                        \
		ck_assert_str_eq((err)->items[i].path, want_path);           \
		ck_assert_int_eq((err)->items[i].code, want_code);           \
		ck_assert_str_ne((err)->items[i].message, "");               \
	} while (0)

/* The one error of in_text is at want_path with want_code. */
#define ck_assert_one_err(in_text, want_code, want_path)                     \
	do {                                                                 \
		struct mgmtd_err e_;                                         \
		norm_bad(in_text, &e_);                                      \
		ck_assert_msg(e_.count == 1, "%s: %u errors, first %s",      \
			      in_text, e_.count, e_.items[0].path);          \
		ck_assert_err(&e_, 0, want_code, want_path);                 \
	} while (0)

static bool err_has(const struct mgmtd_err *err, enum mgmtd_err_code code,
		    const char *path)
{
	for (unsigned i = 0; i < err->count; i++)
		if (err->items[i].code == code &&
		    strcmp(err->items[i].path, path) == 0)
			return true;
	return false;
}

/* A valid settings object, to which tests add what they check. */
#define SETTINGS_MIN "\"hostname\": \"nas\""

/* ------------------------------------------------------------------ */
/* Adding plugins                                                      */

START_TEST(test_add_accepts_test_plugin)
{
	const struct schema_plugin *sp = schema_plugin_find(&sch, "test");
	const struct schema_class *sc;

	ck_assert_uint_eq(sch.n_plugins, 2);
	ck_assert_ptr_nonnull(sp);
	ck_assert_str_eq(sp->name, "test");
	ck_assert_ptr_eq(sp->desc, &test_plugin);
	ck_assert_uint_eq(sp->n_classes, 4);

	sc = schema_class_find(sp, "settings");
	ck_assert_ptr_nonnull(sc);
	ck_assert_ptr_eq(sc->cls, &test_settings);
	ck_assert_ptr_null(sc->key);
	ck_assert_uint_eq(sc->n_attrs, 16);
	ck_assert(sc->has_config);

	sc = schema_class_find(sp, "items");
	ck_assert_ptr_nonnull(sc);
	ck_assert_ptr_eq(sc->key, &test_items_attrs[0]);
	ck_assert_uint_eq(sc->n_attrs, 6);
	ck_assert(sc->has_config);

	sc = schema_class_find(sp, "status");
	ck_assert_ptr_nonnull(sc);
	ck_assert(!sc->has_config);
	sc = schema_class_find(sp, "sessions");
	ck_assert_ptr_nonnull(sc);
	ck_assert(!sc->has_config);
	ck_assert_ptr_eq(sc->key, &test_sessions_attrs[0]);
}
END_TEST

START_TEST(test_find_functions)
{
	const struct schema_plugin *sp = schema_plugin_find(&sch, "test");
	const struct schema_class *sc = schema_class_find(sp, "items");

	ck_assert_ptr_null(schema_plugin_find(&sch, "nosuch"));
	ck_assert_ptr_null(schema_class_find(sp, "nosuch"));
	ck_assert_ptr_null(schema_class_find(NULL, "items"));
	ck_assert_ptr_eq(schema_attr_find(sc, "address"),
			 &test_items_attrs[1]);
	ck_assert_ptr_eq(schema_attr_find(sc, "hits"), &test_items_attrs[5]);
	ck_assert_ptr_null(schema_attr_find(sc, "nosuch"));
	ck_assert_ptr_eq(schema_plugin_find(&sch, "aux")->desc, &aux_plugin);
}
END_TEST

START_TEST(test_object_path)
{
	char buf[64];

	schema_object_path(buf, sizeof(buf), "dns", "settings", NULL);
	ck_assert_str_eq(buf, "dns.settings");
	schema_object_path(buf, sizeof(buf), "dns", "hosts", "db1");
	ck_assert_str_eq(buf, "dns.hosts[db1]");
	schema_object_path(buf, 8, "dns", "hosts", "db1");
	ck_assert_str_eq(buf, "dns.hos");
}
END_TEST

/* One-class plugins for the refusals. */
static const struct mgmtd_attr ok_attrs[] = {
	{ .name = "value", .type = MGMTD_T_STRING, .flags = CFG,
	  .snmp_column = 1, .description = "Value" },
	{ .name = NULL },
};
static const struct mgmtd_attr ok_key_attrs[] = {
	{ .name = "name", .type = MGMTD_T_STRING, .flags = MGMTD_A_KEY | CFG,
	  .snmp_column = 2, .description = "Key" },
	{ .name = NULL },
};

/* Try to add a plugin named name, arc 800, with one class; the class
 * and its attributes are the test's own.  Returns the rc, msg filled. */
static int try_class(const char *name, const struct mgmtd_class *c,
		     char *msg, size_t msglen)
{
	const struct mgmtd_class *classes[] = { c, NULL };
	const struct mgmtd_plugin p = {
		.abi = MGMTD_PLUGIN_ABI, .name = name, .version = "1",
		.description = "Under test", .mib_arc = 800, .classes = classes,
	};
	int rc;

	msg[0] = '\0';
	rc = schema_add_plugin(&sch, &p, msg, msglen);
	/* A refusal changes nothing; an acceptance is undone here because p
	 * lives on this stack frame. */
	if (rc == 0)
		schema_remove_plugin(&sch, name);
	ck_assert_uint_eq(sch.n_plugins, 2);
	return rc;
}

static int try_attrs(enum mgmtd_class_kind kind,
		     const struct mgmtd_attr *attrs, char *msg, size_t msglen)
{
	const struct mgmtd_class c = {
		.name = "things", .kind = kind, .snmp_table = 1,
		.description = "Things", .attrs = attrs,
	};

	return try_class("under_test", &c, msg, msglen);
}

/* attrs is refused with -EINVAL and a message containing want. */
#define ck_refused_attrs(kind, want, ...)                                    \
	do {                                                                 \
		const struct mgmtd_attr a_[] = { __VA_ARGS__,                \
						 { .name = NULL } };         \
		char m_[256];                                                \
		int rc_ = try_attrs(kind, a_, m_, sizeof(m_));               \
		ck_assert_msg(rc_ == -EINVAL, "rc %d, want refusal (%s)",    \
			      rc_, want);                                    \
		ck_assert_msg(strstr(m_, want) != NULL,                      \
			      "message \"%s\" lacks \"%s\"", m_, want);      \
	} while (0)

#define ck_accepted_attrs(kind, ...)                                         \
	do {                                                                 \
		const struct mgmtd_attr a_[] = { __VA_ARGS__,                \
						 { .name = NULL } };         \
		char m_[256];                                                \
		int rc_ = try_attrs(kind, a_, m_, sizeof(m_));               \
		ck_assert_msg(rc_ == 0, "rc %d: %s", rc_, m_);               \
	} while (0)

#define ATTR(n, col, ...)                                                    \
	{ .name = n, .type = MGMTD_T_STRING, .flags = CFG,                   \
	  .snmp_column = col, .description = "d", __VA_ARGS__ }
#define KEY(n, col)                                                          \
	{ .name = n, .type = MGMTD_T_STRING, .flags = MGMTD_A_KEY | CFG,     \
	  .snmp_column = col, .description = "k" }

START_TEST(test_add_accepts_minimal_forms)
{
	ck_accepted_attrs(MGMTD_SINGLETON, ATTR("value", 1));
	ck_accepted_attrs(MGMTD_COLLECTION, KEY("name", 2), ATTR("v", 3));
	/* 32 characters is the longest name */
	ck_accepted_attrs(MGMTD_SINGLETON,
			  ATTR("abcdefghij_abcdefghij_abcdefghij", 1));
	ck_accepted_attrs(MGMTD_SINGLETON, ATTR("a1_b2", 1));
}
END_TEST

START_TEST(test_add_refuses_bad_attribute_names)
{
	ck_refused_attrs(MGMTD_SINGLETON, "bad attribute name 'Port'",
			 ATTR("Port", 1));
	ck_refused_attrs(MGMTD_SINGLETON, "bad attribute name 'port-no'",
			 ATTR("port-no", 1));
	ck_refused_attrs(MGMTD_SINGLETON, "bad attribute name '1port'",
			 ATTR("1port", 1));
	ck_refused_attrs(MGMTD_SINGLETON, "bad attribute name '_port'",
			 ATTR("_port", 1));
	ck_refused_attrs(MGMTD_SINGLETON, "bad attribute name ''",
			 ATTR("", 1), ATTR("x", 2));
	ck_refused_attrs(MGMTD_SINGLETON, "bad attribute name",
			 ATTR("abcdefghij_abcdefghij_abcdefghijk", 1));
}
END_TEST

START_TEST(test_add_refuses_bad_keys)
{
	ck_refused_attrs(MGMTD_COLLECTION, "two keys", KEY("a", 2),
			 KEY("b", 3));
	ck_refused_attrs(MGMTD_COLLECTION, "a collection needs a key",
			 ATTR("a", 2));
	ck_refused_attrs(MGMTD_SINGLETON, "a key must be a scalar",
			 KEY("a", 1));
	ck_refused_attrs(MGMTD_COLLECTION, "a key must be a scalar",
			 { .name = "a", .type = MGMTD_T_STRING,
			   .flags = MGMTD_A_KEY | CFG | MGMTD_A_LIST,
			   .snmp_column = 2, .description = "d" });
	ck_refused_attrs(MGMTD_COLLECTION, "a key must be a scalar",
			 { .name = "a", .type = MGMTD_T_SECRET,
			   .flags = MGMTD_A_KEY | CFG, .snmp_column = 2,
			   .description = "d" });
	/* A live key in a class of config: no object could be told apart. */
	ck_refused_attrs(MGMTD_COLLECTION, "things.id: the key of a class "
					   "with config must be config",
			 { .name = "id", .type = MGMTD_T_STRING,
			   .flags = MGMTD_A_KEY | STATE, .snmp_column = 2,
			   .description = "d" },
			 ATTR("v", 3));
	/* ... but a state-only collection has a state key */
	ck_accepted_attrs(MGMTD_COLLECTION,
			  { .name = "id", .type = MGMTD_T_STRING,
			    .flags = MGMTD_A_KEY | STATE, .snmp_column = 2,
			    .description = "d" },
			  { .name = "v", .type = MGMTD_T_INT, .flags = STATE,
			    .snmp_column = 3, .description = "d" });
}
END_TEST

START_TEST(test_add_refuses_duplicate_names_and_columns)
{
	ck_refused_attrs(MGMTD_SINGLETON, "x: duplicate name or column",
			 ATTR("x", 1), ATTR("x", 2));
	ck_refused_attrs(MGMTD_SINGLETON, "y: duplicate name or column",
			 ATTR("x", 1), ATTR("y", 1));
	ck_refused_attrs(MGMTD_SINGLETON, "z: duplicate name or column",
			 ATTR("x", 1), ATTR("y", 2), ATTR("z", 1));
}
END_TEST

START_TEST(test_add_refuses_bad_attribute_definitions)
{
	static const char *const no_values[] = { NULL };

	ck_refused_attrs(MGMTD_SINGLETON, "enum without values",
			 { .name = "e", .type = MGMTD_T_ENUM, .flags = CFG,
			   .snmp_column = 1, .description = "d" });
	ck_refused_attrs(MGMTD_SINGLETON, "enum without values",
			 { .name = "e", .type = MGMTD_T_ENUM, .flags = CFG,
			   .snmp_column = 1, .description = "d",
			   .enum_values = no_values });
	ck_refused_attrs(MGMTD_SINGLETON, "unknown type 99",
			 { .name = "t", .type = (enum mgmtd_type)99,
			   .flags = CFG, .snmp_column = 1,
			   .description = "d" });
	ck_refused_attrs(MGMTD_SINGLETON, "unknown type 0",
			 { .name = "t", .flags = CFG, .snmp_column = 1,
			   .description = "d" });
	ck_refused_attrs(MGMTD_SINGLETON, "exactly one of config, state",
			 { .name = "t", .type = MGMTD_T_INT,
			   .flags = CFG | STATE, .snmp_column = 1,
			   .description = "d" });
	ck_refused_attrs(MGMTD_SINGLETON, "exactly one of config, state",
			 { .name = "t", .type = MGMTD_T_INT, .snmp_column = 1,
			   .description = "d" });
	ck_refused_attrs(MGMTD_SINGLETON, "only config can be required",
			 { .name = "t", .type = MGMTD_T_INT,
			   .flags = STATE | MGMTD_A_REQUIRED, .snmp_column = 1,
			   .description = "d" });
	ck_refused_attrs(MGMTD_SINGLETON, "needs an SNMP column",
			 { .name = "t", .type = MGMTD_T_INT, .flags = CFG,
			   .description = "d" });
	ck_refused_attrs(MGMTD_SINGLETON, "needs an SNMP column",
			 { .name = "t", .type = MGMTD_T_INT, .flags = CFG,
			   .snmp_column = 1 });
	/* In a table, column 1 is the entry (plugin.h): columns start at 2. */
	ck_refused_attrs(MGMTD_COLLECTION, "v: needs an SNMP column",
			 KEY("name", 2), ATTR("v", 1));
	ck_refused_attrs(MGMTD_COLLECTION, "name: needs an SNMP column",
			 KEY("name", 1), ATTR("v", 2));
}
END_TEST

START_TEST(test_add_refuses_broken_defaults)
{
	ck_refused_attrs(MGMTD_SINGLETON, "t: default 'lots' is not valid",
			 { .name = "t", .type = MGMTD_T_INT, .flags = CFG,
			   .snmp_column = 1, .description = "d",
			   .default_value = "lots" });
	ck_refused_attrs(MGMTD_SINGLETON, "default 'maybe' is not valid",
			 { .name = "b", .type = MGMTD_T_BOOL, .flags = CFG,
			   .snmp_column = 1, .description = "d",
			   .default_value = "maybe" });
	ck_accepted_attrs(MGMTD_SINGLETON,
			  { .name = "s", .type = MGMTD_T_SIZE, .flags = CFG,
			    .snmp_column = 1, .description = "d",
			    .default_value = "10G" });
}
END_TEST

static int noop_action(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		       const char *cls, const char *key, const char *act,
		       const struct mgmtd_obj *params, struct mgmtd_err *err)
{
	return 0;
}

/* A plugin whose one class has actions; with or without the callback. */
static int try_actions(const struct mgmtd_action *actions, bool callback,
		       char *msg, size_t msglen)
{
	static const struct mgmtd_attr attrs[] = {
		{ .name = "v", .type = MGMTD_T_STRING, .flags = MGMTD_A_CONFIG,
		  .snmp_column = 1, .description = "d" },
		{ .name = NULL },
	};
	const struct mgmtd_class c = {
		.name = "svc", .kind = MGMTD_SINGLETON, .snmp_table = 1,
		.description = "Service", .attrs = attrs, .actions = actions,
	};
	const struct mgmtd_class *classes[] = { &c, NULL };
	const struct mgmtd_plugin p = {
		.abi = MGMTD_PLUGIN_ABI, .name = "acts", .version = "1",
		.mib_arc = 801, .classes = classes,
		.action = callback ? noop_action : NULL,
	};
	int rc = schema_add_plugin(&sch, &p, msg, msglen);

	if (rc == 0)
		schema_remove_plugin(&sch, "acts");
	return rc;
}

START_TEST(test_add_checks_actions)
{
	static const struct mgmtd_attr params[] = {
		{ .name = "delay", .type = MGMTD_T_DURATION,
		  .flags = MGMTD_A_CONFIG, .description = "Wait first" },
		{ .name = NULL },
	};
	static const struct mgmtd_attr state_param[] = {
		{ .name = "x", .type = MGMTD_T_INT, .flags = MGMTD_A_STATE,
		  .description = "d" },
		{ .name = NULL },
	};
	const struct mgmtd_action good[] = {
		{ .name = "restart", .description = "Restart", .params = params },
		{ .name = NULL },
	};
	const struct mgmtd_action bad_name[] = {
		{ .name = "Restart", .description = "Restart" }, { .name = NULL },
	};
	const struct mgmtd_action twice[] = {
		{ .name = "stop", .description = "Stop" },
		{ .name = "stop", .description = "Stop" }, { .name = NULL },
	};
	const struct mgmtd_action live[] = {
		{ .name = "go", .description = "Go", .params = state_param },
		{ .name = NULL },
	};
	char msg[256];

	ck_assert_int_eq(try_actions(good, true, msg, sizeof(msg)), 0);
	ck_assert_int_eq(try_actions(good, false, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "without an action callback"));
	ck_assert_int_eq(try_actions(bad_name, true, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "bad action 'Restart'"));
	ck_assert_int_eq(try_actions(twice, true, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "duplicate action stop"));
	ck_assert_int_eq(try_actions(live, true, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "parameter x must be config"));
}
END_TEST

START_TEST(test_add_refuses_bad_classes)
{
	const struct mgmtd_class bad_name = {
		.name = "Things", .kind = MGMTD_SINGLETON, .snmp_table = 1,
		.description = "d", .attrs = ok_attrs,
	};
	const struct mgmtd_class no_table = {
		.name = "things", .kind = MGMTD_SINGLETON,
		.description = "d", .attrs = ok_attrs,
	};
	const struct mgmtd_class no_attrs = {
		.name = "things", .kind = MGMTD_SINGLETON, .snmp_table = 1,
		.description = "d",
	};
	const struct mgmtd_class bad_kind = {
		.name = "things", .kind = (enum mgmtd_class_kind)7,
		.snmp_table = 1, .description = "d", .attrs = ok_attrs,
	};
	char msg[256];

	ck_assert_int_eq(try_class("under_test", &bad_name, msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_str_eq(msg, "bad class 'Things'");
	ck_assert_int_eq(try_class("under_test", &no_table, msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_int_eq(try_class("under_test", &no_attrs, msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_int_eq(try_class("under_test", &bad_kind, msg, sizeof(msg)),
			 -EINVAL);
}
END_TEST

START_TEST(test_add_refuses_duplicate_classes)
{
	const struct mgmtd_class a = {
		.name = "one", .kind = MGMTD_SINGLETON, .snmp_table = 1,
		.description = "d", .attrs = ok_attrs,
	};
	const struct mgmtd_class same_name = {
		.name = "one", .kind = MGMTD_COLLECTION, .snmp_table = 2,
		.description = "d", .attrs = ok_key_attrs,
	};
	const struct mgmtd_class same_table = {
		.name = "two", .kind = MGMTD_COLLECTION, .snmp_table = 1,
		.description = "d", .attrs = ok_key_attrs,
	};
	const struct mgmtd_class *const by_name[] = { &a, &same_name, NULL };
	const struct mgmtd_class *const by_table[] = { &a, &same_table, NULL };
	struct mgmtd_plugin p = {
		.abi = MGMTD_PLUGIN_ABI, .name = "dup", .version = "1",
		.mib_arc = 800, .classes = by_name,
	};
	char msg[256];

	ck_assert_int_eq(schema_add_plugin(&sch, &p, msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_str_eq(msg, "one: duplicate class name or table");
	p.classes = by_table;
	ck_assert_int_eq(schema_add_plugin(&sch, &p, msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_str_eq(msg, "two: duplicate class name or table");
	ck_assert_uint_eq(sch.n_plugins, 2);
	ck_assert_ptr_null(schema_plugin_find(&sch, "dup"));
}
END_TEST

START_TEST(test_add_refuses_bad_plugin_names)
{
	static const char *const bad[] = {
		"Test", "1test", "te-st", "te.st", "", "_x", "té",
		"abcdefghij_abcdefghij_abcdefghijk",
		/* reserved: top of the tree and REST paths */
		"version", "config", "meta", "api", "schema", "events",
		"commands", "metrics", "openapi", "mgmtd",
	};
	const struct mgmtd_class c = {
		.name = "things", .kind = MGMTD_SINGLETON, .snmp_table = 1,
		.description = "d", .attrs = ok_attrs,
	};
	char msg[256], want[300];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(try_class(bad[i], &c, msg, sizeof(msg)) == -EINVAL,
			      "plugin name '%s' accepted", bad[i]);
		snprintf(want, sizeof(want), "bad plugin name '%s'", bad[i]);
		ck_assert_str_eq(msg, want);
	}
	ck_assert_int_eq(try_class(NULL, &c, msg, sizeof(msg)), -EINVAL);
	ck_assert_str_eq(msg, "bad plugin name '(null)'");
	/* Reserved words are refused whole, not as prefixes. */
	ck_assert_int_eq(try_class("versions", &c, msg, sizeof(msg)), 0);
	ck_assert_int_eq(try_class("my_api", &c, msg, sizeof(msg)), 0);
}
END_TEST

START_TEST(test_add_refuses_incomplete_plugins)
{
	struct mgmtd_plugin p = test_plugin;
	char msg[256];

	p.name = "other";
	p.mib_arc = 800;
	p.version = NULL;
	ck_assert_int_eq(schema_add_plugin(&sch, &p, msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "needs a version"));
	p.version = "1";
	p.classes = NULL;
	ck_assert_int_eq(schema_add_plugin(&sch, &p, msg, sizeof(msg)),
			 -EINVAL);
	p.classes = test_classes;
	p.mib_arc = 0;
	ck_assert_int_eq(schema_add_plugin(&sch, &p, msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_uint_eq(sch.n_plugins, 2);
}
END_TEST

START_TEST(test_add_refuses_duplicate_plugin_and_arc)
{
	struct mgmtd_plugin p = test_plugin;
	char msg[256];

	ck_assert_int_eq(schema_add_plugin(&sch, &test_plugin, msg, sizeof(msg)),
			 -EEXIST);
	ck_assert_str_eq(msg, "duplicate plugin name 'test'");

	p.name = "other";
	ck_assert_int_eq(schema_add_plugin(&sch, &p, msg, sizeof(msg)),
			 -EEXIST);
	ck_assert_str_eq(msg, "plugin other: MIB arc 701 already used by test");
	p.mib_arc = 702;
	ck_assert_int_eq(schema_add_plugin(&sch, &p, msg, sizeof(msg)),
			 -EEXIST);
	ck_assert_str_eq(msg, "plugin other: MIB arc 702 already used by aux");

	/* A refusal changed nothing: the same plugin is accepted on a free
	 * arc. */
	ck_assert_uint_eq(sch.n_plugins, 2);
	p.mib_arc = 703;
	ck_assert_int_eq(schema_add_plugin(&sch, &p, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(sch.n_plugins, 3);
	ck_assert_ptr_eq(schema_plugin_find(&sch, "other")->desc, &p);
	schema_remove_plugin(&sch, "other");
	ck_assert_uint_eq(sch.n_plugins, 2);
}
END_TEST

START_TEST(test_add_refusal_after_first_class_leaves_no_trace)
{
	/* The first class is good, the second broken: nothing is kept. */
	const struct mgmtd_attr two_keys[] = {
		KEY("a", 2), KEY("b", 3), { .name = NULL },
	};
	const struct mgmtd_class good = {
		.name = "good", .kind = MGMTD_SINGLETON, .snmp_table = 1,
		.description = "d", .attrs = ok_attrs,
	};
	const struct mgmtd_class bad = {
		.name = "bad", .kind = MGMTD_COLLECTION, .snmp_table = 2,
		.description = "d", .attrs = two_keys,
	};
	const struct mgmtd_class *const classes[] = { &good, &bad, NULL };
	const struct mgmtd_plugin p = {
		.abi = MGMTD_PLUGIN_ABI, .name = "half", .version = "1",
		.mib_arc = 800, .classes = classes,
	};
	char msg[256];

	ck_assert_int_eq(schema_add_plugin(&sch, &p, msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_str_eq(msg, "bad: two keys");
	ck_assert_uint_eq(sch.n_plugins, 2);
	ck_assert_ptr_null(schema_plugin_find(&sch, "half"));
}
END_TEST

START_TEST(test_remove_and_fini)
{
	struct schema s = { 0 };
	char msg[256];

	ck_assert_int_eq(schema_add_plugin(&s, &test_plugin, msg, sizeof(msg)),
			 0);
	ck_assert_int_eq(schema_add_plugin(&s, &aux_plugin, msg, sizeof(msg)),
			 0);
	schema_remove_plugin(&s, "nosuch");
	ck_assert_uint_eq(s.n_plugins, 2);
	schema_remove_plugin(&s, "test");
	ck_assert_uint_eq(s.n_plugins, 1);
	ck_assert_ptr_null(schema_plugin_find(&s, "test"));
	ck_assert_ptr_nonnull(schema_class_find(schema_plugin_find(&s, "aux"),
						"peers"));
	/* Its name and arc are free again. */
	ck_assert_int_eq(schema_add_plugin(&s, &test_plugin, msg, sizeof(msg)),
			 0);
	schema_fini(&s);
	ck_assert_uint_eq(s.n_plugins, 0);
	ck_assert_ptr_null(s.plugins);
	schema_fini(&s); /* twice is harmless */
}
END_TEST

/* ------------------------------------------------------------------ */
/* Normalising trees: canonical output                                 */

START_TEST(test_normalize_canonical_forms)
{
	json_t *out = norm_ok(
		"{\"test\": {\"settings\": {"
		"\"list\": [\"x\", \"y\"],"
		"\"hostname\": \"NAS.Example.COM\", \"port\": 443,"
		"\"enabled\": false, \"mode\": \"fast\","
		"\"listen\": \"192.168.1.10\","
		"\"listen6\": \"2001:DB8:0:0:0:0:0:1\","
		"\"peer\": \"FE80:0000::1\", \"subnet\": \"10.1.2.3/8\","
		"\"root\": \"/data/\", \"quota\": \"10G\","
		"\"timeout\": \"1h30m\", \"password\": \"s3cret\","
		"\"label\": \"web-1\", \"limits\": [\"1.5K\", 4096]},"
		"\"items\": [{\"address\": \"2001:db8::0:1\", \"name\": \"db1\","
		"\"size\": \"512M\", \"aliases\": [\"DB.example.com\"]},"
		"{\"name\": \"db2\", \"address\": \"10.0.0.2\","
		"\"token\": \"t\"}]}}");

	ck_assert_json(
		out,
		"{\"test\": {\"settings\": {"
		"\"hostname\": \"nas.example.com\", \"port\": 443,"
		"\"enabled\": false, \"mode\": \"fast\","
		"\"listen\": \"192.168.1.10\", \"listen6\": \"2001:db8::1\","
		"\"peer\": \"fe80::1\", \"subnet\": \"10.1.2.3/8\","
		"\"root\": \"/data\", \"quota\": 10737418240,"
		"\"timeout\": 5400, \"password\": \"s3cret\","
		"\"label\": \"web-1\", \"list\": [\"x\", \"y\"],"
		"\"limits\": [1536, 4096]},"
		"\"items\": [{\"name\": \"db1\", \"address\": \"2001:db8::1\","
		"\"size\": 536870912, \"aliases\": [\"db.example.com\"]},"
		"{\"name\": \"db2\", \"address\": \"10.0.0.2\","
		"\"token\": \"t\"}]},"
		"\"aux\": {\"options\": {\"level\": 3}, \"peers\": []}}");
	json_decref(out);
}
END_TEST

START_TEST(test_normalize_applies_defaults)
{
	json_t *out = norm_ok("{\"test\": {\"settings\": {" SETTINGS_MIN "}}}");

	/* Scalar defaults of each kind, and list defaults "a,b" and "1K,2M"
	 * split and canonicalised; no default, no member. */
	ck_assert_json(
		json_object_get(out, "test"),
		"{\"settings\": {\"hostname\": \"nas\", \"port\": 8080,"
		"\"enabled\": true, \"mode\": \"safe\", \"root\": \"/srv\","
		"\"quota\": 1073741824, \"timeout\": 300,"
		"\"list\": [\"a\", \"b\"], \"limits\": [1024, 2097152]},"
		"\"items\": []}");
	json_decref(out);
}
END_TEST

START_TEST(test_normalize_order_is_declaration_order)
{
	/* The same object given in two member orders comes out the same. */
	json_t *a = norm_ok("{\"test\": {\"items\": [{\"size\": 1, "
			    "\"address\": \"10.0.0.1\", \"name\": \"x\"}],"
			    "\"settings\": {\"timeout\": 5, \"port\": 1, "
			    "\"hostname\": \"h\"}}, \"aux\": {}}");
	json_t *b = norm_ok("{\"aux\": {}, \"test\": {\"settings\": "
			    "{\"hostname\": \"h\", \"port\": 1, \"timeout\": 5},"
			    "\"items\": [{\"name\": \"x\", \"address\": "
			    "\"10.0.0.1\", \"size\": 1}]}}");
	char *ta = dump(a), *tb = dump(b);

	ck_assert_str_eq(ta, tb);
	/* plugins in load order, classes and attributes as declared */
	ck_assert_ptr_nonnull(strstr(ta, "{\"test\":{\"settings\":{\"hostname\":"
					 "\"h\",\"port\":1,\"enabled\""));
	ck_assert_ptr_nonnull(strstr(ta, "\"items\":[{\"name\":\"x\","
					 "\"address\":\"10.0.0.1\",\"size\":1}]}"
					 ",\"aux\":"));
	free(ta);
	free(tb);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(test_normalize_is_idempotent)
{
	json_t *once = norm_ok(
		"{\"test\": {\"settings\": {\"hostname\": \"A.b\", "
		"\"listen6\": \"::FFFF:1.2.3.4\", \"quota\": \"2.5T\"},"
		"\"items\": [{\"name\": \"n\", \"address\": \"0:0::1\"}]}}");
	char *text = dump(once);
	json_t *twice = norm_ok(text);

	ck_assert_msg(json_equal(once, twice), "not idempotent: %s", text);
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(json_object_get(once, "test"),
						 "settings"),
				 "listen6")),
			 "::ffff:1.2.3.4");
	free(text);
	json_decref(once);
	json_decref(twice);
}
END_TEST

START_TEST(test_normalize_missing_plugin_section_gives_empty_classes)
{
	struct mgmtd_err err;
	json_t *out = norm_ok("{\"test\": {\"settings\": {" SETTINGS_MIN "}}}");

	/* aux: absent, so its singleton gets its defaults and its collection
	 * is empty; state-only classes never appear. */
	ck_assert_json(json_object_get(out, "aux"),
		       "{\"options\": {\"level\": 3}, \"peers\": []}");
	ck_assert_ptr_null(json_object_get(json_object_get(out, "test"),
					   "status"));
	ck_assert_ptr_null(json_object_get(json_object_get(out, "test"),
					   "sessions"));
	json_decref(out);

	/* test: absent too, but its singleton has a required attribute. */
	norm_bad("{}", &err);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_err(&err, 0, MGMTD_E_INVALID, "test.settings.hostname");
	ck_assert_str_eq(err.items[0].message, "is required");

	/* An empty class group or list is the same as an absent one. */
	out = norm_ok("{\"test\": {\"settings\": {" SETTINGS_MIN "},"
		      "\"items\": []}, \"aux\": {\"options\": {},"
		      "\"peers\": []}}");
	ck_assert_json(json_object_get(out, "aux"),
		       "{\"options\": {\"level\": 3}, \"peers\": []}");
	json_decref(out);
}
END_TEST

START_TEST(test_normalize_null_means_unset)
{
	struct mgmtd_err err;
	json_t *out = norm_ok("{\"test\": {\"settings\": {" SETTINGS_MIN ","
			      "\"port\": null, \"listen\": null, \"list\": null,"
			      "\"password\": null}}}");
	json_t *set = json_object_get(json_object_get(out, "test"), "settings");

	/* null takes the default, or leaves the attribute out */
	ck_assert_int_eq(json_integer_value(json_object_get(set, "port")), 8080);
	ck_assert_ptr_null(json_object_get(set, "listen"));
	ck_assert_ptr_null(json_object_get(set, "password"));
	ck_assert_json(json_object_get(set, "list"), "[\"a\", \"b\"]");
	json_decref(out);

	/* a null required attribute is missing */
	norm_bad("{\"test\": {\"settings\": {\"hostname\": null}}}", &err);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_err(&err, 0, MGMTD_E_INVALID, "test.settings.hostname");
	ck_assert_str_eq(err.items[0].message, "is required");
}
END_TEST

START_TEST(test_normalize_keeps_sections_of_plugins_not_loaded)
{
	const char *ghost = "{\"zones\": [{\"name\": 1, \"x\": null}],"
			    "\"Weird-Key\": {\"password\": \"kept\"}, \"n\": 1.5}";
	char in[512];
	json_t *out, *want = load(ghost);

	snprintf(in, sizeof(in),
		 "{\"ghost\": %s, \"test\": {\"settings\": {" SETTINGS_MIN
		 "}}, \"other\": {}}",
		 ghost);
	out = norm_ok(in);
	ck_assert_msg(json_equal(json_object_get(out, "ghost"), want),
		      "ghost section changed");
	ck_assert_json(json_object_get(out, "other"), "{}");
	/* loaded plugins first, then the others as they came */
	ck_assert_uint_eq(json_object_size(out), 4);
	json_decref(want);
	json_decref(out);
}
END_TEST

START_TEST(test_normalize_removed_plugin_is_kept_verbatim)
{
	/* A plugin whose init failed is forgotten: its part is not checked. */
	const char *in = "{\"test\": {\"settings\": {\"bogus\": 1}}, "
			 "\"aux\": {\"options\": {\"level\": 99}}}";
	json_t *out;

	schema_remove_plugin(&sch, "test");
	schema_remove_plugin(&sch, "aux");
	out = norm_ok(in);
	ck_assert_json(out, in);
	json_decref(out);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Normalising trees: errors and their paths                           */

START_TEST(test_normalize_error_paths)
{
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN
			  ", \"port\": 70000}}}",
			  MGMTD_E_INVALID, "test.settings.port");
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN
			  ", \"port\": \"80\"}}}",
			  MGMTD_E_INVALID, "test.settings.port");
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN
			  ", \"mode\": \"slow\"}}}",
			  MGMTD_E_INVALID, "test.settings.mode");
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN
			  ", \"label\": \"Web\"}}}",
			  MGMTD_E_INVALID, "test.settings.label");
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN
			  ", \"listen\": \"::1\"}}}",
			  MGMTD_E_INVALID, "test.settings.listen");
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN
			  ", \"root\": \"rel/path\"}}}",
			  MGMTD_E_INVALID, "test.settings.root");
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN
			  ", \"quota\": \"10Q\"}}}",
			  MGMTD_E_INVALID, "test.settings.quota");
	ck_assert_one_err("{\"test\": {\"settings\": {\"hostname\": \"-x\"}}}",
			  MGMTD_E_INVALID, "test.settings.hostname");
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN "},"
			  "\"items\": [{\"name\": \"db1\","
			  "\"address\": \"not-an-ip\"}]}}",
			  MGMTD_E_INVALID, "test.items[db1].address");
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN "},"
			  "\"items\": [{\"name\": \"db1\","
			  "\"address\": \"10.0.0.1\", \"size\": -1}]}}",
			  MGMTD_E_INVALID, "test.items[db1].size");
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN "},"
			  "\"items\": [{\"name\": \"db1\"}]}}",
			  MGMTD_E_INVALID, "test.items[db1].address");
	ck_assert_one_err("{\"aux\": {\"peers\": [{\"addr\": \"x\"}]},"
			  "\"test\": {\"settings\": {" SETTINGS_MIN "}}}",
			  MGMTD_E_INVALID, "aux.peers[x].addr");
}
END_TEST

START_TEST(test_normalize_item_without_key_is_named_by_position)
{
	struct mgmtd_err err;

	norm_bad("{\"test\": {\"settings\": {" SETTINGS_MIN "},"
		 "\"items\": [{\"name\": \"db1\", \"address\": \"10.0.0.1\"},"
		 "{\"address\": \"10.0.0.2\"}]}}",
		 &err);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_err(&err, 0, MGMTD_E_INVALID, "test.items[#2].name");
	ck_assert_str_eq(err.items[0].message, "is required");

	/* a key of the wrong type: also by position */
	norm_bad("{\"test\": {\"settings\": {" SETTINGS_MIN "},"
		 "\"items\": [{\"name\": true, \"address\": \"10.0.0.1\"}]}}",
		 &err);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_err(&err, 0, MGMTD_E_INVALID, "test.items[#1].name");

	/* an item that is not an object */
	norm_bad("{\"test\": {\"settings\": {" SETTINGS_MIN "},"
		 "\"items\": [{\"name\": \"a\", \"address\": \"10.0.0.1\"}, 5]}}",
		 &err);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_err(&err, 0, MGMTD_E_INVALID, "test.items[#2]");
}
END_TEST

START_TEST(test_normalize_list_errors)
{
	struct mgmtd_err err;

	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN
			  ", \"list\": [\"a\", \"b\", \"c\", \"d\"]}}}",
			  MGMTD_E_INVALID, "test.settings.list");
	norm_bad("{\"test\": {\"settings\": {" SETTINGS_MIN
		 ", \"list\": [\"a\", \"b\", \"c\", \"d\"]}}}",
		 &err);
	ck_assert_str_eq(err.items[0].message,
			 "must have at most 3 items (has 4)");

	/* exactly max_items is fine */
	json_decref(norm_ok("{\"test\": {\"settings\": {" SETTINGS_MIN
			    ", \"list\": [\"a\", \"b\", \"c\"]}}}"));
	/* an empty list is a list, not "unset" */
	json_t *out = norm_ok("{\"test\": {\"settings\": {" SETTINGS_MIN
			      ", \"list\": []}}}");
	ck_assert_json(json_object_get(json_object_get(json_object_get(out,
								       "test"),
						       "settings"),
				       "list"),
		       "[]");
	json_decref(out);

	norm_bad("{\"test\": {\"settings\": {" SETTINGS_MIN
		 ", \"list\": \"a\"}}}",
		 &err);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_err(&err, 0, MGMTD_E_INVALID, "test.settings.list");
	ck_assert_str_eq(err.items[0].message, "must be a list of string");

	norm_bad("{\"test\": {\"settings\": {" SETTINGS_MIN
		 ", \"list\": [\"a\", 2]}}}",
		 &err);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_err(&err, 0, MGMTD_E_INVALID, "test.settings.list");
	ck_assert_str_eq(err.items[0].message, "item 2: must be a string");

	/* repeats are compared canonically: 1K and 1024 are the same */
	norm_bad("{\"test\": {\"settings\": {" SETTINGS_MIN
		 ", \"limits\": [\"1K\", 1024]}}}",
		 &err);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_err(&err, 0, MGMTD_E_INVALID, "test.settings.limits");
	ck_assert_str_eq(err.items[0].message, "item 2 repeats item 1");
}
END_TEST

START_TEST(test_normalize_list_repeat_after_bad_item_names_right_items)
{
	struct mgmtd_err err;

	/* Item 2 is bad; item 3 repeats item 1. */
	norm_bad("{\"test\": {\"settings\": {" SETTINGS_MIN
		 ", \"limits\": [\"1K\", \"junk\", 1024]}}}",
		 &err);
	ck_assert_uint_eq(err.count, 2);
	ck_assert_err(&err, 0, MGMTD_E_INVALID, "test.settings.limits");
	ck_assert_ptr_nonnull(strstr(err.items[0].message, "item 2: "));
	ck_assert_err(&err, 1, MGMTD_E_INVALID, "test.settings.limits");
	ck_assert_str_eq(err.items[1].message, "item 3 repeats item 1");

	/* Item 1 is bad; item 3 repeats item 2, and says so. */
	norm_bad("{\"test\": {\"settings\": {" SETTINGS_MIN
		 ", \"limits\": [\"junk\", \"1K\", 1024]}}}",
		 &err);
	ck_assert_uint_eq(err.count, 2);
	ck_assert_ptr_nonnull(strstr(err.items[0].message, "item 1: "));
	ck_assert_str_eq(err.items[1].message, "item 3 repeats item 2");
}
END_TEST

START_TEST(test_normalize_duplicate_keys_conflict)
{
	struct mgmtd_err err;

	norm_bad("{\"test\": {\"settings\": {" SETTINGS_MIN "},"
		 "\"items\": [{\"name\": \"db1\", \"address\": \"10.0.0.1\"},"
		 "{\"name\": \"db2\", \"address\": \"10.0.0.2\"},"
		 "{\"name\": \"db1\", \"address\": \"10.0.0.3\"}]}}",
		 &err);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_err(&err, 0, MGMTD_E_CONFLICT, "test.items[db1]");
	ck_assert_str_eq(err.items[0].message, "name is used by two objects");

	/* keys are compared in canonical form */
	norm_bad("{\"aux\": {\"peers\": [{\"addr\": \"2001:db8::1\"},"
		 "{\"addr\": \"2001:DB8:0::1\"}]},"
		 "\"test\": {\"settings\": {" SETTINGS_MIN "}}}",
		 &err);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_err(&err, 0, MGMTD_E_CONFLICT, "aux.peers[2001:DB8:0::1]");
}
END_TEST

START_TEST(test_normalize_max_objects)
{
	struct mgmtd_err err;

	json_decref(norm_ok(
		"{\"test\": {\"settings\": {" SETTINGS_MIN "}, \"items\": ["
		"{\"name\": \"a\", \"address\": \"10.0.0.1\"},"
		"{\"name\": \"b\", \"address\": \"10.0.0.1\"},"
		"{\"name\": \"c\", \"address\": \"10.0.0.1\"}]}}"));
	norm_bad("{\"test\": {\"settings\": {" SETTINGS_MIN "}, \"items\": ["
		 "{\"name\": \"a\", \"address\": \"10.0.0.1\"},"
		 "{\"name\": \"b\", \"address\": \"10.0.0.1\"},"
		 "{\"name\": \"c\", \"address\": \"10.0.0.1\"},"
		 "{\"name\": \"d\", \"address\": \"10.0.0.1\"}]}}",
		 &err);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_err(&err, 0, MGMTD_E_INVALID, "test.items");
	ck_assert_str_eq(err.items[0].message, "at most 3 objects allowed");
}
END_TEST

START_TEST(test_normalize_not_writable)
{
	struct mgmtd_err err;

	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN
			  ", \"bogus\": 1}}}",
			  MGMTD_E_NOT_WRITABLE, "test.settings.bogus");
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN
			  ", \"uptime\": 5}}}",
			  MGMTD_E_NOT_WRITABLE, "test.settings.uptime");
	/* even a null state attribute is refused */
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN
			  ", \"uptime\": null}}}",
			  MGMTD_E_NOT_WRITABLE, "test.settings.uptime");
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN "},"
			  "\"items\": [{\"name\": \"db1\", \"address\": "
			  "\"10.0.0.1\", \"hits\": 3}]}}",
			  MGMTD_E_NOT_WRITABLE, "test.items[db1].hits");
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN "},"
			  "\"bogus\": {}}}",
			  MGMTD_E_NOT_WRITABLE, "test.bogus");
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN "},"
			  "\"status\": {}}}",
			  MGMTD_E_NOT_WRITABLE, "test.status");
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN "},"
			  "\"sessions\": []}}",
			  MGMTD_E_NOT_WRITABLE, "test.sessions");

	norm_bad("{\"test\": {\"settings\": {" SETTINGS_MIN "},"
		 "\"bogus\": 1, \"status\": {}}}",
		 &err);
	ck_assert_str_eq(err.items[0].message, "unknown class");
	ck_assert_str_eq(err.items[1].message, "is read-only (live state)");
}
END_TEST


START_TEST(test_normalize_bad_shapes)
{
	struct mgmtd_err err = { 0 };
	json_t *in = json_string("x"), *out = NULL;

	ck_assert_int_eq(schema_normalize_tree(&sch, in, &out, &err), -EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_err(&err, 0, MGMTD_E_INVALID, "");
	json_decref(in);

	ck_assert_one_err("{\"test\": [], \"aux\": {}}", MGMTD_E_INVALID,
			  "test");
	ck_assert_one_err("{\"test\": {\"settings\": []}}", MGMTD_E_INVALID,
			  "test.settings");
	ck_assert_one_err("{\"test\": {\"settings\": {" SETTINGS_MIN "},"
			  "\"items\": {}}}",
			  MGMTD_E_INVALID, "test.items");
	norm_bad("{\"test\": {\"settings\": {" SETTINGS_MIN "},"
		 "\"items\": {\"name\": \"x\"}}}",
		 &err);
	ck_assert_str_eq(err.items[0].message, "must be a list of objects");
}
END_TEST

START_TEST(test_normalize_collects_every_error)
{
	struct mgmtd_err err;

	norm_bad("{\"test\": {"
		 "\"settings\": {\"port\": 0, \"mode\": \"x\", \"bogus\": 1,"
		 "\"list\": [1, 2, 3, 4]},"
		 "\"items\": [{\"name\": \"db1\", \"address\": \"bad\"},"
		 "{\"address\": \"10.0.0.1\"},"
		 "{\"name\": \"db1\", \"address\": \"10.0.0.1\"}],"
		 "\"nosuch\": {}},"
		 "\"aux\": {\"options\": {\"level\": 10}}}",
		 &err);
	ck_assert_uint_eq(err.count, 9);
	ck_assert_uint_eq(err.dropped, 0);
	ck_assert(err_has(&err, MGMTD_E_NOT_WRITABLE, "test.nosuch"));
	ck_assert(err_has(&err, MGMTD_E_NOT_WRITABLE, "test.settings.bogus"));
	ck_assert(err_has(&err, MGMTD_E_INVALID, "test.settings.hostname"));
	ck_assert(err_has(&err, MGMTD_E_INVALID, "test.settings.port"));
	ck_assert(err_has(&err, MGMTD_E_INVALID, "test.settings.mode"));
	ck_assert(err_has(&err, MGMTD_E_INVALID, "test.settings.list"));
	ck_assert(err_has(&err, MGMTD_E_INVALID, "test.items[db1].address"));
	ck_assert(err_has(&err, MGMTD_E_INVALID, "test.items[#2].name"));
	ck_assert(err_has(&err, MGMTD_E_INVALID, "aux.options.level"));
	/* the third item is valid alone but its key is taken: since the
	 * first db1 was itself invalid, it is not counted as a duplicate */
	ck_assert(!err_has(&err, MGMTD_E_CONFLICT, "test.items[db1]"));
}
END_TEST

START_TEST(test_normalize_error_list_overflow)
{
	struct mgmtd_err err;
	char in[4096];
	size_t n;

	/* 20 bad attributes: 16 are recorded, the rest counted. */
	n = (size_t)snprintf(in, sizeof(in),
			     "{\"test\": {\"settings\": {" SETTINGS_MIN);
	for (int i = 0; i < 20; i++)
		n += (size_t)snprintf(in + n, sizeof(in) - n, ", \"x%02d\": 1",
				      i);
	snprintf(in + n, sizeof(in) - n, "}}}");
	norm_bad(in, &err);
	ck_assert_uint_eq(err.count, MGMTD_ERR_MAX);
	ck_assert_uint_eq(err.dropped, 20 - MGMTD_ERR_MAX);
	ck_assert_err(&err, 0, MGMTD_E_NOT_WRITABLE, "test.settings.x00");
	ck_assert_err(&err, 15, MGMTD_E_NOT_WRITABLE, "test.settings.x15");
}
END_TEST

START_TEST(test_normalize_error_messages_do_not_quote_secrets)
{
	struct mgmtd_err err;
	const struct mgmtd_attr secret = {
		.name = "password", .type = MGMTD_T_SECRET, .flags = CFG,
		.snmp_column = 1, .description = "d", .min = 12,
	};
	const struct mgmtd_attr attrs[] = { secret, { .name = NULL } };
	const struct mgmtd_class c = {
		.name = "c", .kind = MGMTD_SINGLETON, .snmp_table = 1,
		.description = "d", .attrs = attrs,
	};
	const struct schema_class sc = { .cls = &c, .n_attrs = 1,
					 .has_config = true };
	json_t *in = load("{\"password\": \"hunter2\"}"), *out = NULL;

	err_clear(&err);
	ck_assert_int_eq(schema_normalize_object(&sc, "p.c", in, &out, &err),
			 -EINVAL);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_err(&err, 0, MGMTD_E_INVALID, "p.c.password");
	ck_assert_ptr_null(strstr(err.items[0].message, "hunter2"));
	json_decref(in);
}
END_TEST

/* ------------------------------------------------------------------ */
/* One object, as a REST client gives it                               */

START_TEST(test_normalize_object_directly)
{
	const struct schema_class *sc =
		schema_class_find(schema_plugin_find(&sch, "test"), "items");
	struct mgmtd_err err = { 0 };
	json_t *in, *out = NULL;

	in = load("{\"size\": \"4K\", \"address\": \"10.0.0.1\", "
		  "\"name\": \"x\", \"aliases\": null}");
	ck_assert_int_eq(schema_normalize_object(sc, "test.items[x]", in, &out,
						 &err),
			 0);
	ck_assert_uint_eq(err.count, 0);
	ck_assert_json(out, "{\"name\": \"x\", \"address\": \"10.0.0.1\","
			    "\"size\": 4096}");
	json_decref(out);
	json_decref(in);

	/* errors are under the path given */
	out = NULL;
	in = load("{\"address\": \"bad\", \"hits\": 1, \"size\": \"1X\"}");
	ck_assert_int_eq(schema_normalize_object(sc, "test.items[#5]", in, &out,
						 &err),
			 -EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(err.count, 4);
	ck_assert_err(&err, 0, MGMTD_E_NOT_WRITABLE, "test.items[#5].hits");
	ck_assert_err(&err, 1, MGMTD_E_INVALID, "test.items[#5].name");
	ck_assert_err(&err, 2, MGMTD_E_INVALID, "test.items[#5].address");
	ck_assert_err(&err, 3, MGMTD_E_INVALID, "test.items[#5].size");
	json_decref(in);

	err_clear(&err);
	in = json_array();
	ck_assert_int_eq(schema_normalize_object(sc, "test.items[y]", in, &out,
						 &err),
			 -EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(err.count, 1);
	ck_assert_err(&err, 0, MGMTD_E_INVALID, "test.items[y]");
	ck_assert_str_eq(err.items[0].message, "must be an object");
	json_decref(in);
}
END_TEST

START_TEST(test_normalize_object_singleton_defaults)
{
	const struct schema_class *sc =
		schema_class_find(schema_plugin_find(&sch, "aux"), "options");
	struct mgmtd_err err = { 0 };
	json_t *in = json_object(), *out = NULL;

	ck_assert_int_eq(schema_normalize_object(sc, "aux.options", in, &out,
						 &err),
			 0);
	ck_assert_json(out, "{\"level\": 3}");
	json_decref(out);
	json_decref(in);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Masking secrets                                                     */

START_TEST(test_mask_secrets_removes_secrets_only)
{
	json_t *tree = norm_ok(
		"{\"test\": {\"settings\": {" SETTINGS_MIN
		", \"password\": \"pw\", \"label\": \"l\"},"
		"\"items\": [{\"name\": \"a\", \"address\": \"10.0.0.1\","
		"\"token\": \"t1\"}, {\"name\": \"b\", \"address\": "
		"\"10.0.0.2\"}]},"
		"\"ghost\": {\"password\": \"not ours to mask\"}}");
	json_t *before = json_deep_copy(tree);
	json_t *masked = schema_mask_secrets(&sch, tree), *want;
	char *text;

	ck_assert_ptr_nonnull(masked);
	ck_assert_ptr_ne(masked, tree);
	ck_assert_msg(json_equal(tree, before), "input was modified");
	/* the same tree minus password and token */
	want = json_deep_copy(tree);
	json_object_del(json_object_get(json_object_get(want, "test"),
					"settings"),
			"password");
	json_object_del(json_array_get(json_object_get(json_object_get(want,
								       "test"),
						       "items"),
				       0),
			"token");
	ck_assert_msg(json_equal(masked, want), "masked tree differs");
	text = dump(masked);
	ck_assert_ptr_null(strstr(text, "\"pw\""));
	ck_assert_ptr_null(strstr(text, "\"t1\""));
	free(text);
	json_decref(want);
	json_decref(masked);
	json_decref(before);
	json_decref(tree);
}
END_TEST

START_TEST(test_mask_secrets_tolerates_odd_trees)
{
	json_t *in = load("{\"test\": {\"settings\": 5, \"items\": [1, "
			  "{\"token\": \"x\"}]}, \"aux\": []}");
	json_t *m = schema_mask_secrets(&sch, in);

	ck_assert_json(m, "{\"test\": {\"settings\": 5, \"items\": [1, {}]},"
			  "\"aux\": []}");
	json_decref(m);
	json_decref(in);
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *schema_suite(void)
{
	Suite *s = suite_create("schema");
	TCase *tc;

	tc = tcase_create("add_plugin");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_add_accepts_test_plugin);
	tcase_add_test(tc, test_find_functions);
	tcase_add_test(tc, test_object_path);
	tcase_add_test(tc, test_add_accepts_minimal_forms);
	tcase_add_test(tc, test_add_refuses_bad_attribute_names);
	tcase_add_test(tc, test_add_refuses_bad_keys);
	tcase_add_test(tc, test_add_refuses_duplicate_names_and_columns);
	tcase_add_test(tc, test_add_refuses_bad_attribute_definitions);
	tcase_add_test(tc, test_add_refuses_broken_defaults);
	tcase_add_test(tc, test_add_checks_actions);
	tcase_add_test(tc, test_add_refuses_bad_classes);
	tcase_add_test(tc, test_add_refuses_duplicate_classes);
	tcase_add_test(tc, test_add_refuses_bad_plugin_names);
	tcase_add_test(tc, test_add_refuses_incomplete_plugins);
	tcase_add_test(tc, test_add_refuses_duplicate_plugin_and_arc);
	tcase_add_test(tc, test_add_refusal_after_first_class_leaves_no_trace);
	tcase_add_test(tc, test_remove_and_fini);
	suite_add_tcase(s, tc);

	tc = tcase_create("normalize");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_normalize_canonical_forms);
	tcase_add_test(tc, test_normalize_applies_defaults);
	tcase_add_test(tc, test_normalize_order_is_declaration_order);
	tcase_add_test(tc, test_normalize_is_idempotent);
	tcase_add_test(tc, test_normalize_missing_plugin_section_gives_empty_classes);
	tcase_add_test(tc, test_normalize_null_means_unset);
	tcase_add_test(tc, test_normalize_keeps_sections_of_plugins_not_loaded);
	tcase_add_test(tc, test_normalize_removed_plugin_is_kept_verbatim);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_normalize_error_paths);
	tcase_add_test(tc, test_normalize_item_without_key_is_named_by_position);
	tcase_add_test(tc, test_normalize_list_errors);
	tcase_add_test(tc, test_normalize_list_repeat_after_bad_item_names_right_items);
	tcase_add_test(tc, test_normalize_duplicate_keys_conflict);
	tcase_add_test(tc, test_normalize_max_objects);
	tcase_add_test(tc, test_normalize_not_writable);
	tcase_add_test(tc, test_normalize_bad_shapes);
	tcase_add_test(tc, test_normalize_collects_every_error);
	tcase_add_test(tc, test_normalize_error_list_overflow);
	tcase_add_test(tc, test_normalize_error_messages_do_not_quote_secrets);
	suite_add_tcase(s, tc);

	tc = tcase_create("object");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_normalize_object_directly);
	tcase_add_test(tc, test_normalize_object_singleton_defaults);
	suite_add_tcase(s, tc);

	tc = tcase_create("mask");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mask_secrets_removes_secrets_only);
	tcase_add_test(tc, test_mask_secrets_tolerates_odd_trees);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(schema_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
