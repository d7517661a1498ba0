/* The managed configuration on disk: one libconfig file in the state
 * directory (config.conf), replaced atomically, and a numbered history of
 * every committed version (history/NNNNNNNNNN.conf) with who, when, from
 * where and a summary.
 *
 * A history file is the managed file with one more line at its top, the
 * version's meta group, written on one line so that listing the history
 * reads only first lines.  The commit point of a version is the rename of
 * config.conf; history files above its version are leftovers of a crash
 * and are removed when the store is opened. */
#ifndef MGMTD_STORE_H
#define MGMTD_STORE_H

#include <jansson.h>
#include <libconfig.h>
#include <stdint.h>

#include "schema.h"

#define STORE_FILE "config.conf"

struct store;

struct store_meta {
	unsigned version;
	int64_t time;        /* seconds since the epoch */
	char user[64];
	char source[64];     /* address, or "local" */
	char interface[16];  /* rest, snmp, cli, config */
	char summary[256];
};

/* Open the store in state_dir (created if needed), keeping keep versions.
 * Returns 0 and *out. */
int store_open(const char *state_dir, unsigned keep, struct store **out);
void store_close(struct store *s);

/* Parse a managed config file into a tree (new reference) and its version
 * (0 if it has none).  On error msg reads "FILE:LINE: what" and the return
 * is -EINVAL (or -ENOENT when the file does not exist).  When cfg is not
 * NULL it receives the parsed file for store_line_of (config_destroy it). */
int store_parse_file(const char *path, json_t **tree, unsigned *version,
		     config_t *cfg, char *msg, size_t msglen);
/* Line of the setting at an error path ("dns.hosts[db1].addresses") in a
 * parsed file, the nearest enclosing setting's line if the attribute is
 * absent, 0 if none. */
int store_line_of(const config_t *cfg, const struct schema *s,
		  const char *path);

/* The current version (0: nothing committed yet) and its file path. */
unsigned store_version(const struct store *s);
const char *store_current_path(const struct store *s);
/* Load the managed file; sets the store's version from it. */
int store_load_current(struct store *s, json_t **tree, char *msg,
		       size_t msglen);

/* Commit tree as version store_version()+1 with meta (its version field is
 * filled in): history file, then the managed file (the commit point), then
 * pruning.  Returns 0, or a negative errno with nothing committed. */
int store_commit(struct store *s, json_t *tree, struct store_meta *meta);

/* The meta of a version as a JSON object (new reference). */
json_t *store_meta_json(const struct store_meta *m);

/* Versions in the history, newest first, as JSON objects of meta fields. */
json_t *store_versions(struct store *s);
/* Read version v: tree (new reference) and meta.  -ENOENT if pruned. */
int store_read_version(struct store *s, unsigned v, json_t **tree,
		       struct store_meta *meta);

/* Only the meta of version v (reads one line; the current version's is
 * kept in memory).  Callers serialise with commits (the core's txn_lock). */
int store_read_version_meta(struct store *s, unsigned v,
			    struct store_meta *meta);

/* Conversions between JSON trees and libconfig settings. */
int store_json_to_setting(config_setting_t *parent, const char *name,
			  json_t *v);
json_t *store_setting_to_json(const config_setting_t *st);

#endif
