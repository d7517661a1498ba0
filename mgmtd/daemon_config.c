/* Reading the daemon's own settings. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_config.h"
#include "log.h"

#define DEFAULT_STATE_DIR LOCALSTATEDIR "/lib/mgmtd"
#define DEFAULT_PID_FILE "/run/mgmtd.pid"
#define DEFAULT_SOCKET "/run/mgmtd/mgmtd.sock"

/* The settings this file knows; anything else is a typo worth refusing. */
static const char *const known_settings[] = {
	"state_dir", "plugin_dir", "plugins_load", "pid_file",
	"control_socket", "initial_config", "log_level", "debug",
	"history_keep", "collect_interval", "journal", "plugins",
	"metrics", "metrics_rrdcached", "services",
	/* threshold alert rules, read by alerts_core.c once plugins load */
	"alerts",
	/* the log sources' paths, read by logs.c */
	"logs",
	/* front ends' groups, each read by its own code */
	"rest", "auth", "snmp",
	NULL,
};

static int fail(char *msg, size_t len, const struct daemon_config *dc,
		const config_setting_t *st, const char *what)
{
	snprintf(msg, len, "%s:%u: %s: %s", dc->path,
		 st ? config_setting_source_line(st) : 0,
		 st ? config_setting_name(st) : "", what);
	return -EINVAL;
}

/* A string setting, copied; def when absent.  NULL def and absent: NULL. */
static int get_str(struct daemon_config *dc, const char *name,
		   const char *def, char **out, char *msg, size_t len)
{
	config_setting_t *st = config_lookup(&dc->cfg, name);
	const char *v = def;

	if (st) {
		if (config_setting_type(st) != CONFIG_TYPE_STRING)
			return fail(msg, len, dc, st, "must be a string");
		v = config_setting_get_string(st);
	}
	*out = v ? strdup(v) : NULL;
	return (v && !*out) ? -ENOMEM : 0;
}

static int get_bool(struct daemon_config *dc, const char *name, bool def,
		    bool *out, char *msg, size_t len)
{
	config_setting_t *st = config_lookup(&dc->cfg, name);

	*out = def;
	if (!st)
		return 0;
	if (config_setting_type(st) != CONFIG_TYPE_BOOL)
		return fail(msg, len, dc, st, "must be true or false");
	*out = config_setting_get_bool(st) != 0;
	return 0;
}

static int get_uint(struct daemon_config *dc, const char *name, unsigned def,
		    unsigned min, unsigned max, unsigned *out, char *msg,
		    size_t len)
{
	config_setting_t *st = config_lookup(&dc->cfg, name);
	long long v;

	if (!st) {
		*out = def;
		return 0;
	}
	if (config_setting_type(st) != CONFIG_TYPE_INT &&
	    config_setting_type(st) != CONFIG_TYPE_INT64)
		return fail(msg, len, dc, st, "must be an integer");
	v = config_setting_get_int64(st);
	if (v < min || v > max) {
		char what[96];
		snprintf(what, sizeof(what), "must be between %u and %u", min,
			 max);
		return fail(msg, len, dc, st, what);
	}
	*out = (unsigned)v;
	return 0;
}

static int get_plugin_list(struct daemon_config *dc, char *msg, size_t len)
{
	config_setting_t *st = config_lookup(&dc->cfg, "plugins_load");
	int n;

	if (!st)
		return 0;
	if (!config_setting_is_array(st) && !config_setting_is_list(st))
		return fail(msg, len, dc, st, "must be a list of names");
	n = config_setting_length(st);
	if (!(dc->plugins_load = calloc((size_t)n + 1, sizeof(char *))))
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const char *name = config_setting_get_string_elem(st, i);
		if (!name)
			return fail(msg, len, dc, st,
				    "must be a list of names");
		if (!(dc->plugins_load[i] = strdup(name)))
			return -ENOMEM;
	}
	return 0;
}

static int check_known(struct daemon_config *dc, char *msg, size_t len)
{
	config_setting_t *root = config_root_setting(&dc->cfg);
	int n = config_setting_length(root);

	for (int i = 0; i < n; i++) {
		config_setting_t *st = config_setting_get_elem(root, i);
		const char *name = config_setting_name(st);
		const char *const *k = known_settings;
		while (*k && strcmp(*k, name) != 0)
			k++;
		if (!*k)
			return fail(msg, len, dc, st, "unknown setting");
	}
	return 0;
}

