/* JSON trees to libconfig settings and back: the persistence format. */
#include "config.h"

#include <errno.h>
#include <stdint.h>

#include "store.h"

static int scalar_type(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return CONFIG_TYPE_STRING;
	case JSON_INTEGER: {
		json_int_t i = json_integer_value(v);
		return (i >= INT32_MIN && i <= INT32_MAX) ? CONFIG_TYPE_INT
							  : CONFIG_TYPE_INT64;
	}
	case JSON_REAL:
		return CONFIG_TYPE_FLOAT;
	case JSON_TRUE:
	case JSON_FALSE:
		return CONFIG_TYPE_BOOL;
	default:
		return CONFIG_TYPE_NONE;
	}
}

static int set_scalar(config_setting_t *st, json_t *v)
{
	int ok;

	switch (json_typeof(v)) {
	case JSON_STRING:
		ok = config_setting_set_string(st, json_string_value(v));
		break;
	case JSON_INTEGER:
		ok = config_setting_type(st) == CONFIG_TYPE_INT
			     ? config_setting_set_int(st, (int)json_integer_value(v))
			     : config_setting_set_int64(st, json_integer_value(v));
		break;
	case JSON_REAL:
		ok = config_setting_set_float(st, json_real_value(v));
		break;
	default:
		ok = config_setting_set_bool(st, json_is_true(v));
		break;
	}
	return ok == CONFIG_TRUE ? 0 : -EINVAL;
}

/* Whether any item of array v needs 64 bits. */
static bool has_int64(json_t *v)
{
	size_t i;
	json_t *item;

	json_array_foreach(v, i, item)
		if (scalar_type(item) == CONFIG_TYPE_INT64)
			return true;
	return false;
}

/* An array of objects is a libconfig list; of scalars, an array. */
static int add_array(config_setting_t *parent, const char *name, json_t *v)
{
	bool objects = json_is_object(json_array_get(v, 0));
	bool wide = !objects && has_int64(v);
	config_setting_t *st = config_setting_add(
		parent, name, objects ? CONFIG_TYPE_LIST : CONFIG_TYPE_ARRAY);
	size_t i;
	json_t *item;
	int rc;

	if (!st)
		return -EINVAL;
	json_array_foreach(v, i, item) {
		if (objects) {
			if ((rc = store_json_to_setting(st, NULL, item)) < 0)
				return rc;
			continue;
		}
		int type = scalar_type(item);
		config_setting_t *el;
		/* libconfig arrays hold one scalar type, and refuse to read
		 * [1, 5000000000L]: if any item needs 64 bits, all get them. */
		if (type == CONFIG_TYPE_INT && wide)
			type = CONFIG_TYPE_INT64;
		if (type == CONFIG_TYPE_NONE ||
		    !(el = config_setting_add(st, NULL, type)) ||
		    set_scalar(el, item) < 0)
			return -EINVAL;
	}
	return 0;
}

int store_json_to_setting(config_setting_t *parent, const char *name,
			  json_t *v)
{
	config_setting_t *st;
	const char *k;
	json_t *sub;
	int rc, type;

	if (json_is_null(v))
		return 0;
	if (json_is_array(v))
		return add_array(parent, name, v);
	if (json_is_object(v)) {
		if (!(st = config_setting_add(parent, name, CONFIG_TYPE_GROUP)))
			return -EINVAL;
		json_object_foreach(v, k, sub)
			if ((rc = store_json_to_setting(st, k, sub)) < 0)
				return rc;
		return 0;
	}
	type = scalar_type(v);
	if (type == CONFIG_TYPE_NONE || !(st = config_setting_add(parent, name, type)))
		return -EINVAL;
	return set_scalar(st, v);
}

json_t *store_setting_to_json(const config_setting_t *st)
{
	json_t *v;
	int n;

	switch (config_setting_type(st)) {
	case CONFIG_TYPE_GROUP:
		v = json_object();
		n = config_setting_length(st);
		for (int i = 0; i < n; i++) {
			config_setting_t *m = config_setting_get_elem(st, i);
			json_object_set_new(v, config_setting_name(m),
					    store_setting_to_json(m));
		}
		return v;
	case CONFIG_TYPE_LIST:
	case CONFIG_TYPE_ARRAY:
		v = json_array();
		n = config_setting_length(st);
		for (int i = 0; i < n; i++)
			json_array_append_new(
				v, store_setting_to_json(
					   config_setting_get_elem(st, i)));
		return v;
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return json_integer(config_setting_get_int64(st));
	case CONFIG_TYPE_FLOAT:
		return json_real(config_setting_get_float(st));
	case CONFIG_TYPE_BOOL:
		return json_boolean(config_setting_get_bool(st));
	case CONFIG_TYPE_STRING:
		return json_string(config_setting_get_string(st));
	default:
		return json_null();
	}
}
