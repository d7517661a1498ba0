/* The operations every interface offers (the local control socket now,
 * REST and SNMP later map onto the same calls): a request is a JSON object
 * with an "op", the response a JSON object with "ok" and either results or
 * a problem ("status", "title", "errors": [{"path", "message"}]). */
#ifndef MGMTD_API_H
#define MGMTD_API_H

#include <jansson.h>

#include "core.h"

struct api_caller {
	const char *user;
	const char *source;
	const char *interface;
};

/* Handle request (borrowed); returns a new response object. */
json_t *api_handle(struct core *c, const struct api_caller *who,
		   json_t *request);

/* A problem response for err (status from the first error's code). */
json_t *api_problem(const struct mgmtd_err *err);

#endif
