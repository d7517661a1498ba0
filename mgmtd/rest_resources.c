/* Resources derived from the schema: /api/v1/<plugin>/<class>[/<key>],
 * with live state merged in and secrets left out.  Reads come from the
 * published snapshot (they never wait); writes are api_handle requests,
 * so transactions, If-Match and the command journal work as everywhere. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <civetweb.h>

#include "rest_internal.h"
#include "tree.h"

/* A copy of obj (borrowed, may be NULL) without secrets, with the state
 * attributes of st (borrowed, may be NULL) added. */
static json_t *present(const struct schema_class *sc, json_t *obj, json_t *st)
{
	json_t *out = json_is_object(obj) ? json_deep_copy(obj) : json_object();
	const char *k;
	json_t *v;

	for (const struct mgmtd_attr *a = sc->cls->attrs; a->name; a++)
		if (a->type == MGMTD_T_SECRET)
			json_object_del(out, a->name);
	if (json_is_object(st))
		json_object_foreach(st, k, v) {
			const struct mgmtd_attr *a = schema_attr_find(sc, k);
			if (a && (a->flags & MGMTD_A_STATE))
				json_object_set(out, k, v);
		}
	return out;
}

static void key_text(json_t *k, char *buf, size_t len)
{
	if (json_is_integer(k))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(k));
	else
		snprintf(buf, len, "%s", json_is_string(k) ? json_string_value(k) : "");
}

struct view {
	struct snapshot *snap;
	json_t *cfg; /* the class's config: object or array, may be NULL */
	json_t *st;  /* the class's state: object, may be NULL */
};

static void view_open(struct rest_req *rq, struct view *v)
{
	const struct rest_route *rt = &rq->route;

	v->snap = core_snapshot(rq->rest->core);
	v->cfg = tree_class(json_object_get(v->snap->config, rt->sp->name),
			    rt->sc->cls->name);
	v->st = json_object_get(json_object_get(v->snap->state, rt->sp->name),
				rt->sc->cls->name);
}

/* The object with key in v, presented; NULL if there is none. */
static json_t *find_object(const struct schema_class *sc, struct view *v,
			   const char *key)
{
	json_t *cfg = NULL, *st = json_object_get(v->st, key), *out;

	if (sc->has_config)
		cfg = tree_find_item(v->cfg, sc->key->name, key, NULL);
	if (!cfg && !st)
		return NULL;
	out = present(sc, cfg, st);
	if (!cfg) {
		/* A state-only object: its key is its place in the state. */
		json_object_set_new(out, sc->key->name, json_string(key));
	}
	return out;
}

static void send_object(struct rest_req *rq, int status, json_t *obj,
			unsigned version, const char *more)
{
	char headers[REST_KEY_MAX * 3 + 256];

	rest_etag_header(version, headers, sizeof(headers));
	if (more)
		strncat(headers, more, sizeof(headers) - strlen(headers) - 1);
	rest_send_json(rq, status, obj, headers);
}

static json_t *list_page(const struct schema_class *sc, struct view *v,
			 long long offset, long long limit, size_t *total)
{
	json_t *items = json_array(), *o;
	size_t i = 0;
	const char *k;
	char key[REST_KEY_MAX];

	if (sc->has_config) {
		*total = json_array_size(v->cfg);
		json_array_foreach(v->cfg, i, o) {
			if ((long long)i < offset)
				continue;
			if ((long long)json_array_size(items) >= limit)
				break;
			key_text(json_object_get(o, sc->key->name), key,
				 sizeof(key));
			json_array_append_new(
				items, present(sc, o, json_object_get(v->st, key)));
		}
		return items;
	}
	*total = json_object_size(v->st);
	json_object_foreach(v->st, k, o) {
		if ((long long)i++ < offset)
			continue;
		if ((long long)json_array_size(items) >= limit)
			break;
		json_array_append_new(items, find_object(sc, v, k));
	}
	return items;
}

/* A page of a collection, from the cache when this snapshot's page was
 * encoded before. */
static void get_list(struct rest_req *rq, struct view *v, long long offset,
		     long long limit)
{
	const struct schema_class *sc = rq->route.sc;
	struct rest_cache *cache = rq->rest->cache;
	char etag[64], *text;
	size_t total = 0, len = 0;
	json_t *body, *items;

	rest_etag_header(v->snap->version, etag, sizeof(etag));
	text = rest_cache_get(cache, v->snap, sc, offset, limit, &len);
	if (!text) {
		/* Before json_pack: its arguments' order is unspecified. */
		items = list_page(sc, v, offset, limit, &total);
		body = json_pack("{s:o, s:I, s:I, s:I}", "items", items,
				 "total", (json_int_t)total, "limit",
				 (json_int_t)limit, "offset", (json_int_t)offset);
		text = json_dumps(body, JSON_COMPACT);
		json_decref(body);
		if (!text) {
			rest_fail(rq, 500, "out of memory");
			return;
		}
		len = strlen(text);
		rest_cache_put(cache, v->snap, sc, offset, limit, text, len);
	}
	rest_send_raw(rq, 200, "application/json", text, len, etag);
	free(text);
}

