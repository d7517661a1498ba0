/* System plugin, time: the time class (time zone and NTP servers), its
 * transaction phases and its live state.
 *
 * The time zone is two files: the localtime symbolic link into the
 * zoneinfo directory (what the C library reads) and the timezone file
 * with the zone's name (Debian's record of it).  The link is swapped
 * atomically: a new link is made beside it in prepare and renamed over
 * it in apply.  The NTP servers go to chronyd's sources file or to
 * systemd-timesyncd's drop-in (system_ntp.c tells the daemon).  Each is
 * rewritten only when its part of the class changed, or at start when it
 * is set; an unset time zone leaves the system's alone.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mgmtd/plugin.h"

#include "system.h"

#define TIME_PATH "system.time"
#define TZ_PATH TIME_PATH "." SYS_A_TIMEZONE
#define SERVERS_PATH TIME_PATH "." SYS_A_NTP_SERVERS
#define STAGED_SUFFIX ".mgmtd-new"
#define FILE_MODE 0644

static const char *const sys_ntp_backends[] = { "none", "chrony",
						"timesyncd", NULL };

static const struct mgmtd_attr sys_time_attrs[] = {
	{ .name = SYS_A_TIMEZONE, .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_CONFIG, .snmp_column = 1, .max = SYS_TZ_NAME_MAX,
	  .pattern = "^[A-Za-z0-9_+.-]+(/[A-Za-z0-9_+.-]+)*$",
	  .description = "Time zone, a name of the zoneinfo database "
			 "(Europe/Paris, UTC); unset: the system's is kept" },
	{ .name = SYS_A_NTP_SERVERS, .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_CONFIG | MGMTD_A_LIST, .snmp_column = 2,
	  .max = 253, .max_items = SYS_NTP_MAX_SERVERS,
	  .pattern = "^[A-Za-z0-9.:-]+$",
	  .description = "NTP servers (host names or addresses) the clock "
			 "follows, through chrony or systemd-timesyncd" },
	{ .name = SYS_A_NTP_ENABLED, .type = MGMTD_T_BOOL,
	  .flags = MGMTD_A_CONFIG, .snmp_column = 3, .default_value = "true",
	  .description = "Whether the clock follows the NTP servers" },
	{ .name = "current_time", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_STATE, .snmp_column = 4,
	  .description = "The time now, ISO 8601 with the zone's offset" },
	{ .name = "timezone_in_effect", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_STATE, .snmp_column = 5,
	  .description = "Time zone the localtime link names now" },
	{ .name = "ntp_daemon", .type = MGMTD_T_ENUM, .flags = MGMTD_A_STATE,
	  .snmp_column = 6, .enum_values = sys_ntp_backends,
	  .description = "Daemon that keeps the clock: none, chrony or "
			 "timesyncd" },
	{ .name = "ntp_synchronised", .type = MGMTD_T_BOOL,
	  .flags = MGMTD_A_STATE, .snmp_column = 7,
	  .description = "Whether the daemon says the clock is synchronised" },
	{ .name = "ntp_source", .type = MGMTD_T_STRING, .flags = MGMTD_A_STATE,
	  .snmp_column = 8,
	  .description = "Server the clock follows now, while synchronised" },
	{ .name = "ntp_offset", .type = MGMTD_T_INT,
	  .flags = MGMTD_A_STATE | MGMTD_A_GAUGE, .snmp_column = 9,
	  .units = "microseconds",
	  .description = "NTP time minus the system clock (chrony)" },
	{ .name = "ntp_stratum", .type = MGMTD_T_INT, .flags = MGMTD_A_STATE,
	  .snmp_column = 10,
	  .description = "The clock's NTP stratum (chrony; 0: none)" },
	{ .name = "ntp_sources", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_STATE | MGMTD_A_LIST, .snmp_column = 11,
	  .description = "Servers the daemon uses now, as it names them" },
	{ .name = NULL },
};

const struct mgmtd_class sys_time_class = {
	.name = SYS_CLS_TIME,
	.kind = MGMTD_SINGLETON,
	.snmp_table = 2,
	.description = "Clock: time zone and NTP servers",
	.attrs = sys_time_attrs,
};

/* The class as plain values; strings borrowed from the tree. */
struct time_conf {
	const char *tz;
	const char *servers[SYS_NTP_MAX_SERVERS];
	size_t n;
	bool enabled;
};

