/* CIFS plugin: the config as plain structs, prepare, abort, apply.
 *
 * prepare creates the share directories asked for, renders smb.conf into
 * "<smb.conf>.mgmtd-new", and has testparm check [global] and the shares
 * that changed (cifs_render_changes); a refusal is blamed on the extra
 * parameter testparm names.  apply renames the file into place and makes
 * smbd follow: started or stopped as the server's enabled says, restarted
 * when what it listens on (port, interfaces) changed, told to reload
 * otherwise (smbcontrol reload-config after a [global] change, SIGHUP
 * after a change of shares only).  abort removes the staged file and the
 * directories prepare created. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mgmtd/plugin.h"

#include "cifs.h"

#define CIFS_CONF_MODE 0644

/* ------------------------------------------------------------------ */
/* The config as plain structs */

static const char *str_of(const struct mgmtd_obj *o, const char *attr)
{
	return o && mgmtd_obj_has(o, attr) ? mgmtd_obj_str(o, attr) : NULL;
}

static bool bool_of(const struct mgmtd_obj *o, const char *attr, bool def)
{
	return o && mgmtd_obj_has(o, attr) ? mgmtd_obj_bool(o, attr) : def;
}

static size_t list_len(const struct mgmtd_obj *o, const char *attr)
{
	return o ? mgmtd_obj_list_len(o, attr) : 0;
}

static struct cifs_list take(const struct mgmtd_obj *o, const char *attr,
			     const char ***cursor)
{
	struct cifs_list l = { .v = *cursor, .n = list_len(o, attr) };

	for (size_t i = 0; i < l.n; i++)
		(*cursor)[i] = mgmtd_obj_list_at(o, attr, i);
	*cursor += l.n;
	return l;
}

static const char *const share_lists[] = {
	CIFS_A_VALID_USERS, CIFS_A_VALID_GROUPS, CIFS_A_READ_LIST,
	CIFS_A_WRITE_LIST, CIFS_A_ADMIN_USERS, CIFS_A_HOSTS_ALLOW,
	CIFS_A_HOSTS_DENY, CIFS_A_HIDDEN_FILES, CIFS_A_EXTRA, NULL,
};

static void load_share(const struct mgmtd_obj *o, struct cifs_share_conf *s,
		       const char ***cursor)
{
	*s = (struct cifs_share_conf){
		.name = mgmtd_obj_str(o, CIFS_A_NAME),
		.path = mgmtd_obj_str(o, CIFS_A_PATH),
		.comment = str_of(o, CIFS_A_COMMENT),
		.enabled = bool_of(o, CIFS_A_ENABLED, true),
		.browseable = bool_of(o, CIFS_A_BROWSEABLE, true),
		.read_only = bool_of(o, CIFS_A_READ_ONLY, true),
		.guest_ok = bool_of(o, CIFS_A_GUEST_OK, false),
		.inherit_acls = bool_of(o, CIFS_A_INHERIT_ACLS, false),
		.recycle_bin = bool_of(o, CIFS_A_RECYCLE_BIN, false),
		.create_mask = str_of(o, CIFS_A_CREATE_MASK),
		.directory_mask = str_of(o, CIFS_A_DIRECTORY_MASK),
		.force_user = str_of(o, CIFS_A_FORCE_USER),
		.force_group = str_of(o, CIFS_A_FORCE_GROUP),
	};
	s->valid_users = take(o, CIFS_A_VALID_USERS, cursor);
	s->valid_groups = take(o, CIFS_A_VALID_GROUPS, cursor);
	s->read_list = take(o, CIFS_A_READ_LIST, cursor);
	s->write_list = take(o, CIFS_A_WRITE_LIST, cursor);
	s->admin_users = take(o, CIFS_A_ADMIN_USERS, cursor);
	s->hosts_allow = take(o, CIFS_A_HOSTS_ALLOW, cursor);
	s->hosts_deny = take(o, CIFS_A_HOSTS_DENY, cursor);
	s->hidden_files = take(o, CIFS_A_HIDDEN_FILES, cursor);
	s->extra = take(o, CIFS_A_EXTRA, cursor);
}

