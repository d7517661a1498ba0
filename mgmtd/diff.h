/* Differences between two config trees, by object and attribute, with
 * secrets masked: what "diff", the command journal and summaries show. */
#ifndef MGMTD_DIFF_H
#define MGMTD_DIFF_H

#include <jansson.h>

#include "schema.h"

/* Changes from a to b (either may be NULL: empty), as a new JSON array of
 * {"op": "add"|"remove"|"change", "path": "dns.hosts[db1]",
 *  "old": value, "new": value}; attribute changes of an existing object
 * have paths like "dns.settings.hostname".  Secret values read "(secret)". */
json_t *diff_trees(const struct schema *s, json_t *a, json_t *b);

/* A one-line summary of changes: "dns.hosts[db2] added; dns.settings.
 * hostname changed; and 3 more".  Writes "no change" for none. */
void diff_summary(json_t *changes, char *buf, size_t len);

#endif
