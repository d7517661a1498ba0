/* The log sources mgmtd shows and exports: the system log, mgmtd's own
 * log when it writes one, and the logs plugins declare for the daemons
 * they run (mgmtd_log_register).  Paths come from the daemon config's
 * "logs" group and from plugins; reading is logread.c's business. */
#ifndef MGMTD_LOGS_H
#define MGMTD_LOGS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon_config.h"

#define LOGS_NAME_MAX 64

struct logs;

struct log_source {
	char name[LOGS_NAME_MAX];   /* "system", "mgmtd", "smbd" */
	char plugin[LOGS_NAME_MAX]; /* who declared it ("mgmtd": the core) */
	char path[PATH_MAX];
	char description[256];
};

/* The registry with the sources of the daemon config's "logs" group:
 *   system = "/var/log/syslog";  default: /var/log/syslog, else
 *                                /var/log/messages if only it exists;
 *                                "" lists no system log
 *   mgmtd = "/var/log/mgmtd.log"; default: none (mgmtd logs to syslog)
 *   export_max_file = 67108864;   bytes of one file in an export (the
 *                                 last ones kept); default 64 MiB
 * msg says what is wrong with the group.  0 and *out, or -EINVAL. */
int logs_new(const struct daemon_config *dc, struct logs **out, char *msg,
	     size_t len);
void logs_free(struct logs *l);
/* Add (or, for the same plugin and name, replace) a source.  -EINVAL: a
 * bad name (1-63 of [a-z0-9_.-], starting with a letter or digit) or a
 * path that is not absolute; -EEXIST: another plugin's name. */
int logs_add(struct logs *l, const char *plugin, const char *name,
	     const char *path, const char *description);
/* A copy of every source, in the order added (*out: free it).  Returns
 * how many. */
size_t logs_list(struct logs *l, struct log_source **out);
/* The source called name into *out: 0, or -ENOENT. */
int logs_find(struct logs *l, const char *name, struct log_source *out);
int64_t logs_export_max(const struct logs *l);
/* Whether name is a valid source name. */
bool logs_name_ok(const char *name);

#endif
