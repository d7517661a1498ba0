/* Incremental normalisation: a collection of the candidate normalised
 * against the running tree's canonical one, so that a commit changing one
 * object of 10,000 normalises one object, not 10,000. */
#ifndef MGMTD_SCHEMA_REUSE_H
#define MGMTD_SCHEMA_REUSE_H

#include <jansson.h>

#include "schema.h"

/* Normalise collection in (a client's array, borrowed) of class sc into
 * *out (a new array), reusing the items of run (the running tree's
 * canonical array of the same class, borrowed) that equal the candidate's:
 * the canonical form is a fixed point of normalisation, so an item equal
 * to a canonical one normalises to it.  Only the others are normalised.
 * Keys are checked unique as schema_normalize_tree does.  Returns 0, or
 * -EAGAIN if any item is refused or a key repeats (the caller then
 * normalises from scratch, which names every broken rule), or -ENOMEM.
 * Errors are never recorded here. */
int schema_reuse_collection(const struct schema_class *sc, json_t *in,
			    json_t *run, json_t **out);

#endif
