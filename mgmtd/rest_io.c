/* Answering requests: JSON and problem bodies, request bodies, query
 * parameters, the audit record of writes the core did not journal. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <civetweb.h>

#include "log.h"
#include "rest_internal.h"

/* Headers every API answer carries: nothing cached, nothing sniffed. */
#define COMMON_HEADERS                                                   \
	"Cache-Control: no-store\r\n"                                    \
	"X-Content-Type-Options: nosniff\r\n"

void rest_send_raw(struct rest_req *rq, int status, const char *ctype,
		   const char *text, size_t len, const char *headers)
{
	bool head = rq->method == REST_HEAD;

	rq->status = status;
	mg_printf(rq->conn,
		  "HTTP/1.1 %d %s\r\n" COMMON_HEADERS
		  "%s%s%s"
		  "Content-Length: %zu\r\n%s\r\n",
		  status, rest_status_text(status), ctype ? "Content-Type: " : "",
		  ctype ? ctype : "", ctype ? "\r\n" : "", len,
		  headers ? headers : "");
	if (len && !head)
		mg_write(rq->conn, text, len);
}

void rest_send_json(struct rest_req *rq, int status, json_t *body,
		    const char *headers)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

	if (body && !text) {
		json_decref(body);
		text = strdup("{\"title\":\"Internal Server Error\",\"status\":500}");
		status = 500;
		body = NULL;
	}
	rest_send_raw(rq, status, text ? "application/json" : NULL, text,
		  text ? strlen(text) : 0, headers);
	free(text);
	json_decref(body);
}

void rest_send_problem(struct rest_req *rq, json_t *problem)
{
	json_t *st = json_object_get(problem, "status");
	int status = json_is_integer(st) ? (int)json_integer_value(st) : 500;
	char *text = json_dumps(problem, JSON_COMPACT);
	char extra[128] = "";

	/* A Basic challenge makes browsers prompt for a password, even for
	 * a script's fetch: the UI (X-Requested-With) gets a Bearer one. */
	if (status == 401 && rest_header(rq, "X-Requested-With"))
		snprintf(extra, sizeof(extra),
			 "WWW-Authenticate: Bearer realm=\"mgmtd\"\r\n");
	else if (status == 401)
		snprintf(extra, sizeof(extra),
			 "WWW-Authenticate: Basic realm=\"mgmtd\", charset=\"UTF-8\"\r\n");
	else if (status == 413)
		/* The body was not read: the connection cannot go on. */
		snprintf(extra, sizeof(extra), "Connection: close\r\n");
	rest_send_raw(rq, status, "application/problem+json", text,
		  text ? strlen(text) : 0, extra);
	if (rq->write && !rq->journaled) {
		const char *detail =
			json_string_value(json_object_get(problem, "detail"));
		char result[512];
		snprintf(result, sizeof(result), "%d %s%s%s", status,
			 rest_status_text(status), detail ? ": " : "",
			 detail ? detail : "");
		rest_audit(rq, result, 0);
	}
	log_debug("rest", "%s %s -> %d %s", rq->ri->request_method, rq->path,
		  status, text ? text : "");
	free(text);
	json_decref(problem);
}

void rest_fail(struct rest_req *rq, int status, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	rest_send_problem(rq, rest_problem(status, detail));
}

void rest_send_api(struct rest_req *rq, json_t *resp, int ok_status,
		   json_t *body, const char *headers)
{
	if (!json_is_true(json_object_get(resp, "ok"))) {
		json_decref(body);
		rest_send_problem(rq, rest_problem_from_api(resp));
		json_decref(resp);
		return;
	}
	if (!body) {
		body = json_incref(resp);
		json_object_del(body, "ok");
	}
	json_decref(resp);
	rest_send_json(rq, ok_status, body, headers);
}

const char *rest_header(struct rest_req *rq, const char *name)
{
	return mg_get_header(rq->conn, name);
}

/* Read at most limit + 1 bytes, so that a body without a length that is
 * too long is still caught. */
static int read_all(struct rest_req *rq, size_t limit, char **out,
		    size_t *len)
{
	size_t cap = 0, used = 0;
	char *buf = NULL;

	for (;;) {
		int n;
		if (used == cap) {
			size_t ncap = cap ? cap * 2 : 16384;
			char *nb;
			if (ncap > limit + 1)
				ncap = limit + 1;
			if (ncap <= cap)
				break;
			if (!(nb = realloc(buf, ncap))) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap = ncap;
		}
		n = mg_read(rq->conn, buf + used, cap - used);
		if (n < 0) {
			free(buf);
			return -EIO;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	*out = buf;
	*len = used;
	return 0;
}

int rest_read_body(struct rest_req *rq)
{
	size_t limit = rq->rest->set.max_body, len = 0;
	long long clen = rq->ri->content_length;
	char *data = NULL, detail[512];
	int status;

	if (clen > (long long)limit) {
		/* Refused without reading it (the client closes: see
		 * rest_send_problem). */
		rest_fail(rq, 413, "the body exceeds %zu bytes", limit);
		return -EFBIG;
	}
	if (read_all(rq, limit, &data, &len) < 0) {
		rest_fail(rq, 400, "cannot read the body");
		return -EIO;
	}
	status = rest_body_parse(rest_header(rq, "Content-Type"),
				 data ? data : "", len, limit, &rq->body,
				 detail, sizeof(detail));
	free(data);
	if (status) {
		rest_fail(rq, status, "%s", detail);
		return -EINVAL;
	}
	return 0;
}

bool rest_query(struct rest_req *rq, const char *name, char *buf, size_t len)
{
	const char *qs = rq->ri->query_string;

	return qs && mg_get_var(qs, strlen(qs), name, buf, len) >= 0;
}

int rest_bad_param(struct rest_req *rq, const char *name, const char *fmt,
		   ...)
{
	struct mgmtd_err err = { 0 };
	char why[MGMTD_ERR_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	mgmtd_err_add(&err, MGMTD_E_INVALID, name, "%s", why);
	rest_send_problem(rq, rest_problem_err(400, &err));
	return -EINVAL;
}

int rest_query_int(struct rest_req *rq, const char *name, long long def,
		   long long min, long long max, long long *out)
{
	char buf[32], *end;
	long long v;

	*out = def;
	if (!rest_query(rq, name, buf, sizeof(buf)))
		return 0;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || end == buf || *end || v < min || v > max)
		return rest_bad_param(rq, name,
				      "must be an integer between %lld and "
				      "%lld", min, max);
	*out = v;
	return 0;
}

void rest_etag_header(unsigned version, char *buf, size_t len)
{
	snprintf(buf, len, "ETag: \"%u\"\r\n", version);
}

void rest_caller(struct rest_req *rq, struct api_caller *who)
{
	*who = (struct api_caller){
		.user = rq->who.user[0] ? rq->who.user : "anonymous",
		.source = rq->source,
		.interface = "rest",
		.audit = rq->audit[0] ? rq->audit : NULL,
	};
}

void rest_audit(struct rest_req *rq, const char *result, unsigned version)
{
	struct api_caller who;
	struct core *c = rq->rest->core;

	rest_caller(rq, &who);
	rq->journaled = true;
	if (c->commands)
		journal_append_command(c->commands, who.user, who.source,
				       who.interface, rq->audit, result,
				       version);
	log_info("rest", "%s from %s: %s: %s", who.user, who.source, rq->audit,
		 result);
}
