/* Threshold alerts: rules over the numeric state attributes that the
 * schema flags as gauges or counters (counters compared as a rate per
 * second between two collects), evaluated after each collect against the
 * state just collected.  Each (rule, object) pair runs a small state
 * machine, ok -> pending -> firing -> clearing -> ok, so that a value has
 * to hold past the threshold for `for` seconds before an alert is raised,
 * and back past the clear value (the hysteresis bound) as long before it
 * clears.  Raising and clearing each produce exactly one event.
 *
 * This file is the engine, pure but for its lock: events go to a sink, so
 * that unit tests see them.  alerts_core.c ties it to the core: rules from
 * the daemon config and from the alerts plugin's thresholds, events into
 * the journal. */
#ifndef MGMTD_ALERTS_H
#define MGMTD_ALERTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgmtd/plugin.h"
#include "schema.h"

enum alert_op { ALERT_OP_GT, ALERT_OP_GE, ALERT_OP_LT, ALERT_OP_LE };

enum alert_phase {
	ALERT_OK,       /* condition not met */
	ALERT_PENDING,  /* past the threshold, not yet for `for` seconds */
	ALERT_FIRING,   /* raised */
	ALERT_CLEARING, /* back past the clear value, not yet for long */
};

enum alert_change { ALERT_NONE, ALERT_RAISE, ALERT_CLEAR };

struct alert_rule {
	char *name, *plugin, *cls, *attr;
	char *key;             /* NULL: every object of the class */
	enum alert_op op;
	int64_t value;         /* raise past it */
	int64_t clear_value;   /* clear only back past it */
	int64_t for_s;         /* how long either must hold */
	enum mgmtd_severity severity;
	bool enabled;
	bool fixed;            /* from the daemon config: read-only */
	/* Resolved from the schema by alert_rule_resolve. */
	bool counter;          /* compare the rate per second */
	bool singleton;
};

/* One rule on one object. */
struct alert_inst {
	enum alert_phase phase;
	int64_t since; /* when the phase began (CLOCK_REALTIME seconds) */
	int64_t raised; /* when it was raised, while firing or clearing */
	double value;  /* the last value compared */
};

/* Feed value v seen at now to in; returns what that changes. */
enum alert_change alert_step(struct alert_inst *in, const struct alert_rule *r,
			     double v, int64_t now);

/* Operators as the schema names them ("gt"...); -EINVAL if unknown. */
int alert_op_parse(const char *s, enum alert_op *out);
const char *alert_op_name(enum alert_op op);

/* Fill r from a canonical thresholds object (borrowed; strings copied),
 * checking that plugin, class and attribute exist in s and that the
 * attribute is a gauge or counter, and that the clear value is not on the
 * wrong side of the value.  Problems are recorded in err under path
 * ("alerts.thresholds[x]") + ".attribute" and so on.  Returns 0, -EINVAL
 * or -ENOMEM; on failure r holds nothing (alert_rule_fini is harmless). */
int alert_rule_from_json(struct alert_rule *r, const struct schema *s,
			 json_t *obj, bool fixed, struct mgmtd_err *err,
			 const char *path);
void alert_rule_fini(struct alert_rule *r);
bool alert_rule_equal(const struct alert_rule *a, const struct alert_rule *b);

/* Where events go: object is the watched object's path
 * ("status.volumes[/srv]"), message names rule, object, value and
 * threshold. */
struct alerts_sink {
	void (*emit)(void *arg, enum mgmtd_severity sev, const char *object,
		     const char *message);
	void *arg;
};

struct alerts;

int alerts_new(struct alerts **out);
void alerts_free(struct alerts *a);

/* Replace the rules by rules[0..n) (taken over, array and contents, even
 * on failure).  A rule whose name disappears or whose definition changed
 * clears its alerts (one event each, through sink) and forgets its
 * objects; an unchanged one keeps them. */
int alerts_set_rules(struct alerts *a, struct alert_rule *rules, size_t n,
		     const struct alerts_sink *sink);

/* Evaluate every enabled rule against state ({plugin: {class: {attr} |
 * {key: {attr}}}}, borrowed) collected at now.  An object that is gone
 * clears its alert.  Returns the number of events emitted. */
unsigned alerts_eval(struct alerts *a, json_t *state, int64_t now,
		     const struct alerts_sink *sink);

/* What firing alerts look like to readers. */
struct alert_status {
	const struct alert_rule *rule;
	const char *key;        /* NULL for a singleton */
	const char *object;     /* "status.volumes[/srv]" */
	double value;
	int64_t raised;
	bool clearing;
};

/* fn for each raised alert, under the engine's lock (fn must not call
 * back into a).  Returns how many. */
size_t alerts_foreach(struct alerts *a,
		      void (*fn)(void *arg, const struct alert_status *st),
		      void *arg);
/* fn for each rule with the number of raises since start and of alerts
 * raised now, under the lock. */
size_t alerts_foreach_rule(struct alerts *a,
			   void (*fn)(void *arg, const struct alert_rule *r,
				      uint64_t raises, unsigned firing),
			   void *arg);
/* ------------------------------------------------------------------ */
/* The core's side (alerts_core.c)                                      */

struct core;
struct plugin_handle;

/* The plugin that declares the thresholds and publishes the alerts. */
#define ALERTS_PLUGIN "alerts"
#define ALERTS_CLS_THRESHOLDS "thresholds"
#define ALERTS_CLS_ACTIVE "active"

/* Read and check the rules of the daemon config (its `alerts` list) and
 * set up the engine.  Called before the start transaction and by
 * --check-config; msg says "FILE:LINE: alerts[name].attr: why". */
int alerts_core_load(struct core *c, char *msg, size_t msglen);
/* Evaluate the rules of the daemon config and of config (the published
 * managed config, borrowed; NULL: none) against state, the state just
 * collected (borrowed); events go to the journal. */
void alerts_core_eval(struct core *c, json_t *config, json_t *state);
/* Whether h is the alerts plugin, collected after the evaluation. */
bool alerts_core_owns(const struct plugin_handle *h);
void alerts_core_free(struct core *c);

#endif