static void time_conf_load(struct time_conf *c, const struct mgmtd_tree *t)
{
	const struct mgmtd_obj *o = t ? mgmtd_tree_singleton(t, SYS_CLS_TIME)
				      : NULL;

	*c = (struct time_conf){ .enabled = true };
	if (!o)
		return;
	if (mgmtd_obj_has(o, SYS_A_TIMEZONE))
		c->tz = mgmtd_obj_str(o, SYS_A_TIMEZONE);
	c->n = mgmtd_obj_list_len(o, SYS_A_NTP_SERVERS);
	if (c->n > SYS_NTP_MAX_SERVERS) /* the schema's max_items */
		c->n = SYS_NTP_MAX_SERVERS;
	for (size_t i = 0; i < c->n; i++)
		c->servers[i] = mgmtd_obj_list_at(o, SYS_A_NTP_SERVERS, i);
	if (mgmtd_obj_has(o, SYS_A_NTP_ENABLED))
		c->enabled = mgmtd_obj_bool(o, SYS_A_NTP_ENABLED);
}

static bool str_eq(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

static bool ntp_eq(const struct time_conf *a, const struct time_conf *b)
{
	if (a->n != b->n || a->enabled != b->enabled)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->servers[i], b->servers[i]) != 0)
			return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* Settings */

int sys_time_init(struct mgmtd_ctx *ctx, struct sys_priv *p)
{
	p->zoneinfo = mgmtd_ctx_setting_str(ctx, SYS_SET_ZONEINFO,
					    SYS_DEF_ZONEINFO);
	p->localtime = mgmtd_ctx_setting_str(ctx, SYS_SET_LOCALTIME,
					     SYS_DEF_LOCALTIME);
	p->timezone_file = mgmtd_ctx_setting_str(ctx, SYS_SET_TIMEZONE_FILE,
						 SYS_DEF_TIMEZONE_FILE);
	return sys_ntp_init(ctx, p);
}

void sys_time_shutdown(struct mgmtd_ctx *ctx, struct sys_priv *p)
{
	sys_time_abort(ctx, NULL, NULL);
	mgmtd_service_free(p->chronyd_svc);
	p->chronyd_svc = NULL;
}

/* ------------------------------------------------------------------ */
/* validate */

int sys_time_validate(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		      const struct mgmtd_tree *run, struct mgmtd_err *err)
{
	struct sys_priv *p = mgmtd_ctx_priv(ctx);
	struct time_conf c;
	const char *why;
	int bad = 0;

	time_conf_load(&c, cand);
	if (c.tz && (why = sys_timezone_problem(p->zoneinfo, c.tz)))
		bad = mgmtd_err_add(err, MGMTD_E_INVALID, TZ_PATH, "'%s' %s",
				    c.tz, why);
	for (size_t i = 0; i < c.n; i++) {
		if ((why = sys_ntp_server_problem(c.servers[i])))
			bad = mgmtd_err_add(err, MGMTD_E_INVALID, SERVERS_PATH,
					    "'%s' %s", c.servers[i], why);
		for (size_t j = 0; j < i; j++)
			if (strcmp(c.servers[i], c.servers[j]) == 0)
				bad = mgmtd_err_add(err, MGMTD_E_INVALID,
						    SERVERS_PATH,
						    "'%s' is listed twice",
						    c.servers[i]);
	}
	return bad;
}

/* ------------------------------------------------------------------ */
/* prepare, abort, apply */

static void staged_name(char *buf, size_t len, const char *path)
{
	snprintf(buf, len, "%s%s", path, STAGED_SUFFIX);
}

/* A new localtime link beside the old one, renamed over it in apply. */
static int stage_localtime(struct sys_priv *p, const char *tz,
			   struct mgmtd_err *err)
{
	char staged[PATH_MAX], target[PATH_MAX];

	staged_name(staged, sizeof(staged), p->localtime);
	snprintf(target, sizeof(target), "%s/%s", p->zoneinfo, tz);
	if (unlink(staged) < 0 && errno != ENOENT)
		return mgmtd_err_add(err, MGMTD_E_FAILED, TZ_PATH,
				     "cannot remove %s: %s", staged,
				     strerror(errno));
	if (symlink(target, staged) < 0)
		return mgmtd_err_add(err, MGMTD_E_FAILED, TZ_PATH,
				     "cannot link %s: %s", staged,
				     strerror(errno));
	p->plan.localtime = true;
	return 0;
}

