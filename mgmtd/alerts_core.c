/* Threshold alerts, the core's side: rules from the daemon config and
 * from the alerts plugin's thresholds, evaluation after each collect,
 * events into the journal (and so to the SNMP notifier), and what the
 * plugin asks through its context. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "core.h"
#include "log.h"
#include "store.h"

static const struct schema_class *thresholds_class(const struct core *c)
{
	const struct schema_plugin *sp =
		schema_plugin_find(&c->schema, ALERTS_PLUGIN);

	return sp ? schema_class_find(sp, ALERTS_CLS_THRESHOLDS) : NULL;
}

/* "FILE:LINE: path: message" for the first error, the line of the member
 * the path ends with when the group has it. */
static int explain(const struct core *c, const config_setting_t *group,
		   const struct mgmtd_err *err, char *msg, size_t len)
{
	const struct mgmtd_err_item *it = &err->items[0];
	const char *dot = strrchr(it->path, '.');
	const config_setting_t *m =
		dot ? config_setting_get_member(group, dot + 1) : NULL;

	snprintf(msg, len, "%s:%u: %s: %s", c->dc->path,
		 config_setting_source_line(m ? m : group), it->path,
		 it->message);
	return -EINVAL;
}

static int fail_at(const struct core *c, const config_setting_t *st,
		   const char *what, char *msg, size_t len)
{
	snprintf(msg, len, "%s:%u: alerts: %s", c->dc->path,
		 config_setting_source_line(st), what);
	return -EINVAL;
}

/* One rule of the daemon config, canonical, appended to c->alert_fixed. */
static int load_one(struct core *c, const struct schema_class *sc,
		    const config_setting_t *group, size_t i, char *msg,
		    size_t len)
{
	struct mgmtd_err err = { 0 };
	struct alert_rule r;
	const char *name = NULL;
	char path[MGMTD_ERR_PATH_LEN];
	json_t *in, *norm = NULL;
	size_t j;
	json_t *other;

	if (!config_setting_is_group(group))
		return fail_at(c, group, "each rule must be a group { ... }",
			       msg, len);
	config_setting_lookup_string(group, "name", &name);
	if (name)
		snprintf(path, sizeof(path), "alerts[%s]", name);
	else
		snprintf(path, sizeof(path), "alerts[%zu]", i);
	in = store_setting_to_json(group);
	if (schema_normalize_object(sc, path, in, &norm, &err) < 0 ||
	    alert_rule_from_json(&r, &c->schema, norm, true, &err, path) < 0) {
		json_decref(in);
		json_decref(norm);
		return err.count ? explain(c, group, &err, msg, len) : -ENOMEM;
	}
	alert_rule_fini(&r);
	json_decref(in);
	json_array_foreach(c->alert_fixed, j, other)
		if (json_equal(json_object_get(other, "name"),
			       json_object_get(norm, "name"))) {
			json_decref(norm);
			return fail_at(c, group, "two rules have this name",
				       msg, len);
		}
	json_array_append_new(c->alert_fixed, norm);
	return 0;
}

int alerts_core_load(struct core *c, char *msg, size_t msglen)
{
	const config_setting_t *list = daemon_config_group(c->dc, "alerts");
	const struct schema_class *sc = thresholds_class(c);
	int rc;

	json_decref(c->alert_fixed);
	if (!(c->alert_fixed = json_array()))
		return -ENOMEM;
	if (!c->alerts && (rc = alerts_new(&c->alerts)) < 0)
		return rc;
	if (!list)
		return 0;
	if (!config_setting_is_list(list))
		return fail_at(c, list, "must be a list of rules ( { ... } )",
			       msg, msglen);
	if (!sc)
		return fail_at(c, list, "the alerts plugin is not loaded",
			       msg, msglen);
	for (int i = 0; i < config_setting_length(list); i++)
		if ((rc = load_one(c, sc, config_setting_get_elem(list, i),
				   (size_t)i, msg, msglen)) < 0)
			return rc;
	return 0;
}

void alerts_core_free(struct core *c)
{
	alerts_free(c->alerts);
	json_decref(c->alert_fixed);
	c->alerts = NULL;
	c->alert_fixed = NULL;
}

bool alerts_core_owns(const struct plugin_handle *h)
{
	return strcmp(h->desc->name, ALERTS_PLUGIN) == 0;
}

static bool is_fixed(const struct core *c, json_t *name)
{
	size_t i;
	json_t *fixed;

	json_array_foreach(c->alert_fixed, i, fixed)
		if (json_equal(json_object_get(fixed, "name"), name))
			return true;
	return false;
}

/* Append the rules of array rules_json (canonical thresholds objects) to
 * rules; a rule that no longer resolves (its plugin gone) is skipped. */
static void add_rules(struct core *c, json_t *rules_json, bool fixed,
		      struct alert_rule *rules, size_t *n)
{
	size_t i;
	json_t *o;

