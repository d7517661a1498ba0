/* GET /api/v1/openapi.json: an OpenAPI 3.1 document generated from the
 * same schema as the resources themselves, so that it cannot drift. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rest_internal.h"
#include "types.h"


static json_t *ref(const char *where, const char *name)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "#/components/%s/%s", where, name);
	return json_pack("{s:s}", "$ref", buf);
}

static json_t *scalar_schema(const struct mgmtd_attr *a)
{
	json_t *s = json_object();
	char *anchored;

	switch (a->type) {
	case MGMTD_T_INT:
		json_object_set_new(s, "type", json_string("integer"));
		if (a->min || a->max) {
			json_object_set_new(s, "minimum", json_integer(a->min));
			json_object_set_new(s, "maximum", json_integer(a->max));
		}
		return s;
	case MGMTD_T_BOOL:
		json_object_set_new(s, "type", json_string("boolean"));
		return s;
	case MGMTD_T_SIZE:
	case MGMTD_T_DURATION:
		/* Read back as a number; accepted as "10G", "5m" too. */
		json_object_set_new(s, "type", json_pack("[s, s]", "integer",
							 "string"));
		return s;
	default:
		break;
	}
	json_object_set_new(s, "type", json_string("string"));
	if (a->type == MGMTD_T_ENUM) {
		json_t *list = json_array();
		for (const char *const *v = a->enum_values; *v; v++)
			json_array_append_new(list, json_string(*v));
		json_object_set_new(s, "enum", list);
	} else if (a->type == MGMTD_T_IPV4 || a->type == MGMTD_T_IPV6 ||
		   a->type == MGMTD_T_HOSTNAME) {
		json_object_set_new(s, "format", json_string(types_name(a->type)));
	}
	if (a->type == MGMTD_T_STRING && (a->min || a->max)) {
		json_object_set_new(s, "minLength", json_integer(a->min));
		json_object_set_new(s, "maxLength", json_integer(a->max));
	}
	if (a->pattern && (anchored = malloc(strlen(a->pattern) + 8))) {
		/* The core matches the whole value. */
		sprintf(anchored, "^(?:%s)$", a->pattern);
		json_object_set_new(s, "pattern", json_string(anchored));
		free(anchored);
	}
	return s;
}

static json_t *attr_schema(const struct mgmtd_attr *a)
{
	json_t *s = scalar_schema(a), *def = NULL;

	if (a->flags & MGMTD_A_LIST) {
		json_t *arr = json_pack("{s:s, s:o}", "type", "array", "items", s);
		if (a->max_items)
			json_object_set_new(arr, "maxItems",
					    json_integer(a->max_items));
		s = arr;
	}
	if (a->description)
		json_object_set_new(s, "description", json_string(a->description));
	json_object_set_new(s, "x-mgmtd-type", json_string(types_name(a->type)));
	if (a->units)
		json_object_set_new(s, "x-units", json_string(a->units));
	if (a->flags & MGMTD_A_STATE)
		json_object_set_new(s, "readOnly", json_true());
	if (a->type == MGMTD_T_SECRET)
		json_object_set_new(s, "writeOnly", json_true());
	if (a->default_value && schema_attr_default(a, &def) == 0 && def)
		json_object_set_new(s, "default", def);
	return s;
}

/* An object of attrs; for_patch: nothing required (a merge patch). */
static json_t *object_schema(const struct mgmtd_attr *attrs,
			     const char *description, bool for_patch)
{
	json_t *props = json_object(), *req = json_array();
	json_t *s = json_pack("{s:s}", "type", "object");

	for (const struct mgmtd_attr *a = attrs; a && a->name; a++) {
		json_object_set_new(props, a->name, attr_schema(a));
		if (!for_patch && (a->flags & (MGMTD_A_REQUIRED | MGMTD_A_KEY)))
			json_array_append_new(req, json_string(a->name));
	}
	if (description)
		json_object_set_new(s, "description", json_string(description));
	json_object_set_new(s, "properties", props);
	if (json_array_size(req))
		json_object_set_new(s, "required", req);
	else
		json_decref(req);
	json_object_set_new(s, "additionalProperties", json_false());
	return s;
}

static json_t *json_content(json_t *schema)
{
	return json_pack("{s:{s:o}}", "application/json", "schema", schema);
}

static json_t *response(const char *description, json_t *schema,
			bool etag)
{
	json_t *r = json_pack("{s:s}", "description", description);

	if (schema)
		json_object_set_new(r, "content", json_content(schema));
	if (etag)
		json_object_set_new(r, "headers",
				    json_pack("{s:o}", "ETag",
					      ref("headers", "ETag")));
	return r;
}

