/* The part of the OpenAPI document that is not derived from classes:
 * sessions, users, tokens, history, journals, and shared components. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "rest_internal.h"

static json_t *ref(const char *where, const char *name)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "#/components/%s/%s", where, name);
	return json_pack("{s:s}", "$ref", buf);
}

/* One fixed operation: the response schema is a component (NULL: none),
 * the request body too. */
struct fixed_op {
	const char *path, *method, *id, *tag, *summary, *status;
	const char *response; /* schema name */
	const char *request;  /* schema name */
	const char *params[4];
};

static const struct fixed_op fixed_ops[] = {
	{ .path = "/session",
	  .method = "get",
	  .id = "session.get",
	  .tag = "session",
	  .summary = "Who is logged in",
	  .status = "200",
	  .response = "Session" },
	{ .path = "/session",
	  .method = "post",
	  .id = "session.login",
	  .tag = "session",
	  .summary = "Log in: sets the session cookie, returns the CSRF token",
	  .status = "201",
	  .response = "Session",
	  .request = "Login" },
	{ .path = "/session",
	  .method = "delete",
	  .id = "session.logout",
	  .tag = "session",
	  .summary = "Log out",
	  .status = "204" },
	{ .path = "/auth/users",
	  .method = "get",
	  .id = "auth.users.list",
	  .tag = "auth",
	  .summary = "List users (admin)",
	  .status = "200",
	  .response = "UserList" },
	{ .path = "/auth/users",
	  .method = "post",
	  .id = "auth.users.create",
	  .tag = "auth",
	  .summary = "Create a user (admin)",
	  .status = "201",
	  .response = "User",
	  .request = "NewUser" },
	{ .path = "/auth/users/{name}",
	  .method = "get",
	  .id = "auth.users.get",
	  .tag = "auth",
	  .summary = "One user (admin)",
	  .status = "200",
	  .response = "User",
	  .params = { "UserName" } },
	{ .path = "/auth/users/{name}",
	  .method = "patch",
	  .id = "auth.users.update",
	  .tag = "auth",
	  .summary = "Change a user's password or role (admin; a user may change " "their own password)",
	  .status = "200",
	  .response = "User",
	  .request = "UserChange",
	  .params = { "UserName" } },
	{ .path = "/auth/users/{name}",
	  .method = "delete",
	  .id = "auth.users.delete",
	  .tag = "auth",
	  .summary = "Delete a user (admin)",
	  .status = "204",
	  .params = { "UserName" } },
	{ .path = "/auth/tokens",
	  .method = "get",
	  .id = "auth.tokens.list",
	  .tag = "auth",
	  .summary = "List API tokens (admin)",
	  .status = "200",
	  .response = "TokenList" },
	{ .path = "/auth/tokens",
	  .method = "post",
	  .id = "auth.tokens.create",
	  .tag = "auth",
	  .summary = "Create an API token, shown once (admin)",
	  .status = "201",
	  .response = "NewTokenResult",
	  .request = "NewToken" },
	{ .path = "/auth/tokens/{id}",
	  .method = "delete",
	  .id = "auth.tokens.revoke",
	  .tag = "auth",
	  .summary = "Revoke an API token (admin)",
	  .status = "204",
	  .params = { "TokenId" } },
	{ .path = "/config",
	  .method = "get",
	  .id = "config.get",
	  .tag = "config",
	  .summary = "The whole configuration, secrets left out",
	  .status = "200",
	  .response = "Config" },
	{ .path = "/config",
	  .method = "put",
	  .id = "config.replace",
	  .tag = "config",
	  .summary = "Replace the whole configuration",
	  .status = "200",
	  .response = "Config",
	  .request = "Config",
	  .params = { "ConfirmTimeout", "Summary", "IfMatch" } },
	{ .path = "/config/versions",
	  .method = "get",
	  .id = "config.versions",
	  .tag = "config",
	  .summary = "The history of versions, newest first",
	  .status = "200",
	  .response = "VersionList" },
	{ .path = "/config/versions/{version}",
	  .method = "get",
	  .id = "config.version",
	  .tag = "config",
	  .summary = "One stored version",
	  .status = "200",
	  .response = "StoredVersion",
	  .params = { "VersionNumber" } },
	{ .path = "/config/diff",
	  .method = "get",
	  .id = "config.diff",
	  .tag = "config",
	  .summary = "Changes between two versions (0: empty)",
	  .status = "200",
	  .response = "Diff",
	  .params = { "From", "To" } },
	{ .path = "/config/rollback",
	  .method = "post",
	  .id = "config.rollback",
	  .tag = "config",
	  .summary = "Roll back to a stored version (a new version)",
	  .status = "200",
	  .response = "Committed",
	  .request = "Rollback",
	  .params = { "Summary" } },
	{ .path = "/config/confirm",
	  .method = "get",
	  .id = "config.confirm.show",
	  .tag = "config",
	  .summary = "The change waiting for confirmation, if any",
	  .status = "200",
	  .response = "PendingConfirm" },
	{ .path = "/config/confirm",
	  .method = "post",
	  .id = "config.confirm",
	  .tag = "config",
	  .summary = "Confirm the change waiting for confirmation",
	  .status = "200",
	  .response = "Confirmed" },
	{ .path = "/config/backup",
	  .method = "get",
	  .id = "config.backup",
	  .tag = "config",
	  .summary = "A backup of the configuration and its history "
		     "(admin; holds password hashes)",
	  .status = "200",
	  .response = "Backup" },
	{ .path = "/config/restore",
	  .method = "post",
	  .id = "config.restore",
	  .tag = "config",
	  .summary = "Check a backup entirely, then apply its configuration "
		     "as one new version (admin)",
	  .status = "200",
	  .response = "Committed",
	  .request = "Backup" },
	{ .path = "/events",
	  .method = "get",
	  .id = "events.list",
	  .tag = "journal",
	  .summary = "Events, newest first",
	  .status = "200",
	  .response = "EventList",
	  .params = { "Since", "Until", "Severity", "Plugin" } },
	{ .path = "/events/stream",
	  .method = "get",
	  .id = "events.stream",
	  .tag = "journal",
	  .summary = "New events as server-sent events (text/event-stream)",
	  .status = "200",
	  .params = { "Severity", "Plugin" } },
	{ .path = "/commands",
	  .method = "get",
	  .id = "commands.list",
	  .tag = "journal",
	  .summary = "The command journal, newest first",
	  .status = "200",
	  .response = "CommandList",
	  .params = { "Since", "Until", "User" } },
	{ .path = "/schema",
	  .method = "get",
	  .id = "schema.get",
	  .tag = "schema",
	  .summary = "Every class, attribute and action",
	  .status = "200",
	  .response = "Schema" },
	{ .path = "/openapi.json",
	  .method = "get",
	  .id = "openapi.get",
	  .tag = "schema",
	  .summary = "This document",
	  .status = "200",
	  .response = "Schema" },
};