static void get_class(struct rest_req *rq)
{
	const struct schema_class *sc = rq->route.sc;
	struct view v;
	long long limit, offset;
	json_t *body;

	if (sc->cls->kind == MGMTD_COLLECTION &&
	    (rest_query_int(rq, "limit", 1000, 1, 1000000, &limit) < 0 ||
	     rest_query_int(rq, "offset", 0, 0, INT32_MAX, &offset) < 0))
		return;
	view_open(rq, &v);
	if (sc->cls->kind == MGMTD_SINGLETON) {
		body = present(sc, sc->has_config ? v.cfg : NULL, v.st);
		send_object(rq, 200, body, v.snap->version, NULL);
	} else {
		get_list(rq, &v, offset, limit);
	}
	snapshot_unref(v.snap);
}

static void get_object(struct rest_req *rq)
{
	struct view v;
	json_t *obj;

	view_open(rq, &v);
	obj = find_object(rq->route.sc, &v, rq->route.key);
	if (obj)
		send_object(rq, 200, obj, v.snap->version, NULL);
	else
		rest_fail(rq, 404, "%s.%s[%s]: no such object",
			  rq->route.sp->name, rq->route.sc->cls->name,
			  rq->route.key);
	snapshot_unref(v.snap);
}

/* The version an If-Match header names: 0 when absent or "*", -1 when it
 * names no version (never matches). */
static long long if_match_version(struct rest_req *rq)
{
	const char *h = rest_header(rq, "If-Match");
	char *end;
	long long v;

	if (!h)
		return 0;
	while (*h == ' ')
		h++;
	if (strcmp(h, "*") == 0)
		return 0;
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	if (*h == '"')
		h++;
	v = strtoll(h, &end, 10);
	if (end == h || v < 1 || (*end && *end != '"'))
		return -1;
	return v;
}

/* The common part of every write request to the core. */
int rest_write_request(struct rest_req *rq, json_t *apirq)
{
	long long confirm;
	char summary[256];

	if (rest_query_int(rq, "confirm_timeout", 0, 1, 86400, &confirm) < 0)
		return -EINVAL;
	if (confirm)
		json_object_set_new(apirq, "confirm_timeout",
				    json_integer(confirm));
	if (rest_query(rq, "summary", summary, sizeof(summary)))
		json_object_set_new(apirq, "summary", json_string(summary));
	return 0;
}

/* Send the core's verdict on an edit: the object as it is now. */
static void edit_done(struct rest_req *rq, json_t *resp, int status)
{
	const struct rest_route *rt = &rq->route;
	char key[REST_KEY_MAX], loc[REST_KEY_MAX * 3 + 128], *enc = NULL;
	json_t *k;
	struct view v;
	unsigned version;

	if (!json_is_true(json_object_get(resp, "ok"))) {
		rest_send_api(rq, resp, 200, NULL, NULL);
		return;
	}
	/* The ETag is the version this write produced (or found, when it
	 * changed nothing), even if another commit follows at once: a client
	 * sending it back in If-Match is then refused, never overwrites. */
	version = (unsigned)json_integer_value(json_object_get(resp, "version"));
	if (!json_is_true(json_object_get(resp, "changed")))
		/* The core journals only changes: say what was asked. */
		rest_audit(rq, "ok (no change)", version);
	json_decref(resp);
	view_open(rq, &v);
	if (rq->method == REST_DELETE) {
		send_object(rq, 204, NULL, version, NULL);
	} else if (rt->sc->cls->kind == MGMTD_SINGLETON) {
		send_object(rq, 200, present(rt->sc, v.cfg, v.st),
			    version, NULL);
	} else {
		snprintf(key, sizeof(key), "%s", rt->key);
		if (!rt->has_key && (k = json_object_get(rq->body, rt->sc->key->name)))
			key_text(k, key, sizeof(key));
		loc[0] = '\0';
		if (status == 201 && (enc = malloc(sizeof(key) * 3))) {
			mg_url_encode(key, enc, sizeof(key) * 3);
			snprintf(loc, sizeof(loc), "Location: " REST_PREFIX "/%s/%s/%s\r\n",
				 rt->sp->name, rt->sc->cls->name, enc);
		}
		free(enc);
		send_object(rq, status, find_object(rt->sc, &v, key),
			    version, loc);
	}
	snapshot_unref(v.snap);
}

