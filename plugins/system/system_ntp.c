/* System plugin, NTP: which daemon keeps the clock, telling it that its
 * servers changed, and reading its status.
 *
 * chrony: mgmtd owns one file of chronyd's "sourcedir" (chrony.conf(5)),
 * never chrony.conf itself, so `chronyc reload sources` applies a change
 * without a restart and without losing the clock's state.  chronyd is the
 * system's (its service manager runs it), or, with run_chronyd, a child
 * under mgmtd's service supervisor (the sandbox: a private config, and
 * -x so that it never sets the host's clock).
 * systemd-timesyncd: a drop-in, then a restart of the service (it has no
 * reload); NTP disabled stops it.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mgmtd/plugin.h"

#include "system.h"
#include "system_ntp_status.h"

#define SERVERS_PATH "system.time.ntp_servers"
#define TOOL_TIMEOUT_MS 10000
/* Stopping timesyncd waits for its resolver thread: with a DNS server
 * that does not answer, one lookup (glibc: 5 s, 2 attempts).  Seen at
 * over 10 s in the VM tier. */
#define SYSTEMCTL_TIMEOUT_MS 30000
#define CHRONYC_ARGS_MAX 12

/* org.freedesktop.timesync1 is bus-activated: `timedatectl
 * show-timesync` starts a stopped timesyncd.  The collector asks it only
 * while it runs, under this lock, which apply's stop holds too: without
 * it a collect racing the stop would cancel the stop job and start the
 * daemon again (seen in the VM tier). */
static pthread_mutex_t timesyncd_lock = PTHREAD_MUTEX_INITIALIZER;

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static enum sys_ntp_backend detect(const struct sys_priv *p)
{
	if (exists(p->chronyd) || exists(p->chrony_conf))
		return SYS_NTP_CHRONY;
	if (exists("/lib/systemd/systemd-timesyncd") ||
	    exists("/usr/lib/systemd/systemd-timesyncd"))
		return SYS_NTP_TIMESYNCD;
	return SYS_NTP_NONE;
}

static int make_chronyd(struct mgmtd_ctx *ctx, struct sys_priv *p)
{
	char log[PATH_MAX];
	const char *user = mgmtd_ctx_setting_str(ctx, "chronyd_user", NULL);
	const char *argv[10];
	size_t n = 0;
	struct mgmtd_service_spec spec = {
		.name = "chronyd",
		.argv = argv,
		.log_file = log,
		.pid_file = mgmtd_ctx_setting_str(ctx, SYS_SET_CHRONY_PID_FILE,
						  NULL),
		/* chronyd names its config on its command line: a process
		 * that does not is not ours. */
		.match = p->chrony_conf,
	};

	argv[n++] = p->chronyd;
	argv[n++] = "-d"; /* foreground, log to stderr (the log file) */
	argv[n++] = "-f";
	argv[n++] = p->chrony_conf;
	if (p->chronyd_no_clock)
		argv[n++] = "-x";
	if (user) {
		argv[n++] = "-u";
		argv[n++] = user;
	}
	argv[n] = NULL;
	snprintf(log, sizeof(log), "%s/chronyd.log", mgmtd_ctx_state_dir(ctx));
	return mgmtd_service_new(ctx, &spec, &p->chronyd_svc);
}

int sys_ntp_init(struct mgmtd_ctx *ctx, struct sys_priv *p)
{
	const char *ntp = mgmtd_ctx_setting_str(ctx, SYS_SET_NTP, "auto");
	bool is_auto;

	p->chronyd = mgmtd_ctx_setting_str(ctx, SYS_SET_CHRONYD,
					   SYS_DEF_CHRONYD);
	p->chronyc = mgmtd_ctx_setting_str(ctx, SYS_SET_CHRONYC,
					   SYS_DEF_CHRONYC);
	p->chrony_conf = mgmtd_ctx_setting_str(ctx, SYS_SET_CHRONY_CONF,
					       SYS_DEF_CHRONY_CONF);
	p->chrony_sources = mgmtd_ctx_setting_str(ctx, SYS_SET_CHRONY_SOURCES,
						  SYS_DEF_CHRONY_SOURCES);
	p->chrony_socket = mgmtd_ctx_setting_str(ctx, SYS_SET_CHRONY_SOCKET,
						 NULL);
	p->timesyncd_dropin = mgmtd_ctx_setting_str(
		ctx, SYS_SET_TIMESYNCD_DROPIN, SYS_DEF_TIMESYNCD_DROPIN);
	p->run_chronyd = mgmtd_ctx_setting_int(ctx, SYS_SET_RUN_CHRONYD, 0);
	p->chronyd_no_clock =
		mgmtd_ctx_setting_int(ctx, SYS_SET_CHRONYD_NO_CLOCK, 0);
	if (sys_ntp_backend_parse(ntp, &p->ntp, &is_auto) < 0) {
		mgmtd_log(ctx, MGMTD_SEV_ERR,
			  "plugins.system.%s: '%s' is not auto, chrony, "
			  "timesyncd or none",
			  SYS_SET_NTP, ntp);
		return -EINVAL;
	}
	if (is_auto)
		p->ntp = detect(p);
	mgmtd_log(ctx, MGMTD_SEV_INFO, "NTP through %s%s",
		  sys_ntp_backend_name(p->ntp),
		  p->ntp == SYS_NTP_CHRONY && p->run_chronyd
			  ? " (chronyd under mgmtd)"
			  : "");
	if (p->ntp == SYS_NTP_CHRONY && p->run_chronyd)
		return make_chronyd(ctx, p);
	return 0;
}

