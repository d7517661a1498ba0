/* Alerts plugin: threshold rules as managed configuration (so they are
 * transactional, versioned, and in REST, SNMP and the UI like any class),
 * and the alerts raised now as state.  The core evaluates the rules after
 * each collect (mgmtd/alerts.c) and journals raising and clearing; this
 * plugin only declares, checks and publishes. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "mgmtd/plugin.h"

#define AL_CLS_THRESHOLDS "thresholds"
#define AL_CLS_ACTIVE "active"

static const char *const al_operators[] = { "gt", "ge", "lt", "le", NULL };
/* The event severities a rule may raise with (mgmtd_severity's names). */
static const char *const al_severities[] = { "emerg", "alert", "crit",
					     "error", "warning", "notice",
					     "info", NULL };

static const struct mgmtd_attr al_threshold_attrs[] = {
	{ .name = "name", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_KEY | MGMTD_A_CONFIG | MGMTD_A_REQUIRED,
	  .snmp_column = 2, .min = 1, .max = 64,
	  .pattern = "^[A-Za-z0-9][A-Za-z0-9_.-]*$",
	  .description = "Rule name" },
	{ .name = "plugin", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_CONFIG | MGMTD_A_REQUIRED, .snmp_column = 3,
	  .min = 1, .max = 64, .description = "Plugin of the watched class" },
	{ .name = "class", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_CONFIG | MGMTD_A_REQUIRED, .snmp_column = 4,
	  .min = 1, .max = 64, .description = "Watched class" },
	{ .name = "attribute", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_CONFIG | MGMTD_A_REQUIRED, .snmp_column = 5,
	  .min = 1, .max = 64,
	  .description = "Watched numeric gauge or counter (counters are "
			 "compared as a rate per second)" },
	{ .name = "key", .type = MGMTD_T_STRING, .flags = MGMTD_A_CONFIG,
	  .snmp_column = 6, .max = 255,
	  .description = "Key of the one object watched (empty: every "
			 "object of the class)" },
	{ .name = "operator", .type = MGMTD_T_ENUM,
	  .flags = MGMTD_A_CONFIG | MGMTD_A_REQUIRED, .snmp_column = 7,
	  .enum_values = al_operators,
	  .description = "Raise when the value is gt, ge, lt or le the "
			 "value" },
	{ .name = "value", .type = MGMTD_T_INT,
	  .flags = MGMTD_A_CONFIG | MGMTD_A_REQUIRED, .snmp_column = 8,
	  .description = "Threshold" },
	{ .name = "clear_value", .type = MGMTD_T_INT, .flags = MGMTD_A_CONFIG,
	  .snmp_column = 9,
	  .description = "Clear only back past this value (hysteresis; "
			 "default: the threshold)" },
	{ .name = "for", .type = MGMTD_T_DURATION, .flags = MGMTD_A_CONFIG,
	  .snmp_column = 10, .units = "seconds", .default_value = "0",
	  .min = 0, .max = 7 * 86400,
	  .description = "How long the value must stay past the threshold "
			 "before raising, and back before clearing" },
	{ .name = "severity", .type = MGMTD_T_ENUM, .flags = MGMTD_A_CONFIG,
	  .snmp_column = 11, .enum_values = al_severities,
	  .default_value = "warning",
	  .description = "Severity of the events raised" },
	{ .name = "enabled", .type = MGMTD_T_BOOL, .flags = MGMTD_A_CONFIG,
	  .snmp_column = 12, .default_value = "true",
	  .description = "Whether the rule is evaluated" },
	{ .name = "description", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_CONFIG, .snmp_column = 13, .max = 255,
	  .description = "What the rule is for" },
	{ .name = "raises", .type = MGMTD_T_INT,
	  .flags = MGMTD_A_STATE | MGMTD_A_COUNTER, .snmp_column = 14,
	  .description = "Alerts raised by the rule since mgmtd started" },
	{ .name = "firing", .type = MGMTD_T_INT,
	  .flags = MGMTD_A_STATE | MGMTD_A_GAUGE, .snmp_column = 15,
	  .description = "Alerts of the rule raised now" },
	{ .name = NULL },
};

static const struct mgmtd_class al_thresholds_class = {
	.name = AL_CLS_THRESHOLDS,
	.kind = MGMTD_COLLECTION,
	.snmp_table = 1,
	.description = "Threshold rules on gauges and counters of the live "
		       "state",
	.attrs = al_threshold_attrs,
	.max_objects = 1000,
};

