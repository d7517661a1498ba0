/* Read-only accessors that plugins use on config trees. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tree.h"

/* The plugin ABI keeps objects opaque; inside the core they are JSON. */
static json_t *obj_json(const struct mgmtd_obj *o)
{
	return (json_t *)o;
}

static const struct mgmtd_obj *json_obj(const json_t *j)
{
	return (const struct mgmtd_obj *)j;
}

void tree_view(struct mgmtd_tree *t, json_t *root, const struct schema *s,
	       const struct schema_plugin *sp)
{
	*t = (struct mgmtd_tree){
		.json = root ? json_object_get(root, sp->name) : NULL,
		.sp = sp,
		.root = root,
		.schema = s,
	};
}

struct mgmtd_tree *tree_view_all(json_t *root, const struct schema *s)
{
	/* One more than needed so that a core without plugins still gets
	 * an array to free. */
	struct mgmtd_tree *set = calloc(s->n_plugins + 1, sizeof(*set));

	if (!set)
		return NULL;
	for (size_t i = 0; i < s->n_plugins; i++) {
		tree_view(&set[i], root, s, &s->plugins[i]);
		set[i].set = set;
		set[i].n_set = s->n_plugins;
	}
	return set;
}

const struct mgmtd_tree *tree_view_find(const struct mgmtd_tree *set,
					size_t n, const char *name)
{
	for (size_t i = 0; set && name && i < n; i++)
		if (strcmp(set[i].sp->name, name) == 0)
			return &set[i];
	return NULL;
}

const struct mgmtd_tree *mgmtd_tree_plugin(const struct mgmtd_tree *t,
					   const char *plugin)
{
	return t ? tree_view_find(t->set, t->n_set, plugin) : NULL;
}

json_t *tree_copy_groups(json_t *root)
{
	json_t *copy = json_copy(root), *part, *v;
	const char *pn, *cn;

	if (!copy)
		return NULL;
	json_object_foreach(copy, pn, part) {
		json_t *own = json_copy(part);
		if (!own || json_object_set_new(copy, pn, own) < 0)
			goto fail;
		json_object_foreach(own, cn, v) {
			json_t *c = json_copy(v);
			if (!c || json_object_set_new(own, cn, c) < 0)
				goto fail;
		}
	}
	return copy;
fail:
	json_decref(copy);
	return NULL;
}

json_t *tree_class(json_t *plugin_subtree, const char *cls)
{
	return plugin_subtree ? json_object_get(plugin_subtree, cls) : NULL;
}

json_t *tree_find_item(json_t *array, const char *key_attr, const char *key,
		       size_t *index)
{
	size_t i;
	json_t *item;

	json_array_foreach(array, i, item) {
		const char *k = json_string_value(json_object_get(item, key_attr));
		if (k && strcmp(k, key) == 0) {
			if (index)
				*index = i;
			return item;
		}
	}
	return NULL;
}

const struct mgmtd_obj *mgmtd_tree_singleton(const struct mgmtd_tree *t,
					     const char *cls)
{
	json_t *o = t ? tree_class(t->json, cls) : NULL;

	return json_is_object(o) ? json_obj(o) : NULL;
}

size_t mgmtd_tree_count(const struct mgmtd_tree *t, const char *cls)
{
	return t ? json_array_size(tree_class(t->json, cls)) : 0;
}

const struct mgmtd_obj *mgmtd_tree_at(const struct mgmtd_tree *t,
				      const char *cls, size_t i)
{
	json_t *a = t ? tree_class(t->json, cls) : NULL;

	return json_obj(json_array_get(a, i));
}

const struct mgmtd_obj *mgmtd_tree_find(const struct mgmtd_tree *t,
					const char *cls, const char *key)
{
	const struct schema_class *sc;

	if (!t || !key || !(sc = schema_class_find(t->sp, cls)) || !sc->key)
		return NULL;
	return json_obj(tree_find_item(tree_class(t->json, cls),
				       sc->key->name, key, NULL));
}

bool mgmtd_tree_class_changed(const struct mgmtd_tree *a,
			      const struct mgmtd_tree *b, const char *cls)
{
	json_t *ja = a ? tree_class(a->json, cls) : NULL;
	json_t *jb = b ? tree_class(b->json, cls) : NULL;

	if (!ja || !jb)
		return ja != jb;
	return !json_equal(ja, jb);
}

bool mgmtd_obj_has(const struct mgmtd_obj *o, const char *attr)
{
	return o && json_object_get(obj_json(o), attr) != NULL;
}

const char *mgmtd_obj_str(const struct mgmtd_obj *o, const char *attr)
{
	return o ? json_string_value(json_object_get(obj_json(o), attr)) : NULL;
}

int64_t mgmtd_obj_int(const struct mgmtd_obj *o, const char *attr)
{
	return o ? json_integer_value(json_object_get(obj_json(o), attr)) : 0;
}

bool mgmtd_obj_bool(const struct mgmtd_obj *o, const char *attr)
{
	return o && json_is_true(json_object_get(obj_json(o), attr));
}

size_t mgmtd_obj_list_len(const struct mgmtd_obj *o, const char *attr)
{
	return o ? json_array_size(json_object_get(obj_json(o), attr)) : 0;
}

const char *mgmtd_obj_list_at(const struct mgmtd_obj *o, const char *attr,
			      size_t i)
{
	json_t *a = o ? json_object_get(obj_json(o), attr) : NULL;

	return json_string_value(json_array_get(a, i));
}
