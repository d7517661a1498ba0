/* Validation and canonicalisation of config trees against the schema. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "schema_reuse.h"
#include "types.h"

#define PATH_LEN MGMTD_ERR_PATH_LEN

/* The textual default of an attribute as the JSON a client would send;
 * text that is not a number or a truth value stays a string, which the
 * type check then refuses. */
static json_t *default_json(const struct mgmtd_attr *a, const char *text)
{
	char *end;
	long long v;

	if (a->type == MGMTD_T_INT) {
		v = strtoll(text, &end, 10);
		if (end != text && !*end)
			return json_integer(v);
	} else if (a->type == MGMTD_T_BOOL) {
		if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0)
			return json_boolean(text[0] == 't');
	}
	return json_string(text);
}

/* A list default is written comma separated: "a,b". */
static json_t *default_list_json(const struct mgmtd_attr *a)
{
	json_t *list = json_array();
	char *copy = strdup(a->default_value), *save = NULL;

	if (!list || !copy) {
		json_decref(list);
		free(copy);
		return NULL;
	}
	for (char *tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		json_array_append_new(list, default_json(a, tok));
	free(copy);
	return list;
}

/* Record an error at prefix.name: the path is only built when needed, as
 * building it for every valid attribute of 10,000 objects costs. */
static int attr_err(struct mgmtd_err *err, enum mgmtd_err_code code,
		    const char *prefix, const char *name, const char *fmt, ...)
	MGMTD_PRINTF(5, 6);

static int attr_err(struct mgmtd_err *err, enum mgmtd_err_code code,
		    const char *prefix, const char *name, const char *fmt, ...)
{
	char path[PATH_LEN], msg[MGMTD_ERR_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s%s%s", prefix, name[0] ? "." : "", name);
	return mgmtd_err_add(err, code, path, "%s", msg);
}

static int normalize_list(const struct mgmtd_attr *a, const char *prefix,
			  json_t *in, json_t **out, struct mgmtd_err *err)
{
	char msg[MGMTD_ERR_MSG_LEN];
	json_t *list, *item;
	size_t i;
	int rc = 0;

	if (!json_is_array(in))
		return attr_err(err, MGMTD_E_INVALID, prefix, a->name,
				     "must be a list of %s", types_name(a->type));
	if (a->max_items && json_array_size(in) > a->max_items)
		return attr_err(err, MGMTD_E_INVALID, prefix, a->name,
				     "must have at most %u items (has %zu)",
				     a->max_items, json_array_size(in));
	list = json_array();
	json_array_foreach(in, i, item) {
		json_t *v = NULL;
		if (types_normalize_scalar(a, item, &v, msg, sizeof(msg)) < 0) {
			rc = attr_err(err, MGMTD_E_INVALID, prefix, a->name,
					   "item %zu: %s", i + 1, msg);
			/* A placeholder keeps list positions equal to input
			 * positions for "repeats item N"; the list is dropped
			 * anyway, and null equals no canonical value. */
			json_array_append_new(list, json_null());
			continue;
		}
		for (size_t j = 0; j < json_array_size(list); j++)
			if (json_equal(json_array_get(list, j), v)) {
				rc = attr_err(err, MGMTD_E_INVALID, prefix, a->name,
						   "item %zu repeats item %zu",
						   i + 1, j + 1);
				break;
			}
		json_array_append_new(list, v);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

/* Normalise the value of attribute a of the object at prefix. */
static int normalize_value(const struct mgmtd_attr *a, const char *prefix,
			   json_t *in, json_t **out, struct mgmtd_err *err)
{
	char msg[MGMTD_ERR_MSG_LEN];

	if (a->flags & MGMTD_A_LIST)
		return normalize_list(a, prefix, in, out, err);
	if (types_normalize_scalar(a, in, out, msg, sizeof(msg)) < 0)
		return attr_err(err, MGMTD_E_INVALID, prefix, a->name, "%s", msg);
	return 0;
}

int schema_attr_default(const struct mgmtd_attr *a, json_t **out)
{
	struct mgmtd_err ignored; /* 12 KiB: not zeroed, as nothing reads it */
	json_t *raw;
	int rc;

	*out = NULL;
	if (!a->default_value)
		return 0;
	ignored.count = ignored.dropped = 0;
	raw = (a->flags & MGMTD_A_LIST) ? default_list_json(a)
					: default_json(a, a->default_value);
	rc = raw ? normalize_value(a, "", raw, out, &ignored) : -ENOMEM;
	json_decref(raw);
	return rc;
}

/* The default of a, an attribute of sc (a new reference, canonical) or
 * NULL if none.  Every default was checked when the plugin was loaded. */
static json_t *attr_default(const struct schema_class *sc,
			    const struct mgmtd_attr *a)
{
	json_t *out = NULL;

	if (sc->defaults) {
		json_t *d = sc->defaults[a - sc->cls->attrs];
		/* A list is a container someone could extend in place. */
		return json_is_array(d) ? json_copy(d) : json_incref(d);
	}
	return schema_attr_default(a, &out) == 0 ? out : NULL;
}

/* Check that every attribute given in in exists and is writable. */
static int check_given(const struct schema_class *sc, const char *path,
		       json_t *in, struct mgmtd_err *err)
{
	const char *name;
	json_t *v;
	int rc = 0;

	json_object_foreach(in, name, v) {
		const struct mgmtd_attr *a = schema_attr_find(sc, name);
		if (!a)
			rc = attr_err(err, MGMTD_E_NOT_WRITABLE, path, name,
				      "unknown attribute");
		else if (a->flags & MGMTD_A_STATE)
			rc = attr_err(err, MGMTD_E_NOT_WRITABLE, path, name,
				      "is read-only (live state)");
	}
	return rc;
}

int schema_normalize_object(const struct schema_class *sc, const char *path,
			    json_t *in, json_t **out, struct mgmtd_err *err)
{
	json_t *obj;
	int rc;

	if (!json_is_object(in))
		return mgmtd_err_add(err, MGMTD_E_INVALID, path,
				     "must be an object");
	rc = check_given(sc, path, in, err);
	obj = json_object();
	/* Canonical order is the declaration order. */
	for (const struct mgmtd_attr *a = sc->cls->attrs; a->name; a++) {
		json_t *v = json_object_get(in, a->name), *norm = NULL;

		if (!(a->flags & MGMTD_A_CONFIG))
			continue;
		if (v && !json_is_null(v)) {
			if (normalize_value(a, path, v, &norm, err) < 0)
				rc = -EINVAL;
		} else if (!(norm = attr_default(sc, a)) &&
			   (a->flags & (MGMTD_A_REQUIRED | MGMTD_A_KEY))) {
			rc = attr_err(err, MGMTD_E_INVALID, path, a->name,
				      "is required");
		}
		if (norm)
			json_object_set_new(obj, a->name, norm);
	}
	if (rc < 0) {
		json_decref(obj);
		return -EINVAL;
	}
	*out = obj;
	return 0;
}

/* Path of item i of a collection: by its key when it has a usable one. */
static void item_path(char *buf, size_t len, const char *cpath,
		      const struct schema_class *sc, json_t *item, size_t i)
{
	json_t *k = json_is_object(item) ? json_object_get(item, sc->key->name)
					 : NULL;

	if (json_is_string(k))
		snprintf(buf, len, "%s[%s]", cpath, json_string_value(k));
	else if (json_is_integer(k))
		snprintf(buf, len, "%s[%lld]", cpath,
			 (long long)json_integer_value(k));
	else
		snprintf(buf, len, "%s[#%zu]", cpath, i + 1);
}

/* A key's text form, used to detect duplicates. */
static void key_text(char *buf, size_t len, json_t *k)
{
	if (json_is_string(k))
		snprintf(buf, len, "s:%s", json_string_value(k));
	else
		snprintf(buf, len, "i:%lld", (long long)json_integer_value(k));
}

/* run: the running tree's canonical array of the class, or NULL. */
static int normalize_collection(const struct schema_class *sc,
				const char *cpath, json_t *in, json_t *run,
				json_t **out, struct mgmtd_err *err)
{
	char ipath[PATH_LEN], kbuf[PATH_LEN];
	json_t *arr, *seen, *item;
	size_t i;
	int rc = 0;

	if (!json_is_array(in))
		return mgmtd_err_add(err, MGMTD_E_INVALID, cpath,
				     "must be a list of objects");
	if (sc->cls->max_objects && json_array_size(in) > sc->cls->max_objects)
		return mgmtd_err_add(err, MGMTD_E_INVALID, cpath,
				     "at most %u objects allowed",
				     sc->cls->max_objects);
	/* From scratch when that fails: it names every broken rule. */
	if (run && (rc = schema_reuse_collection(sc, in, run, out)) != -EAGAIN)
		return rc;
	rc = 0;
	arr = json_array();
	seen = json_object();
	json_array_foreach(in, i, item) {
		json_t *norm = NULL;
		item_path(ipath, sizeof(ipath), cpath, sc, item, i);
		if (schema_normalize_object(sc, ipath, item, &norm, err) < 0) {
			rc = -EINVAL;
			continue;
		}
		key_text(kbuf, sizeof(kbuf), json_object_get(norm, sc->key->name));
		if (json_object_get(seen, kbuf)) {
			rc = mgmtd_err_add(err, MGMTD_E_CONFLICT, ipath,
					   "%s is used by two objects",
					   sc->key->name);
			json_decref(norm);
			continue;
		}
		json_object_set_new(seen, kbuf, json_true());
		json_array_append_new(arr, norm);
	}
	json_decref(seen);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

/* run: the running tree's part of the plugin (canonical), or NULL. */
static int normalize_plugin(const struct schema_plugin *sp, json_t *in,
			    json_t *run, json_t **out, struct mgmtd_err *err)
{
	char cpath[PATH_LEN];
	const char *name;
	json_t *sub, *res;
	int rc = 0;

	if (in && !json_is_object(in))
		return mgmtd_err_add(err, MGMTD_E_INVALID, sp->name,
				     "must be a group of classes");
	json_object_foreach(in, name, sub) {
		const struct schema_class *sc = schema_class_find(sp, name);
		if (!sc || !sc->has_config) {
			snprintf(cpath, sizeof(cpath), "%s.%s", sp->name, name);
			rc = mgmtd_err_add(err, MGMTD_E_NOT_WRITABLE, cpath,
					   sc ? "is read-only (live state)"
					      : "unknown class");
		}
	}
	res = json_object();
	for (size_t i = 0; i < sp->n_classes; i++) {
		const struct schema_class *sc = &sp->classes[i];
		json_t *given = in ? json_object_get(in, sc->cls->name) : NULL;
		json_t *was = run ? json_object_get(run, sc->cls->name) : NULL;
		json_t *empty = NULL, *norm = NULL;

		if (!sc->has_config)
			continue;
		/* Canonical already (see schema_reuse.c): shared as it is. */
		if (given && was && sc->cls->kind == MGMTD_SINGLETON &&
		    json_equal(given, was)) {
			json_object_set(res, sc->cls->name, was);
			continue;
		}
		if (!given)
			given = empty = sc->cls->kind == MGMTD_SINGLETON
						? json_object()
						: json_array();
		snprintf(cpath, sizeof(cpath), "%s.%s", sp->name, sc->cls->name);
		if ((sc->cls->kind == MGMTD_SINGLETON
			     ? schema_normalize_object(sc, cpath, given, &norm, err)
			     : normalize_collection(sc, cpath, given, was,
						    &norm, err)) < 0)
			rc = -EINVAL;
		else
			json_object_set_new(res, sc->cls->name, norm);
		json_decref(empty);
	}
	if (rc < 0) {
		json_decref(res);
		return -EINVAL;
	}
	*out = res;
	return 0;
}

int schema_normalize_tree(const struct schema *s, json_t *in, json_t **out,
			  struct mgmtd_err *err)
{
	return schema_normalize_tree_from(s, in, NULL, out, err);
}

int schema_normalize_tree_from(const struct schema *s, json_t *in,
			       json_t *running, json_t **out,
			       struct mgmtd_err *err)
{
	const char *name;
	json_t *res, *sub;
	int rc = 0;

	if (!json_is_object(in))
		return mgmtd_err_add(err, MGMTD_E_INVALID, "",
				     "the configuration must be a group");
	res = json_object();
	for (size_t i = 0; i < s->n_plugins; i++) {
		json_t *norm = NULL;
		const char *pn = s->plugins[i].name;
		if (normalize_plugin(&s->plugins[i], json_object_get(in, pn),
				     running ? json_object_get(running, pn)
					     : NULL,
				     &norm, err) < 0)
			rc = -EINVAL;
		else
			json_object_set_new(res, s->plugins[i].name, norm);
	}
	/* A plugin that failed to load keeps its configuration untouched;
	 * but only a group under a plugin's name can be stored at all. */
	json_object_foreach(in, name, sub) {
		json_t *was = running ? json_object_get(running, name) : NULL;

		if (schema_plugin_find(s, name))
			continue;
		if (!schema_valid_plugin_name(name) || !json_is_object(sub))
			rc = mgmtd_err_add(err, MGMTD_E_NOT_FOUND, name,
					   "no plugin of this name");
		else if (was && json_equal(sub, was))
			json_object_set(res, name, was);
		else
			/* in is borrowed: its caller may change it later,
			 * which must not change the tree made from it. */
			json_object_set_new(res, name, json_deep_copy(sub));
	}
	if (rc < 0) {
		json_decref(res);
		return -EINVAL;
	}
	*out = res;
	return 0;
}

static void mask_object(const struct schema_class *sc, json_t *obj)
{
	for (const struct mgmtd_attr *a = sc->cls->attrs; a->name; a++)
		if (a->type == MGMTD_T_SECRET)
			json_object_del(obj, a->name);
}

json_t *schema_mask_secrets(const struct schema *s, json_t *tree)
{
	json_t *copy = json_deep_copy(tree);

	for (size_t i = 0; copy && i < s->n_plugins; i++) {
		const struct schema_plugin *sp = &s->plugins[i];
		json_t *sub = json_object_get(copy, sp->name);
		for (size_t c = 0; sub && c < sp->n_classes; c++) {
			json_t *v = json_object_get(sub, sp->classes[c].cls->name);
			size_t k;
			json_t *item;
			if (json_is_object(v))
				mask_object(&sp->classes[c], v);
			json_array_foreach(v, k, item)
				mask_object(&sp->classes[c], item);
		}
	}
	return copy;
}
