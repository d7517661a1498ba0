/* Accounts plugin: prepare, abort, apply.
 *
 * prepare takes lckpwdf(3), reads the four files, replaces the lines of
 * the managed accounts (dropping those of accounts deleted from the
 * config) and stages the results; apply renames them into place, group
 * files first, and brings Samba's passdb in step; abort discards them.
 * The lock is held from prepare to apply or abort, so that a useradd in
 * between cannot be lost. */
#include "config.h"

#include <errno.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "mgmtd/plugin.h"

#include "accounts.h"

static const unsigned acct_default_mode[ACCT_F_COUNT] = {
	[ACCT_F_GROUP] = 0644,
	[ACCT_F_GSHADOW] = 0640,
	[ACCT_F_PASSWD] = 0644,
	[ACCT_F_SHADOW] = 0640,
};

/* The new lines of one file, and the entries it loses. */
struct acct_edit {
	struct acct_line *lines;
	size_t n;
	const char **removed;
	size_t n_removed;
};

static void edit_fini(struct acct_edit *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->lines[i].text);
	free(e->lines);
	free(e->removed);
	*e = (struct acct_edit){ 0 };
}

static int edit_init(struct acct_edit *e, size_t n, size_t n_removed)
{
	*e = (struct acct_edit){ 0 };
	e->lines = calloc(n + 1, sizeof(*e->lines));
	e->removed = calloc(n_removed + 1, sizeof(*e->removed));
	return e->lines && e->removed ? 0 : -ENOMEM;
}

/* Names of cls in run that cand lacks. */
static void deleted(const struct mgmtd_tree *cand,
		    const struct mgmtd_tree *run, const char *cls,
		    struct acct_edit *e)
{
	for (size_t i = 0; i < mgmtd_tree_count(run, cls); i++) {
		const char *n = mgmtd_obj_str(mgmtd_tree_at(run, cls, i),
					      ACCT_A_NAME);
		if (!mgmtd_tree_find(cand, cls, n))
			e->removed[e->n_removed++] = n;
	}
}

/* Members of group g: its own list, then the users that name it. */
static int members_of(const struct mgmtd_tree *cand,
		      const struct mgmtd_obj *g, const char ***out, size_t *n)
{
	const char *name = mgmtd_obj_str(g, ACCT_A_NAME);
	size_t own = mgmtd_obj_list_len(g, ACCT_A_MEMBERS);
	size_t users = mgmtd_tree_count(cand, ACCT_CLS_USERS);
	const char **m = calloc(own + users + 1, sizeof(*m));

	*n = 0;
	if (!(*out = m))
		return -ENOMEM;
	for (size_t i = 0; i < own; i++)
		m[(*n)++] = mgmtd_obj_list_at(g, ACCT_A_MEMBERS, i);
	for (size_t i = 0; i < users; i++) {
		const struct mgmtd_obj *u = mgmtd_tree_at(cand, ACCT_CLS_USERS, i);
		const char *un = mgmtd_obj_str(u, ACCT_A_NAME);
		bool listed = false, dup = false;

		for (size_t j = 0; j < mgmtd_obj_list_len(u, ACCT_A_GROUPS); j++)
			listed = listed || strcmp(mgmtd_obj_list_at(u, ACCT_A_GROUPS, j),
						  name) == 0;
		for (size_t j = 0; listed && j < *n && !dup; j++)
			dup = strcmp(m[j], un) == 0;
		if (listed && !dup)
			m[(*n)++] = un;
	}
	return 0;
}

static int group_edits(const struct mgmtd_tree *cand,
		       const struct mgmtd_tree *run, struct acct_edit *grp,
		       struct acct_edit *gsh)
{
	size_t n = mgmtd_tree_count(cand, ACCT_CLS_GROUPS);
	size_t nr = mgmtd_tree_count(run, ACCT_CLS_GROUPS);
	int rc;

