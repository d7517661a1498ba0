/* REST: the pure parts, against a core running the test plugin:
 * routing, roles, problems, bodies, audit masking, settings, and the
 * structure of the schema and OpenAPI documents. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_config.h"
#include "rest_internal.h"
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

static struct rest_route route(const char *path, unsigned method)
{
	struct rest_route rt;

	rest_route_parse(&core->schema, path, method, &rt);
	return rt;
}

START_TEST(route_fixed_paths)
{
	ck_assert_int_eq(route("/api/v1", REST_GET).kind, RT_INDEX);
	ck_assert_int_eq(route("/api/v1/", REST_GET).kind, RT_INDEX);
	ck_assert_int_eq(route("/api/v1/schema", REST_GET).kind, RT_SCHEMA);
	ck_assert_int_eq(route("/api/v1/openapi.json", REST_GET).kind, RT_OPENAPI);
	ck_assert_int_eq(route("/api/v1/session", REST_POST).kind, RT_SESSION);
	ck_assert_int_eq(route("/api/v1/auth/users", REST_GET).kind, RT_USERS);
	ck_assert_int_eq(route("/api/v1/auth/tokens/ab12", REST_DELETE).kind,
			 RT_TOKEN);
	ck_assert_str_eq(route("/api/v1/auth/users/bob", REST_PATCH).arg, "bob");
	ck_assert_int_eq(route("/api/v1/config/versions/7", REST_GET).kind,
			 RT_VERSION);
	ck_assert_str_eq(route("/api/v1/config/versions/7", REST_GET).arg, "7");
	ck_assert_int_eq(route("/api/v1/config/diff", REST_GET).kind, RT_DIFF);
	ck_assert_int_eq(route("/api/v1/config/rollback", REST_POST).kind,
			 RT_ROLLBACK);
	ck_assert_int_eq(route("/api/v1/config/confirm", REST_POST).kind,
			 RT_CONFIRM);
	ck_assert_int_eq(route("/api/v1/events/stream", REST_GET).kind, RT_STREAM);
	ck_assert_int_eq(route("/api/v1/commands", REST_GET).kind, RT_COMMANDS);
	/* Not ours, or nothing there. */
	ck_assert_int_eq(route("/api/v10", REST_GET).kind, RT_NONE);
	ck_assert_int_eq(route("/index.html", REST_GET).kind, RT_NONE);
	ck_assert_int_eq(route("/api/v1/nope/settings", REST_GET).kind, RT_NONE);
	ck_assert_int_eq(route("/api/v1/testa/nope", REST_GET).kind, RT_NONE);
	ck_assert_int_eq(route("/api/v1/a/b/c/d/e/f/g/h/i", REST_GET).kind,
			 RT_NONE);
}
END_TEST

START_TEST(route_classes_objects_actions)
{
	struct rest_route rt = route("/api/v1/testa/settings", REST_GET);

	ck_assert_int_eq(rt.kind, RT_CLASS);
	ck_assert_str_eq(rt.sc->cls->name, "settings");
	ck_assert(rt.methods & REST_PATCH);
	ck_assert(!(rt.methods & REST_POST));
	rt = route("/api/v1/testa/items", REST_POST);
	ck_assert_int_eq(rt.kind, RT_CLASS);
	ck_assert(rt.methods & REST_POST);
	ck_assert(!(rt.methods & REST_DELETE));
	rt = route("/api/v1/testa/items/a%20b", REST_DELETE);
	ck_assert_int_eq(rt.kind, RT_OBJECT);
	ck_assert(rt.has_key);
	ck_assert_str_eq(rt.key, "a%20b");
	ck_assert(rt.methods & REST_DELETE);
	/* A singleton's action, any method routes there (405 but POST). */
	rt = route("/api/v1/testa/settings/touch", REST_POST);
	ck_assert_int_eq(rt.kind, RT_ACTION);
	ck_assert_str_eq(rt.act->name, "touch");
	ck_assert(!rt.has_key);
	ck_assert_int_eq(route("/api/v1/testa/settings/touch", REST_GET).methods,
			 REST_POST | REST_OPTIONS);
	ck_assert_int_eq(route("/api/v1/testa/settings/nope", REST_POST).kind,
			 RT_NONE);
	/* POST to an object with no such action: the method is wrong. */
	rt = route("/api/v1/testa/items/x", REST_POST);
	ck_assert_int_eq(rt.kind, RT_OBJECT);
	ck_assert(!(rt.methods & REST_POST));
	ck_assert_int_eq(route("/api/v1/testa/items/x/nope", REST_POST).kind,
			 RT_NONE);
	ck_assert_int_eq(rest_method_parse("PATCH"), REST_PATCH);
	ck_assert_int_eq(rest_method_parse("BREW"), 0);
}
END_TEST

