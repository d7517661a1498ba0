/* The journals over REST (/events, /commands, with filters) and the live
 * event stream (/events/stream, server-sent events).
 *
 * The stream is fed by a core listener: every event and commit lands in a
 * ring of preformatted messages; each stream, in its own CivetWeb worker,
 * waits on a condition variable and sends what is new.  A stream that
 * falls a whole ring behind is told how many it lost. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <civetweb.h>

#include "log.h"
#include "rest_internal.h"

#define HUB_RING 1024
#define KEEPALIVE_S 15

struct hub_msg {
	int severity;      /* -1 for commits */
	char plugin[64];
	char *text;        /* "id: N\nevent: E\ndata: {...}\n\n", owned */
};

struct rest_hub {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct hub_msg ring[HUB_RING];
	uint64_t next;     /* sequence number of the next message */
	unsigned streams, max_streams;
	bool stopping;
};

/* Answer 200 with the headers of a server-sent events stream. */
void rest_sse_begin(struct rest_req *rq)
{
	rq->status = 200;
	mg_printf(rq->conn, "HTTP/1.1 200 OK\r\n"
			    "Content-Type: text/event-stream\r\n"
			    "Cache-Control: no-store\r\n"
			    "X-Content-Type-Options: nosniff\r\n"
			    "Connection: close\r\n\r\n"
			    "retry: 3000\n: connected\n\n");
}

