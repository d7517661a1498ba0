/* dlopen()ing plugins and deciding whether to trust them. */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "fileutil.h"
#include "log.h"
#include "plugin_loader.h"

struct plugin_handle *plugin_find(struct core *c, const char *name)
{
	for (size_t i = 0; i < c->n_plugins; i++)
		if (strcmp(c->plugins[i]->desc->name, name) == 0)
			return c->plugins[i];
	return NULL;
}

static int add_handle(struct core *c, struct plugin_handle *h)
{
	struct plugin_handle **grown =
		realloc(c->plugins, (c->n_plugins + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	c->plugins = grown;
	c->plugins[c->n_plugins++] = h;
	return 0;
}

int plugin_load_file(struct core *c, const char *path, char *msg,
		     size_t msglen)
{
	struct plugin_handle *h = NULL;
	const struct mgmtd_plugin *p;
	void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	int rc;

	if (!dl) {
		snprintf(msg, msglen, "%s", dlerror());
		return -ENOEXEC;
	}
	/* The ABI number comes first so that it is read before anything of
	 * a descriptor whose layout we may not know. */
	if (!(p = dlsym(dl, MGMTD_PLUGIN_SYMBOL_NAME))) {
		snprintf(msg, msglen, "no %s symbol", MGMTD_PLUGIN_SYMBOL_NAME);
		rc = -ENOEXEC;
		goto fail;
	}
	if (p->abi != MGMTD_PLUGIN_ABI) {
		snprintf(msg, msglen, "plugin ABI %u, this mgmtd speaks %u",
			 p->abi, MGMTD_PLUGIN_ABI);
		rc = -EPROTO;
		goto fail;
	}
	if ((rc = schema_add_plugin(&c->schema, p, msg, msglen)) < 0)
		goto fail;
	if (!(h = calloc(1, sizeof(*h))) || !(h->path = strdup(path)) ||
	    (rc = add_handle(c, h)) < 0) {
		schema_remove_plugin(&c->schema, p->name);
		rc = -ENOMEM;
		goto fail;
	}
	h->dl = dl;
	h->desc = p;
	h->ctx = (struct mgmtd_ctx){
		.core = c,
		.desc = p,
		.settings = c->dc ? daemon_config_plugin(c->dc, p->name) : NULL,
	};
	log_info("plugin", "loaded %s %s from %s", p->name, p->version, path);
	return 0;
fail:
	if (h)
		free(h->path);
	free(h);
	dlclose(dl);
	return rc;
}

static void load_refused(struct core *c, const char *path, const char *why)
{
	core_event(c, MGMTD_SEV_ERR, "mgmtd", path, "plugin refused: %s", why);
}

static int load_named(struct core *c, char **names)
{
	char path[PATH_MAX], msg[512];
	int n = 0;

	for (char **name = names; *name; name++) {
		snprintf(path, sizeof(path), "%s/%s.so", c->dc->plugin_dir, *name);
		if (plugin_load_file(c, path, msg, sizeof(msg)) < 0)
			load_refused(c, path, msg);
		else
			n++;
	}
	return n;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int only_so(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 3 && strcmp(e->d_name + n - 3, ".so") == 0;
}

int plugin_load_all(struct core *c)
{
	char path[PATH_MAX], msg[512];
	struct dirent **list;
	int count, n = 0;

	if (c->dc->plugins_load)
		return load_named(c, c->dc->plugins_load);
	if ((count = scandir(c->dc->plugin_dir, &list, only_so, by_name)) < 0) {
		log_err("plugin", "cannot read %s: %s", c->dc->plugin_dir,
			strerror(errno));
		return 0;
	}
	for (int i = 0; i < count; i++) {
		snprintf(path, sizeof(path), "%s/%s", c->dc->plugin_dir,
			 list[i]->d_name);
		if (plugin_load_file(c, path, msg, sizeof(msg)) < 0)
			load_refused(c, path, msg);
		else
			n++;
		free(list[i]);
	}
	free(list);
	return n;
}

static void drop_handle(struct core *c, size_t i)
{
	struct plugin_handle *h = c->plugins[i];

	schema_remove_plugin(&c->schema, h->desc->name);
	memmove(&c->plugins[i], &c->plugins[i + 1],
		(c->n_plugins - i - 1) * sizeof(*c->plugins));
	c->n_plugins--;
	free(h->ctx.state_dir);
	free(h->path);
	dlclose(h->dl);
	free(h);
}

void plugin_init_all(struct core *c)
{
	for (size_t i = 0; i < c->n_plugins;) {
		struct plugin_handle *h = c->plugins[i];
		int rc = 0;

		if (asprintf(&h->ctx.state_dir, "%s/%s", c->dc->state_dir,
			     h->desc->name) < 0) {
			h->ctx.state_dir = NULL;
			rc = -ENOMEM;
		}
		if (rc == 0)
			rc = fileutil_mkdir_p(h->ctx.state_dir, 0700);
		if (rc == 0 && h->desc->init)
			rc = h->desc->init(&h->ctx);
		if (rc < 0) {
			core_event(c, MGMTD_SEV_ERR, "mgmtd", h->desc->name,
				   "plugin %s failed to start: %s; its "
				   "configuration is kept unchanged",
				   h->desc->name, strerror(-rc));
			drop_handle(c, i);
			continue;
		}
		h->initialized = true;
		i++;
	}
}

void plugin_unload_all(struct core *c)
{
	while (c->n_plugins > 0) {
		struct plugin_handle *h = c->plugins[c->n_plugins - 1];
		if (h->initialized && h->desc->shutdown)
			h->desc->shutdown(&h->ctx);
		drop_handle(c, c->n_plugins - 1);
	}
	free(c->plugins);
	c->plugins = NULL;
}