static json_t *fixed_operation(const struct fixed_op *f)
{
	json_t *resp = json_pack("{s:s}", "description", f->summary);
	json_t *op = json_pack("{s:s, s:s, s:[s], s:{s:o, s:o}}", "operationId",
			       f->id, "summary", f->summary, "tags", f->tag,
			       "responses", f->status, resp, "default",
			       ref("responses", "Problem"));
	json_t *params = json_array();

	if (f->response)
		json_object_set_new(resp, "content",
				    json_pack("{s:{s:o}}", "application/json",
					      "schema",
					      ref("schemas", f->response)));
	else if (strcmp(f->id, "events.stream") == 0)
		json_object_set_new(resp, "content",
				    json_pack("{s:{s:{s:s}}}",
					      "text/event-stream", "schema",
					      "type", "string"));
	if (f->request)
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b, s:{s:{s:o}}}", "required",
					      1, "content", "application/json",
					      "schema",
					      ref("schemas", f->request)));
	for (size_t i = 0; i < 4 && f->params[i]; i++)
		json_array_append_new(params, ref("parameters", f->params[i]));
	if (strcmp(f->id, "events.list") == 0 ||
	    strcmp(f->id, "commands.list") == 0)
		json_array_append_new(params, ref("parameters", "Limit"));
	if (strcmp(f->id, "session.login") == 0)
		json_object_set_new(op, "security", json_array());
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	return op;
}

json_t *rest_oa_query(const char *name, const char *type,
		      const char *description)
{
	return json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", name, "in",
			 "query", "description", description, "schema", "type",
			 type);
}

