/* mgmtctl's REST transport: libcurl, JSON in and out, Basic or Bearer
 * credentials, a CA certificate for HTTPS. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "mgmtctl.h"

struct http {
	CURL *curl;
	const struct options *o;
	char err[CURL_ERROR_SIZE];
};

struct buf {
	char *data;
	size_t len;
};

static size_t collect(char *ptr, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	char *nd = realloc(b->data, b->len + size * n + 1);

	if (!nd)
		return 0;
	memcpy(nd + b->len, ptr, size * n);
	b->len += size * n;
	nd[b->len] = '\0';
	b->data = nd;
	return size * n;
}

static size_t header(char *ptr, size_t size, size_t n, void *arg)
{
	struct http_resp *r = arg;

	if (size * n > 6 && strncasecmp(ptr, "ETag:", 5) == 0) {
		const char *p = ptr + 5;
		while (*p == ' ' || *p == '"' || *p == 'W' || *p == '/')
			p++;
		r->etag = (unsigned)strtoul(p, NULL, 10);
	}
	return size * n;
}

struct http *http_new(const struct options *o)
{
	struct http *h = calloc(1, sizeof(*h));

	if (!h || curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    !(h->curl = curl_easy_init())) {
		fprintf(stderr, "mgmtctl: cannot set up libcurl\n");
		free(h);
		return NULL;
	}
	h->o = o;
	return h;
}

void http_free(struct http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	curl_global_cleanup();
	free(h);
}

char *http_escape(struct http *h, const char *text)
{
	char *e = curl_easy_escape(h->curl, text, 0), *copy;

	copy = e ? strdup(e) : NULL;
	curl_free(e);
	return copy;
}

/* The options every request shares; returns the header list to free. */
static struct curl_slist *setup(struct http *h, const char *method,
				const char *path)
{
	const struct options *o = h->o;
	struct curl_slist *hdrs = NULL;
	char url[8192], auth[2048];
	size_t blen = strlen(o->url);

	while (blen && o->url[blen - 1] == '/')
		blen--;
	snprintf(url, sizeof(url), "%.*s%s", (int)blen, o->url, path);
	curl_easy_reset(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_URL, url);
	curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, h->err);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	if (o->cacert)
		curl_easy_setopt(h->curl, CURLOPT_CAINFO, o->cacert);
	if (o->token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", o->token);
		hdrs = curl_slist_append(hdrs, auth);
	} else if (o->user) {
		curl_easy_setopt(h->curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(h->curl, CURLOPT_USERNAME, o->user);
		curl_easy_setopt(h->curl, CURLOPT_PASSWORD,
				 o->password ? o->password : "");
	}
	hdrs = curl_slist_append(hdrs, "Accept: application/json, application/problem+json");
	return hdrs;
}

int http_call(struct http *h, const char *method, const char *path,
	      json_t *body, const char *ctype, struct http_resp *r)
{
	struct curl_slist *hdrs = setup(h, method, path);
	struct buf in = { 0 };
	char *text = NULL, ct[128];
	CURLcode rc;

	*r = (struct http_resp){ 0 };
	if (body) {
		text = json_dumps(body, JSON_COMPACT);
		snprintf(ct, sizeof(ct), "Content-Type: %s",
			 ctype ? ctype : "application/json");
		hdrs = curl_slist_append(hdrs, ct);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, text ? text : "");
	}
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &in);
	curl_easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, header);
	curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT, 120L);
	rc = curl_easy_perform(h->curl);
	curl_slist_free_all(hdrs);
	free(text);
	if (rc != CURLE_OK) {
		fprintf(stderr, "mgmtctl: %s %s%s: %s\n", method, h->o->url, path,
			h->err[0] ? h->err : curl_easy_strerror(rc));
		free(in.data);
		return -EIO;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &r->status);
	if (in.len)
		r->body = json_loadb(in.data, in.len, 0, NULL);
	free(in.data);
	return 0;
}

void http_resp_fini(struct http_resp *r)
{
	json_decref(r->body);
	r->body = NULL;
}