START_TEST(roles)
{
	struct rest_route rt = route("/api/v1/testa/settings", REST_GET);

	ck_assert_int_eq(rest_required_role(&rt, REST_GET), AUTH_ROLE_MONITOR);
	ck_assert_int_eq(rest_required_role(&rt, REST_PATCH), AUTH_ROLE_OPERATOR);
	rt = route("/api/v1/testa/settings/touch", REST_POST);
	ck_assert_int_eq(rest_required_role(&rt, REST_POST), AUTH_ROLE_OPERATOR);
	rt = route("/api/v1/auth/users", REST_GET);
	ck_assert_int_eq(rest_required_role(&rt, REST_GET), AUTH_ROLE_ADMIN);
	rt = route("/api/v1/auth/tokens", REST_POST);
	ck_assert_int_eq(rest_required_role(&rt, REST_POST), AUTH_ROLE_ADMIN);
	rt = route("/api/v1/auth/users/bob", REST_PATCH);
	ck_assert_int_eq(rest_required_role(&rt, REST_PATCH), AUTH_ROLE_MONITOR);
	ck_assert_int_eq(rest_required_role(&rt, REST_DELETE), AUTH_ROLE_ADMIN);
	rt = route("/api/v1/config/rollback", REST_POST);
	ck_assert_int_eq(rest_required_role(&rt, REST_POST), AUTH_ROLE_OPERATOR);
	/* Logs: operators read (the system log says much), admins export. */
	rt = route("/api/v1/logs", REST_GET);
	ck_assert_int_eq(rt.kind, RT_LOGS);
	ck_assert_int_eq(rest_required_role(&rt, REST_GET), AUTH_ROLE_OPERATOR);
	rt = route("/api/v1/logs/smbd", REST_GET);
	ck_assert_int_eq(rt.kind, RT_LOG);
	ck_assert_str_eq(rt.arg, "smbd");
	ck_assert_int_eq(rest_required_role(&rt, REST_GET), AUTH_ROLE_OPERATOR);
	rt = route("/api/v1/logs/smbd/follow", REST_GET);
	ck_assert_int_eq(rt.kind, RT_LOG_FOLLOW);
	ck_assert_str_eq(rt.arg, "smbd");
	ck_assert_int_eq(rest_required_role(&rt, REST_GET), AUTH_ROLE_OPERATOR);
	rt = route("/api/v1/logs/export", REST_GET);
	ck_assert_int_eq(rt.kind, RT_LOG_EXPORT);
	ck_assert_int_eq(rest_required_role(&rt, REST_GET), AUTH_ROLE_ADMIN);
	ck_assert_int_eq(route("/api/v1/logs/smbd/nope", REST_GET).kind, RT_NONE);
	/* An admin-only action. */
	{
		static const struct mgmtd_action act = {
			.name = "wipe", .description = "wipe",
			.flags = MGMTD_ACT_ADMIN,
		};
		struct rest_route a = { .kind = RT_ACTION, .act = &act };
		ck_assert_int_eq(rest_required_role(&a, REST_POST), AUTH_ROLE_ADMIN);
	}
}
END_TEST

