/* Structural diff of config trees, keyed by each collection's key. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "diff.h"
#include "tree.h"
#include "types.h"

#define PATH_LEN 512
#define SUMMARY_ITEMS 3

static json_t *shown(const struct mgmtd_attr *a, json_t *v)
{
	if (!v)
		return json_null();
	if (a && a->type == MGMTD_T_SECRET)
		return json_string("(secret)");
	return json_incref(v);
}

static void add_change(json_t *out, const char *op, const char *path,
		       json_t *old, json_t *new)
{
	json_t *c = json_pack("{s:s, s:s}", "op", op, "path", path);

	if (old)
		json_object_set_new(c, "old", old);
	if (new)
		json_object_set_new(c, "new", new);
	json_array_append_new(out, c);
}

/* An object's values with secrets masked (for add/remove entries). */
static json_t *masked(const struct schema_class *sc, json_t *o)
{
	json_t *copy = json_deep_copy(o);

	for (const struct mgmtd_attr *a = sc->cls->attrs; a->name; a++)
		if (a->type == MGMTD_T_SECRET && json_object_get(copy, a->name))
			json_object_set_new(copy, a->name, json_string("(secret)"));
	return copy;
}

static void diff_object(const struct schema_class *sc, const char *path,
			json_t *a, json_t *b, json_t *out)
{
	char apath[PATH_LEN];

	for (const struct mgmtd_attr *at = sc->cls->attrs; at->name; at++) {
		json_t *va = json_object_get(a, at->name);
		json_t *vb = json_object_get(b, at->name);
		if ((!va && !vb) || (va && vb && json_equal(va, vb)))
			continue;
		snprintf(apath, sizeof(apath), "%s.%s", path, at->name);
		add_change(out, "change", apath, shown(at, va), shown(at, vb));
	}
}

/* The key of a collection item as text. */
static void key_text(json_t *item, const char *key, char *buf, size_t len)
{
	if (types_scalar_text(json_object_get(item, key), buf, len) < 0)
		buf[0] = '\0';
}

static void diff_collection(const struct schema_class *sc, const char *cpath,
			    json_t *a, json_t *b, json_t *out)
{
	const char *key = sc->key->name;
	char ipath[PATH_LEN];
	json_t *index = json_object(), *item;
	size_t lo = 0, ha = json_array_size(a), hb = json_array_size(b), i;

	/* A commit shares the objects it did not touch with the running
	 * tree (schema_normalize_tree_from): the same object at both ends
	 * is no change, and keys are unique, so only the middle can differ. */
	while (lo < ha && lo < hb && json_array_get(a, lo) == json_array_get(b, lo))
		lo++;
	while (ha > lo && hb > lo &&
	       json_array_get(a, ha - 1) == json_array_get(b, hb - 1)) {
		ha--;
		hb--;
	}
	/* Index a by key so that 10,000 objects diff in linear time. */
	for (i = lo; i < ha; i++) {
		char kb[PATH_LEN];
		item = json_array_get(a, i);
		key_text(item, key, kb, sizeof(kb));
		json_object_set(index, kb, item);
	}
	for (i = lo; i < hb; i++) {
		char kb[PATH_LEN];
		json_t *old;
		item = json_array_get(b, i);
		key_text(item, key, kb, sizeof(kb));
		snprintf(ipath, sizeof(ipath), "%s[%s]", cpath, kb);
		if (!(old = json_object_get(index, kb))) {
			add_change(out, "add", ipath, NULL, masked(sc, item));
			continue;
		}
		if (!json_equal(old, item))
			diff_object(sc, ipath, old, item, out);
		json_object_del(index, kb);
	}
	/* What is left in the index was removed. */
	for (i = lo; i < ha; i++) {
		char kb[PATH_LEN];
		item = json_array_get(a, i);
		key_text(item, key, kb, sizeof(kb));
		if (!json_object_get(index, kb))
			continue;
		snprintf(ipath, sizeof(ipath), "%s[%s]", cpath, kb);
		add_change(out, "remove", ipath, masked(sc, item), NULL);
	}
	json_decref(index);
}

static void diff_plugin(const struct schema_plugin *sp, json_t *a, json_t *b,
			json_t *out)
{
	char cpath[PATH_LEN];

	for (size_t i = 0; i < sp->n_classes; i++) {
		const struct schema_class *sc = &sp->classes[i];
		json_t *ca = tree_class(a, sc->cls->name);
		json_t *cb = tree_class(b, sc->cls->name);
		if (!sc->has_config || (ca && cb && json_equal(ca, cb)))
			continue;
		snprintf(cpath, sizeof(cpath), "%s.%s", sp->name, sc->cls->name);
		if (sc->cls->kind == MGMTD_SINGLETON)
			diff_object(sc, cpath, ca, cb, out);
		else
			diff_collection(sc, cpath, ca, cb, out);
	}
}

json_t *diff_trees(const struct schema *s, json_t *a, json_t *b)
{
	json_t *out = json_array(), *v;
	const char *name;

	for (size_t i = 0; i < s->n_plugins; i++) {
		const char *pn = s->plugins[i].name;
		diff_plugin(&s->plugins[i], json_object_get(a, pn),
			    json_object_get(b, pn), out);
	}
	/* Parts of plugins that are not loaded compare as wholes. */
	json_object_foreach(b, name, v) {
		json_t *old = json_object_get(a, name);
		if (schema_plugin_find(s, name) || (old && json_equal(old, v)))
			continue;
		add_change(out, old ? "change" : "add", name,
			   old ? json_incref(old) : NULL, json_incref(v));
	}
	json_object_foreach(a, name, v)
		if (!schema_plugin_find(s, name) && !json_object_get(b, name))
			add_change(out, "remove", name, json_incref(v), NULL);
	return out;
}

void diff_summary(json_t *changes, char *buf, size_t len)
{
	static const char *const verbs[][2] = {
		{ "add", "added" }, { "remove", "removed" }, { "change", "changed" },
	};
	size_t n = json_array_size(changes), used = 0;

	buf[0] = '\0';
	if (n == 0) {
		snprintf(buf, len, "no change");
		return;
	}
	for (size_t i = 0; i < n && i < SUMMARY_ITEMS && used < len; i++) {
		json_t *c = json_array_get(changes, i);
		const char *op = json_string_value(json_object_get(c, "op"));
		const char *verb = op;
		for (size_t v = 0; v < 3; v++)
			if (strcmp(op, verbs[v][0]) == 0)
				verb = verbs[v][1];
		used += (size_t)snprintf(buf + used, len - used, "%s%s %s",
					 i ? "; " : "",
					 json_string_value(json_object_get(c, "path")),
					 verb);
	}
	if (n > SUMMARY_ITEMS && used < len)
		snprintf(buf + used, len - used, "; and %zu more",
			 n - SUMMARY_ITEMS);
}
