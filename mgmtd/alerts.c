/* Threshold alerts: the engine (see alerts.h). */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "err.h"
#include "log.h"

/* One rule on one object, kept while the object is seen. */
struct alert_entry {
	size_t rule;      /* index in rules */
	char *key;        /* NULL for a singleton */
	char *object;     /* its path, for events */
	struct alert_inst in;
	double prev;      /* counters: the previous raw value */
	int64_t prev_t;
	bool have_prev;
	bool seen;        /* in this evaluation */
};

struct alerts {
	pthread_mutex_t lock; /* readers (the plugin's collect) vs the collector */
	struct alert_rule *rules;
	uint64_t *raises;     /* per rule, since start */
	size_t n_rules;
	struct alert_entry *entries;
	size_t n_entries, cap_entries;
	/* "<rule index>/<key>" -> entry index, so that a rule over
	 * thousands of objects costs no quadratic search; rebuilt whenever
	 * entries move. */
	json_t *index;
};

static const char *const op_names[] = {
	[ALERT_OP_GT] = "gt", [ALERT_OP_GE] = "ge",
	[ALERT_OP_LT] = "lt", [ALERT_OP_LE] = "le",
};
/* The raise condition, and the clear condition (the raise condition's
 * negation applied to the clear value). */
static const char *const op_signs[] = {
	[ALERT_OP_GT] = ">", [ALERT_OP_GE] = ">=",
	[ALERT_OP_LT] = "<", [ALERT_OP_LE] = "<=",
};
static const char *const clear_signs[] = {
	[ALERT_OP_GT] = "<=", [ALERT_OP_GE] = "<",
	[ALERT_OP_LT] = ">=", [ALERT_OP_LE] = ">",
};

int alert_op_parse(const char *s, enum alert_op *out)
{
	for (size_t i = 0; s && i < sizeof(op_names) / sizeof(op_names[0]);
	     i++)
		if (strcmp(s, op_names[i]) == 0) {
			*out = (enum alert_op)i;
			return 0;
		}
	return -EINVAL;
}

const char *alert_op_name(enum alert_op op)
{
	return op_names[op];
}

static bool past(enum alert_op op, double v, double bound)
{
	switch (op) {
	case ALERT_OP_GT:
		return v > bound;
	case ALERT_OP_GE:
		return v >= bound;
	case ALERT_OP_LT:
		return v < bound;
	case ALERT_OP_LE:
		return v <= bound;
	}
	return false;
}

enum alert_change alert_step(struct alert_inst *in, const struct alert_rule *r,
			     double v, int64_t now)
{
	bool raise = past(r->op, v, (double)r->value);
	bool clear = !past(r->op, v, (double)r->clear_value);

	in->value = v;
	switch (in->phase) {
	case ALERT_OK:
		if (!raise)
			return ALERT_NONE;
		in->phase = ALERT_PENDING;
		in->since = now;
		/* `for` may be 0 */
		/* fall through */
	case ALERT_PENDING:
		if (!raise) {
			in->phase = ALERT_OK;
			return ALERT_NONE;
		}
		if (now - in->since < r->for_s)
			return ALERT_NONE;
		in->phase = ALERT_FIRING;
		in->since = in->raised = now;
		return ALERT_RAISE;
	case ALERT_FIRING:
		if (!clear)
			return ALERT_NONE;
		in->phase = ALERT_CLEARING;
		in->since = now;
		/* fall through */
	case ALERT_CLEARING:
		if (!clear) {
			in->phase = ALERT_FIRING;
			return ALERT_NONE;
		}
		if (now - in->since < r->for_s)
			return ALERT_NONE;
		in->phase = ALERT_OK;
		in->since = now;
		return ALERT_CLEAR;
	}
	return ALERT_NONE;
}

static bool raised(const struct alert_inst *in)
{
	return in->phase == ALERT_FIRING || in->phase == ALERT_CLEARING;
}

/* ------------------------------------------------------------------ */
/* Rules                                                               */

