/* CIFS plugin: the descriptor, the schema, init and shutdown. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mgmtd/plugin.h"

#include "cifs.h"

/* Users as the accounts plugin names them; "@name" is a group. */
#define CIFS_USER_PATTERN "[a-z_][a-z0-9_-]*"
#define CIFS_USER_OR_GROUP_PATTERN "@?[a-z_][a-z0-9_-]*"
/* What Windows and Samba both take in a share name (cifs_conf.c checks
 * the rest: reserved names, spaces at the ends). */
#define CIFS_SHARE_PATTERN "[A-Za-z0-9!#$&'().@^_`{}~ -]+"
#define CIFS_NETBIOS_PATTERN "[A-Za-z0-9!#$&'().@^_{}~-]+"
#define CIFS_MODE_PATTERN "0?[0-7]{3}"
#define CIFS_HOST_PATTERN "[A-Za-z0-9.:/_-]+"
#define CIFS_IFACE_PATTERN "[A-Za-z0-9.:/_;-]+"
#define CIFS_EXTRA_PATTERN "[A-Za-z0-9][A-Za-z0-9 :_.-]*=.*"

static const char *const cifs_roles[] = { "standalone", NULL };
static const char *const cifs_protocols[] = {
	"NT1", "SMB2", "SMB2_02", "SMB2_10", "SMB3", "SMB3_00", "SMB3_02",
	"SMB3_11", NULL,
};
static const char *const cifs_encryption[] = { "off", "desired", "required",
					       NULL };
static const char *const cifs_service_states[] = { "stopped", "running",
						   "restarting", NULL };

#define CONFIG MGMTD_A_CONFIG
#define STATE MGMTD_A_STATE
#define LIST MGMTD_A_LIST
#define ADV MGMTD_A_ADVANCED /* a UI hint */

