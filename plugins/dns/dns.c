/* DNS plugin: the descriptor, the schema, init and shutdown. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mgmtd/plugin.h"

#include "dns.h"

/* One DNS label: the kernel's host name is the short name, the domain is
 * separate (Debian's /etc/hostname convention).  The core applies patterns
 * to strings only, so dns_check_settings() enforces this one; it is here
 * for the schema's readers (UI, OpenAPI). */
#define DNS_LABEL_PATTERN "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"

static const struct mgmtd_attr dns_settings_attrs[] = {
	{
		.name = DNS_A_HOSTNAME,
		.type = MGMTD_T_HOSTNAME,
		.flags = MGMTD_A_CONFIG,
		.snmp_column = 1,
		.description = "Short host name (one label), written to the "
			       "hostname file and set in the kernel",
		.pattern = DNS_LABEL_PATTERN,
	},
	{
		.name = DNS_A_DOMAIN,
		.type = MGMTD_T_HOSTNAME,
		.flags = MGMTD_A_CONFIG,
		.snmp_column = 2,
		.description = "DNS domain of the appliance: completes its "
			       "fully qualified name and is the default search "
			       "domain",
	},
	{
		.name = DNS_A_RESOLVERS,
		.type = MGMTD_T_IP,
		.flags = MGMTD_A_CONFIG | MGMTD_A_LIST,
		.snmp_column = 3,
		.description = "Name servers queried by the resolver, in order",
		.max_items = DNS_MAX_RESOLVERS,
	},
	{
		.name = DNS_A_SEARCH,
		.type = MGMTD_T_HOSTNAME,
		.flags = MGMTD_A_CONFIG | MGMTD_A_LIST,
		.snmp_column = 4,
		.description = "Domains tried in order to complete short "
			       "names; overrides domain for searching",
		.max_items = DNS_MAX_SEARCH,
	},
	{
		.name = DNS_A_OPTIONS,
		.type = MGMTD_T_STRING,
		.flags = MGMTD_A_CONFIG | MGMTD_A_LIST,
		.snmp_column = 5,
		.description = "Resolver options (resolv.conf(5)), e.g. "
			       "ndots:2, timeout:1, attempts:3, rotate, edns0",
		.min = 1,
		.max = 32,
		.pattern = DNS_OPTION_PATTERN,
		.max_items = DNS_MAX_OPTIONS,
	},
	{
		.name = DNS_A_CURRENT_HOSTNAME,
		.type = MGMTD_T_STRING,
		.flags = MGMTD_A_STATE,
		.snmp_column = 6,
		.description = "Host name the kernel reports now",
	},
	{
		/* A string, not an address: a link-local server carries its
		 * zone ("fe80::1%eth0"), which no address type holds. */
		.name = DNS_A_CURRENT_RESOLVERS,
		.type = MGMTD_T_STRING,
		.flags = MGMTD_A_STATE | MGMTD_A_LIST,
		.snmp_column = 7,
		.description = "Name servers in effect, as read from the "
			       "resolv.conf in use (127.0.0.1 when it names "
			       "none)",
		.max_items = DNS_MAX_RESOLVERS,
	},
	{ .name = NULL },
};

static const struct mgmtd_attr dns_hosts_attrs[] = {
	{
		.name = DNS_A_NAME,
		.type = MGMTD_T_HOSTNAME,
		.flags = MGMTD_A_KEY | MGMTD_A_CONFIG | MGMTD_A_REQUIRED,
		.snmp_column = 2,
		.description = "Canonical name of the host",
	},
	{
		.name = DNS_A_ADDRESSES,
		.type = MGMTD_T_IP,
		.flags = MGMTD_A_CONFIG | MGMTD_A_REQUIRED | MGMTD_A_LIST,
		.snmp_column = 3,
		.description = "Addresses the name resolves to, one hosts line "
			       "each",
		.max_items = DNS_MAX_HOST_ADDRESSES,
	},
	{
		.name = DNS_A_ALIASES,
		.type = MGMTD_T_HOSTNAME,
		.flags = MGMTD_A_CONFIG | MGMTD_A_LIST,
		.snmp_column = 4,
		.description = "Other names of the host",
		.max_items = DNS_MAX_HOST_ALIASES,
	},
	{ .name = NULL },
};

