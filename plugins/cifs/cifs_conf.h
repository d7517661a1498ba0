/* CIFS plugin: the pure part of the configuration.  smb.conf rendered
 * from plain structs, the rules for share names and extra parameters,
 * and the attribute to blame for what testparm rejects.  No I/O: the unit
 * tests drive it with golden files. */
#ifndef CIFS_CONF_H
#define CIFS_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CIFS_SHARE_NAME_MAX 80 /* Windows' limit for share names */
#define CIFS_PARAM_NAME_MAX 64

struct cifs_list {
	const char *const *v;
	size_t n;
};

/* Samba's directories, from the daemon settings. */
struct cifs_dirs {
	const char *lock, *state, *cache, *pid, *private_dir, *ncalrpc;
	const char *log; /* Samba's log files: log.smbd, ... */
};

/* [global]; NULL strings and empty lists are left to Samba's default. */
struct cifs_server_conf {
	const char *workgroup, *netbios_name, *server_string;
	const char *role; /* "standalone" */
	struct cifs_list interfaces;
	bool bind_interfaces_only;
	int64_t port;
	const char *min_protocol, *max_protocol;
	const char *smb_encryption; /* off, desired, required */
	const char *guest_account;
	int64_t log_level; /* < 0: not set */
	struct cifs_list extra;
	bool map_to_guest; /* some share lets guests in */
};

struct cifs_share_conf {
	const char *name, *path, *comment;
	bool enabled, browseable, read_only, guest_ok, inherit_acls;
	bool recycle_bin;
	struct cifs_list valid_users, valid_groups, read_list, write_list;
	struct cifs_list admin_users, hosts_allow, hosts_deny, hidden_files;
	struct cifs_list extra;
	const char *create_mask, *directory_mask;
	const char *force_user, *force_group;
};

/* The whole smb.conf; *out owned.  -EINVAL if a value cannot be written
 * safely (a newline, a trailing backslash that would continue the line). */
int cifs_render(const struct cifs_server_conf *s, const struct cifs_dirs *d,
		const struct cifs_share_conf *shares, size_t n, char **out,
		size_t *len);

/* What testparm must see of a change from run (run_s NULL: nothing ran)
 * to the candidate: [global] and the shares whose section is new or
 * differs; everything when [global] differs.  Unchanged sections passed
 * testparm when they were applied, and Samba reads each section on its
 * own, so checking them again would only cost time (a tenth of a second
 * at 1,000 shares).  *checked receives the number of shares in *out,
 * *global_changed whether [global] differs (or nothing ran). */
int cifs_render_changes(const struct cifs_server_conf *s,
			const struct cifs_dirs *d,
			const struct cifs_share_conf *shares, size_t n,
			const struct cifs_server_conf *run_s,
			const struct cifs_share_conf *run_shares, size_t run_n,
			char **out, size_t *len, size_t *checked,
			bool *global_changed);

/* NULL if name may name a share, else why not (a static string). */
const char *cifs_share_name_problem(const char *name);

/* Split an extra parameter "name = value": the name, lower-case with its
 * blanks collapsed, into name (CIFS_PARAM_NAME_MAX + 1 bytes), the value
 * (trimmed) in *value, borrowed from item.  NULL if good, else why not. */
const char *cifs_extra_parse(const char *item, char *name,
			     const char **value);
/* Whether extra parameter name (as cifs_extra_parse gives it) is one that
 * mgmtd sets itself in [global] (global) or in a share; *instead then
 * names what to use instead ("the attribute read_only"), or NULL. */
bool cifs_extra_refused(const char *name, bool global, const char **instead);
/* Whether two parameter names are the same to Samba (case, blanks and
 * underscores do not count). */
bool cifs_param_same(const char *a, const char *b);

/* Whether testparm, exiting with status and printing text on stderr,
 * rejects the file: a failure, or a parameter it ignores (Samba ignores
 * an unknown share parameter without failing, which hides mistakes). */
bool cifs_testparm_rejects(int status, const char *text);
/* The value testparm's stderr complains about ("set_variable_helper(v):
 * value is not boolean!", "Ignoring invalid value 'v' ..."), into value;
 * false if none is named. */
bool cifs_testparm_value(const char *text, char *value, size_t len);
/* The parameter testparm's stderr complains about ("Unknown parameter
 * encountered: \"x\"", "Ignoring invalid value 'v' for parameter 'x'"),
 * copied into name; false if none is named. */
bool cifs_testparm_param(const char *text, char *name, size_t len);

#endif
