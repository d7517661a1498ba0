/* Config trees as plugins see them: one plugin's part of a whole tree,
 * with the schema that says which attribute is each collection's key.
 *
 * A whole tree is a JSON object {plugin: {class: object | [objects]}};
 * singletons are objects, collections arrays of objects in stored order. */
#ifndef MGMTD_TREE_H
#define MGMTD_TREE_H

#include <jansson.h>

#include "mgmtd/plugin.h"
#include "schema.h"

struct mgmtd_tree {
	json_t *json;                   /* the plugin's subtree, borrowed */
	const struct schema_plugin *sp; /* borrowed */
};

/* View plugin sp's part of root (which may lack it: then an empty view). */
void tree_view(struct mgmtd_tree *t, json_t *root,
	       const struct schema_plugin *sp);

/* Objects of a class in a plugin subtree (borrowed), NULL when absent. */
json_t *tree_class(json_t *plugin_subtree, const char *cls);
/* The item of collection array whose key attribute equals key. */
json_t *tree_find_item(json_t *array, const char *key_attr, const char *key,
		       size_t *index);

#endif