	if ((rc = edit_init(grp, n, nr)) < 0 || (rc = edit_init(gsh, n, nr)) < 0)
		return rc;
	deleted(cand, run, ACCT_CLS_GROUPS, grp);
	deleted(cand, run, ACCT_CLS_GROUPS, gsh);
	for (size_t i = 0; i < n; i++) {
		const struct mgmtd_obj *o = mgmtd_tree_at(cand, ACCT_CLS_GROUPS, i);
		struct acct_group g = {
			.name = mgmtd_obj_str(o, ACCT_A_NAME),
			.gid = mgmtd_obj_int(o, ACCT_A_GID),
		};
		const char **m = NULL;

		if ((rc = members_of(cand, o, &m, &g.n_members)) < 0)
			return rc;
		g.members = m;
		grp->lines[i].name = gsh->lines[i].name = g.name;
		rc = acct_group_line(&g, &grp->lines[grp->n++].text);
		if (rc == 0)
			rc = acct_gshadow_line(&g, &gsh->lines[gsh->n++].text);
		free(m);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int user_edits(const struct mgmtd_tree *cand,
		      const struct mgmtd_tree *run, const struct acct_sys *sys,
		      struct acct_edit *pw, struct acct_edit *sh)
{
	size_t n = mgmtd_tree_count(cand, ACCT_CLS_USERS);
	size_t nr = mgmtd_tree_count(run, ACCT_CLS_USERS);
	int64_t today = (int64_t)time(NULL) / 86400;
	char crypt[512];
	int rc;

	if ((rc = edit_init(pw, n, nr)) < 0 || (rc = edit_init(sh, n, nr)) < 0)
		return rc;
	deleted(cand, run, ACCT_CLS_USERS, pw);
	deleted(cand, run, ACCT_CLS_USERS, sh);
	for (size_t i = 0; i < n; i++) {
		const struct mgmtd_obj *o = mgmtd_tree_at(cand, ACCT_CLS_USERS, i);
		const char *pass = mgmtd_obj_str(o, ACCT_A_PASSWORD);
		struct acct_user u = {
			.name = mgmtd_obj_str(o, ACCT_A_NAME),
			.uid = mgmtd_obj_int(o, ACCT_A_UID),
			.gecos = mgmtd_obj_str(o, ACCT_A_FULL_NAME),
			.home = mgmtd_obj_str(o, ACCT_A_HOME),
			.shell = mgmtd_obj_str(o, ACCT_A_SHELL),
			.enabled = mgmtd_obj_bool(o, ACCT_A_ENABLED),
		};
		const char *cur;
		size_t cur_len = 0;

		/* validate made sure the group exists. */
		if (!acct_group_gid(cand, sys,
				    mgmtd_obj_str(o, ACCT_A_PRIMARY_GROUP), &u.gid))
			return -ENOENT;
		if (pass && mgmtd_password_crypt(pass, crypt, sizeof(crypt)) == 0)
			u.crypt = crypt;
		cur = sys->text[ACCT_F_SHADOW]
			      ? acct_find_line(sys->text[ACCT_F_SHADOW],
					       sys->len[ACCT_F_SHADOW], u.name,
					       &cur_len)
			      : NULL;
		pw->lines[i].name = sh->lines[i].name = u.name;
		rc = acct_passwd_line(&u, &pw->lines[pw->n++].text);
		if (rc == 0)
			rc = acct_shadow_line(&u, cur, cur_len, today,
					      &sh->lines[sh->n++].text);
		explicit_bzero(crypt, sizeof(crypt));
		if (rc < 0)
			return rc;
	}
	return 0;
}

static unsigned file_mode(const char *path, enum acct_file_id f)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_mode & 07777 : acct_default_mode[f];
}

static int stage_all(struct acct_priv *p, const struct acct_sys *sys,
		     struct acct_edit e[ACCT_F_COUNT], struct mgmtd_err *err)
{
	for (int f = 0; f < ACCT_F_COUNT; f++) {
		char *text;
		size_t len;
		int rc = acct_merge(sys->text[f] ? sys->text[f] : "", sys->len[f],
				    e[f].lines, e[f].n, e[f].removed,
				    e[f].n_removed, &text, &len);

		if (rc < 0)
			return mgmtd_err_add(err, MGMTD_E_FAILED, "accounts",
					     "cannot render %s: %s", p->files[f],
					     strerror(-rc));
		p->staged = true;
		rc = mgmtd_file_stage(p->files[f], text, len,
				      file_mode(p->files[f], f), err, "accounts");
		explicit_bzero(text, len);
		free(text);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void acct_release(struct acct_priv *p)
{
	if (p->staged)
		for (int f = 0; f < ACCT_F_COUNT; f++)
			mgmtd_file_discard(p->files[f]);
	p->staged = false;
	if (p->locked)
		ulckpwdf();
	p->locked = false;
}

int acct_prepare(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		 const struct mgmtd_tree *run, struct mgmtd_err *err)
{
	struct acct_priv *p = mgmtd_ctx_priv(ctx);
	struct acct_edit e[ACCT_F_COUNT] = { 0 };
	struct acct_sys sys = { 0 };
	int rc;

	acct_release(p);
	if (p->lock) {
		/* Waits up to 15 s for useradd, passwd and the like. */
		if (lckpwdf() < 0)
			return mgmtd_err_add(err, MGMTD_E_BUSY, "accounts",
					     "the account files are locked by "
					     "another program");
		p->locked = true;
	}
	if ((rc = acct_sys_read(p, &sys, err)) < 0)
		return rc;
	rc = group_edits(cand, run, &e[ACCT_F_GROUP], &e[ACCT_F_GSHADOW]);
	if (rc == 0)
		rc = user_edits(cand, run, &sys, &e[ACCT_F_PASSWD],
				&e[ACCT_F_SHADOW]);
	if (rc < 0)
		mgmtd_err_add(err, MGMTD_E_FAILED, "accounts",
			      "cannot render the account files: %s",
			      strerror(-rc));
	else
		rc = stage_all(p, &sys, e, err);
	for (int f = 0; f < ACCT_F_COUNT; f++)
		edit_fini(&e[f]);
	acct_sys_fini(&sys);
	return rc;
}

void acct_abort(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		const struct mgmtd_tree *run)
{
	acct_release(mgmtd_ctx_priv(ctx));
}

/* Objects of cls that cand adds (n[0]) and deletes (n[1]). */
static void count_changes(const struct mgmtd_tree *cand,
			  const struct mgmtd_tree *run, const char *cls,
			  unsigned n[2])
{
	for (size_t i = 0; i < mgmtd_tree_count(cand, cls); i++)
		if (!mgmtd_tree_find(run, cls, mgmtd_obj_str(
				mgmtd_tree_at(cand, cls, i), ACCT_A_NAME)))
			n[0]++;
	for (size_t i = 0; i < mgmtd_tree_count(run, cls); i++)
		if (!mgmtd_tree_find(cand, cls, mgmtd_obj_str(
				mgmtd_tree_at(run, cls, i), ACCT_A_NAME)))
			n[1]++;
}

void acct_apply(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		const struct mgmtd_tree *run)
{
	struct acct_priv *p = mgmtd_ctx_priv(ctx);
	unsigned u[2] = { 0 }, g[2] = { 0 };
	bool ok = p->staged;
	char buf[128];

	for (int f = 0; p->staged && f < ACCT_F_COUNT; f++) {
		int rc = mgmtd_file_commit(p->files[f]);
		if (rc < 0) {
			ok = false;
			mgmtd_event(ctx, MGMTD_SEV_ERR, NULL,
				    "cannot replace %s: %s", p->files[f],
				    strerror_r(-rc, buf, sizeof(buf)));
		}
	}
	/* Discards what a failed rename left staged. */
	acct_release(p);
	if (ok) {
		count_changes(cand, run, ACCT_CLS_USERS, u);
		count_changes(cand, run, ACCT_CLS_GROUPS, g);
		mgmtd_event(ctx, MGMTD_SEV_INFO, NULL,
			    "account files rewritten: %zu users (%u new, %u "
			    "deleted), %zu groups (%u new, %u deleted)",
			    mgmtd_tree_count(cand, ACCT_CLS_USERS), u[0], u[1],
			    mgmtd_tree_count(cand, ACCT_CLS_GROUPS), g[0], g[1]);
	}
	acct_samba_sync(ctx, cand, run);
}
