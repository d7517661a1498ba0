/* A safety net for the rule that config trees are never changed in place
 * (NOTES.md, "Core facts"): versions, snapshots, candidates and class
 * defaults share objects, so an in-place change of one object changes
 * them all.  Hold a tree (or a schema's defaults) before an operation:
 * the held graph and a deep copy of it are compared afterwards, so any
 * object of it changed in place, however deep, shows.
 *
 * Header-only, like unit_json.h: every suite may use it. */
#ifndef MGMTD_UNIT_FROZEN_H
#define MGMTD_UNIT_FROZEN_H

#include <check.h>
#include <jansson.h>

#include "schema.h"

#define UNIT_FROZEN_MAX 64

struct unit_frozen {
	size_t n;
	json_t *held[UNIT_FROZEN_MAX]; /* the very objects, referenced */
	json_t *copy[UNIT_FROZEN_MAX]; /* what they held then */
	const char *what[UNIT_FROZEN_MAX];
};

/* Remember tree (borrowed; NULL is remembered as null) as it is now. */
static inline void frozen_hold(struct unit_frozen *f, const char *what,
			       json_t *tree)
{
	ck_assert_uint_lt(f->n, UNIT_FROZEN_MAX);
	f->held[f->n] = tree ? json_incref(tree) : json_null();
	f->copy[f->n] = json_deep_copy(f->held[f->n]);
	ck_assert_ptr_nonnull(f->copy[f->n]);
	f->what[f->n++] = what;
}

/* Every class default of s, the shared objects themselves, in one array
 * (null for an attribute without one). */
static inline json_t *frozen_defaults(const struct schema *s)
{
	json_t *all = json_array();

	for (size_t p = 0; p < s->n_plugins; p++)
		for (size_t c = 0; c < s->plugins[p].n_classes; c++) {
			const struct schema_class *sc = &s->plugins[p].classes[c];

			for (size_t a = 0; sc->defaults && a < sc->n_attrs; a++)
				json_array_append(all, sc->defaults[a]
							       ? sc->defaults[a]
							       : json_null());
		}
	return all;
}

/* Fail, naming it, if anything held changed since it was held. */
static inline void frozen_check(const struct unit_frozen *f, const char *after)
{
	for (size_t i = 0; i < f->n; i++)
		ck_assert_msg(json_equal(f->held[i], f->copy[i]),
			      "%s changed %s in place", after, f->what[i]);
}

static inline void frozen_release(struct unit_frozen *f)
{
	for (size_t i = 0; i < f->n; i++) {
		json_decref(f->held[i]);
		json_decref(f->copy[i]);
	}
	f->n = 0;
}

#endif
