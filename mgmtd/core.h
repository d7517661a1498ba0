/* The daemon's core: what ties plugins, the store, transactions, the
 * journals and the published snapshot together. */
#ifndef MGMTD_CORE_H
#define MGMTD_CORE_H

#include <jansson.h>
#include <libconfig.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon_config.h"
#include "journal.h"
#include "mgmtd/plugin.h"
#include "schema.h"
#include "snapshot.h"
#include "store.h"

struct core;
struct metrics;

/* What the core keeps for each plugin; the plugin sees it as its ctx. */
struct mgmtd_ctx {
	struct core *core;
	const struct mgmtd_plugin *desc;
	const config_setting_t *settings; /* plugins.<name>, may be NULL */
	char *state_dir;
	void *priv;
	const char *action_user; /* during an action callback: who asked */
};

struct plugin_handle {
	void *dl;
	char *path;
	const struct mgmtd_plugin *desc;
	struct mgmtd_ctx ctx;
	bool initialized;
};

/* A pending commit-confirmed change. */
struct confirm_pending {
	bool active;
	unsigned version_before; /* rolled back to unless confirmed */
	unsigned version;        /* the version that needs confirming */
	int64_t deadline;        /* CLOCK_REALTIME seconds */
};

/* Who wants to hear about events and commits (the SNMP notifier, the REST
 * event stream).  Called in the thread that raised the event or ran the
 * transaction, with txn_lock held for commits: do little, never block. */
struct core_listener {
	void (*on_event)(void *arg, enum mgmtd_severity sev,
			 const char *plugin, const char *object,
			 const char *message);
	void (*on_commit)(void *arg, unsigned version, const char *user,
			  const char *interface, const char *summary);
	void *arg;
};

#define CORE_MAX_LISTENERS 8

struct core {
	struct daemon_config *dc;
	struct schema schema;
	struct plugin_handle **plugins; /* stable: ctx pointers are handed out */
	size_t n_plugins;
	struct store *store;
	struct journal *events, *commands;
	pthread_mutex_t txn_lock;  /* one transaction at a time */
	pthread_mutex_t snap_lock; /* guards the published pointer only */
	struct snapshot *published;
	json_t *running;           /* the committed tree (writer side) */
	json_t *state;             /* last collected state (writer side) */
	struct metrics *metrics;   /* NULL: metrics off (mgmtd/metrics.h) */
	struct logs *logs;         /* log sources (mgmtd/logs.h) */
	struct alerts *alerts;     /* threshold alerts (mgmtd/alerts.h) */
	json_t *alert_fixed;       /* the daemon config's rules, canonical */
	struct confirm_pending confirm;
	int64_t start_time;
	struct core_listener listeners[CORE_MAX_LISTENERS];
	size_t n_listeners; /* set up before the threads start */
	/* The plugins' services (mgmtd/service.c), listed by the system
	 * plugin; a list through their own links. */
	pthread_mutex_t services_lock;
	struct mgmtd_service *services;
};

enum core_flags {
	CORE_CHECK_ONLY = 1u << 0, /* --check-config: no journal, no init */
};

/* Set up everything but the plugins' start transaction: journals, store,
 * plugins loaded and initialised.  Returns 0 and *out. */
int core_new(struct daemon_config *dc, unsigned flags, struct core **out);
/* Load the managed config and apply it (the start transaction), collect
 * once and publish.  msg explains a refusal (file, line, path). */
int core_start(struct core *c, char *msg, size_t msglen);
/* Re-read the managed file (SIGHUP) and apply it as a transaction. */
int core_reload(struct core *c);
/* Refresh live state from every plugin and publish it. */
void core_collect(struct core *c);
/* Refresh the state of the plugins flagged in part (indexed like
 * c->plugins) after they applied a change, so that a read right after a
 * change shows its effect.  txn_lock held; the caller publishes. */
void core_collect_changed(struct core *c, const bool *part);
/* Shut plugins down and free everything; dc stays the caller's. */
void core_free(struct core *c);

/* The current snapshot with a reference the caller drops with
 * snapshot_unref. */
struct snapshot *core_snapshot(struct core *c);
/* Replace the published snapshot (called with txn_lock held). */
void core_publish(struct core *c);

/* Log an event, append it to the event journal, tell the listeners. */
void core_vevent(struct core *c, enum mgmtd_severity sev, const char *plugin,
		 const char *object, const char *fmt, va_list ap)
	MGMTD_PRINTF(5, 0);
/* The same with arguments. */
void core_event(struct core *c, enum mgmtd_severity sev, const char *plugin,
		const char *object, const char *fmt, ...) MGMTD_PRINTF(5, 6);

/* Validate the daemon config and the managed configuration (or path when
 * not NULL) without applying anything: --check-config. */
int core_check_config(struct core *c, const char *path, char *msg,
		      size_t msglen);

int64_t core_realtime(void);

/* Register a listener (copied); call before serving.  -ENOSPC if full. */
int core_add_listener(struct core *c, const struct core_listener *l);
/* Remove the listeners whose arg is arg (a front end stopping, once its
 * threads are gone). */
void core_remove_listener(struct core *c, void *arg);
/* Tell the listeners about a committed version. */
void core_notify_commit(struct core *c, unsigned version, const char *user,
			const char *interface, const char *summary);

#endif