int sys_ntp_check(struct mgmtd_ctx *ctx, struct sys_priv *p,
		  const char *staged, struct mgmtd_err *err)
{
	/* -p prints the parsed configuration and exits: chronyd's own
	 * parser on the new file, without starting anything. */
	const char *argv[] = { p->chronyd, "-p", "-f", staged, NULL };
	struct mgmtd_exec_opts opts = { .timeout_ms = TOOL_TIMEOUT_MS };

	if (p->ntp != SYS_NTP_CHRONY || !exists(p->chronyd))
		return 0;
	return mgmtd_exec_check(argv, &opts, NULL, err, SERVERS_PATH);
}

/* chronyc [-h socket] args...: its stdout (owned) or NULL. */
static char *chronyc(const struct sys_priv *p, const char *const *args,
		     char *why, size_t why_len)
{
	const char *argv[CHRONYC_ARGS_MAX];
	struct mgmtd_exec_opts opts = { .timeout_ms = TOOL_TIMEOUT_MS };
	struct mgmtd_exec_result res;
	char *out = NULL;
	size_t n = 0;

	argv[n++] = p->chronyc;
	if (p->chrony_socket) {
		argv[n++] = "-h";
		argv[n++] = p->chrony_socket;
	}
	while (*args && n + 1 < CHRONYC_ARGS_MAX)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (mgmtd_exec(argv, &opts, &res) < 0) {
		snprintf(why, why_len, "cannot run %s", p->chronyc);
		return NULL;
	}
	/* chronyc exits 0 even when it cannot reach chronyd on some
	 * versions: an error message on stderr says it failed. */
	if (res.status == 0 && !(res.err && res.err[0])) {
		out = res.out;
		res.out = NULL;
	} else {
		snprintf(why, why_len, "%s", res.err && res.err[0]
						     ? res.err
						     : "chronyc failed");
		why[strcspn(why, "\n")] = '\0';
	}
	mgmtd_exec_result_fini(&res);
	return out;
}

static void run_systemctl(struct mgmtd_ctx *ctx, const char *what)
{
	const char *argv[] = { "systemctl", what, "systemd-timesyncd.service",
			       NULL };
	struct mgmtd_exec_opts opts = { .timeout_ms = SYSTEMCTL_TIMEOUT_MS };
	struct mgmtd_err err = { 0 };

	if (mgmtd_exec_check(argv, &opts, NULL, &err, SERVERS_PATH) < 0)
		mgmtd_event(ctx, MGMTD_SEV_ERR, SERVERS_PATH, "%s",
			    err.items[0].message);
}

static void reload_chrony(struct mgmtd_ctx *ctx, struct sys_priv *p)
{
	static const char *const args[] = { "reload", "sources", NULL };
	struct mgmtd_service_status st;
	char why[256], *out;
	int rc;

	if (p->chronyd_svc) {
		mgmtd_service_status(p->chronyd_svc, &st);
		if (st.state != MGMTD_SVC_RUNNING) {
			/* It reads the sources directory as it starts. */
			rc = mgmtd_service_start(p->chronyd_svc);
			if (rc < 0)
				mgmtd_event(ctx, MGMTD_SEV_ERR, "chronyd",
					    "cannot start chronyd: %s",
					    strerror(-rc));
			return;
		}
	}
	out = chronyc(p, args, why, sizeof(why));
	if (!out)
		mgmtd_event(ctx, MGMTD_SEV_ERR, SERVERS_PATH,
			    "chronyd did not reload its sources: %s", why);
	free(out);
}

