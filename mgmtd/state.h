/* Live state as collected by plugins.  A state tree is
 * {plugin: {class: {attr: value} | {key: {attr: value}}}}: collections are
 * keyed objects so that readers can join them to config objects. */
#ifndef MGMTD_STATE_H
#define MGMTD_STATE_H

#include <jansson.h>

#include "mgmtd/plugin.h"
#include "schema.h"

struct mgmtd_state {
	const struct schema_plugin *sp;
	json_t *root;   /* the plugin's state subtree, owned */
	json_t *cur;    /* the selected object, borrowed from root */
	const struct schema_class *cur_class;
	unsigned errors; /* calls refused (unknown class or attribute) */
};

void state_init(struct mgmtd_state *st, const struct schema_plugin *sp);
/* Hand over the collected subtree (a new reference) and reset st. */
json_t *state_take(struct mgmtd_state *st);
void state_fini(struct mgmtd_state *st);

#endif
