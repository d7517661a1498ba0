/* mgmtctl: shared between its files. */
#ifndef MGMTCTL_H
#define MGMTCTL_H

#include <jansson.h>
#include <stdbool.h>

/* Exit statuses. */
#define EXIT_DONE 0
#define EXIT_REFUSED 1
#define EXIT_USAGE 2

/* What the global options and the environment say. */
struct options {
	const char *socket;   /* -s: the control socket (socket mode) */
	const char *url;      /* REST base URL */
	const char *user, *password, *token, *cacert;
	const char *summary;
	long confirm_timeout;
	bool json;            /* --json: print JSON, not tables */
};

void usage(FILE *f);

/* socket.c: the control socket mode (JSON lines). */
int socket_run(const struct options *o, int argc, char **argv);

/* rest_cmd.c: the REST mode. */
int rest_run(const struct options *o, int argc, char **argv);

/* print.c: output for people. */
void print_value(FILE *f, json_t *v);
void print_object(json_t *obj);
void print_table(json_t *items);
void print_diff(json_t *changes);
/* A problem (RFC 9457) on stderr: status, title, detail, each error. */
void print_problem(long status, json_t *problem);
/* A cell of text for v: strings as they are, lists joined with ", ",
 * times as dates for time-like keys.  Returns a new string. */
char *cell_text(const char *key, json_t *v);

#endif

/* http.c: the REST transport (libcurl). */
struct http_resp {
	long status;
	json_t *body;   /* parsed JSON body, or NULL */
	unsigned etag;  /* the ETag's version, 0 if none */
};

struct http;

/* A client for o's URL and credentials.  NULL on failure (said why). */
struct http *http_new(const struct options *o);
void http_free(struct http *h);
/* method path[?query] with body (borrowed; NULL: none) of content type
 * ctype (NULL: application/json).  0 and *r (free with http_resp_fini),
 * or -EIO after saying why on stderr. */
int http_call(struct http *h, const char *method, const char *path,
	      json_t *body, const char *ctype, struct http_resp *r);
void http_resp_fini(struct http_resp *r);
/* Follow a server-sent event stream: cb for each event until the server
 * ends it (or cb returns non-zero).  0, or -EIO after saying why. */
typedef int (*http_event_cb)(const char *event, const char *data, void *arg);
int http_stream(struct http *h, const char *path, http_event_cb cb,
		void *arg);
/* GET path into out when it succeeds (*written bytes); *r holds the
 * status and, for a refusal, the problem.  0, or -EIO after saying why. */
int http_download(struct http *h, const char *path, FILE *out,
		  struct http_resp *r, size_t *written);
/* logs_cmd.c: mgmtctl logs ... (REST only). */
int rest_logs(struct http *h, const struct options *o, int argc,
	      char **argv);
/* text URL-encoded (a path segment or query value), new string. */
char *http_escape(struct http *h, const char *text);

/* metrics_cmd.c: mgmtctl metrics [ID [--start S] [--end E] [--cf CF]
 * [--resolution N]]. */
int metrics_cmd(const struct options *o, struct http *h, int argc,
		char **argv);