static int stage_timezone(struct sys_priv *p, const char *tz,
			  struct mgmtd_err *err)
{
	char text[SYS_TZ_NAME_MAX + 2];
	int rc;

	if ((rc = stage_localtime(p, tz, err)) < 0)
		return rc;
	snprintf(text, sizeof(text), "%s\n", tz);
	rc = mgmtd_file_stage(p->timezone_file, text, strlen(text), FILE_MODE,
			      err, TZ_PATH);
	if (rc == 0)
		p->plan.timezone_file = true;
	return rc;
}

static const char *ntp_file(const struct sys_priv *p)
{
	return p->ntp == SYS_NTP_CHRONY ? p->chrony_sources
					: p->timesyncd_dropin;
}

/* timesyncd.conf.d does not exist until someone makes a drop-in. */
static void make_parent(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return; /* mgmtd_file_stage says why */
	}
}

static int stage_ntp(struct mgmtd_ctx *ctx, struct sys_priv *p,
		     const struct time_conf *c, struct mgmtd_err *err)
{
	char *text, staged[PATH_MAX];
	int rc;

	if (p->ntp == SYS_NTP_NONE)
		return 0; /* apply says so */
	text = p->ntp == SYS_NTP_CHRONY
		       ? sys_render_chrony_sources(c->servers, c->n, c->enabled)
		       : sys_render_timesyncd(c->servers, c->n, c->enabled);
	if (!text)
		return mgmtd_err_add(err, MGMTD_E_FAILED, SERVERS_PATH,
				     "out of memory");
	if (p->ntp == SYS_NTP_TIMESYNCD)
		make_parent(ntp_file(p));
	rc = mgmtd_file_stage(ntp_file(p), text, strlen(text), FILE_MODE, err,
			      SERVERS_PATH);
	free(text);
	if (rc < 0)
		return rc;
	p->plan.ntp_file = true;
	p->plan.ntp_enabled = c->enabled;
	staged_name(staged, sizeof(staged), ntp_file(p));
	return sys_ntp_check(ctx, p, staged, err);
}

int sys_time_prepare(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		     const struct mgmtd_tree *run, struct mgmtd_err *err)
{
	struct sys_priv *p = mgmtd_ctx_priv(ctx);
	struct time_conf c, r;
	bool tz, ntp;
	int rc;

	time_conf_load(&c, cand);
	time_conf_load(&r, run);
	p->plan = (struct sys_time_plan){ 0 };
	tz = c.tz && (!run || !str_eq(c.tz, r.tz));
	ntp = run ? !ntp_eq(&c, &r) : c.n > 0 || !c.enabled;
	if (tz && (rc = stage_timezone(p, c.tz, err)) < 0)
		return rc;
	if (ntp && (rc = stage_ntp(ctx, p, &c, err)) < 0)
		return rc;
	if (ntp && p->ntp == SYS_NTP_NONE)
		mgmtd_event(ctx, MGMTD_SEV_WARNING, SERVERS_PATH,
			    "no NTP daemon here (chrony or "
			    "systemd-timesyncd): servers not applied");
	return 0;
}

void sys_time_abort(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		    const struct mgmtd_tree *run)
{
	struct sys_priv *p = mgmtd_ctx_priv(ctx);
	char staged[PATH_MAX];

	if (p->plan.localtime) {
		staged_name(staged, sizeof(staged), p->localtime);
		unlink(staged);
	}
	if (p->plan.timezone_file)
		mgmtd_file_discard(p->timezone_file);
	if (p->plan.ntp_file)
		mgmtd_file_discard(ntp_file(p));
	p->plan = (struct sys_time_plan){ 0 };
}

static void commit_localtime(struct mgmtd_ctx *ctx, struct sys_priv *p)
{
	char staged[PATH_MAX];

	staged_name(staged, sizeof(staged), p->localtime);
	if (rename(staged, p->localtime) < 0) {
		mgmtd_event(ctx, MGMTD_SEV_ERR, TZ_PATH,
			    "cannot replace %s: %s", p->localtime,
			    strerror(errno));
		unlink(staged);
	}
}

/* systemd-timedated reads /etc/localtime once, as it starts, and then
 * answers timedatectl and D-Bus clients from memory (systemd 252); it is
 * started on demand, and mgmtd's own collects keep it from exiting when
 * idle.  A restart, if it runs, makes it read the new zone. */