START_TEST(problems)
{
	struct mgmtd_err err = { 0 };
	json_t *p, *api;

	p = rest_problem(404, "nothing here");
	ck_assert_str_eq(json_string_value(json_object_get(p, "type")), "about:blank");
	ck_assert_str_eq(json_string_value(json_object_get(p, "title")), "Not Found");
	ck_assert_int_eq(json_integer_value(json_object_get(p, "status")), 404);
	json_decref(p);
	mgmtd_err_add(&err, MGMTD_E_INVALID, "testa.items[a].size", "bad size");
	mgmtd_err_add(&err, MGMTD_E_INVALID, "testa.items[b].size", "worse");
	p = rest_problem_err(0, &err);
	ck_assert_int_eq(json_integer_value(json_object_get(p, "status")), 400);
	ck_assert_str_eq(json_string_value(json_object_get(p, "detail")),
			 "testa.items[a].size: bad size (and 1 more)");
	ck_assert_int_eq(json_array_size(json_object_get(p, "errors")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_array_get(json_object_get(p, "errors"), 1), "path")),
			 "testa.items[b].size");
	json_decref(p);
	err = (struct mgmtd_err){ 0 };
	mgmtd_err_add(&err, MGMTD_E_CONFLICT, "x", "taken");
	ck_assert_int_eq(json_integer_value(json_object_get(
				 p = rest_problem_err(0, &err), "status")), 409);
	json_decref(p);
	/* An api_handle refusal keeps its status (412 from If-Match). */
	api = json_pack("{s:b, s:i, s:s, s:[{s:s, s:s}]}", "ok", 0, "status",
			412, "title", "precondition failed", "errors", "path",
			"testa.settings", "message", "changed");
	p = rest_problem_from_api(api);
	ck_assert_int_eq(json_integer_value(json_object_get(p, "status")), 412);
	ck_assert_str_eq(json_string_value(json_object_get(p, "title")),
			 "Precondition Failed");
	json_decref(p);
	json_decref(api);
	ck_assert_str_eq(rest_status_text(413), "Content Too Large");
	ck_assert_str_eq(rest_status_text(415), "Unsupported Media Type");
}
END_TEST

START_TEST(bodies)
{
	char detail[256];
	json_t *v = NULL;

	ck_assert(rest_content_type_is_json("application/json"));
	ck_assert(rest_content_type_is_json("Application/JSON; charset=utf-8"));
	ck_assert(rest_content_type_is_json("application/merge-patch+json"));
	ck_assert(!rest_content_type_is_json("text/plain"));
	ck_assert(!rest_content_type_is_json("application/+json"));
	ck_assert(!rest_content_type_is_json(NULL));
	ck_assert_int_eq(rest_body_parse("application/json", "{\"a\":1}", 7,
					 100, &v, detail, sizeof(detail)), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(v, "a")), 1);
	json_decref(v);
	ck_assert_int_eq(rest_body_parse("text/plain", "{}", 2, 100, &v, detail,
					 sizeof(detail)), 415);
	ck_assert_int_eq(rest_body_parse("application/json", "{}", 2, 1, &v,
					 detail, sizeof(detail)), 413);
	ck_assert_int_eq(rest_body_parse("application/json", "[1]", 3, 100, &v,
					 detail, sizeof(detail)), 400);
	ck_assert_int_eq(rest_body_parse("application/json", "{\"a\":", 5, 100,
					 &v, detail, sizeof(detail)), 400);
	ck_assert_ptr_nonnull(strstr(detail, "not valid JSON"));
	ck_assert_int_eq(rest_body_parse("application/json", "{\"a\":1,\"a\":2}",
					 13, 100, &v, detail, sizeof(detail)), 400);
	ck_assert_ptr_null(v);
}
END_TEST

