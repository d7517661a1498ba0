/* Accounts plugin: validate.  Names, ids and references, against the
 * candidate, the running config (what mgmtd manages) and the system
 * files (what it does not), and against the cifs plugin's shares: an
 * account still named by a share cannot be deleted. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mgmtd/plugin.h"

#include "accounts.h"

/* The account files are small; past this, something is wrong. */
#define ACCT_FILE_MAX (64u << 20)

/* Attributes of cifs shares that name users (a leading '@' names a group
 * instead), and those that name groups. */
static const char *const cifs_user_attrs[] = {
	"valid_users", "read_list", "write_list", "admin_users", "force_user",
	"path_owner", NULL,
};
static const char *const cifs_group_attrs[] = {
	"valid_groups", "force_group", "path_group", NULL,
};

static int read_file(const char *path, char **text, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;
	size_t n = 0;

	*text = NULL;
	*len = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &st) < 0 || (size_t)st.st_size > ACCT_FILE_MAX) {
		rc = errno ? -errno : -EFBIG;
		goto out;
	}
	if (!(*text = malloc((size_t)st.st_size + 1))) {
		rc = -ENOMEM;
		goto out;
	}
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, *text + n, (size_t)st.st_size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = r < 0 ? -errno : 0;
			break;
		}
		n += (size_t)r;
	}
	(*text)[n] = '\0';
	*len = n;
out:
	close(fd);
	if (rc < 0) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

int acct_sys_read(const struct acct_priv *p, struct acct_sys *sys,
		  struct mgmtd_err *err)
{
	*sys = (struct acct_sys){ 0 };
	for (int i = 0; i < ACCT_F_COUNT; i++) {
		int rc = read_file(p->files[i], &sys->text[i], &sys->len[i]);

		if (rc < 0) {
			acct_sys_fini(sys);
			return mgmtd_err_add(err, MGMTD_E_FAILED, "accounts",
					     "cannot read %s: %s", p->files[i],
					     strerror(-rc));
		}
	}
	return 0;
}

void acct_sys_fini(struct acct_sys *sys)
{
	for (int i = 0; i < ACCT_F_COUNT; i++)
		free(sys->text[i]);
	*sys = (struct acct_sys){ 0 };
}

/* The numeric field i of entry name in file f; false if absent. */
static bool sys_id(const struct acct_sys *sys, enum acct_file_id f,
		   const char *name, unsigned i, int64_t *id)
{
	size_t l;
	const char *line = sys->text[f] ? acct_find_line(sys->text[f],
							 sys->len[f], name, &l)
					: NULL;

	return line && acct_field_int(line, l, i, id) == 0;
}

bool acct_group_gid(const struct mgmtd_tree *t, const struct acct_sys *sys,
		    const char *name, int64_t *gid)
{
	const struct mgmtd_obj *g = mgmtd_tree_find(t, ACCT_CLS_GROUPS, name);

	if (g) {
		*gid = mgmtd_obj_int(g, ACCT_A_GID);
		return true;
	}
	return sys_id(sys, ACCT_F_GROUP, name, 2, gid);
}

/* The entry of file f (passwd or group) that has id in field 2 and is not
 * named name: its name in buf, or false. */
static bool sys_id_owner(const struct acct_sys *sys, enum acct_file_id f,
			 int64_t id, const char *name, char *buf, size_t len)
{
	const char *p = sys->text[f], *end = p ? p + sys->len[f] : NULL;

	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int64_t v;

		if (acct_field_int(p, l, 2, &v) == 0 && v == id &&
		    acct_field(p, l, 0, buf, len) == 0 && strcmp(buf, name) != 0)
			return true;
		p += l + 1;
	}
	return false;
}

static bool in_list(const struct mgmtd_obj *o, const char *attr,
		    const char *name)
{
	size_t n = mgmtd_obj_list_len(o, attr);

	for (size_t i = 0; i < n; i++)
		if (strcmp(mgmtd_obj_list_at(o, attr, i), name) == 0)
			return true;
	return false;
}

