/* The operations every interface offers (the local control socket now,
 * REST and SNMP later map onto the same calls): a request is a JSON object
 * with an "op", the response a JSON object with "ok" and either results or
 * a problem ("status", "title", "errors": [{"path", "message"}]).
 *
 * Writes take "summary" and "confirm_timeout"; put, patch and delete also
 * "if_match" (the config version the client read: a later one refuses the
 * edit with status 412) and put "expect" ("new": the object must not exist
 * yet, 409 otherwise; "existing": it must, 404 otherwise). */
#ifndef MGMTD_API_H
#define MGMTD_API_H

#include <jansson.h>

#include "core.h"

struct api_caller {
	const char *user;
	const char *source;
	const char *interface;
	const char *audit; /* see struct txn_request; NULL: none */
};

/* Handle request (borrowed); returns a new response object. */
json_t *api_handle(struct core *c, const struct api_caller *who,
		   json_t *request);

/* err's items as the "errors" list of a problem (RFC 9457): [{"path",
 * "message", "code"}].  New reference. */
json_t *api_error_list(const struct mgmtd_err *err);

/* A problem response for err (status from the first error's code). */
json_t *api_problem(const struct mgmtd_err *err);

#endif