static void hub_push(struct rest_hub *h, int sev, const char *plugin,
		     const char *event, json_t *data)
{
	char *json = json_dumps(data, JSON_COMPACT), *text = NULL;
	struct hub_msg *m;

	json_decref(data);
	if (!json)
		return;
	pthread_mutex_lock(&h->lock);
	if (asprintf(&text, "id: %llu\nevent: %s\ndata: %s\n\n",
		     (unsigned long long)h->next, event, json) < 0)
		text = NULL;
	if (text) {
		m = &h->ring[h->next % HUB_RING];
		free(m->text);
		m->text = text;
		m->severity = sev;
		snprintf(m->plugin, sizeof(m->plugin), "%s", plugin ? plugin : "");
		h->next++;
		pthread_cond_broadcast(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
	free(json);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_event(void *arg, enum mgmtd_severity sev, const char *plugin,
		     const char *object, const char *message)
{
	hub_push(arg, (int)sev, plugin, "event",
		 json_pack("{s:f, s:s, s:s, s:s, s:s}", "time", now_s(),
			   "severity", log_level_name(sev), "plugin",
			   plugin ? plugin : "", "object", object ? object : "",
			   "message", message ? message : ""));
}

static void on_commit(void *arg, unsigned version, const char *user,
		      const char *interface, const char *summary)
{
	hub_push(arg, -1, "mgmtd", "commit",
		 json_pack("{s:f, s:i, s:s, s:s, s:s}", "time", now_s(),
			   "version", (int)version, "user", user ? user : "",
			   "interface", interface ? interface : "", "summary",
			   summary ? summary : ""));
}

int rest_hub_new(struct core *c, unsigned max_streams, struct rest_hub **out)
{
	struct rest_hub *h = calloc(1, sizeof(*h));
	struct core_listener l = {
		.on_event = on_event, .on_commit = on_commit, .arg = h,
	};
	pthread_condattr_t ca;
	int rc;

	if (!h)
		return -ENOMEM;
	pthread_mutex_init(&h->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->cond, &ca);
	pthread_condattr_destroy(&ca);
	h->max_streams = max_streams;
	if ((rc = core_add_listener(c, &l)) < 0) {
		rest_hub_free(h);
		return rc;
	}
	*out = h;
	return 0;
}

void rest_hub_shutdown(struct rest_hub *h)
{
	pthread_mutex_lock(&h->lock);
	h->stopping = true;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

bool rest_hub_enter(struct rest_hub *h)
{
	bool ok;

	pthread_mutex_lock(&h->lock);
	ok = !h->stopping && h->streams < h->max_streams;
	if (ok)
		h->streams++;
	pthread_mutex_unlock(&h->lock);
	return ok;
}

void rest_hub_leave(struct rest_hub *h)
{
	pthread_mutex_lock(&h->lock);
	h->streams--;
	pthread_mutex_unlock(&h->lock);
}

bool rest_hub_wait(struct rest_hub *h, unsigned ms)
{
	struct timespec until;
	bool on;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&h->lock);
	if (!h->stopping)
		pthread_cond_timedwait(&h->cond, &h->lock, &until);
	on = !h->stopping;
	pthread_mutex_unlock(&h->lock);
	return on;
}

/* The core keeps the listener until it is freed, after the front ends
 * stop; so the hub lives as long as the core: freed by rest_stop only
 * when no listener can call it any more (see rest.c). */
void rest_hub_free(struct rest_hub *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < HUB_RING; i++)
		free(h->ring[i].text);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

struct stream_filter {
	int max_severity; /* -1: all */
	char plugin[64];  /* "": all */
};

static bool wanted(const struct stream_filter *f, const struct hub_msg *m)
{
	if (m->severity >= 0 && f->max_severity >= 0 &&
	    m->severity > f->max_severity)
		return false;
	return !f->plugin[0] || strcmp(f->plugin, m->plugin) == 0;
}

static int send_str(struct rest_req *rq, const char *s)
{
	return mg_write(rq->conn, s, strlen(s)) > 0 ? 0 : -EPIPE;
}

/* Send what arrived since *cursor; hub lock held on entry and exit, and
 * dropped while writing (texts are copied first). */
static int stream_pending(struct rest_req *rq, struct rest_hub *h,
			  uint64_t *cursor, const struct stream_filter *f)
{
	char *batch[64];
	size_t n = 0;
	char lost[96];
	int rc = 0;

	if (h->next - *cursor > HUB_RING) {
		snprintf(lost, sizeof(lost), "event: lost\ndata: {\"lost\":%llu}\n\n",
			 (unsigned long long)(h->next - HUB_RING - *cursor));
		*cursor = h->next - HUB_RING;
		pthread_mutex_unlock(&h->lock);
		rc = send_str(rq, lost);
		pthread_mutex_lock(&h->lock);
		if (rc < 0)
			return rc;
	}
	while (*cursor < h->next && n < 64) {
		struct hub_msg *m = &h->ring[*cursor % HUB_RING];
		if (wanted(f, m) && m->text)
			batch[n++] = strdup(m->text);
		(*cursor)++;
	}
	pthread_mutex_unlock(&h->lock);
	for (size_t i = 0; i < n; i++) {
		if (rc == 0 && batch[i])
			rc = send_str(rq, batch[i]);
		free(batch[i]);
	}
	pthread_mutex_lock(&h->lock);
	return rc;
}

static void stream_loop(struct rest_req *rq, struct rest_hub *h,
			const struct stream_filter *f)
{
	const char *last = rest_header(rq, "Last-Event-ID");
	uint64_t cursor;
	struct timespec until;
	int rc = 0;

	pthread_mutex_lock(&h->lock);
	cursor = h->next;
	if (last && strtoull(last, NULL, 10) + 1 <= h->next &&
	    h->next - (strtoull(last, NULL, 10) + 1) <= HUB_RING)
		cursor = strtoull(last, NULL, 10) + 1;
	while (rc == 0 && !h->stopping) {
		if (cursor < h->next) {
			rc = stream_pending(rq, h, &cursor, f);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += KEEPALIVE_S;
		if (pthread_cond_timedwait(&h->cond, &h->lock, &until) ==
			    ETIMEDOUT &&
		    cursor == h->next) {
			/* A comment: finds out whether the client left. */
			pthread_mutex_unlock(&h->lock);
			rc = send_str(rq, ": keepalive\n\n");
			pthread_mutex_lock(&h->lock);
		}
	}
	h->streams--;
	pthread_mutex_unlock(&h->lock);
}

void rest_h_stream(struct rest_req *rq)
{
	struct rest_hub *h = rq->rest->hub;
	struct stream_filter f = { .max_severity = -1 };
	enum mgmtd_severity level;
	char sev[32];
	bool full;

	if (rest_query(rq, "severity", sev, sizeof(sev))) {
		if (log_level_parse(sev, &level) < 0) {
			rest_fail(rq, 400, "severity: unknown severity %s", sev);
			return;
		}
		f.max_severity = (int)level;
	}
	rest_query(rq, "plugin", f.plugin, sizeof(f.plugin));
	pthread_mutex_lock(&h->lock);
	full = h->streams >= h->max_streams;
	if (!full)
		h->streams++;
	pthread_mutex_unlock(&h->lock);
	if (full) {
		rest_fail(rq, 503, "too many event streams (at most %u)",
			  h->max_streams);
		return;
	}
	rest_sse_begin(rq);
	stream_loop(rq, h, &f);
}

/* Journal records as items: time in seconds, like the stream. */
static json_t *items_of(json_t *resp)
{
	json_t *list = json_object_get(resp, "records"), *r;
	size_t i;

	json_array_foreach(list, i, r) {
		json_t *us = json_object_get(r, "time_us");
		json_object_set_new(r, "time",
				    json_real((double)json_integer_value(us) / 1e6));
		json_object_del(r, "time_us");
	}
	return json_pack("{s:O, s:I}", "items", list, "total",
			 (json_int_t)json_array_size(list));
}

static void journal(struct rest_req *rq, const char *op, bool commands)
{
	static const char *const strs[] = { "severity", "plugin", "user" };
	static const char *const ints[] = { "since", "until" };
	json_t *apirq = json_pack("{s:s}", "op", op), *resp;
	struct api_caller who;
	char buf[128];
	long long v;

	for (size_t i = 0; i < 3; i++)
		if ((i == 2) == commands && rest_query(rq, strs[i], buf, sizeof(buf)))
			json_object_set_new(apirq, strs[i], json_string(buf));
	for (size_t i = 0; i < 2; i++) {
		if (rest_query_int(rq, ints[i], 0, 0, INT64_MAX / 1000000, &v) < 0)
			goto out;
		if (v)
			json_object_set_new(apirq, ints[i], json_integer(v));
	}
	if (rest_query_int(rq, "limit", 100, 1, 100000, &v) < 0)
		goto out;
	json_object_set_new(apirq, "limit", json_integer(v));
	rest_caller(rq, &who);
	resp = api_handle(rq->rest->core, &who, apirq);
	rest_send_api(rq, resp, 200,
		      json_is_true(json_object_get(resp, "ok")) ? items_of(resp)
								: NULL,
		      NULL);
out:
	json_decref(apirq);
}

void rest_h_events(struct rest_req *rq)
{
	journal(rq, "events", false);
}

void rest_h_commands(struct rest_req *rq)
{
	journal(rq, "commands", true);
}