static const struct mgmtd_attr cifs_server_attrs[] = {
	{ .name = CIFS_A_ENABLED, .type = MGMTD_T_BOOL, .flags = CONFIG,
	  .snmp_column = 1, .default_value = "true",
	  .description = "Whether smbd runs" },
	{ .name = CIFS_A_WORKGROUP, .type = MGMTD_T_STRING, .flags = CONFIG,
	  .snmp_column = 2, .min = 1, .max = 15,
	  .pattern = CIFS_NETBIOS_PATTERN, .default_value = "WORKGROUP",
	  .description = "Workgroup (or, later, the domain's NetBIOS name)" },
	{ .name = CIFS_A_NETBIOS_NAME, .type = MGMTD_T_STRING, .flags = CONFIG,
	  .snmp_column = 3, .min = 1, .max = 15,
	  .pattern = CIFS_NETBIOS_PATTERN,
	  .description = "NetBIOS name of the server (default: the host "
			 "name)" },
	{ .name = CIFS_A_SERVER_STRING, .type = MGMTD_T_STRING, .flags = CONFIG,
	  .snmp_column = 4, .max = 128,
	  .description = "Description clients show next to the server" },
	{ .name = CIFS_A_ROLE, .type = MGMTD_T_ENUM, .flags = CONFIG,
	  .snmp_column = 5, .enum_values = cifs_roles,
	  .default_value = "standalone",
	  .description = "Server role: standalone (membership of an Active "
			 "Directory domain comes later)" },
	{ .name = CIFS_A_INTERFACES, .type = MGMTD_T_STRING,
	  .flags = CONFIG | LIST | ADV, .snmp_column = 6, .max = 64,
	  .pattern = CIFS_IFACE_PATTERN, .max_items = CIFS_MAX_INTERFACES,
	  .description = "Interfaces or addresses to serve on (default: the "
			 "daemon setting, else all)",
	  .ui_group = "Network" },
	{ .name = CIFS_A_BIND_ONLY, .type = MGMTD_T_BOOL, .flags = CONFIG | ADV,
	  .snmp_column = 7,
	  .description = "Listen on the interfaces only (default: the daemon "
			 "setting)",
	  .ui_group = "Network" },
	{ .name = CIFS_A_PORT, .type = MGMTD_T_INT, .flags = CONFIG | ADV,
	  .snmp_column = 8, .min = 1, .max = 65535,
	  .description = "TCP port (default: the daemon setting, else 445)",
	  .ui_group = "Network" },
	{ .name = CIFS_A_MIN_PROTOCOL, .type = MGMTD_T_ENUM,
	  .flags = CONFIG | ADV,
	  .snmp_column = 9, .enum_values = cifs_protocols,
	  .description = "Oldest protocol accepted (default: Samba's, "
			 "SMB2_02)",
	  .ui_group = "Security" },
	{ .name = CIFS_A_MAX_PROTOCOL, .type = MGMTD_T_ENUM,
	  .flags = CONFIG | ADV,
	  .snmp_column = 10, .enum_values = cifs_protocols,
	  .description = "Newest protocol offered (default: Samba's)",
	  .ui_group = "Security" },
	{ .name = CIFS_A_SMB_ENCRYPTION, .type = MGMTD_T_ENUM, .flags = CONFIG,
	  .snmp_column = 11, .enum_values = cifs_encryption,
	  .description = "SMB3 encryption: off, desired or required",
	  .ui_group = "Security" },
	{ .name = CIFS_A_GUEST_ACCOUNT, .type = MGMTD_T_STRING,
	  .flags = CONFIG | ADV,
	  .snmp_column = 12, .max = 32, .pattern = CIFS_USER_PATTERN,
	  .description = "Unix account of guests (default: nobody)",
	  .ui_group = "Security" },
	{ .name = CIFS_A_LOG_LEVEL, .type = MGMTD_T_INT, .flags = CONFIG | ADV,
	  .snmp_column = 13, .min = 0, .max = 10,
	  .description = "Samba's log level, 0 (quiet) to 10",
	  .ui_group = "Samba" },
	{ .name = CIFS_A_EXTRA, .type = MGMTD_T_STRING,
	  .flags = CONFIG | LIST | ADV,
	  .snmp_column = 14, .max = 1024, .pattern = CIFS_EXTRA_PATTERN,
	  .max_items = CIFS_MAX_EXTRA,
	  .description = "Further [global] parameters, \"name = value\", "
			 "checked by testparm",
	  .ui_group = "Samba" },
	{ .name = CIFS_A_SERVICE_STATE, .type = MGMTD_T_ENUM, .flags = STATE,
	  .snmp_column = 15, .enum_values = cifs_service_states,
	  .description = "smbd: stopped, running, or restarting after it "
			 "died" },
	{ .name = CIFS_A_RUNNING, .type = MGMTD_T_BOOL, .flags = STATE,
	  .snmp_column = 16, .description = "Whether smbd runs" },
	{ .name = CIFS_A_PID, .type = MGMTD_T_INT, .flags = STATE,
	  .snmp_column = 17, .description = "Process id of smbd" },
	{ .name = CIFS_A_VERSION, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 18, .description = "Samba version" },
	{ .name = CIFS_A_UPTIME, .type = MGMTD_T_DURATION,
	  .flags = STATE | MGMTD_A_GAUGE, .snmp_column = 19,
	  .units = "seconds", .description = "Time since smbd started" },
	{ .name = CIFS_A_RESTARTS, .type = MGMTD_T_INT,
	  .flags = STATE | MGMTD_A_COUNTER, .snmp_column = 20,
	  .description = "Restarts of smbd after it died" },
	{ .name = NULL },
};

