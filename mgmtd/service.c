/* Service supervision: daemons that plugins run as children of mgmtd,
 * or as systemd units when PID 1 is systemd (mgmtd/service_systemd.c;
 * the daemon config's "services" picks).  This file owns the service
 * object and the registry for both, and is the children branch.
 *
 * Each service has one supervisor thread that alone spawns, signals and
 * reaps its daemon.  It sleeps in poll(2) on a pidfd (the daemon exited)
 * and an eventfd (a caller changed what it wants), with a timeout only
 * while a restart is pending or a stop awaits its SIGKILL.  Callers set
 * what they want under the lock, wake the thread and wait on a condition
 * until it has done it, so that start and stop return once done.
 *
 * Only this daemon's pid is ever waited for (exec.c reaps its own tools
 * the same way), so nothing else's children are stolen.  Where pidfds are
 * missing (kernels before 5.3, valgrind 3.19) the thread looks at the
 * daemon every SVC_TICK_MS instead. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core.h"
#include "service_systemd.h"

#define SVC_STOP_TIMEOUT_MS 10000u
#define SVC_BACKOFF_MIN_MS 500u
#define SVC_BACKOFF_MAX_MS 30000u
#define SVC_STABLE_MS 10000u
/* So many unasked exits within the window make a flapping service. */
#define SVC_FLAP_EXITS 5
#define SVC_FLAP_WINDOW_MS 60000
/* Without pidfds: how often to look whether a process is gone. */
#define SVC_TICK_MS 50
#define SVC_ENV_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct mgmtd_service {
	const struct mgmtd_ctx *ctx;
	struct core *core;          /* where it is registered; NULL: nowhere */
	struct mgmtd_service *next; /* in core->services */
	/* The spec, copied. */
	char *name, **argv, *log_file, *pid_file, **helpers, *match;
	unsigned stop_timeout_ms, backoff_min_ms, backoff_max_ms, stable_ms;

	pthread_t thread;
	bool thread_started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int wake_fd;
	bool quit;

	/* What callers want, and how far the thread got with it. */
	bool want_run;
	unsigned req, done;
	int start_rc; /* of the last spawn */

	/* What is. */
	enum mgmtd_service_state state;
	pid_t pid;
	int pidfd;
	int64_t started_ms, started_real;
	bool term_sent;
	int64_t kill_at_ms, restart_at_ms;
	unsigned delay_ms, restarts;
	int last_exit;
	int64_t exits[SVC_FLAP_EXITS]; /* times of the last unasked exits */
	unsigned n_exits;
	bool flapping;
	bool helpers_pending; /* stopped: its helpers are to be stopped */

	struct svc_sd *sd; /* under systemd: that branch does it all */
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void svc_event(const struct mgmtd_service *s, enum mgmtd_severity sev,
		      const char *fmt, ...) MGMTD_PRINTF(3, 4);

static void svc_event(const struct mgmtd_service *s, enum mgmtd_severity sev,
		      const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s->ctx)
		mgmtd_event(s->ctx, sev, s->name, "%s", msg);
}

/* ------------------------------------------------------------------ */
/* Processes we did not start: leftovers and helpers, by pid file */

static pid_t read_pid_file(const char *path)
{
	FILE *f = path ? fopen(path, "re") : NULL;
	long pid = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 1 || pid > INT_MAX)
		pid = 0;
	fclose(f);
	return (pid_t)pid;
}

/* Alive (not a zombie) and its command line contains match. */
static bool pid_matches(pid_t pid, const char *match)
{
	char path[64], buf[4096], state = 0;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "re")))
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *end = strrchr(buf, ')');
	if (end && end[1] == ' ')
		state = end[2];
	if (!state || state == 'Z' || state == 'X')
		return false;
	if (!match)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if (!(f = fopen(path, "re")))
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return strstr(buf, match) != NULL;
}

/* Wait up to ms for process pid (behind pidfd, or -1 when there is no
 * pidfd) to exit. */
