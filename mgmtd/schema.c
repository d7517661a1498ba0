/* The object model: checking plugin descriptions and validating trees. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "types.h"

#define NAME_MAX_LEN 32

/* Names that the core uses at the top of the tree or in REST paths. */
static const char *const reserved_plugin_names[] = {
	"version", "config", "meta", "api", "schema", "events", "commands",
	"metrics", "openapi", "mgmtd", NULL,
};

static bool is_snake_case(const char *s)
{
	size_t n = 0;

	if (!s || !(*s >= 'a' && *s <= 'z'))
		return false;
	for (; *s; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return n <= NAME_MAX_LEN;
}

static bool is_reserved(const char *name);

bool schema_valid_plugin_name(const char *name)
{
	return is_snake_case(name) && !is_reserved(name);
}

static bool is_reserved(const char *name)
{
	for (const char *const *r = reserved_plugin_names; *r; r++)
		if (strcmp(*r, name) == 0)
			return true;
	return false;
}

/* Check one attribute of class c; key counts the keys seen. */
static int check_attr(const struct mgmtd_class *c,
		      const struct mgmtd_attr *a, char *msg, size_t len)
{
	unsigned kind = a->flags & (MGMTD_A_CONFIG | MGMTD_A_STATE);

	if (!is_snake_case(a->name))
		return snprintf(msg, len, "class %s: bad attribute name '%s'",
				c->name, a->name ? a->name : "(null)"),
		       -EINVAL;
	if (!types_name(a->type))
		return snprintf(msg, len, "%s.%s: unknown type %d", c->name,
				a->name, (int)a->type),
		       -EINVAL;
	if (kind != MGMTD_A_CONFIG && kind != MGMTD_A_STATE)
		return snprintf(msg, len,
				"%s.%s: must be exactly one of config, state",
				c->name, a->name),
		       -EINVAL;
	if ((a->flags & MGMTD_A_REQUIRED) && kind != MGMTD_A_CONFIG)
		return snprintf(msg, len, "%s.%s: only config can be required",
				c->name, a->name),
		       -EINVAL;
	if (a->type == MGMTD_T_ENUM && (!a->enum_values || !a->enum_values[0]))
		return snprintf(msg, len, "%s.%s: enum without values",
				c->name, a->name),
		       -EINVAL;
	/* In a table, column 1 is the entry itself (plugin.h).  Action
	 * parameters (checked against a class without a table) have none. */
	if ((c->snmp_table &&
	     a->snmp_column < (c->kind == MGMTD_COLLECTION ? 2u : 1u)) ||
	    !a->description)
		return snprintf(msg, len,
				"%s.%s: needs an SNMP column (from 2 in a "
				"collection) and a description",
				c->name, a->name),
		       -EINVAL;
	if (a->default_value) {
		json_t *d = NULL;
		int rc = schema_attr_default(a, &d);
		json_decref(d);
		if (rc < 0)
			return snprintf(msg, len, "%s.%s: default '%s' is not valid",
					c->name, a->name, a->default_value),
			       -EINVAL;
	}
	if ((a->flags & MGMTD_A_PASSWORD) &&
	    (a->type != MGMTD_T_SECRET || (a->flags & MGMTD_A_LIST)))
		return snprintf(msg, len,
				"%s.%s: a password must be a single secret",
				c->name, a->name),
		       -EINVAL;
	if ((a->flags & MGMTD_A_KEY) &&
	    ((a->flags & MGMTD_A_LIST) || a->type == MGMTD_T_SECRET ||
	     c->kind != MGMTD_COLLECTION))
		return snprintf(msg, len,
				"%s.%s: a key must be a scalar of a collection",
				c->name, a->name),
		       -EINVAL;
	return 0;
}

/* Actions: named like attributes, with parameters that are config
 * attributes (validated the same way). */
static int check_actions(const struct mgmtd_class *c, char *msg, size_t len)
{
	struct mgmtd_class params = { .name = c->name, .kind = MGMTD_SINGLETON };
	int rc;

	for (const struct mgmtd_action *act = c->actions; act && act->name;
	     act++) {
		if (!is_snake_case(act->name) || !act->description)
			return snprintf(msg, len,
					"%s: bad action '%s' (name, description)",
					c->name, act->name),
			       -EINVAL;
		for (const struct mgmtd_action *b = c->actions; b != act; b++)
			if (strcmp(b->name, act->name) == 0)
				return snprintf(msg, len, "%s: duplicate action %s",
						c->name, act->name),
				       -EINVAL;
		for (const struct mgmtd_attr *a = act->params; a && a->name; a++) {
			if ((rc = check_attr(&params, a, msg, len)) < 0)
				return rc;
			if (!(a->flags & MGMTD_A_CONFIG))
				return snprintf(msg, len,
						"%s.%s: parameter %s must be config",
						c->name, act->name, a->name),
				       -EINVAL;
		}
	}
	return 0;
}

static int class_defaults(struct schema_class *sc, char *msg, size_t len)
{
	if (!(sc->defaults = calloc(sc->n_attrs + 1, sizeof(*sc->defaults))))
		return snprintf(msg, len, "out of memory"), -ENOMEM;
	for (size_t i = 0; i < sc->n_attrs; i++)
		if (schema_attr_default(&sc->cls->attrs[i], &sc->defaults[i]) < 0)
			return -EINVAL; /* check_attr refused it already */
	return 0;
}

static void free_classes(struct schema_class *classes, size_t n)
{
	for (size_t i = 0; classes && i < n; i++) {
		for (size_t a = 0; classes[i].defaults && a < classes[i].n_attrs;
		     a++)
			json_decref(classes[i].defaults[a]);
		free(classes[i].defaults);
	}
	free(classes);
}

static int check_class(struct schema_class *sc, const struct mgmtd_class *c,
		       char *msg, size_t len)
{
	size_t n = 0;
	int rc;

	if (!is_snake_case(c->name) || !c->attrs || c->snmp_table == 0 ||
	    (c->kind != MGMTD_SINGLETON && c->kind != MGMTD_COLLECTION))
		return snprintf(msg, len, "bad class '%s'",
				c->name ? c->name : "(null)"),
		       -EINVAL;
	*sc = (struct schema_class){ .cls = c };
	for (const struct mgmtd_attr *a = c->attrs; a->name; a++, n++) {
		if ((rc = check_attr(c, a, msg, len)) < 0)
			return rc;
		for (const struct mgmtd_attr *b = c->attrs; b != a; b++)
			if (strcmp(a->name, b->name) == 0 ||
			    a->snmp_column == b->snmp_column)
				return snprintf(msg, len,
						"%s.%s: duplicate name or column",
						c->name, a->name),
				       -EINVAL;
		if (a->flags & MGMTD_A_KEY) {
			if (sc->key)
				return snprintf(msg, len, "%s: two keys",
						c->name),
				       -EINVAL;
			sc->key = a;
		}
		if (a->flags & MGMTD_A_CONFIG)
			sc->has_config = true;
	}
	if ((rc = check_actions(c, msg, len)) < 0)
		return rc;
	if (c->kind == MGMTD_COLLECTION && !sc->key)
		return snprintf(msg, len, "%s: a collection needs a key",
				c->name),
		       -EINVAL;
	/* Config objects are told apart by their key: it must be config. */
	if (sc->key && sc->has_config && !(sc->key->flags & MGMTD_A_CONFIG))
		return snprintf(msg, len,
				"%s.%s: the key of a class with config must be "
				"config",
				c->name, sc->key->name),
		       -EINVAL;
	sc->n_attrs = n;
	return class_defaults(sc, msg, len);
}

static int check_plugin(const struct schema *s, const struct mgmtd_plugin *p,
			char *msg, size_t len)
{
	if (!is_snake_case(p->name) || is_reserved(p->name))
		return snprintf(msg, len, "bad plugin name '%s'",
				p->name ? p->name : "(null)"),
		       -EINVAL;
	if (!p->version || !p->classes || p->mib_arc == 0)
		return snprintf(msg, len,
				"plugin %s: needs a version, classes and a MIB arc",
				p->name),
		       -EINVAL;
	for (size_t i = 0; i < s->n_plugins; i++) {
		if (strcmp(s->plugins[i].name, p->name) == 0)
			return snprintf(msg, len, "duplicate plugin name '%s'",
					p->name),
			       -EEXIST;
		if (s->plugins[i].desc->mib_arc == p->mib_arc)
			return snprintf(msg, len,
					"plugin %s: MIB arc %u already used by %s",
					p->name, p->mib_arc, s->plugins[i].name),
			       -EEXIST;
	}
	return 0;
}

int schema_add_plugin(struct schema *s, const struct mgmtd_plugin *p,
		      char *msg, size_t msglen)
{
	struct schema_plugin sp = { .name = p->name, .desc = p };
	struct schema_plugin *grown;
	size_t n = 0;
	int rc;

	if ((rc = check_plugin(s, p, msg, msglen)) < 0)
		return rc;
	while (p->classes[n])
		n++;
	sp.classes = calloc(n ? n : 1, sizeof(*sp.classes));
	if (!sp.classes)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct mgmtd_class *c = p->classes[i];
		if ((rc = check_class(&sp.classes[i], c, msg, msglen)) < 0)
			goto fail;
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->name, p->classes[j]->name) == 0 ||
			    c->snmp_table == p->classes[j]->snmp_table) {
				snprintf(msg, msglen,
					 "%s: duplicate class name or table",
					 c->name);
				rc = -EINVAL;
				goto fail;
			}
	}
	sp.n_classes = n;
	for (size_t i = 0; i < n; i++)
		if (p->classes[i]->actions && p->classes[i]->actions[0].name &&
		    !p->action) {
			snprintf(msg, msglen, "plugin %s: actions without an "
				 "action callback", p->name);
			rc = -EINVAL;
			goto fail;
		}
	grown = realloc(s->plugins, (s->n_plugins + 1) * sizeof(*grown));
	if (!grown) {
		rc = -ENOMEM;
		goto fail;
	}
	s->plugins = grown;
	s->plugins[s->n_plugins++] = sp;
	return 0;