/* Whether attr of o (a string or a list) names name. */
static bool names(const struct mgmtd_obj *o, const char *attr,
		  const char *name)
{
	const char *v = mgmtd_obj_str(o, attr);

	return (v && strcmp(v, name) == 0) || in_list(o, attr, name);
}

/* Checks shared by users and groups: reserved names, system entries of
 * the same name, ids taken by an entry mgmtd does not manage. */
static int check_entry(const struct mgmtd_tree *cand,
		       const struct mgmtd_tree *run, const char *cls,
		       const char *path, const char *name, int64_t id,
		       const struct acct_sys *sys, enum acct_file_id f,
		       const char *what, struct mgmtd_err *err)
{
	bool managed = mgmtd_tree_find(run, cls, name) != NULL;
	char other[ACCT_NAME_MAX + 64];
	int64_t cur;

	if (acct_reserved_name(name))
		return mgmtd_err_add(err, MGMTD_E_INVALID, path,
				     "%s is reserved for the system", name);
	if (!managed && sys_id(sys, f, name, 2, &cur) &&
	    (cur < ACCT_ID_MIN || cur > ACCT_ID_MAX))
		return mgmtd_err_add(err, MGMTD_E_INVALID, path,
				     "%s is a system %s (id %" PRId64 ") that "
				     "mgmtd does not manage", name, what, cur);
	/* An entry this change deletes gives its id back. */
	if (sys_id_owner(sys, f, id, name, other, sizeof(other)) &&
	    !(mgmtd_tree_find(run, cls, other) &&
	      !mgmtd_tree_find(cand, cls, other)))
		return mgmtd_err_add(err, MGMTD_E_INCONSISTENT, path,
				     "id %" PRId64 " belongs to %s %s already",
				     id, what, other);
	return 0;
}

/* Is name a group a user may be put in: a group of the candidate, or one
 * of the system file that mgmtd does not manage (not one being deleted). */
static bool group_usable(const struct mgmtd_tree *cand,
			 const struct mgmtd_tree *run,
			 const struct acct_sys *sys, const char *name)
{
	int64_t gid;

	if (mgmtd_tree_find(cand, ACCT_CLS_GROUPS, name))
		return true;
	if (mgmtd_tree_find(run, ACCT_CLS_GROUPS, name))
		return false;
	return sys_id(sys, ACCT_F_GROUP, name, 2, &gid);
}

static int check_user(const struct mgmtd_tree *cand,
		      const struct mgmtd_tree *run, const struct acct_sys *sys,
		      size_t i, struct mgmtd_err *err)
{
	const struct mgmtd_obj *u = mgmtd_tree_at(cand, ACCT_CLS_USERS, i);
	const char *name = mgmtd_obj_str(u, ACCT_A_NAME);
	const char *pg = mgmtd_obj_str(u, ACCT_A_PRIMARY_GROUP);
	const char *shell = mgmtd_obj_str(u, ACCT_A_SHELL);
	int64_t uid = mgmtd_obj_int(u, ACCT_A_UID);
	char path[MGMTD_ERR_PATH_LEN];
	int bad = 0;

	snprintf(path, sizeof(path), "accounts.users[%s]", name);
	bad += check_entry(cand, run, ACCT_CLS_USERS, path, name, uid, sys,
			   ACCT_F_PASSWD, "user", err) < 0;
	/* A group deleted meanwhile is reported once, at the group. */
	if (pg && !group_usable(cand, run, sys, pg) &&
	    !mgmtd_tree_find(run, ACCT_CLS_GROUPS, pg))
		bad += mgmtd_err_add(err, MGMTD_E_INCONSISTENT,
				     strcat(path, ".primary_group"),
				     "no group named %s", pg) < 0;
	snprintf(path, sizeof(path), "accounts.users[%s].groups", name);
	for (size_t j = 0; j < mgmtd_obj_list_len(u, ACCT_A_GROUPS); j++) {
		const char *g = mgmtd_obj_list_at(u, ACCT_A_GROUPS, j);
		if (!mgmtd_tree_find(cand, ACCT_CLS_GROUPS, g) &&
		    !mgmtd_tree_find(run, ACCT_CLS_GROUPS, g))
			bad += mgmtd_err_add(err, MGMTD_E_INCONSISTENT, path,
					     "no group named %s among the "
					     "accounts groups", g) < 0;
	}
	if (shell && access(shell, F_OK) < 0) {
		snprintf(path, sizeof(path), "accounts.users[%s].shell", name);
		bad += mgmtd_err_add(err, MGMTD_E_INCONSISTENT, path,
				     "%s does not exist", shell) < 0;
	}
	return bad;
}

