/* Shared by the rest_*.c files only.
 *
 * The pure parts (routing, problems, bodies, schema and OpenAPI documents,
 * settings checks) take no CivetWeb connection, so that unit tests and the
 * fuzz target drive them without a server. */
#ifndef MGMTD_REST_INTERNAL_H
#define MGMTD_REST_INTERNAL_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "api.h"
#include "auth.h"
#include "core.h"
#include "schema.h"

#define REST_PREFIX "/api/v1"
#define REST_SESSION_COOKIE "mgmtd_session"
#define REST_CSRF_HEADER "X-CSRF-Token"
#define REST_KEY_MAX 256

/* Methods as bits, so that a route can say which it allows. */
enum rest_method {
	REST_GET = 1u << 0,
	REST_HEAD = 1u << 1,
	REST_POST = 1u << 2,
	REST_PUT = 1u << 3,
	REST_PATCH = 1u << 4,
	REST_DELETE = 1u << 5,
	REST_OPTIONS = 1u << 6,
};

/* rest_route.c: what a path names. */
enum rest_route_kind {
	RT_NONE = 0,     /* no such resource: 404 */
	RT_INDEX,        /* /api/v1 */
	RT_SCHEMA,       /* /api/v1/schema */
	RT_OPENAPI,      /* /api/v1/openapi.json */
	RT_SESSION,      /* /api/v1/session */
	RT_USERS,        /* /api/v1/auth/users */
	RT_USER,         /* /api/v1/auth/users/<name> (arg) */
	RT_TOKENS,       /* /api/v1/auth/tokens */
	RT_TOKEN,        /* /api/v1/auth/tokens/<id> (arg) */
	RT_CONFIG,       /* /api/v1/config: the whole configuration */
	RT_VERSIONS,     /* /api/v1/config/versions */
	RT_VERSION,      /* /api/v1/config/versions/<n> (arg) */
	RT_DIFF,         /* /api/v1/config/diff */
	RT_ROLLBACK,     /* /api/v1/config/rollback */
	RT_CONFIRM,      /* /api/v1/config/confirm */
	RT_EVENTS,       /* /api/v1/events */
	RT_STREAM,       /* /api/v1/events/stream */
	RT_COMMANDS,     /* /api/v1/commands */
	RT_CLASS,        /* /api/v1/<plugin>/<class> */
	RT_OBJECT,       /* /api/v1/<plugin>/<class>/<key> */
	RT_ACTION,       /* /api/v1/<plugin>/<class>[/<key>]/<action> */
	RT_BACKUP,       /* /api/v1/config/backup */
	RT_RESTORE,      /* /api/v1/config/restore */
	RT_LOGS,         /* /api/v1/logs */
	RT_LOG,          /* /api/v1/logs/<name> (arg) */
	RT_LOG_FOLLOW,   /* /api/v1/logs/<name>/follow (arg) */
	RT_LOG_EXPORT,   /* /api/v1/logs/export */
	RT_METRICS,      /* /api/v1/metrics */
	RT_METRICS_GRAPH, /* /api/v1/metrics/graph.png (several series) */
	RT_METRIC,       /* /api/v1/metrics/<plugin>/<class>/<key>/<attr>
			    [/graph.png]: the handler parses the path */
};

struct rest_route {
	enum rest_route_kind kind;
	unsigned methods; /* allowed: enum rest_method bits */
	const struct schema_plugin *sp;
	const struct schema_class *sc;
	const struct mgmtd_action *act;
	bool has_key;
	char key[REST_KEY_MAX];
	char arg[REST_KEY_MAX];
};

/* Resolve path (decoded, without the query) for method against the
 * schema.  Always fills rt: kind RT_NONE when nothing matches.  A POST to
 * /<plugin>/<collection>/<name> names the class action <name> when the
 * class has one; any other method names the object <name>. */
void rest_route_parse(const struct schema *s, const char *path,
		      unsigned method, struct rest_route *rt);
/* "GET" -> REST_GET; 0 for a method the API does not know. */
unsigned rest_method_parse(const char *name);
/* "GET, PUT, PATCH" for an Allow header. */
void rest_methods_text(unsigned methods, char *buf, size_t len);

/* rest_problem.c: RFC 9457 problem details. */
const char *rest_status_text(int status);
/* {"type": "about:blank", "title", "status", "detail"}; new reference. */
json_t *rest_problem(int status, const char *detail);
/* A problem from a core error list with "errors": [{path, message,
 * code}]; status 0 takes it from the first error's code. */
json_t *rest_problem_err(int status, const struct mgmtd_err *err);
/* The problem of an api_handle refusal ({"ok": false, "status", "title",
 * "errors"}), borrowed; new reference. */
json_t *rest_problem_from_api(json_t *resp);

/* rest_body.c: request bodies. */
/* Whether a Content-Type names JSON (application/json, application/
 * merge-patch+json, application/<x>+json; parameters allowed). */
