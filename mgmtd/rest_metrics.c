/* Metrics over REST (any authenticated role, read only):
 *
 *   GET /metrics[?plugin=&class=&stale=true|false]       the series
 *   GET /metrics/<plugin>/<class>/<key>/<attr>[?start=&end=&cf=&resolution=]
 *   GET /metrics/<plugin>/<class>/<key>/<attr>/graph.png[?start=&end=
 *       &width=&height=&title=]
 *   GET /metrics/graph.png?series=<id>&series=<id>...[&start=...]
 *
 * A singleton's key is "_"; other keys are percent-encoded once in ids,
 * so the path CivetWeb hands us (decoded once) holds the key itself,
 * slashes included: the key is everything between the class and the
 * attribute.  Without librrd every series is unknown. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <civetweb.h>

#include "rest_internal.h"
#ifdef HAVE_LIBRRD
#include "metrics.h"
#endif

#define DEF_START "-1h"
#define DEF_END "now"
#define MAX_SERIES 5

/* The stale filter: -1 any, 1 stale only, 0 live only; -2 after
 * answering 400. */
static int stale_filter(struct rest_req *rq)
{
	char v[16];

	if (!rest_query(rq, "stale", v, sizeof(v)))
		return -1;
	if (!strcmp(v, "true") || !strcmp(v, "false"))
		return v[0] == 't';
	rest_bad_param(rq, "stale", "must be true or false");
	return -2;
}

#ifdef HAVE_LIBRRD

void rest_h_metrics(struct rest_req *rq)
{
	struct core *c = rq->rest->core;
	char plugin[64], cls[64];
	bool has_p = rest_query(rq, "plugin", plugin, sizeof(plugin));
	bool has_c = rest_query(rq, "class", cls, sizeof(cls));
	int want = stale_filter(rq);
	struct snapshot *snap;
	json_t *out;

	if (want == -2)
		return;
	if (!c->metrics) {
		rest_send_json(rq, 200, json_pack("{s:[]}", "series"), NULL);
		return;
	}
	snap = core_snapshot(c);
	out = metrics_list(c->metrics, &c->schema, snap ? snap->state : NULL,
			   has_p ? plugin : NULL, has_c ? cls : NULL, want);
	snapshot_unref(snap);
	rest_send_json(rq, 200, out, "Cache-Control: no-cache\r\n");
}

/* start and end; false after answering 400. */
static bool times(struct rest_req *rq, time_t *ts, time_t *te)
{
	char start[64] = DEF_START, end[64] = DEF_END, msg[256];
	const char *which = "start";

	/* rest_query empties its buffer when the parameter is absent. */
	if (!rest_query(rq, "start", start, sizeof(start)))
		strcpy(start, DEF_START);
	if (!rest_query(rq, "end", end, sizeof(end)))
		strcpy(end, DEF_END);
	if (metrics_parse_times(rq->rest->core->metrics, start, end, ts, te,
				&which, msg, sizeof(msg)) < 0) {
		rest_bad_param(rq, which, "%s", msg);
		return false;
	}
	return true;
}

static void send_graph(struct rest_req *rq, const struct metrics_series *se,
		       size_t n)
{
	struct metrics_graph_opts o = { 0 };
	long long w, h;
	char title[256] = "", msg[512];
	unsigned char *png;
	size_t len;
	int rc;

	if (!times(rq, &o.start, &o.end) ||
	    rest_query_int(rq, "width", 600, 200, 4000, &w) < 0 ||
	    rest_query_int(rq, "height", 200, 100, 3000, &h) < 0)
		return;
	rest_query(rq, "title", title, sizeof(title));
	o.width = (unsigned)w;
	o.height = (unsigned)h;
	o.title = title;
	rc = metrics_graph(rq->rest->core->metrics, se, n, &o, &png, &len, msg,
			   sizeof(msg));
	if (rc == -EIO && strstr(msg, "small")) {
		rest_bad_param(rq, "height", "%s", msg);
		return;
	}
	if (rc == -EINVAL) {
		rest_bad_param(rq, "series", "%s", msg);
		return;
	}
	if (rc < 0) {
		rest_fail(rq, 500, "cannot draw the graph: %s", msg);
		return;
	}
	rest_send_raw(rq, 200, "image/png", (const char *)png, len,
		      "Cache-Control: no-cache\r\n");
	free(png);
}

static void send_points(struct rest_req *rq, const struct metrics_series *se)
{
	char cf[16], msg[512];
	long long res;
	time_t ts, te;
	json_t *out;

	if (!rest_query(rq, "cf", cf, sizeof(cf)))
		strcpy(cf, "AVERAGE");
	if (strcmp(cf, "AVERAGE") && strcmp(cf, "MAX")) {
		rest_bad_param(rq, "cf", "must be AVERAGE or MAX");
		return;
	}
	if (rest_query_int(rq, "resolution", 0, 0, 365LL * 86400, &res) < 0 ||
	    !times(rq, &ts, &te))
		return;
	out = metrics_fetch(rq->rest->core->metrics, se, ts, te,
			    (unsigned long)res, cf, msg, sizeof(msg));
	if (!out && errno == E2BIG) {
		rest_bad_param(rq, "start", "%s", msg);
		return;
	}
	if (!out) {
		rest_fail(rq, 500, "cannot read %s: %s", se->path, msg);
		return;
	}
	rest_send_json(rq, 200, out, "Cache-Control: no-cache\r\n");
}

