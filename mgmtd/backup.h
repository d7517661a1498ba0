/* Configuration backups: one JSON document holding the running
 * configuration and the stored history, with a SHA-256 checksum.
 *
 *   {"format": "mgmtd-backup", "version": 1, "current": N,
 *    "created": <seconds since the epoch>, "config": {...},
 *    "history": [{"version", "time", "user", "source", "interface",
 *                 "summary", "config": {...}}, ...],   newest first
 *    "sha256": "<hex>"}
 *
 * The checksum covers the canonical encoding of every other member (compact
 * JSON, keys sorted).  A backup holds secrets (password hashes) so that a
 * restore brings them back: it is as sensitive as the state directory. */
#ifndef MGMTD_BACKUP_H
#define MGMTD_BACKUP_H

#include <jansson.h>
#include <stddef.h>

#include "core.h"

#define BACKUP_FORMAT "mgmtd-backup"
#define BACKUP_FORMAT_VERSION 1

/* The checksum of doc (borrowed), without its "sha256" member, as 64 hex
 * digits and a NUL in hex.  Returns 0 or -ENOMEM. */
int backup_digest(json_t *doc, char hex[65]);

/* A backup of c's running configuration and history; new reference, or
 * NULL when out of memory.  Takes the transaction lock, so that the
 * history and the running version agree. */
json_t *backup_make(struct core *c);

/* Check doc (borrowed): format, format version, structure of every member
 * and of every history version, then the checksum.  Returns 0, or -EINVAL
 * with the reason in msg ("history[2].config: ..."). */
int backup_check(json_t *doc, char *msg, size_t len);

#endif
