/* The transaction engine. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "err.h"
#include "log.h"
#include "tree.h"
#include "txn.h"
#include "txn_internal.h"

/* Everything one run needs, per plugin: the trees it sees and whether it
 * takes part. */
struct txn_run {
	struct core *c;
	json_t *cand;  /* canonical candidate */
	size_t n;
	/* Views of every plugin (tree_view_all), so that a plugin can read
	 * its siblings' parts; cand_t[i] and run_t[i] are plugin i's. */
	struct mgmtd_tree *cand_set, *run_set;
	const struct mgmtd_tree **cand_t, **run_t;
	bool *part;    /* plugin i takes part */
	size_t prepared; /* prepare called on part[0..prepared) */
};

static int run_init(struct txn_run *r, struct core *c, json_t *cand,
		    bool start)
{
	const struct schema *s = &c->schema;

	*r = (struct txn_run){ .c = c, .cand = cand, .n = c->n_plugins };
	r->cand_set = tree_view_all(cand, s);
	r->run_set = tree_view_all(start ? NULL : c->running, s);
	r->cand_t = calloc(r->n + 1, sizeof(*r->cand_t));
	r->run_t = calloc(r->n + 1, sizeof(*r->run_t));
	r->part = calloc(r->n + 1, sizeof(*r->part));
	if (!r->cand_set || !r->run_set || !r->cand_t || !r->run_t || !r->part)
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++) {
		const char *name = c->plugins[i]->desc->name;
		const struct schema_plugin *sp = schema_plugin_find(s, name);
		json_t *a = json_object_get(cand, sp->name);
		json_t *b = start ? NULL : json_object_get(c->running, sp->name);
		r->cand_t[i] = tree_view_find(r->cand_set, s->n_plugins, name);
		r->run_t[i] = tree_view_find(r->run_set, s->n_plugins, name);
		r->part[i] = start || !b || !json_equal(a, b);
	}
	return 0;
}

static void run_fini(struct txn_run *r)
{
	free(r->cand_set);
	free(r->run_set);
	free(r->cand_t);
	free(r->run_t);
	free(r->part);
}

/* The running tree as plugins see it: NULL at start. */
static const struct mgmtd_tree *run_tree(struct txn_run *r, size_t i)
{
	return r->run_t[i]->json || r->c->running ? r->run_t[i] : NULL;
}

static int run_validate(struct txn_run *r, struct mgmtd_err *err)
{
	unsigned before = err->count;
	int rc = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct mgmtd_plugin *p = r->c->plugins[i]->desc;
		if (r->part[i] && p->validate &&
		    p->validate(&r->c->plugins[i]->ctx, r->cand_t[i],
				run_tree(r, i), err) < 0)
			rc = -EINVAL;
	}
	if (rc == 0 && err->count > before)
		rc = -EINVAL; /* an error recorded without a failing return */
	return rc;
}

static void run_abort(struct txn_run *r)
{
	for (size_t i = r->prepared; i-- > 0;) {
		const struct mgmtd_plugin *p = r->c->plugins[i]->desc;
		if (r->part[i] && p->abort)
			p->abort(&r->c->plugins[i]->ctx, r->cand_t[i],
				 run_tree(r, i));
	}
	r->prepared = 0;
}

static int run_prepare(struct txn_run *r, struct mgmtd_err *err)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct mgmtd_plugin *p = r->c->plugins[i]->desc;
		int rc;
		if (!r->part[i])
			continue;
		r->prepared = i + 1;
		unsigned before = err->count;
		if (p->prepare &&
		    (rc = p->prepare(&r->c->plugins[i]->ctx, r->cand_t[i],
				     run_tree(r, i), err)) < 0) {
			if (err->count == before)
				mgmtd_err_add(err, MGMTD_E_FAILED, p->name,
					      "prepare failed: %s", strerror(-rc));
			run_abort(r);
			return rc;
		}
	}
	return 0;
}

static void run_apply(struct txn_run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct mgmtd_plugin *p = r->c->plugins[i]->desc;
		if (r->part[i] && p->apply)
			p->apply(&r->c->plugins[i]->ctx, r->cand_t[i],
				 run_tree(r, i));
	}
}

