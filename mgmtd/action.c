/* Running plugin actions. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "err.h"
#include "log.h"
#include "plugin_loader.h"
#include "tree.h"

const struct mgmtd_action *action_find(const struct schema_class *sc,
				       const char *act)
{
	for (const struct mgmtd_action *a = sc ? sc->cls->actions : NULL;
	     a && a->name; a++)
		if (strcmp(a->name, act) == 0)
			return a;
	return NULL;
}

/* Parameters are checked like the attributes of an object of a class
 * made of them. */
static int check_params(const struct mgmtd_action *act, const char *path,
			json_t *params, json_t **out, struct mgmtd_err *err)
{
	static const struct mgmtd_attr none[] = { { .name = NULL } };
	struct mgmtd_class cls = {
		.name = act->name,
		.kind = MGMTD_SINGLETON,
		.attrs = act->params ? act->params : none,
	};
	struct schema_class sc = { .cls = &cls, .has_config = true };
	json_t *empty = NULL;
	int rc;

	if (!params)
		params = empty = json_object();
	rc = schema_normalize_object(&sc, path, params, out, err);
	json_decref(empty);
	return rc;
}

static int find_target(struct core *c, const char *plugin, const char *cls,
		       const char *key, const char *act,
		       const struct schema_class **sc,
		       const struct mgmtd_action **a, struct mgmtd_err *err)
{
	const struct schema_plugin *sp = schema_plugin_find(&c->schema, plugin);
	char path[MGMTD_ERR_PATH_LEN];

	schema_object_path(path, sizeof(path), plugin, cls, key);
	if (!sp || !(*sc = schema_class_find(sp, cls)))
		return mgmtd_err_add(err, MGMTD_E_NOT_FOUND, path,
				     "no such class");
	if (!(*a = action_find(*sc, act)))
		return mgmtd_err_add(err, MGMTD_E_NOT_FOUND, path,
				     "no action named %s", act);
	if (key && (*sc)->cls->kind != MGMTD_COLLECTION)
		return mgmtd_err_add(err, MGMTD_E_INVALID, path,
				     "a singleton has no key");
	return 0;
}

/* The object must exist in the running config (or, for state-only
 * classes, in the published state). */
static bool object_exists(struct core *c, const struct schema_class *sc,
			  const char *plugin, const char *key)
{
	json_t *cfg = tree_class(json_object_get(c->running, plugin),
				 sc->cls->name);
	json_t *st = tree_class(json_object_get(c->state, plugin),
				sc->cls->name);

	if (!key || !sc->key)
		return true;
	return tree_find_item(cfg, sc->key->name, key, NULL) ||
	       json_object_get(st, key);
}

/* An action changes live state (a service stopped, a reboot pending):
 * publish the plugin's state now, so that a read right after the action
 * sees it, rather than at the next collect. */
static void refresh_state(struct core *c, const struct plugin_handle *h)
{
	bool *part = calloc(c->n_plugins, sizeof(*part));

	if (!part)
		return;
	for (size_t i = 0; i < c->n_plugins; i++)
		part[i] = c->plugins[i] == h;
	core_collect_changed(c, part);
	core_publish(c);
	free(part);
}

const char *mgmtd_action_user(const struct mgmtd_ctx *ctx)
{
	return ctx->action_user;
}

int action_run(struct core *c, const struct txn_request *rq,
	       const char *plugin, const char *cls, const char *key,
	       const char *act, json_t *params, struct mgmtd_err *err)
{
	const struct schema_class *sc = NULL;
	const struct mgmtd_action *a = NULL;
	struct plugin_handle *h = plugin_find(c, plugin);
	char path[MGMTD_ERR_PATH_LEN], what[MGMTD_ERR_PATH_LEN + 64];
	char result[MGMTD_ERR_MSG_LEN + 64] = "ok", audited[2048];
	struct mgmtd_tree *set = NULL;
	json_t *checked = NULL;
	int rc;

	schema_object_path(path, sizeof(path), plugin, cls, key);
	snprintf(what, sizeof(what), "action %s %s", path, act);
	pthread_mutex_lock(&c->txn_lock);
	if ((rc = find_target(c, plugin, cls, key, act, &sc, &a, err)) < 0 ||
	    (rc = check_params(a, path, params, &checked, err)) < 0)
		goto out;
	if (!object_exists(c, sc, plugin, key)) {
		rc = mgmtd_err_add(err, MGMTD_E_NOT_FOUND, path, "no such object");
		goto out;
	}
	/* All views, so that the plugin can read its siblings' parts. */
	if (!(set = tree_view_all(c->running, &c->schema))) {
		rc = mgmtd_err_add(err, MGMTD_E_FAILED, path, "out of memory");
		goto out;
	}
	h->ctx.action_user = rq->user;
	rc = h->desc->action(&h->ctx,
			     tree_view_find(set, c->schema.n_plugins, plugin),
			     cls, key, act, (const struct mgmtd_obj *)checked,
			     err);
	h->ctx.action_user = NULL;
	if (rc < 0 && err->count == 0)
		mgmtd_err_add(err, MGMTD_E_FAILED, path, "%s failed: %s", act,
			      strerror(-rc));
	if (rc == 0)
		refresh_state(c, h);
out:
	if (rc < 0 && err->count)
		snprintf(result, sizeof(result), "%s: %s",
			 err_code_name(err->items[0].code),
			 err->items[0].message);
	journal_append_command(c->commands, rq->user, rq->source,
			       rq->interface,
			       txn_audit_change(rq, what, audited,
						sizeof(audited)),
			       result, store_version(c->store));
	log_info("action", "%s by %s (%s): %s", what, rq->user, rq->interface,
		 result);
	pthread_mutex_unlock(&c->txn_lock);
	free(set);
	json_decref(checked);
	return rc;
}
