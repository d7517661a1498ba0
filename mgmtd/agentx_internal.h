/* The SNMP subagent's parts: agentx.c (session, main loop, logging),
 * agentx_tables.c (reads from the snapshot), agentx_set.c (writes as
 * transactions), agentx_notify.c (notifications from the listeners).
 *
 * Net-SNMP is not thread-safe: all of it runs in the main loop's thread.
 * Listeners called from other threads only queue and wake the loop. */
#ifndef MGMTD_AGENTX_INTERNAL_H
#define MGMTD_AGENTX_INTERNAL_H

/* Net-SNMP's configuration header defines autoconf's PACKAGE_* macros
 * again, for Net-SNMP; mgmtd's own version is agentx_mgmtd_version. */
#undef PACKAGE_BUGREPORT
#undef PACKAGE_NAME
#undef PACKAGE_STRING
#undef PACKAGE_TARNAME
#undef PACKAGE_URL
#undef PACKAGE_VERSION
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>
#include <net-snmp/library/large_fd_set.h>

#include <stdbool.h>
#include <stdint.h>

#include "core.h"
#include "loop.h"
#include "mib_map.h"
#include "types.h"

extern const char agentx_mgmtd_version[];

#define AGENTX_MAX_FDS 16
#define AGENTX_MAX_CONTEXTS 16
#define AGENTX_TEXT_MAX 65536

/* One object of the MIB the subagent serves: a scalar (instance .0) or a
 * column (instances: its row set's indexes). */
enum ax_src {
	AX_ATTR,       /* an attribute of a class */
	AX_ROWSTATUS,  /* a collection's RowStatus column */
	AX_INETTYPE,   /* the InetAddressType of an address attribute */
	AX_DAEMON,     /* mgmtdDaemon scalars; id = MIB_D_* */
	AX_PLUGIN,     /* mgmtdPluginTable columns; id = MIB_P_* */
};

struct ax_node {
	uint32_t oid[32];
	size_t len;
	bool column;   /* false: a scalar */
	enum ax_src src;
	unsigned id;
	const struct schema_plugin *sp;
	const struct schema_class *sc;
	const struct mgmtd_attr *a;
	struct mib_type t;
	size_t rows;   /* columns: index of the row set in the view */
};

/* One row of a table, from one snapshot. */
struct ax_row {
	uint32_t *idx;
	size_t idx_len;
	const char *key;  /* borrowed from the snapshot */
	json_t *cfg, *st; /* borrowed; either may be NULL */
	size_t plugin;    /* mgmtdPluginTable: index in core->plugins */
};

struct ax_rowset {
	const struct schema_plugin *sp;
	const struct schema_class *sc; /* NULL: the plugin table */
	struct ax_row *rows;
	size_t n;
};

/* What the nodes read: one snapshot, its rows sorted by index. */
struct ax_view {
	struct snapshot *snap; /* a reference */
	struct ax_rowset *sets;
	size_t n_sets;
};

struct ax_set_state; /* agentx_set.c */
struct ax_notify;    /* agentx_notify.c */

struct agentx {
	struct core *core;
	struct loop *loop;
	char *socket;
	unsigned ping_interval;
	char *contexts[AGENTX_MAX_CONTEXTS];
	size_t n_contexts;
	bool connected;
	int fds[AGENTX_MAX_FDS];
	size_t n_fds;
	struct ax_node *nodes; /* sorted by OID */
	size_t n_nodes;
	size_t n_sets;         /* row sets the nodes refer to */
	struct ax_view view;
	struct ax_set_state *set;
	struct ax_notify *notify;
	netsnmp_handler_registration *regs[AGENTX_MAX_CONTEXTS + 1];
	size_t n_regs;
	unsigned char buf[AGENTX_TEXT_MAX];
};

/* agentx_tables.c */
int agentx_nodes_build(struct agentx *ax);
void agentx_nodes_free(struct agentx *ax);
/* Bring the view up to the current snapshot (cheap when unchanged). */
int agentx_view_refresh(struct agentx *ax);
void agentx_view_free(struct ax_view *v);
/* The node whose region holds oid (a prefix of it), or NULL. */
const struct ax_node *agentx_node_find(const struct agentx *ax,
				       const oid *name, size_t len);
/* The row of node's set whose index is exactly idx, or NULL. */
const struct ax_row *agentx_row_find(const struct agentx *ax,
				     const struct ax_node *n, const oid *idx,
				     size_t len);
Netsnmp_Node_Handler agentx_handler;
/* Net-SNMP's ASN.1 type for a node's values. */
u_char agentx_asn_type(const struct ax_node *n);

/* agentx_set.c: the SET modes of the handler. */
int agentx_set(struct agentx *ax, netsnmp_agent_request_info *reqinfo,
	       netsnmp_request_info *requests);
void agentx_set_free(struct agentx *ax);

/* agentx_notify.c */
int agentx_notify_start(struct agentx *ax);
void agentx_notify_stop(struct agentx *ax);

#endif