static const struct mgmtd_attr cifs_share_attrs[] = {
	{ .name = CIFS_A_NAME, .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_KEY | CONFIG | MGMTD_A_REQUIRED, .snmp_column = 2,
	  .min = 1, .max = CIFS_SHARE_NAME_MAX, .pattern = CIFS_SHARE_PATTERN,
	  .description = "Share name (not global, homes, printers, ipc$)" },
	{ .name = CIFS_A_PATH, .type = MGMTD_T_PATH,
	  .flags = CONFIG | MGMTD_A_REQUIRED, .snmp_column = 3,
	  .description = "Directory shared; must exist unless create_path" },
	{ .name = CIFS_A_COMMENT, .type = MGMTD_T_STRING, .flags = CONFIG,
	  .snmp_column = 4, .max = 256,
	  .description = "Description clients show" },
	{ .name = CIFS_A_ENABLED, .type = MGMTD_T_BOOL, .flags = CONFIG,
	  .snmp_column = 5, .default_value = "true",
	  .description = "Whether clients may connect" },
	{ .name = CIFS_A_BROWSEABLE, .type = MGMTD_T_BOOL, .flags = CONFIG,
	  .snmp_column = 6, .default_value = "true",
	  .description = "Whether the share is listed" },
	{ .name = CIFS_A_READ_ONLY, .type = MGMTD_T_BOOL, .flags = CONFIG,
	  .snmp_column = 7, .default_value = "true",
	  .description = "Whether clients may only read (write_list "
			 "excepted)" },
	{ .name = CIFS_A_GUEST_OK, .type = MGMTD_T_BOOL, .flags = CONFIG,
	  .snmp_column = 8, .default_value = "false",
	  .description = "Whether guests may connect without a password" },
	{ .name = CIFS_A_VALID_USERS, .type = MGMTD_T_STRING,
	  .flags = CONFIG | LIST, .snmp_column = 9, .max = 32,
	  .pattern = CIFS_USER_PATTERN, .max_items = CIFS_MAX_LIST,
	  .description = "Users allowed to connect (with valid_groups; both "
			 "empty: everyone)",
	  .ui_group = "Access" },
	{ .name = CIFS_A_VALID_GROUPS, .type = MGMTD_T_STRING,
	  .flags = CONFIG | LIST, .snmp_column = 10, .max = 32,
	  .pattern = CIFS_USER_PATTERN, .max_items = CIFS_MAX_LIST,
	  .description = "Groups whose members may connect",
	  .ui_group = "Access" },
	{ .name = CIFS_A_READ_LIST, .type = MGMTD_T_STRING,
	  .flags = CONFIG | LIST, .snmp_column = 11, .max = 33,
	  .pattern = CIFS_USER_OR_GROUP_PATTERN, .max_items = CIFS_MAX_LIST,
	  .description = "Users (@group for groups) that may only read",
	  .ui_group = "Access" },
	{ .name = CIFS_A_WRITE_LIST, .type = MGMTD_T_STRING,
	  .flags = CONFIG | LIST, .snmp_column = 12, .max = 33,
	  .pattern = CIFS_USER_OR_GROUP_PATTERN, .max_items = CIFS_MAX_LIST,
	  .description = "Users (@group for groups) that may write to a "
			 "read-only share",
	  .ui_group = "Access" },
	{ .name = CIFS_A_ADMIN_USERS, .type = MGMTD_T_STRING,
	  .flags = CONFIG | LIST | ADV, .snmp_column = 13, .max = 33,
	  .pattern = CIFS_USER_OR_GROUP_PATTERN, .max_items = CIFS_MAX_LIST,
	  .description = "Users (@group for groups) that act as root on the "
			 "share",
	  .ui_group = "Access" },
	{ .name = CIFS_A_HOSTS_ALLOW, .type = MGMTD_T_STRING,
	  .flags = CONFIG | LIST | ADV, .snmp_column = 14, .max = 64,
	  .pattern = CIFS_HOST_PATTERN, .max_items = CIFS_MAX_LIST,
	  .description = "Clients allowed (addresses, networks, names)",
	  .ui_group = "Access" },
	{ .name = CIFS_A_HOSTS_DENY, .type = MGMTD_T_STRING,
	  .flags = CONFIG | LIST | ADV, .snmp_column = 15, .max = 64,
	  .pattern = CIFS_HOST_PATTERN, .max_items = CIFS_MAX_LIST,
	  .description = "Clients refused",
	  .ui_group = "Access" },
	{ .name = CIFS_A_CREATE_MASK, .type = MGMTD_T_STRING,
	  .flags = CONFIG | ADV,
	  .snmp_column = 16, .pattern = CIFS_MODE_PATTERN,
	  .description = "Permission bits new files may get (octal)",
	  .ui_group = "Permissions" },
	{ .name = CIFS_A_DIRECTORY_MASK, .type = MGMTD_T_STRING,
	  .flags = CONFIG | ADV, .snmp_column = 17,
	  .pattern = CIFS_MODE_PATTERN,
	  .description = "Permission bits new directories may get (octal)",
	  .ui_group = "Permissions" },
	{ .name = CIFS_A_FORCE_USER, .type = MGMTD_T_STRING,
	  .flags = CONFIG | ADV,
	  .snmp_column = 18, .max = 32, .pattern = CIFS_USER_PATTERN,
	  .description = "User all file operations run as",
	  .ui_group = "Permissions" },
	{ .name = CIFS_A_FORCE_GROUP, .type = MGMTD_T_STRING,
	  .flags = CONFIG | ADV,
	  .snmp_column = 19, .max = 32, .pattern = CIFS_USER_PATTERN,
	  .description = "Group all file operations run as",
	  .ui_group = "Permissions" },
	{ .name = CIFS_A_INHERIT_ACLS, .type = MGMTD_T_BOOL,
	  .flags = CONFIG | ADV,
	  .snmp_column = 20, .default_value = "false",
	  .description = "New files inherit the parent directory's ACL",
	  .ui_group = "Permissions" },
	{ .name = CIFS_A_RECYCLE_BIN, .type = MGMTD_T_BOOL, .flags = CONFIG,
	  .snmp_column = 21, .default_value = "false",
	  .description = "Deleted files go to .recycle (vfs_recycle)",
	  .ui_group = "Files" },
	{ .name = CIFS_A_HIDDEN_FILES, .type = MGMTD_T_STRING,
	  .flags = CONFIG | LIST | ADV, .snmp_column = 22, .max = 128,
	  .pattern = "[^/]+", .max_items = CIFS_MAX_LIST,
	  .description = "Names or patterns (* and ?) shown hidden",
	  .ui_group = "Files" },
	{ .name = CIFS_A_EXTRA, .type = MGMTD_T_STRING,
	  .flags = CONFIG | LIST | ADV,
	  .snmp_column = 23, .max = 1024, .pattern = CIFS_EXTRA_PATTERN,
	  .max_items = CIFS_MAX_EXTRA,
	  .description = "Further share parameters, \"name = value\", "
			 "checked by testparm",
	  .ui_group = "Samba" },
	{ .name = CIFS_A_CREATE_PATH, .type = MGMTD_T_BOOL, .flags = CONFIG,
	  .snmp_column = 24, .default_value = "false",
	  .description = "Create path if missing, with path_owner, "
			 "path_group and path_mode",
	  .ui_group = "Directory" },
	{ .name = CIFS_A_PATH_OWNER, .type = MGMTD_T_STRING,
	  .flags = CONFIG | ADV,
	  .snmp_column = 25, .max = 32, .pattern = CIFS_USER_PATTERN,
	  .description = "Owner of a created path (default: root)",
	  .ui_group = "Directory" },
	{ .name = CIFS_A_PATH_GROUP, .type = MGMTD_T_STRING,
	  .flags = CONFIG | ADV,
	  .snmp_column = 26, .max = 32, .pattern = CIFS_USER_PATTERN,
	  .description = "Group of a created path (default: root)",
	  .ui_group = "Directory" },
	{ .name = CIFS_A_PATH_MODE, .type = MGMTD_T_STRING,
	  .flags = CONFIG | ADV,
	  .snmp_column = 27, .pattern = "0?[0-7]{3,4}", .default_value = "0755",
	  .description = "Permission bits of a created path (octal)",
	  .ui_group = "Directory" },
	{ .name = CIFS_A_CONNECTIONS, .type = MGMTD_T_INT,
	  .flags = STATE | MGMTD_A_GAUGE, .snmp_column = 28,
	  .description = "Clients connected to the share now" },
	{ .name = NULL },
};

