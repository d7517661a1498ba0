/* Logs over REST: the sources (/logs), a read with filters and a cursor
 * (/logs/<name>), and new lines as server-sent events
 * (/logs/<name>/follow).  The files are read by logread.c, a block at a
 * time; a response holds at most a few MiB of text and says where to go
 * on (cursor, a byte offset). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <civetweb.h>

#include "log.h"
#include "logread.h"
#include "logs.h"
#include "rest_internal.h"

#define READ_LIMIT_DEF 1000
#define READ_LIMIT_MAX 100000
#define READ_BYTES_MAX (4u << 20)
#define GREP_MAX 256
#define FOLLOW_POLL_MS 200
#define FOLLOW_KEEPALIVE_MS 15000

static json_t *time_json(int64_t us)
{
	return us == LOGREAD_NO_TIME ? json_null() : json_real((double)us / 1e6);
}

static json_t *source_json(const struct log_source *s)
{
	struct stat st;
	bool there = stat(s->path, &st) == 0;

	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:o}", "name",
			 s->name, "description", s->description, "plugin",
			 s->plugin, "path", s->path, "exists", there, "size",
			 there ? json_integer(st.st_size) : json_null(),
			 "mtime",
			 there ? json_integer(st.st_mtime) : json_null());
}

void rest_h_logs(struct rest_req *rq)
{
	struct log_source *v;
	size_t n = logs_list(rq->rest->core->logs, &v);
	json_t *items = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, source_json(&v[i]));
	free(v);
	rest_send_json(rq, 200,
		       json_pack("{s:o, s:I}", "items", items, "total",
				 (json_int_t)n),
		       NULL);
}

static int when_param(struct rest_req *rq, const char *name, int64_t *out)
{
	char buf[64];

	*out = LOGREAD_NO_TIME;
	if (!rest_query(rq, name, buf, sizeof(buf)) || !buf[0])
		return 0;
	if (logread_parse_when(buf, core_realtime(), out) < 0)
		return rest_bad_param(rq, name,
				      "must be seconds since the epoch, "
				      "negative seconds before now, or an "
				      "RFC 3339 time");
	return 0;
}

/* The query of a read or follow into q (grep into grep).  0, or
 * -EINVAL after answering 400. */
static int parse_query(struct rest_req *rq, struct logread_query *q,
		       char *grep, size_t glen)
{
	long long lines, limit, cursor, before;
	char probe[GREP_MAX + 2];

	*q = (struct logread_query){ .cursor = -1 };
	if (when_param(rq, "since", &q->since) < 0 ||
	    when_param(rq, "until", &q->until) < 0)
		return -EINVAL;
	if (q->since != LOGREAD_NO_TIME && q->until != LOGREAD_NO_TIME &&
	    q->until < q->since)
		return rest_bad_param(rq, "until", "must not be before since");
	grep[0] = '\0';
	if (rest_query(rq, "grep", probe, sizeof(probe))) {
		if (strlen(probe) > GREP_MAX)
			return rest_bad_param(rq, "grep",
					      "at most %d characters",
					      GREP_MAX);
		snprintf(grep, glen, "%s", probe);
	}
	q->grep = grep;
	if (rest_query_int(rq, "lines", 0, 0, READ_LIMIT_MAX, &lines) < 0 ||
	    rest_query_int(rq, "limit", READ_LIMIT_DEF, 1, READ_LIMIT_MAX,
			   &limit) < 0 ||
	    rest_query_int(rq, "cursor", -1, -1, INT64_MAX, &cursor) < 0 ||
	    rest_query_int(rq, "before", 0, 0, INT64_MAX, &before) < 0)
		return -EINVAL;
	q->tail = (size_t)lines;
	q->limit = (size_t)limit;
	q->cursor = cursor;
	q->before = before;
	q->max_bytes = READ_BYTES_MAX;
	return 0;
}

/* The source named by the route, opened: 0 and *fd (-1: no file yet),
 * or -ENOENT after answering 404. */
