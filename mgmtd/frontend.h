/* Front ends: what publishes the core to the outside (the control socket
 * is built in; REST and the SNMP subagent are front ends).  Each reads its
 * own group of the daemon config (daemon_config_group), hooks its file
 * descriptors into the main loop or runs its own server threads, and
 * reads the core only through snapshots, api_handle and transactions. */
#ifndef MGMTD_FRONTEND_H
#define MGMTD_FRONTEND_H

#include "core.h"
#include "loop.h"

struct frontend {
	const char *name;
	/* Start; *state receives the front end's own data.  A front end
	 * whose group is absent from the daemon config may decline by
	 * returning 0 with *state NULL. */
	int (*start)(struct core *c, struct loop *l, void **state);
	void (*stop)(void *state);
	/* Lines for the start banner ("REST: http://127.0.0.1:8080"). */
	void (*describe)(void *state, char *buf, size_t len);
};

/* Start every front end built in; a failure stops the ones started and
 * returns the negative errno. */
int frontend_start_all(struct core *c, struct loop *l);
void frontend_stop_all(void);
/* Log where each front end listens. */
void frontend_log_banner(void);

#endif