static json_t *parameters(void)
{
	json_t *p = json_object();

	json_object_set_new(p, "Limit", json_pack("{s:s, s:s, s:s, s:{s:s, s:i}}",
		"name", "limit", "in", "query", "description",
		"how many to return at most", "schema", "type", "integer",
		"minimum", 1));
	json_object_set_new(p, "Offset", json_pack("{s:s, s:s, s:s, s:{s:s, s:i}}",
		"name", "offset", "in", "query", "description",
		"how many to skip", "schema", "type", "integer", "minimum", 0));
	json_object_set_new(p, "ConfirmTimeout", json_pack("{s:s, s:s, s:s, s:{s:s, s:i}}",
		"name", "confirm_timeout", "in", "query", "description",
		"commit-confirmed: roll back unless POST /config/confirm "
		"comes within this many seconds", "schema", "type", "integer",
		"minimum", 1));
	json_object_set_new(p, "Summary",
			    rest_oa_query("summary", "string",
					  "a summary for the history instead "
					  "of the derived one"));
	json_object_set_new(p, "IfMatch",
			    json_pack("{s:s, s:s, s:s, s:{s:s}}", "name",
				      "If-Match", "in", "header", "description",
				      "the ETag read (the config version): "
				      "refused with 412 if "
				      "the configuration changed since",
				      "schema", "type", "string"));
	json_object_set_new(
		p, "Since",
		rest_oa_query("since", "integer",
			      "from this time (seconds since the epoch)"));
	json_object_set_new(
		p, "Until",
		rest_oa_query("until", "integer",
			      "up to this time (seconds since the epoch)"));
	json_object_set_new(p, "Severity",
			    rest_oa_query("severity", "string",
					  "this severity or a more severe one "
					  "(err, warning, notice, "
					  "info, debug)"));
	json_object_set_new(
		p, "Plugin",
		rest_oa_query("plugin", "string", "only this plugin's"));
	json_object_set_new(
		p, "User", rest_oa_query("user", "string", "only this user's"));
	json_object_set_new(
		p, "From",
		rest_oa_query("from", "integer", "the older version"));
	json_object_set_new(
		p, "To", rest_oa_query("to", "integer", "the newer version"));
	json_object_set_new(p, "UserName",
			    json_pack("{s:s, s:s, s:b, s:{s:s}}", "name",
				      "name", "in", "path", "required", 1,
				      "schema", "type", "string"));
	json_object_set_new(p, "TokenId", json_pack("{s:s, s:s, s:b, s:{s:s}}",
		"name", "id", "in", "path", "required", 1, "schema", "type",
		"string"));
	json_object_set_new(p, "VersionNumber", json_pack("{s:s, s:s, s:b, s:{s:s, s:i}}",
		"name", "version", "in", "path", "required", 1, "schema",
		"type", "integer", "minimum", 1));
	return p;
}

static json_t *obj(const char *props_json)
{
	json_error_t e;
	json_t *props = json_loads(props_json, 0, &e);

	return json_pack("{s:s, s:o}", "type", "object", "properties",
			 props ? props : json_object());
}

static json_t *list_of(const char *item_props)
{
	return json_pack("{s:s, s:{s:{s:s, s:o}, s:{s:s}}}", "type", "object",
			 "properties", "items", "type", "array", "items",
			 obj(item_props), "total", "type", "integer");
}

#define S "{\"type\": \"string\"}"
#define I "{\"type\": \"integer\"}"