/* An operation answering status with schema (NULL: no body). */
static json_t *operation(const char *id, const char *tag,
			 const char *summary, const char *status,
			 json_t *schema, bool etag)
{
	json_t *op = json_pack("{s:s, s:s, s:[s], s:{s:o, s:o}}", "operationId",
			       id, "summary", summary, "tags", tag, "responses",
			       status,
			       response(summary, schema, etag), "default",
			       ref("responses", "Problem"));
	return op;
}

static void add_param(json_t *op, json_t *param)
{
	json_t *list = json_object_get(op, "parameters");

	if (!list) {
		list = json_array();
		json_object_set_new(op, "parameters", list);
	}
	json_array_append_new(list, param);
}

static void add_body(json_t *op, json_t *schema, const char *ctype)
{
	json_object_set_new(op, "requestBody",
			    json_pack("{s:b, s:{s:{s:o}}}", "required", 1,
				      "content", ctype, "schema", schema));
}

/* Parameters every write takes. */
static void add_write_params(json_t *op, bool if_match)
{
	add_param(op, ref("parameters", "ConfirmTimeout"));
	add_param(op, ref("parameters", "Summary"));
	if (if_match)
		add_param(op, ref("parameters", "IfMatch"));
}

static json_t *path_param(const char *name, const char *description)
{
	return json_pack("{s:s, s:s, s:b, s:s, s:{s:s}}", "name", name, "in",
			 "path", "required", 1, "description", description,
			 "schema", "type", "string");
}

struct gen {
	json_t *paths, *schemas;
	const struct schema_plugin *sp;
	const struct schema_class *sc;
	char id[160];   /* "dns.hosts" */
	char base[160]; /* "/api/v1/dns/hosts" */
};

static json_t *path_item(struct gen *g, const char *path)
{
	json_t *item = json_object_get(g->paths, path);

	if (!item) {
		item = json_object();
		json_object_set_new(g->paths, path, item);
	}
	return item;
}

static void op_id(char *buf, size_t len, const struct gen *g,
		  const char *verb)
{
	snprintf(buf, len, "%s.%s", g->id, verb);
}

static void gen_actions(struct gen *g, const char *obj_path, bool keyed)
{
	const struct mgmtd_class *c = g->sc->cls;
	char path[512], id[256], summary[512];

	for (const struct mgmtd_action *a = c->actions; a && a->name; a++) {
		json_t *op;
		snprintf(path, sizeof(path), "%s/%s", obj_path, a->name);
		snprintf(id, sizeof(id), "%s.%s%s", g->id, keyed ? "" : "all.",
			 a->name);
		snprintf(summary, sizeof(summary), "%s (role %s)",
			 a->description,
			 (a->flags & MGMTD_ACT_ADMIN) ? "admin" : "operator");
		op = operation(id, g->sp->name, summary, "200",
			       ref("schemas", "ActionResult"), false);
		if (keyed)
			add_param(op, path_param(g->sc->key->name,
						 "the object's key"));
		add_body(op, object_schema(a->params, "parameters", false),
			 "application/json");
		json_object_set_new(path_item(g, path), "post", op);
	}
}