void alert_rule_fini(struct alert_rule *r)
{
	free(r->name);
	free(r->plugin);
	free(r->cls);
	free(r->attr);
	free(r->key);
	memset(r, 0, sizeof(*r));
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool alert_rule_equal(const struct alert_rule *a, const struct alert_rule *b)
{
	return str_eq(a->name, b->name) && str_eq(a->plugin, b->plugin) &&
	       str_eq(a->cls, b->cls) && str_eq(a->attr, b->attr) &&
	       str_eq(a->key, b->key) && a->op == b->op &&
	       a->value == b->value && a->clear_value == b->clear_value &&
	       a->for_s == b->for_s && a->severity == b->severity &&
	       a->enabled == b->enabled && a->fixed == b->fixed;
}

static bool numeric_type(enum mgmtd_type t)
{
	return t == MGMTD_T_INT || t == MGMTD_T_SIZE || t == MGMTD_T_DURATION;
}

/* Check what the rule watches; records errors under path. */
static int resolve(struct alert_rule *r, const struct schema *s,
		   struct mgmtd_err *err, const char *path)
{
	char p[MGMTD_ERR_PATH_LEN];
	const struct schema_plugin *sp = schema_plugin_find(s, r->plugin);
	const struct schema_class *sc;
	const struct mgmtd_attr *a;

	if (!sp) {
		snprintf(p, sizeof(p), "%s.plugin", path);
		return mgmtd_err_add(err, MGMTD_E_INCONSISTENT, p,
				     "no plugin %s is loaded", r->plugin);
	}
	if (!(sc = schema_class_find(sp, r->cls))) {
		snprintf(p, sizeof(p), "%s.class", path);
		return mgmtd_err_add(err, MGMTD_E_INCONSISTENT, p,
				     "plugin %s has no class %s", r->plugin,
				     r->cls);
	}
	snprintf(p, sizeof(p), "%s.attribute", path);
	if (!(a = schema_attr_find(sc, r->attr)))
		return mgmtd_err_add(err, MGMTD_E_INCONSISTENT, p,
				     "%s.%s has no attribute %s", r->plugin,
				     r->cls, r->attr);
	if (!numeric_type(a->type) || (a->flags & MGMTD_A_LIST) ||
	    !(a->flags & (MGMTD_A_GAUGE | MGMTD_A_COUNTER)))
		return mgmtd_err_add(err, MGMTD_E_INCONSISTENT, p,
				     "%s.%s.%s is not a numeric gauge or "
				     "counter", r->plugin, r->cls, r->attr);
	r->counter = a->flags & MGMTD_A_COUNTER;
	r->singleton = sc->cls->kind == MGMTD_SINGLETON;
	if (r->singleton && r->key) {
		snprintf(p, sizeof(p), "%s.key", path);
		return mgmtd_err_add(err, MGMTD_E_INCONSISTENT, p,
				     "%s.%s is a singleton: it has no keys",
				     r->plugin, r->cls);
	}
	return 0;
}

static bool wrong_side(const struct alert_rule *r)
{
	bool upward = r->op == ALERT_OP_GT || r->op == ALERT_OP_GE;

	return upward ? r->clear_value > r->value : r->clear_value < r->value;
}

static char *dup_str(json_t *obj, const char *name, bool *oom)
{
	const char *s = json_string_value(json_object_get(obj, name));
	char *d;

	if (!s || !*s)
		return NULL;
	if (!(d = strdup(s)))
		*oom = true;
	return d;
}

int alert_rule_from_json(struct alert_rule *r, const struct schema *s,
			 json_t *obj, bool fixed, struct mgmtd_err *err,
			 const char *path)
{
	char p[MGMTD_ERR_PATH_LEN];
	json_t *cv = json_object_get(obj, "clear_value");
	const char *sev = json_string_value(json_object_get(obj, "severity"));
	bool oom = false;
	int rc;

	memset(r, 0, sizeof(*r));
	r->name = dup_str(obj, "name", &oom);
	r->plugin = dup_str(obj, "plugin", &oom);
	r->cls = dup_str(obj, "class", &oom);
	r->attr = dup_str(obj, "attribute", &oom);
	r->key = dup_str(obj, "key", &oom);
	if (oom) {
		rc = -ENOMEM;
		goto fail;
	}
	if (!r->name || !r->plugin || !r->cls || !r->attr) {
		rc = mgmtd_err_add(err, MGMTD_E_INVALID, path,
				   "name, plugin, class and attribute are "
				   "required");
		goto fail;
	}
	r->value = json_integer_value(json_object_get(obj, "value"));
	r->clear_value = json_is_integer(cv) ? json_integer_value(cv)
					     : r->value;
	r->for_s = json_integer_value(json_object_get(obj, "for"));
	r->enabled = !json_is_false(json_object_get(obj, "enabled"));
	r->fixed = fixed;
	r->severity = MGMTD_SEV_WARNING;
	if (sev && log_level_parse(sev, &r->severity) < 0) {
		snprintf(p, sizeof(p), "%s.severity", path);
		rc = mgmtd_err_add(err, MGMTD_E_INVALID, p,
				   "unknown severity %s", sev);
		goto fail;
	}
	if (alert_op_parse(json_string_value(json_object_get(obj, "operator")),
			   &r->op) < 0) {
		snprintf(p, sizeof(p), "%s.operator", path);
		rc = mgmtd_err_add(err, MGMTD_E_INVALID, p,
				   "must be one of gt, ge, lt, le");
		goto fail;
	}
	if ((rc = resolve(r, s, err, path)) < 0)
		goto fail;
	if (wrong_side(r)) {
		snprintf(p, sizeof(p), "%s.clear_value", path);
		rc = mgmtd_err_add(err, MGMTD_E_INCONSISTENT, p,
				   "must be %s the value (%lld) with "
				   "operator %s: it is where the alert clears",
				   r->op <= ALERT_OP_GE ? "at most" : "at least",
				   (long long)r->value, op_names[r->op]);
		goto fail;
	}
	return 0;
fail:
	alert_rule_fini(r);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The engine                                                          */

int alerts_new(struct alerts **out)
{
	struct alerts *a = calloc(1, sizeof(*a));

	if (!a || !(a->index = json_object())) {
		free(a);
		return -ENOMEM;
	}
	pthread_mutex_init(&a->lock, NULL);
	*out = a;
	return 0;
}

static void entry_fini(struct alert_entry *e)
{
	free(e->key);
	free(e->object);
}

static void free_rules(struct alert_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++)
		alert_rule_fini(&rules[i]);
	free(rules);
}

void alerts_free(struct alerts *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_entries; i++)
		entry_fini(&a->entries[i]);
	free(a->entries);
	free_rules(a->rules, a->n_rules);
	free(a->raises);
	json_decref(a->index);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

static void emit(const struct alerts_sink *sink, enum mgmtd_severity sev,
		 const char *object, const char *fmt, ...) MGMTD_PRINTF(4, 5);

static void emit(const struct alerts_sink *sink, enum mgmtd_severity sev,
		 const char *object, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sink && sink->emit)
		sink->emit(sink->arg, sev, object, msg);
}

