/* System plugin, power: reboot and shutdown actions on the power
 * singleton.
 *
 * Admins only (MGMTD_ACT_ADMIN), and only with confirm: true, so that a
 * stray POST cannot take the appliance down.  With a delay the request
 * is pending (visible in the state: what, when, who) until a thread of
 * the plugin runs it, and the cancel action drops it.  The command is a
 * setting (default: systemctl when PID 1 is systemd, else
 * /sbin/reboot or /sbin/poweroff), run as an argv with mgmtd_exec;
 * power_dry_run (the sandbox) turns the execution into an event.  A
 * pending request lives in memory only: if mgmtd stops, it is dropped
 * (never executed late by surprise).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mgmtd/plugin.h"

#include "system.h"

#define POWER_PATH "system.power"
#define CMD_ARGS_MAX 16
#define CMD_LEN 512
#define WHO_LEN 128
#define MAX_DELAY (7 * 24 * 3600)

enum power_what { POWER_NONE = 0, POWER_REBOOT, POWER_SHUTDOWN };

static const char *const power_pending_values[] = { "none", "reboot",
						    "shutdown", NULL };

static const struct mgmtd_attr power_attrs[] = {
	{ .name = "pending", .type = MGMTD_T_ENUM, .flags = MGMTD_A_STATE,
	  .snmp_column = 1, .enum_values = power_pending_values,
	  .description = "What is scheduled: none, reboot or shutdown" },
	{ .name = "scheduled_at", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_STATE, .snmp_column = 2,
	  .description = "When it runs (ISO 8601, UTC)" },
	{ .name = "requested_by", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_STATE, .snmp_column = 3,
	  .description = "The user who asked for it" },
	{ .name = "requested_at", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_STATE, .snmp_column = 4,
	  .description = "When it was asked for (ISO 8601, UTC)" },
	{ .name = "dry_run", .type = MGMTD_T_BOOL, .flags = MGMTD_A_STATE,
	  .snmp_column = 5,
	  .description = "Whether requests only raise an event (sandbox)" },
	{ .name = NULL },
};

static const struct mgmtd_attr power_params[] = {
	{ .name = "confirm", .type = MGMTD_T_BOOL, .flags = MGMTD_A_CONFIG,
	  .description = "Must be true: the request is meant" },
	{ .name = "delay", .type = MGMTD_T_DURATION, .flags = MGMTD_A_CONFIG,
	  .units = "seconds", .min = 0, .max = MAX_DELAY,
	  .description = "Wait this long first (\"90\", \"5m\"); 0: now" },
	{ .name = NULL },
};

static const struct mgmtd_action power_actions[] = {
	{ .name = "reboot", .params = power_params, .flags = MGMTD_ACT_ADMIN,
	  .description = "Restart the system (needs confirm: true)" },
	{ .name = "shutdown", .params = power_params,
	  .flags = MGMTD_ACT_ADMIN,
	  .description = "Power the system off (needs confirm: true)" },
	{ .name = "cancel", .flags = MGMTD_ACT_ADMIN,
	  .description = "Drop a pending reboot or shutdown" },
	{ .name = NULL },
};

const struct mgmtd_class sys_power_class = {
	.name = SYS_CLS_POWER,
	.kind = MGMTD_SINGLETON,
	.snmp_table = 3,
	.description = "Reboot and shutdown, now or after a delay",
	.attrs = power_attrs,
	.actions = power_actions,
};

struct sys_power {
	struct mgmtd_ctx *ctx;
	char reboot_cmd[CMD_LEN], shutdown_cmd[CMD_LEN];
	bool dry_run;

	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* on CLOCK_MONOTONIC */
	bool stop;
	/* The pending request, under lock. */
	enum power_what pending;
	struct timespec deadline; /* CLOCK_MONOTONIC */
	int64_t scheduled_at, requested_at; /* CLOCK_REALTIME seconds */
	char who[WHO_LEN];
};

static const char *what_name(enum power_what w)
{
	return power_pending_values[w];
}

