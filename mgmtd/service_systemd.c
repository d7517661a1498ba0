/* Service supervision under systemd: when PID 1 is systemd, a service is
 * the unit mgmtd-<name>.service, and systemd does what the children
 * branch (service.c) does itself: spawn, restart on failure after a
 * delay, give up past the start limit.
 *
 * The unit is a file in /run/systemd/system plus daemon-reload, not a
 * transient unit (systemd-run): a transient unit is garbage-collected
 * once it stops or fails, with its NRestarts and Result, so "stopped"
 * and "failed after flapping" could not be shown, and every start would
 * recreate it.  A file stays loaded until reboot, start/stop/restart are
 * plain systemctl verbs, and a unit left running by an earlier mgmtd is
 * found by its name and adopted.  The file is rewritten (and systemd
 * reloaded) only when its text changes.
 *
 * systemctl runs through mgmtd_exec (argv, no shell).  A watcher thread
 * per service reads `systemctl show` every SVC_SD_POLL_MS and raises the
 * children branch's events: a death (the unit waits in auto-restart, or
 * NRestarts grew), the restart, and the flap (Result=start-limit-hit). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core.h"
#include "daemon_config.h"
#include "service_systemd.h"

#define SD_EXEC_TIMEOUT_MS 30000u

struct svc_sd {
	struct mgmtd_service *owner;
	const struct mgmtd_ctx *ctx;
	char *name, *unit, *path, *text; /* text: the unit file's */

	pthread_t thread;
	bool watching; /* the thread runs (from the first start or stop) */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool quit;

	/* What the watcher saw last, under lock. */
	struct svc_sd_props props;
	bool have_props;
	int64_t props_mono_us; /* when, on CLOCK_MONOTONIC */
	int64_t props_real;    /* and on CLOCK_REALTIME, seconds */
	unsigned restarts;     /* mgmtd's count: NRestarts only grows here */
	unsigned seen_nrestarts;
	uint64_t seen_exit_us; /* exit already announced */
	unsigned announced;    /* deaths announced not yet seen restarted */
	bool restarting;       /* NRestarts grew: "restarted" once it runs */
	int last_exit;
	bool flapping, failed;
	unsigned asked; /* our own start/stop calls in progress */
	unsigned gen;   /* bumped by each: a look begun before is stale */
	int owned_pid;  /* the main pid this mgmtd started or adopted last */
};

/* ------------------------------------------------------------------ */
/* Which manager */

enum svc_manager svc_manager_choose(const struct core *c)
{
	const char *want = c && c->dc && c->dc->services ? c->dc->services
							  : "auto";

	if (!c || strcmp(want, "children") == 0)
		return SVC_MGR_CHILDREN;
	if (strcmp(want, "systemd") == 0)
		return SVC_MGR_SYSTEMD;
	return access(SVC_SD_BOOTED_DIR, F_OK) == 0 ? SVC_MGR_SYSTEMD
						    : SVC_MGR_CHILDREN;
}

/* ------------------------------------------------------------------ */
/* The unit's text (pure) */

static bool has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static bool plain_path(const char *s)
{
	if (s[0] != '/')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("/._+-", *s)))
			return false;
	return true;
}

int svc_sd_unit_name(const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);

	if (n == 0 || n > 200 || strspn(name, "abcdefghijklmnopqrstuvwxyz"
					"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					"0123456789_.:-") != n)
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "mgmtd-%s.service", name) >= len)
		return -EINVAL;
	return 0;
}

/* One word of a command line as systemd reads it: in double quotes, with
 * C escapes for \ and ", and $ and % doubled (variables, specifiers). */
static void put_word(FILE *f, const char *w)
{
	fputc('"', f);
	for (; *w; w++) {
		if (*w == '\\' || *w == '"')
			fputc('\\', f);
		else if (*w == '$' || *w == '%')
			fputc(*w, f);
		fputc(*w, f);
	}
	fputc('"', f);
}

/* A path after "append:": specifiers only. */
static void put_path(FILE *f, const char *p)
{
	for (; *p; p++) {
		if (*p == '%')
			fputc('%', f);
		fputc(*p, f);
	}
}