/* Record the outcome in the command journal. */
static void journal_result(struct core *c, const struct txn_request *rq,
			   const char *change, int rc,
			   const struct mgmtd_err *err, unsigned version)
{
	char result[MGMTD_ERR_PATH_LEN + MGMTD_ERR_MSG_LEN + 64];
	char audited[2048];

	change = txn_audit_change(rq, change, audited, sizeof(audited));
	if (rc == 0)
		snprintf(result, sizeof(result), "ok");
	else if (err->count > 0)
		snprintf(result, sizeof(result), "%s: %s: %s%s",
			 err_code_name(err->items[0].code), err->items[0].path,
			 err->items[0].message,
			 err->count > 1 ? " (and more)" : "");
	else
		snprintf(result, sizeof(result), "failed: %s", strerror(-rc));
	if (c->commands)
		journal_append_command(c->commands, rq->user, rq->source,
				       rq->interface, change, result, version);
	if (rc == 0)
		log_info("txn", "version %u by %s (%s): %s", version, rq->user,
			 rq->interface, change);
	else
		log_notice("txn", "refused change by %s (%s): %s", rq->user,
			   rq->interface, result);
}

static int commit_store(struct core *c, json_t *cand,
			const struct txn_request *rq, const char *summary,
			struct mgmtd_err *err)
{
	struct store_meta meta = { .time = core_realtime() };
	int rc;

	snprintf(meta.user, sizeof(meta.user), "%s", rq->user);
	snprintf(meta.source, sizeof(meta.source), "%s", rq->source);
	snprintf(meta.interface, sizeof(meta.interface), "%s", rq->interface);
	snprintf(meta.summary, sizeof(meta.summary), "%s", summary);
	if ((rc = store_commit(c->store, cand, &meta)) < 0)
		mgmtd_err_add(err, MGMTD_E_FAILED, "",
			      "cannot save the configuration: %s",
			      strerror(-rc));
	return rc;
}

/* The transaction proper; txn_lock held. cand is canonical and owned. */
static int run_locked(struct core *c, json_t *cand,
		      const struct txn_request *rq, struct txn_result *res,
		      struct mgmtd_err *err)
{
	char summary[256];
	bool commit = rq->start ? rq->start_commit : true;
	struct txn_run r;
	int rc;

	res->changes = diff_trees(&c->schema, c->running, cand);
	diff_summary(res->changes, summary, sizeof(summary));
	if (rq->summary)
		snprintf(summary, sizeof(summary), "%s", rq->summary);
	if (!rq->start && json_equal(cand, c->running)) {
		res->version = store_version(c->store);
		json_decref(cand);
		return 0;
	}
	if ((rc = run_init(&r, c, cand, rq->start)) < 0)
		goto out;
	if ((rc = run_validate(&r, err)) < 0 || (rc = run_prepare(&r, err)) < 0)
		goto out;
	if (commit && (rc = commit_store(c, cand, rq, summary, err)) < 0) {
		run_abort(&r);
		goto out;
	}
	run_apply(&r);
	json_decref(c->running);
	c->running = json_incref(cand);
	res->version = store_version(c->store);
	res->changed = commit;
	core_collect_changed(c, r.part);
	core_publish(c);
	if (commit)
		core_notify_commit(c, res->version, rq->user, rq->interface,
				   summary);
out:
	if (commit || rc < 0)
		journal_result(c, rq, summary, rc, err, rc == 0 ? res->version : 0);
	run_fini(&r);
	json_decref(cand);
	return rc;
}

int txn_run_candidate(struct core *c, json_t *candidate,
		      const struct txn_request *rq, struct txn_result *res,
		      struct mgmtd_err *err)
{
	json_t *cand = NULL;

	*res = (struct txn_result){ .version = store_version(c->store) };
	/* Objects equal to running ones are not normalised again. */
	if (schema_normalize_tree_from(&c->schema, candidate, c->running, &cand,
				       err) < 0) {
		journal_result(c, rq, rq->what ? rq->what : "(candidate)",
			       -EINVAL, err, 0);
		return -EINVAL;
	}
	return run_locked(c, cand, rq, res, err);
}

/* Run candidate, and arm the confirm timer when the request asks for one;
 * txn_lock held. */
static int run_confirmable(struct core *c, json_t *candidate,
			   const struct txn_request *rq, struct txn_result *res,
			   struct mgmtd_err *err)
{
	unsigned before = store_version(c->store);
	int rc = txn_run_candidate(c, candidate, rq, res, err);

