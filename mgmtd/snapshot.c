/* Immutable snapshots shared between the writer and every reader. */
#include "config.h"

#include <stdlib.h>

#include "snapshot.h"

struct snapshot *snapshot_new(unsigned version, json_t *config, json_t *state)
{
	struct snapshot *s = calloc(1, sizeof(*s));

	if (!s) {
		json_decref(config);
		json_decref(state);
		return NULL;
	}
	atomic_init(&s->refs, 1);
	s->version = version;
	s->config = config;
	s->state = state;
	return s;
}

struct snapshot *snapshot_ref(struct snapshot *s)
{
	if (s)
		atomic_fetch_add(&s->refs, 1);
	return s;
}

void snapshot_unref(struct snapshot *s)
{
	if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	json_decref(s->config);
	json_decref(s->state);
	free(s);
}