	json_array_foreach(rules_json, i, o) {
		struct mgmtd_err err = { 0 };

		/* The daemon config's rule wins a name both use (accepted at
		 * start only: validate refuses it otherwise). */
		if (!fixed && is_fixed(c, json_object_get(o, "name")))
			continue;
		if (alert_rule_from_json(&rules[*n], &c->schema, o, fixed, &err,
					 "alerts") == 0)
			(*n)++;
		else if (err.count)
			log_debug("alerts", "rule skipped: %s: %s",
				  err.items[0].path, err.items[0].message);
	}
}

static void to_journal(void *arg, enum mgmtd_severity sev, const char *object,
		       const char *message)
{
	core_event(arg, sev, ALERTS_PLUGIN, object, "%s", message);
}

void alerts_core_eval(struct core *c, json_t *config, json_t *state)
{
	json_t *api = json_object_get(json_object_get(config, ALERTS_PLUGIN),
				      ALERTS_CLS_THRESHOLDS);
	size_t n = 0, max;
	struct alert_rule *rules;
	const struct alerts_sink sink = { .emit = to_journal, .arg = c };

	if (!c->alerts)
		return;
	if (!json_is_array(api))
		api = NULL;
	max = json_array_size(c->alert_fixed) + json_array_size(api);
	if (!(rules = calloc(max + 1, sizeof(*rules)))) {
		log_warn("alerts", "out of memory: alerts not evaluated");
		return;
	}
	add_rules(c, c->alert_fixed, true, rules, &n);
	add_rules(c, api, false, rules, &n);
	if (alerts_set_rules(c->alerts, rules, n, &sink) < 0) {
		log_warn("alerts", "out of memory: alerts not evaluated");
		return;
	}
	alerts_eval(c->alerts, state, core_realtime(), &sink);
}

/* ------------------------------------------------------------------ */
/* What the alerts plugin asks                                          */

struct foreach_arg {
	void (*fn)(void *arg, const struct mgmtd_alert *al);
	void *arg;
};

/* Without libm: the core links none. */
static int64_t rounded(double v)
{
	if (!isfinite(v) || v > 9e18 || v < -9e18)
		return 0;
	return (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
}

static void one_alert(void *arg, const struct alert_status *st)
{
	const struct foreach_arg *fa = arg;
	const struct mgmtd_alert al = {
		.rule = st->rule->name,
		.object = st->object,
		.attribute = st->rule->attr,
		.severity = st->rule->severity,
		.value = rounded(st->value),
		.threshold = st->rule->value,
		.raised = st->raised,
		.clearing = st->clearing,
		.fixed = st->rule->fixed,
	};

	fa->fn(fa->arg, &al);
}

size_t mgmtd_alerts_foreach(const struct mgmtd_ctx *ctx,
			    void (*fn)(void *arg, const struct mgmtd_alert *al),
			    void *arg)
{
	struct foreach_arg fa = { .fn = fn, .arg = arg };

	return ctx->core->alerts ?
		       alerts_foreach(ctx->core->alerts, one_alert, &fa) : 0;
}

struct rules_arg {
	void (*fn)(void *arg, const char *rule, bool fixed, uint64_t raises,
		   unsigned firing);
	void *arg;
};

static void one_rule(void *arg, const struct alert_rule *r, uint64_t raises,
		     unsigned firing)
{
	const struct rules_arg *ra = arg;

	ra->fn(ra->arg, r->name, r->fixed, raises, firing);
}

size_t mgmtd_alert_rules_foreach(const struct mgmtd_ctx *ctx,
				 void (*fn)(void *arg, const char *rule,
					    bool fixed, uint64_t raises,
					    unsigned firing),
				 void *arg)
{
	struct rules_arg ra = { .fn = fn, .arg = arg };

	return ctx->core->alerts ?
		       alerts_foreach_rule(ctx->core->alerts, one_rule, &ra) :
		       0;
}

int mgmtd_alert_rule_check(const struct mgmtd_ctx *ctx,
			   const struct mgmtd_obj *rule, struct mgmtd_err *err,
			   const char *path)
{
	const struct core *c = ctx->core;
	/* Objects are JSON objects of the tree (see tree.c). */
	json_t *obj = (json_t *)rule;
	json_t *name = json_object_get(obj, "name");
	struct alert_rule r;
	char p[MGMTD_ERR_PATH_LEN];
	int rc;

	if (is_fixed(c, name)) {
		snprintf(p, sizeof(p), "%s.name", path);
		return mgmtd_err_add(err, MGMTD_E_CONFLICT, p,
				     "a rule of the daemon config is called %s",
				     json_string_value(name));
	}
	if ((rc = alert_rule_from_json(&r, &c->schema, obj, false, err,
				       path)) < 0)
		return rc;
	alert_rule_fini(&r);
	return 0;
}