static const struct mgmtd_attr cifs_session_attrs[] = {
	{ .name = CIFS_A_SESSION_ID, .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_KEY | STATE, .snmp_column = 2,
	  .description = "Session id" },
	{ .name = CIFS_A_USER, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 3, .description = "User logged on" },
	{ .name = CIFS_A_GROUP, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 4, .description = "The user's primary group" },
	{ .name = CIFS_A_REMOTE_MACHINE, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 5, .description = "Client machine" },
	{ .name = CIFS_A_ADDRESS, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 6, .description = "Client address and port" },
	{ .name = CIFS_A_PROTOCOL, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 7, .description = "Protocol dialect (SMB3_11, ...)" },
	{ .name = CIFS_A_ENCRYPTION, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 8, .description = "Encryption: none, or cipher "
					   "(degree)" },
	{ .name = CIFS_A_SIGNING, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 9, .description = "Signing: none, or cipher "
					   "(degree)" },
	{ .name = CIFS_A_PID, .type = MGMTD_T_INT, .flags = STATE,
	  .snmp_column = 10, .description = "smbd process serving it" },
	{ .name = NULL },
};

static const struct mgmtd_attr cifs_tcon_attrs[] = {
	{ .name = CIFS_A_ID, .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_KEY | STATE, .snmp_column = 2,
	  .description = "Tree connection id" },
	{ .name = CIFS_A_SHARE, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 3, .description = "Share connected to" },
	{ .name = CIFS_A_MACHINE, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 4, .description = "Client machine" },
	{ .name = CIFS_A_SESSION_ID, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 5, .description = "Session it belongs to" },
	{ .name = CIFS_A_CONNECTED_AT, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 6, .description = "Connected since (ISO 8601)" },
	{ .name = CIFS_A_ENCRYPTION, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 7, .description = "Encryption of the connection" },
	{ .name = CIFS_A_SIGNING, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 8, .description = "Signing of the connection" },
	{ .name = CIFS_A_PID, .type = MGMTD_T_INT, .flags = STATE,
	  .snmp_column = 9, .description = "smbd process serving it" },
	{ .name = NULL },
};

