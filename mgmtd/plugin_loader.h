/* Loading plugins: dlopen, ABI check, registration in the schema. */
#ifndef MGMTD_PLUGIN_LOADER_H
#define MGMTD_PLUGIN_LOADER_H

#include "core.h"

/* Load every plugin of the daemon config (plugins_load, or every *.so of
 * plugin_dir in name order).  A plugin of another ABI, with a duplicate
 * name, a broken schema or without the descriptor symbol is refused with
 * a log line and an event; the others load.  Returns the number loaded. */
int plugin_load_all(struct core *c);
/* Load one file; 0 or a negative errno with the reason in msg. */
int plugin_load_file(struct core *c, const char *path, char *msg,
		     size_t msglen);
/* Call init on each loaded plugin; a plugin whose init fails is unloaded. */
void plugin_init_all(struct core *c);
void plugin_unload_all(struct core *c);

struct plugin_handle *plugin_find(struct core *c, const char *name);

#endif
