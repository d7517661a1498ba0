/* Running external tools: argv only, a clean environment, captured output,
 * a timeout.  The daemon is multi-threaded, so the child does nothing but
 * async-signal-safe system calls between fork() and execve().
 *
 * Nothing here logs: argv may name secrets (they belong on stdin_data, but a
 * careless caller should not make it worse), and the caller decides what
 * the operator sees. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mgmtd/plugin.h"

#define EXEC_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define EXEC_TIMEOUT_MS 30000u
#define EXEC_OUTPUT_CAP (1024u * 1024u)
/* Grace between SIGTERM and SIGKILL of a tool that ran out of time. */
#define EXEC_TERM_GRACE_MS 2000
/* Once the child has closed its output, how long to sleep at most between
 * looks at whether it has exited (it usually has, or is about to). */
#define EXEC_REAP_TICK_MAX_MS 64
#define EXEC_READ_CHUNK 65536

/* The daemon's own environment is not passed on: tools must behave the same
 * whatever the daemon was started with, and print untranslated messages. */
static const char *const exec_base_env[] = {
	"PATH=" EXEC_PATH,
	"LANG=C",
	"LC_ALL=C",
};

enum exec_phase {
	EXEC_RUNNING,
	EXEC_TERMINATING, /* SIGTERM sent to the process group */
	EXEC_KILLING,     /* SIGKILL sent; only waiting for the child now */
};

struct exec_stream {
	int fd; /* parent's read end; -1 at EOF */
	char *buf;
	size_t len, alloc, cap;
	bool truncated;
};

struct exec_run {
	pid_t pid;
	int reap_tick_ms; /* grows while a child without output lingers */
	int in_fd; /* parent's write end; -1 when all is written */
	const char *in_data;
	size_t in_len, in_off;
	bool in_epipe;
	struct exec_stream out, err;
	enum exec_phase phase;
	int64_t deadline_ms;
	bool timed_out;
	bool reaped;
	int status;
};

static int64_t exec_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void exec_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ------------------------------------------------------------------ */
/* Before the fork: path and environment                               */

static bool exec_is_runnable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0;
}

/* Find name in EXEC_PATH, not in the daemon's PATH, which nobody vetted.
 * *path is owned by the caller. */
static int exec_resolve(const char *name, char **path)
{
	const char *dir = EXEC_PATH;
	char buf[PATH_MAX];

	if (strchr(name, '/')) {
		*path = strdup(name);
		return *path ? 0 : -ENOMEM;
	}
	if (!*name)
		return -ENOENT;
	while (*dir) {
		size_t dlen = strcspn(dir, ":");
		int n = snprintf(buf, sizeof(buf), "%.*s/%s", (int)dlen, dir,
				 name);

		if (n < 0 || (size_t)n >= sizeof(buf))
			return -ENAMETOOLONG;
		if (exec_is_runnable(buf)) {
			*path = strdup(buf);
			return *path ? 0 : -ENOMEM;
		}
		dir += dlen + (dir[dlen] == ':');
	}
	return -ENOENT;
}

static bool exec_env_has(const char *const *env, const char *entry)
{
	size_t name_len = strcspn(entry, "=") + 1;

	for (; env && *env; env++)
		if (strncmp(*env, entry, name_len) == 0)
			return true;
	return false;
}

/* The child's environment: the base, where extra does not override it, then
 * extra.  The array is owned by the caller, the strings are borrowed. */
