/* System plugin: the descriptor, and the services that plugins run
 * (smbd, and later ganesha.nfsd, haproxy, ...), as one state-only table
 * with start, stop and restart, whichever plugin runs each.  The services
 * themselves live in the core (mgmtd_service_*); this plugin only
 * publishes them.  Time and NTP (system_time.c) and reboot and shutdown
 * (system_power.c) have files of their own. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mgmtd/plugin.h"

#include "system.h"

static const char *const sys_states[] = { "stopped", "running",
					  "restarting", NULL };

static const struct mgmtd_attr sys_service_attrs[] = {
	{ .name = "name", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_KEY | MGMTD_A_STATE, .snmp_column = 2,
	  .description = "Service (the daemon's name)" },
	{ .name = "plugin", .type = MGMTD_T_STRING, .flags = MGMTD_A_STATE,
	  .snmp_column = 3, .description = "Plugin that runs it" },
	{ .name = "state", .type = MGMTD_T_ENUM, .flags = MGMTD_A_STATE,
	  .snmp_column = 4, .enum_values = sys_states,
	  .description = "stopped, running, or restarting after it died" },
	{ .name = "pid", .type = MGMTD_T_INT, .flags = MGMTD_A_STATE,
	  .snmp_column = 5, .description = "Process id while it runs" },
	{ .name = "uptime", .type = MGMTD_T_DURATION,
	  .flags = MGMTD_A_STATE | MGMTD_A_GAUGE, .snmp_column = 6,
	  .units = "seconds", .description = "Time since it started" },
	{ .name = "restarts", .type = MGMTD_T_INT,
	  .flags = MGMTD_A_STATE | MGMTD_A_COUNTER, .snmp_column = 7,
	  .description = "Restarts after it died" },
	{ .name = "last_exit", .type = MGMTD_T_INT, .flags = MGMTD_A_STATE,
	  .snmp_column = 8,
	  .description = "Its last exit status (128 + signal when killed)" },
	{ .name = NULL },
};

static const struct mgmtd_action sys_service_actions[] = {
	{ .name = "start", .description = "Start the service" },
	{ .name = "stop", .description = "Stop the service" },
	{ .name = "restart", .description = "Stop and start the service" },
	{ .name = NULL },
};

static const struct mgmtd_class sys_services_class = {
	.name = SYS_CLS_SERVICES,
	.kind = MGMTD_COLLECTION,
	.snmp_table = 1,
	.description = "Daemons the plugins run under mgmtd's supervisor",
	.attrs = sys_service_attrs,
	.actions = sys_service_actions,
};

static const struct mgmtd_class *const sys_classes[] = {
	&sys_services_class,
	&sys_time_class,
	&sys_power_class,
	NULL,
};

static const char *state_name(enum mgmtd_service_state s)
{
	return s == MGMTD_SVC_RUNNING	? "running"
	       : s == MGMTD_SVC_BACKOFF ? "restarting"
					: "stopped";
}

static void put_service(void *arg, const char *plugin, const char *name,
			const struct mgmtd_service_status *st)
{
	struct mgmtd_state *s = arg;

	if (mgmtd_state_obj(s, SYS_CLS_SERVICES, name) < 0)
		return;
	mgmtd_state_str(s, "plugin", plugin);
	mgmtd_state_str(s, "state", state_name(st->state));
	mgmtd_state_int(s, "restarts", st->restarts);
	if (st->last_exit >= 0)
		mgmtd_state_int(s, "last_exit", st->last_exit);
	if (st->pid > 0) {
		mgmtd_state_int(s, "pid", st->pid);
		mgmtd_state_int(s, "uptime", (int64_t)time(NULL) - st->started);
	}
}

static int sys_collect(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		       struct mgmtd_state *st)
{
	struct sys_priv *p = mgmtd_ctx_priv(ctx);

	mgmtd_services_foreach(ctx, put_service, st);
	sys_time_collect(ctx, p, st);
	sys_power_collect(p, st);
	return 0;
}

static int sys_action(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		      const char *cls, const char *key, const char *act,
		      const struct mgmtd_obj *params, struct mgmtd_err *err)
{
	char path[MGMTD_ERR_PATH_LEN];
	int rc;

	if (strcmp(cls, SYS_CLS_POWER) == 0)
		return sys_power_action(ctx, mgmtd_ctx_priv(ctx), act, params,
					err);
	rc = key ? mgmtd_services_control(ctx, key, act) : -ENOENT;
	snprintf(path, sizeof(path), "system.services[%s]", key ? key : "");
	if (rc == -ENOENT)
		return mgmtd_err_add(err, MGMTD_E_NOT_FOUND, path,
				     "no such service now");
	if (rc < 0)
		return mgmtd_err_add(err, MGMTD_E_FAILED, path, "%s failed: %s",
				     act, strerror(-rc));
	mgmtd_event(ctx, MGMTD_SEV_NOTICE, path, "%s done", act);
	return 0;
}

static void sys_shutdown(struct mgmtd_ctx *ctx)
{
	struct sys_priv *p = mgmtd_ctx_priv(ctx);

	if (!p)
		return;
	sys_power_shutdown(p);
	sys_time_shutdown(ctx, p);
	free(p);
	mgmtd_ctx_set_priv(ctx, NULL);
}

static int sys_init(struct mgmtd_ctx *ctx)
{
	struct sys_priv *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return -ENOMEM;
	mgmtd_ctx_set_priv(ctx, p);
	if ((rc = sys_time_init(ctx, p)) < 0 ||
	    (rc = sys_power_init(ctx, p)) < 0)
		sys_shutdown(ctx);
	return rc;
}

const struct mgmtd_plugin MGMTD_PLUGIN_SYMBOL = {
	.abi = MGMTD_PLUGIN_ABI,
	.name = "system",
	.version = "1.0",
	.description = "Services that plugins run, under mgmtd's supervisor; "
		       "time, time zone and NTP; reboot and shutdown",
	.mib_arc = 4,
	.ui_area = "system",
	.classes = sys_classes,
	.init = sys_init,
	.shutdown = sys_shutdown,
	.validate = sys_time_validate,
	.prepare = sys_time_prepare,
	.abort = sys_time_abort,
	.apply = sys_time_apply,
	.collect = sys_collect,
	.action = sys_action,
};