static void gen_collection(struct gen *g)
{
	char id[256], item_ref[200], patch_ref[200], path[512];
	json_t *coll = path_item(g, g->base), *item, *op;
	const char *key = g->sc->key->name;

	snprintf(item_ref, sizeof(item_ref), "%s", g->id);
	snprintf(patch_ref, sizeof(patch_ref), "%s.patch", g->id);
	op_id(id, sizeof(id), g, "list");
	op = operation(id, g->sp->name, "List the objects", "200",
		       json_pack("{s:s, s:{s:{s:s, s:o}, s:{s:s}, s:{s:s}, s:{s:s}}, s:[s, s]}",
				 "type", "object", "properties", "items",
				 "type", "array", "items",
				 ref("schemas", item_ref), "total", "type",
				 "integer", "limit", "type", "integer",
				 "offset", "type", "integer", "required",
				 "items", "total"),
		       true);
	add_param(op, ref("parameters", "Limit"));
	add_param(op, ref("parameters", "Offset"));
	json_object_set_new(coll, "get", op);
	if (g->sc->has_config) {
		op_id(id, sizeof(id), g, "create");
		op = operation(id, g->sp->name, "Create an object", "201",
			       ref("schemas", item_ref), true);
		add_write_params(op, true);
		add_body(op, ref("schemas", item_ref), "application/json");
		json_object_set_new(coll, "post", op);
	}
	snprintf(path, sizeof(path), "%s/{%s}", g->base, key);
	item = path_item(g, path);
	json_object_set_new(item, "parameters",
			    json_pack("[o]", path_param(key, "the object's key")));
	op_id(id, sizeof(id), g, "get");
	json_object_set_new(item, "get",
			    operation(id, g->sp->name, "Read an object", "200",
				      ref("schemas", item_ref), true));
	if (g->sc->has_config) {
		op_id(id, sizeof(id), g, "replace");
		op = operation(id, g->sp->name, "Replace an object", "200",
			       ref("schemas", item_ref), true);
		add_write_params(op, true);
		add_body(op, ref("schemas", item_ref), "application/json");
		json_object_set_new(item, "put", op);
		op_id(id, sizeof(id), g, "update");
		op = operation(id, g->sp->name,
			       "Change some attributes (null removes one)",
			       "200", ref("schemas", item_ref), true);
		add_write_params(op, true);
		add_body(op, ref("schemas", patch_ref),
			 "application/merge-patch+json");
		json_object_set_new(item, "patch", op);
		op_id(id, sizeof(id), g, "delete");
		op = operation(id, g->sp->name, "Delete an object", "204", NULL,
			       true);
		add_write_params(op, true);
		json_object_set_new(item, "delete", op);
	}
	gen_actions(g, g->base, false);
	gen_actions(g, path, true);
}

static void gen_singleton(struct gen *g)
{
	char id[256], patch_ref[200];
	json_t *item = path_item(g, g->base), *op;

	snprintf(patch_ref, sizeof(patch_ref), "%s.patch", g->id);
	op_id(id, sizeof(id), g, "get");
	json_object_set_new(item, "get",
			    operation(id, g->sp->name, "Read", "200",
				      ref("schemas", g->id), true));
	if (g->sc->has_config) {
		op_id(id, sizeof(id), g, "replace");
		op = operation(id, g->sp->name, "Replace", "200",
			       ref("schemas", g->id), true);
		add_write_params(op, true);
		add_body(op, ref("schemas", g->id), "application/json");
		json_object_set_new(item, "put", op);
		op_id(id, sizeof(id), g, "update");
		op = operation(id, g->sp->name,
			       "Change some attributes (null removes one)",
			       "200", ref("schemas", g->id), true);
		add_write_params(op, true);
		add_body(op, ref("schemas", patch_ref),
			 "application/merge-patch+json");
		json_object_set_new(item, "patch", op);
	}
	gen_actions(g, g->base, false);
}

static void gen_class(struct gen *g)
{
	const struct mgmtd_class *c = g->sc->cls;
	char patch[200];

	snprintf(g->id, sizeof(g->id), "%s.%s", g->sp->name, c->name);
	snprintf(g->base, sizeof(g->base), REST_PREFIX "/%s/%s", g->sp->name,
		 c->name);
	snprintf(patch, sizeof(patch), "%s.patch", g->id);
	json_object_set_new(g->schemas, g->id,
			    object_schema(c->attrs, c->description, false));
	if (g->sc->has_config)
		json_object_set_new(g->schemas, patch,
				    object_schema(c->attrs, c->description,
						  true));
	if (c->kind == MGMTD_COLLECTION)
		gen_collection(g);
	else
		gen_singleton(g);
}

json_t *rest_openapi_doc(const struct schema *s, const char *version)
{
	struct gen g = { .paths = json_object(), .schemas = json_object() };
	json_t *tags = json_array(), *components, *doc;

	for (size_t i = 0; i < s->n_plugins; i++) {
		g.sp = &s->plugins[i];
		json_array_append_new(
			tags, json_pack("{s:s, s:s}", "name", g.sp->name,
					"description",
					g.sp->desc->description
						? g.sp->desc->description
						: g.sp->name));
		for (size_t j = 0; j < g.sp->n_classes; j++) {
			g.sc = &g.sp->classes[j];
			gen_class(&g);
		}
	}
	components = json_pack("{s:o}", "schemas", g.schemas);
	rest_openapi_fixed(g.paths, components);
	doc = json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:[{s:[]}, {s:[]}, {s:[]}], s:o, s:o}",
			"openapi", "3.1.0", "info", "title", "mgmtd",
			"version", version, "description",
			"Management API of the storage appliance, derived "
			"from the plugins' object model.",
			"tags", tags, "security", "basic", "bearer", "session",
			"paths", g.paths, "components", components);
	return doc;
}