static const struct mgmtd_attr cifs_open_attrs[] = {
	{ .name = CIFS_A_ID, .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_KEY | STATE, .snmp_column = 2,
	  .description = "Open id: smbd pid/file id" },
	{ .name = CIFS_A_SHARE_PATH, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 3, .description = "Path of the share" },
	{ .name = CIFS_A_FILENAME, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 4, .description = "File, relative to the share" },
	{ .name = CIFS_A_USER, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 5, .description = "User who opened it" },
	{ .name = CIFS_A_ACCESS, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 6, .description = "Access: R, W, RW" },
	{ .name = CIFS_A_SHARE_MODE, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 7, .description = "What others may do meanwhile" },
	{ .name = CIFS_A_OPLOCK, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 8, .description = "Oplock or lease held" },
	{ .name = CIFS_A_OPENED_AT, .type = MGMTD_T_STRING, .flags = STATE,
	  .snmp_column = 9, .description = "Opened at (ISO 8601)" },
	{ .name = CIFS_A_PID, .type = MGMTD_T_INT, .flags = STATE,
	  .snmp_column = 10, .description = "smbd process serving it" },
	{ .name = NULL },
};

static const struct mgmtd_action cifs_server_actions[] = {
	{ .name = "start", .description = "Start smbd" },
	{ .name = "stop", .description = "Stop smbd (until started again, or "
					 "a change or a restart of mgmtd "
					 "brings it back)" },
	{ .name = "restart", .description = "Stop and start smbd" },
	{ .name = "reload", .description = "Make smbd re-read smb.conf" },
	{ .name = NULL },
};

static const struct mgmtd_action cifs_session_actions[] = {
	{ .name = "disconnect",
	  .description = "End the session: its smbd process exits" },
	{ .name = NULL },
};

static const struct mgmtd_class cifs_server_class = {
	.name = CIFS_CLS_SERVER, .kind = MGMTD_SINGLETON, .snmp_table = 1,
	.description = "The SMB server (Samba's [global] section and smbd)",
	.attrs = cifs_server_attrs, .actions = cifs_server_actions,
};

