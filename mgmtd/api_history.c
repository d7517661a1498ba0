/* History, diffs, rollback and journal queries. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "api_internal.h"
#include "diff.h"
#include "log.h"

/* History files change under transactions: read them under the lock (a
 * short wait, and never for snapshot readers). */
json_t *api_op_versions(struct core *c, json_t *rq)
{
	json_t *resp = api_ok(), *list;

	pthread_mutex_lock(&c->txn_lock);
	list = store_versions(c->store);
	json_object_set_new(resp, "current",
			    json_integer(store_version(c->store)));
	pthread_mutex_unlock(&c->txn_lock);
	json_object_set_new(resp, "versions", list);
	return resp;
}

/* Version v's tree: 0 means empty, the running version the running tree. */
static int version_tree(struct core *c, json_int_t v, json_t **tree,
			struct store_meta *meta)
{
	int rc;

	if (v == 0) {
		*tree = json_object();
		return 0;
	}
	if (v < 0 || v > UINT32_MAX)
		return -ENOENT;
	pthread_mutex_lock(&c->txn_lock);
	rc = store_read_version(c->store, (unsigned)v, tree, meta);
	pthread_mutex_unlock(&c->txn_lock);
	return rc;
}

json_t *api_op_show(struct core *c, json_t *rq)
{
	json_t *vj = json_object_get(rq, "version"), *tree = NULL, *resp;
	struct store_meta meta = { 0 };

	if (!json_is_integer(vj) || json_integer_value(vj) < 1 ||
	    version_tree(c, json_integer_value(vj), &tree, &meta) < 0)
		return api_error(MGMTD_E_NOT_FOUND, "version",
				 "no such version in the history");
	resp = store_meta_json(&meta);
	json_object_set_new(resp, "ok", json_true());
	json_object_set_new(resp, "config", schema_mask_secrets(&c->schema, tree));
	json_decref(tree);
	return resp;
}

json_t *api_op_diff(struct core *c, json_t *rq)
{
	json_t *fj = json_object_get(rq, "from"), *tj = json_object_get(rq, "to");
	json_t *a = NULL, *b = NULL, *resp;

	if (!json_is_integer(fj) || !json_is_integer(tj))
		return api_error(MGMTD_E_INVALID, "from",
				 "from and to must be version numbers");
	if (version_tree(c, json_integer_value(fj), &a, NULL) < 0 ||
	    version_tree(c, json_integer_value(tj), &b, NULL) < 0) {
		json_decref(a);
		return api_error(MGMTD_E_NOT_FOUND, "version",
				 "no such version in the history");
	}
	resp = api_ok();
	json_object_set(resp, "from", fj);
	json_object_set(resp, "to", tj);
	json_object_set_new(resp, "changes", diff_trees(&c->schema, a, b));
	json_decref(a);
	json_decref(b);
	return resp;
}

json_t *api_op_rollback(struct core *c, const struct api_caller *who,
			json_t *rq)
{
	json_t *vj = json_object_get(rq, "version");
	struct mgmtd_err err = { 0 };
	struct txn_result res = { 0 };
	struct txn_request trq;

	if (!json_is_integer(vj) || json_integer_value(vj) < 1 ||
	    json_integer_value(vj) > UINT32_MAX)
		return api_error(MGMTD_E_INVALID, "version",
				 "a version number is required");
	api_request_of(who, rq, &trq);
	return api_txn_response(txn_rollback(c, (unsigned)json_integer_value(vj),
					     &trq, &res, &err),
				&res, &err);
}

struct records {
	json_t *list;
	enum journal_kind kind;
};

static int add_record(const struct journal_record *r, void *arg)
{
	struct records *out = arg;
	json_t *o;

	o = json_pack("{s:I, s:I}", "seq", (json_int_t)r->seq, "time_us",
		      (json_int_t)r->time_us);
	if (out->kind == JOURNAL_COMMANDS) {
		json_object_set_new(o, "user", json_string(r->user));
		json_object_set_new(o, "source", json_string(r->source));
		json_object_set_new(o, "interface", json_string(r->interface));
		json_object_set_new(o, "change", json_string(r->change));
		json_object_set_new(o, "result", json_string(r->result));
		json_object_set_new(o, "version", json_integer(r->version));
	} else {
		json_object_set_new(o, "severity",
				    json_string(log_level_name(r->severity)));
		json_object_set_new(o, "plugin", json_string(r->plugin));
		json_object_set_new(o, "object", json_string(r->object));
		json_object_set_new(o, "message", json_string(r->message));
	}
	json_array_append_new(out->list, o);
	return 0;
}

static json_int_t int_arg(json_t *rq, const char *name, json_int_t def)
{
	json_t *v = json_object_get(rq, name);

	return json_is_integer(v) ? json_integer_value(v) : def;
}

static json_t *query(struct journal *j, enum journal_kind kind, json_t *rq)
{
	const char *sev = json_string_value(json_object_get(rq, "severity"));
	struct journal_query q = {
		.since_us = int_arg(rq, "since", 0) * 1000000,
		.until_us = int_arg(rq, "until", 0) * 1000000,
		.max_severity = -1,
		.plugin = json_string_value(json_object_get(rq, "plugin")),
		.user = json_string_value(json_object_get(rq, "user")),
		.limit = (size_t)int_arg(rq, "limit", 100),
	};
	enum mgmtd_severity level;
	struct records out = { .kind = kind };
	json_t *resp;

	if (sev) {
		if (log_level_parse(sev, &level) < 0)
			return api_error(MGMTD_E_INVALID, "severity",
					 "unknown severity");
		q.max_severity = (int)level;
	}
	if (q.limit < 1 || q.limit > 100000)
		return api_error(MGMTD_E_INVALID, "limit",
				 "must be between 1 and 100000");
	out.list = json_array();
	if (journal_query(j, &q, add_record, &out) < 0) {
		json_decref(out.list);
		return api_error(MGMTD_E_FAILED, "", "cannot read the journal");
	}
	resp = api_ok();
	json_object_set_new(resp, "records", out.list);
	return resp;
}

json_t *api_op_events(struct core *c, json_t *rq)
{
	return query(c->events, JOURNAL_EVENTS, rq);
}

json_t *api_op_commands(struct core *c, json_t *rq)
{
	return query(c->commands, JOURNAL_COMMANDS, rq);
}