/* "95" or "12.5/s" */
static void fmt_value(char *buf, size_t len, const struct alert_rule *r,
		      double v)
{
	if (r->counter)
		snprintf(buf, len, "%.6g/s", v);
	else
		snprintf(buf, len, "%.0f", v);
}

static void report(const struct alerts_sink *sink, const struct alert_rule *r,
		   const struct alert_entry *e, enum alert_change ch)
{
	char v[48];

	fmt_value(v, sizeof(v), r, e->in.value);
	if (ch == ALERT_RAISE)
		emit(sink, r->severity, e->object,
		     "alert %s raised: %s.%s = %s %s %lld%s for %llds",
		     r->name, e->object, r->attr, v, op_signs[r->op],
		     (long long)r->value, r->counter ? "/s" : "",
		     (long long)r->for_s);
	else
		emit(sink, r->severity, e->object,
		     "alert %s cleared: %s.%s = %s %s %lld%s for %llds",
		     r->name, e->object, r->attr, v, clear_signs[r->op],
		     (long long)r->clear_value, r->counter ? "/s" : "",
		     (long long)r->for_s);
}

static void index_key(char *buf, size_t len, size_t rule, const char *key)
{
	snprintf(buf, len, "%zu/%s", rule, key ? key : "");
}

/* Rebuild the index after entries moved (out of memory: lookups miss,
 * and find_entry falls back to a search). */
static void reindex(struct alerts *a)
{
	char k[MGMTD_ERR_PATH_LEN];

	json_object_clear(a->index);
	for (size_t i = 0; i < a->n_entries; i++) {
		index_key(k, sizeof(k), a->entries[i].rule, a->entries[i].key);
		json_object_set_new(a->index, k, json_integer((json_int_t)i));
	}
}

/* Forget entries [i] for which drop(e) holds, clearing the raised ones
 * with reason.  Returns events emitted. */