/* Split rest ("<plugin>/<class>/<key...>/<attr>[/graph.png]") in place. */
static bool split_series(char *rest, char **plugin, char **cls, char **key,
			 char **attr, bool *graph)
{
	char *slash;
	size_t n = strlen(rest);

	*graph = n > 10 && !strcmp(rest + n - 10, "/graph.png");
	if (*graph)
		rest[n - 10] = '\0';
	*plugin = rest;
	if (!(slash = strchr(rest, '/')))
		return false;
	*slash = '\0';
	*cls = slash + 1;
	if (!(slash = strchr(*cls, '/')))
		return false;
	*slash = '\0';
	*key = slash + 1;
	if (!(slash = strrchr(*key, '/')))
		return false;
	*slash = '\0';
	*attr = slash + 1;
	return **key && **attr;
}

void rest_h_metric(struct rest_req *rq)
{
	struct core *c = rq->rest->core;
	const char *raw = rq->ri->local_uri_raw ? rq->ri->local_uri_raw
						: rq->path;
	const char *prefix = REST_PREFIX "/metrics/";
	char buf[2048], *plugin, *cls, *key, *attr;
	struct metrics_series se;
	bool graph;

	if (strncmp(raw, prefix, strlen(prefix)) != 0 ||
	    (size_t)snprintf(buf, sizeof(buf), "%s", raw + strlen(prefix)) >=
		    sizeof(buf) ||
	    !split_series(buf, &plugin, &cls, &key, &attr, &graph) ||
	    !c->metrics ||
	    metrics_series_resolve(c->metrics, &c->schema, NULL, plugin, cls,
				   key, attr, &se) < 0) {
		rest_fail(rq, 404, "no metric series at %s", rq->path);
		return;
	}
	if (graph)
		send_graph(rq, &se, 1);
	else
		send_points(rq, &se);
}

void rest_h_metrics_graph(struct rest_req *rq)
{
	struct core *c = rq->rest->core;
	const char *qs = rq->ri->query_string;
	struct metrics_series se[MAX_SERIES];
	char id[1024], why[1200];
	size_t n = 0;
	int rc;

	for (int i = 0; qs && mg_get_var2(qs, strlen(qs), "series", id,
					  sizeof(id), (size_t)i) >= 0;
	     i++) {
		if (n == MAX_SERIES) {
			snprintf(why, sizeof(why), "at most %d series",
				 MAX_SERIES);
			rest_bad_param(rq, "series", "%s", why);
			return;
		}
		rc = c->metrics ? metrics_series_resolve(c->metrics,
							 &c->schema, id, NULL,
							 NULL, NULL, NULL,
							 &se[n])
				: -ENOENT;
		if (rc == -EINVAL) {
			snprintf(why, sizeof(why),
				 "%s is not <plugin>/<class>/<key>/<attribute>",
				 id);
			rest_bad_param(rq, "series", "%s", why);
			return;
		}
		if (rc < 0) {
			rest_fail(rq, 404, "no metric series %s", id);
			return;
		}
		n++;
	}
	if (n == 0) {
		rest_bad_param(rq, "series", "at least one is needed");
		return;
	}
	send_graph(rq, se, n);
}

#else /* !HAVE_LIBRRD */

void rest_h_metrics(struct rest_req *rq)
{
	if (stale_filter(rq) == -2)
		return;
	rest_send_json(rq, 200, json_pack("{s:[]}", "series"), NULL);
}

void rest_h_metric(struct rest_req *rq)
{
	rest_fail(rq, 404, "no metric series at %s (built without librrd)",
		  rq->path);
}

void rest_h_metrics_graph(struct rest_req *rq)
{
	rest_h_metric(rq);
}

#endif

/* The OpenAPI description of the above (rest_openapi_fixed.c calls it,
 * with or without librrd). */
static json_t *path_params(void)
{
	json_t *a = json_array();
	const char *const names[] = { "plugin", "class", "key", "attribute" };

	for (size_t i = 0; i < 4; i++)
		json_array_append_new(
			a, json_pack("{s:s,s:s,s:b,s:s,s:{s:s}}", "name",
				     names[i], "in", "path", "required", 1,
				     "description",
				     i == 2 ? "the object's key, \"_\" for a "
					      "singleton"
					    : "a name from the schema",
				     "schema", "type", "string"));
	return a;
}

/* json_array_extend without keeping a reference to more. */
static void extend_new(json_t *a, json_t *more)
{
	json_array_extend(a, more);
	json_decref(more);
}