static const struct mgmtd_class cifs_shares_class = {
	.name = CIFS_CLS_SHARES, .kind = MGMTD_COLLECTION, .snmp_table = 2,
	.description = "SMB shares", .attrs = cifs_share_attrs,
	.max_objects = CIFS_MAX_SHARES,
};

static const struct mgmtd_class cifs_sessions_class = {
	.name = CIFS_CLS_SESSIONS, .kind = MGMTD_COLLECTION, .snmp_table = 3,
	.description = "Sessions of SMB clients now",
	.attrs = cifs_session_attrs, .actions = cifs_session_actions,
};

static const struct mgmtd_class cifs_connections_class = {
	.name = CIFS_CLS_CONNECTIONS, .kind = MGMTD_COLLECTION,
	.snmp_table = 4, .description = "Shares connected to now",
	.attrs = cifs_tcon_attrs,
};

static const struct mgmtd_class cifs_open_files_class = {
	.name = CIFS_CLS_OPEN_FILES, .kind = MGMTD_COLLECTION,
	.snmp_table = 5, .description = "Files SMB clients hold open now",
	.attrs = cifs_open_attrs,
};

static const struct mgmtd_class *const cifs_classes[] = {
	&cifs_server_class,   &cifs_shares_class,     &cifs_sessions_class,
	&cifs_connections_class, &cifs_open_files_class, NULL,
};

/* ------------------------------------------------------------------ */
/* init, shutdown */

/* A directory setting: the setting, else <samba_dir>/<sub>, else def. */
static const char *dir_setting(struct mgmtd_ctx *ctx, struct cifs_priv *p,
			       const char *key, const char *sub,
			       const char *def)
{
	const char *base = mgmtd_ctx_setting_str(ctx, CIFS_SET_SAMBA_DIR, NULL);
	const char *v = mgmtd_ctx_setting_str(ctx, key, NULL);
	size_t i = 0;

	if (v || !base)
		return v ? v : def;
	while (i < sizeof(p->owned) / sizeof(p->owned[0]) && p->owned[i])
		i++;
	if (i == sizeof(p->owned) / sizeof(p->owned[0]) ||
	    asprintf(&p->owned[i], "%s/%s", base, sub) < 0)
		return NULL;
	return p->owned[i];
}

