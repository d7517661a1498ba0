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
	json_t *root;                   /* the whole tree, borrowed */
	const struct schema *schema;    /* every loaded plugin, borrowed */
	/* The views of root this one belongs to, one per plugin of schema
	 * in its order (mgmtd_tree_plugin finds its siblings there); NULL
	 * for a view made alone, which sees no sibling. */
	const struct mgmtd_tree *set;
	size_t n_set;
};

/* View plugin sp's part of root (which may lack it: then an empty view),
 * alone: mgmtd_tree_plugin finds no sibling from it. */
void tree_view(struct mgmtd_tree *t, json_t *root, const struct schema *s,
	       const struct schema_plugin *sp);
/* Views of every plugin of s over root (NULL: every view empty), indexed
 * like s->plugins, each able to reach the others through
 * mgmtd_tree_plugin.  Returns the array (owned: free() it once no view is
 * used) or NULL when out of memory. */
struct mgmtd_tree *tree_view_all(json_t *root, const struct schema *s);
/* The view of plugin name in a set made by tree_view_all, or NULL. */
const struct mgmtd_tree *tree_view_find(const struct mgmtd_tree *set,
					size_t n, const char *name);

/* A copy of a whole tree (root borrowed; NULL when out of memory) that
 * owns its groups, the plugins' parts and each class's value (array or
 * singleton), but shares the objects in the arrays with root: change,
 * add or remove the copy's classes, plugins and objects, never an object
 * in place.  Cheap where a deep copy of 10,000 objects is not. */
json_t *tree_copy_groups(json_t *root);
/* Objects of a class in a plugin subtree (borrowed), NULL when absent. */
json_t *tree_class(json_t *plugin_subtree, const char *cls);
/* The item of collection array whose key attribute equals key. */
json_t *tree_find_item(json_t *array, const char *key_attr, const char *key,
		       size_t *index);

#endif