/* A download: the body goes to a file when the answer is a success,
 * into memory (a problem to parse) otherwise. */
struct download {
	CURL *curl;
	FILE *out;
	struct buf err;
	size_t written;
};

static size_t download_chunk(char *ptr, size_t size, size_t n, void *arg)
{
	struct download *d = arg;
	long status = 0;

	curl_easy_getinfo(d->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 300)
		return collect(ptr, size, n, &d->err);
	if (fwrite(ptr, size, n, d->out) != n)
		return 0;
	d->written += size * n;
	return size * n;
}

int http_download(struct http *h, const char *path, FILE *out,
		  struct http_resp *r, size_t *written)
{
	struct curl_slist *hdrs = setup(h, "GET", path);
	struct download d = { .curl = h->curl, .out = out };
	CURLcode rc;

	*r = (struct http_resp){ 0 };
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, download_chunk);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &d);
	rc = curl_easy_perform(h->curl);
	curl_slist_free_all(hdrs);
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &r->status);
	if (d.err.len)
		r->body = json_loadb(d.err.data, d.err.len, 0, NULL);
	free(d.err.data);
	*written = d.written;
	if (rc != CURLE_OK) {
		fprintf(stderr, "mgmtctl: GET %s%s: %s\n", h->o->url, path,
			h->err[0] ? h->err : curl_easy_strerror(rc));
		http_resp_fini(r);
		return -EIO;
	}
	return 0;
}

/* Server-sent events: lines "event: X", "data: Y", blank line ends one. */
struct sse {
	struct buf line;
	char event[64];
	struct buf data;
	http_event_cb cb;
	void *arg;
	int stop;
	long status;
};

static void sse_line(struct sse *s, char *line)
{
	if (line[0] == '\0') {
		if (s->data.len && !s->stop)
			s->stop = s->cb(s->event[0] ? s->event : "message",
					s->data.data, s->arg);
		s->event[0] = '\0';
		s->data.len = 0;
		if (s->data.data)
			s->data.data[0] = '\0';
	} else if (strncmp(line, "event:", 6) == 0) {
		snprintf(s->event, sizeof(s->event), "%s",
			 line + 6 + (line[6] == ' '));
	} else if (strncmp(line, "data:", 5) == 0) {
		const char *d = line + 5 + (line[5] == ' ');
		if (s->data.len)
			collect("\n", 1, 1, &s->data);
		collect((char *)d, 1, strlen(d), &s->data);
	}
}

static size_t sse_chunk(char *ptr, size_t size, size_t n, void *arg)
{
	struct sse *s = arg;
	size_t len = size * n;

	for (size_t i = 0; i < len; i++) {
		if (ptr[i] == '\n') {
			char *l = s->line.data ? s->line.data : (char *)"";
			size_t ll = s->line.len;
			if (ll && l[ll - 1] == '\r')
				l[ll - 1] = '\0';
			sse_line(s, l);
			s->line.len = 0;
			if (s->line.data)
				s->line.data[0] = '\0';
		} else {
			collect(ptr + i, 1, 1, &s->line);
		}
	}
	return s->stop ? 0 : len;
}

int http_stream(struct http *h, const char *path, http_event_cb cb,
		void *arg)
{
	struct curl_slist *hdrs = setup(h, "GET", path);
	struct sse s = { .cb = cb, .arg = arg };
	CURLcode rc;

	hdrs = curl_slist_append(hdrs, "Accept: text/event-stream");
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, sse_chunk);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &s);
	rc = curl_easy_perform(h->curl);
	curl_slist_free_all(hdrs);
	free(s.line.data);
	free(s.data.data);
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &s.status);
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && s.stop)) {
		fprintf(stderr, "mgmtctl: event stream: %s\n",
			h->err[0] ? h->err : curl_easy_strerror(rc));
		return -EIO;
	}
	if (s.status >= 400) {
		fprintf(stderr, "mgmtctl: event stream refused (HTTP %ld)\n",
			s.status);
		return -EACCES;
	}
	return 0;
}
