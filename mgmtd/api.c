/* Request dispatch: reads from the snapshot, writes through transactions. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "action.h"
#include "api.h"
#include "api_internal.h"
#include "err.h"
#include "plugin_loader.h"
#include "txn.h"

json_t *api_error_list(const struct mgmtd_err *err)
{
	json_t *list = json_array();

	for (unsigned i = 0; i < err->count; i++)
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:s}", "path",
					err->items[i].path, "message",
					err->items[i].message, "code",
					err_code_name(err->items[i].code)));
	return list;
}

json_t *api_problem(const struct mgmtd_err *err)
{
	enum mgmtd_err_code code = err->count ? err->items[0].code
					      : MGMTD_E_FAILED;
	json_t *list = api_error_list(err);

	return json_pack("{s:b, s:i, s:s, s:o}", "ok", 0, "status",
			 err_code_http_status(code), "title",
			 code == MGMTD_E_INVALID || code == MGMTD_E_NOT_WRITABLE ||
					 code == MGMTD_E_INCONSISTENT
				 ? "invalid configuration"
				 : err_code_name(code),
			 "errors", list);
}

json_t *api_error(enum mgmtd_err_code code, const char *path,
		  const char *message)
{
	struct mgmtd_err err = { 0 };

	mgmtd_err_add(&err, code, path, "%s", message);
	return api_problem(&err);
}

json_t *api_ok(void)
{
	return json_pack("{s:b}", "ok", 1);
}

static json_t *op_get(struct core *c, json_t *rq)
{
	struct snapshot *s = core_snapshot(c);
	json_t *resp = api_ok();

	json_object_set_new(resp, "version", json_integer(s->version));
	json_object_set_new(resp, "config",
			    schema_mask_secrets(&c->schema, s->config));
	snapshot_unref(s);
	return resp;
}

static json_t *op_state(struct core *c, json_t *rq)
{
	struct snapshot *s = core_snapshot(c);
	json_t *resp = api_ok();

	json_object_set_new(resp, "version", json_integer(s->version));
	json_object_set(resp, "state", s->state);
	snapshot_unref(s);
	return resp;
}

static json_t *op_plugins(struct core *c, json_t *rq)
{
	json_t *list = json_array();

	for (size_t i = 0; i < c->n_plugins; i++) {
		const struct mgmtd_plugin *p = c->plugins[i]->desc;
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:s, s:i, s:s}", "name",
					p->name, "version", p->version,
					"description",
					p->description ? p->description : "",
					"mib_arc", (int)p->mib_arc, "path",
					c->plugins[i]->path));
	}
	json_t *resp = api_ok();
	json_object_set_new(resp, "plugins", list);
	return resp;
}

/* Turn a transaction's outcome into a response. */
json_t *api_txn_response(int rc, struct txn_result *res,
			 const struct mgmtd_err *err)
{
	json_t *resp;

	if (rc < 0) {
		txn_result_fini(res);
		return api_problem(err);
	}
	resp = api_ok();
	json_object_set_new(resp, "version", json_integer(res->version));
	json_object_set_new(resp, "changed", json_boolean(res->changed));
	if (res->changes)
		json_object_set(resp, "changes", res->changes);
	txn_result_fini(res);
	return resp;
}

void api_request_of(const struct api_caller *who, json_t *rq,
		    struct txn_request *out)
{
	json_t *t = json_object_get(rq, "confirm_timeout");

	*out = (struct txn_request){
		.user = who->user,
		.source = who->source,
		.interface = who->interface,
		.audit = who->audit,
		.summary = json_string_value(json_object_get(rq, "summary")),
		.confirm_timeout = json_is_integer(t) && json_integer_value(t) > 0
					   ? (unsigned)json_integer_value(t)
					   : 0,
	};
}

static json_t *op_replace(struct core *c, const struct api_caller *who,
			  json_t *rq)
{
	struct mgmtd_err err = { 0 };
	struct txn_result res = { 0 };
	struct txn_request trq;
	json_t *cfg = json_object_get(rq, "config");

	if (!json_is_object(cfg))
		return api_error(MGMTD_E_INVALID, "config",
				 "a whole configuration object is required");
	api_request_of(who, rq, &trq);
	return api_txn_response(txn_commit(c, cfg, &trq, &res, &err), &res,
				&err);
}

static json_t *op_action(struct core *c, const struct api_caller *who,
			 json_t *rq)
{
	struct mgmtd_err err = { 0 };
	struct txn_request trq;
	const char *plugin = json_string_value(json_object_get(rq, "plugin"));
	const char *cls = json_string_value(json_object_get(rq, "class"));
	const char *act = json_string_value(json_object_get(rq, "action"));
	json_t *params = json_object_get(rq, "params");

	if (!plugin || !cls || !act)
		return api_error(MGMTD_E_INVALID, "action",
				 "plugin, class and action are required");
	api_request_of(who, rq, &trq);
	if (action_run(c, &trq, plugin, cls,
		       json_string_value(json_object_get(rq, "key")), act,
		       params, &err) < 0)
		return api_problem(&err);
	return api_ok();
}

static json_t *op_confirm(struct core *c, const struct api_caller *who,
			  json_t *rq)
{
	struct mgmtd_err err = { 0 };
	struct txn_request trq;

	api_request_of(who, rq, &trq);
	if (txn_confirm(c, &trq, &err) < 0)
		return api_problem(&err);
	return api_ok();
}

struct api_op {
	const char *name;
	bool writes;
	json_t *(*read)(struct core *c, json_t *rq);
	json_t *(*write)(struct core *c, const struct api_caller *who,
			 json_t *rq);
};

static const struct api_op ops[] = {
	{ .name = "get", .read = op_get },
	{ .name = "state", .read = op_state },
	{ .name = "plugins", .read = op_plugins },
	{ .name = "versions", .read = api_op_versions },
	{ .name = "show", .read = api_op_show },
	{ .name = "diff", .read = api_op_diff },
	{ .name = "events", .read = api_op_events },
	{ .name = "commands", .read = api_op_commands },
	{ .name = "replace", .writes = true, .write = op_replace },
	{ .name = "put", .writes = true, .write = api_op_put },
	{ .name = "patch", .writes = true, .write = api_op_patch },
	{ .name = "delete", .writes = true, .write = api_op_delete },
	{ .name = "rollback", .writes = true, .write = api_op_rollback },
	{ .name = "confirm", .writes = true, .write = op_confirm },
	{ .name = "action", .writes = true, .write = op_action },
};

json_t *api_handle(struct core *c, const struct api_caller *who,
		   json_t *request)
{
	const char *op = json_string_value(json_object_get(request, "op"));

	if (!op)
		return api_error(MGMTD_E_INVALID, "op", "no operation given");
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(ops[i].name, op) != 0)
			continue;
		return ops[i].writes ? ops[i].write(c, who, request)
				     : ops[i].read(c, request);
	}
	return api_error(MGMTD_E_NOT_FOUND, "op", "unknown operation");
}
