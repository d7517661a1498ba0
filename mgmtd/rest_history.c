/* The configuration as a whole: versions, diffs, rollback and
 * commit-confirmed, mapped onto the api_handle operations. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rest_internal.h"

static json_t *call(struct rest_req *rq, json_t *apirq)
{
	struct api_caller who;
	json_t *resp;

	rest_caller(rq, &who);
	resp = api_handle(rq->rest->core, &who, apirq);
	json_decref(apirq);
	return resp;
}

/* After a write: journaled by the core unless nothing changed. */
static void write_done(struct rest_req *rq, json_t *resp)
{
	char etag[64];

	rq->journaled = true;
	if (json_is_true(json_object_get(resp, "ok")) &&
	    json_is_false(json_object_get(resp, "changed")))
		rest_audit(rq, "ok (no change)",
			   (unsigned)json_integer_value(
				   json_object_get(resp, "version")));
	rest_etag_header((unsigned)json_integer_value(json_object_get(resp, "version")),
			 etag, sizeof(etag));
	rest_send_api(rq, resp, 200, NULL, etag);
}

void rest_h_config(struct rest_req *rq)
{
	struct snapshot *s;
	json_t *apirq;
	char etag[64];

	if (rq->method == REST_PUT) {
		apirq = json_pack("{s:s, s:O}", "op", "replace", "config",
				  rq->body);
		if (rest_write_request(rq, apirq) < 0) {
			json_decref(apirq);
			return;
		}
		write_done(rq, call(rq, apirq));
		return;
	}
	s = core_snapshot(rq->rest->core);
	rest_etag_header(s->version, etag, sizeof(etag));
	rest_send_json(rq, 200, schema_mask_secrets(&rq->rest->core->schema,
						    s->config),
		       etag);
	snapshot_unref(s);
}

void rest_h_versions(struct rest_req *rq)
{
	json_t *resp = call(rq, json_pack("{s:s}", "op", "versions"));
	json_t *list = json_object_get(resp, "versions");

	rest_send_api(rq, resp, 200,
		      json_pack("{s:O, s:O, s:I}", "current",
				json_object_get(resp, "current"), "items", list,
				"total", (json_int_t)json_array_size(list)),
		      NULL);
}

void rest_h_version(struct rest_req *rq)
{
	char *end;
	long long v = strtoll(rq->route.arg, &end, 10);

	if (end == rq->route.arg || *end || v < 1) {
		rest_fail(rq, 404, "no version %s in the history", rq->route.arg);
		return;
	}
	rest_send_api(rq, call(rq, json_pack("{s:s, s:I}", "op", "show",
					     "version", (json_int_t)v)),
		      200, NULL, NULL);
}

void rest_h_diff(struct rest_req *rq)
{
	struct snapshot *s = core_snapshot(rq->rest->core);
	long long cur = s->version, from, to;

	snapshot_unref(s);
	/* Defaults: the last change. */
	if (rest_query_int(rq, "to", cur, 0, UINT32_MAX, &to) < 0 ||
	    rest_query_int(rq, "from", to > 0 ? to - 1 : 0, 0, UINT32_MAX,
			   &from) < 0)
		return;
	rest_send_api(rq, call(rq, json_pack("{s:s, s:I, s:I}", "op", "diff",
					     "from", (json_int_t)from, "to",
					     (json_int_t)to)),
		      200, NULL, NULL);
}

void rest_h_rollback(struct rest_req *rq)
{
	json_t *v = json_object_get(rq->body, "version"), *apirq;

	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		rest_fail(rq, 400, "version: a version number is required");
		return;
	}
	apirq = json_pack("{s:s, s:O}", "op", "rollback", "version", v);
	if (rest_write_request(rq, apirq) < 0) {
		json_decref(apirq);
		return;
	}
	write_done(rq, call(rq, apirq));
}

/* GET /config/confirm: the change waiting for confirmation, if any, so
 * that a client (the UI's banner) can show it and count down. */
static void confirm_show(struct rest_req *rq)
{
	struct core *c = rq->rest->core;
	struct confirm_pending p;
	long long now = (long long)core_realtime();
	json_t *o;

	pthread_mutex_lock(&c->txn_lock);
	p = c->confirm;
	pthread_mutex_unlock(&c->txn_lock);
	o = json_pack("{s:b}", "pending", p.active);
	if (p.active) {
		json_object_set_new(o, "version", json_integer(p.version));
		json_object_set_new(o, "version_before",
				    json_integer(p.version_before));
		json_object_set_new(o, "deadline",
				    json_integer((json_int_t)p.deadline));
		json_object_set_new(o, "remaining",
				    json_integer(p.deadline > now
							 ? p.deadline - now
							 : 0));
	}
	rest_send_json(rq, 200, o, NULL);
}

void rest_h_confirm(struct rest_req *rq)
{
	struct core *c = rq->rest->core;
	unsigned version;
	json_t *resp;

	if (rq->method != REST_POST) {
		confirm_show(rq);
		return;
	}
	pthread_mutex_lock(&c->txn_lock);
	version = c->confirm.version;
	pthread_mutex_unlock(&c->txn_lock);
	resp = call(rq, json_pack("{s:s}", "op", "confirm"));
	/* Confirmed: journaled by the core.  Refused: by rest_send_api. */
	rq->journaled = json_is_true(json_object_get(resp, "ok"));
	rest_send_api(rq, resp, 200,
		      json_pack("{s:I}", "version", (json_int_t)version), NULL);
}