static unsigned drop_entries(struct alerts *a,
			     bool (*drop)(const struct alert_entry *e,
					  const void *arg),
			     const void *arg, const char *reason,
			     const struct alerts_sink *sink)
{
	size_t kept = 0, old_n = a->n_entries;
	unsigned n = 0;

	for (size_t i = 0; i < a->n_entries; i++) {
		struct alert_entry *e = &a->entries[i];

		if (!drop(e, arg)) {
			a->entries[kept++] = *e;
			continue;
		}
		if (raised(&e->in)) {
			const struct alert_rule *r = &a->rules[e->rule];

			emit(sink, r->severity, e->object,
			     "alert %s cleared: %s %s", r->name, e->object,
			     reason);
			n++;
		}
		entry_fini(e);
	}
	a->n_entries = kept;
	if (kept != old_n)
		reindex(a);
	return n;
}

static bool entry_of_changed_rule(const struct alert_entry *e,
				  const void *arg)
{
	const size_t *map = arg;

	return map[e->rule] == SIZE_MAX;
}

int alerts_set_rules(struct alerts *a, struct alert_rule *rules, size_t n,
		     const struct alerts_sink *sink)
{
	size_t *map = calloc(a->n_rules + 1, sizeof(*map));
	uint64_t *raises = calloc(n + 1, sizeof(*raises));

	if (!map || !raises) {
		free(map);
		free(raises);
		free_rules(rules, n);
		return -ENOMEM;
	}
	pthread_mutex_lock(&a->lock);
	/* map: old rule index -> new one, SIZE_MAX when removed or changed */
	for (size_t i = 0; i < a->n_rules; i++) {
		map[i] = SIZE_MAX;
		for (size_t j = 0; j < n; j++) {
			if (strcmp(a->rules[i].name, rules[j].name) != 0)
				continue;
			raises[j] = a->raises[i];
			if (alert_rule_equal(&a->rules[i], &rules[j]))
				map[i] = j;
		}
	}
	drop_entries(a, entry_of_changed_rule, map,
		     "(the rule was removed, changed or disabled)", sink);
	for (size_t i = 0; i < a->n_entries; i++)
		a->entries[i].rule = map[a->entries[i].rule];
	reindex(a);
	free_rules(a->rules, a->n_rules);
	free(a->raises);
	a->rules = rules;
	a->raises = raises;
	a->n_rules = n;
	pthread_mutex_unlock(&a->lock);
	free(map);
	return 0;
}

static struct alert_entry *find_entry(struct alerts *a, size_t rule,
				      const char *key)
{
	char k[MGMTD_ERR_PATH_LEN];
	json_t *ix;

	index_key(k, sizeof(k), rule, key);
	if ((ix = json_object_get(a->index, k))) {
		size_t j = (size_t)json_integer_value(ix);

		if (j < a->n_entries && a->entries[j].rule == rule &&
		    str_eq(a->entries[j].key, key))
			return &a->entries[j];
	} else if (json_object_size(a->index) == a->n_entries) {
		return NULL; /* a complete index: it is not there */
	}
	/* A key too long for k, or an index short of memory. */
	for (size_t i = 0; i < a->n_entries; i++)
		if (a->entries[i].rule == rule &&
		    str_eq(a->entries[i].key, key))
			return &a->entries[i];
	return NULL;
}

static struct alert_entry *add_entry(struct alerts *a, size_t rule,
				     const char *key)
{
	const struct alert_rule *r = &a->rules[rule];
	struct alert_entry *e;
	char object[MGMTD_ERR_PATH_LEN];

	if (a->n_entries == a->cap_entries) {
		size_t cap = a->cap_entries ? 2 * a->cap_entries : 16;
		struct alert_entry *m =
			realloc(a->entries, cap * sizeof(*m));

		if (!m)
			return NULL;
		a->entries = m;
		a->cap_entries = cap;
	}
	e = &a->entries[a->n_entries];
	memset(e, 0, sizeof(*e));
	schema_object_path(object, sizeof(object), r->plugin, r->cls, key);
	e->rule = rule;
	if ((key && !(e->key = strdup(key))) || !(e->object = strdup(object))) {
		entry_fini(e);
		return NULL;
	}
	index_key(object, sizeof(object), rule, key);
	json_object_set_new(a->index, object,
			    json_integer((json_int_t)a->n_entries));
	a->n_entries++;
	return e;
}

/* The value to compare for one object, or false when there is none yet
 * (a counter's first sight, a reset). */
