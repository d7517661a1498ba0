/* The core: start, reload, collect, publish, events. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts.h"
#include "core.h"
#include "fileutil.h"
#include "log.h"
#include "logs.h"
#ifdef HAVE_LIBRRD
#include "metrics.h"
#endif
#include "plugin_loader.h"
#include "state.h"
#include "tree.h"
#include "txn.h"

int64_t core_realtime(void)
{
	return (int64_t)time(NULL);
}

void core_vevent(struct core *c, enum mgmtd_severity sev, const char *plugin,
		 const char *object, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_msg(sev, plugin, "%s%s%s", object ? object : "", object ? ": " : "",
		msg);
	if (c && c->events)
		journal_append_event(c->events, sev, plugin, object, msg);
	for (size_t i = 0; c && i < c->n_listeners; i++)
		if (c->listeners[i].on_event)
			c->listeners[i].on_event(c->listeners[i].arg, sev, plugin,
						 object ? object : "", msg);
}

void core_event(struct core *c, enum mgmtd_severity sev, const char *plugin,
		const char *object, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	core_vevent(c, sev, plugin, object, fmt, ap);
	va_end(ap);
}

int core_add_listener(struct core *c, const struct core_listener *l)
{
	if (c->n_listeners == CORE_MAX_LISTENERS)
		return -ENOSPC;
	c->listeners[c->n_listeners++] = *l;
	return 0;
}

void core_remove_listener(struct core *c, void *arg)
{
	size_t kept = 0;

	for (size_t i = 0; i < c->n_listeners; i++)
		if (c->listeners[i].arg != arg)
			c->listeners[kept++] = c->listeners[i];
	c->n_listeners = kept;
}

void core_notify_commit(struct core *c, unsigned version, const char *user,
			const char *interface, const char *summary)
{
	for (size_t i = 0; i < c->n_listeners; i++)
		if (c->listeners[i].on_commit)
			c->listeners[i].on_commit(c->listeners[i].arg, version,
						  user, interface, summary);
}

static int open_journals(struct core *c)
{
	char path[PATH_MAX];
	unsigned dropped = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/journal", c->dc->state_dir);
	if ((rc = fileutil_mkdir_p(path, 0700)) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/journal/events.rr", c->dc->state_dir);
	if ((rc = journal_open(path, JOURNAL_EVENTS, c->dc->events_capacity,
			       false, &c->events, &dropped)) < 0) {
		log_err("journal", "cannot open %s: %s", path, strerror(-rc));
		return rc;
	}
	if (dropped)
		core_event(c, MGMTD_SEV_WARNING, "mgmtd", "events",
			   "%u torn record(s) dropped after a crash", dropped);
	snprintf(path, sizeof(path), "%s/journal/commands.rr", c->dc->state_dir);
	dropped = 0;
	if ((rc = journal_open(path, JOURNAL_COMMANDS, c->dc->commands_capacity,
			       true, &c->commands, &dropped)) < 0) {
		log_err("journal", "cannot open %s: %s", path, strerror(-rc));
		return rc;
	}
	if (dropped)
		core_event(c, MGMTD_SEV_WARNING, "mgmtd", "commands",
			   "%u torn record(s) dropped after a crash", dropped);
	return 0;
}

int core_new(struct daemon_config *dc, unsigned flags, struct core **out)
{
	struct core *c = calloc(1, sizeof(*c));
	char lmsg[256];
	int rc;

	if (!c)
		return -ENOMEM;
	c->dc = dc;
	c->start_time = core_realtime();
	pthread_mutex_init(&c->txn_lock, NULL);
	pthread_mutex_init(&c->snap_lock, NULL);
	pthread_mutex_init(&c->services_lock, NULL);
	c->state = json_object();
	if ((rc = fileutil_mkdir_p(dc->state_dir, 0700)) < 0) {
		log_err("mgmtd", "cannot create %s: %s", dc->state_dir,
			strerror(-rc));
		goto fail;
	}
	/* A check touches nothing: no journal, no plugin start. */
	if (!(flags & CORE_CHECK_ONLY) && (rc = open_journals(c)) < 0)
		goto fail;
	if ((rc = store_open(dc->state_dir, dc->history_keep, &c->store)) < 0)
		goto fail;
	/* Before the plugins: their init registers their daemons' logs. */
	if ((rc = logs_new(dc, &c->logs, lmsg, sizeof(lmsg))) < 0) {
		log_err("mgmtd", "%s: %s", dc->path, lmsg);
		goto fail;
	}
	plugin_load_all(c);
	if (!(flags & CORE_CHECK_ONLY))
		plugin_init_all(c);
#ifdef HAVE_LIBRRD
	if (!(flags & CORE_CHECK_ONLY) && dc->metrics) {
		char dir[PATH_MAX];
		int mrc;

		snprintf(dir, sizeof(dir), "%s/metrics", dc->state_dir);
		/* Metrics are not worth refusing to start for. */
		if ((mrc = metrics_open(dir, dc->collect_interval ?
					      dc->collect_interval : 10,
					dc->metrics_rrdcached,
					&c->metrics)) < 0)
			log_warn("mgmtd", "metrics off: cannot open %s: %s",
				 dir, strerror(-mrc));
	}