static void load_server(const struct cifs_priv *p, const struct mgmtd_obj *o,
			struct cifs_conf *c, const char ***cursor)
{
	struct cifs_server_conf *s = &c->server;

	c->enabled = bool_of(o, CIFS_A_ENABLED, true);
	*s = (struct cifs_server_conf){
		.workgroup = str_of(o, CIFS_A_WORKGROUP),
		.netbios_name = str_of(o, CIFS_A_NETBIOS_NAME),
		.server_string = str_of(o, CIFS_A_SERVER_STRING),
		.role = str_of(o, CIFS_A_ROLE),
		.bind_interfaces_only = bool_of(o, CIFS_A_BIND_ONLY,
						p->def_bind_only),
		.port = o && mgmtd_obj_has(o, CIFS_A_PORT)
				? mgmtd_obj_int(o, CIFS_A_PORT)
				: p->def_port,
		.min_protocol = str_of(o, CIFS_A_MIN_PROTOCOL),
		.max_protocol = str_of(o, CIFS_A_MAX_PROTOCOL),
		.smb_encryption = str_of(o, CIFS_A_SMB_ENCRYPTION),
		.guest_account = str_of(o, CIFS_A_GUEST_ACCOUNT),
		.log_level = o && mgmtd_obj_has(o, CIFS_A_LOG_LEVEL)
				     ? mgmtd_obj_int(o, CIFS_A_LOG_LEVEL)
				     : -1,
	};
	s->interfaces = take(o, CIFS_A_INTERFACES, cursor);
	if (s->interfaces.n == 0)
		s->interfaces = (struct cifs_list){ p->def_interfaces,
						    p->n_def_interfaces };
	s->extra = take(o, CIFS_A_EXTRA, cursor);
}

int cifs_conf_load(const struct cifs_priv *p, const struct mgmtd_tree *t,
		   struct cifs_conf *c)
{
	const struct mgmtd_obj *so = mgmtd_tree_singleton(t, CIFS_CLS_SERVER);
	size_t n = mgmtd_tree_count(t, CIFS_CLS_SHARES);
	size_t total = list_len(so, CIFS_A_INTERFACES) + list_len(so, CIFS_A_EXTRA);
	const char **cursor;

	*c = (struct cifs_conf){ .n_shares = n };
	for (size_t i = 0; i < n; i++)
		for (const char *const *a = share_lists; *a; a++)
			total += list_len(mgmtd_tree_at(t, CIFS_CLS_SHARES, i), *a);
	c->shares = calloc(n + 1, sizeof(*c->shares));
	c->pool = calloc(total + 1, sizeof(*c->pool));
	if (!c->shares || !c->pool) {
		cifs_conf_fini(c);
		return -ENOMEM;
	}
	cursor = c->pool;
	load_server(p, so, c, &cursor);
	for (size_t i = 0; i < n; i++) {
		load_share(mgmtd_tree_at(t, CIFS_CLS_SHARES, i), &c->shares[i],
			   &cursor);
		c->server.map_to_guest |= c->shares[i].guest_ok;
	}
	return 0;
}

void cifs_conf_fini(struct cifs_conf *c)
{
	free(c->shares);
	free(c->pool);
	*c = (struct cifs_conf){ 0 };
}

int cifs_render_tree(const struct cifs_priv *p, const struct mgmtd_tree *t,
		     char **out, size_t *len)
{
	struct cifs_conf c;
	int rc = cifs_conf_load(p, t, &c);

	if (rc == 0)
		rc = cifs_render(&c.server, &p->dirs, c.shares, c.n_shares, out,
				 len);
	cifs_conf_fini(&c);
	return rc;
}

