/* Creating, replacing, merging and deleting one object. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "tree.h"

enum edit_kind { EDIT_PUT, EDIT_PATCH, EDIT_DELETE };

/* What a put requires of the target: POST creates, PUT replaces. */
enum edit_expect { EXPECT_ANY, EXPECT_NEW, EXPECT_EXISTING };

struct edit {
	enum edit_kind kind;
	enum edit_expect expect;
	struct core *c;
	json_int_t if_match; /* the version the client read; 0: any */
	bool stale;          /* if_match failed */
	const struct schema_plugin *sp;
	const struct schema_class *sc;
	const char *key;  /* collections */
	json_t *object;   /* put and patch */
	char path[MGMTD_ERR_PATH_LEN];
};

/* Secrets are never read back, so a client that rewrites an object
 * without them keeps the stored ones. */
static void keep_secrets(const struct schema_class *sc, json_t *old,
			 json_t *new)
{
	for (const struct mgmtd_attr *a = sc->cls->attrs; a->name; a++)
		if (a->type == MGMTD_T_SECRET && !json_object_get(new, a->name) &&
		    json_object_get(old, a->name))
			json_object_set(new, a->name, json_object_get(old, a->name));
}

/* Merge patch (RFC 7396 for one level): null removes an attribute. */
static json_t *merged(json_t *old, json_t *patch)
{
	json_t *res = json_deep_copy(old);
	const char *k;
	json_t *v;

	json_object_foreach(patch, k, v) {
		if (json_is_null(v))
			json_object_del(res, k);
		else
			json_object_set(res, k, v);
	}
	return res;
}

static int edit_singleton(struct edit *e, json_t *plugin,
			  struct mgmtd_err *err)
{
	const char *cls = e->sc->cls->name;
	json_t *old = json_object_get(plugin, cls), *new;

	if (e->kind == EDIT_DELETE)
		return mgmtd_err_add(err, MGMTD_E_INVALID, e->path,
				     "a singleton cannot be deleted");
	new = e->kind == EDIT_PATCH ? merged(old ? old : json_object(), e->object)
				    : json_deep_copy(e->object);
	keep_secrets(e->sc, old, new);
	json_object_set_new(plugin, cls, new);
	return 0;
}

static int edit_collection(struct edit *e, json_t *plugin,
			   struct mgmtd_err *err)
{
	const char *cls = e->sc->cls->name, *key_attr = e->sc->key->name;
	json_t *arr = json_object_get(plugin, cls), *old, *new;
	size_t idx = 0;

	if (!arr) {
		arr = json_array();
		json_object_set_new(plugin, cls, arr);
	}
	old = tree_find_item(arr, key_attr, e->key, &idx);
	if (!old && (e->kind != EDIT_PUT || e->expect == EXPECT_EXISTING))
		return mgmtd_err_add(err, MGMTD_E_NOT_FOUND, e->path,
				     "no such object");
	if (old && e->expect == EXPECT_NEW)
		return mgmtd_err_add(err, MGMTD_E_CONFLICT, e->path,
				     "already exists");
	if (e->kind == EDIT_DELETE)
		return json_array_remove(arr, idx) ? -ENOMEM : 0;
	new = e->kind == EDIT_PATCH ? merged(old, e->object)
				    : json_deep_copy(e->object);
	keep_secrets(e->sc, old, new);
	json_object_set_new(new, key_attr,
			    e->sc->key->type == MGMTD_T_INT
				    ? json_integer(strtoll(e->key, NULL, 10))
				    : json_string(e->key));
	if (old)
		return json_array_set_new(arr, idx, new) ? -ENOMEM : 0;
	return json_array_append_new(arr, new) ? -ENOMEM : 0;
}

