/* The OpenAPI description of /logs (rest_logs.c, rest_logs_export.c):
 * added to the fixed part of the document by rest_openapi_fixed. */
#include "config.h"

#include "rest_internal.h"

static json_t *pref(const char *name)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "#/components/parameters/%s", name);
	return json_pack("{s:s}", "$ref", buf);
}

static json_t *problem(void)
{
	return json_pack("{s:s}", "$ref", "#/components/responses/Problem");
}

/* A GET answering ctype with schema (stolen). */
static json_t *get(const char *id, const char *summary, const char *ctype,
		   json_t *schema, json_t *params)
{
	json_t *op = json_pack(
		"{s:s, s:s, s:[s], s:{s:{s:s, s:{s:{s:o}}}, s:o}}",
		"operationId", id, "summary", summary, "tags", "logs",
		"responses", "200", "description", summary, "content", ctype,
		"schema", schema, "default", problem());

	if (params)
		json_object_set_new(op, "parameters", params);
	return op;
}

static json_t *read_params(bool follow)
{
	json_t *p = json_pack("[o, o, o, o, o]", pref("LogName"),
			      pref("LogSince"), pref("LogUntil"),
			      pref("LogGrep"), pref("LogLines"));

	json_array_append_new(p, pref("LogCursor"));
	if (!follow) {
		json_array_append_new(p, pref("LogLimit"));
		json_array_append_new(p, pref("LogBefore"));
	}
	return p;
}

static void parameters(json_t *p)
{
	const char *when = "seconds since the epoch, negative seconds before "
			   "now, or an RFC 3339 time";

	json_object_set_new(p, "LogName", json_pack(
		"{s:s, s:s, s:b, s:s, s:{s:s}}", "name", "name", "in", "path",
		"required", 1, "description", "a source from GET /logs",
		"schema", "type", "string"));
	json_object_set_new(p, "LogSince",
			    rest_oa_query("since", "string", when));
	json_object_set_new(p, "LogUntil",
			    rest_oa_query("until", "string", when));
	json_object_set_new(p, "LogGrep",
			    rest_oa_query("grep", "string",
					  "only entries with a line holding "
					  "this text (any case)"));
	json_object_set_new(p, "LogLines",
			    rest_oa_query("lines", "integer",
					  "the last this many matching entries "
					  "(follow: then new ones)"));
	json_object_set_new(
		p, "LogLimit",
		rest_oa_query("limit", "integer",
			      "at most this many entries (default 1000)"));
	json_object_set_new(
		p, "LogCursor",
		rest_oa_query("cursor", "integer",
			      "go on from the cursor of an earlier answer"));
	json_object_set_new(p, "LogBefore",
			    rest_oa_query("before", "integer",
					  "only entries before the start of an "
					  "earlier answer (with "
					  "lines: the page before it)"));
}

#define S "{\"type\": \"string\"}"
#define I "{\"type\": \"integer\"}"
#define B "{\"type\": \"boolean\"}"

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	return j ? j : json_object();
}

static void schemas(json_t *s)
{
	json_object_set_new(s, "LogList", parse(
		"{\"type\": \"object\", \"properties\": {\"total\": " I ","
		" \"items\": {\"type\": \"array\", \"items\": {\"type\": \"object\","
		" \"properties\": {\"name\": " S ", \"description\": " S ","
		" \"plugin\": " S ", \"path\": " S ", \"exists\": " B ","
		" \"size\": {\"type\": [\"integer\", \"null\"]},"
		" \"mtime\": {\"type\": [\"integer\", \"null\"]}}}}}}"));
	json_object_set_new(s, "LogLines", parse(
		"{\"type\": \"object\", \"properties\": {\"name\": " S ","
		" \"cursor\": " I ", \"start\": " I ", \"size\": " I ","
		" \"more\": " B ","
		" \"reset\": " B ", \"lines\": {\"type\": \"array\", \"items\":"
		" {\"type\": \"object\", \"properties\": {"
		" \"time\": {\"type\": [\"number\", \"null\"]},"
		" \"text\": " S "}}}}}"));
}

void rest_openapi_logs(json_t *paths, json_t *components)
{
	json_t *params = json_object_get(components, "parameters");
	json_t *sch = json_object_get(components, "schemas");

	json_object_set_new(paths, REST_PREFIX "/logs", json_pack("{s:o}",
		"get", get("logs.list", "The log sources (operator)",
			   "application/json",
			   json_pack("{s:s}", "$ref", "#/components/schemas/LogList"),
			   NULL)));
	json_object_set_new(paths, REST_PREFIX "/logs/export", json_pack("{s:o}",
		"get", get("logs.export", "Every log, the journals and a "
			   "manifest as one .tar.gz (admin)", "application/gzip",
			   json_pack("{s:s, s:s}", "type", "string",
				     "contentMediaType", "application/gzip"),
			   NULL)));
	json_object_set_new(paths, REST_PREFIX "/logs/{name}", json_pack("{s:o}",
		"get", get("logs.read", "Entries of a log, filtered, in file "
			   "order (operator)", "application/json",
			   json_pack("{s:s}", "$ref",
				     "#/components/schemas/LogLines"),
			   read_params(false))));
	json_object_set_new(paths, REST_PREFIX "/logs/{name}/follow",
		json_pack("{s:o}", "get", get("logs.follow", "New lines of a "
			  "log as server-sent events (operator)",
			  "text/event-stream",
			  json_pack("{s:s}", "type", "string"),
			  read_params(true))));
	if (params)
		parameters(params);
	if (sch)
		schemas(sch);
}