static int load_dirs(struct mgmtd_ctx *ctx, struct cifs_priv *p)
{
	struct cifs_dirs *d = &p->dirs;
	const char *all[7];

	d->lock = dir_setting(ctx, p, CIFS_SET_LOCK_DIR, "lock", "/run/samba");
	d->state = dir_setting(ctx, p, CIFS_SET_STATE_DIR, "state",
			       "/var/lib/samba");
	d->cache = dir_setting(ctx, p, CIFS_SET_CACHE_DIR, "cache",
			       "/var/cache/samba");
	d->pid = dir_setting(ctx, p, CIFS_SET_PID_DIR, "run", "/run/samba");
	d->private_dir = dir_setting(ctx, p, CIFS_SET_PRIVATE_DIR, "private",
				     "/var/lib/samba/private");
	d->ncalrpc = dir_setting(ctx, p, CIFS_SET_NCALRPC_DIR, "ncalrpc",
				 "/run/samba/ncalrpc");
	d->log = dir_setting(ctx, p, CIFS_SET_LOG_DIR, "log", "/var/log/samba");
	all[0] = d->lock, all[1] = d->state, all[2] = d->cache;
	all[3] = d->pid, all[4] = d->private_dir, all[5] = d->ncalrpc;
	all[6] = d->log;
	for (int i = 0; i < 7; i++) {
		if (!all[i])
			return -ENOMEM;
		if (all[i][0] != '/') {
			mgmtd_log(ctx, MGMTD_SEV_ERR,
				  "Samba directory \"%s\" is not absolute",
				  all[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/* "127.0.0.1 eth0" or "127.0.0.1,eth0": the interfaces smbd serves on
 * while the config names none. */
static int load_interfaces(struct mgmtd_ctx *ctx, struct cifs_priv *p)
{
	const char *v = mgmtd_ctx_setting_str(ctx, CIFS_SET_INTERFACES, "");
	char *save = NULL;

	if (!(p->interfaces_buf = strdup(v)))
		return -ENOMEM;
	for (char *t = strtok_r(p->interfaces_buf, " ,", &save);
	     t && p->n_def_interfaces < CIFS_MAX_INTERFACES;
	     t = strtok_r(NULL, " ,", &save))
		p->def_interfaces[p->n_def_interfaces++] = t;
	return 0;
}

/* smbd --version: "Version 4.17.12-Debian". */
static void load_version(struct cifs_priv *p)
{
	const char *argv[] = { p->smbd, "--version", NULL };
	char *out = NULL, *nl;
	struct mgmtd_err err = { 0 };

	if (mgmtd_exec_check(argv, NULL, &out, &err, "cifs") == 0 && out) {
		if ((nl = strchr(out, '\n')))
			*nl = '\0';
		snprintf(p->version, sizeof(p->version), "%s",
			 strncmp(out, "Version ", 8) == 0 ? out + 8 : out);
	}
	free(out);
}

static int make_dirs(struct mgmtd_ctx *ctx, const struct cifs_priv *p)
{
	const char *all[] = { p->dirs.lock, p->dirs.state, p->dirs.cache,
			      p->dirs.pid, p->dirs.private_dir,
			      p->dirs.ncalrpc, p->dirs.log };
	char dir[PATH_MAX];

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		/* mkdir -p by hand: the parents are Samba's business too. */
		snprintf(dir, sizeof(dir), "%s", all[i]);
		for (char *s = dir + 1; *s; s++)
			if (*s == '/') {
				*s = '\0';
				mkdir(dir, 0755);
				*s = '/';
			}
		if (mkdir(all[i], all[i] == p->dirs.private_dir ? 0700 : 0755) < 0 &&
		    errno != EEXIST) {
			int e = errno;

			mgmtd_log(ctx, MGMTD_SEV_ERR, "cannot create %s: %s",
				  all[i], strerror(e));
			return -e;
		}
	}
	return 0;
}

/* Samba's tools (pdbedit for the accounts plugin, before the first
 * transaction applies) need an smb.conf: write the rendering of an empty
 * config if there is none. */
static int bootstrap_conf(struct mgmtd_ctx *ctx, const struct cifs_priv *p)
{
	struct mgmtd_err err = { 0 };
	struct stat st;
	char *text;
	size_t len;
	int rc;

	if (stat(p->smb_conf, &st) == 0)
		return 0;
	if ((rc = cifs_render_tree(p, NULL, &text, &len)) < 0)
		return rc;
	rc = mgmtd_file_stage(p->smb_conf, text, len, 0644, &err, "cifs");
	free(text);
	if (rc == 0)
		rc = mgmtd_file_commit(p->smb_conf);
	if (rc < 0)
		mgmtd_log(ctx, MGMTD_SEV_ERR, "cannot write %s: %s",
			  p->smb_conf, err.count ? err.items[0].message : "");
	return rc;
}

static int make_service(struct mgmtd_ctx *ctx, struct cifs_priv *p)
{
	char log[PATH_MAX], pid[PATH_MAX], helper[PATH_MAX];
	char samba_log[PATH_MAX];
	const char *argv[] = { p->smbd, "--foreground", "--no-process-group",
			       "-s", p->smb_conf, NULL };
	const char *helpers[] = { helper, NULL };
	struct mgmtd_service_spec spec = {
		.name = "smbd",
		.argv = argv,
		.log_file = log,
		.pid_file = pid,
		.helper_pid_files = helpers,
		/* Both smbd and samba-dcerpcd name the config on their
		 * command line: a process that does not is not ours. */
		.match = p->smb_conf,
	};

	snprintf(log, sizeof(log), "%s",
		 mgmtd_ctx_setting_str(ctx, CIFS_SET_LOG_FILE, ""));
	if (!log[0])
		snprintf(log, sizeof(log), "%s/smbd.log",
			 mgmtd_ctx_state_dir(ctx));
	/* smbd logs to the "log file" of smb.conf (<log_dir>/log.smbd, with
	 * a timestamped head per entry); the service appends what it prints
	 * on stdout and stderr (start-up failures) to log. */
	snprintf(samba_log, sizeof(samba_log), "%s/log.smbd", p->dirs.log);
	mgmtd_log_register(ctx, "smbd", samba_log,
			   "Samba's file server (smbd): its debug log");
	mgmtd_log_register(ctx, "smbd_console", log,
			   "What smbd printed on its console (start-up "
			   "failures)");
	snprintf(pid, sizeof(pid), "%s/smbd.pid", p->dirs.pid);
	snprintf(helper, sizeof(helper), "%s/samba-dcerpcd.pid", p->dirs.pid);
	return mgmtd_service_new(ctx, &spec, &p->smbd_svc);
}

static void cifs_free(struct cifs_priv *p)
{
	mgmtd_service_free(p->smbd_svc);
	cifs_discard(p);
	free(p->status_text);
	pthread_mutex_destroy(&p->status_lock);
	for (size_t i = 0; i < sizeof(p->owned) / sizeof(p->owned[0]); i++)
		free(p->owned[i]);
	free(p->interfaces_buf);
	free(p);
}

static int cifs_init(struct mgmtd_ctx *ctx)
{
	struct cifs_priv *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->status_lock, NULL);
	p->smb_conf = mgmtd_ctx_setting_str(ctx, CIFS_SET_SMB_CONF,
					    CIFS_DEF_SMB_CONF);
	p->smbd = mgmtd_ctx_setting_str(ctx, CIFS_SET_SMBD, CIFS_DEF_SMBD);
	p->def_port = mgmtd_ctx_setting_int(ctx, CIFS_SET_PORT, CIFS_DEF_PORT);
	p->def_bind_only = mgmtd_ctx_setting_int(ctx, CIFS_SET_BIND_ONLY, 0);
	p->manage = mgmtd_ctx_setting_int(ctx, CIFS_SET_MANAGE, 1) != 0;
	if (p->smb_conf[0] != '/' || p->smbd[0] != '/' || p->def_port < 1 ||
	    p->def_port > 65535) {
		mgmtd_log(ctx, MGMTD_SEV_ERR, "settings smb_conf and smbd must "
			  "be absolute paths, port a TCP port");
		rc = -EINVAL;
		goto fail;
	}
	if ((rc = load_dirs(ctx, p)) < 0 || (rc = load_interfaces(ctx, p)) < 0 ||
	    (rc = make_dirs(ctx, p)) < 0 || (rc = bootstrap_conf(ctx, p)) < 0)
		goto fail;
	load_version(p);
	if (p->manage && (rc = make_service(ctx, p)) < 0)
		goto fail;
	mgmtd_ctx_set_priv(ctx, p);
	mgmtd_log(ctx, MGMTD_SEV_DEBUG, "%s, Samba %s, smbd %s", p->smb_conf,
		  p->version[0] ? p->version : "(unknown version)",
		  p->manage ? "supervised" : "left alone");
	return 0;
fail:
	cifs_free(p);
	return rc;
}

static void cifs_shutdown(struct mgmtd_ctx *ctx)
{
	struct cifs_priv *p = mgmtd_ctx_priv(ctx);

	if (p)
		cifs_free(p);
	mgmtd_ctx_set_priv(ctx, NULL);
}

const struct mgmtd_plugin MGMTD_PLUGIN_SYMBOL = {
	.abi = MGMTD_PLUGIN_ABI,
	.name = "cifs",
	.version = "1.0",
	.description = "SMB file sharing with Samba",
	.mib_arc = 3,
	.ui_area = "sharing",
	.classes = cifs_classes,
	.init = cifs_init,
	.shutdown = cifs_shutdown,
	.validate = cifs_validate,
	.prepare = cifs_prepare,
	.abort = cifs_abort,
	.apply = cifs_apply,
	.collect = cifs_collect,
	.action = cifs_action,
};
