/* Configuration backup and restore (admin only; see backup.h).
 *
 * GET /config/backup answers the backup document, secrets included, as an
 * attachment.  POST /config/restore takes that document, checks all of it
 * (format, checksum, structure of every version), then commits its
 * "config" as one transaction summarised "restore from backup": a refusal
 * at any step changes nothing.  The history in the document is only
 * checked, not written back: the restored configuration becomes a new
 * version on top of the local history, and the response says which
 * version of the backup it came from. */
#include "config.h"

#include <stdio.h>

#include "api_internal.h"
#include "backup.h"
#include "rest_internal.h"
#include "txn.h"

#define RESTORE_SUMMARY "restore from backup"

void rest_h_backup(struct rest_req *rq)
{
	json_t *doc = backup_make(rq->rest->core);
	char headers[160];

	if (!doc) {
		rest_fail(rq, 500, "cannot build the backup");
		return;
	}
	snprintf(headers, sizeof(headers),
		 "Content-Disposition: attachment; "
		 "filename=\"mgmtd-backup-%lld.json\"\r\n"
		 "Cache-Control: no-store\r\n",
		 json_integer_value(json_object_get(doc, "current")));
	rest_send_json(rq, 200, doc, headers);
}

void rest_h_restore(struct rest_req *rq)
{
	struct core *c = rq->rest->core;
	struct mgmtd_err err = { 0 };
	struct txn_result res = { 0 };
	struct api_caller who;
	struct txn_request trq;
	json_t *resp;
	char msg[256];
	int rc;

	if (backup_check(rq->body, msg, sizeof(msg)) < 0) {
		rest_fail(rq, 400, "invalid backup: %s", msg);
		return;
	}
	rest_caller(rq, &who);
	trq = (struct txn_request){
		.user = who.user,
		.source = who.source,
		.interface = who.interface,
		.audit = who.audit,
		.summary = RESTORE_SUMMARY,
		.what = "restore",
	};
	rc = txn_commit(c, json_object_get(rq->body, "config"), &trq, &res,
			&err);
	resp = api_txn_response(rc, &res, &err);
	/* Committed or refused, the transaction journaled it. */
	rq->journaled = true;
	if (json_is_true(json_object_get(resp, "ok"))) {
		json_object_set(resp, "backup_version",
				json_object_get(rq->body, "current"));
		json_object_set_new(resp, "history_restored", json_false());
	}
	rest_send_api(rq, resp, 200, NULL, NULL);
}
