/* The MIB layout, names, type mapping, index and value encoding. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mib_map.h"
#include "types.h"

#define TEXT_MAX 65535    /* MgmtdText's largest size */
#define DISPLAY_MAX 255   /* DisplayString's */
#define HOSTNAME_MAX 253
#define PREFIX_MAX 64     /* "ffff:...:ffff/128" is 43 */
#define PATH_MAX_LEN 4095

static const uint32_t root_oid[] = { MIB_PARENT_OID, MIB_ARC };

size_t mib_root(uint32_t *out)
{
	memcpy(out, root_oid, sizeof(root_oid));
	return sizeof(root_oid) / sizeof(root_oid[0]);
}

size_t mib_class_oid(const struct schema_plugin *sp,
		     const struct schema_class *sc, uint32_t *out)
{
	size_t n = mib_root(out);

	out[n++] = MIB_OBJECTS;
	out[n++] = sp->desc->mib_arc;
	out[n++] = sc->cls->snmp_table;
	return n;
}

size_t mib_index_max(void)
{
	/* A column's OID: root, objects, arc, table, entry, column. */
	return MIB_MAX_OID - (sizeof(root_oid) / sizeof(root_oid[0]) + 5);
}

/* ------------------------------------------------------------------ */
/* Names                                                               */

/* Append s to buf in CamelCase: '_' and '-' start a new word. */
static void camel_append(char *buf, size_t len, const char *s, bool upper)
{
	size_t n = strlen(buf);

	for (; s && *s && n + 1 < len; s++) {
		if (*s == '_' || *s == '-' || !isalnum((unsigned char)*s)) {
			upper = true;
			continue;
		}
		buf[n++] = upper ? (char)toupper((unsigned char)*s) : *s;
		upper = false;
	}
	buf[n] = '\0';
}

void mib_name(char *buf, size_t len, const char *plugin, const char *cls,
	      const char *attr, const char *suffix)
{
	if (len == 0)
		return;
	snprintf(buf, len, "mgmtd");
	camel_append(buf, len, plugin, true);
	camel_append(buf, len, cls, true);
	camel_append(buf, len, attr, true);
	camel_append(buf, len, suffix, true);
}

void mib_enum_label(char *buf, size_t len, const char *value)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	/* An SMI label starts with a lower-case letter. */
	if (!islower((unsigned char)value[0]))
		snprintf(buf, len, "%s", isupper((unsigned char)value[0])
						 ? "" : "v");
	camel_append(buf, len, value, false);
	buf[0] = (char)tolower((unsigned char)buf[0]);
}

/* ------------------------------------------------------------------ */
/* Types                                                               */

static void set_range(struct mib_type *t, int64_t lo, int64_t hi)
{
	t->ranged = true;
	t->lo = lo;
	t->hi = hi;
}

static void text_type(struct mib_type *t, int64_t max)
{
	t->base = MIB_B_TEXT;
	t->syntax = max <= DISPLAY_MAX ? "DisplayString" : "MgmtdText";
	set_range(t, 0, max);
}

static void int_type(const struct mgmtd_attr *a, struct mib_type *t)
{
	bool lower = a->min != 0 || a->max != 0;
	bool upper = lower && !(a->max == 0 && a->min > 0);
	int64_t lo = lower ? a->min : INT64_MIN, hi = upper ? a->max : INT64_MAX;

	if (a->flags & MGMTD_A_COUNTER) {
		t->base = MIB_B_COUNTER64;
		t->syntax = "Counter64";
	} else if (!lower) {
		/* Unbounded in the schema: SNMP's widest writable integer. */
		t->base = MIB_B_INTEGER32;
		t->syntax = "Integer32";
	} else if (lo >= INT32_MIN && hi <= INT32_MAX) {
		t->base = MIB_B_INTEGER32;
		t->syntax = "Integer32";
		set_range(t, lo, hi);
	} else if (lo >= 0 && hi <= UINT32_MAX) {
		t->base = MIB_B_UNSIGNED32;
		t->syntax = "Unsigned32";
		set_range(t, lo, hi);
	} else if (lo >= 0 && (a->flags & MGMTD_A_STATE)) {
		t->base = MIB_B_GAUGE64;
		t->syntax = "CounterBasedGauge64";
	} else {
		/* Wider than SNMP's integers: the 32-bit part of the range. */
		t->base = MIB_B_INTEGER32;
		t->syntax = "Integer32";
		set_range(t, lo < INT32_MIN ? INT32_MIN : lo,
			  hi > INT32_MAX ? INT32_MAX : hi);
	}
}