static int check_group(const struct mgmtd_tree *cand,
		       const struct mgmtd_tree *run, const struct acct_sys *sys,
		       size_t i, struct mgmtd_err *err)
{
	const struct mgmtd_obj *g = mgmtd_tree_at(cand, ACCT_CLS_GROUPS, i);
	const char *name = mgmtd_obj_str(g, ACCT_A_NAME);
	int64_t gid = mgmtd_obj_int(g, ACCT_A_GID);
	char path[MGMTD_ERR_PATH_LEN];
	int bad = 0;

	snprintf(path, sizeof(path), "accounts.groups[%s]", name);
	bad += check_entry(cand, run, ACCT_CLS_GROUPS, path, name, gid, sys,
			   ACCT_F_GROUP, "group", err) < 0;
	strcat(path, ".members");
	for (size_t j = 0; j < mgmtd_obj_list_len(g, ACCT_A_MEMBERS); j++) {
		const char *m = mgmtd_obj_list_at(g, ACCT_A_MEMBERS, j);
		if (!mgmtd_tree_find(cand, ACCT_CLS_USERS, m) &&
		    !mgmtd_tree_find(run, ACCT_CLS_USERS, m))
			bad += mgmtd_err_add(err, MGMTD_E_INCONSISTENT, path,
					     "no user named %s among the "
					     "accounts users", m) < 0;
	}
	return bad;
}

struct id_at {
	int64_t id;
	size_t i;
};

static int by_id(const void *a, const void *b)
{
	const struct id_at *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Two objects of cls with the same id attr: sorted, not compared in
 * pairs, so that 10,000 users stay cheap. */
static int check_unique_ids(const struct mgmtd_tree *cand, const char *cls,
			    const char *attr, struct mgmtd_err *err)
{
	size_t n = mgmtd_tree_count(cand, cls);
	struct id_at *v = calloc(n + 1, sizeof(*v));
	char path[MGMTD_ERR_PATH_LEN];
	int bad = 0;

	if (!v)
		return mgmtd_err_add(err, MGMTD_E_FAILED, "accounts",
				     "out of memory") < 0;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct id_at){
			mgmtd_obj_int(mgmtd_tree_at(cand, cls, i), attr), i };
	qsort(v, n, sizeof(*v), by_id);
	for (size_t k = 1; k < n; k++) {
		if (v[k].id != v[k - 1].id)
			continue;
		snprintf(path, sizeof(path), "accounts.%s[%s].%s", cls,
			 mgmtd_obj_str(mgmtd_tree_at(cand, cls, v[k].i),
				       ACCT_A_NAME), attr);
		bad += mgmtd_err_add(err, MGMTD_E_INCONSISTENT, path,
				     "%" PRId64 " is %s's %s already", v[k].id,
				     mgmtd_obj_str(mgmtd_tree_at(cand, cls, v[k - 1].i),
						   ACCT_A_NAME), attr) < 0;
	}
	free(v);
	return bad;
}

/* Who in the candidate still names account name (a user, or a group when
 * group): "share public (valid_users)", "group staff", "user bob". */
