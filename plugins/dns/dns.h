/* DNS plugin: declarations shared by its files.
 *
 * Manages the host name (/etc/hostname and the kernel's), the resolver
 * configuration (/etc/resolv.conf) and static host entries (/etc/hosts).
 * The file paths come from the daemon settings plugins.dns.<key>, so that
 * tests run against a sandbox.
 */
#ifndef DNS_H
#define DNS_H

#include <stdbool.h>
#include <stddef.h>

#include "mgmtd/plugin.h"

#include "dns_render.h"

/* Class and attribute names: one spelling for the schema and the code. */
#define DNS_CLS_SETTINGS "settings"
#define DNS_CLS_HOSTS "hosts"
#define DNS_A_HOSTNAME "hostname"
#define DNS_A_DOMAIN "domain"
#define DNS_A_RESOLVERS "resolvers"
#define DNS_A_SEARCH "search"
#define DNS_A_OPTIONS "options"
#define DNS_A_CURRENT_HOSTNAME "current_hostname"
#define DNS_A_CURRENT_RESOLVERS "current_resolvers"
#define DNS_A_NAME "name"
#define DNS_A_ADDRESSES "addresses"
#define DNS_A_ALIASES "aliases"

/* Daemon settings (plugins.dns.<key>) and their defaults. */
#define DNS_SET_HOSTNAME_FILE "hostname_file"
#define DNS_SET_RESOLV_CONF "resolv_conf"
#define DNS_SET_HOSTS_FILE "hosts_file"
#define DNS_SET_KERNEL_HOSTNAME "set_kernel_hostname"
#define DNS_DEF_HOSTNAME_FILE "/etc/hostname"
#define DNS_DEF_RESOLV_CONF "/etc/resolv.conf"
#define DNS_DEF_HOSTS_FILE "/etc/hosts"

#define DNS_FILE_MODE 0644

/* What prepare staged and apply must finish; empty between transactions. */
struct dns_plan {
	bool hostname_file; /* staged, to commit */
	bool resolv_conf;
	bool hosts_file;
	bool kernel_hostname; /* sethostname(2) in apply */
	char hostname[DNS_LABEL_MAX + 1];
	size_t n_resolvers, n_hosts;
};

/* The plugin's private context (mgmtd_ctx_priv), allocated in init. */
struct dns_priv {
	/* Borrowed from the daemon settings, valid until shutdown. */
	const char *hostname_file;
	const char *resolv_conf;
	const char *hosts_file;
	bool set_kernel_hostname;
	struct dns_plan plan;
};

/* Transaction phases (dns_apply.c); see struct mgmtd_plugin. */
int dns_validate(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		 const struct mgmtd_tree *run, struct mgmtd_err *err);
int dns_prepare(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		const struct mgmtd_tree *run, struct mgmtd_err *err);
void dns_abort(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
	       const struct mgmtd_tree *run);
void dns_apply(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
	       const struct mgmtd_tree *run);
/* Remove whatever p->plan staged and empty the plan (abort, shutdown). */
void dns_plan_discard(struct dns_priv *p);

/* Live state (dns_state.c). */
int dns_collect(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		struct mgmtd_state *st);

#endif
