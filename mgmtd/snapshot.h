/* The published state: an immutable, reference-counted snapshot of the
 * running config and the last collected live state.  Readers take the
 * current one and never wait for a transaction. */
#ifndef MGMTD_SNAPSHOT_H
#define MGMTD_SNAPSHOT_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdint.h>

struct snapshot {
	atomic_uint refs;
	unsigned version;      /* config version */
	json_t *config;        /* canonical, secrets included: mask to show */
	json_t *state;         /* {plugin: state subtree} */
	int64_t changed_time;  /* when the version was committed */
	char changed_user[64];
};

/* A new snapshot holding one reference; takes ownership of config and
 * state.  NULL on allocation failure (config and state are released). */
struct snapshot *snapshot_new(unsigned version, json_t *config,
			      json_t *state);
struct snapshot *snapshot_ref(struct snapshot *s);
void snapshot_unref(struct snapshot *s);

#endif
