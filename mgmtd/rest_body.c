/* Request bodies: JSON objects only, of bounded size. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rest_internal.h"

bool rest_content_type_is_json(const char *ct)
{
	size_t len;

	if (!ct)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	len = strcspn(ct, "; \t");
	if (len == strlen("application/json") &&
	    strncasecmp(ct, "application/json", len) == 0)
		return true;
	/* application/merge-patch+json and other +json suffixes */
	return len > strlen("application/") + 5 &&
	       strncasecmp(ct, "application/", strlen("application/")) == 0 &&
	       strncasecmp(ct + len - 5, "+json", 5) == 0;
}

int rest_body_parse(const char *content_type, const char *data, size_t len,
		    size_t limit, json_t **out, char *detail, size_t dlen)
{
	json_error_t e;
	json_t *v;

	*out = NULL;
	if (len > limit) {
		snprintf(detail, dlen, "the body exceeds %zu bytes", limit);
		return 413;
	}
	if (!rest_content_type_is_json(content_type)) {
		snprintf(detail, dlen,
			 "the body must be application/json (got %s)",
			 content_type && *content_type ? content_type
						       : "no Content-Type");
		return 415;
	}
	/* No JSON_ALLOW_NUL: a NUL inside a string would cut it short in
	 * the C parts below. */
	v = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
	if (!v) {
		snprintf(detail, dlen, "the body is not valid JSON: %s (line %d, column %d)",
			 e.text, e.line, e.column);
		return 400;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		snprintf(detail, dlen, "the body must be a JSON object");
		return 400;
	}
	*out = v;
	return 0;
}

static bool looks_secret(const char *name)
{
	return strstr(name, "password") || strstr(name, "token") ||
	       strstr(name, "secret");
}

char *rest_body_audit_text(const struct schema_class *sc, json_t *body,
			   char *buf, size_t len)
{
	json_t *copy = json_is_object(body) ? json_deep_copy(body) : NULL;
	const char *k;
	json_t *v;
	char *text;

	buf[0] = '\0';
	if (!copy)
		return buf;
	json_object_foreach(copy, k, v) {
		const struct mgmtd_attr *a = sc ? schema_attr_find(sc, k) : NULL;
		if ((a && a->type == MGMTD_T_SECRET) || looks_secret(k))
			json_object_set_new(copy, k, json_string("(secret)"));
	}
	text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(copy);
	if (text) {
		snprintf(buf, len, "%s", text);
		if (strlen(text) >= len && len > 4)
			memcpy(buf + len - 4, "...", 4);
	}
	free(text);
	return buf;
}