static bool wait_exit(pid_t pid, int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int64_t end = mono_ms() + ms;
	int rc;

	for (;;) {
		int64_t left = end - mono_ms();

		if (pidfd < 0) {
			if (!pid_matches(pid, NULL))
				return true;
			if (left <= 0)
				return false;
			poll(NULL, 0, SVC_TICK_MS);
			continue;
		}
		rc = poll(&p, 1, left > 0 ? (int)left : 0);
		if (rc > 0)
			return true;
		if (rc == 0 || (rc < 0 && errno != EINTR))
			return false;
	}
}

/* SIGTERM the process named by pid_file (its group if it leads one),
 * SIGKILL after the timeout.  For processes that are not our children. */
static void stop_by_pid_file(const struct mgmtd_service *s, const char *file,
			     const char *what)
{
	pid_t pid = read_pid_file(file);
	int pidfd;
	pid_t target;

	if (pid <= 0 || !pid_matches(pid, s->match))
		return;
	pidfd = pidfd_open(pid, 0); /* may fail: then wait_exit looks */
	target = getpgid(pid) == pid ? -pid : pid;
	kill(target, SIGTERM);
	if (!wait_exit(pid, pidfd, (int)s->stop_timeout_ms)) {
		kill(target, SIGKILL);
		wait_exit(pid, pidfd, 2000);
	}
	if (pidfd >= 0)
		close(pidfd);
	svc_event(s, MGMTD_SEV_INFO, "stopped %s (pid %d, from %s)", what,
		  (int)pid, file);
}

static void stop_helpers(const struct mgmtd_service *s)
{
	for (char **h = s->helpers; h && *h; h++)
		stop_by_pid_file(s, *h, "helper");
}

/* ------------------------------------------------------------------ */
/* Our daemon */