START_TEST(audit_masks_secrets)
{
	char buf[256];
	json_t *b = json_pack("{s:s, s:s, s:s}", "name", "bob", "password",
			      "hunter22", "token", "t0k");

	rest_body_audit_text(NULL, b, buf, sizeof(buf));
	ck_assert_ptr_null(strstr(buf, "hunter22"));
	ck_assert_ptr_null(strstr(buf, "t0k"));
	ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"bob\""));
	rest_body_audit_text(NULL, b, buf, 12);
	ck_assert_int_eq(strlen(buf), 11);
	ck_assert_str_eq(buf + 8, "...");
	json_decref(b);
}
END_TEST

START_TEST(settings_and_listeners)
{
	char path[4096], msg[512], spec[256];
	struct daemon_config *dc;
	struct rest_settings s;
	bool present;
	FILE *f;

	ck_assert(rest_addr_is_loopback("127.0.0.1:8080"));
	ck_assert(rest_addr_is_loopback("127.1.2.3:0"));
	ck_assert(rest_addr_is_loopback("[::1]:8080"));
	ck_assert(rest_addr_is_loopback("localhost:80"));
	ck_assert(!rest_addr_is_loopback("0.0.0.0:8080"));
	ck_assert(!rest_addr_is_loopback("192.0.2.1:8080"));
	ck_assert(!rest_addr_is_loopback("[::]:8080"));
	ck_assert(!rest_addr_is_loopback("8080"));
	snprintf(path, sizeof(path), "%s/d.conf", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("rest = { http = [ \"0.0.0.0:8080\" ]; };\n", f);
	fclose(f);
	ck_assert_int_eq(daemon_config_load(path, &dc, msg, sizeof(msg)), 0);
	ck_assert_int_eq(rest_settings_load(dc, &present, &s, msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "not a loopback address"));
	daemon_config_free(dc);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("rest = { http = [ \"127.0.0.1:0\" ]; https = [ \"[::1]:8443\" ];"
	      " threads = 8; };\n", f);
	fclose(f);
	ck_assert_int_eq(daemon_config_load(path, &dc, msg, sizeof(msg)), 0);
	ck_assert_int_eq(rest_settings_load(dc, &present, &s, msg, sizeof(msg)), 0);
	ck_assert(present);
	ck_assert_int_eq(s.threads, 8);
	ck_assert_int_le(s.max_streams, 4);
	ck_assert_int_eq(rest_listen_spec(&s, spec, sizeof(spec)), 0);
	ck_assert_str_eq(spec, "127.0.0.1:0,[::1]:8443s");
	rest_settings_fini(&s);
	daemon_config_free(dc);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("rest = { htp = [ \"127.0.0.1:1\" ]; };\n", f);
	fclose(f);
	ck_assert_int_eq(daemon_config_load(path, &dc, msg, sizeof(msg)), 0);
	ck_assert_int_eq(rest_settings_load(dc, &present, &s, msg, sizeof(msg)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "unknown setting"));
	daemon_config_free(dc);
}
END_TEST

/* Every "$ref" in doc names something in doc. */
static void check_refs(json_t *doc, json_t *v)
{
	const char *k;
	json_t *item;
	size_t i;

	if (json_is_array(v))
		json_array_foreach(v, i, item)
			check_refs(doc, item);
	if (!json_is_object(v))
		return;
	json_object_foreach(v, k, item) {
		if (!strcmp(k, "$ref")) {
			char *copy = strdup(json_string_value(item) + 2), *save = NULL;
			json_t *at = doc;
			for (char *seg = strtok_r(copy, "/", &save); seg && at;
			     seg = strtok_r(NULL, "/", &save))
				at = json_object_get(at, seg);
			ck_assert_msg(at != NULL, "dangling $ref %s",
				      json_string_value(item));
			free(copy);
		} else {
			check_refs(doc, item);
		}
	}
}

START_TEST(openapi_structure)
{
	json_t *doc = rest_openapi_doc(&core->schema, "1.0"), *paths, *ids, *op;
	const char *path, *method;
	json_t *item;

	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	paths = json_object_get(doc, "paths");
	ck_assert_ptr_nonnull(json_object_get(json_object_get(paths,
		"/api/v1/testa/settings"), "patch"));
	ck_assert_ptr_nonnull(json_object_get(json_object_get(paths,
		"/api/v1/testa/settings/touch"), "post"));
	ck_assert_ptr_nonnull(json_object_get(json_object_get(paths,
		"/api/v1/testa/items"), "post"));
	ck_assert_ptr_nonnull(json_object_get(json_object_get(paths,
		"/api/v1/testa/items/{name}"), "delete"));
	ck_assert_ptr_null(json_object_get(json_object_get(paths,
		"/api/v1/testa/settings"), "delete"));
	ck_assert_ptr_nonnull(json_object_get(paths, "/api/v1/config/versions/{version}"));
	/* Operation ids are unique; every operation answers problems. */
	ids = json_object();
	json_object_foreach(paths, path, item)
		json_object_foreach(item, method, op) {
			const char *id;
			if (!strcmp(method, "parameters"))
				continue;
			id = json_string_value(json_object_get(op, "operationId"));
			ck_assert_ptr_nonnull(id);
			ck_assert_msg(!json_object_get(ids, id), "duplicate %s", id);
			json_object_set_new(ids, id, json_true());
			ck_assert_ptr_nonnull(json_object_get(
				json_object_get(op, "responses"), "default"));
		}
	json_decref(ids);
	/* State is read-only, the key required, the enum listed. */
	item = json_object_get(json_object_get(json_object_get(doc, "components"),
					       "schemas"), "testa.settings");
	ck_assert(json_is_true(json_object_get(json_object_get(
		json_object_get(item, "properties"), "applied"), "readOnly")));
	ck_assert_int_eq(json_array_size(json_object_get(json_object_get(
		json_object_get(item, "properties"), "fail_in"), "enum")), 3);
	item = json_object_get(json_object_get(json_object_get(doc, "components"),
					       "schemas"), "testa.items");
	ck_assert_str_eq(json_string_value(json_array_get(
		json_object_get(item, "required"), 0)), "name");
	check_refs(doc, doc);
	json_decref(doc);
}
END_TEST

START_TEST(schema_document)
{
	json_t *doc = rest_schema_doc(&core->schema);
	json_t *p = json_array_get(json_object_get(doc, "plugins"), 0);
	json_t *cls = json_array_get(json_object_get(p, "classes"), 0);
	json_t *attr = json_array_get(json_object_get(cls, "attributes"), 0);

	ck_assert_str_eq(json_string_value(json_object_get(p, "name")), "testa");
	ck_assert_str_eq(json_string_value(json_object_get(cls, "kind")), "singleton");
	ck_assert_str_eq(json_string_value(json_object_get(cls, "path")),
			 "/api/v1/testa/settings");
	ck_assert_str_eq(json_string_value(json_object_get(attr, "type")), "string");
	ck_assert_int_eq(json_integer_value(json_object_get(attr, "max")), 64);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(cls, "actions"), 0), "role")), "operator");
	json_decref(doc);
}
END_TEST

static Suite *rest_suite(void)
{
	Suite *s = suite_create("rest");
	TCase *tc = tcase_create("pure");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, route_fixed_paths);
	tcase_add_test(tc, route_classes_objects_actions);
	tcase_add_test(tc, roles);
	tcase_add_test(tc, problems);
	tcase_add_test(tc, bodies);
	tcase_add_test(tc, audit_masks_secrets);
	tcase_add_test(tc, settings_and_listeners);
	tcase_add_test(tc, openapi_structure);
	tcase_add_test(tc, schema_document);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rest_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