static int exec_build_env(const char *const *extra, const char ***envp)
{
	size_t n_base = sizeof(exec_base_env) / sizeof(exec_base_env[0]);
	size_t n_extra = 0, n = 0;
	const char **env;

	for (; extra && extra[n_extra]; n_extra++) {
		const char *eq = strchr(extra[n_extra], '=');

		if (!eq || eq == extra[n_extra])
			return -EINVAL;
	}
	env = calloc(n_base + n_extra + 1, sizeof(*env));
	if (!env)
		return -ENOMEM;
	for (size_t i = 0; i < n_base; i++)
		if (!exec_env_has(extra, exec_base_env[i]))
			env[n++] = exec_base_env[i];
	for (size_t i = 0; i < n_extra; i++)
		env[n++] = extra[i];
	*envp = env;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The child                                                            */

/* Mark every descriptor above stderr close-on-exec rather than closing it:
 * errfd must stay usable until execve() succeeds. */
static void exec_child_cloexec_all(int errfd)
{
	struct rlimit rl;

#ifdef CLOSE_RANGE_CLOEXEC
	if (close_range(3, ~0u, CLOSE_RANGE_CLOEXEC) == 0)
		return;
#endif
	/* Older kernels: walk the table, which is slow but correct. */
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		rl.rlim_cur = 65536;
	for (rlim_t fd = 3; fd < rl.rlim_cur; fd++)
		if ((int)fd != errfd)
			close((int)fd);
}

/* A source of the child's stdio that is itself below 3 (when the daemon
 * runs with stdio closed, pipes land there) is first copied out of the way,
 * so that the dup2() calls cannot clobber each other. */
static int exec_child_dup_high(int fd)
{
	return fd < 3 ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : fd;
}

static _Noreturn void exec_child(const char *path, char *const argv[],
				 char *const envp[], const int stdio[3],
				 int errfd)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int high[3], e;
	sigset_t none;

	/* Handlers and ignored signals are the daemon's, not the tool's
	 * (an ignored SIGPIPE would survive execve()).  The parent blocked
	 * every signal around fork(), so no handler can run before this. */
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Its own process group, so that a timeout kills what it forked. */
	if (setpgid(0, 0) != 0)
		goto fail;
	for (int i = 0; i < 3; i++)
		if ((high[i] = exec_child_dup_high(stdio[i])) < 0)
			goto fail;
	for (int i = 0; i < 3; i++)
		if (dup2(high[i], i) < 0)
			goto fail;
	exec_child_cloexec_all(errfd);
	execve(path, argv, envp);
fail:
	e = errno;
	/* The parent reads this errno; nothing else can be reported. */
	(void)!write(errfd, &e, sizeof(e));
	_exit(127);
}

/* ------------------------------------------------------------------ */
/* The parent: spawn, feed, drain, time out, reap                      */

static int exec_pipe(int fds[2])
{
	return pipe2(fds, O_CLOEXEC) == 0 ? 0 : -errno;
}

static int exec_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

static void exec_reap_blocking(pid_t pid)
{
	siginfo_t info;

	while (waitid(P_PID, pid, &info, WEXITED) < 0 && errno == EINTR)
		;
}

/* Read the child's report: nothing (EOF) once execve() succeeded. */
static int exec_spawn_result(int errfd, pid_t pid)
{
	ssize_t n;
	int e = 0;

	do
		n = read(errfd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	exec_reap_blocking(pid);
	if (n != (ssize_t)sizeof(e) || e <= 0)
		return -EIO;
	return -e;
}

/* Fork and exec path; stdio are the child's ends, closed here. */
static int exec_spawn(struct exec_run *r, const char *path,
		      const char *const *argv, const char **envp, int stdio[3])
{
	int errp[2] = { -1, -1 };
	sigset_t all, old;
	int rc;

	rc = exec_pipe(errp);
	if (rc < 0)
		goto out;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r->pid = fork();
	if (r->pid == 0)
		exec_child(path, (char *const *)argv, (char *const *)envp,
			   stdio, errp[1]);
	rc = r->pid < 0 ? -errno : 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc < 0)
		goto out;
	/* Also from here, so that a timeout cannot signal a group that the
	 * child has not created yet.  It fails harmlessly after execve(). */
	setpgid(r->pid, r->pid);
	exec_close(&errp[1]);
	rc = exec_spawn_result(errp[0], r->pid);
	if (rc < 0)
		r->pid = -1; /* already reaped */
out:
	exec_close(&errp[0]);
	exec_close(&errp[1]);
	for (int i = 0; i < 3; i++)
		exec_close(&stdio[i]);
	return rc;
}

/* Whether the child has exited; reaps it.  A timed-out child's group gets
 * SIGKILL while the child is still a zombie: its pid, hence the group id,
 * cannot have been reused yet. */