int svc_sd_render_unit(const struct svc_sd_unit *u, char **out)
{
	char unit[256];
	size_t len;
	FILE *f;

	*out = NULL;
	if (svc_sd_unit_name(u->name, unit, sizeof(unit)) < 0 || !u->argv ||
	    !u->argv[0] || !plain_path(u->argv[0]) ||
	    (u->plugin && has_ctl(u->plugin)) ||
	    (u->log_file && (u->log_file[0] != '/' || has_ctl(u->log_file))) ||
	    (u->pid_file && has_ctl(u->pid_file)))
		return -EINVAL;
	for (const char *const *a = u->argv; *a; a++)
		if (has_ctl(*a))
			return -EINVAL;
	if (!(f = open_memstream(out, &len)))
		return -errno;
	fprintf(f, "# %s: the service %s of mgmtd", unit, u->name);
	if (u->plugin)
		fprintf(f, " (plugin %s)", u->plugin);
	fprintf(f, ", written by mgmtd at\n"
		   "# each start; edits are overwritten.\n");
	if (u->pid_file)
		fprintf(f, "# The daemon writes its own pid file: %s\n",
			u->pid_file);
	fprintf(f, "[Unit]\nDescription=mgmtd service %s", u->name);
	if (u->plugin)
		fprintf(f, " (plugin %s)", u->plugin);
	fprintf(f, "\n# Flapping: more starts than this within the interval "
		   "leave it failed.\nStartLimitIntervalSec=%ds\n"
		   "StartLimitBurst=%d\n\n",
		SVC_SD_START_LIMIT_SEC, SVC_SD_START_LIMIT_BURST);
	fprintf(f, "[Service]\nType=exec\nExecStart=%s", u->argv[0]);
	for (const char *const *a = u->argv + 1; *a; a++) {
		fputc(' ', f);
		put_word(f, *a);
	}
	fprintf(f, "\nRestart=on-failure\nRestartSec=%ums\n"
		   "TimeoutStopSec=%ums\nKillMode=control-group\n"
		   "Environment=LANG=C LC_ALL=C\nStandardInput=null\n",
		u->restart_ms, u->stop_timeout_ms);
	if (u->log_file) {
		fputs("StandardOutput=append:", f);
		put_path(f, u->log_file);
		fputs("\nStandardError=inherit\n", f);
	} else {
		fputs("StandardOutput=null\nStandardError=null\n", f);
	}
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* systemctl show (pure) */

static void copy_val(char *dst, size_t len, const char *v, size_t n)
{
	if (n >= len)
		n = len - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static uint64_t num(const char *v)
{
	return strtoull(v, NULL, 10);
}

int svc_sd_parse_show(const char *text, struct svc_sd_props *p)
{
	*p = (struct svc_sd_props){ 0 };
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		const char *eq = memchr(l, '=', n);

		if (eq) {
			size_t kl = (size_t)(eq - l), vl = n - kl - 1;
			const char *v = eq + 1;
			char vbuf[32];

			copy_val(vbuf, sizeof(vbuf), v, vl);
#define KEY(k) (kl == sizeof(k) - 1 && memcmp(l, k, kl) == 0)
			if (KEY("LoadState"))
				copy_val(p->load, sizeof(p->load), v, vl);
			else if (KEY("ActiveState"))
				copy_val(p->active, sizeof(p->active), v, vl);
			else if (KEY("SubState"))
				copy_val(p->sub, sizeof(p->sub), v, vl);
			else if (KEY("Result"))
				copy_val(p->result, sizeof(p->result), v, vl);
			else if (KEY("MainPID"))
				p->main_pid = (int)num(vbuf);
			else if (KEY("NRestarts"))
				p->n_restarts = (unsigned)num(vbuf);
			else if (KEY("ExecMainStartTimestampMonotonic"))
				p->start_mono_us = num(vbuf);
			else if (KEY("ExecMainExitTimestampMonotonic"))
				p->exit_mono_us = num(vbuf);
			else if (KEY("ExecMainCode"))
				p->exit_code = (int)num(vbuf);
			else if (KEY("ExecMainStatus"))
				p->exit_status = (int)num(vbuf);
#undef KEY
		}
		l = nl ? nl + 1 : NULL;
	}
	return p->active[0] ? 0 : -EINVAL;
}

int svc_sd_last_exit(const struct svc_sd_props *p)
{
	if (!p->exit_mono_us || !p->exit_code)
		return -1;
	/* CLD_EXITED 1; CLD_KILLED 2, CLD_DUMPED 3: status is the signal */
	return p->exit_code == 1 ? p->exit_status : 128 + p->exit_status;
}

bool svc_sd_gave_up(const struct svc_sd_props *p)
{
	/* systemd 252 keeps the main process's result ("signal") when the
	 * start limit stops an automatic restart ("Start request repeated
	 * too quickly"); only an asked start says start-limit-hit.  With
	 * Restart=on-failure a unit that failed after restarts ran into
	 * the limit: nothing else leaves it failed. */
	if (strcmp(p->result, "start-limit-hit") == 0)
		return true;
	return strcmp(p->active, "failed") == 0 &&
	       p->n_restarts >= SVC_SD_START_LIMIT_BURST - 1;
}

enum mgmtd_service_state svc_sd_state(const struct svc_sd_props *p)
{
	if (strcmp(p->active, "activating") == 0 &&
	    strcmp(p->sub, "auto-restart") == 0)
		return MGMTD_SVC_BACKOFF;
	if ((strcmp(p->active, "active") == 0 ||
	     strcmp(p->active, "activating") == 0 ||
	     strcmp(p->active, "reloading") == 0 ||
	     strcmp(p->active, "deactivating") == 0) &&
	    p->main_pid > 0)
		return MGMTD_SVC_RUNNING;
	return MGMTD_SVC_STOPPED;
}

/* ------------------------------------------------------------------ */
/* systemctl */

static void sd_event(const struct svc_sd *d, enum mgmtd_severity sev,
		     const char *fmt, ...) MGMTD_PRINTF(3, 4);

static void sd_event(const struct svc_sd *d, enum mgmtd_severity sev,
		     const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->ctx)
		mgmtd_event(d->ctx, sev, d->name, "%s", msg);
}

