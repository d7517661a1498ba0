/* CIFS plugin: validate.  What the schema cannot say: share names Samba
 * reserves or would confuse (it ignores case), paths that must exist,
 * users and groups that must exist (in the accounts plugin's candidate,
 * else on the system), extra parameters that must be "name = value" and
 * not one that mgmtd sets itself.  testparm, in prepare, checks the rest. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "mgmtd/plugin.h"

#include "cifs.h"

/* The accounts plugin's parts of the candidate and running trees (NULL
 * when it is not loaded). */
struct names_ctx {
	const struct mgmtd_tree *cand, *run;
};

/* A user (or group) that exists once the candidate applies: one of the
 * accounts plugin's, else one of the system's that the accounts plugin is
 * not deleting. */
static bool known(const struct names_ctx *n, const char *name, bool group)
{
	const char *cls = group ? CIFS_ACCT_GROUPS : CIFS_ACCT_USERS;
	char buf[4096];

	if (mgmtd_tree_find(n->cand, cls, name))
		return true;
	if (mgmtd_tree_find(n->run, cls, name))
		return false;
	if (group) {
		struct group g, *r = NULL;
		return getgrnam_r(name, &g, buf, sizeof(buf), &r) == 0 && r;
	}
	struct passwd pw, *r = NULL;
	return getpwnam_r(name, &pw, buf, sizeof(buf), &r) == 0 && r;
}

static int check_name(const struct names_ctx *n, const char *prefix,
		      const char *attr, const char *name, bool group,
		      struct mgmtd_err *err)
{
	char path[MGMTD_ERR_PATH_LEN];

	if (name[0] == '@') {
		name++;
		group = true;
	}
	if (known(n, name, group))
		return 0;
	snprintf(path, sizeof(path), "%s.%s", prefix, attr);
	return mgmtd_err_add(err, MGMTD_E_INCONSISTENT, path, "no %s named %s",
			     group ? "group" : "user", name);
}

static int check_names(const struct names_ctx *n, const struct mgmtd_obj *o,
		       const char *prefix, struct mgmtd_err *err)
{
	static const struct {
		const char *attr;
		bool group;
	} refs[] = {
		{ CIFS_A_VALID_USERS, false }, { CIFS_A_VALID_GROUPS, true },
		{ CIFS_A_READ_LIST, false },   { CIFS_A_WRITE_LIST, false },
		{ CIFS_A_ADMIN_USERS, false }, { CIFS_A_FORCE_USER, false },
		{ CIFS_A_FORCE_GROUP, true },  { CIFS_A_PATH_OWNER, false },
		{ CIFS_A_PATH_GROUP, true },
	};
	int bad = 0;

	for (size_t r = 0; r < sizeof(refs) / sizeof(refs[0]); r++) {
		const char *one = mgmtd_obj_has(o, refs[r].attr)
					  ? mgmtd_obj_str(o, refs[r].attr)
					  : NULL;
		size_t len = mgmtd_obj_list_len(o, refs[r].attr);

		if (one)
			bad += check_name(n, prefix, refs[r].attr, one,
					  refs[r].group, err) < 0;
		for (size_t i = 0; i < len; i++)
			bad += check_name(n, prefix, refs[r].attr,
					  mgmtd_obj_list_at(o, refs[r].attr, i),
					  refs[r].group, err) < 0;
	}
	return bad;
}

static int check_extras(const struct mgmtd_obj *o, const char *prefix,
			bool global, struct mgmtd_err *err)
{
	char path[MGMTD_ERR_PATH_LEN], name[CIFS_PARAM_NAME_MAX + 1];
	const char *value, *why, *instead;
	int bad = 0;

	snprintf(path, sizeof(path), "%s.%s", prefix, CIFS_A_EXTRA);
	for (size_t i = 0; i < mgmtd_obj_list_len(o, CIFS_A_EXTRA); i++) {
		const char *item = mgmtd_obj_list_at(o, CIFS_A_EXTRA, i);

		if ((why = cifs_extra_parse(item, name, &value)))
			bad += mgmtd_err_add(err, MGMTD_E_INVALID, path,
					     "item %zu %s", i + 1, why) < 0;
		else if (cifs_extra_refused(name, global, &instead))
			bad += mgmtd_err_add(err, MGMTD_E_INVALID, path,
					     "item %zu: \"%s\" is set by mgmtd%s%s",
					     i + 1, name,
					     instead ? "; use " : "",
					     instead ? instead : "") < 0;
		else if (value[0] && value[strlen(value) - 1] == '\\')
			bad += mgmtd_err_add(err, MGMTD_E_INVALID, path,
					     "item %zu ends with a backslash, "
					     "which would continue the line",
					     i + 1) < 0;
	}
	return bad;
}

