/* CIFS plugin: declarations shared by its files.
 *
 * SMB file sharing with Samba: the [global] section (the server
 * singleton) and the shares, rendered into smb.conf (staged and checked
 * with testparm in prepare, renamed into place in apply, then smbd told to
 * reload, or restarted when what it listens on changed); smbd itself, run
 * in the foreground as a child that the core's service supervisor
 * restarts when it dies; live sessions, connections and open files from
 * smbstatus --json.  Paths and Samba's directories come from the daemon
 * settings plugins.cifs.<key>, so that tests run a private smbd.
 */
#ifndef CIFS_H
#define CIFS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgmtd/plugin.h"

#include "cifs_conf.h"

#define CIFS_CLS_SERVER "server"
#define CIFS_CLS_SHARES "shares"
#define CIFS_CLS_SESSIONS "sessions"
#define CIFS_CLS_CONNECTIONS "connections"
#define CIFS_CLS_OPEN_FILES "open_files"

/* server */
#define CIFS_A_ENABLED "enabled"
#define CIFS_A_WORKGROUP "workgroup"
#define CIFS_A_NETBIOS_NAME "netbios_name"
#define CIFS_A_SERVER_STRING "server_string"
#define CIFS_A_ROLE "role"
#define CIFS_A_INTERFACES "interfaces"
#define CIFS_A_BIND_ONLY "bind_interfaces_only"
#define CIFS_A_PORT "port"
#define CIFS_A_MIN_PROTOCOL "min_protocol"
#define CIFS_A_MAX_PROTOCOL "max_protocol"
#define CIFS_A_SMB_ENCRYPTION "smb_encryption"
#define CIFS_A_GUEST_ACCOUNT "guest_account"
#define CIFS_A_LOG_LEVEL "log_level"
#define CIFS_A_EXTRA "extra_parameters"
#define CIFS_A_SERVICE_STATE "service_state"
#define CIFS_A_RUNNING "running"
#define CIFS_A_PID "pid"
#define CIFS_A_VERSION "version"
#define CIFS_A_UPTIME "uptime"
#define CIFS_A_RESTARTS "restarts"
/* shares */
#define CIFS_A_NAME "name"
#define CIFS_A_PATH "path"
#define CIFS_A_COMMENT "comment"
#define CIFS_A_BROWSEABLE "browseable"
#define CIFS_A_READ_ONLY "read_only"
#define CIFS_A_GUEST_OK "guest_ok"
#define CIFS_A_VALID_USERS "valid_users"
#define CIFS_A_VALID_GROUPS "valid_groups"
#define CIFS_A_READ_LIST "read_list"
#define CIFS_A_WRITE_LIST "write_list"
#define CIFS_A_ADMIN_USERS "admin_users"
#define CIFS_A_HOSTS_ALLOW "hosts_allow"
#define CIFS_A_HOSTS_DENY "hosts_deny"
#define CIFS_A_CREATE_MASK "create_mask"
#define CIFS_A_DIRECTORY_MASK "directory_mask"
#define CIFS_A_FORCE_USER "force_user"
#define CIFS_A_FORCE_GROUP "force_group"
#define CIFS_A_INHERIT_ACLS "inherit_acls"
#define CIFS_A_RECYCLE_BIN "recycle_bin"
#define CIFS_A_HIDDEN_FILES "hidden_files"
#define CIFS_A_CREATE_PATH "create_path"
#define CIFS_A_PATH_OWNER "path_owner"
#define CIFS_A_PATH_GROUP "path_group"
#define CIFS_A_PATH_MODE "path_mode"
#define CIFS_A_CONNECTIONS "connections"
/* sessions, connections, open files */
#define CIFS_A_SESSION_ID "session_id"
#define CIFS_A_USER "user"
#define CIFS_A_GROUP "group"
#define CIFS_A_REMOTE_MACHINE "remote_machine"
#define CIFS_A_ADDRESS "address"
#define CIFS_A_PROTOCOL "protocol"
#define CIFS_A_ENCRYPTION "encryption"
#define CIFS_A_SIGNING "signing"
#define CIFS_A_ID "id"
#define CIFS_A_SHARE "share"
#define CIFS_A_MACHINE "machine"
#define CIFS_A_CONNECTED_AT "connected_at"
#define CIFS_A_SHARE_PATH "share_path"
#define CIFS_A_FILENAME "filename"
#define CIFS_A_ACCESS "access"
#define CIFS_A_SHARE_MODE "share_mode"
#define CIFS_A_OPLOCK "oplock"
#define CIFS_A_OPENED_AT "opened_at"