/* What smbd listens on: a change needs a restart, not a reload. */
static void listen_key(const struct cifs_priv *p, const struct mgmtd_tree *t,
		       char *buf, size_t len)
{
	struct cifs_conf c;
	size_t off;

	buf[0] = '\0';
	if (cifs_conf_load(p, t, &c) < 0)
		return;
	off = (size_t)snprintf(buf, len, "%lld|%d|", (long long)c.server.port,
			       c.server.bind_interfaces_only);
	for (size_t i = 0; i < c.server.interfaces.n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s ",
					c.server.interfaces.v[i]);
	cifs_conf_fini(&c);
}

/* ------------------------------------------------------------------ */
/* Share directories */

/* The uid of user name: from the accounts plugin's candidate (the user
 * may not be in the system files yet), else the system's. */
static bool resolve_id(const struct mgmtd_tree *cand, const char *name,
		       bool group, long *id)
{
	const struct mgmtd_tree *acct = mgmtd_tree_plugin(cand, CIFS_ACCT_PLUGIN);
	const struct mgmtd_obj *o = mgmtd_tree_find(
		acct, group ? CIFS_ACCT_GROUPS : CIFS_ACCT_USERS, name);
	char buf[4096];

	if (o) {
		*id = (long)mgmtd_obj_int(o, group ? CIFS_ACCT_GID : CIFS_ACCT_UID);
		return true;
	}
	if (group) {
		struct group g, *r = NULL;
		if (getgrnam_r(name, &g, buf, sizeof(buf), &r) == 0 && r)
			return *id = (long)g.gr_gid, true;
	} else {
		struct passwd pw, *r = NULL;
		if (getpwnam_r(name, &pw, buf, sizeof(buf), &r) == 0 && r)
			return *id = (long)pw.pw_uid, true;
	}
	return false;
}