static void exec_try_reap(struct exec_run *r)
{
	siginfo_t info = { .si_pid = 0 };

	if (r->reaped)
		return;
	if (waitid(P_PID, r->pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0) {
		/* ECHILD: somebody else reaped it (SIGCHLD ignored). */
		if (errno != EINTR) {
			r->reaped = true;
			r->status = -1;
		}
		return;
	}
	if (info.si_pid == 0)
		return;
	if (r->timed_out)
		kill(-r->pid, SIGKILL);
	exec_reap_blocking(r->pid);
	r->reaped = true;
	r->status = info.si_code == CLD_EXITED ? info.si_status
					       : 128 + info.si_status;
}

/* Write what the pipe takes now.  A child that stops reading (EPIPE) just
 * does not get the rest; SIGPIPE is blocked by the caller. */
static void exec_feed(struct exec_run *r)
{
	while (r->in_off < r->in_len) {
		ssize_t n = write(r->in_fd, r->in_data + r->in_off,
				  r->in_len - r->in_off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			r->in_epipe = errno == EPIPE;
			break;
		}
		r->in_off += (size_t)n;
	}
	exec_close(&r->in_fd);
}

/* Make room for the next read below the cap; *room is 0 once it is full.
 * The buffer grows by doubling, never beyond the cap (plus the NUL). */
static int exec_stream_room(struct exec_stream *s, size_t *room)
{
	size_t want, alloc;
	char *buf;

	*room = 0;
	if (s->len >= s->cap)
		return 0;
	want = s->cap - s->len < EXEC_READ_CHUNK ? s->cap
						 : s->len + EXEC_READ_CHUNK;
	if (want + 1 > s->alloc) {
		alloc = s->alloc ? s->alloc : EXEC_READ_CHUNK;
		while (alloc < want + 1)
			alloc *= 2;
		if (alloc > s->cap + 1)
			alloc = s->cap + 1;
		buf = realloc(s->buf, alloc);
		if (!buf)
			return -ENOMEM;
		s->buf = buf;
		s->alloc = alloc;
	}
	*room = s->alloc - 1 - s->len;
	return 0;
}

/* One read per wakeup, so that a chatty tool cannot starve the timeout.
 * Beyond the cap, keep reading and drop it: a tool blocked on a full pipe
 * would never exit. */
static int exec_drain(struct exec_stream *s)
{
	char junk[4096];
	size_t room;
	ssize_t n;
	int rc;

	rc = exec_stream_room(s, &room);
	if (rc < 0)
		return rc;
	do
		n = room ? read(s->fd, s->buf + s->len, room)
			 : read(s->fd, junk, sizeof(junk));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0) {
		exec_close(&s->fd);
		return 0;
	}
	if (room)
		s->len += (size_t)n;
	else
		s->truncated = true;
	return 0;
}

/* Out of time: ask the whole group to stop, then force it. */
static void exec_escalate(struct exec_run *r)
{
	if (r->phase == EXEC_RUNNING) {
		r->timed_out = true;
		kill(-r->pid, SIGTERM);
		r->phase = EXEC_TERMINATING;
		r->deadline_ms = exec_now_ms() + EXEC_TERM_GRACE_MS;
	} else {
		kill(-r->pid, SIGKILL);
		r->phase = EXEC_KILLING;
		r->deadline_ms = INT64_MAX;
	}
}

/* Done when the child is reaped and its output has ended.  Once it has
 * been killed, whatever still holds the pipes (something that left the
 * group) is not waited for. */
static bool exec_done(const struct exec_run *r)
{
	if (!r->reaped)
		return false;
	return r->phase == EXEC_KILLING || (r->out.fd < 0 && r->err.fd < 0);
}

/* Until the deadline, or while the pipes are open, until they have news:
 * their end is what the child's exit normally looks like.  Once both are
 * closed, or the child was killed while something outside its group may
 * hold them, nothing wakes us when it exits (no pidfd: that needs Linux
 * 5.3, and valgrind does not know it), so look again after a short,
 * growing tick. */
static int exec_poll_timeout(struct exec_run *r)
{
	int64_t left = r->deadline_ms - exec_now_ms();
	bool pipes_closed = r->out.fd < 0 && r->err.fd < 0;

	if (left < 0)
		left = 0;
	if (left > INT_MAX)
		left = INT_MAX;
	if (!r->reaped && (pipes_closed || r->phase == EXEC_KILLING)) {
		if (left > r->reap_tick_ms)
			left = r->reap_tick_ms;
		if (r->reap_tick_ms < EXEC_REAP_TICK_MAX_MS)
			r->reap_tick_ms *= 2;
	}
	return (int)left;
}

/* Feed stdin and drain stdout and stderr together (a tool may block on
 * either side), until the child is reaped and its output has ended. */