static const struct mgmtd_class dns_settings_class = {
	.name = DNS_CLS_SETTINGS,
	.kind = MGMTD_SINGLETON,
	.snmp_table = 1,
	.description = "Host name and resolver configuration",
	.attrs = dns_settings_attrs,
};

static const struct mgmtd_class dns_hosts_class = {
	.name = DNS_CLS_HOSTS,
	.kind = MGMTD_COLLECTION,
	.snmp_table = 2,
	.description = "Static host entries written to the hosts file",
	.attrs = dns_hosts_attrs,
	.max_objects = DNS_MAX_HOSTS,
};

static const struct mgmtd_class *const dns_classes[] = {
	&dns_settings_class,
	&dns_hosts_class,
	NULL,
};

/* The three files must be distinct absolute paths: one staged file each. */
static int dns_check_paths(struct mgmtd_ctx *ctx, const struct dns_priv *p)
{
	const char *paths[] = { p->hostname_file, p->resolv_conf,
				p->hosts_file };
	const char *keys[] = { DNS_SET_HOSTNAME_FILE, DNS_SET_RESOLV_CONF,
			       DNS_SET_HOSTS_FILE };

	for (size_t i = 0; i < 3; i++) {
		if (paths[i][0] != '/') {
			mgmtd_log(ctx, MGMTD_SEV_ERR,
				  "setting %s: \"%s\" is not an absolute path",
				  keys[i], paths[i]);
			return -EINVAL;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(paths[i], paths[j]) == 0) {
				mgmtd_log(ctx, MGMTD_SEV_ERR,
					  "settings %s and %s name the same "
					  "file %s", keys[j], keys[i],
					  paths[i]);
				return -EINVAL;
			}
	}
	return 0;
}

static int dns_init(struct mgmtd_ctx *ctx)
{
	struct dns_priv *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return -ENOMEM;
	p->hostname_file = mgmtd_ctx_setting_str(ctx, DNS_SET_HOSTNAME_FILE,
						 DNS_DEF_HOSTNAME_FILE);
	p->resolv_conf = mgmtd_ctx_setting_str(ctx, DNS_SET_RESOLV_CONF,
					       DNS_DEF_RESOLV_CONF);
	p->hosts_file = mgmtd_ctx_setting_str(ctx, DNS_SET_HOSTS_FILE,
					      DNS_DEF_HOSTS_FILE);
	p->set_kernel_hostname =
		mgmtd_ctx_setting_int(ctx, DNS_SET_KERNEL_HOSTNAME, 1) != 0;
	rc = dns_check_paths(ctx, p);
	if (rc < 0) {
		free(p);
		return rc;
	}
	mgmtd_ctx_set_priv(ctx, p);
	mgmtd_log(ctx, MGMTD_SEV_DEBUG,
		  "files %s, %s, %s; kernel host name %s", p->hostname_file,
		  p->resolv_conf, p->hosts_file,
		  p->set_kernel_hostname ? "managed" : "left alone");
	return 0;
}

static void dns_shutdown(struct mgmtd_ctx *ctx)
{
	struct dns_priv *p = mgmtd_ctx_priv(ctx);

	if (!p)
		return;
	/* A transaction cut short between prepare and apply. */
	dns_plan_discard(p);
	free(p);
	mgmtd_ctx_set_priv(ctx, NULL);
}

const struct mgmtd_plugin MGMTD_PLUGIN_SYMBOL = {
	.abi = MGMTD_PLUGIN_ABI,
	.name = "dns",
	.version = "1.0",
	.description = "Host name, resolver configuration and static hosts",
	.mib_arc = 1,
	.ui_area = "network",
	.classes = dns_classes,
	.init = dns_init,
	.shutdown = dns_shutdown,
	.validate = dns_validate,
	.prepare = dns_prepare,
	.abort = dns_abort,
	.apply = dns_apply,
	.collect = dns_collect,
};
