/* The registry of log sources (see logs.h) and the plugins' way in. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "log.h"
#include "logs.h"

#define DEFAULT_EXPORT_MAX (64LL << 20)
/* A ustar size field holds 11 octal digits: a larger size would be cut,
 * and a tar reader would take the file's own bytes (a log's lines,
 * written by anyone who can log) for the next header. */
#define EXPORT_MAX_MAX 077777777777LL

struct logs {
	pthread_mutex_t lock; /* plugins add while REST threads read */
	struct log_source *v;
	size_t n;
	int64_t export_max;
};

bool logs_name_ok(const char *name)
{
	size_t n = strlen(name);

	/* "export" is /logs/export. */
	if (n == 0 || n >= LOGS_NAME_MAX || !isalnum((unsigned char)name[0]) ||
	    !strcmp(name, "export"))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)name[i]) &&
		    !isdigit((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

int logs_add(struct logs *l, const char *plugin, const char *name,
	     const char *path, const char *description)
{
	struct log_source *s = NULL, *v;
	int rc = 0;

	if (!name || !logs_name_ok(name) || !path || path[0] != '/' ||
	    strlen(path) >= PATH_MAX)
		return -EINVAL;
	pthread_mutex_lock(&l->lock);
	for (size_t i = 0; i < l->n && !s; i++)
		if (!strcmp(l->v[i].name, name))
			s = &l->v[i];
	if (s && strcmp(s->plugin, plugin) != 0) {
		rc = -EEXIST;
		goto out;
	}
	if (!s) {
		if (!(v = realloc(l->v, (l->n + 1) * sizeof(*v)))) {
			rc = -ENOMEM;
			goto out;
		}
		l->v = v;
		s = &l->v[l->n++];
	}
	*s = (struct log_source){ 0 };
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->plugin, sizeof(s->plugin), "%s", plugin);
	snprintf(s->path, sizeof(s->path), "%s", path);
	snprintf(s->description, sizeof(s->description), "%s",
		 description ? description : "");
out:
	pthread_mutex_unlock(&l->lock);
	return rc;
}

size_t logs_list(struct logs *l, struct log_source **out)
{
	size_t n;

	pthread_mutex_lock(&l->lock);
	n = l->n;
	*out = malloc((n ? n : 1) * sizeof(**out));
	if (*out)
		memcpy(*out, l->v, n * sizeof(**out));
	else
		n = 0;
	pthread_mutex_unlock(&l->lock);
	return n;
}

int logs_find(struct logs *l, const char *name, struct log_source *out)
{
	int rc = -ENOENT;

	pthread_mutex_lock(&l->lock);
	for (size_t i = 0; i < l->n && rc; i++)
		if (!strcmp(l->v[i].name, name)) {
			*out = l->v[i];
			rc = 0;
		}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

int64_t logs_export_max(const struct logs *l)
{
	return l->export_max;
}

/* logs.<key> as a string: 1 found, 0 absent, -EINVAL not a string. */
static int setting(const config_setting_t *g, const char *key,
		   const char **out, char *msg, size_t len)
{
	const config_setting_t *st = g ? config_setting_lookup(
						 (config_setting_t *)g, key)
				       : NULL;

	if (!st)
		return 0;
	if (!(*out = config_setting_get_string(st))) {
		snprintf(msg, len, "logs.%s: must be a string (a path)", key);
		return -EINVAL;
	}
	if (**out && **out != '/') {
		snprintf(msg, len, "logs.%s: must be an absolute path", key);
		return -EINVAL;
	}
	return 1;
}

static int load(struct logs *l, const config_setting_t *g, char *msg,
		size_t len)
{
	const char *sys = NULL, *own = NULL;
	long long max = DEFAULT_EXPORT_MAX;
	int rc;

	if (g && !config_setting_is_group(g)) {
		snprintf(msg, len, "logs: must be a group");
		return -EINVAL;
	}
	/* A typo is worth refusing, as for the other settings. */
	for (int i = 0; g && i < config_setting_length(g); i++) {
		const char *k = config_setting_name(
			config_setting_get_elem(g, (unsigned)i));
		if (strcmp(k, "system") && strcmp(k, "mgmtd") &&
		    strcmp(k, "export_max_file")) {
			snprintf(msg, len, "logs.%s: unknown setting (known: "
				 "system, mgmtd, export_max_file)", k);
			return -EINVAL;
		}
	}
	if ((rc = setting(g, "system", &sys, msg, len)) < 0 ||
	    setting(g, "mgmtd", &own, msg, len) < 0)
		return -EINVAL;
	if (rc == 0)
		sys = access("/var/log/syslog", F_OK) != 0 &&
				      access("/var/log/messages", F_OK) == 0
			      ? "/var/log/messages"
			      : "/var/log/syslog";
	if (g && config_setting_lookup((config_setting_t *)g,
				       "export_max_file") &&
	    (config_setting_lookup_int64(g, "export_max_file", &max) !=
		     CONFIG_TRUE ||
	     max < 4096 || max > EXPORT_MAX_MAX)) {
		snprintf(msg, len, "logs.export_max_file: must be a number "
				   "of bytes, from 4096 to 8 GiB - 1");
		return -EINVAL;
	}
	l->export_max = max;
	if (sys && *sys)
		logs_add(l, "mgmtd", "system", sys,
			 "The system log (syslog): every daemon's messages");
	if (own && *own)
		logs_add(l, "mgmtd", "mgmtd", own, "mgmtd's own log");
	return 0;
}

int logs_new(const struct daemon_config *dc, struct logs **out, char *msg,
	     size_t len)
{
	struct logs *l = calloc(1, sizeof(*l));
	int rc;

	if (!l)
		return -ENOMEM;
	pthread_mutex_init(&l->lock, NULL);
	if ((rc = load(l, dc ? daemon_config_group(dc, "logs") : NULL, msg,
		       len)) < 0) {
		logs_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

void logs_free(struct logs *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l->v);
	free(l);
}

int mgmtd_log_register(struct mgmtd_ctx *ctx, const char *name,
		       const char *path, const char *description)
{
	int rc;

	if (!ctx->core->logs)
		return 0; /* a check of the config: nothing is shown */
	rc = logs_add(ctx->core->logs, ctx->desc->name, name, path,
		      description);
	if (rc < 0)
		log_warn(ctx->desc->name, "cannot register log %s (%s): %s",
			 name ? name : "(null)", path ? path : "(null)",
			 strerror(-rc));
	return rc;
}