#endif
	*out = c;
	return 0;
fail:
	core_free(c);
	return rc;
}

void core_free(struct core *c)
{
	if (!c)
		return;
	plugin_unload_all(c);
	logs_free(c->logs);
	alerts_core_free(c);
	schema_fini(&c->schema);
	snapshot_unref(c->published);
	json_decref(c->running);
	json_decref(c->state);
#ifdef HAVE_LIBRRD
	metrics_close(c->metrics);
#endif
	store_close(c->store);
	if (c->events)
		journal_close(c->events);
	if (c->commands)
		journal_close(c->commands);
	pthread_mutex_destroy(&c->txn_lock);
	pthread_mutex_destroy(&c->snap_lock);
	pthread_mutex_destroy(&c->services_lock);
	free(c);
}

struct snapshot *core_snapshot(struct core *c)
{
	struct snapshot *s;

	pthread_mutex_lock(&c->snap_lock);
	s = snapshot_ref(c->published);
	pthread_mutex_unlock(&c->snap_lock);
	return s;
}

void core_publish(struct core *c)
{
	struct snapshot *s, *old;
	struct store_meta meta = { 0 };

	s = snapshot_new(store_version(c->store), json_incref(c->running),
			 json_incref(c->state));
	if (!s) {
		log_err("mgmtd", "out of memory publishing version");
		return;
	}
	s->changed_time = c->start_time;
	if (store_read_version_meta(c->store, s->version, &meta) == 0) {
		s->changed_time = meta.time;
		snprintf(s->changed_user, sizeof(s->changed_user), "%s",
			 meta.user);
	}
	pthread_mutex_lock(&c->snap_lock);
	old = c->published;
	c->published = s;
	pthread_mutex_unlock(&c->snap_lock);
	snapshot_unref(old);
}

/* One plugin's live state (a new reference), collected against its view
 * in run_set (made by tree_view_all; NULL when out of memory: an empty
 * view). */
static json_t *collect_one(struct core *c, struct plugin_handle *h,
			   const struct mgmtd_tree *run_set)
{
	const struct schema_plugin *sp =
		schema_plugin_find(&c->schema, h->desc->name);
	const struct mgmtd_tree *run =
		tree_view_find(run_set, c->schema.n_plugins, h->desc->name);
	struct mgmtd_state st;
	struct mgmtd_tree alone;
	json_t *out;
	int rc;

	if (!run) {
		tree_view(&alone, NULL, &c->schema, sp);
		run = &alone;
	}
	state_init(&st, sp);
	if ((rc = h->desc->collect(&h->ctx, run, &st)) < 0)
		log_warn(h->desc->name, "collecting live state failed: %s",
			 strerror(-rc));
	if (st.errors)
		log_debug(h->desc->name, "%u state values refused", st.errors);
	out = state_take(&st);
	state_fini(&st);
	return out;
}

/* Collect into state every plugin that has a collect and is (alerts) or
 * is not (!alerts) the alerts plugin. */
static void collect_into(struct core *c, json_t *state,
			 const struct mgmtd_tree *set, bool alerts)
{
	for (size_t i = 0; i < c->n_plugins; i++)
		if (c->plugins[i]->desc->collect &&
		    alerts_core_owns(c->plugins[i]) == alerts)
			json_object_set_new(state, c->plugins[i]->desc->name,
					    collect_one(c, c->plugins[i], set));
}

void core_collect(struct core *c)
{
	struct snapshot *snap = core_snapshot(c);
	json_t *state = json_object();
	struct mgmtd_tree *set =
		tree_view_all(snap ? snap->config : NULL, &c->schema);

	/* Plugins may take their time: collect outside the lock, against the
	 * published config, then publish under it. */
	collect_into(c, state, set, false);
	/* Alerts are judged on the state just collected; their plugin then
	 * publishes what that decided. */
	alerts_core_eval(c, snap ? snap->config : NULL, state);
	collect_into(c, state, set, true);
	free(set);
	snapshot_unref(snap);
	pthread_mutex_lock(&c->txn_lock);
	json_decref(c->state);
	c->state = state;
#ifdef HAVE_LIBRRD
	/* Sampled outside the lock; state is only read, and held. */
	if (c->metrics)
		json_incref(state);
#endif
	core_publish(c);
	pthread_mutex_unlock(&c->txn_lock);
#ifdef HAVE_LIBRRD
	if (c->metrics) {
		int n = metrics_sample(c->metrics, &c->schema, state,
				       (time_t)core_realtime());

		if (n < 0)
			log_warn("mgmtd", "metrics: %s", strerror(-n));
		json_decref(state);
	}
#endif
}

void core_collect_changed(struct core *c, const bool *part)
{
	json_t *state = json_copy(c->state);
	struct mgmtd_tree *set = tree_view_all(c->running, &c->schema);

	for (size_t i = 0; i < c->n_plugins; i++)
		if (part[i] && c->plugins[i]->desc->collect)
			json_object_set_new(state, c->plugins[i]->desc->name,
					    collect_one(c, c->plugins[i], set));
	free(set);
	json_decref(c->state);
	c->state = state;
}
