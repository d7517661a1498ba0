/* The object model: the classes every loaded plugin declares, checked once
 * at load, and the validation of whole config trees against them. */
#ifndef MGMTD_SCHEMA_H
#define MGMTD_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "mgmtd/plugin.h"

struct schema_class {
	const struct mgmtd_class *cls;
	const struct mgmtd_attr *key; /* collections only */
	size_t n_attrs;
	bool has_config;              /* false: a state-only class */
	/* The canonical default of each attribute (indexed like cls->attrs,
	 * NULL where none), computed once at load because normalising a
	 * default for each of 10,000 objects costs; NULL for a class made
	 * on the fly (action parameters): defaults are then computed. */
	json_t **defaults;
};

struct schema_plugin {
	const char *name;
	const struct mgmtd_plugin *desc;
	struct schema_class *classes;
	size_t n_classes;
};

struct schema {
	struct schema_plugin *plugins;
	size_t n_plugins;
};

/* Check plugin p's description (names, keys, types, columns) and add it.
 * A refusal is explained in msg and changes nothing.  p is borrowed and
 * must outlive the schema. */
int schema_add_plugin(struct schema *s, const struct mgmtd_plugin *p,
		      char *msg, size_t msglen);
/* Forget a plugin (its init failed): its config is then kept verbatim. */
void schema_remove_plugin(struct schema *s, const char *name);
void schema_fini(struct schema *s);
/* Whether name may name a plugin (and so a top-level section). */
bool schema_valid_plugin_name(const char *name);

const struct schema_plugin *schema_plugin_find(const struct schema *s,
					       const char *name);
const struct schema_class *schema_class_find(const struct schema_plugin *sp,
					     const char *name);
const struct mgmtd_attr *schema_attr_find(const struct schema_class *sc,
					  const char *name);

/* Validate and canonicalise a whole candidate tree (borrowed) into *out (a
 * new tree): types, ranges, patterns, required attributes, defaults,
 * unknown or read-only attributes, unique keys, item and object counts.
 * Every loaded plugin gets all its config classes (empty when absent);
 * parts for plugins that are not loaded are kept as they are.  Every
 * broken rule is recorded in err with its path.  Returns 0 or -EINVAL. */
int schema_normalize_tree(const struct schema *s, json_t *in, json_t **out,
			  struct mgmtd_err *err);
/* The same, given running: a tree schema_normalize_tree made (borrowed;
 * NULL: none).  The result is equal, but objects of in that equal
 * running's are not normalised again: they are shared with running. */
int schema_normalize_tree_from(const struct schema *s, json_t *in,
			       json_t *running, json_t **out,
			       struct mgmtd_err *err);

/* Validate one object of class sc given by a client (borrowed), as
 * schema_normalize_tree would, under path prefix ("dns.hosts[db1]"). */
int schema_normalize_object(const struct schema_class *sc, const char *path,
			    json_t *in, json_t **out, struct mgmtd_err *err);

/* The canonical default of attribute a in *out (NULL if it has none).
 * Returns -EINVAL if the declared default is not a valid value. */
int schema_attr_default(const struct mgmtd_attr *a, json_t **out);

/* A copy of tree with every secret attribute removed: what readers get. */
json_t *schema_mask_secrets(const struct schema *s, json_t *tree);

/* Build the path of an object: "plugin.class" or "plugin.class[key]". */
void schema_object_path(char *buf, size_t len, const char *plugin,
			const char *cls, const char *key);

#endif
