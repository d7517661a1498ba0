/* The table of front ends built into this mgmtd. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "frontend.h"
#include "log.h"
#ifdef ENABLE_REST
#include "rest.h"
#endif
#ifdef ENABLE_SNMP
#include "agentx.h"
#endif

/* Front ends add themselves here, each under its configure switch. */
static const struct frontend *const frontends[] = {
#ifdef ENABLE_REST
	&rest_frontend,
#endif
#ifdef ENABLE_SNMP
	&agentx_frontend,
#endif
	NULL,
};

#define N_FRONTENDS (sizeof(frontends) / sizeof(frontends[0]) - 1)

/* Started front ends and their data: set up once by the main thread. */
static void *states[N_FRONTENDS + 1];
static size_t n_started;

int frontend_start_all(struct core *c, struct loop *l)
{
	for (n_started = 0; frontends[n_started]; n_started++) {
		const struct frontend *f = frontends[n_started];
		int rc = f->start(c, l, &states[n_started]);
		if (rc < 0) {
			log_err("mgmtd", "cannot start %s: %s", f->name,
				strerror(-rc));
			frontend_stop_all();
			return rc;
		}
	}
	return 0;
}

void frontend_stop_all(void)
{
	while (n_started > 0) {
		n_started--;
		if (states[n_started])
			frontends[n_started]->stop(states[n_started]);
		states[n_started] = NULL;
	}
}

void frontend_log_banner(void)
{
	char line[512];

	for (size_t i = 0; i < n_started; i++) {
		if (!states[i] || !frontends[i]->describe)
			continue;
		line[0] = '\0';
		frontends[i]->describe(states[i], line, sizeof(line));
		if (line[0])
			log_notice("mgmtd", "%s", line);
	}
}