static int remember(struct cifs_priv *p, const char *dir)
{
	char **grown = realloc(p->created, (p->n_created + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	p->created = grown;
	if (!(p->created[p->n_created] = strdup(dir)))
		return -ENOMEM;
	p->n_created++;
	return 0;
}

/* mkdir -p path; the directories made are remembered for abort, and the
 * last one gets owner, group and mode. */
static int create_path(struct cifs_priv *p, const struct mgmtd_tree *cand,
		       const struct mgmtd_obj *o, const char *errpath,
		       struct mgmtd_err *err)
{
	const char *path = mgmtd_obj_str(o, CIFS_A_PATH);
	const char *owner = str_of(o, CIFS_A_PATH_OWNER);
	const char *group = str_of(o, CIFS_A_PATH_GROUP);
	const char *mode = str_of(o, CIFS_A_PATH_MODE);
	long uid = 0, gid = 0;
	char dir[PATH_MAX];
	int rc;

	if ((owner && !resolve_id(cand, owner, false, &uid)) ||
	    (group && !resolve_id(cand, group, true, &gid)))
		return mgmtd_err_add(err, MGMTD_E_INCONSISTENT, errpath,
				     "no such %s: %s", owner ? "user" : "group",
				     owner ? owner : group);
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *s = dir + 1;; s++) {
		bool last = *s == '\0';

		if (*s != '/' && !last)
			continue;
		*s = '\0';
		if (mkdir(dir, 0755) == 0) {
			if ((rc = remember(p, dir)) < 0)
				return mgmtd_err_add(err, MGMTD_E_FAILED,
						     errpath, "out of memory");
		} else if (errno != EEXIST) {
			rc = -errno;
			return mgmtd_err_add(err, MGMTD_E_FAILED, errpath,
					     "cannot create %s: %s", dir,
					     strerror(-rc));
		}
		if (last)
			break;
		*s = '/';
	}
	if (chown(path, (uid_t)uid, (gid_t)gid) < 0 ||
	    chmod(path, (mode_t)strtol(mode ? mode : "0755", NULL, 8)) < 0) {
		rc = -errno;
		return mgmtd_err_add(err, MGMTD_E_FAILED, errpath,
				     "cannot set the owner and mode of %s: %s",
				     path, strerror(-rc));
	}
	return 0;
}

static int create_paths(struct cifs_priv *p, const struct mgmtd_tree *cand,
			struct mgmtd_err *err)
{
	char errpath[MGMTD_ERR_PATH_LEN];
	struct stat st;

	for (size_t i = 0; i < mgmtd_tree_count(cand, CIFS_CLS_SHARES); i++) {
		const struct mgmtd_obj *o = mgmtd_tree_at(cand, CIFS_CLS_SHARES, i);
		int rc;

		if (!bool_of(o, CIFS_A_CREATE_PATH, false) ||
		    stat(mgmtd_obj_str(o, CIFS_A_PATH), &st) == 0)
			continue;
		snprintf(errpath, sizeof(errpath), "cifs.shares[%s].path",
			 mgmtd_obj_str(o, CIFS_A_NAME));
		if ((rc = create_path(p, cand, o, errpath, err)) < 0)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* prepare, abort */

void cifs_discard(struct cifs_priv *p)
{
	if (p->staged)
		mgmtd_file_discard(p->smb_conf);
	p->staged = false;
	/* Deepest first: each was made inside the one before. */
	for (size_t i = p->n_created; i-- > 0;) {
		rmdir(p->created[i]);
		free(p->created[i]);
	}
	free(p->created);
	p->created = NULL;
	p->n_created = 0;
}

/* Forget the directories made: they are in use now. */
static void keep_created(struct cifs_priv *p)
{
	for (size_t i = 0; i < p->n_created; i++)
		free(p->created[i]);
	free(p->created);
	p->created = NULL;
	p->n_created = 0;
}

/* Whether extra parameter item is named param or has value value. */
static bool extra_matches(const char *item, const char *param,
			  const char *value)
{
	char name[CIFS_PARAM_NAME_MAX + 1];
	const char *v;

	if (cifs_extra_parse(item, name, &v))
		return false;
	return (param[0] && cifs_param_same(name, param)) ||
	       (value[0] && strcmp(v, value) == 0);
}

/* The extra parameters (server's or a share's) that testparm complains
 * about, named by param or value, as an error path. */
static bool blame(const struct mgmtd_tree *cand, const char *param,
		  const char *value, char *path, size_t len)
{
	const struct mgmtd_obj *so = mgmtd_tree_singleton(cand, CIFS_CLS_SERVER);

	for (size_t j = 0; j < list_len(so, CIFS_A_EXTRA); j++)
		if (extra_matches(mgmtd_obj_list_at(so, CIFS_A_EXTRA, j), param,
				  value))
			return snprintf(path, len, "cifs.server.extra_parameters"),
			       true;
	for (size_t i = 0; i < mgmtd_tree_count(cand, CIFS_CLS_SHARES); i++) {
		const struct mgmtd_obj *o = mgmtd_tree_at(cand, CIFS_CLS_SHARES, i);
		for (size_t j = 0; j < list_len(o, CIFS_A_EXTRA); j++)
			if (extra_matches(mgmtd_obj_list_at(o, CIFS_A_EXTRA, j),
					  param, value))
				return snprintf(path, len,
						"cifs.shares[%s].extra_parameters",
						mgmtd_obj_str(o, CIFS_A_NAME)),
				       true;
	}
	return false;
}

/* The first line of text that says what is wrong (not the banner). */
static void complaint(const char *text, char *buf, size_t len)
{
	const char *p = text;

	buf[0] = '\0';
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n && strncmp(p, "Load smb config files", 21) != 0) {
			snprintf(buf, len, "%.*s", (int)n, p);
			return;
		}
		p = nl ? nl + 1 : NULL;
	}
}

/* A change that testparm rejects is refused.  At start (start), a
 * parameter testparm merely ignores is only reported: a stored config
 * that an upgraded Samba no longer knows must not keep mgmtd down. */
static int testparm(struct mgmtd_ctx *ctx, const char *file,
		    const struct mgmtd_tree *cand, bool start,
		    struct mgmtd_err *err)
{
	char param[CIFS_PARAM_NAME_MAX + 1] = "", why[400], value[256] = "";
	char path[MGMTD_ERR_PATH_LEN] = "cifs";
	const char *argv[] = { "testparm", "-s", file, NULL };
	struct mgmtd_exec_result res;
	int rc;

	if ((rc = mgmtd_exec(argv, NULL, &res)) < 0)
		return mgmtd_err_add(err, MGMTD_E_FAILED, "cifs",
				     "cannot run testparm: %s", strerror(-rc));
	if (start && res.status == 0 &&
	    cifs_testparm_rejects(res.status, res.err)) {
		complaint(res.err, why, sizeof(why));
		mgmtd_event(ctx, MGMTD_SEV_WARNING, NULL,
			    "smb.conf has parameters Samba ignores: %s", why);
	} else if (cifs_testparm_rejects(res.status, res.err)) {
		complaint(res.err, why, sizeof(why));
		if (!cifs_testparm_param(res.err, param, sizeof(param)))
			param[0] = '\0';
		if (!cifs_testparm_value(res.err, value, sizeof(value)))
			value[0] = '\0';
		blame(cand, param, value, path, sizeof(path));
		rc = mgmtd_err_add(err, strcmp(path, "cifs") ? MGMTD_E_INVALID
							     : MGMTD_E_FAILED,
				   path, "testparm refuses the configuration: %s",
				   why[0] ? why : "no reason given");
	}
	mgmtd_exec_result_fini(&res);
	return rc;
}

/* What testparm checks: [global] and the sections that changed (see
 * cifs_render_changes), in a file of the plugin's own. */
static int check_changes(struct mgmtd_ctx *ctx, const struct cifs_conf *c,
			 const struct mgmtd_tree *cand,
			 const struct mgmtd_tree *run, struct mgmtd_err *err)
{
	struct cifs_priv *p = mgmtd_ctx_priv(ctx);
	struct cifs_conf r = { 0 };
	char file[PATH_MAX], *text = NULL;
	size_t len = 0, n = 0;
	FILE *f;
	int rc;

	if (run && (rc = cifs_conf_load(p, run, &r)) < 0)
		return mgmtd_err_add(err, MGMTD_E_FAILED, "cifs", "out of memory");
	rc = cifs_render_changes(&c->server, &p->dirs, c->shares, c->n_shares,
				 run ? &r.server : NULL, r.shares, r.n_shares,
				 &text, &len, &n, &p->global_changed);
	cifs_conf_fini(&r);
	if (rc < 0)
		return mgmtd_err_add(err, MGMTD_E_FAILED, "cifs",
				     "cannot render the changes to check");
	snprintf(file, sizeof(file), "%s/smb.conf.check",
		 mgmtd_ctx_state_dir(ctx));
	if (!(f = fopen(file, "we")) || fwrite(text, 1, len, f) != len) {
		rc = errno ? -errno : -EIO;
		if (f)
			fclose(f);
		free(text);
		return mgmtd_err_add(err, MGMTD_E_FAILED, "cifs",
				     "cannot write %s: %s", file, strerror(-rc));
	}
	free(text);
	if (fclose(f) != 0)
		return mgmtd_err_add(err, MGMTD_E_FAILED, "cifs",
				     "cannot write %s", file);
	mgmtd_log(ctx, MGMTD_SEV_DEBUG, "testparm on [global] and %zu of %zu "
		  "shares", n, c->n_shares);
	rc = testparm(ctx, file, cand, run == NULL, err);
	unlink(file);
	return rc;
}

int cifs_prepare(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		 const struct mgmtd_tree *run, struct mgmtd_err *err)
{
	struct cifs_priv *p = mgmtd_ctx_priv(ctx);
	struct cifs_conf c;
	char a[512], b[512];
	char *text = NULL;
	size_t len = 0;
	int rc;

	cifs_discard(p);
	if ((rc = create_paths(p, cand, err)) < 0)
		return rc;
	if ((rc = cifs_conf_load(p, cand, &c)) < 0)
		return mgmtd_err_add(err, MGMTD_E_FAILED, "cifs", "out of memory");
	rc = cifs_render(&c.server, &p->dirs, c.shares, c.n_shares, &text, &len);
	if (rc < 0) {
		cifs_conf_fini(&c);
		return mgmtd_err_add(err, MGMTD_E_FAILED, "cifs",
				     "cannot render %s: %s", p->smb_conf,
				     rc == -ENOMEM ? "out of memory"
						   : "a value cannot be "
						     "written safely");
	}
	p->staged = true;
	rc = mgmtd_file_stage(p->smb_conf, text, len, CIFS_CONF_MODE, err,
			      "cifs");
	free(text);
	if (rc == 0)
		rc = check_changes(ctx, &c, cand, run, err);
	cifs_conf_fini(&c);
	listen_key(p, cand, a, sizeof(a));
	listen_key(p, run, b, sizeof(b));
	p->listen_changed = !run || strcmp(a, b) != 0;
	return rc;
}

void cifs_abort(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		const struct mgmtd_tree *run)
{
	cifs_discard(mgmtd_ctx_priv(ctx));
}

/* ------------------------------------------------------------------ */
/* apply */

static void follow(struct mgmtd_ctx *ctx, struct cifs_priv *p, bool enabled)
{
	struct mgmtd_service_status st;
	char buf[128];
	int rc;

	mgmtd_service_status(p->smbd_svc, &st);
	if (!enabled) {
		if (st.state != MGMTD_SVC_STOPPED)
			mgmtd_service_stop(p->smbd_svc);
		return;
	}
	/* Waiting to restart after a crash counts as not running: start
	 * ends the wait. */
	if (st.state != MGMTD_SVC_RUNNING)
		rc = mgmtd_service_start(p->smbd_svc);
	else if (p->listen_changed)
		rc = mgmtd_service_restart(p->smbd_svc);
	else if ((rc = p->global_changed ? cifs_reload(ctx, p)
					 : mgmtd_service_signal(p->smbd_svc,
								SIGHUP)) == 0)
		cifs_status_reuse(p);
	if (rc < 0)
		mgmtd_event(ctx, MGMTD_SEV_ERR, "cifs.server",
			    "smbd does not follow the new configuration: %s",
			    strerror_r(-rc, buf, sizeof(buf)));
	else if (p->listen_changed && st.state == MGMTD_SVC_RUNNING)
		mgmtd_event(ctx, MGMTD_SEV_NOTICE, "cifs.server",
			    "smbd restarted: what it listens on changed");
}

void cifs_apply(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		const struct mgmtd_tree *run)
{
	struct cifs_priv *p = mgmtd_ctx_priv(ctx);
	const struct mgmtd_obj *so = mgmtd_tree_singleton(cand, CIFS_CLS_SERVER);
	char buf[128];
	int rc;

	if (p->staged && (rc = mgmtd_file_commit(p->smb_conf)) < 0) {
		mgmtd_event(ctx, MGMTD_SEV_ERR, NULL, "cannot replace %s: %s",
			    p->smb_conf, strerror_r(-rc, buf, sizeof(buf)));
		cifs_discard(p);
		return;
	}
	p->staged = false;
	keep_created(p);
	mgmtd_event(ctx, MGMTD_SEV_INFO, NULL, "%s rewritten: %zu share%s",
		    p->smb_conf, mgmtd_tree_count(cand, CIFS_CLS_SHARES),
		    mgmtd_tree_count(cand, CIFS_CLS_SHARES) == 1 ? "" : "s");
	if (p->manage)
		follow(ctx, p, bool_of(so, CIFS_A_ENABLED, true));
}
