/* Accounts plugin: the descriptor, the schema, init and shutdown. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mgmtd/plugin.h"

#include "accounts.h"

/* acct_valid_name() as a pattern, for the schema's readers and so that
 * the core refuses bad names with the attribute's path. */
#define ACCT_NAME_PATTERN "[a-z_][a-z0-9_-]*"

static const struct mgmtd_attr acct_user_attrs[] = {
	{
		.name = ACCT_A_NAME,
		.type = MGMTD_T_STRING,
		.flags = MGMTD_A_KEY | MGMTD_A_CONFIG | MGMTD_A_REQUIRED,
		.snmp_column = 2,
		.description = "Login name: a lower-case letter or _, then "
			       "letters, digits, _ and -",
		.min = 1,
		.max = ACCT_NAME_MAX,
		.pattern = ACCT_NAME_PATTERN,
	},
	{
		.name = ACCT_A_UID,
		.type = MGMTD_T_INT,
		.flags = MGMTD_A_CONFIG | MGMTD_A_REQUIRED,
		.snmp_column = 3,
		.description = "Numeric user id (system ids below 1000 are "
			       "reserved)",
		.min = ACCT_ID_MIN,
		.max = ACCT_ID_MAX,
	},
	{
		.name = ACCT_A_FULL_NAME,
		.type = MGMTD_T_STRING,
		.flags = MGMTD_A_CONFIG,
		.snmp_column = 4,
		.description = "Full name (the GECOS field)",
		.max = 128,
		.pattern = "[^:,]*",
	},
	{
		.name = ACCT_A_PRIMARY_GROUP,
		.type = MGMTD_T_STRING,
		.flags = MGMTD_A_CONFIG,
		.snmp_column = 5,
		.description = "Primary group: a group of this plugin or an "
			       "existing system group",
		.max = ACCT_NAME_MAX,
		.pattern = ACCT_NAME_PATTERN,
		.default_value = "users",
	},
	{
		.name = ACCT_A_GROUPS,
		.type = MGMTD_T_STRING,
		.flags = MGMTD_A_CONFIG | MGMTD_A_LIST,
		.snmp_column = 6,
		.description = "Supplementary groups (groups of this plugin)",
		.max = ACCT_NAME_MAX,
		.pattern = ACCT_NAME_PATTERN,
		.max_items = 64,
	},
	{
		.name = ACCT_A_PASSWORD,
		.type = MGMTD_T_SECRET,
		.flags = MGMTD_A_CONFIG | MGMTD_A_PASSWORD,
		.snmp_column = 7,
		.description = "Password: stored only as its hashes (crypt for "
			       "the system, NT for SMB); none locks the "
			       "account",
		.min = 1,
		.max = 256,
	},
	{
		.name = ACCT_A_ENABLED,
		.type = MGMTD_T_BOOL,
		.flags = MGMTD_A_CONFIG,
		.snmp_column = 8,
		.description = "Whether the user may log in",
		.default_value = "true",
	},
	{
		.name = ACCT_A_SHELL,
		.type = MGMTD_T_PATH,
		.flags = MGMTD_A_CONFIG,
		.snmp_column = 9,
		.description = "Login shell; the default allows no login",
		.default_value = "/usr/sbin/nologin",
	},
	{
		.name = ACCT_A_HOME,
		.type = MGMTD_T_PATH,
		.flags = MGMTD_A_CONFIG,
		.snmp_column = 10,
		.description = "Home directory (not created)",
		.default_value = "/nonexistent",
	},
	{
		.name = ACCT_A_PRESENT,
		.type = MGMTD_T_BOOL,
		.flags = MGMTD_A_STATE,
		.snmp_column = 11,
		.description = "Whether the passwd file has the user",
	},
	{
		.name = ACCT_A_SAMBA,
		.type = MGMTD_T_BOOL,
		.flags = MGMTD_A_STATE,
		.snmp_column = 12,
		.description = "Whether Samba's passdb has the user (when the "
			       "cifs plugin is loaded)",
	},
	{ .name = NULL },
};

