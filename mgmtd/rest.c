/* The REST front end: CivetWeb set up from the daemon config, and the one
 * request handler under /api/v1 that authenticates, checks the role,
 * reads the body and hands the request to its resource's handler. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <civetweb.h>

#include "fileutil.h"
#include "log.h"
#include "rest.h"
#include "rest_internal.h"

static const rest_handler handlers[] = {
	[RT_INDEX] = rest_h_index,	 [RT_SCHEMA] = rest_h_schema,
	[RT_OPENAPI] = rest_h_openapi,	 [RT_SESSION] = rest_h_session,
	[RT_USERS] = rest_h_users,	 [RT_USER] = rest_h_user,
	[RT_TOKENS] = rest_h_tokens,	 [RT_TOKEN] = rest_h_token,
	[RT_CONFIG] = rest_h_config,	 [RT_VERSIONS] = rest_h_versions,
	[RT_VERSION] = rest_h_version,	 [RT_DIFF] = rest_h_diff,
	[RT_ROLLBACK] = rest_h_rollback, [RT_CONFIRM] = rest_h_confirm,
	[RT_EVENTS] = rest_h_events,	 [RT_STREAM] = rest_h_stream,
	[RT_COMMANDS] = rest_h_commands, [RT_CLASS] = rest_h_class,
	[RT_OBJECT] = rest_h_object,	 [RT_ACTION] = rest_h_action,
	[RT_BACKUP] = rest_h_backup,	 [RT_RESTORE] = rest_h_restore,
	[RT_LOGS] = rest_h_logs,	 [RT_LOG] = rest_h_log,
	[RT_LOG_FOLLOW] = rest_h_log_follow,
	[RT_LOG_EXPORT] = rest_h_log_export,
	[RT_METRICS] = rest_h_metrics,	 [RT_METRIC] = rest_h_metric,
	[RT_METRICS_GRAPH] = rest_h_metrics_graph,
};

void rest_h_index(struct rest_req *rq)
{
	struct snapshot *s = core_snapshot(rq->rest->core);
	json_t *links = json_array();
	char etag[64];

	for (size_t i = 0; i < rq->rest->core->schema.n_plugins; i++) {
		const struct schema_plugin *sp = &rq->rest->core->schema.plugins[i];
		for (size_t j = 0; j < sp->n_classes; j++)
			json_array_append_new(
				links, json_pack("{s:s+++}", "href", REST_PREFIX "/",
						 sp->name, "/",
						 sp->classes[j].cls->name));
	}
	rest_etag_header(s->version, etag, sizeof(etag));
	rest_send_json(rq, 200,
		       json_pack("{s:s, s:i, s:s, s:s, s:o}", "name", "mgmtd",
				 "version", (int)s->version, "schema",
				 REST_PREFIX "/schema", "openapi",
				 REST_PREFIX "/openapi.json", "classes", links),
		       etag);
	snapshot_unref(s);
}

void rest_h_schema(struct rest_req *rq)
{
	rest_send_json(rq, 200, rest_schema_doc(&rq->rest->core->schema), NULL);
}

void rest_h_openapi(struct rest_req *rq)
{
	rest_send_json(rq, 200,
		       rest_openapi_doc(&rq->rest->core->schema, PACKAGE_VERSION),
		       NULL);
}

/* Whether a request with this route and method carries a body. */
static bool wants_body(const struct rest_req *rq, bool *required)
{
	*required = false;
	if (!(rq->method & (REST_POST | REST_PUT | REST_PATCH)))
		return false;
	if (rq->route.kind == RT_ACTION || rq->route.kind == RT_CONFIRM) {
		/* Optional: parameters, or nothing at all. */
		return rq->ri->content_length > 0 ||
		       (rq->ri->content_length < 0 &&
			mg_get_header(rq->conn, "Transfer-Encoding"));
	}
	*required = true;
	return true;
}

static void compose_audit(struct rest_req *rq)
{
	const char *qs = rq->ri->query_string;
	char body[640];

	rest_body_audit_text(rq->route.sc, rq->body, body, sizeof(body));
	snprintf(rq->audit, sizeof(rq->audit), "role=%s %s %s%s%s%s%s",
		 auth_role_name(rq->who.role), rq->ri->request_method, rq->path,
		 qs ? "?" : "", qs ? qs : "", body[0] ? " " : "", body);
}

/* Everything after routing: who, may they, the body, the handler. */
static void serve(struct rest_req *rq)
{
	bool required;

	if (rq->route.kind == RT_SESSION && rq->method == REST_POST) {
		if (rest_read_body(rq) == 0)
			rest_h_session(rq);
		return;
	}
	if (rest_authenticate(rq) < 0)
		return;
	rq->write = !(rq->method & (REST_GET | REST_HEAD | REST_OPTIONS)) &&
		    rq->route.kind != RT_SESSION;
	compose_audit(rq);
	if (rq->who.role < rest_required_role(&rq->route, rq->method)) {
		rest_fail(rq, 403, "role %s may not %s %s (needs %s)",
			  auth_role_name(rq->who.role), rq->ri->request_method,
			  rq->path,
			  auth_role_name(rest_required_role(&rq->route,
							    rq->method)));
		return;
	}
	if (wants_body(rq, &required)) {
		if (rest_read_body(rq) < 0)
			return;
		compose_audit(rq);
	}
	handlers[rq->route.kind](rq);
}