static void tell_timedated(struct mgmtd_ctx *ctx, const struct sys_priv *p)
{
	const char *argv[] = { "systemctl", "try-restart",
			       "systemd-timedated.service", NULL };
	struct mgmtd_exec_opts opts = { .timeout_ms = 10000 };
	struct mgmtd_err err = { 0 };

	if (strcmp(p->localtime, SYS_DEF_LOCALTIME) != 0 ||
	    access("/run/systemd/system", F_OK) != 0)
		return;
	if (mgmtd_exec_check(argv, &opts, NULL, &err, TZ_PATH) < 0)
		mgmtd_event(ctx, MGMTD_SEV_WARNING, TZ_PATH, "%s",
			    err.items[0].message);
}

static void commit_file(struct mgmtd_ctx *ctx, const char *path,
			const char *what)
{
	int rc = mgmtd_file_commit(path);

	if (rc < 0)
		mgmtd_event(ctx, MGMTD_SEV_ERR, what, "cannot replace %s: %s",
			    path, strerror(-rc));
}

void sys_time_apply(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		    const struct mgmtd_tree *run)
{
	struct sys_priv *p = mgmtd_ctx_priv(ctx);
	struct sys_time_plan plan = p->plan;

	p->plan = (struct sys_time_plan){ 0 };
	if (plan.localtime)
		commit_localtime(ctx, p);
	if (plan.timezone_file)
		commit_file(ctx, p->timezone_file, TZ_PATH);
	if (plan.localtime)
		tell_timedated(ctx, p);
	if (plan.ntp_file) {
		commit_file(ctx, ntp_file(p), SERVERS_PATH);
		sys_ntp_reload(ctx, p, plan.ntp_enabled);
	} else if (!run) {
		sys_ntp_start(ctx, p);
	}
	if (plan.localtime)
		mgmtd_event(ctx, MGMTD_SEV_NOTICE, TZ_PATH, "time zone now %s",
			    mgmtd_obj_str(mgmtd_tree_singleton(cand,
							       SYS_CLS_TIME),
					  SYS_A_TIMEZONE));
}

/* ------------------------------------------------------------------ */
/* Live state */

/* The zone the localtime link names: its target below the zoneinfo
 * directory (or below any ".../zoneinfo/"), else the timezone file. */
static void zone_in_effect(const struct sys_priv *p, char *buf, size_t len)
{
	char target[PATH_MAX];
	size_t zlen = strlen(p->zoneinfo);
	ssize_t n = readlink(p->localtime, target, sizeof(target) - 1);
	const char *z;
	FILE *f;

	buf[0] = '\0';
	if (n > 0) {
		target[n] = '\0';
		if (strncmp(target, p->zoneinfo, zlen) == 0 &&
		    target[zlen] == '/')
			snprintf(buf, len, "%s", target + zlen + 1);
		else if ((z = strstr(target, "zoneinfo/")))
			snprintf(buf, len, "%s", z + strlen("zoneinfo/"));
		if (buf[0])
			return;
	}
	if ((f = fopen(p->timezone_file, "re"))) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

/* date(1) renders the offset of any zone; the C library would need TZ
 * set in mgmtd's environment, which threads share. */
static void put_current_time(const struct sys_priv *p,
			     struct mgmtd_state *st)
{
	const char *argv[] = { "date", "+%Y-%m-%dT%H:%M:%S%:z", NULL };
	char tz[PATH_MAX + 4];
	const char *env[] = { tz, NULL };
	struct mgmtd_exec_opts opts = { .timeout_ms = 5000, .env = env };
	struct mgmtd_exec_result res;

	snprintf(tz, sizeof(tz), "TZ=:%s", p->localtime);
	if (mgmtd_exec(argv, &opts, &res) < 0)
		return;
	if (res.status == 0 && res.out) {
		res.out[strcspn(res.out, "\n")] = '\0';
		mgmtd_state_str(st, "current_time", res.out);
	}
	mgmtd_exec_result_fini(&res);
}

void sys_time_collect(struct mgmtd_ctx *ctx, struct sys_priv *p,
		      struct mgmtd_state *st)
{
	char zone[SYS_TZ_NAME_MAX + 1];

	if (mgmtd_state_obj(st, SYS_CLS_TIME, NULL) < 0)
		return;
	put_current_time(p, st);
	zone_in_effect(p, zone, sizeof(zone));
	if (zone[0])
		mgmtd_state_str(st, "timezone_in_effect", zone);
	mgmtd_state_str(st, "ntp_daemon", sys_ntp_backend_name(p->ntp));
	sys_ntp_collect(ctx, p, st);
}
