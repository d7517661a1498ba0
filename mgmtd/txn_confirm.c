/* Commit-confirmed: a change that rolls itself back unless confirmed in
 * time, so that a bad change cannot lock the admin out.  The pending state
 * is kept in a file too, so that the deadline survives a restart or a
 * crash: past it, the next start rolls the change back. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fileutil.h"
#include "log.h"
#include "txn_internal.h"

#define CONFIRM_FILE "confirm.pending"

static void marker_path(struct core *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", c->dc->state_dir, CONFIRM_FILE);
}

void txn_confirm_arm(struct core *c, unsigned before, unsigned version,
		     unsigned timeout)
{
	char path[PATH_MAX], text[96];
	int n;

	/* A second change while one is pending extends the wait; a rollback
	 * still returns to the version before the first. */
	if (!c->confirm.active)
		c->confirm.version_before = before;
	c->confirm.active = true;
	c->confirm.version = version;
	c->confirm.deadline = core_realtime() + timeout;
	marker_path(c, path, sizeof(path));
	n = snprintf(text, sizeof(text), "%u %u %lld\n",
		     c->confirm.version_before, version,
		     (long long)c->confirm.deadline);
	if (fileutil_write_atomic(path, text, (size_t)n, 0600) < 0)
		log_err("txn", "cannot record the pending confirmation");
	core_event(c, MGMTD_SEV_NOTICE, "mgmtd", NULL,
		   "version %u must be confirmed within %u s or it rolls back "
		   "to version %u",
		   version, timeout, c->confirm.version_before);
}

void txn_confirm_clear(struct core *c)
{
	char path[PATH_MAX];

	c->confirm = (struct confirm_pending){ 0 };
	marker_path(c, path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		log_err("txn", "cannot remove %s: %s", path, strerror(errno));
	fileutil_fsync_parent(path);
}

int txn_confirm(struct core *c, const struct txn_request *rq,
		struct mgmtd_err *err)
{
	int rc = 0;

	pthread_mutex_lock(&c->txn_lock);
	if (!c->confirm.active) {
		rc = mgmtd_err_add(err, MGMTD_E_NOT_FOUND, "",
				   "no change is waiting for confirmation");
	} else {
		unsigned v = c->confirm.version;
		char audited[2048];
		txn_confirm_clear(c);
		journal_append_command(c->commands, rq->user, rq->source,
				       rq->interface,
				       txn_audit_change(rq, "confirm", audited,
							sizeof(audited)),
				       "ok", v);
		core_event(c, MGMTD_SEV_NOTICE, "mgmtd", NULL,
			   "version %u confirmed by %s", v, rq->user);
	}
	pthread_mutex_unlock(&c->txn_lock);
	return rc;
}

void txn_confirm_check(struct core *c)
{
	struct txn_request rq = {
		.user = "mgmtd", .source = "local", .interface = "mgmtd",
	};
	struct mgmtd_err err = { 0 };
	struct txn_result res;
	unsigned before, version;

	pthread_mutex_lock(&c->txn_lock);
	if (!c->confirm.active || core_realtime() < c->confirm.deadline) {
		pthread_mutex_unlock(&c->txn_lock);
		return;
	}
	before = c->confirm.version_before;
	version = c->confirm.version;
	core_event(c, MGMTD_SEV_WARNING, "mgmtd", NULL,
		   "version %u was not confirmed in time: rolling back to "
		   "version %u", version, before);
	if (txn_rollback_locked(c, before, &rq, &res, &err) < 0) {
		core_event(c, MGMTD_SEV_ERR, "mgmtd", NULL,
			   "confirm timeout rollback to version %u failed: %s",
			   before, err.count ? err.items[0].message : "");
		txn_confirm_clear(c);
	}
	txn_result_fini(&res);
	pthread_mutex_unlock(&c->txn_lock);
}

void txn_confirm_restore(struct core *c)
{
	char path[PATH_MAX];
	unsigned before, version;
	long long deadline;
	FILE *f;

	marker_path(c, path, sizeof(path));
	if (!(f = fopen(path, "r")))
		return;
	if (fscanf(f, "%u %u %lld", &before, &version, &deadline) == 3) {
		c->confirm = (struct confirm_pending){
			.active = true,
			.version_before = before,
			.version = version,
			.deadline = deadline,
		};
		log_notice("txn",
			   "version %u was waiting for confirmation when mgmtd "
			   "stopped", version);
	}
	fclose(f);
}