bool rest_content_type_is_json(const char *content_type);
/* Parse a request body that must be one JSON object.  Returns 0 and *out
 * (new reference), or the HTTP status to answer (400, 413, 415) with the
 * reason in detail. */
int rest_body_parse(const char *content_type, const char *data, size_t len,
		    size_t limit, json_t **out, char *detail, size_t dlen);
/* A copy of body (borrowed) for the audit trail: secret attributes of sc
 * (NULL: none known) and any member named like a password or token read
 * "(secret)"; compact text cut to len.  Returns buf. */
char *rest_body_audit_text(const struct schema_class *sc, json_t *body,
			   char *buf, size_t len);

/* rest_schema.c and rest_openapi.c: documents derived from the schema,
 * new references. */
json_t *rest_schema_doc(const struct schema *s);
json_t *rest_attr_doc(const struct mgmtd_attr *a);
json_t *rest_openapi_doc(const struct schema *s, const char *version);
/* rest_openapi_fixed.c: the paths (into paths) and components (into
 * components) that no class derives. */
void rest_openapi_fixed(json_t *paths, json_t *components);
/* An OpenAPI query parameter object (a new reference). */
json_t *rest_oa_query(const char *name, const char *type,
		      const char *description);
/* rest_logs_openapi.c: /logs, called by rest_openapi_fixed last. */
void rest_openapi_logs(json_t *paths, json_t *components);
/* rest_metrics.c: the paths of /metrics and their schemas. */
void rest_openapi_metrics(json_t *paths, json_t *schemas);

/* rest_config.c: the "rest" group of the daemon config. */
#define REST_MAX_LISTEN 8

struct rest_settings {
	char *http[REST_MAX_LISTEN + 1];  /* NULL-terminated "addr:port" */
	char *https[REST_MAX_LISTEN + 1];
	bool allow_remote_http;
	char *certificate;    /* PEM with certificate and key; NULL: own */
	char *document_root;  /* static files; NULL: none */
	unsigned threads;
	unsigned max_body;    /* bytes */
	unsigned max_streams; /* concurrent event streams */
	unsigned session_ttl; /* seconds (the "auth" group) */
};

/* Read the settings; absent group: *present false and nothing else.
 * Refusals name the setting in msg. */
int rest_settings_load(const struct daemon_config *dc, bool *present,
		       struct rest_settings *s, char *msg, size_t len);
void rest_settings_fini(struct rest_settings *s);
/* Whether "addr:port" (or "[v6]:port") binds a loopback address only. */
bool rest_addr_is_loopback(const char *listen);
/* CivetWeb's listening_ports text: "127.0.0.1:8080,127.0.0.1:8443s". */
int rest_listen_spec(const struct rest_settings *s, char *buf, size_t len);

/* rest_cert.c: a self-signed certificate for HTTPS. */
/* Make sure pem (key and certificate, 0600) exists, generating one for
 * host names localhost and cn and addresses 127.0.0.1 and ::1; cert (the
 * certificate alone, 0644, for clients' --cacert) is written beside. */
int rest_cert_ensure(const char *pem, const char *cert, const char *cn);

/* rest_cache.c: serialised list pages per snapshot. */
struct rest_cache;
int rest_cache_new(struct rest_cache **out);
void rest_cache_free(struct rest_cache *c);
/* A copy (free it) of the text cached for snapshot s, class what and the
 * page, with its length in *len; NULL if none. */
char *rest_cache_get(struct rest_cache *c, struct snapshot *s,
		     const void *what, long long offset, long long limit,
		     size_t *len);
void rest_cache_put(struct rest_cache *c, struct snapshot *s,
		    const void *what, long long offset, long long limit,
		    const char *text, size_t len);

/* The server (rest.c). */
struct rest_hub;

struct rest {
	struct core *core;
	struct auth *auth;
	struct mg_context *mg;
	struct rest_settings set;
	struct rest_hub *hub;
	struct rest_cache *cache;
	char dir[PATH_MAX];      /* <state_dir>/rest */
	char tls_pem[PATH_MAX];
	char banner[512];
};

/* One request being served (rest.c builds it, handlers answer it). */
struct rest_req {
	struct rest *rest;
	struct mg_connection *conn;
	const struct mg_request_info *ri;
	unsigned method;
	const char *path;
	struct rest_route route;
	struct auth_identity who;
	bool write;          /* a mutating request: audited */
	bool journaled;      /* the core journaled it (txn, action, confirm) */
	json_t *body;        /* the parsed body of a write, or NULL */
	char source[64];
	char audit[1024];    /* "role=admin PATCH /api/v1/... {...}" */
	int status;          /* the status sent, 0 before */
};

typedef void (*rest_handler)(struct rest_req *rq);

/* rest_io.c: answering. */
/* Send body (stolen; NULL: none) with status.  headers: extra header
 * lines, each ending in "\r\n", or NULL. */
void rest_send_json(struct rest_req *rq, int status, json_t *body,
		    const char *headers);