/* systemctl verb [unit] [extra]; 0 or -EIO (logged as an event). */
static int systemctl(const struct svc_sd *d, const char *verb,
		     const char *unit, const char *extra, bool quiet)
{
	const char *argv[] = { "systemctl", verb, extra ? extra : unit,
			       extra ? unit : NULL, NULL };
	struct mgmtd_exec_opts o = { .timeout_ms = SD_EXEC_TIMEOUT_MS };
	struct mgmtd_exec_result r;
	int rc = mgmtd_exec(argv, &o, &r);

	if (rc < 0) {
		sd_event(d, MGMTD_SEV_ERR, "cannot run systemctl: %s",
			 strerror(-rc));
		return rc;
	}
	if (r.status != 0) {
		char *nl = strchr(r.err, '\n');

		if (nl)
			*nl = '\0';
		if (!quiet)
			sd_event(d, MGMTD_SEV_ERR,
				 "systemctl %s %s failed (exit %d): %s", verb,
				 unit ? unit : "", r.status, r.err);
		rc = -EIO;
	}
	mgmtd_exec_result_fini(&r);
	return rc;
}

static int show(const struct svc_sd *d, struct svc_sd_props *p)
{
	const char *argv[] = { "systemctl", "show", "-p", SVC_SD_SHOW_PROPS,
			       d->unit, NULL };
	struct mgmtd_exec_opts o = { .timeout_ms = SD_EXEC_TIMEOUT_MS };
	struct mgmtd_exec_result r;
	int rc = mgmtd_exec(argv, &o, &r);

	if (rc < 0)
		return rc;
	rc = r.status == 0 ? svc_sd_parse_show(r.out, p) : -EIO;
	mgmtd_exec_result_fini(&r);
	return rc;
}

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ------------------------------------------------------------------ */
/* The watcher: systemd's view, turned into mgmtd's counters and events */