static const struct mgmtd_attr al_active_attrs[] = {
	{ .name = "id", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_KEY | MGMTD_A_STATE, .snmp_column = 2,
	  .description = "Rule and object: \"<rule>:<object>\"" },
	{ .name = "rule", .type = MGMTD_T_STRING, .flags = MGMTD_A_STATE,
	  .snmp_column = 3, .description = "Rule that raised it" },
	{ .name = "object", .type = MGMTD_T_STRING, .flags = MGMTD_A_STATE,
	  .snmp_column = 4,
	  .description = "Object past the threshold (plugin.class[key])" },
	{ .name = "attribute", .type = MGMTD_T_STRING, .flags = MGMTD_A_STATE,
	  .snmp_column = 5, .description = "Attribute watched" },
	{ .name = "value", .type = MGMTD_T_INT, .flags = MGMTD_A_STATE,
	  .snmp_column = 6,
	  .description = "Last value compared (a counter's rate per second)" },
	{ .name = "threshold", .type = MGMTD_T_INT, .flags = MGMTD_A_STATE,
	  .snmp_column = 7, .description = "The rule's threshold" },
	{ .name = "severity", .type = MGMTD_T_ENUM, .flags = MGMTD_A_STATE,
	  .snmp_column = 8, .enum_values = al_severities,
	  .description = "Severity of the rule" },
	{ .name = "since", .type = MGMTD_T_INT, .flags = MGMTD_A_STATE,
	  .snmp_column = 9, .units = "seconds",
	  .description = "When it was raised (seconds since the epoch)" },
	{ .name = "clearing", .type = MGMTD_T_BOOL, .flags = MGMTD_A_STATE,
	  .snmp_column = 10,
	  .description = "Back past the clear value, not yet for long "
			 "enough" },
	{ .name = "daemon_config", .type = MGMTD_T_BOOL,
	  .flags = MGMTD_A_STATE, .snmp_column = 11,
	  .description = "Raised by a rule of the daemon config (read-only)" },
	{ .name = NULL },
};

static const struct mgmtd_class al_active_class = {
	.name = AL_CLS_ACTIVE,
	.kind = MGMTD_COLLECTION,
	.snmp_table = 2,
	.description = "Threshold alerts raised now",
	.attrs = al_active_attrs,
};

static const struct mgmtd_class *const al_classes[] = {
	&al_thresholds_class,
	&al_active_class,
	NULL,
};

static int al_validate(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		       const struct mgmtd_tree *run, struct mgmtd_err *err)
{
	size_t n = mgmtd_tree_count(cand, AL_CLS_THRESHOLDS);
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		const struct mgmtd_obj *o =
			mgmtd_tree_at(cand, AL_CLS_THRESHOLDS, i);
		struct mgmtd_err late = { 0 };
		char path[MGMTD_ERR_PATH_LEN];

		snprintf(path, sizeof(path), "alerts.%s[%s]",
			 AL_CLS_THRESHOLDS, mgmtd_obj_str(o, "name"));
		if (run) {
			if (mgmtd_alert_rule_check(ctx, o, err, path) < 0)
				rc = -EINVAL;
			continue;
		}
		/* At start a rule accepted once may name a plugin no longer
		 * loaded: not worth keeping mgmtd down; it is not evaluated. */
		if (mgmtd_alert_rule_check(ctx, o, &late, path) < 0 &&
		    late.count)
			mgmtd_event(ctx, MGMTD_SEV_WARNING, path,
				    "rule not evaluated: %s: %s",
				    late.items[0].path, late.items[0].message);
	}
	return rc;
}

static void put_alert(void *arg, const struct mgmtd_alert *al)
{
	struct mgmtd_state *st = arg;
	char id[512];

	snprintf(id, sizeof(id), "%s:%s", al->rule, al->object);
	if (mgmtd_state_obj(st, AL_CLS_ACTIVE, id) < 0)
		return;
	mgmtd_state_str(st, "rule", al->rule);
	mgmtd_state_str(st, "object", al->object);
	mgmtd_state_str(st, "attribute", al->attribute);
	mgmtd_state_int(st, "value", al->value);
	mgmtd_state_int(st, "threshold", al->threshold);
	if ((unsigned)al->severity < 7)
		mgmtd_state_str(st, "severity", al_severities[al->severity]);
	mgmtd_state_int(st, "since", al->raised);
	mgmtd_state_bool(st, "clearing", al->clearing);
	mgmtd_state_bool(st, "daemon_config", al->fixed);
}

struct rules_arg {
	struct mgmtd_state *st;
	const struct mgmtd_tree *run;
};

static void put_rule(void *arg, const char *rule, bool fixed, uint64_t raises,
		     unsigned firing)
{
	const struct rules_arg *ra = arg;
	struct mgmtd_state *st = ra->st;

	/* The daemon config's rules are not objects of the managed config
	 * (their alerts show in active only), and a rule just deleted is
	 * forgotten by the engine at the next collect only. */
	if (fixed || !mgmtd_tree_find(ra->run, AL_CLS_THRESHOLDS, rule) ||
	    mgmtd_state_obj(st, AL_CLS_THRESHOLDS, rule) < 0)
		return;
	mgmtd_state_int(st, "raises", (int64_t)raises);
	mgmtd_state_int(st, "firing", firing);
}

static int al_collect(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		      struct mgmtd_state *st)
{
	struct rules_arg ra = { .st = st, .run = run };

	mgmtd_alert_rules_foreach(ctx, put_rule, &ra);
	mgmtd_alerts_foreach(ctx, put_alert, st);
	return 0;
}

const struct mgmtd_plugin MGMTD_PLUGIN_SYMBOL = {
	.abi = MGMTD_PLUGIN_ABI,
	.name = "alerts",
	.version = "1.0",
	.description = "Threshold alerts on gauges and counters",
	.mib_arc = 5,
	.classes = al_classes,
	.validate = al_validate,
	.collect = al_collect,
};