static json_t *range_params(bool graph)
{
	json_t *a = json_array();

	json_array_append_new(
		a, rest_oa_query("start", "string",
				 "rrdtool at-style time: -1h, -1d, epoch "
				 "seconds (default -1h)"));
	json_array_append_new(
		a, rest_oa_query("end", "string",
				 "rrdtool at-style time (default now)"));
	if (graph) {
		json_array_append_new(
			a, rest_oa_query("width", "integer",
					 "of the whole image, 200 to 4000 "
					 "(default 600)"));
		json_array_append_new(
			a, rest_oa_query("height", "integer",
					 "of the whole image, 100 to 3000 "
					 "(default 200)"));
		json_array_append_new(
			a, rest_oa_query("title", "string",
					 "default: class/key/attribute"));
	} else {
		json_array_append_new(
			a, rest_oa_query("cf", "string",
					 "AVERAGE (default) or MAX"));
		json_array_append_new(
			a, rest_oa_query("resolution", "integer",
					 "seconds per point wanted (default: "
					 "the finest kept)"));
	}
	return a;
}

static json_t *op(const char *id, const char *summary, const char *ctype,
		  json_t *schema, json_t *params)
{
	return json_pack("{s:s,s:s,s:[s],s:o,s:{s:{s:s,s:{s:{s:o}}},s:{s:s}}}",
			 "operationId", id, "summary", summary, "tags",
			 "metrics", "parameters", params, "responses", "200",
			 "description", summary, "content", ctype, "schema",
			 schema, "default", "$ref",
			 "#/components/responses/Problem");
}

void rest_openapi_metrics(json_t *paths, json_t *schemas)
{
	json_t *png = json_pack("{s:s,s:s}", "type", "string", "format",
				"binary");
	json_t *p;

	json_object_set_new(
		schemas, "MetricSeriesList",
		json_pack("{s:s,s:{s:{s:s,s:{s:s,s:{s:{s:s},s:{s:s},"
			  "s:{s:s},s:{s:[s,s]},s:{s:s},s:{s:[s,s]},"
			  "s:{s:[s,s]},s:{s:[s,s]},s:{s:s},s:{s:s}}}}}}",
			  "type", "object", "properties", "series", "type",
			  "array", "items", "type", "object", "properties",
			  "id", "type", "string", "plugin", "type", "string",
			  "class", "type", "string", "key", "type", "string",
			  "null", "attribute", "type", "string", "type",
			  "type", "string", "null", "units", "type", "string",
			  "null", "description", "type", "string", "null",
			  "stale", "type", "boolean", "last_update", "type",
			  "integer"));
	json_object_set_new(
		schemas, "MetricPoints",
		json_pack("{s:s,s:{s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s},"
			  "s:{s:[s,s]},s:{s:s,s:{s:s}}}}",
			  "type", "object", "properties", "id", "type",
			  "string", "start", "type", "integer", "end", "type",
			  "integer", "step", "type", "integer", "cf", "type",
			  "string", "units", "type", "string", "null",
			  "points", "type", "array", "items", "type",
			  "array"));
	p = json_array();
	json_array_append_new(
		p, rest_oa_query("plugin", "string", "only this plugin's"));
	json_array_append_new(
		p, rest_oa_query("class", "string", "only this class's"));
	json_array_append_new(
		p, rest_oa_query("stale", "string",
				 "true: only series of objects gone; "
				 "false: only live ones"));
	json_object_set_new(
		paths, REST_PREFIX "/metrics",
		json_pack("{s:o}", "get",
			  op("metrics.list", "The metric series stored",
			     "application/json",
			     json_pack("{s:s}", "$ref",
				       "#/components/schemas/MetricSeriesList"),
			     p)));
	p = path_params();
	extend_new(p, range_params(false));
	json_object_set_new(
		paths, REST_PREFIX "/metrics/{plugin}/{class}/{key}/{attribute}",
		json_pack("{s:o}", "get",
			  op("metrics.points",
			     "The points of one series (counters as a rate "
			     "per second)",
			     "application/json",
			     json_pack("{s:s}", "$ref",
				       "#/components/schemas/MetricPoints"),
			     p)));
	p = path_params();
	extend_new(p, range_params(true));
	json_object_set_new(
		paths,
		REST_PREFIX "/metrics/{plugin}/{class}/{key}/{attribute}/graph.png",
		json_pack("{s:o}", "get",
			  op("metrics.graph", "A graph of one series",
			     "image/png", json_deep_copy(png), p)));
	p = range_params(true);
	json_array_append_new(
		p, rest_oa_query("series", "string",
				 "a series id, <plugin>/<class>/<key>/"
				 "<attribute>; repeat for several (up to 5)"));
	json_object_set_new(
		paths, REST_PREFIX "/metrics/graph.png",
		json_pack("{s:o}", "get",
			  op("metrics.graph_many",
			     "Several series on one graph", "image/png", png,
			     p)));
}