static void describe(int code, char *buf, size_t len)
{
	if (code > 128)
		snprintf(buf, len, "killed by signal %d", code - 128);
	else if (code >= 0)
		snprintf(buf, len, "exited with status %d", code);
	else
		snprintf(buf, len, "died");
}

/* Take in a fresh look (lock held). */
static void absorb(struct svc_sd *d, const struct svc_sd_props *p)
{
	enum mgmtd_service_state st = svc_sd_state(p);
	int ex = svc_sd_last_exit(p);
	char how[64];

	if (ex >= 0)
		d->last_exit = ex;
	/* A death while systemd waits to restart it. */
	if (st == MGMTD_SVC_BACKOFF && p->exit_mono_us &&
	    p->exit_mono_us != d->seen_exit_us) {
		d->seen_exit_us = p->exit_mono_us;
		d->announced++;
		describe(ex, how, sizeof(how));
		sd_event(d, MGMTD_SEV_ERR, "%s unexpectedly; systemd restarts "
			 "%s", how, d->unit);
	}
	if (d->have_props && p->n_restarts > d->seen_nrestarts) {
		unsigned n = p->n_restarts - d->seen_nrestarts;

		d->restarts += n;
		if (n > d->announced)
			sd_event(d, MGMTD_SEV_ERR, "died unexpectedly %u "
				 "time(s); systemd restarted %s", n - d->announced,
				 d->unit);
		d->announced = 0;
		/* NRestarts grows when the restart job is queued, still in
		 * auto-restart: the new pid comes with a later look. */
		d->restarting = true;
	}
	if (d->restarting && st == MGMTD_SVC_RUNNING) {
		d->restarting = false;
		d->owned_pid = p->main_pid; /* still ours */
		sd_event(d, MGMTD_SEV_NOTICE, "restarted (pid %d)",
			 p->main_pid);
	} else if (d->restarting && st == MGMTD_SVC_STOPPED) {
		d->restarting = false;
	}
	/* NRestarts starts again from 0 after a stop: follow it down. */
	d->seen_nrestarts = p->n_restarts;
	if (svc_sd_gave_up(p)) {
		if (!d->flapping)
			sd_event(d, MGMTD_SEV_CRIT, "flapping: %d starts "
				 "within %d s; systemd gave up on %s",
				 SVC_SD_START_LIMIT_BURST,
				 SVC_SD_START_LIMIT_SEC, d->unit);
		d->flapping = true;
	} else if (strcmp(p->active, "failed") == 0) {
		if (!d->failed && !d->asked) {
			describe(ex, how, sizeof(how));
			sd_event(d, MGMTD_SEV_ERR, "%s failed (%s): %s",
				 d->unit, p->result, how);
		}
		d->failed = true;
	}
	/* Stopped cleanly by someone else (systemctl stop, SIGTERM):
	 * Restart=on-failure leaves it so, which mgmtd must say. */
	if (d->have_props && !d->asked && st == MGMTD_SVC_STOPPED &&
	    svc_sd_state(&d->props) == MGMTD_SVC_RUNNING &&
	    strcmp(p->active, "failed") != 0)
		sd_event(d, MGMTD_SEV_WARNING, "%s stopped outside mgmtd "
			 "(pid %d); systemd does not restart it", d->unit,
			 d->props.main_pid);
	if (st == MGMTD_SVC_RUNNING) {
		d->flapping = false;
		d->failed = false;
	}
	d->props = *p;
	d->have_props = true;
	d->props_mono_us = mono_us();
	d->props_real = core_realtime();
}

/* Look at the unit.  The watcher's look is dropped when a start or stop
 * began or ended meanwhile: what it saw may be older than what that
 * call already took in. */
static void look(struct svc_sd *d, bool watcher)
{
	struct svc_sd_props p;
	unsigned gen;

	pthread_mutex_lock(&d->lock);
	gen = d->gen;
	pthread_mutex_unlock(&d->lock);
	if (show(d, &p) < 0)
		return;
	pthread_mutex_lock(&d->lock);
	if (!watcher || gen == d->gen)
		absorb(d, &p);
	pthread_mutex_unlock(&d->lock);
}