static int spawn(struct mgmtd_service *s)
{
	char *const envp[] = { SVC_ENV_PATH, "LANG=C", "LC_ALL=C", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	pid_t pid;
	int rc;

	/* posix_spawn reports a missing program only where it can (not
	 * under valgrind, which turns its vfork into a fork). */
	if (access(s->argv[0], X_OK) < 0) {
		rc = errno;
		svc_event(s, MGMTD_SEV_ERR, "cannot start %s: %s", s->argv[0],
			  strerror(rc));
		return -rc;
	}
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	/* Its own session (signals to the group reach its children, not
	 * ours), every signal at its default and none blocked: mgmtd blocks
	 * the ones it takes through a signalfd. */
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID |
					      POSIX_SPAWN_SETSIGMASK |
					      POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1,
					 s->log_file ? s->log_file : "/dev/null",
					 O_WRONLY | O_CREAT | O_APPEND, 0640);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	rc = posix_spawn(&pid, s->argv[0], &fa, &at, s->argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc != 0) {
		svc_event(s, MGMTD_SEV_ERR, "cannot start %s: %s", s->argv[0],
			  strerror(rc));
		return -rc;
	}
	/* Cannot fail for a child not yet reaped, unless pidfds are
	 * missing: then the supervisor looks every SVC_TICK_MS. */
	s->pidfd = pidfd_open(pid, 0);
	s->pid = pid;
	s->state = MGMTD_SVC_RUNNING;
	s->term_sent = false;
	s->started_ms = mono_ms();
	s->started_real = core_realtime();
	return 0;
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

static void describe_exit(int code, char *buf, size_t len)
{
	if (code > 128)
		snprintf(buf, len, "killed by signal %d", code - 128);
	else
		snprintf(buf, len, "exited with status %d", code);
}

/* An unasked exit: schedule the restart, doubling the delay while the
 * daemon keeps dying young, and tell whether it flaps. */
static void schedule_restart(struct mgmtd_service *s, int64_t now)
{
	char how[64];
	bool young = now - s->started_ms < (int64_t)s->stable_ms;

	describe_exit(s->last_exit, how, sizeof(how));
	if (!young || s->delay_ms == 0)
		s->delay_ms = s->backoff_min_ms;
	else if (s->delay_ms < s->backoff_max_ms)
		s->delay_ms = s->delay_ms * 2 > s->backoff_max_ms
				      ? s->backoff_max_ms
				      : s->delay_ms * 2;
	memmove(&s->exits[1], &s->exits[0],
		(SVC_FLAP_EXITS - 1) * sizeof(s->exits[0]));
	s->exits[0] = now;
	if (s->n_exits < SVC_FLAP_EXITS)
		s->n_exits++;
	bool flapping = s->n_exits == SVC_FLAP_EXITS &&
			now - s->exits[SVC_FLAP_EXITS - 1] < SVC_FLAP_WINDOW_MS;
	svc_event(s, MGMTD_SEV_ERR, "%s unexpectedly (pid %d); restarting in "
		  "%u ms", how, (int)s->pid, s->delay_ms);
	if (flapping && !s->flapping)
		svc_event(s, MGMTD_SEV_CRIT, "flapping: %d exits within %d s",
			  SVC_FLAP_EXITS, SVC_FLAP_WINDOW_MS / 1000);
	s->flapping = flapping;
	s->state = MGMTD_SVC_BACKOFF;
	s->restart_at_ms = now + s->delay_ms;
}

static void reap(struct mgmtd_service *s)
{
	int status;
	pid_t r = waitpid(s->pid, &status, WNOHANG);

	if (r == 0 || (r < 0 && errno == EINTR))
		return;
	s->last_exit = r > 0 ? exit_code(status) : -1;
	if (s->pidfd >= 0)
		close(s->pidfd);
	s->pidfd = -1;
	if (s->want_run) {
		schedule_restart(s, mono_ms());
	} else {
		s->state = MGMTD_SVC_STOPPED;
		s->helpers_pending = s->helpers != NULL;
		svc_event(s, MGMTD_SEV_INFO, "stopped (pid %d)", (int)s->pid);
	}
	s->pid = 0;
}

/* Run fn without the lock: it blocks (stopping processes by pid file)
 * and reads only what never changes after mgmtd_service_new. */
static void unlocked(struct mgmtd_service *s,
		     void (*fn)(const struct mgmtd_service *s))
{
	pthread_mutex_unlock(&s->lock);
	fn(s);
	pthread_mutex_lock(&s->lock);
}

static void stop_leftover(const struct mgmtd_service *s)
{
	if (s->pid_file)
		stop_by_pid_file(s, s->pid_file, "a leftover instance");
}

void svc_stop_leftover_except(const struct mgmtd_service *s, int keep)
{
	pid_t pid = read_pid_file(s->pid_file);

	if (pid > 0 && pid != keep)
		stop_leftover(s);
}

/* Spawn, as asked or after a back-off. */
static void start_now(struct mgmtd_service *s, int64_t now)
{
	bool restart = s->state == MGMTD_SVC_BACKOFF;

	s->start_rc = spawn(s);
	if (s->start_rc == 0 && restart) {
		s->restarts++;
		svc_event(s, MGMTD_SEV_NOTICE, "restarted (pid %d)",
			  (int)s->pid);
	} else if (s->start_rc == 0) {
		svc_event(s, MGMTD_SEV_INFO, "started (pid %d)", (int)s->pid);
	} else {
		/* Try again later, like after a crash. */
		s->delay_ms = !s->delay_ms ? s->backoff_min_ms
			    : s->delay_ms * 2 > s->backoff_max_ms
				    ? s->backoff_max_ms
				    : s->delay_ms * 2;
		s->state = MGMTD_SVC_BACKOFF;
		s->restart_at_ms = now + s->delay_ms;
	}
}

/* Move towards what is wanted; returns the poll timeout (-1: none). */
static int step(struct mgmtd_service *s)
{
	int64_t now = mono_ms();

	if (s->pid > 0 && !s->want_run) {
		if (!s->term_sent) {
			kill(-s->pid, SIGTERM);
			s->term_sent = true;
			s->kill_at_ms = now + s->stop_timeout_ms;
		} else if (now >= s->kill_at_ms) {
			kill(-s->pid, SIGKILL);
			s->kill_at_ms = INT64_MAX;
		}
	}
	if (s->helpers_pending) {
		unlocked(s, stop_helpers);
		s->helpers_pending = false;
		return 0; /* look again: wishes may have changed */
	}
	if (s->state == MGMTD_SVC_BACKOFF && !s->want_run)
		s->state = MGMTD_SVC_STOPPED;
	if (s->pid <= 0 && s->want_run &&
	    (s->state != MGMTD_SVC_BACKOFF || now >= s->restart_at_ms)) {
		unsigned req = s->req;

		unlocked(s, stop_leftover);
		if (req != s->req || !s->want_run)
			return 0;
		start_now(s, mono_ms());
	}
	/* Requests are done once the state matches them. */
	if (s->done != s->req &&
	    (s->want_run ? s->pid > 0 || s->start_rc < 0 : s->pid <= 0)) {
		s->done = s->req;
		pthread_cond_broadcast(&s->cond);
	}
	if (s->state == MGMTD_SVC_BACKOFF && s->want_run)
		return (int)(s->restart_at_ms > now ? s->restart_at_ms - now : 0);
	if (s->pid > 0 && s->term_sent && s->kill_at_ms != INT64_MAX)
		return (int)(s->kill_at_ms > now ? s->kill_at_ms - now : 0);
	return -1;
}

static void *supervise(void *arg)
{
	struct mgmtd_service *s = arg;

	pthread_mutex_lock(&s->lock);
	while (!s->quit || s->pid > 0 || s->helpers_pending) {
		int timeout = step(s);
		/* After step: it may have started the daemon. */
		struct pollfd p[2] = {
			{ .fd = s->wake_fd, .events = POLLIN },
			{ .fd = s->pidfd, .events = POLLIN },
		};
		bool look = s->pid > 0 && s->pidfd < 0;
		uint64_t v;

		if (s->quit && s->pid <= 0 && !s->helpers_pending)
			break;
		if (look && (timeout < 0 || timeout > SVC_TICK_MS))
			timeout = SVC_TICK_MS;
		pthread_mutex_unlock(&s->lock);
		poll(p, s->pidfd >= 0 ? 2 : 1, timeout);
		if (p[0].revents & POLLIN)
			(void)!read(s->wake_fd, &v, sizeof(v));
		pthread_mutex_lock(&s->lock);
		if (s->pid > 0 &&
		    (look || (p[1].revents & (POLLIN | POLLHUP))))
			reap(s);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Ask for want_run and wait until the thread has done it. */
static int request(struct mgmtd_service *s, bool want_run)
{
	uint64_t one = 1;
	unsigned my;
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	s->want_run = want_run;
	s->start_rc = 0;
	if (want_run && s->state == MGMTD_SVC_BACKOFF)
		s->restart_at_ms = 0; /* an explicit start ends the wait */
	if (want_run && s->pid <= 0)
		s->delay_ms = 0;
	my = ++s->req;
	(void)!write(s->wake_fd, &one, sizeof(one));
	while ((int)(s->done - my) < 0)
		pthread_cond_wait(&s->cond, &s->lock);
	/* A daemon that dies right after it started did start: what
	 * follows is the supervisor's business. */
	if (want_run)
		rc = s->start_rc;
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int mgmtd_service_start(struct mgmtd_service *s)
{
	return s->sd ? svc_sd_start(s->sd) : request(s, true);
}

int mgmtd_service_stop(struct mgmtd_service *s)
{
	return s->sd ? svc_sd_stop(s->sd) : request(s, false);
}

int mgmtd_service_restart(struct mgmtd_service *s)
{
	if (s->sd)
		return svc_sd_restart(s->sd);
	int rc = request(s, false);

	return rc < 0 ? rc : request(s, true);
}

int mgmtd_service_signal(struct mgmtd_service *s, int sig)
{
	int rc = 0;

	if (s->sd)
		return svc_sd_signal(s->sd, sig);
	pthread_mutex_lock(&s->lock);
	/* Through the pidfd: the pid cannot have been reused meanwhile
	 * (nor without one: the child is not reaped before the lock). */
	if (s->pid <= 0)
		rc = -ESRCH;
	else if (s->pidfd >= 0 ? pidfd_send_signal(s->pidfd, sig, NULL, 0) < 0
			       : kill(s->pid, sig) < 0)
		rc = -errno;
	pthread_mutex_unlock(&s->lock);
	return rc;
}

void mgmtd_service_status(struct mgmtd_service *s,
			  struct mgmtd_service_status *st)
{
	if (s->sd) {
		svc_sd_status(s->sd, st);
		return;
	}
	pthread_mutex_lock(&s->lock);
	*st = (struct mgmtd_service_status){
		.state = s->state,
		.pid = s->pid > 0 ? (int)s->pid : 0,
		.started = s->pid > 0 ? s->started_real : 0,
		.restarts = s->restarts,
		.last_exit = s->last_exit,
	};
	pthread_mutex_unlock(&s->lock);
}

/* ------------------------------------------------------------------ */
/* Life cycle */

static char **copy_strv(const char *const *v)
{
	size_t n = 0;
	char **out;

	while (v && v[n])
		n++;
	if (!(out = calloc(n + 1, sizeof(*out))))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!(out[i] = strdup(v[i]))) {
			for (size_t j = 0; j < i; j++)
				free(out[j]);
			free(out);
			return NULL;
		}
	return out;
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static void svc_free_fields(struct mgmtd_service *s)
{
	free(s->name);
	free_strv(s->argv);
	free(s->log_file);
	free(s->pid_file);
	free_strv(s->helpers);
	free(s->match);
	if (s->wake_fd >= 0)
		close(s->wake_fd);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	free(s);
}

static char *dup_opt(const char *v, bool *bad)
{
	char *d = v ? strdup(v) : NULL;

	if (v && !d)
		*bad = true;
	return d;
}

/* ------------------------------------------------------------------ */
/* The registry: every plugin's services, for the system plugin */

static int registry_add(struct mgmtd_service *s)
{
	struct mgmtd_service **end;
	int rc = 0;

	if (!s->core)
		return 0;
	pthread_mutex_lock(&s->core->services_lock);
	for (end = &s->core->services; *end; end = &(*end)->next)
		if (strcmp((*end)->name, s->name) == 0)
			rc = -EEXIST;
	if (rc == 0)
		*end = s;
	pthread_mutex_unlock(&s->core->services_lock);
	return rc;
}

static void registry_remove(struct mgmtd_service *s)
{
	if (!s->core)
		return;
	pthread_mutex_lock(&s->core->services_lock);
	for (struct mgmtd_service **p = &s->core->services; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	pthread_mutex_unlock(&s->core->services_lock);
}

size_t mgmtd_services_foreach(const struct mgmtd_ctx *ctx,
			      void (*fn)(void *arg, const char *plugin,
					 const char *name,
					 const struct mgmtd_service_status *st),
			      void *arg)
{
	struct mgmtd_service_status st;
	size_t n = 0;

	if (!ctx || !ctx->core)
		return 0;
	pthread_mutex_lock(&ctx->core->services_lock);
	for (struct mgmtd_service *s = ctx->core->services; s; s = s->next) {
		mgmtd_service_status(s, &st);
		fn(arg, s->ctx ? mgmtd_ctx_name(s->ctx) : "", s->name, &st);
		n++;
	}
	pthread_mutex_unlock(&ctx->core->services_lock);
	return n;
}

int mgmtd_services_control(const struct mgmtd_ctx *ctx, const char *name,
			   const char *what)
{
	struct mgmtd_service *s;
	int rc = -ENOENT;

	if (!ctx || !ctx->core)
		return -ENOENT;
	/* Held throughout, so that the owner cannot free it meanwhile. */
	pthread_mutex_lock(&ctx->core->services_lock);
	for (s = ctx->core->services; s && strcmp(s->name, name) != 0;
	     s = s->next)
		;
	if (s && strcmp(what, "start") == 0)
		rc = mgmtd_service_start(s);
	else if (s && strcmp(what, "stop") == 0)
		rc = mgmtd_service_stop(s);
	else if (s && strcmp(what, "restart") == 0)
		rc = mgmtd_service_restart(s);
	else if (s)
		rc = -EINVAL;
	pthread_mutex_unlock(&ctx->core->services_lock);
	return rc;
}

/* Hand the service to systemd (mgmtd/service_systemd.c). */
static int systemd_branch(struct mgmtd_service *s)
{
	unsigned restart_ms = s->backoff_min_ms;
	struct svc_sd_unit u;

	if (restart_ms < SVC_SD_MIN_RESTART_MS)
		restart_ms = SVC_SD_MIN_RESTART_MS;
	u = (struct svc_sd_unit){
		.name = s->name,
		.plugin = s->ctx ? mgmtd_ctx_name(s->ctx) : NULL,
		.argv = (const char *const *)s->argv,
		.log_file = s->log_file,
		.pid_file = s->pid_file,
		.restart_ms = restart_ms,
		.stop_timeout_ms = s->stop_timeout_ms,
	};
	return svc_sd_new(s, s->ctx, &u, &s->sd);
}

int mgmtd_service_new(struct mgmtd_ctx *ctx,
		      const struct mgmtd_service_spec *spec,
		      struct mgmtd_service **out)
{
	struct mgmtd_service *s;
	bool bad = false;
	int rc;

	*out = NULL;
	if (!spec->name || !spec->argv || !spec->argv[0] ||
	    spec->argv[0][0] != '/')
		return -EINVAL;
	if (!(s = calloc(1, sizeof(*s))))
		return -ENOMEM;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->ctx = ctx;
	s->core = ctx ? ctx->core : NULL;
	s->pidfd = -1;
	s->last_exit = -1;
	s->state = MGMTD_SVC_STOPPED;
	s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->name = dup_opt(spec->name, &bad);
	s->argv = copy_strv(spec->argv);
	s->log_file = dup_opt(spec->log_file, &bad);
	s->pid_file = dup_opt(spec->pid_file, &bad);
	s->match = dup_opt(spec->match, &bad);
	s->helpers = spec->helper_pid_files ? copy_strv(spec->helper_pid_files)
					    : NULL;
	if (bad || !s->argv || (spec->helper_pid_files && !s->helpers)) {
		svc_free_fields(s);
		return -ENOMEM;
	}
	if (s->wake_fd < 0) {
		rc = -errno;
		svc_free_fields(s);
		return rc;
	}
	if ((rc = registry_add(s)) < 0) {
		svc_free_fields(s);
		return rc;
	}
	s->stop_timeout_ms = spec->stop_timeout_ms ? spec->stop_timeout_ms
						   : SVC_STOP_TIMEOUT_MS;
	s->backoff_min_ms = spec->backoff_min_ms ? spec->backoff_min_ms
						 : SVC_BACKOFF_MIN_MS;
	s->backoff_max_ms = spec->backoff_max_ms ? spec->backoff_max_ms
						 : SVC_BACKOFF_MAX_MS;
	if (s->backoff_max_ms < s->backoff_min_ms)
		s->backoff_max_ms = s->backoff_min_ms;
	s->stable_ms = spec->stable_ms ? spec->stable_ms : SVC_STABLE_MS;
	if (svc_manager_choose(s->core) == SVC_MGR_SYSTEMD) {
		if ((rc = systemd_branch(s)) < 0) {
			registry_remove(s);
			svc_free_fields(s);
			return rc;
		}
		*out = s;
		return 0;
	}
	if ((rc = pthread_create(&s->thread, NULL, supervise, s)) != 0) {
		registry_remove(s);
		svc_free_fields(s);
		return -rc;
	}
	s->thread_started = true;
	*out = s;
	return 0;
}

void mgmtd_service_free(struct mgmtd_service *s)
{
	uint64_t one = 1;

	if (!s)
		return;
	registry_remove(s);
	if (s->sd) {
		svc_sd_free(s->sd);
		svc_free_fields(s);
		return;
	}
	mgmtd_service_stop(s);
	pthread_mutex_lock(&s->lock);
	s->quit = true;
	(void)!write(s->wake_fd, &one, sizeof(one));
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	if (s->pidfd >= 0)
		close(s->pidfd);
	svc_free_fields(s);
}