static void iso_utc(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Run cmd split at spaces (a daemon setting, not user input). */
static void run_command(struct sys_power *pw, enum power_what what,
			const char *who, const char *cmd)
{
	char buf[CMD_LEN], *save = NULL;
	const char *argv[CMD_ARGS_MAX];
	struct mgmtd_exec_opts opts = { .timeout_ms = 60000 };
	struct mgmtd_err err = { 0 };
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", cmd);
	for (char *t = strtok_r(buf, " ", &save);
	     t && n + 1 < CMD_ARGS_MAX; t = strtok_r(NULL, " ", &save))
		argv[n++] = t;
	argv[n] = NULL;
	if (n == 0) {
		mgmtd_event(pw->ctx, MGMTD_SEV_ERR, POWER_PATH,
			    "%s requested by %s, not executed: no command",
			    what_name(what), who);
		return;
	}
	mgmtd_event(pw->ctx, MGMTD_SEV_WARNING, POWER_PATH,
		    "%s requested by %s: running %s", what_name(what), who,
		    cmd);
	if (mgmtd_exec_check(argv, &opts, NULL, &err, POWER_PATH) < 0)
		mgmtd_event(pw->ctx, MGMTD_SEV_ERR, POWER_PATH,
			    "%s requested by %s failed: %s", what_name(what),
			    who, err.items[0].message);
}

static void execute(struct sys_power *pw, enum power_what what,
		    const char *who)
{
	if (pw->dry_run) {
		mgmtd_event(pw->ctx, MGMTD_SEV_NOTICE, POWER_PATH,
			    "%s requested by %s, not executed: sandbox "
			    "(power_dry_run)",
			    what_name(what), who);
		return;
	}
	run_command(pw, what, who,
		    what == POWER_REBOOT ? pw->reboot_cmd : pw->shutdown_cmd);
}

static bool reached(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline->tv_sec ||
	       (now.tv_sec == deadline->tv_sec &&
		now.tv_nsec >= deadline->tv_nsec);
}

static void *power_thread(void *arg)
{
	struct sys_power *pw = arg;

	pthread_mutex_lock(&pw->lock);
	while (!pw->stop) {
		if (pw->pending != POWER_NONE && reached(&pw->deadline)) {
			enum power_what what = pw->pending;
			char who[WHO_LEN];

			memcpy(who, pw->who, sizeof(who));
			pw->pending = POWER_NONE;
			pthread_mutex_unlock(&pw->lock);
			execute(pw, what, who);
			pthread_mutex_lock(&pw->lock);
			continue;
		}
		if (pw->pending != POWER_NONE)
			pthread_cond_timedwait(&pw->cond, &pw->lock,
					       &pw->deadline);
		else
			pthread_cond_wait(&pw->cond, &pw->lock);
	}
	pthread_mutex_unlock(&pw->lock);
	return NULL;
}

static void default_command(char *buf, size_t len, const char *systemctl,
			    const char *sbin)
{
	/* sd_booted(3): systemd is PID 1 when this directory exists. */
	snprintf(buf, len, "%s",
		 access("/run/systemd/system", F_OK) == 0 ? systemctl : sbin);
}

int sys_power_init(struct mgmtd_ctx *ctx, struct sys_priv *p)
{
	struct sys_power *pw = calloc(1, sizeof(*pw));
	pthread_condattr_t ca;
	int rc;

	if (!pw)
		return -ENOMEM;
	pw->ctx = ctx;
	default_command(pw->reboot_cmd, sizeof(pw->reboot_cmd),
			"systemctl reboot", "/sbin/reboot");
	default_command(pw->shutdown_cmd, sizeof(pw->shutdown_cmd),
			"systemctl poweroff", "/sbin/poweroff");
	snprintf(pw->reboot_cmd, sizeof(pw->reboot_cmd), "%s",
		 mgmtd_ctx_setting_str(ctx, SYS_SET_REBOOT_CMD,
				       pw->reboot_cmd));
	snprintf(pw->shutdown_cmd, sizeof(pw->shutdown_cmd), "%s",
		 mgmtd_ctx_setting_str(ctx, SYS_SET_SHUTDOWN_CMD,
				       pw->shutdown_cmd));
	pw->dry_run = mgmtd_ctx_setting_int(ctx, SYS_SET_POWER_DRY_RUN, 0);
	pthread_mutex_init(&pw->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pw->cond, &ca);
	pthread_condattr_destroy(&ca);
	rc = pthread_create(&pw->thread, NULL, power_thread, pw);
	if (rc) {
		pthread_cond_destroy(&pw->cond);
		pthread_mutex_destroy(&pw->lock);
		free(pw);
		return -rc;
	}
	p->power = pw;
	return 0;
}

void sys_power_shutdown(struct sys_priv *p)
{
	struct sys_power *pw = p->power;

	if (!pw)
		return;
	pthread_mutex_lock(&pw->lock);
	pw->stop = true;
	if (pw->pending != POWER_NONE)
		mgmtd_log(pw->ctx, MGMTD_SEV_WARNING,
			  "pending %s dropped: mgmtd stops",
			  what_name(pw->pending));
	pthread_cond_signal(&pw->cond);
	pthread_mutex_unlock(&pw->lock);
	pthread_join(pw->thread, NULL);
	pthread_cond_destroy(&pw->cond);
	pthread_mutex_destroy(&pw->lock);
	free(pw);
	p->power = NULL;
}

static int request(struct sys_power *pw, enum power_what what,
		   const char *who, const struct mgmtd_obj *params,
		   struct mgmtd_err *err)
{
	int64_t delay = mgmtd_obj_int(params, "delay");
	char when[32];

	if (!mgmtd_obj_bool(params, "confirm"))
		return mgmtd_err_add(err, MGMTD_E_INVALID,
				     POWER_PATH ".confirm",
				     "%s needs \"confirm\": true",
				     what_name(what));
	pthread_mutex_lock(&pw->lock);
	if (pw->pending != POWER_NONE) {
		iso_utc(pw->scheduled_at, when, sizeof(when));
		mgmtd_err_add(err, MGMTD_E_CONFLICT, POWER_PATH,
			      "a %s by %s is pending for %s: cancel it first",
			      what_name(pw->pending), pw->who, when);
		pthread_mutex_unlock(&pw->lock);
		return -EBUSY;
	}
	if (delay <= 0) {
		pthread_mutex_unlock(&pw->lock);
		mgmtd_event(pw->ctx, MGMTD_SEV_WARNING, POWER_PATH,
			    "%s requested by %s, now", what_name(what), who);
		execute(pw, what, who);
		return 0;
	}
	pw->pending = what;
	snprintf(pw->who, sizeof(pw->who), "%s", who);
	pw->requested_at = (int64_t)time(NULL);
	pw->scheduled_at = pw->requested_at + delay;
	clock_gettime(CLOCK_MONOTONIC, &pw->deadline);
	pw->deadline.tv_sec += delay;
	pthread_cond_signal(&pw->cond);
	iso_utc(pw->scheduled_at, when, sizeof(when));
	pthread_mutex_unlock(&pw->lock);
	mgmtd_event(pw->ctx, MGMTD_SEV_WARNING, POWER_PATH,
		    "%s requested by %s for %s (in %llds)", what_name(what),
		    who, when, (long long)delay);
	return 0;
}

static int cancel(struct sys_power *pw, const char *who,
		  struct mgmtd_err *err)
{
	enum power_what what;
	char when[32];

	pthread_mutex_lock(&pw->lock);
	what = pw->pending;
	if (what == POWER_NONE) {
		pthread_mutex_unlock(&pw->lock);
		return mgmtd_err_add(err, MGMTD_E_CONFLICT, POWER_PATH,
				     "no reboot or shutdown is pending");
	}
	iso_utc(pw->scheduled_at, when, sizeof(when));
	pw->pending = POWER_NONE;
	pthread_cond_signal(&pw->cond);
	pthread_mutex_unlock(&pw->lock);
	mgmtd_event(pw->ctx, MGMTD_SEV_NOTICE, POWER_PATH,
		    "%s for %s cancelled by %s", what_name(what), when, who);
	return 0;
}

int sys_power_action(struct mgmtd_ctx *ctx, struct sys_priv *p,
		     const char *act, const struct mgmtd_obj *params,
		     struct mgmtd_err *err)
{
	const char *who = mgmtd_action_user(ctx);

	if (!who)
		who = "unknown";
	if (strcmp(act, "reboot") == 0)
		return request(p->power, POWER_REBOOT, who, params, err);
	if (strcmp(act, "shutdown") == 0)
		return request(p->power, POWER_SHUTDOWN, who, params, err);
	if (strcmp(act, "cancel") == 0)
		return cancel(p->power, who, err);
	return mgmtd_err_add(err, MGMTD_E_NOT_FOUND, POWER_PATH,
			     "no action named %s", act);
}

void sys_power_collect(struct sys_priv *p, struct mgmtd_state *st)
{
	struct sys_power *pw = p->power;
	char buf[32];

	if (!pw || mgmtd_state_obj(st, SYS_CLS_POWER, NULL) < 0)
		return;
	pthread_mutex_lock(&pw->lock);
	mgmtd_state_str(st, "pending", what_name(pw->pending));
	if (pw->pending != POWER_NONE) {
		iso_utc(pw->scheduled_at, buf, sizeof(buf));
		mgmtd_state_str(st, "scheduled_at", buf);
		iso_utc(pw->requested_at, buf, sizeof(buf));
		mgmtd_state_str(st, "requested_at", buf);
		mgmtd_state_str(st, "requested_by", pw->who);
	}
	pthread_mutex_unlock(&pw->lock);
	mgmtd_state_bool(st, "dry_run", pw->dry_run);
}