	if (rc == 0 && res->changed && rq->confirm_timeout)
		txn_confirm_arm(c, before, res->version, rq->confirm_timeout);
	return rc;
}

int txn_commit(struct core *c, json_t *candidate, const struct txn_request *rq,
	       struct txn_result *res, struct mgmtd_err *err)
{
	int rc;

	pthread_mutex_lock(&c->txn_lock);
	rc = run_confirmable(c, candidate, rq, res, err);
	pthread_mutex_unlock(&c->txn_lock);
	return rc;
}

static json_t *deep_copy(json_t *tree)
{
	return json_deep_copy(tree);
}

/* Edit what copy makes of the running tree and commit it. */
static int edit_copy(struct core *c, json_t *(*copy)(json_t *),
		     txn_edit_fn edit, void *arg, const struct txn_request *rq,
		     struct txn_result *res, struct mgmtd_err *err)
{
	json_t *tree;
	int rc;

	pthread_mutex_lock(&c->txn_lock);
	*res = (struct txn_result){ .version = store_version(c->store) };
	tree = c->running ? copy(c->running) : json_object();
	if (!tree)
		rc = -ENOMEM;
	else if ((rc = edit(tree, arg, err)) == 0)
		rc = run_confirmable(c, tree, rq, res, err);
	else
		journal_result(c, rq, rq->what ? rq->what : "(edit)", rc, err,
			       0);
	pthread_mutex_unlock(&c->txn_lock);
	json_decref(tree);
	return rc;
}

int txn_edit(struct core *c, txn_edit_fn edit, void *arg,
	     const struct txn_request *rq, struct txn_result *res,
	     struct mgmtd_err *err)
{
	return edit_copy(c, deep_copy, edit, arg, rq, res, err);
}

int txn_edit_shared(struct core *c, txn_edit_fn edit, void *arg,
		    const struct txn_request *rq, struct txn_result *res,
		    struct mgmtd_err *err)
{
	return edit_copy(c, tree_copy_groups, edit, arg, rq, res, err);
}

int txn_rollback(struct core *c, unsigned version,
		 const struct txn_request *rq, struct txn_result *res,
		 struct mgmtd_err *err)
{
	int rc;

	pthread_mutex_lock(&c->txn_lock);
	rc = txn_rollback_locked(c, version, rq, res, err);
	pthread_mutex_unlock(&c->txn_lock);
	return rc;
}

int txn_rollback_locked(struct core *c, unsigned version,
			const struct txn_request *rq, struct txn_result *res,
			struct mgmtd_err *err)
{
	struct txn_request r = *rq;
	char summary[64];
	json_t *tree = NULL;
	int rc;

	*res = (struct txn_result){ .version = store_version(c->store) };
	if ((rc = store_read_version(c->store, version, &tree, NULL)) < 0) {
		mgmtd_err_add(err, MGMTD_E_NOT_FOUND, "version",
			      "version %u is not in the history", version);
		return rc;
	}
	snprintf(summary, sizeof(summary), "rollback to version %u", version);
	r.summary = summary;
	r.confirm_timeout = 0;
	rc = txn_run_candidate(c, tree, &r, res, err);
	json_decref(tree);
	if (rc == 0) {
		/* An explicit rollback takes over from a pending confirm. */
		txn_confirm_clear(c);
		core_event(c, MGMTD_SEV_NOTICE, "mgmtd", NULL,
			   "configuration rolled back to version %u by %s "
			   "(now version %u)",
			   version, rq->user, res->version);
	}
	return rc;
}

const char *txn_audit_change(const struct txn_request *rq, const char *change,
			     char *buf, size_t len)
{
	if (!rq->audit)
		return change;
	snprintf(buf, len, "%s => %s", rq->audit, change);
	return buf;
}

void txn_result_fini(struct txn_result *res)
{
	json_decref(res->changes);
	res->changes = NULL;
}

int txn_validate(struct core *c, json_t *candidate, struct mgmtd_err *err)
{
	json_t *cand = NULL;
	struct txn_run r;
	int rc;

	if (schema_normalize_tree(&c->schema, candidate, &cand, err) < 0)
		return -EINVAL;
	if ((rc = run_init(&r, c, cand, true)) == 0)
		rc = run_validate(&r, err);
	run_fini(&r);
	json_decref(cand);
	return rc;
}