static int api_handler(struct mg_connection *conn, void *arg)
{
	struct rest_req rq = {
		.rest = arg,
		.conn = conn,
		.ri = mg_get_request_info(conn),
	};
	char allow[128], headers[192];

	rq.method = rest_method_parse(rq.ri->request_method);
	rq.path = rq.ri->local_uri ? rq.ri->local_uri : "";
	snprintf(rq.source, sizeof(rq.source), "%s", rq.ri->remote_addr);
	rest_route_parse(&rq.rest->core->schema, rq.path, rq.method, &rq.route);
	if (rq.route.kind == RT_NONE) {
		rest_fail(&rq, 404, "no resource at %s", rq.path);
	} else if (!(rq.method & rq.route.methods)) {
		rest_methods_text(rq.route.methods, allow, sizeof(allow));
		snprintf(headers, sizeof(headers), "Allow: %s\r\n", allow);
		rq.status = 405;
		rest_send_json(&rq, 405,
			       rest_problem(405, "method not allowed here"),
			       headers);
	} else if (rq.method == REST_OPTIONS) {
		rest_methods_text(rq.route.methods, allow, sizeof(allow));
		snprintf(headers, sizeof(headers), "Allow: %s\r\n", allow);
		rest_send_json(&rq, 204, NULL, headers);
	} else {
		serve(&rq);
	}
	log_debug("rest", "%s %s %s%s -> %d (%s)", rq.source,
		  rq.ri->request_method, rq.path,
		  rq.ri->query_string ? "?" : "", rq.status,
		  rq.who.user[0] ? rq.who.user : "-");
	json_decref(rq.body);
	return rq.status ? rq.status : 500;
}

/* CivetWeb's own messages go to our log. */
static int on_log(const struct mg_connection *conn, const char *message)
{
	log_warn("rest", "civetweb: %s", message);
	return 1;
}

struct rest_run {
	struct rest rest;
	char listen[1024];
	char threads[16], max_body[16];
};

static int certificate(struct rest *r, char *msg, size_t len)
{
	char cert[PATH_MAX + 16], host[256] = "localhost";
	int rc;

	if (r->set.certificate) {
		snprintf(r->tls_pem, sizeof(r->tls_pem), "%s", r->set.certificate);
		return 0;
	}
	snprintf(r->tls_pem, sizeof(r->tls_pem), "%s/tls.pem", r->dir);
	snprintf(cert, sizeof(cert), "%s/cert.pem", r->dir);
	gethostname(host, sizeof(host) - 1);
	if ((rc = rest_cert_ensure(r->tls_pem, cert, host)) < 0)
		snprintf(msg, len, "cannot make a TLS certificate in %s", r->dir);
	return rc;
}

/* Where the listeners ended up (port 0 picks a free one): logged, and
 * written to <state_dir>/rest/listening for tools and tests. */
static void record_ports(struct rest *r)
{
	struct mg_server_port ports[2 * REST_MAX_LISTEN];
	int n = mg_get_server_ports(r->mg, 2 * REST_MAX_LISTEN, ports);
	char text[1024] = "", path[PATH_MAX + 16];
	size_t used = 0, bused = 0;

	bused = (size_t)snprintf(r->banner, sizeof(r->banner), "REST:");
	for (int i = 0; i < n && used < sizeof(text); i++) {
		bool v6 = ports[i].protocol == 3;
		const char *scheme = ports[i].is_ssl ? "https" : "http";
		char host[64] = "127.0.0.1";
		/* The configured address of this listener, in order. */
		char *const *list = ports[i].is_ssl ? r->set.https : r->set.http;
		int k = 0;
		for (int j = 0; j < i; j++)
			k += ports[j].is_ssl == ports[i].is_ssl;
		if (k < REST_MAX_LISTEN && list[k]) {
			const char *colon = strrchr(list[k], ':');
			snprintf(host, sizeof(host), "%.*s",
				 (int)(colon - list[k]), list[k]);
		}
		if (!strcmp(host, "0.0.0.0") || !strcmp(host, "[::]"))
			snprintf(host, sizeof(host), v6 ? "[::1]" : "127.0.0.1");
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "%s://%s:%d\n", scheme, host,
					 ports[i].port);
		if (bused < sizeof(r->banner))
			bused += (size_t)snprintf(r->banner + bused,
						  sizeof(r->banner) - bused,
						  " %s://%s:%d", scheme, host,
						  ports[i].port);
	}
	snprintf(path, sizeof(path), "%s/listening", r->dir);
	if (fileutil_write_atomic(path, text, strlen(text), 0644) < 0)
		log_warn("rest", "cannot write %s", path);
}

