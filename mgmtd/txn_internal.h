/* Shared between txn.c and txn_confirm.c only; txn_lock held in all. */
#ifndef MGMTD_TXN_INTERNAL_H
#define MGMTD_TXN_INTERNAL_H

#include "txn.h"

int txn_run_candidate(struct core *c, json_t *candidate,
		      const struct txn_request *rq, struct txn_result *res,
		      struct mgmtd_err *err);
int txn_rollback_locked(struct core *c, unsigned version,
			const struct txn_request *rq, struct txn_result *res,
			struct mgmtd_err *err);
void txn_confirm_arm(struct core *c, unsigned before, unsigned version,
		     unsigned timeout);
void txn_confirm_clear(struct core *c);

#endif