static int exec_wait(struct exec_run *r)
{
	for (;;) {
		struct pollfd pfd[3];
		int n, rc = 0;

		exec_try_reap(r);
		if (exec_done(r))
			return 0;
		if (exec_now_ms() >= r->deadline_ms) {
			exec_escalate(r);
			continue;
		}
		pfd[0] = (struct pollfd){ .fd = r->in_fd, .events = POLLOUT };
		pfd[1] = (struct pollfd){ .fd = r->out.fd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = r->err.fd, .events = POLLIN };
		n = poll(pfd, 3, exec_poll_timeout(r));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (pfd[0].revents)
			exec_feed(r);
		if (pfd[1].revents)
			rc = exec_drain(&r->out);
		if (pfd[2].revents && rc == 0)
			rc = exec_drain(&r->err);
		if (rc < 0)
			return rc;
	}
}

/* exec_wait with SIGPIPE blocked, so that a child closing its stdin early
 * gives EPIPE instead of killing the daemon.  The SIGPIPE that write()
 * then raised is consumed before the mask is restored. */
static int exec_wait_nosigpipe(struct exec_run *r)
{
	const struct timespec zero = { 0 };
	sigset_t pipe_set, old;
	int rc;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	rc = exec_wait(r);
	if (r->in_epipe && !sigismember(&old, SIGPIPE))
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 &&
		       errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* The pipes; stdio receives the child's ends. */
static int exec_open_stdio(struct exec_run *r,
			   const struct mgmtd_exec_opts *opts, int stdio[3])
{
	int p[2], rc;

	if (opts->stdin_data) {
		rc = exec_pipe(p);
		if (rc < 0)
			return rc;
		stdio[0] = p[0];
		r->in_fd = p[1];
		r->in_data = opts->stdin_data;
		r->in_len = strlen(opts->stdin_data);
		rc = exec_set_nonblock(r->in_fd);
		if (rc < 0)
			return rc;
	} else {
		stdio[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (stdio[0] < 0)
			return -errno;
	}
	for (int i = 1; i < 3; i++) {
		struct exec_stream *s = i == 1 ? &r->out : &r->err;

		rc = exec_pipe(p);
		if (rc < 0)
			return rc;
		stdio[i] = p[1];
		s->fd = p[0];
		s->cap = opts->output_cap ? opts->output_cap : EXEC_OUTPUT_CAP;
		/* Room for the NUL and for doubling, whatever was asked. */
		if (s->cap > SIZE_MAX / 4)
			s->cap = SIZE_MAX / 4;
		rc = exec_set_nonblock(s->fd);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Hand a stream's buffer over as a NUL-terminated string. */
static int exec_stream_take(struct exec_stream *s, char **buf, size_t *len,
			    bool *truncated)
{
	if (!s->buf) {
		s->buf = malloc(1);
		if (!s->buf)
			return -ENOMEM;
	}
	s->buf[s->len] = '\0';
	*buf = s->buf;
	*len = s->len;
	*truncated = s->truncated;
	s->buf = NULL;
	return 0;
}

static int exec_fill_result(struct exec_run *r, struct mgmtd_exec_result *res)
{
	int rc;

	rc = exec_stream_take(&r->out, &res->out, &res->out_len,
			      &res->out_truncated);
	if (rc == 0)
		rc = exec_stream_take(&r->err, &res->err, &res->err_len,
				      &res->err_truncated);
	if (rc < 0) {
		mgmtd_exec_result_fini(res);
		return rc;
	}
	res->status = r->status;
	res->timed_out = r->timed_out;
	return 0;
}

/* After an internal failure (no memory, poll broken): no orphan, no zombie. */
static void exec_abandon(struct exec_run *r)
{
	if (r->pid <= 0 || r->reaped)
		return;
	kill(-r->pid, SIGKILL);
	exec_reap_blocking(r->pid);
}

static void exec_run_fini(struct exec_run *r)
{
	exec_close(&r->in_fd);
	exec_close(&r->out.fd);
	exec_close(&r->err.fd);
	free(r->out.buf);
	free(r->err.buf);
}

int mgmtd_exec(const char *const *argv, const struct mgmtd_exec_opts *opts,
	       struct mgmtd_exec_result *res)
{
	static const struct mgmtd_exec_opts defaults = { .timeout_ms = 0 };
	struct exec_run r = {
		.pid = -1, .reap_tick_ms = 1, .in_fd = -1,
		.out.fd = -1, .err.fd = -1, .status = -1,
	};
	int stdio[3] = { -1, -1, -1 };
	const char **envp = NULL;
	char *path = NULL;
	int rc;

	if (!argv || !argv[0] || !res)
		return -EINVAL;
	/* Zeroed even on failure, so that a _fini by the caller is harmless. */
	*res = (struct mgmtd_exec_result){ .status = -1 };
	if (!opts)
		opts = &defaults;
	rc = exec_resolve(argv[0], &path);
	if (rc == 0)
		rc = exec_build_env(opts->env, &envp);
	if (rc == 0)
		rc = exec_open_stdio(&r, opts, stdio);
	if (rc == 0)
		rc = exec_spawn(&r, path, argv, envp, stdio);
	if (rc < 0)
		goto out;
	r.deadline_ms = exec_now_ms() +
			(opts->timeout_ms ? opts->timeout_ms : EXEC_TIMEOUT_MS);
	rc = exec_wait_nosigpipe(&r);
	if (rc < 0)
		exec_abandon(&r);
	else
		rc = exec_fill_result(&r, res);
out:
	for (int i = 0; i < 3; i++)
		exec_close(&stdio[i]);
	exec_run_fini(&r);
	free(envp);
	free(path);
	return rc;
}

void mgmtd_exec_result_fini(struct mgmtd_exec_result *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
	res->out_len = res->err_len = 0;
}

/* ------------------------------------------------------------------ */
/* mgmtd_exec_check                                                     */

static bool exec_is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* The first line of buf that is not blank, without its line end; NULL if
 * there is none. */
static const char *exec_first_line(const char *buf, size_t len,
				   size_t *line_len)
{
	const char *end = buf + len;

	while (buf && buf < end) {
		const char *nl = memchr(buf, '\n', (size_t)(end - buf));
		size_t n = (size_t)((nl ? nl : end) - buf);

		if (!exec_is_blank(buf, n)) {
			/* Ends at the non-blank character the line has. */
			while (exec_is_blank(buf + n - 1, 1))
				n--;
			*line_len = n;
			return buf;
		}
		buf += n + 1;
	}
	return NULL;
}

/* Control characters would garble a log line or a JSON answer. */
static void exec_sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

static int exec_report(const struct mgmtd_exec_result *res, const char *tool,
		       unsigned timeout_ms, struct mgmtd_err *err,
		       const char *path)
{
	char msg[MGMTD_ERR_MSG_LEN];
	const char *line;
	size_t len = 0;

	if (res->timed_out)
		return mgmtd_err_add(err, MGMTD_E_FAILED, path,
				     "%s timed out after %u ms", tool,
				     timeout_ms);
	line = exec_first_line(res->err, res->err_len, &len);
	if (!line)
		line = exec_first_line(res->out, res->out_len, &len);
	if (!line)
		return mgmtd_err_add(err, MGMTD_E_FAILED, path,
				     "%s failed (exit %d)", tool, res->status);
	if (len >= sizeof(msg))
		len = sizeof(msg) - 1;
	memcpy(msg, line, len);
	msg[len] = '\0';
	exec_sanitize(msg);
	return mgmtd_err_add(err, MGMTD_E_FAILED, path,
			     "%s failed (exit %d): %s", tool, res->status, msg);
}

int mgmtd_exec_check(const char *const *argv,
		     const struct mgmtd_exec_opts *opts, char **out,
		     struct mgmtd_err *err, const char *path)
{
	struct mgmtd_exec_result res;
	const char *tool;
	unsigned timeout_ms;
	int rc;

	if (out)
		*out = NULL;
	if (!argv || !argv[0])
		return -EINVAL;
	tool = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	rc = mgmtd_exec(argv, opts, &res);
	if (rc < 0) {
		mgmtd_err_add(err, MGMTD_E_FAILED, path, "%s: cannot run: %s",
			      tool, strerror(-rc));
		return rc;
	}
	if (res.timed_out || res.status != 0) {
		timeout_ms = opts && opts->timeout_ms ? opts->timeout_ms
						      : EXEC_TIMEOUT_MS;
		rc = exec_report(&res, tool, timeout_ms, err, path);
		goto out;
	}
	if (out) {
		*out = res.out;
		res.out = NULL;
	}
out:
	mgmtd_exec_result_fini(&res);
	return rc;
}