#define CIFS_MAX_SHARES 10000
#define CIFS_MAX_LIST 256
#define CIFS_MAX_EXTRA 64

/* The accounts plugin's names, to resolve users and groups that a share
 * names before they reach the system files. */
#define CIFS_ACCT_PLUGIN "accounts"
#define CIFS_ACCT_USERS "users"
#define CIFS_ACCT_GROUPS "groups"
#define CIFS_ACCT_UID "uid"
#define CIFS_ACCT_GID "gid"

/* Daemon settings (plugins.cifs.<key>). */
#define CIFS_SET_SMB_CONF "smb_conf"
#define CIFS_SET_SMBD "smbd"
#define CIFS_SET_SAMBA_DIR "samba_dir"
#define CIFS_SET_LOCK_DIR "lock_dir"
#define CIFS_SET_STATE_DIR "state_dir"
#define CIFS_SET_CACHE_DIR "cache_dir"
#define CIFS_SET_PID_DIR "pid_dir"
#define CIFS_SET_PRIVATE_DIR "private_dir"
#define CIFS_SET_NCALRPC_DIR "ncalrpc_dir"
#define CIFS_SET_LOG_DIR "log_dir"
#define CIFS_SET_PORT "port"
#define CIFS_SET_INTERFACES "interfaces"
#define CIFS_SET_BIND_ONLY "bind_interfaces_only"
#define CIFS_SET_MANAGE "manage_smbd"
#define CIFS_SET_LOG_FILE "smbd_log"
#define CIFS_DEF_SMB_CONF "/etc/samba/smb.conf"
#define CIFS_DEF_SMBD "/usr/sbin/smbd"
#define CIFS_DEF_PORT 445

#define CIFS_MAX_INTERFACES 16

/* The plugin's private context (mgmtd_ctx_priv). */
struct cifs_priv {
	/* From the daemon settings; strings owned by the core or by
	 * owned[]. */
	const char *smb_conf, *smbd;
	struct cifs_dirs dirs;
	char *owned[8];
	int64_t def_port;
	const char *def_interfaces[CIFS_MAX_INTERFACES];
	size_t n_def_interfaces;
	char *interfaces_buf;
	bool def_bind_only;
	bool manage;
	char version[64];
	struct mgmtd_service *smbd_svc;
	/* The last smbstatus --json: the collect right after a reload
	 * reuses it (a reload changes no session, and smbstatus costs more
	 * than the rest of a change).  Collect runs in the collector and in
	 * transactions: hence the lock. */
	pthread_mutex_t status_lock;
	char *status_text;
	bool reuse_status;
	/* What prepare did and apply finishes. */
	bool staged;
	bool listen_changed;
	/* [global] changed: smbd is told with smbcontrol reload-config,
	 * which also renews the guest session.  A change of shares only
	 * sends SIGHUP, on which smbd's parent reloads the same way, without
	 * starting a tool (half the cost of a change at 1,000 shares). */
	bool global_changed;
	char **created; /* directories prepare created, for abort */
	size_t n_created;
};

/* The config as plain structs (cifs_apply.c); strings borrowed from the
 * tree. */
struct cifs_conf {
	bool enabled;
	struct cifs_server_conf server;
	struct cifs_share_conf *shares;
	size_t n_shares;
	const char **pool;
};

int cifs_conf_load(const struct cifs_priv *p, const struct mgmtd_tree *t,
		   struct cifs_conf *c);
void cifs_conf_fini(struct cifs_conf *c);

/* cifs_check.c */
int cifs_validate(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		  const struct mgmtd_tree *run, struct mgmtd_err *err);

/* cifs_apply.c */
int cifs_prepare(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		 const struct mgmtd_tree *run, struct mgmtd_err *err);
void cifs_abort(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		const struct mgmtd_tree *run);
void cifs_apply(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		const struct mgmtd_tree *run);
void cifs_discard(struct cifs_priv *p);
/* Render t into a string (*out owned). */
int cifs_render_tree(const struct cifs_priv *p, const struct mgmtd_tree *t,
		     char **out, size_t *len);

/* cifs_state.c */
int cifs_collect(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		 struct mgmtd_state *st);
int cifs_action(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		const char *cls, const char *key, const char *act,
		const struct mgmtd_obj *params, struct mgmtd_err *err);
/* Let the next collect reuse the last smbstatus output. */
void cifs_status_reuse(struct cifs_priv *p);
/* Tell smbd to re-read smb.conf (smbcontrol, else SIGHUP). */
int cifs_reload(struct mgmtd_ctx *ctx, struct cifs_priv *p);

#endif
