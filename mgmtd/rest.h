/* The REST API front end: CivetWeb inside mgmtd, resources derived from
 * the schema (/api/v1/<plugin>/<class>[/<key>]), authentication through
 * auth.h, every write a transaction and a command journal record.  Started
 * by the front end table (frontend.c) when the daemon config has a "rest"
 * group. */
#ifndef MGMTD_REST_H
#define MGMTD_REST_H

#include "frontend.h"

extern const struct frontend rest_frontend;

#endif