static void schemas(json_t *s)
{
	json_object_set_new(s, "Problem", json_pack(
		"{s:s, s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}}}}}, s:[s, s]}",
		"type", "object", "description", "RFC 9457 problem details",
		"properties", "type", "type", "string", "title", "type",
		"string", "status", "type", "integer", "detail", "type",
		"string", "errors", "type", "array", "items", "type", "object",
		"properties", "path", "type", "string", "message", "type",
		"string", "code", "type", "string", "required", "title",
		"status"));
	json_object_set_new(s, "ActionResult", obj("{\"action\": " S ", \"result\": " S "}"));
	json_object_set_new(s, "Session", obj("{\"user\": " S ", \"role\": " S
		", \"method\": " S ", \"csrf_token\": " S "}"));
	json_object_set_new(s, "Login", obj("{\"user\": " S ", \"password\": " S "}"));
	json_object_set_new(s, "User", obj("{\"name\": " S ", \"role\": " S ", \"created\": " I "}"));
	json_object_set_new(s, "UserList", list_of("{\"name\": " S ", \"role\": " S ", \"created\": " I "}"));
	json_object_set_new(s, "NewUser", obj("{\"name\": " S ", \"password\": " S ", \"role\": " S "}"));
	json_object_set_new(s, "UserChange", obj("{\"password\": " S ", \"role\": " S "}"));
	json_object_set_new(s, "TokenList", list_of("{\"id\": " S ", \"user\": " S
		", \"description\": " S ", \"created\": " I ", \"last_used\": " I "}"));
	json_object_set_new(s, "NewToken", obj("{\"user\": " S ", \"description\": " S "}"));
	json_object_set_new(s, "NewTokenResult", obj("{\"id\": " S ", \"user\": " S ", \"token\": " S "}"));
	json_object_set_new(s, "Config", json_pack("{s:s, s:s}", "type", "object",
		"description", "{plugin: {class: object | [objects]}}"));
	json_object_set_new(s, "VersionList", json_pack("{s:s, s:{s:{s:s}, s:{s:s, s:{s:s}}}}",
		"type", "object", "properties", "current", "type", "integer",
		"items", "type", "array", "items", "type", "object"));
	json_object_set_new(s, "StoredVersion", obj("{\"version\": " I ", \"time\": " I
		", \"user\": " S ", \"source\": " S ", \"interface\": " S
		", \"summary\": " S ", \"config\": {\"type\": \"object\"}}"));
	json_object_set_new(s, "Diff", obj("{\"from\": " I ", \"to\": " I
		", \"changes\": {\"type\": \"array\", \"items\": {\"type\": \"object\"}}}"));
	json_object_set_new(s, "Rollback", json_pack("{s:s, s:{s:{s:s, s:i}}, s:[s]}",
		"type", "object", "properties", "version", "type", "integer",
		"minimum", 1, "required", "version"));
	json_object_set_new(s, "Committed", obj("{\"version\": " I ", \"changed\": {\"type\": \"boolean\"}"
		", \"changes\": {\"type\": \"array\", \"items\": {\"type\": \"object\"}}}"));
	json_object_set_new(s, "Backup", obj("{\"format\": " S ", \"version\": " I
		", \"current\": " I ", \"created\": " I ", \"config\": {\"type\": \"object\"}"
		", \"history\": {\"type\": \"array\", \"items\": {\"type\": \"object\"}}"
		", \"sha256\": " S "}"));
	json_object_set_new(s, "Confirmed", obj("{\"version\": " I "}"));
	json_object_set_new(s, "PendingConfirm", obj("{\"pending\": {\"type\": \"boolean\"}"
		", \"version\": " I ", \"version_before\": " I
		", \"deadline\": " I ", \"remaining\": " I "}"));
	json_object_set_new(s, "EventList", list_of("{\"seq\": " I ", \"time\": {\"type\": \"number\"}"
		", \"severity\": " S ", \"plugin\": " S ", \"object\": " S ", \"message\": " S "}"));
	json_object_set_new(s, "CommandList", list_of("{\"seq\": " I ", \"time\": {\"type\": \"number\"}"
		", \"user\": " S ", \"source\": " S ", \"interface\": " S
		", \"change\": " S ", \"result\": " S ", \"version\": " I "}"));
	json_object_set_new(s, "Schema", json_pack("{s:s}", "type", "object"));
}

void rest_openapi_fixed(json_t *paths, json_t *components)
{
	json_t *sch = json_object_get(components, "schemas");

	for (size_t i = 0; i < sizeof(fixed_ops) / sizeof(fixed_ops[0]); i++) {
		const struct fixed_op *f = &fixed_ops[i];
		char path[256];
		json_t *item;
		snprintf(path, sizeof(path), REST_PREFIX "%s", f->path);
		if (!(item = json_object_get(paths, path))) {
			item = json_object();
			json_object_set_new(paths, path, item);
		}
		json_object_set_new(item, f->method, fixed_operation(f));
	}
	schemas(sch);
	rest_openapi_metrics(paths, sch);
	json_object_set_new(components, "parameters", parameters());
	json_object_set_new(components, "headers", json_pack(
		"{s:{s:s, s:{s:s}}}", "ETag", "description",
		"the config version the body shows, quoted", "schema", "type",
		"string"));
	json_object_set_new(components, "responses", json_pack(
		"{s:{s:s, s:{s:{s:o}}}}", "Problem", "description",
		"an error (RFC 9457)", "content", "application/problem+json",
		"schema", ref("schemas", "Problem")));
	json_object_set_new(components, "securitySchemes", json_pack(
		"{s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s}}",
		"basic", "type", "http", "scheme", "basic", "bearer", "type",
		"http", "scheme", "bearer", "session", "type", "apiKey", "in",
		"cookie", "name", REST_SESSION_COOKIE, "description",
		"writes with a session also need the X-CSRF-Token header"));
	rest_openapi_logs(paths, components);
}
