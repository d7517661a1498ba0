/* Writing a tree as libconfig text.  libconfig's own writer builds a
 * setting tree and prints it a character at a time; on a configuration of
 * 10,000 objects that was a quarter of a commit's cost, so the store writes
 * the (simple) format itself.  store_parse_file reads it back with
 * libconfig, and the unit tests check the round trip. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_internal.h"

struct out {
	char *buf;
	size_t len, cap;
	int err;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->err)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		char *g;
		while (cap < o->len + n + 1)
			cap *= 2;
		if (!(g = realloc(o->buf, cap))) {
			o->err = -ENOMEM;
			return;
		}
		o->buf = g;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void indent(struct out *o, int depth)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)depth * 2;

	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		put(o, spaces, k);
		n -= k;
	}
}

static void put_string(struct out *o, const char *s)
{
	const char *run = s;

	put(o, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(o, run, (size_t)(s - run));
		run = s + 1;
		switch (c) {
		case '"': puts_(o, "\\\""); break;
		case '\\': puts_(o, "\\\\"); break;
		case '\n': puts_(o, "\\n"); break;
		case '\t': puts_(o, "\\t"); break;
		case '\r': puts_(o, "\\r"); break;
		case '\f': puts_(o, "\\f"); break;
		default:
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			puts_(o, esc);
		}
	}
	put(o, run, (size_t)(s - run));
	put(o, "\"", 1);
}

static bool needs_int64(json_t *v)
{
	json_int_t i = json_integer_value(v);

	return json_is_integer(v) && (i < INT32_MIN || i > INT32_MAX);
}

/* long_ints: libconfig arrays hold one type, so one int64 makes all so. */
static void put_scalar(struct out *o, json_t *v, bool long_ints)
{
	char num[64];

	switch (json_typeof(v)) {
	case JSON_STRING:
		put_string(o, json_string_value(v));
		return;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT "%s",
			 json_integer_value(v), long_ints ? "L" : "");
		break;
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		if (!strpbrk(num, ".eEn")) /* a float needs its point */
			strcat(num, ".0");
		break;
	case JSON_TRUE:
		snprintf(num, sizeof(num), "true");
		break;
	case JSON_FALSE:
		snprintf(num, sizeof(num), "false");
		break;
	default:
		o->err = -EINVAL; /* null and nested arrays have no form */
		return;
	}
	puts_(o, num);
}

static void put_value(struct out *o, json_t *v, int depth);

/* libconfig's rule for setting names: [A-Za-z*][-A-Za-z0-9_*]* */
static bool valid_name(const char *k)
{
	if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '*'))
		return false;
	for (k++; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || *k == '-' || *k == '_' ||
		      *k == '*'))
			return false;
	return true;
}

static void put_members(struct out *o, json_t *obj, int depth)
{
	const char *k;
	json_t *m;

	json_object_foreach(obj, k, m) {
		if (json_is_null(m))
			continue;
		if (!valid_name(k))
			o->err = -EINVAL;
		indent(o, depth);
		puts_(o, k);
		puts_(o, " = ");
		put_value(o, m, depth);
		puts_(o, ";\n");
	}
}

static void put_array(struct out *o, json_t *v, int depth)
{
	bool long_ints = false;
	size_t i, n = json_array_size(v);
	json_t *item;

	if (json_is_object(json_array_get(v, 0))) {
		puts_(o, "(\n");
		json_array_foreach(v, i, item) {
			if (!json_is_object(item))
				o->err = -EINVAL;
			indent(o, depth + 1);
			put_value(o, item, depth + 1);
			puts_(o, i + 1 < n ? ",\n" : "\n");
		}
		indent(o, depth);
		puts_(o, ")");
		return;
	}
	json_array_foreach(v, i, item)
		long_ints = long_ints || needs_int64(item);
	puts_(o, "[ ");
	json_array_foreach(v, i, item) {
		put_scalar(o, item, long_ints);
		puts_(o, i + 1 < n ? ", " : " ");
	}
	puts_(o, "]");
}

static void put_value(struct out *o, json_t *v, int depth)
{
	if (json_is_object(v)) {
		puts_(o, "{\n");
		put_members(o, v, depth + 1);
		indent(o, depth);
		puts_(o, "}");
	} else if (json_is_array(v)) {
		put_array(o, v, depth);
	} else {
		put_scalar(o, v, needs_int64(v));
	}
}

int store_render(const char *header, unsigned version, json_t *tree,
		 char **buf, size_t *len)
{
	struct out o = { 0 };
	char line[32];

	puts_(&o, header);
	snprintf(line, sizeof(line), "version = %u;\n", version);
	puts_(&o, line);
	put_members(&o, tree, 0);
	if (o.err) {
		free(o.buf);
		return o.err;
	}
	*buf = o.buf;
	*len = o.len;
	return 0;
}
