/* The error list of plugin.h, as the core maps it: names for JSON and the
 * HTTP status of a REST answer. */
#ifndef MGMTD_ERR_H
#define MGMTD_ERR_H

#include "mgmtd/plugin.h"

/* The snake_case name of code ("invalid", "not_found", ...), static. */
const char *err_code_name(enum mgmtd_err_code code);
/* The HTTP status an answer carrying code gets (400, 404, 409, 500, 503). */
int err_code_http_status(enum mgmtd_err_code code);
/* Empty err for reuse: no items, nothing dropped. */
void err_clear(struct mgmtd_err *err);

#endif