static int start_server(struct rest_run *run, char *msg, size_t len)
{
	struct rest *r = &run->rest;
	struct mg_callbacks cb = { .log_message = on_log };
	const char *opts[40];
	size_t n = 0;
	int rc;

	if ((rc = rest_listen_spec(&r->set, run->listen, sizeof(run->listen))) < 0)
		return rc;
	snprintf(run->threads, sizeof(run->threads), "%u", r->set.threads);
#define OPT(k, v) (opts[n++] = (k), opts[n++] = (v))
	OPT("listening_ports", run->listen);
	OPT("num_threads", run->threads);
	OPT("enable_keep_alive", "yes");
	OPT("keep_alive_timeout_ms", "5000");
	OPT("request_timeout_ms", "30000");
	OPT("tcp_nodelay", "1");
	OPT("enable_directory_listing", "no");
	/* On what CivetWeb serves itself: the UI's files and its errors.
	 * The UI loads only its own scripts and styles (no inline ones,
	 * styles set through the CSSOM), talks only to this origin and is
	 * framed by nobody (clickjacking of reboot, delete). */
	OPT("additional_header",
	    "X-Content-Type-Options: nosniff\r\n"
	    "Content-Security-Policy: default-src 'self'; "
	    "script-src 'self'; style-src 'self'; img-src 'self'; "
	    "connect-src 'self'; object-src 'none'; base-uri 'none'; "
	    "form-action 'self'; frame-ancestors 'none'\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: no-referrer");
	if (r->set.document_root)
		OPT("document_root", r->set.document_root);
	if (r->set.https[0]) {
		if ((rc = certificate(r, msg, len)) < 0)
			return rc;
		OPT("ssl_certificate", r->tls_pem);
		OPT("ssl_protocol_version", "4"); /* TLS 1.2 and later */
		OPT("ssl_short_trust", "no");
	}
	opts[n] = NULL;
#undef OPT
	mg_init_library(MG_FEATURES_TLS | MG_FEATURES_IPV6 |
			MG_FEATURES_FILES);
	if (!(r->mg = mg_start(&cb, r, opts))) {
		snprintf(msg, len, "CivetWeb cannot listen on %s", run->listen);
		mg_exit_library();
		return -EADDRINUSE;
	}
	mg_set_request_handler(r->mg, REST_PREFIX, api_handler, r);
	record_ports(r);
	return 0;
}

static void rest_stop(void *state)
{
	struct rest_run *run = state;
	struct rest *r = &run->rest;

	if (r->hub)
		rest_hub_shutdown(r->hub);
	if (r->mg) {
		mg_stop(r->mg);
		mg_exit_library();
	}
	/* No worker runs now: nothing can reach the hub but the core. */
	if (r->hub)
		core_remove_listener(r->core, r->hub);
	rest_hub_free(r->hub);
	rest_cache_free(r->cache);
	if (r->auth)
		auth_close(r->auth);
	rest_settings_fini(&r->set);
	free(run);
}

static int rest_start(struct core *c, struct loop *l, void **state)
{
	struct rest_run *run;
	char msg[1024] = "";
	bool present;
	int rc;

	*state = NULL;
	if (!(run = calloc(1, sizeof(*run))))
		return -ENOMEM;
	run->rest.core = c;
	if ((rc = rest_settings_load(c->dc, &present, &run->rest.set, msg,
				     sizeof(msg))) < 0 || !present)
		goto fail;
	snprintf(run->rest.dir, sizeof(run->rest.dir), "%s/rest",
		 c->dc->state_dir);
	if ((rc = fileutil_mkdir_p(run->rest.dir, 0700)) < 0) {
		snprintf(msg, sizeof(msg), "cannot create %s", run->rest.dir);
		goto fail;
	}
	if ((rc = auth_open(c, c->dc->state_dir, run->rest.set.session_ttl,
			    &run->rest.auth)) < 0) {
		snprintf(msg, sizeof(msg), "cannot open the user database");
		goto fail;
	}
	if ((rc = rest_cache_new(&run->rest.cache)) < 0 ||
	    (rc = rest_hub_new(c, run->rest.set.max_streams, &run->rest.hub)) < 0 ||
	    (rc = start_server(run, msg, sizeof(msg))) < 0)
		goto fail;
	*state = run;
	return 0;
fail:
	if (rc < 0)
		log_err("rest", "%s", msg[0] ? msg : strerror(-rc));
	rest_stop(run);
	return rc;
}

static void rest_describe(void *state, char *buf, size_t len)
{
	struct rest_run *run = state;

	snprintf(buf, len, "%s", run->rest.banner);
}

const struct frontend rest_frontend = {
	.name = "rest",
	.start = rest_start,
	.stop = rest_stop,
	.describe = rest_describe,
};
