/* The control socket server, driven by the main loop. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "api.h"
#include "ctl.h"
#include "fileutil.h"
#include "log.h"

#define CTL_MAX_CLIENTS 32
#define CTL_MAX_REQUEST (64u << 20)
#define CTL_READ_CHUNK 65536

struct ctl_client {
	int fd;
	char user[64];
	char *buf;
	size_t len, cap;
};

struct ctl {
	struct core *core;
	struct loop *loop;
	int fd;
	char *path;
	struct ctl_client clients[CTL_MAX_CLIENTS];
};

static void client_close(struct ctl *ctl, struct ctl_client *cl)
{
	loop_del_fd(ctl->loop, cl->fd);
	close(cl->fd);
	free(cl->buf);
	*cl = (struct ctl_client){ .fd = -1 };
}

static int send_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int respond(struct ctl_client *cl, json_t *resp)
{
	char *text = json_dumps(resp, JSON_COMPACT);
	int rc;

	json_decref(resp);
	if (!text)
		return -ENOMEM;
	rc = send_all(cl->fd, text, strlen(text));
	if (rc == 0)
		rc = send_all(cl->fd, "\n", 1);
	free(text);
	return rc;
}

static int handle_line(struct ctl *ctl, struct ctl_client *cl, char *line)
{
	struct api_caller who = {
		.user = cl->user, .source = "local", .interface = "cli",
	};
	json_error_t jerr;
	json_t *rq = json_loads(line, 0, &jerr), *resp;

	if (!json_is_object(rq)) {
		struct mgmtd_err err = { 0 };
		mgmtd_err_add(&err, MGMTD_E_INVALID, "",
			      "the request is not a JSON object: %s", jerr.text);
		resp = api_problem(&err);
	} else {
		resp = api_handle(ctl->core, &who, rq);
	}
	json_decref(rq);
	return respond(cl, resp);
}

static void client_readable(int fd, short revents, void *arg)
{
	struct ctl *ctl = arg;
	struct ctl_client *cl = NULL;
	char *nl;
	ssize_t n;

	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		if (ctl->clients[i].fd == fd)
			cl = &ctl->clients[i];
	if (!cl)
		return;
	if (cl->cap - cl->len < CTL_READ_CHUNK) {
		size_t cap = cl->cap ? cl->cap * 2 : CTL_READ_CHUNK * 2;
		char *g = cap <= CTL_MAX_REQUEST ? realloc(cl->buf, cap) : NULL;
		if (!g) {
			log_warn("ctl", "request too large from %s", cl->user);
			client_close(ctl, cl);
			return;
		}
		cl->buf = g;
		cl->cap = cap;
	}
	n = read(fd, cl->buf + cl->len, cl->cap - cl->len - 1);
	if (n <= 0) {
		if (n < 0 && errno == EINTR)
			return;
		client_close(ctl, cl);
		return;
	}
	cl->len += (size_t)n;
	cl->buf[cl->len] = '\0';
	while ((nl = strchr(cl->buf, '\n'))) {
		size_t used = (size_t)(nl - cl->buf) + 1;
		*nl = '\0';
		if (handle_line(ctl, cl, cl->buf) < 0) {
			client_close(ctl, cl);
			return;
		}
		memmove(cl->buf, cl->buf + used, cl->len - used + 1);
		cl->len -= used;
	}
}

/* Who is on the other end; only root and our own user get in. */
static bool peer_allowed(int fd, char *user, size_t len)
{
	struct ucred cred;
	socklen_t sl = sizeof(cred);
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &sl) < 0)
		return false;
	if (getpwuid_r(cred.uid, &pw, buf, sizeof(buf), &res) == 0 && res)
		snprintf(user, len, "%s", pw.pw_name);
	else
		snprintf(user, len, "uid%u", (unsigned)cred.uid);
	return cred.uid == 0 || cred.uid == geteuid();
}

static void accept_ready(int fd, short revents, void *arg)
{
	struct ctl *ctl = arg;
	struct timeval tv = { .tv_sec = 10 };
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	struct ctl_client *cl = NULL;
	char user[64];

	if (cfd < 0)
		return;
	for (size_t i = 0; i < CTL_MAX_CLIENTS && !cl; i++)
		if (ctl->clients[i].fd < 0)
			cl = &ctl->clients[i];
	if (!cl || !peer_allowed(cfd, user, sizeof(user))) {
		log_warn("ctl", "control connection refused (%s)",
			 cl ? "not root" : "too many clients");
		close(cfd);
		return;
	}
	/* A client that stops reading must not stall the daemon for long. */
	setsockopt(cfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	*cl = (struct ctl_client){ .fd = cfd };
	snprintf(cl->user, sizeof(cl->user), "%s", user);
	if (loop_add_fd(ctl->loop, cfd, POLLIN, client_readable, ctl) < 0)
		client_close(ctl, cl);
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[PATH_MAX];
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	snprintf(dir, sizeof(dir), "%s", path);
	if ((rc = fileutil_mkdir_p(dirname(dir), 0755)) < 0)
		return rc;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	unlink(path); /* a socket left by a crash */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

int ctl_open(struct core *c, struct loop *l, const char *path,
	     struct ctl **out)
{
	struct ctl *ctl = calloc(1, sizeof(*ctl));
	int rc;

	if (!ctl || !(ctl->path = strdup(path))) {
		free(ctl);
		return -ENOMEM;
	}
	ctl->core = c;
	ctl->loop = l;
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		ctl->clients[i].fd = -1;
	if ((ctl->fd = listen_on(path)) < 0) {
		rc = ctl->fd;
		log_err("ctl", "cannot listen on %s: %s", path, strerror(-rc));
		free(ctl->path);
		free(ctl);
		return rc;
	}
	if ((rc = loop_add_fd(l, ctl->fd, POLLIN, accept_ready, ctl)) < 0) {
		ctl_close(ctl);
		return rc;
	}
	log_info("ctl", "control socket %s", path);
	*out = ctl;
	return 0;
}

void ctl_close(struct ctl *ctl)
{
	if (!ctl)
		return;
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		if (ctl->clients[i].fd >= 0)
			client_close(ctl, &ctl->clients[i]);
	loop_del_fd(ctl->loop, ctl->fd);
	close(ctl->fd);
	unlink(ctl->path);
	free(ctl->path);
	free(ctl);
}