/* Send a problem (stolen); its "status" member is the status. */
void rest_send_problem(struct rest_req *rq, json_t *problem);
/* Send text, already encoded, of content type ctype. */
void rest_send_raw(struct rest_req *rq, int status, const char *ctype,
		   const char *text, size_t len, const char *headers);
void rest_fail(struct rest_req *rq, int status, const char *fmt, ...)
	MGMTD_PRINTF(3, 4);
/* Answer an api_handle response (stolen): a problem if refused, else
 * ok_status with body (stolen; NULL: the response less "ok"). */
void rest_send_api(struct rest_req *rq, json_t *resp, int ok_status,
		   json_t *body, const char *headers);
/* Read and parse the request body into rq->body.  0, or a negative errno
 * after answering (400, 413, 415). */
int rest_read_body(struct rest_req *rq);
/* Query parameter name into buf; false when absent. */
bool rest_query(struct rest_req *rq, const char *name, char *buf,
		size_t len);
/* An integer query parameter in [min, max] (def when absent).  0, or
 * -EINVAL after answering 400. */
/* Answer 400 with errors[].path naming query parameter name; returns
 * -EINVAL. */
int rest_bad_param(struct rest_req *rq, const char *name, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));
int rest_query_int(struct rest_req *rq, const char *name, long long def,
		   long long min, long long max, long long *out);
/* A request header, or NULL. */
const char *rest_header(struct rest_req *rq, const char *name);
/* "ETag: \"7\"\r\n" for version v into buf. */
void rest_etag_header(unsigned version, char *buf, size_t len);
/* The caller for the core's journal and transactions. */
void rest_caller(struct rest_req *rq, struct api_caller *who);
/* Journal a write that the core did not (refused before reaching it, or
 * done outside transactions): result and version. */
void rest_audit(struct rest_req *rq, const char *result, unsigned version);

/* rest_resources.c: confirm_timeout and summary of a write's query into
 * apirq, the api_handle request.  0, or -EINVAL after answering 400. */
int rest_write_request(struct rest_req *rq, json_t *apirq);

/* Handlers, by file. */
/* rest_events.c: answer 200 with the headers of a server-sent events
 * stream (then the caller writes events and closes). */
void rest_sse_begin(struct rest_req *rq);

void rest_h_index(struct rest_req *rq);
void rest_h_schema(struct rest_req *rq);
void rest_h_openapi(struct rest_req *rq);
void rest_h_class(struct rest_req *rq);   /* rest_resources.c */
void rest_h_object(struct rest_req *rq);
void rest_h_action(struct rest_req *rq);
void rest_h_config(struct rest_req *rq);  /* rest_history.c */
void rest_h_versions(struct rest_req *rq);
void rest_h_version(struct rest_req *rq);
void rest_h_diff(struct rest_req *rq);
void rest_h_rollback(struct rest_req *rq);
void rest_h_confirm(struct rest_req *rq);
void rest_h_events(struct rest_req *rq);  /* rest_events.c */
void rest_h_commands(struct rest_req *rq);
void rest_h_stream(struct rest_req *rq);
void rest_h_session(struct rest_req *rq); /* rest_users.c */
void rest_h_users(struct rest_req *rq);
void rest_h_user(struct rest_req *rq);
void rest_h_tokens(struct rest_req *rq);
void rest_h_token(struct rest_req *rq);
void rest_h_backup(struct rest_req *rq);  /* rest_backup.c */
void rest_h_restore(struct rest_req *rq);
void rest_h_logs(struct rest_req *rq);    /* rest_logs.c */
void rest_h_log(struct rest_req *rq);
void rest_h_log_follow(struct rest_req *rq);
void rest_h_log_export(struct rest_req *rq); /* rest_logs_export.c */
void rest_h_metrics(struct rest_req *rq); /* rest_metrics.c */
void rest_h_metrics_graph(struct rest_req *rq);
void rest_h_metric(struct rest_req *rq);

/* rest_auth.c: who is asking, and may they. */
/* Authenticate rq from its Authorization header or session cookie.  0 and
 * rq->who, or a negative errno after answering 401 or 403. */
int rest_authenticate(struct rest_req *rq);
/* The role a request needs (pure: route and method). */
enum auth_role rest_required_role(const struct rest_route *rt,
				  unsigned method);

/* rest_events.c: the live event hub behind /events/stream. */
int rest_hub_new(struct core *c, unsigned max_streams, struct rest_hub **out);
/* Wake every stream so that it ends (server stopping). */
void rest_hub_shutdown(struct rest_hub *h);
/* Other streams (log follow) share the hub's limit and stop: enter
 * returns false when max_streams are open; wait sleeps up to ms (less
 * when an event comes) and returns false once the server stops. */
bool rest_hub_enter(struct rest_hub *h);
void rest_hub_leave(struct rest_hub *h);
bool rest_hub_wait(struct rest_hub *h, unsigned ms);
void rest_hub_free(struct rest_hub *h);

#endif
