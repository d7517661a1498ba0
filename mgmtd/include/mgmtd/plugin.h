/* mgmtd plugin API: the only header a plugin includes.
 *
 * A plugin is a shared object that exports exactly one symbol,
 * MGMTD_PLUGIN_SYMBOL, a const struct mgmtd_plugin.  The core reads its
 * first member (abi) before it trusts anything else in it.
 *
 * A plugin describes its classes once, as data (struct mgmtd_class and
 * struct mgmtd_attr); the core derives validation, persistence, REST, SNMP
 * and the UI from that description.  A plugin keeps no mutable globals:
 * whatever it needs between calls hangs off its context (mgmtd_ctx_set_priv).
 *
 * Every function returns 0 or a negative errno unless its comment says
 * otherwise.  Pointers handed to callbacks are borrowed for the duration of
 * the call unless stated.
 */
#ifndef MGMTD_PLUGIN_H
#define MGMTD_PLUGIN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bump on any change to the layout or meaning of anything in this header. */
#define MGMTD_PLUGIN_ABI 1
#define MGMTD_PLUGIN_SYMBOL mgmtd_plugin
#define MGMTD_PLUGIN_SYMBOL_NAME "mgmtd_plugin"

#define MGMTD_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ------------------------------------------------------------------ */
/* Schema: attribute types and flags                                   */

enum mgmtd_type {
	MGMTD_T_STRING = 1, /* min/max = length; pattern = POSIX ERE */
	MGMTD_T_INT,        /* min/max = range (both 0: unbounded) */
	MGMTD_T_BOOL,
	MGMTD_T_ENUM,       /* enum_values; SNMP value = index + 1 */
	MGMTD_T_IPV4,       /* dotted quad, canonical form */
	MGMTD_T_IPV6,       /* RFC 5952 canonical form */
	MGMTD_T_IP,         /* either family */
	MGMTD_T_PREFIX,     /* address/length, either family */
	MGMTD_T_HOSTNAME,   /* RFC 1123 name, labels <= 63, total <= 253 */
	MGMTD_T_PATH,       /* absolute, no "..", no NUL, <= 4095 */
	MGMTD_T_SIZE,       /* bytes; accepts "10G", "512M", "4096" */
	MGMTD_T_DURATION,   /* seconds; accepts "90", "5m", "1h30m", "2d" */
	MGMTD_T_SECRET,     /* write-only string: never returned or logged */
};

enum mgmtd_attr_flag {
	MGMTD_A_KEY = 1u << 0,      /* identifies an object of a collection */
	MGMTD_A_CONFIG = 1u << 1,   /* read-write, persisted */
	MGMTD_A_STATE = 1u << 2,    /* live, read-only, filled by collect */
	MGMTD_A_REQUIRED = 1u << 3, /* a config attribute that must be set */
	MGMTD_A_LIST = 1u << 4,     /* a list of values of the type */
	MGMTD_A_GAUGE = 1u << 5,    /* numeric state sampled into metrics */
	MGMTD_A_COUNTER = 1u << 6,  /* monotonically increasing state */
	MGMTD_A_PASSWORD = 1u << 7, /* a MGMTD_T_SECRET that is a password:
				       stored hashed, never in clear text
				       (see mgmtd_password_crypt) */
	MGMTD_A_ADVANCED = 1u << 8, /* UI hint: shown only on demand */
};

struct mgmtd_attr {
	const char *name;        /* snake_case; the same in C, JSON, MIB */
	enum mgmtd_type type;
	unsigned flags;          /* enum mgmtd_attr_flag */
	unsigned snmp_column;    /* >= 2 for collections (1 is the entry) */
	const char *description; /* one line */
	const char *units;       /* optional: "bytes", "seconds" */
	int64_t min, max;        /* see enum mgmtd_type; both 0: no bound */
	const char *pattern;     /* optional POSIX ERE for strings */
	const char *const *enum_values; /* NULL-terminated, for MGMTD_T_ENUM */
	const char *default_value; /* textual, parsed like input; NULL: none */
	unsigned max_items;      /* for MGMTD_A_LIST; 0: unbounded */
	/* UI hints (the browser UI has no per-plugin code): a form groups
	 * attributes by ui_group (NULL: the first, unnamed group) and
	 * orders them by ui_order, then by declaration. */
	const char *ui_group;
	int ui_order;
};