/* Sizes: state in bytes as CounterBasedGauge64; config (writable, so no
 * 64-bit type) in KiB as Unsigned32. */
static void size_type(const struct mgmtd_attr *a, struct mib_type *t)
{
	if (a->flags & MGMTD_A_COUNTER) {
		t->base = MIB_B_COUNTER64;
		t->syntax = "Counter64";
		t->units = "bytes";
	} else if (a->flags & MGMTD_A_STATE) {
		t->base = MIB_B_GAUGE64;
		t->syntax = "CounterBasedGauge64";
		t->units = "bytes";
	} else {
		t->base = MIB_B_UNSIGNED32;
		t->syntax = "Unsigned32";
		t->units = "KiB";
		t->scale = 1024;
		if (a->min > 0 || a->max > 0)
			set_range(t, (a->min + 1023) / 1024,
				  a->max > 0 && a->max / 1024 < UINT32_MAX
					  ? a->max / 1024 : UINT32_MAX);
	}
}

int mib_type_of(const struct mgmtd_attr *a, struct mib_type *t)
{
	*t = (struct mib_type){ .scale = 1, .units = a->units,
				.list = (a->flags & MGMTD_A_LIST) != 0 };
	if (a->type == MGMTD_T_SECRET)
		return -ENOENT;
	if (t->list) {
		text_type(t, TEXT_MAX);
	} else {
		switch (a->type) {
		case MGMTD_T_STRING:
			text_type(t, a->max > 0 ? a->max : TEXT_MAX);
			break;
		case MGMTD_T_HOSTNAME:
			text_type(t, HOSTNAME_MAX);
			break;
		case MGMTD_T_PREFIX:
			text_type(t, PREFIX_MAX);
			break;
		case MGMTD_T_PATH:
			text_type(t, PATH_MAX_LEN);
			break;
		case MGMTD_T_IPV4:
			t->base = MIB_B_IPV4;
			t->syntax = "InetAddressIPv4";
			break;
		case MGMTD_T_IPV6:
			t->base = MIB_B_IPV6;
			t->syntax = "InetAddressIPv6";
			break;
		case MGMTD_T_IP:
			t->base = MIB_B_INETADDR;
			t->syntax = "InetAddress";
			break;
		case MGMTD_T_BOOL:
			t->base = MIB_B_TRUTH;
			t->syntax = "TruthValue";
			break;
		case MGMTD_T_ENUM:
			t->base = MIB_B_ENUM;
			t->syntax = "INTEGER";
			break;
		case MGMTD_T_INT:
			int_type(a, t);
			break;
		case MGMTD_T_SIZE:
			size_type(a, t);
			break;
		case MGMTD_T_DURATION:
			t->base = MIB_B_UNSIGNED32;
			t->syntax = "Unsigned32";
			t->units = "seconds";
			break;
		default:
			return -ENOENT;
		}
	}
	t->writable = (a->flags & MGMTD_A_CONFIG) && !(a->flags & MGMTD_A_KEY) &&
		      t->base != MIB_B_COUNTER64 && t->base != MIB_B_GAUGE64;
	return 0;
}