fail:
	free_classes(sp.classes, n);
	return rc;
}

void schema_remove_plugin(struct schema *s, const char *name)
{
	for (size_t i = 0; i < s->n_plugins; i++)
		if (strcmp(s->plugins[i].name, name) == 0) {
			free_classes(s->plugins[i].classes,
				     s->plugins[i].n_classes);
			memmove(&s->plugins[i], &s->plugins[i + 1],
				(s->n_plugins - i - 1) * sizeof(*s->plugins));
			s->n_plugins--;
			return;
		}
}

void schema_fini(struct schema *s)
{
	for (size_t i = 0; i < s->n_plugins; i++)
		free_classes(s->plugins[i].classes, s->plugins[i].n_classes);
	free(s->plugins);
	*s = (struct schema){ 0 };
}

const struct schema_plugin *schema_plugin_find(const struct schema *s,
					       const char *name)
{
	for (size_t i = 0; i < s->n_plugins; i++)
		if (strcmp(s->plugins[i].name, name) == 0)
			return &s->plugins[i];
	return NULL;
}

const struct schema_class *schema_class_find(const struct schema_plugin *sp,
					     const char *name)
{
	for (size_t i = 0; sp && i < sp->n_classes; i++)
		if (strcmp(sp->classes[i].cls->name, name) == 0)
			return &sp->classes[i];
	return NULL;
}

const struct mgmtd_attr *schema_attr_find(const struct schema_class *sc,
					  const char *name)
{
	for (const struct mgmtd_attr *a = sc->cls->attrs; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

void schema_object_path(char *buf, size_t len, const char *plugin,
			const char *cls, const char *key)
{
	if (key)
		snprintf(buf, len, "%s.%s[%s]", plugin, cls, key);
	else
		snprintf(buf, len, "%s.%s", plugin, cls);
}
