/* The daemon's own settings (not the managed configuration): where things
 * live, what to load, how to log.  Read from a libconfig file. */
#ifndef MGMTD_DAEMON_CONFIG_H
#define MGMTD_DAEMON_CONFIG_H

#include <libconfig.h>
#include <stdbool.h>

#include "mgmtd/plugin.h"

struct daemon_config {
	char *path;            /* the file it was read from */
	char *state_dir;       /* managed config, history, journals */
	char *plugin_dir;
	char **plugins_load;   /* NULL: every *.so in plugin_dir */
	char *pid_file;
	char *control_socket;
	char *initial_config;  /* managed config used when none exists yet */
	enum mgmtd_severity log_level;
	char *debug;           /* comma-separated debug tokens */
	unsigned history_keep;
	unsigned collect_interval; /* seconds */
	bool metrics;          /* sample gauges and counters into RRD files
				  (state_dir/metrics) when built with librrd */
	char *services;        /* who runs the plugins' daemons: "auto"
				  (systemd when PID 1 is), "systemd" or
				  "children" (mgmtd/service_systemd.c) */
	char *metrics_rrdcached; /* "unix:/path" or "host:port"; NULL: write
				    the RRD files directly */
	unsigned events_capacity, commands_capacity;
	config_t cfg;          /* kept for plugins.<name> settings */
};

/* Read and check path.  On error, msg names the file, the line and the
 * setting.  Returns 0 and *out (free with daemon_config_free). */
int daemon_config_load(const char *path, struct daemon_config **out,
		       char *msg, size_t msglen);
void daemon_config_free(struct daemon_config *dc);
/* A front end's own group ("rest", "snmp"), or NULL.  Borrowed. */
const config_setting_t *daemon_config_group(const struct daemon_config *dc,
					    const char *name);
/* The group plugins.<name>, or NULL.  Borrowed. */
const config_setting_t *daemon_config_plugin(const struct daemon_config *dc,
					     const char *name);

#endif