static void edit(struct rest_req *rq, const char *op, const char *key,
		 const char *expect, int ok_status)
{
	const struct rest_route *rt = &rq->route;
	long long im = if_match_version(rq);
	struct api_caller who;
	json_t *apirq, *resp;

	if (im < 0) {
		rest_fail(rq, 412, "If-Match names no config version");
		return;
	}
	apirq = json_pack("{s:s, s:s, s:s}", "op", op, "plugin", rt->sp->name,
			  "class", rt->sc->cls->name);
	if (key)
		json_object_set_new(apirq, "key", json_string(key));
	if (rq->body)
		json_object_set(apirq, "object", rq->body);
	if (expect)
		json_object_set_new(apirq, "expect", json_string(expect));
	if (im)
		json_object_set_new(apirq, "if_match", json_integer(im));
	if (rest_write_request(rq, apirq) < 0) {
		json_decref(apirq);
		return;
	}
	rest_caller(rq, &who);
	resp = api_handle(rq->rest->core, &who, apirq);
	json_decref(apirq);
	rq->journaled = true;
	edit_done(rq, resp, ok_status);
}

/* A 400 naming the attribute at path, like the core's refusals. */
static void invalid_at(struct rest_req *rq, const char *path,
		       const char *message)
{
	struct mgmtd_err err = { 0 };

	mgmtd_err_add(&err, MGMTD_E_INVALID, path, "%s", message);
	rest_send_problem(rq, rest_problem_err(400, &err));
}

/* The key in a body must be the key in the path, as text. */
static bool body_key_ok(struct rest_req *rq)
{
	json_t *k = json_object_get(rq->body, rq->route.sc->key->name);
	char text[REST_KEY_MAX], path[MGMTD_ERR_PATH_LEN];

	if (!k)
		return true;
	key_text(k, text, sizeof(text));
	if ((json_is_string(k) || json_is_integer(k)) &&
	    strcmp(text, rq->route.key) == 0)
		return true;
	snprintf(path, sizeof(path), "%s.%s[%s].%s", rq->route.sp->name,
		 rq->route.sc->cls->name, rq->route.key,
		 rq->route.sc->key->name);
	invalid_at(rq, path, "differs from the key in the path");
	return false;
}

void rest_h_class(struct rest_req *rq)
{
	const struct schema_class *sc = rq->route.sc;
	json_t *k;
	char key[REST_KEY_MAX], path[MGMTD_ERR_PATH_LEN];

	switch (rq->method) {
	case REST_GET:
	case REST_HEAD:
		get_class(rq);
		return;
	case REST_POST: /* create in a collection */
		k = json_object_get(rq->body, sc->key->name);
		if (!json_is_string(k) && !json_is_integer(k)) {
			snprintf(path, sizeof(path), "%s.%s.%s",
				 rq->route.sp->name, sc->cls->name,
				 sc->key->name);
			invalid_at(rq, path, "the key is required");
			return;
		}
		key_text(k, key, sizeof(key));
		edit(rq, "put", key, "new", 201);
		return;
	default: /* PUT and PATCH of a singleton */
		edit(rq, rq->method == REST_PUT ? "put" : "patch", NULL, NULL,
		     200);
	}
}

void rest_h_object(struct rest_req *rq)
{
	const char *key = rq->route.key;

	switch (rq->method) {
	case REST_GET:
	case REST_HEAD:
		get_object(rq);
		return;
	case REST_DELETE:
		edit(rq, "delete", key, NULL, 204);
		return;
	default:
		if (!body_key_ok(rq))
			return;
		/* PUT replaces, or creates an object named by the path. */
		edit(rq, rq->method == REST_PUT ? "put" : "patch", key, NULL,
		     200);
	}
}

void rest_h_action(struct rest_req *rq)
{
	const struct rest_route *rt = &rq->route;
	struct api_caller who;
	json_t *apirq, *resp;

	apirq = json_pack("{s:s, s:s, s:s, s:s}", "op", "action", "plugin",
			  rt->sp->name, "class", rt->sc->cls->name, "action",
			  rt->act->name);
	if (rt->has_key)
		json_object_set_new(apirq, "key", json_string(rt->key));
	if (rq->body)
		json_object_set(apirq, "params", rq->body);
	rest_caller(rq, &who);
	resp = api_handle(rq->rest->core, &who, apirq);
	json_decref(apirq);
	rq->journaled = true;
	rest_send_api(rq, resp, 200,
		      json_pack("{s:s, s:s}", "action", rt->act->name, "result",
				"ok"),
		      NULL);
}