static const struct mgmtd_attr acct_group_attrs[] = {
	{
		.name = ACCT_A_NAME,
		.type = MGMTD_T_STRING,
		.flags = MGMTD_A_KEY | MGMTD_A_CONFIG | MGMTD_A_REQUIRED,
		.snmp_column = 2,
		.description = "Group name, with the rules of user names",
		.min = 1,
		.max = ACCT_NAME_MAX,
		.pattern = ACCT_NAME_PATTERN,
	},
	{
		.name = ACCT_A_GID,
		.type = MGMTD_T_INT,
		.flags = MGMTD_A_CONFIG | MGMTD_A_REQUIRED,
		.snmp_column = 3,
		.description = "Numeric group id (system ids below 1000 are "
			       "reserved)",
		.min = ACCT_ID_MIN,
		.max = ACCT_ID_MAX,
	},
	{
		.name = ACCT_A_MEMBERS,
		.type = MGMTD_T_STRING,
		.flags = MGMTD_A_CONFIG | MGMTD_A_LIST,
		.snmp_column = 4,
		.description = "Users of this plugin that belong to the group "
			       "(besides those that list it in their groups)",
		.max = ACCT_NAME_MAX,
		.pattern = ACCT_NAME_PATTERN,
		.max_items = ACCT_MAX_MEMBERS,
	},
	{
		.name = ACCT_A_PRESENT,
		.type = MGMTD_T_BOOL,
		.flags = MGMTD_A_STATE,
		.snmp_column = 5,
		.description = "Whether the group file has the group",
	},
	{ .name = NULL },
};

static const struct mgmtd_class acct_users_class = {
	.name = ACCT_CLS_USERS,
	.kind = MGMTD_COLLECTION,
	.snmp_table = 1,
	.description = "Local users of the appliance (file sharing, quotas)",
	.attrs = acct_user_attrs,
	.max_objects = ACCT_MAX_USERS,
};

static const struct mgmtd_class acct_groups_class = {
	.name = ACCT_CLS_GROUPS,
	.kind = MGMTD_COLLECTION,
	.snmp_table = 2,
	.description = "Local groups of the appliance",
	.attrs = acct_group_attrs,
	.max_objects = ACCT_MAX_GROUPS,
};

static const struct mgmtd_class *const acct_classes[] = {
	&acct_users_class,
	&acct_groups_class,
	NULL,
};

int acct_settings_load(const struct mgmtd_ctx *ctx, struct acct_priv *p)
{
	static const char *const keys[ACCT_F_COUNT] = {
		[ACCT_F_GROUP] = ACCT_SET_GROUP,
		[ACCT_F_GSHADOW] = ACCT_SET_GSHADOW,
		[ACCT_F_PASSWD] = ACCT_SET_PASSWD,
		[ACCT_F_SHADOW] = ACCT_SET_SHADOW,
	};
	static const char *const defs[ACCT_F_COUNT] = {
		[ACCT_F_GROUP] = ACCT_DEF_GROUP,
		[ACCT_F_GSHADOW] = ACCT_DEF_GSHADOW,
		[ACCT_F_PASSWD] = ACCT_DEF_PASSWD,
		[ACCT_F_SHADOW] = ACCT_DEF_SHADOW,
	};

	*p = (struct acct_priv){ 0 };
	for (int i = 0; i < ACCT_F_COUNT; i++) {
		p->files[i] = mgmtd_ctx_setting_str(ctx, keys[i], defs[i]);
		if (p->files[i][0] != '/') {
			mgmtd_log(ctx, MGMTD_SEV_ERR,
				  "setting %s: \"%s\" is not an absolute path",
				  keys[i], p->files[i]);
			return -EINVAL;
		}
	}
	p->smb_conf = mgmtd_ctx_setting_str(ctx, ACCT_SET_SMB_CONF,
					    ACCT_DEF_SMB_CONF);
	p->lock = mgmtd_ctx_setting_int(ctx, ACCT_SET_LOCK, 1) != 0;
	return 0;
}

static int acct_init(struct mgmtd_ctx *ctx)
{
	struct acct_priv *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return -ENOMEM;
	if ((rc = acct_settings_load(ctx, p)) < 0) {
		free(p);
		return rc;
	}
	mgmtd_ctx_set_priv(ctx, p);
	mgmtd_log(ctx, MGMTD_SEV_DEBUG, "files %s, %s, %s, %s; Samba %s",
		  p->files[ACCT_F_PASSWD], p->files[ACCT_F_SHADOW],
		  p->files[ACCT_F_GROUP], p->files[ACCT_F_GSHADOW],
		  p->smb_conf);
	return 0;
}

static void acct_shutdown(struct mgmtd_ctx *ctx)
{
	struct acct_priv *p = mgmtd_ctx_priv(ctx);

	if (!p)
		return;
	/* A transaction cut short between prepare and apply. */
	acct_release(p);
	free(p);
	mgmtd_ctx_set_priv(ctx, NULL);
}

const struct mgmtd_plugin MGMTD_PLUGIN_SYMBOL = {
	.abi = MGMTD_PLUGIN_ABI,
	.name = "accounts",
	.version = "1.0",
	.description = "Local users and groups (passwd, shadow, group, "
		       "Samba passdb)",
	.mib_arc = 2,
	.ui_area = "system",
	.classes = acct_classes,
	.init = acct_init,
	.shutdown = acct_shutdown,
	.validate = acct_validate,
	.prepare = acct_prepare,
	.abort = acct_abort,
	.apply = acct_apply,
	.collect = acct_collect,
};