static int apply_edit(json_t *tree, void *arg, struct mgmtd_err *err)
{
	struct edit *e = arg;
	json_t *plugin = json_object_get(tree, e->sp->name);
	unsigned now = store_version(e->c->store);

	/* Checked here, under the transaction lock, so that no change can
	 * slip in between the check and the commit. */
	if (e->if_match && e->if_match != (json_int_t)now) {
		e->stale = true;
		return mgmtd_err_add(err, MGMTD_E_CONFLICT, e->path,
				     "the configuration changed since version "
				     "%lld (now version %u)",
				     (long long)e->if_match, now);
	}
	if (!plugin) {
		plugin = json_object();
		json_object_set_new(tree, e->sp->name, plugin);
	}
	if (e->sc->cls->kind == MGMTD_SINGLETON)
		return edit_singleton(e, plugin, err);
	return edit_collection(e, plugin, err);
}

/* Resolve plugin, class and key of a request into e. */
static json_t *parse_target(struct core *c, json_t *rq, struct edit *e)
{
	const char *pn = json_string_value(json_object_get(rq, "plugin"));
	const char *cn = json_string_value(json_object_get(rq, "class"));
	const char *expect = json_string_value(json_object_get(rq, "expect"));
	json_t *body_key, *im = json_object_get(rq, "if_match");

	e->key = json_string_value(json_object_get(rq, "key"));
	e->object = json_object_get(rq, "object");
	e->c = c;
	e->if_match = json_is_integer(im) ? json_integer_value(im) : 0;
	if (expect && strcmp(expect, "new") == 0)
		e->expect = EXPECT_NEW;
	else if (expect && strcmp(expect, "existing") == 0)
		e->expect = EXPECT_EXISTING;
	if (!pn || !(e->sp = schema_plugin_find(&c->schema, pn)))
		return api_error(MGMTD_E_NOT_FOUND, "plugin", "no such plugin");
	if (!cn || !(e->sc = schema_class_find(e->sp, cn)))
		return api_error(MGMTD_E_NOT_FOUND, "class", "no such class");
	schema_object_path(e->path, sizeof(e->path), pn, cn, e->key);
	if (!e->sc->has_config)
		return api_error(MGMTD_E_NOT_WRITABLE, e->path,
				 "is live state and cannot be changed");
	if ((e->sc->cls->kind == MGMTD_COLLECTION) != (e->key != NULL))
		return api_error(MGMTD_E_INVALID, e->path,
				 e->key ? "a singleton has no key"
					: "a key is required");
	if (e->kind != EDIT_DELETE && !json_is_object(e->object))
		return api_error(MGMTD_E_INVALID, e->path,
				 "an object is required");
	body_key = e->key ? json_object_get(e->object, e->sc->key->name) : NULL;
	if (body_key && !(json_is_string(body_key) &&
			  strcmp(json_string_value(body_key), e->key) == 0))
		return api_error(MGMTD_E_INVALID, e->path,
				 "the key in the body differs from the target");
	return NULL;
}

static json_t *op_edit(struct core *c, const struct api_caller *who,
		       json_t *rq, enum edit_kind kind)
{
	struct edit e = { .kind = kind };
	struct mgmtd_err err = { 0 };
	struct txn_result res = { 0 };
	static const char *const verbs[] = { "put", "patch", "delete" };
	struct txn_request trq;
	json_t *bad = parse_target(c, rq, &e), *resp;
	char what[MGMTD_ERR_PATH_LEN + 16];

	if (bad)
		return bad;
	api_request_of(who, rq, &trq);
	snprintf(what, sizeof(what), "%s %s", verbs[kind], e.path);
	trq.what = what;
	/* apply_edit replaces objects, never changes one in place. */
	resp = api_txn_response(txn_edit_shared(c, apply_edit, &e, &trq, &res,
						&err),
				&res, &err);
	if (e.stale) {
		json_object_set_new(resp, "status", json_integer(412));
		json_object_set_new(resp, "title",
				    json_string("precondition failed"));
	}
	return resp;
}

json_t *api_op_put(struct core *c, const struct api_caller *who, json_t *rq)
{
	return op_edit(c, who, rq, EDIT_PUT);
}

json_t *api_op_patch(struct core *c, const struct api_caller *who, json_t *rq)
{
	return op_edit(c, who, rq, EDIT_PATCH);
}

json_t *api_op_delete(struct core *c, const struct api_caller *who,
		      json_t *rq)
{
	return op_edit(c, who, rq, EDIT_DELETE);
}
