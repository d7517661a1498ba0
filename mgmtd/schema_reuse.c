/* Incremental normalisation of collections (see schema_reuse.h).
 *
 * Why it is exact: normalisation is a function of one object and its
 * class, and the running tree holds only its results, each of which
 * normalises to itself (defaults filled in, values canonical, passwords
 * stored hashed, which types.c keeps).  So a candidate item equal to a
 * running item normalises to that item, and sharing it changes nothing
 * but the cost.  What spans items, key uniqueness, is checked over the
 * whole result; plugins still validate the whole candidate. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "schema_reuse.h"

/* How far ahead of the cursor an item is looked for among the running
 * ones: far enough to step over a few deleted objects. */
#define REUSE_WINDOW 4
/* Up to this many new items, each one's key is compared with every
 * other's; beyond, a set of all keys is built. */
#define SCAN_MAX 16

/* The running item at or shortly after *cursor that equals item (a new
 * reference; *cursor moves past it), or NULL.  The cursor only moves
 * forward, so no running item is used twice: the reused items keep the
 * distinct keys they had in the running tree. */
static json_t *reuse_item(json_t *item, json_t *run, size_t *cursor)
{
	size_t n = json_array_size(run);

	for (size_t k = *cursor; k < n && k < *cursor + REUSE_WINDOW; k++) {
		json_t *r = json_array_get(run, k);
		/* json_equal is true at once for the same pointer, the
		 * common case: an edit shares its untouched items. */
		if (json_equal(item, r)) {
			*cursor = k + 1;
			return json_incref(r);
		}
	}
	return NULL;
}

/* A changed object usually keeps its place: step over its old self. */
static void skip_replaced(const struct schema_class *sc, json_t *norm,
			  json_t *run, size_t *cursor)
{
	json_t *r = json_array_get(run, *cursor);

	if (r && json_equal(json_object_get(r, sc->key->name),
			    json_object_get(norm, sc->key->name)))
		(*cursor)++;
}

static int key_text(char *buf, size_t len, json_t *k)
{
	if (json_is_string(k))
		snprintf(buf, len, "s:%s", json_string_value(k));
	else if (json_is_integer(k))
		snprintf(buf, len, "i:%lld", (long long)json_integer_value(k));
	else
		return -EINVAL;
	return 0;
}

/* Whether two items of arr share a key, knowing that only the items at
 * fresh[0..n) may repeat one (the others are distinct running items). */
static bool keys_repeat(const struct schema_class *sc, json_t *arr,
			const size_t *fresh, size_t n)
{
	const char *key = sc->key->name;
	char kbuf[MGMTD_ERR_PATH_LEN];
	json_t *seen, *item;
	bool repeat = false;
	size_t i;

	if (n <= SCAN_MAX) {
		for (size_t f = 0; f < n; f++) {
			json_t *k = json_object_get(json_array_get(arr, fresh[f]),
						    key);
			json_array_foreach(arr, i, item)
				if (i != fresh[f] &&
				    json_equal(json_object_get(item, key), k))
					return true;
		}
		return false;
	}
	if (!(seen = json_object()))
		return true; /* the caller's own pass will say more */
	json_array_foreach(arr, i, item) {
		if (key_text(kbuf, sizeof(kbuf), json_object_get(item, key)) < 0 ||
		    json_object_get(seen, kbuf)) {
			repeat = true;
			break;
		}
		json_object_set_new(seen, kbuf, json_true());
	}
	json_decref(seen);
	return repeat;
}

int schema_reuse_collection(const struct schema_class *sc, json_t *in,
			    json_t *run, json_t **out)
{
	size_t cursor = 0, n_fresh = 0, i;
	struct mgmtd_err *scratch = NULL;
	size_t *fresh = NULL;
	json_t *arr, *item;
	int rc = 0;

	if (!json_is_array(in) || !json_is_array(run) || !sc->key)
		return -EAGAIN;
	if (!(arr = json_array()))
		return -ENOMEM;
	json_array_foreach(in, i, item) {
		json_t *norm = reuse_item(item, run, &cursor);

		if (!norm) {
			if (!scratch && !(scratch = malloc(sizeof(*scratch)))) {
				rc = -ENOMEM;
				break;
			}
			if (!fresh && !(fresh = malloc(json_array_size(in) *
						      sizeof(*fresh)))) {
				rc = -ENOMEM;
				break;
			}
			scratch->count = scratch->dropped = 0;
			if (schema_normalize_object(sc, "", item, &norm,
						    scratch) < 0) {
				rc = -EAGAIN;
				break;
			}
			skip_replaced(sc, norm, run, &cursor);
			fresh[n_fresh++] = i;
		}
		if (json_array_append_new(arr, norm) < 0) {
			rc = -ENOMEM;
			break;
		}
	}
	if (rc == 0 && keys_repeat(sc, arr, fresh, n_fresh))
		rc = -EAGAIN;
	free(scratch);
	free(fresh);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}
