/* The SNMP front end: mgmtd as an AgentX subagent of the system's snmpd.
 *
 * Settings, from the daemon config's snmp group (the front end stays off
 * without it):
 *   snmp = {
 *     agentx_socket = "/var/agentx/master";  # the master's AgentX socket
 *     ping_interval = 5;      # seconds; also the reconnection interval
 *     contexts = [ "admin" ]; # also serve these SNMP contexts (see
 *                             # agentx_set.c: the context names the user)
 *   };
 *
 * Net-SNMP's descriptors join the main loop: before each poll, due alarms
 * (pings, reconnection) and timeouts run and the loop's descriptors are
 * brought in line with snmp_select_info2; a readable one goes to
 * snmp_read2.  No thread polls.  Net-SNMP's log lines go to mgmtd's
 * logger under the "snmp" subsystem. */
#include "config.h"

const char agentx_mgmtd_version[] = PACKAGE_VERSION;

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "agentx.h"
#include "agentx_internal.h"
#include "daemon_config.h"
#include "log.h"

#define SUBSYS "snmp"
#define DEFAULT_SOCKET "/var/agentx/master"
#define DEFAULT_PING 5

/* Net-SNMP keeps its sessions in globals: one subagent per process. */
static struct agentx *running;

/* ------------------------------------------------------------------ */
/* Logging and connection state                                         */

static int on_log(int major, int minor, void *server_arg, void *client_arg)
{
	const struct snmp_log_message *m = server_arg;
	size_t n;
	int prio;

	if (!m || !m->msg)
		return 0;
	n = strlen(m->msg);
	while (n > 0 && (m->msg[n - 1] == '\n' || m->msg[n - 1] == '\r'))
		n--;
	if (n == 0)
		return 0;
	prio = m->priority < LOG_EMERG ? LOG_EMERG
	       : m->priority > LOG_DEBUG ? LOG_DEBUG : m->priority;
	log_msg((enum mgmtd_severity)prio, SUBSYS, "%.*s", (int)n, m->msg);
	return 0;
}

static int on_index(int major, int minor, void *server_arg,
		    void *client_arg)
{
	struct agentx *ax = client_arg;
	bool up = minor == SNMPD_CALLBACK_INDEX_START;

	if (up != ax->connected)
		log_notice(SUBSYS, "%s the master agent at %s",
			   up ? "connected to" : "lost", ax->socket);
	if (!up && ax->connected)
		log_info(SUBSYS, "reconnecting every %u s", ax->ping_interval);
	ax->connected = up;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The main loop                                                        */

static void sync_fds(struct agentx *ax);

static void on_readable(int fd, short revents, void *arg)
{
	struct agentx *ax = arg;
	netsnmp_large_fd_set set;

	netsnmp_large_fd_set_init(&set, fd + 1 > FD_SETSIZE ? fd + 1 : FD_SETSIZE);
	NETSNMP_LARGE_FD_ZERO(&set);
	NETSNMP_LARGE_FD_SET(fd, &set);
	snmp_read2(&set);
	netsnmp_large_fd_set_cleanup(&set);
	/* Right away, before another callback can reuse a descriptor that
	 * Net-SNMP just closed. */
	sync_fds(ax);
}

/* Make the loop watch exactly Net-SNMP's descriptors.  Returns the
 * milliseconds until Net-SNMP's next alarm, or -1. */
static int select_info(struct agentx *ax, bool update)
{
	netsnmp_large_fd_set set;
	struct timeval tv = { .tv_sec = LONG_MAX };
	int numfds = 0, block = 1, ms = -1;
	int keep[AGENTX_MAX_FDS];
	size_t n_keep = 0;

	netsnmp_large_fd_set_init(&set, FD_SETSIZE);
	NETSNMP_LARGE_FD_ZERO(&set);
	snmp_select_info2(&numfds, &set, &tv, &block);
	if (!block) {
		long long t = (long long)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
		ms = t > INT_MAX ? INT_MAX : (int)t;
	}
	for (int fd = 0; update && fd < numfds; fd++) {
		if (!NETSNMP_LARGE_FD_ISSET(fd, &set) || n_keep == AGENTX_MAX_FDS)
			continue;
		keep[n_keep++] = fd;
		if (loop_add_fd(ax->loop, fd, POLLIN, on_readable, ax) < 0)
			log_err(SUBSYS, "cannot watch descriptor %d", fd);
	}
	for (size_t i = 0; update && i < ax->n_fds; i++) {
		bool kept = false;
		for (size_t j = 0; j < n_keep; j++)
			kept = kept || keep[j] == ax->fds[i];
		if (!kept)
			loop_del_fd(ax->loop, ax->fds[i]);
	}
	if (update) {
		memcpy(ax->fds, keep, n_keep * sizeof(*keep));
		ax->n_fds = n_keep;
	}
	netsnmp_large_fd_set_cleanup(&set);
	return ms;
}

static void sync_fds(struct agentx *ax)
{
	select_info(ax, true);
}

/* The loop cannot drop a prepare callback: after a stop it finds no
 * running subagent and does nothing. */
static void on_prepare(struct loop *l, int *timeout_ms, void *arg)
{
	struct agentx *ax = running;
	int ms;

	if (!ax)
		return;
	/* Pings, reconnection and retransmissions are Net-SNMP alarms and
	 * timeouts; both check the time themselves. */
	snmp_timeout();
	run_alarms();
	netsnmp_check_outstanding_agent_requests();
	ms = select_info(ax, true);
	if (ms >= 0 && (*timeout_ms < 0 || ms < *timeout_ms))
		*timeout_ms = ms;
}

/* ------------------------------------------------------------------ */
/* Settings                                                             */

static int read_settings(struct agentx *ax, const config_setting_t *g)
{
	const char *sock = DEFAULT_SOCKET;
	const config_setting_t *ctx;
	int ping = DEFAULT_PING;

	config_setting_lookup_string(g, "agentx_socket", &sock);
	config_setting_lookup_int(g, "ping_interval", &ping);
	if (ping < 1 || ping > 3600) {
		log_err(SUBSYS, "snmp.ping_interval must be between 1 and 3600");
		return -EINVAL;
	}
	ax->ping_interval = (unsigned)ping;
	if (!(ax->socket = strdup(sock)))
		return -ENOMEM;
	ctx = config_setting_get_member(g, "contexts");
	for (int i = 0; ctx && i < config_setting_length(ctx); i++) {
		const char *c = config_setting_get_string_elem(ctx, i);
		if (!c || !*c || ax->n_contexts == AGENTX_MAX_CONTEXTS) {
			log_err(SUBSYS, "snmp.contexts: at most %d non-empty "
					"names", AGENTX_MAX_CONTEXTS);
			return -EINVAL;
		}
		if (!(ax->contexts[ax->n_contexts++] = strdup(c)))
			return -ENOMEM;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Start and stop                                                       */

static void setup_library(struct agentx *ax, const char *state_dir)
{
	char dir[PATH_MAX];

	/* Numeric OIDs only: no MIB files to read (the operator may still
	 * choose some through MIBS). */
	setenv("MIBS", "", 0);
	snprintf(dir, sizeof(dir), "%s/snmp", state_dir);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
			      ax->socket);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
			       NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID,
			      NETSNMP_DS_LIB_PERSISTENT_DIR, dir);
	snmp_disable_log();
	snmp_enable_calllog();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
			       on_log, NULL);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
			       SNMPD_CALLBACK_INDEX_START, on_index, ax);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
			       SNMPD_CALLBACK_INDEX_STOP, on_index, ax);
}

