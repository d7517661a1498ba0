/* Actions: operations on objects that are not config changes. */
#ifndef MGMTD_ACTION_H
#define MGMTD_ACTION_H

#include <jansson.h>

#include "core.h"
#include "txn.h"

/* The action act of plugin/cls, or NULL. */
const struct mgmtd_action *action_find(const struct schema_class *sc,
				       const char *act);

/* Run an action: find it, check that the object exists, validate params
 * (borrowed; NULL = none), call the plugin under the transaction lock and
 * journal it as a command of rq's user.  Returns 0 or a negative errno
 * with the reasons in err. */
int action_run(struct core *c, const struct txn_request *rq,
	       const char *plugin, const char *cls, const char *key,
	       const char *act, json_t *params, struct mgmtd_err *err);

#endif