static void *watch(void *arg)
{
	struct svc_sd *d = arg;
	struct timespec until;

	pthread_mutex_lock(&d->lock);
	while (!d->quit) {
		pthread_mutex_unlock(&d->lock);
		look(d, true);
		pthread_mutex_lock(&d->lock);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += (long)SVC_SD_POLL_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		while (!d->quit &&
		       pthread_cond_timedwait(&d->cond, &d->lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The unit file */

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &cap, '\0', f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Write the unit file if its text differs; *changed tells. */
static int install_unit(struct svc_sd *d, bool *changed)
{
	char *old = read_all(d->path), tmp[PATH_MAX];
	size_t len = strlen(d->text);
	int fd, rc = 0;

	*changed = !old || strcmp(old, d->text) != 0;
	free(old);
	if (!*changed)
		return 0;
	mkdir(SVC_SD_UNIT_DIR, 0755);
	snprintf(tmp, sizeof(tmp), "%s.mgmtd-new", d->path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return -errno;
	if (write(fd, d->text, len) != (ssize_t)len)
		rc = errno ? -errno : -EIO;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, d->path) < 0)
		rc = -errno;
	if (rc < 0) {
		unlink(tmp);
		sd_event(d, MGMTD_SEV_ERR, "cannot write %s: %s", d->path,
			 strerror(-rc));
		return rc;
	}
	return systemctl(d, "daemon-reload", NULL, NULL, false);
}

/* ------------------------------------------------------------------ */
/* Start, stop, signal */

/* The watcher starts with the first start or stop: until then the
 * service is "stopped" as far as mgmtd is concerned, as in the children
 * branch, so that the plugin's first apply starts it (and so adopts a
 * unit left running) instead of restarting what looks like its own. */
static void begin(struct svc_sd *d)
{
	pthread_mutex_lock(&d->lock);
	d->asked++;
	d->gen++;
	if (!d->watching)
		d->watching = pthread_create(&d->thread, NULL, watch, d) == 0;
	pthread_mutex_unlock(&d->lock);
}

/* Look now (the state our verb left) and end the request. */
static void end(struct svc_sd *d)
{
	look(d, false);
	pthread_mutex_lock(&d->lock);
	d->asked--;
	d->gen++;
	pthread_mutex_unlock(&d->lock);
}

static int start_or_restart(struct svc_sd *d, bool restart)
{
	struct svc_sd_props p = { 0 };
	bool changed = false;
	int rc;

	begin(d);
	if ((rc = install_unit(d, &changed)) < 0)
		goto out;
	if (show(d, &p) == 0 && svc_sd_state(&p) == MGMTD_SVC_RUNNING &&
	    !changed && !restart) {
		/* Already running, as the unit says: a previous mgmtd's
		 * or ours.  Adopted, not duplicated. */
		pthread_mutex_lock(&d->lock);
		bool known = d->owned_pid == p.main_pid;
		d->owned_pid = p.main_pid;
		pthread_mutex_unlock(&d->lock);
		if (!known)
			sd_event(d, MGMTD_SEV_INFO, "adopted %s (pid %d)",
				 d->unit, p.main_pid);
		goto out;
	}
	/* A daemon of mgmtd's children branch (an earlier mgmtd, told
	 * services = "children") holds the pid file: stop it first. */
	svc_stop_leftover_except(d->owner, p.main_pid);
	/* Also lifts the start limit: an asked start always tries. */
	systemctl(d, "reset-failed", d->unit, NULL, true);
	rc = systemctl(d, restart || changed ? "restart" : "start", d->unit,
		       NULL, false);
out:
	end(d);
	if (rc == 0) {
		pthread_mutex_lock(&d->lock);
		int pid = d->props.main_pid;
		bool up = svc_sd_state(&d->props) == MGMTD_SVC_RUNNING;
		bool fresh = up && pid != d->owned_pid;

		if (up)
			d->owned_pid = pid;
		pthread_mutex_unlock(&d->lock);
		if (fresh)
			sd_event(d, MGMTD_SEV_INFO, "started %s (pid %d)",
				 d->unit, pid);
	}
	return rc;
}

int svc_sd_start(struct svc_sd *d)
{
	return start_or_restart(d, false);
}

int svc_sd_restart(struct svc_sd *d)
{
	return start_or_restart(d, true);
}

int svc_sd_stop(struct svc_sd *d)
{
	int rc, pid;

	pthread_mutex_lock(&d->lock);
	pid = d->props.main_pid;
	pthread_mutex_unlock(&d->lock);
	begin(d);
	rc = systemctl(d, "stop", d->unit, NULL, false);
	end(d);
	if (rc == 0 && pid > 0)
		sd_event(d, MGMTD_SEV_INFO, "stopped %s (pid %d)", d->unit,
			 pid);
	return rc;
}

int svc_sd_signal(struct svc_sd *d, int sig)
{
	char opt[32];
	struct svc_sd_props p;
	int rc;

	if ((rc = show(d, &p)) < 0)
		return rc;
	if (svc_sd_state(&p) != MGMTD_SVC_RUNNING)
		return -ESRCH;
	/* systemd signals the main process it knows: no pid reuse race. */
	snprintf(opt, sizeof(opt), "--signal=%d", sig);
	const char *argv[] = { "systemctl", "kill", "--kill-whom=main", opt,
			       d->unit, NULL };
	struct mgmtd_exec_opts o = { .timeout_ms = SD_EXEC_TIMEOUT_MS };
	struct mgmtd_exec_result r;

	if ((rc = mgmtd_exec(argv, &o, &r)) < 0)
		return rc;
	rc = r.status == 0 ? 0 : -ESRCH;
	mgmtd_exec_result_fini(&r);
	return rc;
}

void svc_sd_status(struct svc_sd *d, struct mgmtd_service_status *st)
{
	pthread_mutex_lock(&d->lock);
	*st = (struct mgmtd_service_status){
		.state = d->have_props ? svc_sd_state(&d->props)
				       : MGMTD_SVC_STOPPED,
		.restarts = d->restarts,
		.last_exit = d->last_exit,
	};
	if (st->state == MGMTD_SVC_RUNNING) {
		st->pid = d->props.main_pid;
		/* Its start on the realtime clock: systemd gives it on the
		 * monotonic one. */
		st->started = d->props_real -
			      (d->props_mono_us -
			       (int64_t)d->props.start_mono_us) / 1000000;
	}
	pthread_mutex_unlock(&d->lock);
}

/* ------------------------------------------------------------------ */
/* Life cycle */

static void sd_free_fields(struct svc_sd *d)
{
	free(d->name);
	free(d->unit);
	free(d->path);
	free(d->text);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->cond);
	free(d);
}

int svc_sd_new(struct mgmtd_service *owner, const struct mgmtd_ctx *ctx,
	       const struct svc_sd_unit *u, struct svc_sd **out)
{
	char unit[256], path[PATH_MAX];
	struct svc_sd *d;
	int rc;

	*out = NULL;
	if ((rc = svc_sd_unit_name(u->name, unit, sizeof(unit))) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%s", SVC_SD_UNIT_DIR, unit);
	if (!(d = calloc(1, sizeof(*d))))
		return -ENOMEM;
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->cond, &ca);
	pthread_condattr_destroy(&ca);
	d->owner = owner;
	d->ctx = ctx;
	d->last_exit = -1;
	d->name = strdup(u->name);
	d->unit = strdup(unit);
	d->path = strdup(path);
	if (!d->name || !d->unit || !d->path) {
		sd_free_fields(d);
		return -ENOMEM;
	}
	if ((rc = svc_sd_render_unit(u, &d->text)) < 0) {
		sd_free_fields(d);
		return rc;
	}
	*out = d;
	return 0;
}

void svc_sd_free(struct svc_sd *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->quit = true;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	if (d->watching)
		pthread_join(d->thread, NULL);
	/* Like the children branch: mgmtd's services end with it.  The
	 * unit file stays (in /run: gone at reboot). */
	systemctl(d, "stop", d->unit, NULL, !d->watching);
	sd_free_fields(d);
}
