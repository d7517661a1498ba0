/* Shared between store.c and store_history.c only. */
#ifndef MGMTD_STORE_INTERNAL_H
#define MGMTD_STORE_INTERNAL_H

#include <stddef.h>

#include "store.h"

struct store {
	char *dir;
	char *current;  /* <dir>/config.conf */
	char *history;  /* <dir>/history */
	unsigned keep;
	unsigned version;
	/* The current version's meta, so that publishing a snapshot (every
	 * collect) does not read it from disk; valid when its version equals
	 * version. */
	struct store_meta current_meta;
};

/* The managed file's text for tree at version (owned, in *buf): header,
 * "version = N;", then the tree's groups.  -EINVAL for a value libconfig
 * cannot hold (null in a list, nested lists). */
int store_render(const char *header, unsigned version, json_t *tree,
		 char **buf, size_t *len);
int store_history_write(struct store *s, const struct store_meta *meta,
			const char *body, size_t len);
void store_history_remove(struct store *s, unsigned version);
void store_history_prune(struct store *s);
void store_history_drop_orphans(struct store *s);

#endif