/* An operation on an object that is not a config change: restart a
 * service, mount a volume, rescan disks.  REST publishes it as
 * POST /api/v1/<plugin>/<class>[/<key>]/<name>; the core checks the
 * caller's role, validates params like attributes, serialises it with
 * transactions and journals it as a command. */
enum mgmtd_action_flag {
	MGMTD_ACT_ADMIN = 1u << 0, /* admins only (default: operators too) */
};

struct mgmtd_action {
	const char *name;        /* snake_case */
	const char *description; /* one line */
	const struct mgmtd_attr *params; /* NULL, or terminated by a NULL name;
					    each with MGMTD_A_CONFIG */
	unsigned flags;          /* enum mgmtd_action_flag */
};

enum mgmtd_class_kind {
	MGMTD_SINGLETON = 1, /* exactly one object, no key */
	MGMTD_COLLECTION,    /* objects identified by the one key attribute */
};

struct mgmtd_class {
	const char *name;        /* snake_case, the REST path segment */
	enum mgmtd_class_kind kind;
	unsigned snmp_table;     /* arc under the plugin's arc */
	const char *description;
	const struct mgmtd_attr *attrs; /* terminated by { .name = NULL } */
	unsigned max_objects;    /* collections; 0: unbounded */
	const struct mgmtd_action *actions; /* NULL, or terminated by a NULL
					       name */
	const char *ui_area;     /* UI hint: overrides the plugin's */
};

/* ------------------------------------------------------------------ */
/* Errors                                                              */

enum mgmtd_err_code {
	MGMTD_E_OK = 0,
	MGMTD_E_INVALID,      /* bad input: type, range, pattern (400) */
	MGMTD_E_INCONSISTENT, /* valid alone, wrong with the rest (400) */
	MGMTD_E_NOT_FOUND,    /* (404) */
	MGMTD_E_CONFLICT,     /* refused because of another object (409) */
	MGMTD_E_NOT_WRITABLE, /* state attribute or unknown attribute (400) */
	MGMTD_E_FAILED,       /* the system refused: a tool, a file (500) */
	MGMTD_E_BUSY,         /* try again later (503) */
};

#define MGMTD_ERR_MAX 16
#define MGMTD_ERR_PATH_LEN 256
#define MGMTD_ERR_MSG_LEN 512

struct mgmtd_err_item {
	enum mgmtd_err_code code;
	char path[MGMTD_ERR_PATH_LEN]; /* dns.hosts[db1].addresses */
	char message[MGMTD_ERR_MSG_LEN];
};

/* A list of errors: validation reports every broken rule it finds. */
struct mgmtd_err {
	unsigned count;   /* items recorded (at most MGMTD_ERR_MAX) */
	unsigned dropped; /* items beyond MGMTD_ERR_MAX */
	struct mgmtd_err_item items[MGMTD_ERR_MAX];
};

/* Record an error.  Returns the negative errno matching code, so that a
 * plugin can write "return mgmtd_err_add(err, ...);". */
int mgmtd_err_add(struct mgmtd_err *err, enum mgmtd_err_code code,
		  const char *path, const char *fmt, ...) MGMTD_PRINTF(4, 5);

/* ------------------------------------------------------------------ */
/* Config trees and objects (read-only views for plugins)              */

struct mgmtd_tree; /* one plugin's part of a config tree */
struct mgmtd_obj;  /* one object: a singleton or an item of a collection */

/* The singleton object of class, or NULL if the class is unknown. */
const struct mgmtd_obj *mgmtd_tree_singleton(const struct mgmtd_tree *t,
					     const char *cls);
/* Number of objects of a collection, in their stored order. */
size_t mgmtd_tree_count(const struct mgmtd_tree *t, const char *cls);
const struct mgmtd_obj *mgmtd_tree_at(const struct mgmtd_tree *t,
				      const char *cls, size_t i);
