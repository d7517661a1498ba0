/* Accounts plugin: declarations shared by its files.
 *
 * The appliance's local users and groups, written into passwd(5),
 * shadow(5), group(5) and gshadow(5) (paths from the daemon settings
 * plugins.accounts.<key>), and into Samba's passdb when the cifs plugin is
 * loaded.  Only accounts named in the config are touched: every other line
 * of the files stays as it is, and system accounts (uid or gid outside
 * 1000..60000, root, reserved names) can be neither created, changed nor
 * deleted through mgmtd.
 *
 * Files are rendered whole in prepare (staged next to the real ones,
 * under lckpwdf(3) so that useradd and passwd wait) and renamed into
 * place in apply: a change is all or nothing.  Samba's passdb, a TDB that
 * smbd keeps open, is updated in apply with pdbedit, from a temporary
 * smbpasswd(5) file in the plugin's state directory: the NT hash never
 * appears on a command line.
 */
#ifndef ACCOUNTS_H
#define ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#include "mgmtd/plugin.h"

#include "accounts_files.h"

#define ACCT_CLS_USERS "users"
#define ACCT_CLS_GROUPS "groups"
#define ACCT_A_NAME "name"
#define ACCT_A_UID "uid"
#define ACCT_A_FULL_NAME "full_name"
#define ACCT_A_PRIMARY_GROUP "primary_group"
#define ACCT_A_GROUPS "groups"
#define ACCT_A_PASSWORD "password"
#define ACCT_A_ENABLED "enabled"
#define ACCT_A_SHELL "shell"
#define ACCT_A_HOME "home"
#define ACCT_A_GID "gid"
#define ACCT_A_MEMBERS "members"
#define ACCT_A_PRESENT "present"
#define ACCT_A_SAMBA "samba_account"

#define ACCT_ID_MIN 1000
#define ACCT_ID_MAX 60000
#define ACCT_MAX_USERS 10000
#define ACCT_MAX_GROUPS 10000
#define ACCT_MAX_MEMBERS 1000

/* Daemon settings (plugins.accounts.<key>) and their defaults. */
#define ACCT_SET_PASSWD "passwd_file"
#define ACCT_SET_SHADOW "shadow_file"
#define ACCT_SET_GROUP "group_file"
#define ACCT_SET_GSHADOW "gshadow_file"
#define ACCT_SET_LOCK "lock_files"
#define ACCT_SET_SMB_CONF "smb_conf"
#define ACCT_DEF_PASSWD "/etc/passwd"
#define ACCT_DEF_SHADOW "/etc/shadow"
#define ACCT_DEF_GROUP "/etc/group"
#define ACCT_DEF_GSHADOW "/etc/gshadow"
#define ACCT_DEF_SMB_CONF "/etc/samba/smb.conf"

/* The cifs plugin's names for what refers to users and groups: a user or
 * group named there cannot be deleted. */
#define ACCT_CIFS_PLUGIN "cifs"
#define ACCT_CIFS_SHARES "shares"
#define ACCT_CIFS_SHARE_NAME "name"

enum acct_file_id { ACCT_F_GROUP, ACCT_F_GSHADOW, ACCT_F_PASSWD,
		    ACCT_F_SHADOW, ACCT_F_COUNT };

/* The plugin's private context (mgmtd_ctx_priv). */
struct acct_priv {
	/* Borrowed from the daemon settings, valid until shutdown; indexed
	 * by enum acct_file_id, in the order apply renames them (groups
	 * before the users that refer to them). */
	const char *files[ACCT_F_COUNT];
	const char *smb_conf;
	bool lock;
	bool locked;  /* lckpwdf held from prepare to apply or abort */
	bool staged;  /* the four files are staged */
};

/* The system files as read in one phase. */
struct acct_sys {
	char *text[ACCT_F_COUNT];
	size_t len[ACCT_F_COUNT];
};

/* accounts.c: the settings into p (init; validate under --check-config,
 * where init is not called). */
int acct_settings_load(const struct mgmtd_ctx *ctx, struct acct_priv *p);

/* accounts_check.c */
int acct_validate(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		  const struct mgmtd_tree *run, struct mgmtd_err *err);
int acct_sys_read(const struct acct_priv *p, struct acct_sys *sys,
		  struct mgmtd_err *err);
void acct_sys_fini(struct acct_sys *sys);
/* The gid of group name: a group of t, else a line of the group file. */
bool acct_group_gid(const struct mgmtd_tree *t, const struct acct_sys *sys,
		    const char *name, int64_t *gid);

/* accounts_apply.c */
int acct_prepare(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		 const struct mgmtd_tree *run, struct mgmtd_err *err);
void acct_abort(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		const struct mgmtd_tree *run);
void acct_apply(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		const struct mgmtd_tree *run);
void acct_release(struct acct_priv *p);

/* accounts_samba.c */
void acct_samba_sync(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		     const struct mgmtd_tree *run);
int acct_collect(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		 struct mgmtd_state *st);

#endif