static int open_source(struct rest_req *rq, struct log_source *src,
		       int *fd)
{
	if (logs_find(rq->rest->core->logs, rq->route.arg, src) < 0) {
		rest_fail(rq, 404, "no log called %s (GET %s/logs lists them)",
			  rq->route.arg, REST_PREFIX);
		return -ENOENT;
	}
	*fd = open(src->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (*fd < 0 && errno != ENOENT)
		log_warn("rest", "cannot open %s: %s", src->path,
			 strerror(errno));
	return 0;
}

static int64_t mtime_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (int64_t)st.st_mtime : core_realtime();
}

struct collect {
	json_t *lines;
	char text[3 * LOGREAD_LINE_MAX + 1];
};

static int collect_line(void *arg, int64_t time, bool first,
			const char *text, size_t len)
{
	struct collect *c = arg;
	size_t n = logread_utf8(text, len, c->text);

	json_array_append_new(c->lines,
			      json_pack("{s:o, s:s%}", "time", time_json(time),
					"text", c->text, n));
	return 0;
}

void rest_h_log(struct rest_req *rq)
{
	struct logread_query q;
	struct logread_result res = { 0 };
	struct log_source src;
	struct collect *c;
	char grep[GREP_MAX + 1];
	int fd, rc = 0;

	if (parse_query(rq, &q, grep, sizeof(grep)) < 0 ||
	    open_source(rq, &src, &fd) < 0)
		return;
	if (!(c = malloc(sizeof(*c)))) {
		if (fd >= 0)
			close(fd);
		rest_fail(rq, 500, "out of memory");
		return;
	}
	c->lines = json_array();
	if (fd >= 0) {
		q.ref = mtime_of(fd);
		rc = logread_run(fd, &q, collect_line, c, &res);
		close(fd);
	}
	if (rc < 0) {
		rest_fail(rq, 500, "cannot read %s: %s", src.path, strerror(-rc));
		json_decref(c->lines);
	} else {
		rest_send_json(rq, 200,
			       json_pack("{s:s, s:o, s:I, s:I, s:I, s:b, s:b}",
					 "name", src.name, "lines", c->lines,
					 "cursor", (json_int_t)res.cursor,
					 "start", (json_int_t)res.start,
					 "size", (json_int_t)res.size, "more",
					 res.more, "reset", res.reset),
			       NULL);
	}
	free(c);
}

/* ------------------------------------------------------------------ */
/* Follow                                                               */

struct follow {
	struct rest_req *rq;
	int fd;
	ino_t ino;
	dev_t dev;
	int64_t cursor;
	int failed;
	char text[3 * LOGREAD_LINE_MAX + 1];
};

static int send_text(struct follow *f, const char *s, size_t len)
{
	if (f->failed || mg_write(f->rq->conn, s, len) <= 0)
		f->failed = -EPIPE;
	return f->failed;
}

static int follow_line(void *arg, int64_t time, bool first,
		       const char *text, size_t len)
{
	struct follow *f = arg;
	json_t *j;
	char *s, *msg = NULL;
	int n, rc = -ENOMEM;

	logread_utf8(text, len, f->text);
	j = json_pack("{s:o, s:s}", "time", time_json(time), "text", f->text);
	s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (s && (n = asprintf(&msg, "event: line\ndata: %s\n\n", s)) > 0)
		rc = send_text(f, msg, (size_t)n);
	free(msg);
	free(s);
	return rc;
}

static int send_event(struct follow *f, const char *event, const char *data)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "id: %lld\nevent: %s\ndata: %s\n\n",
			 (long long)f->cursor, event, data);

	return send_text(f, buf, (size_t)n);
}

/* Send what is new: lines since the cursor, then "id: <cursor>" so that
 * a reconnecting client (Last-Event-ID) goes on from there. */