/* The object whose key is key, or NULL. */
const struct mgmtd_obj *mgmtd_tree_find(const struct mgmtd_tree *t,
					const char *cls, const char *key);
/* Another plugin's part of the same tree (candidate or running) as t, so
 * that a plugin can check references across plugins in validate (a user
 * named by a share), or NULL if that plugin is not loaded.  Borrowed like
 * t. */
const struct mgmtd_tree *mgmtd_tree_plugin(const struct mgmtd_tree *t,
					   const char *plugin);
/* Whether class cls differs between two trees (either may be NULL). */
bool mgmtd_tree_class_changed(const struct mgmtd_tree *a,
			      const struct mgmtd_tree *b, const char *cls);

/* Attribute values, in canonical form (sizes in bytes, durations in
 * seconds, addresses canonical).  Missing attributes read as NULL, 0,
 * false and an empty list.  Strings are borrowed from the tree. */
bool mgmtd_obj_has(const struct mgmtd_obj *o, const char *attr);
const char *mgmtd_obj_str(const struct mgmtd_obj *o, const char *attr);
int64_t mgmtd_obj_int(const struct mgmtd_obj *o, const char *attr);
bool mgmtd_obj_bool(const struct mgmtd_obj *o, const char *attr);
size_t mgmtd_obj_list_len(const struct mgmtd_obj *o, const char *attr);
const char *mgmtd_obj_list_at(const struct mgmtd_obj *o, const char *attr,
			      size_t i);

/* ------------------------------------------------------------------ */
/* Passwords                                                            */

/* A MGMTD_A_PASSWORD attribute never holds clear text: the core replaces
 * the clear text a client sends, during validation and before anything is
 * stored, journaled or handed to a plugin, by "<crypt>:<nt>": the crypt(3)
 * hash (yescrypt, or SHA-512 where libxcrypt lacks it, random salt) that
 * shadow(5) takes, then the NT hash (MD4 of the UTF-16LE text, 32
 * upper-case hex digits) that Samba's passdb takes.  A value already in
 * that form is kept as it is (a stored config read back, a restore).  The
 * attribute's min and max bound the clear text's length. */
#define MGMTD_PASSWORD_NT_LEN 32

/* Whether s is a stored password ("<crypt>:<nt>"). */
bool mgmtd_password_is_stored(const char *s);
/* The crypt(3) part of stored password s, copied into buf.  -EINVAL if s
 * is not a stored password, -ENOBUFS if buf is too small. */