static int read_settings(struct daemon_config *dc, char *msg, size_t len)
{
	char *level = NULL;
	int rc;

	if ((rc = check_known(dc, msg, len)) < 0 ||
	    (rc = get_str(dc, "state_dir", DEFAULT_STATE_DIR, &dc->state_dir,
			  msg, len)) < 0 ||
	    (rc = get_str(dc, "plugin_dir", PLUGINDIR, &dc->plugin_dir, msg,
			  len)) < 0 ||
	    (rc = get_str(dc, "pid_file", DEFAULT_PID_FILE, &dc->pid_file, msg,
			  len)) < 0 ||
	    (rc = get_str(dc, "control_socket", DEFAULT_SOCKET,
			  &dc->control_socket, msg, len)) < 0 ||
	    (rc = get_str(dc, "initial_config", NULL, &dc->initial_config, msg,
			  len)) < 0 ||
	    (rc = get_str(dc, "debug", "", &dc->debug, msg, len)) < 0 ||
	    (rc = get_str(dc, "log_level", "info", &level, msg, len)) < 0 ||
	    (rc = get_uint(dc, "history_keep", 100, 1, 100000,
			   &dc->history_keep, msg, len)) < 0 ||
	    (rc = get_uint(dc, "collect_interval", 10, 1, 86400,
			   &dc->collect_interval, msg, len)) < 0 ||
	    (rc = get_bool(dc, "metrics", true, &dc->metrics, msg, len)) < 0 ||
	    (rc = get_str(dc, "metrics_rrdcached", NULL,
			  &dc->metrics_rrdcached, msg, len)) < 0 ||
	    (rc = get_uint(dc, "journal.events_capacity", 100000, 16,
			   10000000, &dc->events_capacity, msg, len)) < 0 ||
	    (rc = get_uint(dc, "journal.commands_capacity", 10000, 16,
			   10000000, &dc->commands_capacity, msg, len)) < 0 ||
	    (rc = get_plugin_list(dc, msg, len)) < 0)
		goto out;
	if (log_level_parse(level, &dc->log_level) < 0)
		rc = fail(msg, len, dc, config_lookup(&dc->cfg, "log_level"),
			  "must be one of debug, info, notice, warning, error");
	else if ((rc = get_str(dc, "services", "auto", &dc->services, msg,
			       len)) == 0 &&
		 strcmp(dc->services, "auto") != 0 &&
		 strcmp(dc->services, "systemd") != 0 &&
		 strcmp(dc->services, "children") != 0)
		rc = fail(msg, len, dc, config_lookup(&dc->cfg, "services"),
			  "must be one of auto, systemd, children");
out:
	free(level);
	return rc;
}

int daemon_config_load(const char *path, struct daemon_config **out,
		       char *msg, size_t msglen)
{
	struct daemon_config *dc = calloc(1, sizeof(*dc));
	int rc;

	if (!dc || !(dc->path = strdup(path))) {
		free(dc);
		return -ENOMEM;
	}
	config_init(&dc->cfg);
	if (config_read_file(&dc->cfg, path) != CONFIG_TRUE) {
		if (config_error_type(&dc->cfg) == CONFIG_ERR_FILE_IO)
			snprintf(msg, msglen, "%s: cannot read: %s", path,
				 strerror(errno));
		else
			snprintf(msg, msglen, "%s:%d: %s", path,
				 config_error_line(&dc->cfg),
				 config_error_text(&dc->cfg));
		rc = -EINVAL;
		goto fail;
	}
	if ((rc = read_settings(dc, msg, msglen)) < 0)
		goto fail;
	*out = dc;
	return 0;
fail:
	daemon_config_free(dc);
	return rc;
}

void daemon_config_free(struct daemon_config *dc)
{
	if (!dc)
		return;
	for (char **p = dc->plugins_load; p && *p; p++)
		free(*p);
	free(dc->plugins_load);
	free(dc->path);
	free(dc->state_dir);
	free(dc->plugin_dir);
	free(dc->pid_file);
	free(dc->control_socket);
	free(dc->initial_config);
	free(dc->debug);
	free(dc->services);
	free(dc->metrics_rrdcached);
	config_destroy(&dc->cfg);
	free(dc);
}

const config_setting_t *daemon_config_plugin(const struct daemon_config *dc,
					     const char *name)
{
	config_setting_t *plugins = config_lookup(&dc->cfg, "plugins");

	return plugins ? config_setting_get_member(plugins, name) : NULL;
}

const config_setting_t *daemon_config_group(const struct daemon_config *dc,
					    const char *name)
{
	return config_lookup(&dc->cfg, name);
}