static int follow_read(struct follow *f, struct logread_query *q)
{
	struct logread_result res;
	int64_t before = f->cursor;
	char id[48];
	int rc, n;

	q->cursor = f->cursor;
	q->tail = 0;
	q->ref = mtime_of(f->fd);
	if ((rc = logread_run(f->fd, q, follow_line, f, &res)) < 0)
		return rc;
	f->cursor = res.cursor;
	if (res.reset && (rc = send_event(f, "truncated", "{}")) < 0)
		return rc;
	if (f->cursor == before)
		return 0;
	n = snprintf(id, sizeof(id), "id: %lld\n\n", (long long)f->cursor);
	return send_text(f, id, (size_t)n);
}

/* Whether the path now names another file (rotated, or created). */
static bool replaced(const struct follow *f, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return false;
	return f->fd < 0 || st.st_ino != f->ino || st.st_dev != f->dev;
}

static int follow_reopen(struct follow *f, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return 0;
	}
	if (f->fd >= 0)
		close(f->fd);
	f->fd = fd;
	f->ino = st.st_ino;
	f->dev = st.st_dev;
	f->cursor = 0;
	return 1;
}

static void follow_loop(struct follow *f, const struct log_source *src,
			struct logread_query *q)
{
	struct rest_hub *h = f->rq->rest->hub;
	unsigned quiet = 0;

	while (f->failed == 0 && rest_hub_wait(h, FOLLOW_POLL_MS)) {
		int64_t at = f->cursor;

		if (f->fd >= 0 && follow_read(f, q) < 0)
			break;
		if (replaced(f, src->path)) {
			/* Rotated: what the old file got last was read
			 * above; the new one is read from its start. */
			if (f->fd >= 0 && follow_read(f, q) < 0)
				break;
			if (follow_reopen(f, src->path) &&
			    (send_event(f, "rotated", "{}") < 0 ||
			     follow_read(f, q) < 0))
				break;
		}
		quiet = f->cursor == at ? quiet + FOLLOW_POLL_MS : 0;
		if (quiet >= FOLLOW_KEEPALIVE_MS) {
			/* A comment: finds out whether the client left. */
			send_text(f, ": keepalive\n\n", 13);
			quiet = 0;
		}
	}
}

void rest_h_log_follow(struct rest_req *rq)
{
	struct follow *f;
	struct logread_query q;
	struct logread_result res;
	struct log_source src;
	const char *last = rest_header(rq, "Last-Event-ID");
	char grep[GREP_MAX + 1];
	struct stat st;
	int fd;

	if (parse_query(rq, &q, grep, sizeof(grep)) < 0 ||
	    open_source(rq, &src, &fd) < 0)
		return;
	if (!(f = calloc(1, sizeof(*f)))) {
		if (fd >= 0)
			close(fd);
		rest_fail(rq, 500, "out of memory");
		return;
	}
	f->rq = rq;
	f->fd = fd;
	if (fd >= 0 && fstat(fd, &st) == 0) {
		f->ino = st.st_ino;
		f->dev = st.st_dev;
		f->cursor = logread_end(fd);
		if (f->cursor < 0)
			f->cursor = 0;
	}
	if (last && *last)
		q.cursor = strtoll(last, NULL, 10);
	if (!rest_hub_enter(rq->rest->hub)) {
		rest_fail(rq, 503, "too many streams open");
		goto out;
	}
	rest_sse_begin(rq);
	/* Where to start: a cursor, the last `lines` entries, or the end. */
	if (fd >= 0 && (q.cursor >= 0 || q.tail)) {
		q.ref = mtime_of(fd);
		q.limit = 0;
		f->cursor = q.cursor >= 0 ? q.cursor : 0;
		if (q.cursor < 0) {
			if (logread_run(fd, &q, follow_line, f, &res) == 0)
				f->cursor = res.cursor;
		}
		q.limit = READ_LIMIT_MAX;
	}
	send_event(f, "open", "{}");
	follow_loop(f, &src, &q);
	rest_hub_leave(rq->rest->hub);
out:
	if (f->fd >= 0)
		close(f->fd);
	free(f);
}