static bool current_value(const struct alert_rule *r, struct alert_entry *e,
			  json_t *v, int64_t now, double *out)
{
	double raw;
	bool ok;

	if (json_is_integer(v))
		raw = (double)json_integer_value(v);
	else if (json_is_real(v))
		raw = json_real_value(v);
	else
		return false;
	if (!r->counter) {
		*out = raw;
		return true;
	}
	ok = e->have_prev && now > e->prev_t && raw >= e->prev;
	if (ok)
		*out = (raw - e->prev) / (double)(now - e->prev_t);
	if (!e->have_prev || now > e->prev_t) {
		e->prev = raw;
		e->prev_t = now;
		e->have_prev = true;
	}
	return ok;
}

static unsigned eval_object(struct alerts *a, size_t rule, const char *key,
			    json_t *obj, int64_t now,
			    const struct alerts_sink *sink)
{
	const struct alert_rule *r = &a->rules[rule];
	json_t *v = json_object_get(obj, r->attr);
	struct alert_entry *e;
	enum alert_change ch;
	double value;

	if (!v || !(json_is_integer(v) || json_is_real(v)))
		return 0; /* not seen: cleared below if it was raised */
	if (!(e = find_entry(a, rule, key)) && !(e = add_entry(a, rule, key))) {
		log_warn("alerts", "out of memory: %s not evaluated", r->name);
		return 0;
	}
	e->seen = true;
	if (!current_value(r, e, v, now, &value))
		return 0;
	if ((ch = alert_step(&e->in, r, value, now)) == ALERT_NONE)
		return 0;
	if (ch == ALERT_RAISE)
		a->raises[rule]++;
	report(sink, r, e, ch);
	return 1;
}

static unsigned eval_rule(struct alerts *a, size_t rule, json_t *state,
			  int64_t now, const struct alerts_sink *sink)
{
	const struct alert_rule *r = &a->rules[rule];
	json_t *cstate = json_object_get(json_object_get(state, r->plugin),
					 r->cls);
	const char *key;
	json_t *obj;
	unsigned n = 0;

	if (!json_is_object(cstate))
		return 0;
	if (r->singleton)
		return eval_object(a, rule, NULL, cstate, now, sink);
	if (r->key) {
		obj = json_object_get(cstate, r->key);
		return json_is_object(obj) ?
			       eval_object(a, rule, r->key, obj, now, sink) : 0;
	}
	json_object_foreach(cstate, key, obj)
		if (json_is_object(obj))
			n += eval_object(a, rule, key, obj, now, sink);
	return n;
}

static bool entry_unseen(const struct alert_entry *e, const void *arg)
{
	(void)arg;
	return !e->seen;
}

unsigned alerts_eval(struct alerts *a, json_t *state, int64_t now,
		     const struct alerts_sink *sink)
{
	unsigned n = 0;

	pthread_mutex_lock(&a->lock);
	for (size_t i = 0; i < a->n_entries; i++)
		a->entries[i].seen = false;
	for (size_t i = 0; i < a->n_rules; i++)
		if (a->rules[i].enabled)
			n += eval_rule(a, i, state, now, sink);
	n += drop_entries(a, entry_unseen, NULL, "(the object or its value is gone)",
			  sink);
	pthread_mutex_unlock(&a->lock);
	return n;
}

size_t alerts_foreach(struct alerts *a,
		      void (*fn)(void *arg, const struct alert_status *st),
		      void *arg)
{
	size_t n = 0;

	pthread_mutex_lock(&a->lock);
	for (size_t i = 0; i < a->n_entries; i++) {
		const struct alert_entry *e = &a->entries[i];
		struct alert_status st = {
			.rule = &a->rules[e->rule],
			.key = e->key,
			.object = e->object,
			.value = e->in.value,
			.raised = e->in.raised,
			.clearing = e->in.phase == ALERT_CLEARING,
		};

		if (!raised(&e->in))
			continue;
		fn(arg, &st);
		n++;
	}
	pthread_mutex_unlock(&a->lock);
	return n;
}

size_t alerts_foreach_rule(struct alerts *a,
			   void (*fn)(void *arg, const struct alert_rule *r,
				      uint64_t raises, unsigned firing),
			   void *arg)
{
	pthread_mutex_lock(&a->lock);
	for (size_t i = 0; i < a->n_rules; i++) {
		unsigned firing = 0;

		for (size_t j = 0; j < a->n_entries; j++)
			firing += a->entries[j].rule == i &&
				  raised(&a->entries[j].in);
		fn(arg, &a->rules[i], a->raises[i], firing);
	}
	pthread_mutex_unlock(&a->lock);
	return a->n_rules;
}