/* One registration of the whole subtree per context served. */
static int register_tree(struct agentx *ax, const char *context)
{
	oid root[MIB_MAX_OID];
	uint32_t r[MIB_MAX_OID];
	size_t len = mib_root(r);
	netsnmp_handler_registration *reg;

	for (size_t i = 0; i < len; i++)
		root[i] = r[i];
	reg = netsnmp_create_handler_registration("mgmtd", agentx_handler, root,
						  len, HANDLER_CAN_RWRITE);
	if (!reg)
		return -ENOMEM;
	reg->handler->myvoid = ax;
	if (context && !(reg->contextName = strdup(context))) {
		netsnmp_handler_registration_free(reg);
		return -ENOMEM;
	}
	if (netsnmp_register_handler(reg) != MIB_REGISTERED_OK) {
		log_err(SUBSYS, "cannot register the mgmtd subtree%s%s",
			context ? " in context " : "", context ? context : "");
		return -EEXIST;
	}
	ax->regs[ax->n_regs++] = reg;
	return 0;
}

static void agentx_free(struct agentx *ax)
{
	agentx_set_free(ax);
	agentx_nodes_free(ax);
	for (size_t i = 0; i < ax->n_contexts; i++)
		free(ax->contexts[i]);
	free(ax->socket);
	free(ax);
}

static int agentx_start(struct core *c, struct loop *l, void **state)
{
	const config_setting_t *g = daemon_config_group(c->dc, "snmp");
	struct agentx *ax;
	int rc;

	*state = NULL;
	if (!g)
		return 0;
	if (running)
		return -EBUSY;
	if (!(ax = calloc(1, sizeof(*ax))))
		return -ENOMEM;
	ax->core = c;
	ax->loop = l;
	if ((rc = read_settings(ax, g)) < 0 || (rc = agentx_nodes_build(ax)) < 0)
		goto fail;
	setup_library(ax, c->dc->state_dir);
	if (init_agent("mgmtd") != 0) {
		rc = -EIO;
		goto fail;
	}
	/* After init_agent, which sets its default of 15 s. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
			   NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
			   (int)ax->ping_interval);
	running = ax;
	rc = register_tree(ax, NULL);
	for (size_t i = 0; rc == 0 && i < ax->n_contexts; i++)
		rc = register_tree(ax, ax->contexts[i]);
	if (rc < 0 || (rc = agentx_notify_start(ax)) < 0 ||
	    (rc = loop_add_prepare(l, on_prepare, NULL)) < 0) {
		snmp_shutdown("mgmtd");
		running = NULL;
		goto fail;
	}
	/* Connects to the master, or schedules the retries. */
	init_snmp("mgmtd");
	agentx_view_refresh(ax);
	*state = ax;
	return 0;
fail:
	agentx_free(ax);
	return rc;
}

static void agentx_stop(void *state)
{
	struct agentx *ax = state;

	agentx_notify_stop(ax);
	for (size_t i = 0; i < ax->n_fds; i++)
		loop_del_fd(ax->loop, ax->fds[i]);
	ax->n_fds = 0;
	snmp_shutdown("mgmtd");
	shutdown_agent();
	running = NULL;
	agentx_free(ax);
}

static void agentx_describe(void *state, char *buf, size_t len)
{
	struct agentx *ax = state;

	snprintf(buf, len, "SNMP: AgentX subagent of %s (%s), %zu objects "
		 "under .1.3.6.1.4.1.8072.9999.9999.%u",
		 ax->socket, ax->connected ? "connected" : "connecting",
		 ax->n_nodes, MIB_ARC);
}

const struct frontend agentx_frontend = {
	.name = "snmp",
	.start = agentx_start,
	.stop = agentx_stop,
	.describe = agentx_describe,
};
