/* The builder plugins fill in their collect callback. */
#include "config.h"

#include <errno.h>

#include "log.h"
#include "state.h"

void state_init(struct mgmtd_state *st, const struct schema_plugin *sp)
{
	*st = (struct mgmtd_state){ .sp = sp, .root = json_object() };
}

json_t *state_take(struct mgmtd_state *st)
{
	json_t *root = st->root;

	st->root = json_object();
	st->cur = NULL;
	st->cur_class = NULL;
	return root;
}

void state_fini(struct mgmtd_state *st)
{
	json_decref(st->root);
	*st = (struct mgmtd_state){ 0 };
}

int mgmtd_state_obj(struct mgmtd_state *st, const char *cls, const char *key)
{
	const struct schema_class *sc = schema_class_find(st->sp, cls);
	json_t *c, *o;

	st->cur = NULL;
	if (!sc || (sc->cls->kind == MGMTD_COLLECTION) != (key != NULL)) {
		st->errors++;
		log_debug("state", "%s: no such object %s[%s]", st->sp->name,
			  cls, key ? key : "");
		return -EINVAL;
	}
	if (!(c = json_object_get(st->root, cls))) {
		c = json_object();
		json_object_set_new(st->root, cls, c);
	}
	st->cur_class = sc;
	if (!key) {
		st->cur = c;
		return 0;
	}
	if (!(o = json_object_get(c, key))) {
		o = json_object();
		json_object_set_new(c, key, o);
		/* Keys are strings in state; typed keys come from config. */
		json_object_set_new(o, sc->key->name, json_string(key));
	}
	st->cur = o;
	return 0;
}

static int state_set(struct mgmtd_state *st, const char *attr, json_t *v)
{
	const struct mgmtd_attr *a =
		st->cur_class ? schema_attr_find(st->cur_class, attr) : NULL;

	if (!st->cur || !a || !(a->flags & (MGMTD_A_STATE | MGMTD_A_KEY))) {
		st->errors++;
		json_decref(v);
		return -EINVAL;
	}
	return json_object_set_new(st->cur, attr, v) ? -ENOMEM : 0;
}

int mgmtd_state_str(struct mgmtd_state *st, const char *attr,
		    const char *value)
{
	return state_set(st, attr, value ? json_string(value) : json_null());
}

int mgmtd_state_int(struct mgmtd_state *st, const char *attr, int64_t value)
{
	return state_set(st, attr, json_integer(value));
}

int mgmtd_state_bool(struct mgmtd_state *st, const char *attr, bool value)
{
	return state_set(st, attr, json_boolean(value));
}

int mgmtd_state_list_add(struct mgmtd_state *st, const char *attr,
			 const char *value)
{
	json_t *list = st->cur ? json_object_get(st->cur, attr) : NULL;

	if (!list) {
		int rc = state_set(st, attr, json_array());
		if (rc < 0)
			return rc;
		list = json_object_get(st->cur, attr);
	}
	return json_array_append_new(list, json_string(value)) ? -ENOMEM : 0;
}
