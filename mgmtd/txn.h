/* Transactions: every change to the configuration, from any interface,
 * runs validate -> prepare -> abort-or-apply over the plugins it touches,
 * then commits a new version.  One at a time; readers are not blocked. */
#ifndef MGMTD_TXN_H
#define MGMTD_TXN_H

#include <jansson.h>
#include <stdbool.h>

#include "core.h"

struct txn_request {
	const char *user;       /* who: a user name, "mgmtd" for the daemon */
	const char *source;     /* from where: an address, "local" */
	const char *interface;  /* rest, snmp, cli, config, mgmtd */
	const char *summary;    /* NULL: derived from the changes */
	const char *what;       /* the request, journaled if it is refused
				   before any change is known ("put dns.
				   hosts[db1]"); NULL: "(candidate)" */
	unsigned confirm_timeout; /* seconds; 0: no confirmation needed */
	const char *audit;      /* how the request came, put before the
				   journaled change ("PATCH /api/v1/dns/
				   settings role=admin {...}"); NULL: none */
	bool start;             /* bring the system in line: all plugins,
				   no running tree */
	bool start_commit;      /* with start: also commit a new version */
};

struct txn_result {
	unsigned version;  /* the running version afterwards */
	bool changed;      /* a new version was committed */
	json_t *changes;   /* diff from the old running tree; owned, may be
			      NULL */
};

/* Run candidate (borrowed; any form a client may send) as a transaction.
 * Returns 0 (res filled, release with txn_result_fini) or a negative errno
 * with every reason in err; then nothing changed. */
int txn_commit(struct core *c, json_t *candidate, const struct txn_request *rq,
	       struct txn_result *res, struct mgmtd_err *err);
/* Edit the running tree and commit the result, atomically with respect to
 * other transactions: edit receives a private copy of the running tree
 * (canonical) to change in place; a negative return (after recording in
 * err) aborts with nothing changed. */
typedef int (*txn_edit_fn)(json_t *tree, void *arg, struct mgmtd_err *err);
int txn_edit(struct core *c, txn_edit_fn edit, void *arg,
	     const struct txn_request *rq, struct txn_result *res,
	     struct mgmtd_err *err);
/* txn_edit, cheaper on a large tree: the copy edit receives owns its
 * groups but shares collection objects with the running tree
 * (tree_copy_groups), so edit may add, replace or remove objects and
 * change classes, never change an object in place. */
int txn_edit_shared(struct core *c, txn_edit_fn edit, void *arg,
		    const struct txn_request *rq, struct txn_result *res,
		    struct mgmtd_err *err);
/* Roll back to stored version v: a transaction like any other. */
int txn_rollback(struct core *c, unsigned version,
		 const struct txn_request *rq, struct txn_result *res,
		 struct mgmtd_err *err);
/* Confirm the pending commit-confirmed change. -ENOENT if none. */
int txn_confirm(struct core *c, const struct txn_request *rq,
		struct mgmtd_err *err);
/* Roll back a pending change whose confirm deadline passed; called from
 * the main loop's timer and once at start (a crash while a change waited
 * for confirmation rolls it back). */
void txn_confirm_check(struct core *c);
/* Load a pending confirmation left by a previous run. */
void txn_confirm_restore(struct core *c);
/* Validate candidate (types, then each plugin's validate) without
 * preparing or applying anything. */
int txn_validate(struct core *c, json_t *candidate, struct mgmtd_err *err);
void txn_result_fini(struct txn_result *res);
/* The change text the command journal records for rq: change alone, or
 * "<rq->audit> => <change>" in buf.  Returns change or buf. */
const char *txn_audit_change(const struct txn_request *rq, const char *change,
			     char *buf, size_t len);

#endif
