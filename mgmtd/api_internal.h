/* Shared by the api_*.c files only. */
#ifndef MGMTD_API_INTERNAL_H
#define MGMTD_API_INTERNAL_H

#include "api.h"
#include "txn.h"

json_t *api_ok(void);
json_t *api_error(enum mgmtd_err_code code, const char *path,
		  const char *message);
json_t *api_txn_response(int rc, struct txn_result *res,
			 const struct mgmtd_err *err);
void api_request_of(const struct api_caller *who, json_t *rq,
		    struct txn_request *out);

/* api_objects.c: one object at a time. */
json_t *api_op_put(struct core *c, const struct api_caller *who, json_t *rq);
json_t *api_op_patch(struct core *c, const struct api_caller *who,
		     json_t *rq);
json_t *api_op_delete(struct core *c, const struct api_caller *who,
		      json_t *rq);

/* api_history.c: versions, diffs, rollback and the journals. */
json_t *api_op_versions(struct core *c, json_t *rq);
json_t *api_op_show(struct core *c, json_t *rq);
json_t *api_op_diff(struct core *c, json_t *rq);
json_t *api_op_events(struct core *c, json_t *rq);
json_t *api_op_commands(struct core *c, json_t *rq);
json_t *api_op_rollback(struct core *c, const struct api_caller *who,
			json_t *rq);

#endif
