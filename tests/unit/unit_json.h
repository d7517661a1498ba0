/* JSON helpers for the unit suites (header-only: every suite may use it
 * without linking anything more). */
#ifndef MGMTD_UNIT_JSON_H
#define MGMTD_UNIT_JSON_H

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Parse test JSON that must be valid (any value); a new reference. */
static inline json_t *load(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &e);

	ck_assert_msg(j != NULL, "bad test JSON %s: %s", text, e.text);
	return j;
}

/* Compact text of j in its stored order (owned). */
static inline char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);

	ck_assert_ptr_nonnull(s);
	return s;
}

#endif
