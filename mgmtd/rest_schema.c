/* GET /api/v1/schema: every class, attribute and action as data, what the
 * browser UI builds its forms and tables from. */
#include "config.h"

#include <string.h>

#include "rest_internal.h"
#include "types.h"

static void set_str(json_t *o, const char *name, const char *v)
{
	if (v)
		json_object_set_new(o, name, json_string(v));
}

json_t *rest_attr_doc(const struct mgmtd_attr *a)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b}", "name",
			      a->name, "type", types_name(a->type), "access",
			      (a->flags & MGMTD_A_STATE) ? "state" : "config",
			      "key", (a->flags & MGMTD_A_KEY) != 0, "required",
			      (a->flags & (MGMTD_A_REQUIRED | MGMTD_A_KEY)) != 0,
			      "list", (a->flags & MGMTD_A_LIST) != 0, "secret",
			      a->type == MGMTD_T_SECRET);

	set_str(o, "description", a->description);
	set_str(o, "units", a->units);
	if (a->min || a->max) {
		json_object_set_new(o, "min", json_integer(a->min));
		json_object_set_new(o, "max", json_integer(a->max));
	}
	set_str(o, "pattern", a->pattern);
	if (a->enum_values) {
		json_t *list = json_array();
		for (const char *const *v = a->enum_values; *v; v++)
			json_array_append_new(list, json_string(*v));
		json_object_set_new(o, "enum", list);
	}
	set_str(o, "default", a->default_value);
	if (a->max_items)
		json_object_set_new(o, "max_items", json_integer(a->max_items));
	if (a->flags & MGMTD_A_GAUGE)
		json_object_set_new(o, "metric", json_string("gauge"));
	else if (a->flags & MGMTD_A_COUNTER)
		json_object_set_new(o, "metric", json_string("counter"));
	if (a->snmp_column)
		json_object_set_new(o, "snmp_column",
				    json_integer(a->snmp_column));
	/* UI hints: how a form lays the attribute out. */
	json_object_set_new(o, "advanced",
			    json_boolean(a->flags & MGMTD_A_ADVANCED));
	set_str(o, "ui_group", a->ui_group);
	if (a->ui_order)
		json_object_set_new(o, "ui_order", json_integer(a->ui_order));
	return o;
}

static json_t *attrs_doc(const struct mgmtd_attr *attrs)
{
	json_t *list = json_array();

	for (const struct mgmtd_attr *a = attrs; a && a->name; a++)
		json_array_append_new(list, rest_attr_doc(a));
	return list;
}

static json_t *actions_doc(const struct mgmtd_class *c)
{
	json_t *list = json_array();

	for (const struct mgmtd_action *act = c->actions; act && act->name;
	     act++)
		json_array_append_new(
			list,
			json_pack("{s:s, s:s, s:s, s:o}", "name", act->name,
				  "description", act->description, "role",
				  (act->flags & MGMTD_ACT_ADMIN) ? "admin"
								 : "operator",
				  "params", attrs_doc(act->params)));
	return list;
}

static json_t *class_doc(const struct schema_plugin *sp,
			 const struct schema_class *sc)
{
	const struct mgmtd_class *c = sc->cls;
	const char *area = c->ui_area;
	json_t *o = json_pack(
		"{s:s, s:s, s:s, s:s+++, s:b, s:o, s:o}", "name", c->name,
		"kind", c->kind == MGMTD_SINGLETON ? "singleton" : "collection",
		"description", c->description ? c->description : "", "path",
		REST_PREFIX "/", sp->name, "/", c->name, "writable",
		sc->has_config, "attributes", attrs_doc(c->attrs), "actions",
		actions_doc(c));

	if (sc->key)
		json_object_set_new(o, "key", json_string(sc->key->name));
	if (c->max_objects)
		json_object_set_new(o, "max_objects",
				    json_integer(c->max_objects));
	/* Where the UI's navigation places the class. */
	if (!area)
		area = sp->desc->ui_area ? sp->desc->ui_area : "system";
	json_object_set_new(o, "ui_area", json_string(area));
	return o;
}

json_t *rest_schema_doc(const struct schema *s)
{
	json_t *plugins = json_array();

	for (size_t i = 0; i < s->n_plugins; i++) {
		const struct schema_plugin *sp = &s->plugins[i];
		json_t *classes = json_array();
		for (size_t j = 0; j < sp->n_classes; j++)
			json_array_append_new(classes,
					      class_doc(sp, &sp->classes[j]));
		json_array_append_new(
			plugins,
			json_pack("{s:s, s:s, s:s, s:s, s:o}", "name",
				  sp->name, "version",
				  sp->desc->version ? sp->desc->version : "",
				  "description",
				  sp->desc->description ? sp->desc->description
							: "",
				  "ui_area",
				  sp->desc->ui_area ? sp->desc->ui_area
						    : "system",
				  "classes", classes));
	}
	return json_pack("{s:s, s:o}", "api", REST_PREFIX, "plugins", plugins);
}