static int check_path(const struct mgmtd_obj *o, const char *prefix,
		      struct mgmtd_err *err)
{
	const char *dir = mgmtd_obj_str(o, CIFS_A_PATH);
	bool create = mgmtd_obj_bool(o, CIFS_A_CREATE_PATH);
	char path[MGMTD_ERR_PATH_LEN];
	struct stat st;

	snprintf(path, sizeof(path), "%s.%s", prefix, CIFS_A_PATH);
	if (stat(dir, &st) < 0) {
		if (errno == ENOENT && create)
			return 0;
		return mgmtd_err_add(err, MGMTD_E_INCONSISTENT, path,
				     "%s %s", dir,
				     errno == ENOENT
					     ? "does not exist (create_path "
					       "creates it)"
					     : "cannot be reached");
	}
	if (!S_ISDIR(st.st_mode))
		return mgmtd_err_add(err, MGMTD_E_INCONSISTENT, path,
				     "%s is not a directory", dir);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

/* Samba ignores case in share names: two that differ only there clash. */
static int check_unique(const struct mgmtd_tree *cand, struct mgmtd_err *err)
{
	size_t n = mgmtd_tree_count(cand, CIFS_CLS_SHARES);
	const char **v = calloc(n + 1, sizeof(*v));
	char path[MGMTD_ERR_PATH_LEN];
	int bad = 0;

	if (!v)
		return mgmtd_err_add(err, MGMTD_E_FAILED, "cifs",
				     "out of memory") < 0;
	for (size_t i = 0; i < n; i++)
		v[i] = mgmtd_obj_str(mgmtd_tree_at(cand, CIFS_CLS_SHARES, i),
				     CIFS_A_NAME);
	qsort(v, n, sizeof(*v), by_name);
	for (size_t i = 1; i < n; i++)
		if (strcasecmp(v[i - 1], v[i]) == 0) {
			snprintf(path, sizeof(path), "cifs.shares[%s].name", v[i]);
			bad += mgmtd_err_add(err, MGMTD_E_INCONSISTENT, path,
					     "differs from share %s only in "
					     "case, which Samba ignores",
					     v[i - 1]) < 0;
		}
	free(v);
	return bad;
}

int cifs_validate(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		  const struct mgmtd_tree *run, struct mgmtd_err *err)
{
	const struct mgmtd_obj *so = mgmtd_tree_singleton(cand, CIFS_CLS_SERVER);
	struct names_ctx n = {
		.cand = mgmtd_tree_plugin(cand, CIFS_ACCT_PLUGIN),
		.run = mgmtd_tree_plugin(run, CIFS_ACCT_PLUGIN),
	};
	char prefix[MGMTD_ERR_PATH_LEN], path[MGMTD_ERR_PATH_LEN];
	const char *why;
	int bad = 0;

	if (so) {
		bad += check_extras(so, "cifs.server", true, err);
		if (mgmtd_obj_has(so, CIFS_A_GUEST_ACCOUNT))
			bad += check_name(&n, "cifs.server", CIFS_A_GUEST_ACCOUNT,
					  mgmtd_obj_str(so, CIFS_A_GUEST_ACCOUNT),
					  false, err) < 0;
	}
	for (size_t i = 0; i < mgmtd_tree_count(cand, CIFS_CLS_SHARES); i++) {
		const struct mgmtd_obj *o = mgmtd_tree_at(cand, CIFS_CLS_SHARES, i);
		const char *name = mgmtd_obj_str(o, CIFS_A_NAME);

		snprintf(prefix, sizeof(prefix), "cifs.shares[%s]", name);
		if ((why = cifs_share_name_problem(name))) {
			snprintf(path, sizeof(path), "%s.name", prefix);
			bad += mgmtd_err_add(err, MGMTD_E_INVALID, path,
					     "share name %s", why) < 0;
		}
		bad += check_path(o, prefix, err) < 0;
		bad += check_names(&n, o, prefix, err);
		bad += check_extras(o, prefix, false, err);
	}
	bad += check_unique(cand, err);
	return bad ? -EINVAL : 0;
}