void mib_key_type(const struct mgmtd_attr *key, struct mib_type *t)
{
	int64_t max = (int64_t)mib_index_max() - 1; /* the length goes first */

	mib_type_of(key, t);
	t->writable = false;
	t->list = false;
	switch (key->type) {
	case MGMTD_T_INT:
		t->base = MIB_B_UNSIGNED32;
		t->syntax = "Unsigned32";
		set_range(t, t->ranged && t->lo > 0 ? t->lo : 0,
			  t->ranged && t->hi < UINT32_MAX ? t->hi : UINT32_MAX);
		break;
	case MGMTD_T_BOOL:
	case MGMTD_T_ENUM:
	case MGMTD_T_IPV4:
	case MGMTD_T_IPV6:
		break;
	default:
		text_type(t, key->type == MGMTD_T_STRING && key->max > 0 &&
					     key->max < max
				     ? key->max
				     : max);
		t->lo = key->type == MGMTD_T_STRING ? (key->min > 0 ? key->min : 0)
						    : 1;
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Index                                                               */

static int enum_index(const struct mgmtd_attr *a, const char *text)
{
	for (int i = 0; a->enum_values && a->enum_values[i]; i++)
		if (strcmp(a->enum_values[i], text) == 0)
			return i + 1;
	return -1;
}

static int addr_index(int family, const char *text, uint32_t *out,
		      size_t cap, size_t *len)
{
	unsigned char b[16];
	size_t n = family == AF_INET ? 4 : 16;

	if (inet_pton(family, text, b) != 1)
		return -EINVAL;
	if (n > cap)
		return -ERANGE;
	for (size_t i = 0; i < n; i++)
		out[i] = b[i];
	*len = n;
	return 0;
}

int mib_index_encode(const struct mgmtd_attr *key, const char *text,
		     uint32_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(text);
	char *end;
	long long v;
	int e;

	switch (key->type) {
	case MGMTD_T_INT:
		errno = 0;
		v = strtoll(text, &end, 10);
		if (end == text || *end || errno)
			return -EINVAL;
		if (v < 0 || v > UINT32_MAX || cap < 1)
			return -ERANGE;
		out[0] = (uint32_t)v;
		*len = 1;
		return 0;
	case MGMTD_T_BOOL:
	case MGMTD_T_ENUM:
		e = key->type == MGMTD_T_BOOL
			    ? (strcmp(text, "true") == 0 ? 1
			       : strcmp(text, "false") == 0 ? 2 : -1)
			    : enum_index(key, text);
		if (e < 0)
			return -EINVAL;
		if (cap < 1)
			return -ERANGE;
		out[0] = (uint32_t)e;
		*len = 1;
		return 0;
	case MGMTD_T_IPV4:
		return addr_index(AF_INET, text, out, cap, len);
	case MGMTD_T_IPV6:
		return addr_index(AF_INET6, text, out, cap, len);
	default:
		/* Text: length, then one sub-identifier per octet. */
		if (n + 1 > cap)
			return -ERANGE;
		out[0] = (uint32_t)n;
		for (size_t i = 0; i < n; i++)
			out[i + 1] = (unsigned char)text[i];
		*len = n + 1;
		return 0;
	}
}

static int addr_decode(int family, const uint32_t *in, size_t n, char *out,
		       size_t cap)
{
	unsigned char b[16];
	size_t want = family == AF_INET ? 4 : 16;

	if (n != want)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (in[i] > 255)
			return -EINVAL;
		b[i] = (unsigned char)in[i];
	}
	return inet_ntop(family, b, out, (socklen_t)cap) ? 0 : -EINVAL;
}

int mib_index_decode(const struct mgmtd_attr *key, const uint32_t *in,
		     size_t n, char *out, size_t cap)
{
	switch (key->type) {
	case MGMTD_T_INT:
		if (n != 1)
			return -EINVAL;
		snprintf(out, cap, "%" PRIu32, in[0]);
		return 0;
	case MGMTD_T_BOOL:
		if (n != 1 || in[0] < 1 || in[0] > 2)
			return -EINVAL;
		snprintf(out, cap, "%s", in[0] == 1 ? "true" : "false");
		return 0;
	case MGMTD_T_ENUM:
		if (n != 1 || in[0] < 1)
			return -EINVAL;
		for (uint32_t i = 0; key->enum_values[i]; i++)
			if (i + 1 == in[0]) {
				snprintf(out, cap, "%s", key->enum_values[i]);
				return 0;
			}
		return -EINVAL;
	case MGMTD_T_IPV4:
		return addr_decode(AF_INET, in, n, out, cap);
	case MGMTD_T_IPV6:
		return addr_decode(AF_INET6, in, n, out, cap);
	default:
		if (n < 1 || in[0] != n - 1 || n > cap)
			return -EINVAL;
		for (size_t i = 1; i < n; i++) {
			/* No NUL inside a key: it could not round-trip. */
			if (in[i] == 0 || in[i] > 255)
				return -EINVAL;
			out[i - 1] = (char)in[i];
		}
		out[n - 1] = '\0';
		return 0;
	}
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

static int put_text(struct mib_value *out, const char *s, size_t n)
{
	out->kind = MIB_V_OCTETS;
	if (n > out->cap)
		return -ENOSPC;
	memcpy(out->buf, s, n);
	out->len = n;
	return 0;
}

static int encode_list(json_t *v, struct mib_value *out)
{
	char item[4200];
	size_t i, n = 0;
	json_t *x;

	out->kind = MIB_V_OCTETS;
	if (!json_is_array(v))
		return -EINVAL;
	json_array_foreach(v, i, x) {
		size_t l;
		if (types_scalar_text(x, item, sizeof(item)) < 0)
			return -EINVAL;
		l = strlen(item);
		if (n + l + (i > 0) > out->cap)
			return -ENOSPC;
		if (i > 0)
			out->buf[n++] = MIB_LIST_SEP;
		memcpy(out->buf + n, item, l);
		n += l;
	}
	out->len = n;
	return 0;
}

static int encode_addr(enum mib_base base, const char *s,
		       struct mib_value *out)
{
	unsigned char b[16];
	int family = base == MIB_B_IPV4 ? AF_INET
		     : base == MIB_B_IPV6 ? AF_INET6
		     : strchr(s, ':') ? AF_INET6 : AF_INET;

	if (inet_pton(family, s, b) != 1)
		return -EINVAL;
	return put_text(out, (const char *)b, family == AF_INET ? 4 : 16);
}

int mib_value_encode(const struct mgmtd_attr *a, const struct mib_type *t,
		     json_t *v, struct mib_value *out)
{
	if (t->list)
		return encode_list(v, out);
	switch (t->base) {
	case MIB_B_TEXT:
		if (!json_is_string(v))
			return -EINVAL;
		return put_text(out, json_string_value(v),
				json_string_length(v));
	case MIB_B_IPV4:
	case MIB_B_IPV6:
	case MIB_B_INETADDR:
		if (!json_is_string(v))
			return -EINVAL;
		return encode_addr(t->base, json_string_value(v), out);
	case MIB_B_TRUTH:
		if (!json_is_boolean(v))
			return -EINVAL;
		out->kind = MIB_V_INT;
		out->i = json_is_true(v) ? 1 : 2;
		return 0;
	case MIB_B_ENUM:
		out->kind = MIB_V_INT;
		out->i = json_is_string(v) ? enum_index(a, json_string_value(v))
					   : -1;
		return out->i < 0 ? -EINVAL : 0;
	case MIB_B_INTEGER32:
		if (!json_is_integer(v))
			return -EINVAL;
		out->kind = MIB_V_INT;
		out->i = json_integer_value(v);
		if (out->i < INT32_MIN || out->i > INT32_MAX)
			out->i = out->i < 0 ? INT32_MIN : INT32_MAX;
		return 0;
	case MIB_B_UNSIGNED32:
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return -EINVAL;
		out->kind = MIB_V_UINT;
		out->u = (uint64_t)json_integer_value(v) / t->scale;
		if (out->u > UINT32_MAX)
			out->u = UINT32_MAX;
		return 0;
	case MIB_B_COUNTER64:
	case MIB_B_GAUGE64:
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return -EINVAL;
		out->kind = MIB_V_U64;
		out->u = (uint64_t)json_integer_value(v);
		return 0;
	}
	return -EINVAL;
}

/* Check one item as any input is checked; *out canonical. */
static enum mib_set_err check_item(const struct mgmtd_attr *a, json_t *in,
				   json_t **out, char *msg, size_t msglen)
{
	int rc = types_normalize_scalar(a, in, out, msg, msglen);

	json_decref(in);
	return rc < 0 ? MIB_SET_WRONG_VALUE : MIB_SET_OK;
}

static enum mib_set_err decode_list(const struct mgmtd_attr *a,
				    const struct mib_value *in, json_t **out,
				    char *msg, size_t msglen)
{
	json_t *list = json_array();
	const char *p = (const char *)in->buf, *end = p + in->len;

	while (in->len > 0 && p <= end) {
		const char *sep = memchr(p, MIB_LIST_SEP, (size_t)(end - p));
		const char *stop = sep ? sep : end, *s = p;
		char item[4200];
		json_t *v = NULL;

		while (s < stop && isspace((unsigned char)*s))
			s++;
		while (stop > s && isspace((unsigned char)stop[-1]))
			stop--;
		snprintf(item, sizeof(item), "%.*s", (int)(stop - s), s);
		if (check_item(a, json_string(item), &v, msg, msglen)) {
			json_decref(list);
			return MIB_SET_WRONG_VALUE;
		}
		for (size_t i = 0; i < json_array_size(list); i++)
			if (json_equal(json_array_get(list, i), v)) {
				snprintf(msg, msglen, "item %zu repeats item %zu",
					 json_array_size(list) + 1, i + 1);
				json_decref(v);
				json_decref(list);
				return MIB_SET_WRONG_VALUE;
			}
		json_array_append_new(list, v);
		if (a->max_items && json_array_size(list) > a->max_items) {
			snprintf(msg, msglen, "must have at most %u items",
				 a->max_items);
			json_decref(list);
			return MIB_SET_WRONG_VALUE;
		}
		if (!sep)
			break;
		p = sep + 1;
	}
	*out = list;
	return MIB_SET_OK;
}

static enum mib_set_err decode_text(const struct mgmtd_attr *a,
				    const struct mib_type *t,
				    const struct mib_value *in, json_t **out,
				    char *msg, size_t msglen)
{
	char buf[64];
	int family;

	switch (t->base) {
	case MIB_B_TEXT:
		if (in->len == 0 && !(a->flags & MGMTD_A_REQUIRED)) {
			*out = json_null();
			return MIB_SET_OK;
		}
		if (memchr(in->buf, '\0', in->len)) {
			snprintf(msg, msglen, "contains a NUL character");
			return MIB_SET_WRONG_VALUE;
		}
		return check_item(a, json_stringn((const char *)in->buf, in->len),
				  out, msg, msglen);
	case MIB_B_IPV4:
	case MIB_B_IPV6:
	case MIB_B_INETADDR:
		if (in->len == 0 && !(a->flags & MGMTD_A_REQUIRED)) {
			*out = json_null();
			return MIB_SET_OK;
		}
		if ((in->len != 4 && in->len != 16) ||
		    (t->base == MIB_B_IPV4 && in->len != 4) ||
		    (t->base == MIB_B_IPV6 && in->len != 16)) {
			snprintf(msg, msglen, "an address has 4 or 16 octets");
			return MIB_SET_WRONG_LENGTH;
		}
		family = in->len == 4 ? AF_INET : AF_INET6;
		inet_ntop(family, in->buf, buf, sizeof(buf));
		return check_item(a, json_string(buf), out, msg, msglen);
	default:
		return MIB_SET_WRONG_TYPE;
	}
}

static enum mib_set_err decode_number(const struct mgmtd_attr *a,
				      const struct mib_type *t,
				      const struct mib_value *in, json_t **out,
				      char *msg, size_t msglen)
{
	int64_t v = in->kind == MIB_V_INT ? in->i : (int64_t)in->u;

	switch (t->base) {
	case MIB_B_TRUTH:
		if (v != 1 && v != 2) {
			snprintf(msg, msglen, "a TruthValue is 1 or 2");
			return MIB_SET_WRONG_VALUE;
		}
		return check_item(a, json_boolean(v == 1), out, msg, msglen);
	case MIB_B_ENUM:
		for (int64_t i = 0; a->enum_values[i]; i++)
			if (i + 1 == v)
				return check_item(a, json_string(a->enum_values[i]),
						  out, msg, msglen);
		snprintf(msg, msglen, "%" PRId64 " is none of the enumeration",
			 v);
		return MIB_SET_WRONG_VALUE;
	default:
		if (t->ranged && (v < t->lo || v > t->hi)) {
			snprintf(msg, msglen,
				 "must be between %" PRId64 " and %" PRId64, t->lo,
				 t->hi);
			return MIB_SET_WRONG_VALUE;
		}
		return check_item(a, json_integer(v * (int64_t)t->scale), out,
				  msg, msglen);
	}
}

enum mib_set_err mib_value_decode(const struct mgmtd_attr *a,
				  const struct mib_type *t,
				  const struct mib_value *in, json_t **out,
				  char *msg, size_t msglen)
{
	bool text = t->list || t->base == MIB_B_TEXT || t->base == MIB_B_IPV4 ||
		    t->base == MIB_B_IPV6 || t->base == MIB_B_INETADDR;
	bool unsig = t->base == MIB_B_UNSIGNED32;

	*out = NULL;
	if (!t->writable) {
		snprintf(msg, msglen, "is read-only");
		return MIB_SET_WRONG_TYPE; /* the caller reports notWritable */
	}
	if (text != (in->kind == MIB_V_OCTETS) ||
	    (!text && unsig != (in->kind == MIB_V_UINT))) {
		snprintf(msg, msglen, "wrong ASN.1 type for %s", t->syntax);
		return MIB_SET_WRONG_TYPE;
	}
	if (text && t->ranged && (int64_t)in->len > t->hi) {
		snprintf(msg, msglen, "is longer than %" PRId64 " octets", t->hi);
		return MIB_SET_WRONG_LENGTH;
	}
	if (t->list)
		return decode_list(a, in, out, msg, msglen);
	if (text)
		return decode_text(a, t, in, out, msg, msglen);
	return decode_number(a, t, in, out, msg, msglen);
}