void sys_ntp_reload(struct mgmtd_ctx *ctx, struct sys_priv *p, bool enabled)
{
	if (p->ntp == SYS_NTP_CHRONY)
		reload_chrony(ctx, p);
	else if (p->ntp == SYS_NTP_TIMESYNCD) {
		pthread_mutex_lock(&timesyncd_lock);
		run_systemctl(ctx, enabled ? "restart" : "stop");
		pthread_mutex_unlock(&timesyncd_lock);
	}
}

void sys_ntp_start(struct mgmtd_ctx *ctx, struct sys_priv *p)
{
	int rc;

	if (!p->chronyd_svc)
		return;
	rc = mgmtd_service_start(p->chronyd_svc);
	if (rc < 0)
		mgmtd_event(ctx, MGMTD_SEV_ERR, "chronyd",
			    "cannot start chronyd: %s", strerror(-rc));
}

/* ------------------------------------------------------------------ */
/* Status */

static void put_source(void *arg, const char *name, bool selected)
{
	mgmtd_state_list_add(arg, "ntp_sources", name);
}

static void put_server(void *arg, const char *name)
{
	mgmtd_state_list_add(arg, "ntp_sources", name);
}

static void put_status(struct mgmtd_state *st, const struct sys_ntp_status *s)
{
	mgmtd_state_bool(st, "ntp_synchronised", s->synchronised);
	if (s->source[0])
		mgmtd_state_str(st, "ntp_source", s->source);
}

static void collect_chrony(struct sys_priv *p, struct mgmtd_state *st)
{
	static const char *const tracking[] = { "-c", "tracking", NULL };
	/* -N: the names as configured, so that they compare with
	 * ntp_servers; -n: no reverse lookups. */
	static const char *const sources[] = { "-n", "-N", "-c", "sources",
					       NULL };
	struct sys_ntp_status s;
	char why[256], *out;

	if ((out = chronyc(p, tracking, why, sizeof(why))) &&
	    sys_chrony_parse_tracking(out, &s) == 0) {
		put_status(st, &s);
		mgmtd_state_int(st, "ntp_offset", s.offset_us);
		mgmtd_state_int(st, "ntp_stratum", s.stratum);
	} else {
		mgmtd_state_bool(st, "ntp_synchronised", false);
	}
	free(out);
	if ((out = chronyc(p, sources, why, sizeof(why))))
		sys_chrony_parse_sources(out, put_source, st);
	free(out);
}

static char *timedatectl(const char *what)
{
	const char *argv[] = { "timedatectl", what, NULL };
	struct mgmtd_exec_opts opts = { .timeout_ms = TOOL_TIMEOUT_MS };
	struct mgmtd_exec_result res;
	char *out = NULL;

	if (mgmtd_exec(argv, &opts, &res) < 0)
		return NULL;
	if (res.status == 0) {
		out = res.out;
		res.out = NULL;
	}
	mgmtd_exec_result_fini(&res);
	return out;
}

/* systemctl is-active: exit status 0 when the unit runs. */
static bool timesyncd_active(void)
{
	const char *argv[] = { "systemctl", "is-active", "--quiet",
			       "systemd-timesyncd.service", NULL };
	struct mgmtd_exec_opts opts = { .timeout_ms = TOOL_TIMEOUT_MS };
	struct mgmtd_exec_result res;
	bool active;

	if (mgmtd_exec(argv, &opts, &res) < 0)
		return false;
	active = res.status == 0;
	mgmtd_exec_result_fini(&res);
	return active;
}

static void collect_timesyncd(struct mgmtd_state *st)
{
	char *show, *sync;
	struct sys_ntp_status s;

	/* timedatectl asks systemd over D-Bus: nothing to ask without it. */
	if (!exists("/run/systemd/system"))
		return;
	show = timedatectl("show");
	/* Not when stopped (NTP disabled, or by the administrator): asking
	 * would start it again. */
	pthread_mutex_lock(&timesyncd_lock);
	sync = timesyncd_active() ? timedatectl("show-timesync") : NULL;
	pthread_mutex_unlock(&timesyncd_lock);
	if (show && sys_timesyncd_parse(show, sync, &s) == 0)
		put_status(st, &s);
	if (sync)
		sys_timesyncd_parse_servers(sync, put_server, st);
	free(show);
	free(sync);
}

void sys_ntp_collect(struct mgmtd_ctx *ctx, struct sys_priv *p,
		     struct mgmtd_state *st)
{
	if (p->ntp == SYS_NTP_CHRONY)
		collect_chrony(p, st);
	else if (p->ntp == SYS_NTP_TIMESYNCD)
		collect_timesyncd(st);
}