int mgmtd_password_crypt(const char *s, char *buf, size_t len);
/* The NT hash part of s, copied into buf (MGMTD_PASSWORD_NT_LEN + 1). */
int mgmtd_password_nt(const char *s, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Live state, filled by the collect callback                           */

struct mgmtd_state;

/* Select the object to which following sets apply: the singleton of cls
 * (key NULL) or the object of collection cls with that key, created in the
 * state tree if new. */
int mgmtd_state_obj(struct mgmtd_state *st, const char *cls, const char *key);
int mgmtd_state_str(struct mgmtd_state *st, const char *attr,
		    const char *value);
int mgmtd_state_int(struct mgmtd_state *st, const char *attr, int64_t value);
int mgmtd_state_bool(struct mgmtd_state *st, const char *attr, bool value);
int mgmtd_state_list_add(struct mgmtd_state *st, const char *attr,
			 const char *value);

/* ------------------------------------------------------------------ */
/* The plugin's context: settings, private state, logging, events      */

struct mgmtd_ctx;

/* This plugin's name. */
const char *mgmtd_ctx_name(const struct mgmtd_ctx *ctx);
/* Daemon setting plugins.<name>.<key> from the daemon config file, or def
 * when absent.  Borrowed; valid until shutdown. */
const char *mgmtd_ctx_setting_str(const struct mgmtd_ctx *ctx,
				  const char *key, const char *def);
int64_t mgmtd_ctx_setting_int(const struct mgmtd_ctx *ctx, const char *key,
			      int64_t def);
/* The state directory the plugin may use for its own files:
 * <state_dir>/<plugin name>, created by the core before init. */
const char *mgmtd_ctx_state_dir(const struct mgmtd_ctx *ctx);
/* In the action callback: the user who asked for it (the command
 * journal's user, "mgmtd" for the daemon); NULL elsewhere.  Borrowed for
 * the duration of the call. */
const char *mgmtd_action_user(const struct mgmtd_ctx *ctx);
/* Private data, owned by the plugin (freed in its shutdown). */
void mgmtd_ctx_set_priv(struct mgmtd_ctx *ctx, void *priv);
void *mgmtd_ctx_priv(const struct mgmtd_ctx *ctx);

enum mgmtd_severity {
	MGMTD_SEV_EMERG = 0, /* syslog numbering */
	MGMTD_SEV_ALERT,
	MGMTD_SEV_CRIT,
	MGMTD_SEV_ERR,
	MGMTD_SEV_WARNING,
	MGMTD_SEV_NOTICE,
	MGMTD_SEV_INFO,
	MGMTD_SEV_DEBUG,
};

/* Log a line; the core prefixes the plugin name. */
void mgmtd_log(const struct mgmtd_ctx *ctx, enum mgmtd_severity sev,
	       const char *fmt, ...) MGMTD_PRINTF(3, 4);
/* Raise an event: logged and appended to the event journal (and, later,
 * sent as a notification).  object may be NULL. */
void mgmtd_event(const struct mgmtd_ctx *ctx, enum mgmtd_severity sev,
		 const char *object, const char *fmt, ...) MGMTD_PRINTF(4, 5);
/* Declare the log file of a daemon the plugin runs, so that it is shown
 * (REST /logs/<name>, mgmtctl logs) and exported.  name: 1-63 of
 * [a-z0-9_.-], unique among all plugins ("smbd"); path absolute, need
 * not exist yet; calling again with the same name replaces the path.
 * Call from init.  0, -EINVAL or -EEXIST (logged). */
int mgmtd_log_register(struct mgmtd_ctx *ctx, const char *name,
		       const char *path, const char *description);

/* ------------------------------------------------------------------ */
/* Running external tools: the only way a plugin runs one              */

struct mgmtd_exec_opts {
	unsigned timeout_ms;    /* 0: 30 s */
	size_t output_cap;      /* bytes kept per stream; 0: 1 MiB */
	const char *stdin_data; /* fed to the tool's stdin; NULL: /dev/null */
	const char *const *env; /* extra NAME=value entries, NULL-terminated */
};

struct mgmtd_exec_result {
	int status;       /* exit status, or 128 + signal, or -1 if none */
	bool timed_out;
	char *out, *err;  /* NUL-terminated captured output, owned */
	size_t out_len, err_len;
	bool out_truncated, err_truncated;
};

/* Run argv[0] (searched in the clean PATH) with argv, no shell.  Fills res
 * (free with mgmtd_exec_result_fini) whenever it returns 0, even if the
 * tool failed; returns a negative errno only if the tool could not be run
 * at all. */
int mgmtd_exec(const char *const *argv, const struct mgmtd_exec_opts *opts,
	       struct mgmtd_exec_result *res);
void mgmtd_exec_result_fini(struct mgmtd_exec_result *res);
/* Run argv and require exit status 0.  On failure records in err, under
 * path, "<tool> failed (exit N): <first line of stderr>" and returns
 * -EIO (or the spawn error).  out, if not NULL, receives stdout (owned). */
int mgmtd_exec_check(const char *const *argv,
		     const struct mgmtd_exec_opts *opts, char **out,
		     struct mgmtd_err *err, const char *path);

/* ------------------------------------------------------------------ */
/* Files rendered by plugins: staged in prepare, swapped in apply       */

/* Write data to "<path>.mgmtd-new" (same directory, same owner), fsync it.
 * mode is the new file's permission bits.  On failure records an error
 * naming the file in err (under errpath) and returns a negative errno. */
int mgmtd_file_stage(const char *path, const char *data, size_t len,
		     unsigned mode, struct mgmtd_err *err, const char *errpath);
/* Rename the staged file over path and fsync the directory.  Returns a
 * negative errno if the rename fails: callers in apply turn that into an
 * event. */
int mgmtd_file_commit(const char *path);
/* Remove the staged file, if any. */
void mgmtd_file_discard(const char *path);

/* ------------------------------------------------------------------ */
/* Services: daemons a plugin runs and the core supervises              */

/* A daemon (smbd, ganesha.nfsd, haproxy) that runs in the foreground as a
 * child of mgmtd, in its own session, with a clean environment, stdin on
 * /dev/null and its output appended to log_file.  A supervisor thread
 * restarts it when it exits unasked, after a delay that doubles from
 * backoff_min_ms to backoff_max_ms while it keeps dying within
 * stable_ms of its start, and raises an event each time (and one when it
 * flaps: 5 exits within a minute).  The functions are thread-safe; those
 * that start or stop return once done. */
struct mgmtd_service;

struct mgmtd_service_spec {
	const char *name;          /* "smbd": events and logs */
	const char *const *argv;   /* NULL-terminated; argv[0] absolute */
	const char *log_file;      /* NULL: /dev/null */
	/* The pid file the daemon writes, if any: a live process named
	 * there whose command line contains match is a leftover of an
	 * earlier mgmtd and is stopped before a start. */
	const char *pid_file;
	/* Helpers the daemon spawns that outlive it (samba-dcerpcd): each
	 * pid file's process, with its process group, is stopped after the
	 * daemon, if its command line contains match. */
	const char *const *helper_pid_files; /* NULL-terminated, or NULL */
	const char *match;
	unsigned stop_timeout_ms;  /* SIGTERM to SIGKILL; 0: 10 s */
	unsigned backoff_min_ms;   /* 0: 500 ms */
	unsigned backoff_max_ms;   /* 0: 30 s */
	unsigned stable_ms;        /* 0: 10 s */
};

enum mgmtd_service_state {
	MGMTD_SVC_STOPPED = 1, /* not running, not asked to */
	MGMTD_SVC_RUNNING,
	MGMTD_SVC_BACKOFF,     /* exited unasked; restarts after a delay */
};

struct mgmtd_service_status {
	enum mgmtd_service_state state;
	int pid;           /* > 0 while running */
	int64_t started;   /* CLOCK_REALTIME seconds of this run's start */
	unsigned restarts; /* restarts after unasked exits, in all */
	int last_exit;     /* exit status or 128 + signal; -1: none yet */
};

/* A stopped service (spec copied); *out freed by mgmtd_service_free.
 * Events are raised through ctx (NULL: none, for tests). */
int mgmtd_service_new(struct mgmtd_ctx *ctx,
		      const struct mgmtd_service_spec *spec,
		      struct mgmtd_service **out);
/* Start it if it is not running (also ends a back-off at once).  Returns
 * once the process exists, or the spawn error. */
int mgmtd_service_start(struct mgmtd_service *s);
/* Stop it (SIGTERM, SIGKILL after the timeout, then the helpers) and keep
 * it stopped; returns once it is gone. */
int mgmtd_service_stop(struct mgmtd_service *s);
int mgmtd_service_restart(struct mgmtd_service *s);
/* Send sig to the running daemon; -ESRCH when it is not running. */
int mgmtd_service_signal(struct mgmtd_service *s, int sig);
void mgmtd_service_status(struct mgmtd_service *s,
			  struct mgmtd_service_status *st);
/* Stop the service and free it; NULL is a no-op. */
void mgmtd_service_free(struct mgmtd_service *s);

/* Every plugin's services, named uniquely (mgmtd_service_new refuses a
 * name in use with -EEXIST), for the plugin that lists them (system):
 * fn(arg, plugin that runs it, name, status) for each, in the order they
 * were made, with the list locked (fn must not call the functions
 * below).  Returns how many. */
size_t mgmtd_services_foreach(const struct mgmtd_ctx *ctx,
			      void (*fn)(void *arg, const char *plugin,
					 const char *name,
					 const struct mgmtd_service_status *st),
			      void *arg);
/* what ("start", "stop", "restart") the service called name, whichever
 * plugin runs it.  -ENOENT: no such service, -EINVAL: no such what. */
int mgmtd_services_control(const struct mgmtd_ctx *ctx, const char *name,
			   const char *what);

/* ------------------------------------------------------------------ */
/* Threshold alerts: the core evaluates them, the alerts plugin         */
/* declares the rules of the API and publishes the alerts               */

/* An alert raised now (borrowed for the duration of the callback). */
struct mgmtd_alert {
	const char *rule;
	const char *object;    /* "status.volumes[/srv]" */
	const char *attribute;
	enum mgmtd_severity severity;
	int64_t value;         /* last value compared (a counter's rate/s) */
	int64_t threshold;
	int64_t raised;        /* CLOCK_REALTIME seconds */
	bool clearing;         /* back past the clear value, not for long */
	bool fixed;            /* a rule of the daemon config */
};

/* fn(arg, alert) for each alert raised now, with the alerts locked (fn
 * must not call the functions below).  Returns how many. */
size_t mgmtd_alerts_foreach(const struct mgmtd_ctx *ctx,
			    void (*fn)(void *arg, const struct mgmtd_alert *al),
			    void *arg);
/* fn(arg, rule, fixed, raises since start, alerts raised now) for each
 * rule, locked likewise.  Returns how many. */
size_t mgmtd_alert_rules_foreach(const struct mgmtd_ctx *ctx,
				 void (*fn)(void *arg, const char *rule,
					    bool fixed, uint64_t raises,
					    unsigned firing),
				 void *arg);
/* Check a rule object of class alerts.thresholds against the schema (the
 * plugin, class and attribute it watches, a numeric gauge or counter; the
 * clear value's side; no rule of the daemon config of that name);
 * problems go to err under path + ".attribute" and so on. */
int mgmtd_alert_rule_check(const struct mgmtd_ctx *ctx,
			   const struct mgmtd_obj *rule, struct mgmtd_err *err,
			   const char *path);

/* ------------------------------------------------------------------ */
/* The descriptor                                                       */

/* Transaction phases (see DESIGN.md).  cand is the candidate tree of this
 * plugin, run the running one (NULL at the first start).  They are called
 * only when the plugin's part of the tree changed, or at start and on
 * rollback when the system must be brought in line.
 *  - validate: meaning, no side effects; record errors in err.
 *  - prepare:  work that can fail and can be undone (render files to .new,
 *              check them).  Return < 0 after recording in err.
 *  - abort:    undo prepare; called for every plugin whose prepare was
 *              called (even the one that failed).  Must not fail.
 *  - apply:    make it so (rename into place, reload).  Must not fail;
 *              problems become events. */
struct mgmtd_plugin {
	unsigned abi; /* MGMTD_PLUGIN_ABI: first, checked before all else */
	const char *name;
	const char *version;
	const char *description;
	unsigned mib_arc; /* arc under mgmtdObjects */
	/* UI hint: the navigation area of the plugin's classes: "network",
	 * "storage", "sharing", "cluster", "load_balancer" or "system"
	 * (NULL: "system"). */
	const char *ui_area;
	const struct mgmtd_class *const *classes; /* NULL-terminated */

	int (*init)(struct mgmtd_ctx *ctx);
	void (*shutdown)(struct mgmtd_ctx *ctx);

	int (*validate)(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
			const struct mgmtd_tree *run, struct mgmtd_err *err);
	int (*prepare)(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		       const struct mgmtd_tree *run, struct mgmtd_err *err);
	void (*abort)(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		      const struct mgmtd_tree *run);
	void (*apply)(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		      const struct mgmtd_tree *run);

	/* Refresh live state into st; called on the collect timer, and for
	 * the plugins a transaction touched right after it applied. */
	int (*collect)(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		       struct mgmtd_state *st);

	/* Run action act of class cls on the object with key (NULL for a
	 * singleton, or an action on a whole collection); params validated.
	 * Return < 0 after recording why in err.  Required when any class
	 * declares actions. */
	int (*action)(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		      const char *cls, const char *key, const char *act,
		      const struct mgmtd_obj *params, struct mgmtd_err *err);
};

#ifdef __cplusplus
}
#endif
#endif /* MGMTD_PLUGIN_H */