static bool find_referrer(const struct mgmtd_tree *cand, const char *name,
			  bool group, char *who, size_t len)
{
	const struct mgmtd_tree *cifs = mgmtd_tree_plugin(cand, ACCT_CIFS_PLUGIN);
	const char *const *attrs = group ? cifs_group_attrs : cifs_user_attrs;
	char at[ACCT_NAME_MAX + 2];
	size_t n = mgmtd_tree_count(cifs, ACCT_CIFS_SHARES);

	snprintf(at, sizeof(at), "@%s", name);
	for (size_t i = 0; i < n; i++) {
		const struct mgmtd_obj *s = mgmtd_tree_at(cifs, ACCT_CIFS_SHARES, i);
		const char *share = mgmtd_obj_str(s, ACCT_CIFS_SHARE_NAME);

		for (const char *const *a = attrs; *a; a++)
			if (names(s, *a, name))
				return snprintf(who, len, "share %s (%s)", share, *a), true;
		/* "@group" in the user lists. */
		for (const char *const *a = cifs_user_attrs; group && *a; a++)
			if (names(s, *a, at))
				return snprintf(who, len, "share %s (%s)", share, *a), true;
	}
	n = mgmtd_tree_count(cand, group ? ACCT_CLS_USERS : ACCT_CLS_GROUPS);
	for (size_t i = 0; i < n; i++) {
		const struct mgmtd_obj *o = mgmtd_tree_at(
			cand, group ? ACCT_CLS_USERS : ACCT_CLS_GROUPS, i);
		const char *oname = mgmtd_obj_str(o, ACCT_A_NAME);

		if (group && names(o, ACCT_A_PRIMARY_GROUP, name))
			return snprintf(who, len, "user %s (primary_group)", oname), true;
		if (group && names(o, ACCT_A_GROUPS, name))
			return snprintf(who, len, "user %s (groups)", oname), true;
		if (!group && names(o, ACCT_A_MEMBERS, name))
			return snprintf(who, len, "group %s (members)", oname), true;
	}
	return false;
}

/* Accounts of run that cand deletes must not be named anywhere. */
static int check_deleted(const struct mgmtd_tree *cand,
			 const struct mgmtd_tree *run, bool group,
			 struct mgmtd_err *err)
{
	const char *cls = group ? ACCT_CLS_GROUPS : ACCT_CLS_USERS;
	size_t n = mgmtd_tree_count(run, cls);
	char who[256], path[MGMTD_ERR_PATH_LEN];
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		const char *name =
			mgmtd_obj_str(mgmtd_tree_at(run, cls, i), ACCT_A_NAME);

		if (mgmtd_tree_find(cand, cls, name) ||
		    !find_referrer(cand, name, group, who, sizeof(who)))
			continue;
		snprintf(path, sizeof(path), "accounts.%s[%s]", cls, name);
		bad += mgmtd_err_add(err, MGMTD_E_CONFLICT, path,
				     "cannot delete %s %s: %s names it; change "
				     "that first", group ? "group" : "user",
				     name, who) < 0;
	}
	return bad;
}

int acct_validate(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		  const struct mgmtd_tree *run, struct mgmtd_err *err)
{
	const struct acct_priv *p = mgmtd_ctx_priv(ctx);
	struct acct_priv checking;
	struct acct_sys sys;
	int bad = 0, rc;

	/* mgmtd --check-config validates without init. */
	if (!p) {
		if ((rc = acct_settings_load(ctx, &checking)) < 0)
			return mgmtd_err_add(err, MGMTD_E_FAILED, "accounts",
					     "bad daemon settings");
		p = &checking;
	}
	if ((rc = acct_sys_read(p, &sys, err)) < 0)
		return rc;
	bad += check_deleted(cand, run, false, err);
	bad += check_deleted(cand, run, true, err);
	for (size_t i = 0; i < mgmtd_tree_count(cand, ACCT_CLS_USERS); i++)
		bad += check_user(cand, run, &sys, i, err);
	for (size_t i = 0; i < mgmtd_tree_count(cand, ACCT_CLS_GROUPS); i++)
		bad += check_group(cand, run, &sys, i, err);
	bad += check_unique_ids(cand, ACCT_CLS_USERS, ACCT_A_UID, err);
	bad += check_unique_ids(cand, ACCT_CLS_GROUPS, ACCT_A_GID, err);
	acct_sys_fini(&sys);
	return bad ? -EINVAL : 0;
}
