/* Accounts plugin: Samba's passdb in step with the users, and live state.
 *
 * smbd keeps passdb.tdb open, so the passdb is changed in place with
 * pdbedit rather than replaced: the users that are new or changed are
 * imported from a temporary smbpasswd(5) file (pdbedit -i smbpasswd:FILE
 * adds or overwrites), the deleted ones removed (pdbedit -x).  The
 * temporary file lives in the plugin's private state directory and is
 * wiped and removed at once: NT hashes never reach a command line.  This
 * is done only when the cifs plugin is loaded and its smb.conf exists
 * (pdbedit finds the passdb and the machine SID through it). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mgmtd/plugin.h"

#include "accounts.h"

#define ACCT_IMPORT_FILE "passdb-import"

static bool samba_wanted(const struct acct_priv *p,
			 const struct mgmtd_tree *t)
{
	return mgmtd_tree_plugin(t, ACCT_CIFS_PLUGIN) &&
	       access(p->smb_conf, R_OK) == 0;
}

/* Whether user o of cand must be (re)imported: new, or its password,
 * uid or enabled changed. */
static bool import_needed(const struct mgmtd_obj *o,
			  const struct mgmtd_tree *run)
{
	const struct mgmtd_obj *r =
		run ? mgmtd_tree_find(run, ACCT_CLS_USERS,
				      mgmtd_obj_str(o, ACCT_A_NAME))
		    : NULL;
	const char *a, *b;

	if (!r)
		return true;
	a = mgmtd_obj_str(o, ACCT_A_PASSWORD);
	b = mgmtd_obj_str(r, ACCT_A_PASSWORD);
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
		return true;
	return mgmtd_obj_int(o, ACCT_A_UID) != mgmtd_obj_int(r, ACCT_A_UID) ||
	       mgmtd_obj_bool(o, ACCT_A_ENABLED) !=
		       mgmtd_obj_bool(r, ACCT_A_ENABLED);
}

/* Write the smbpasswd lines of the users to import; returns how many. */
static int write_import(const char *path, const struct mgmtd_tree *cand,
			const struct mgmtd_tree *run)
{
	int64_t now = (int64_t)time(NULL);
	int fd, n = 0, rc = 0;
	FILE *f;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return -errno;
	if (!(f = fdopen(fd, "w"))) {
		rc = -errno;
		close(fd);
		return rc;
	}
	for (size_t i = 0; i < mgmtd_tree_count(cand, ACCT_CLS_USERS); i++) {
		const struct mgmtd_obj *o = mgmtd_tree_at(cand, ACCT_CLS_USERS, i);
		const char *pass = mgmtd_obj_str(o, ACCT_A_PASSWORD);
		char nt[MGMTD_PASSWORD_NT_LEN + 1], *line = NULL;
		bool has_nt;

		if (!import_needed(o, run))
			continue;
		has_nt = pass && mgmtd_password_nt(pass, nt, sizeof(nt)) == 0;
		rc = acct_smbpasswd_line(mgmtd_obj_str(o, ACCT_A_NAME),
					 mgmtd_obj_int(o, ACCT_A_UID),
					 has_nt ? nt : NULL,
					 mgmtd_obj_bool(o, ACCT_A_ENABLED), now,
					 &line);
		explicit_bzero(nt, sizeof(nt));
		if (rc < 0)
			break;
		fprintf(f, "%s\n", line);
		explicit_bzero(line, strlen(line));
		free(line);
		n++;
	}
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	return rc < 0 ? rc : n;
}

/* Overwrite the file with zeros before removing it. */
static void wipe(const char *path)
{
	static const char zeros[4096];
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	off_t size;

	if (fd >= 0) {
		size = lseek(fd, 0, SEEK_END);
		lseek(fd, 0, SEEK_SET);
		for (off_t w = 0; size > 0 && w < size; w += (off_t)sizeof(zeros))
			if (write(fd, zeros, sizeof(zeros)) < 0)
				break;
		fsync(fd);
		close(fd);
	}
	unlink(path);
}

static void samba_import(struct mgmtd_ctx *ctx, const struct acct_priv *p,
			 const struct mgmtd_tree *cand,
			 const struct mgmtd_tree *run)
{
	char path[PATH_MAX], arg[PATH_MAX + 16];
	struct mgmtd_err err = { 0 };
	int n;

	snprintf(path, sizeof(path), "%s/" ACCT_IMPORT_FILE,
		 mgmtd_ctx_state_dir(ctx));
	n = write_import(path, cand, run);
	if (n < 0) {
		mgmtd_event(ctx, MGMTD_SEV_ERR, "accounts.users",
			    "Samba passdb not updated: cannot write %s: %s",
			    path, strerror(-n));
		wipe(path);
		return;
	}
	if (n > 0) {
		snprintf(arg, sizeof(arg), "smbpasswd:%s", path);
		const char *argv[] = { "pdbedit", "-s", p->smb_conf, "-i", arg,
				       NULL };
		if (mgmtd_exec_check(argv, NULL, NULL, &err,
				     "accounts.users") < 0)
			mgmtd_event(ctx, MGMTD_SEV_ERR, "accounts.users",
				    "Samba passdb not updated: %s",
				    err.items[0].message);
		else
			mgmtd_log(ctx, MGMTD_SEV_INFO,
				  "Samba passdb: %d user%s imported", n,
				  n == 1 ? "" : "s");
	}
	wipe(path);
}

static void samba_remove(struct mgmtd_ctx *ctx, const struct acct_priv *p,
			 const struct mgmtd_tree *cand,
			 const struct mgmtd_tree *run)
{
	for (size_t i = 0; i < mgmtd_tree_count(run, ACCT_CLS_USERS); i++) {
		const char *name = mgmtd_obj_str(
			mgmtd_tree_at(run, ACCT_CLS_USERS, i), ACCT_A_NAME);
		const char *argv[] = { "pdbedit", "-s", p->smb_conf, "-x", "-u",
				       name, NULL };
		struct mgmtd_exec_result res;

		if (mgmtd_tree_find(cand, ACCT_CLS_USERS, name))
			continue;
		/* A user Samba never knew is not an error. */
		if (mgmtd_exec(argv, NULL, &res) == 0) {
			if (res.status != 0)
				mgmtd_log(ctx, MGMTD_SEV_DEBUG,
					  "pdbedit -x %s: exit %d", name,
					  res.status);
			mgmtd_exec_result_fini(&res);
		}
	}
}

void acct_samba_sync(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		     const struct mgmtd_tree *run)
{
	const struct acct_priv *p = mgmtd_ctx_priv(ctx);

	if (!samba_wanted(p, cand)) {
		mgmtd_log(ctx, MGMTD_SEV_DEBUG, "Samba passdb left alone: %s",
			  mgmtd_tree_plugin(cand, ACCT_CIFS_PLUGIN)
				  ? "no smb.conf"
				  : "the cifs plugin is not loaded");
		return;
	}
	samba_import(ctx, p, cand, run);
	samba_remove(ctx, p, cand, run);
}

/* ------------------------------------------------------------------ */
/* Live state */

/* The user names of pdbedit -L ("name:uid:full name" lines), or NULL. */
static char *samba_users(const struct acct_priv *p)
{
	const char *argv[] = { "pdbedit", "-s", p->smb_conf, "-L", NULL };
	struct mgmtd_exec_result res;
	char *out = NULL;

	if (mgmtd_exec(argv, NULL, &res) == 0) {
		if (res.status == 0) {
			out = res.out;
			res.out = NULL;
		}
		mgmtd_exec_result_fini(&res);
	}
	return out;
}

static bool listed(const char *text, const char *name)
{
	return text && acct_find_line(text, strlen(text), name,
				      &(size_t){ 0 }) != NULL;
}

int acct_collect(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		 struct mgmtd_state *st)
{
	const struct acct_priv *p = mgmtd_ctx_priv(ctx);
	/* pdbedit costs a fifth of a second: only when there is a user. */
	char *samba = mgmtd_tree_count(run, ACCT_CLS_USERS) &&
			      samba_wanted(p, run)
		      ? samba_users(p)
		      : NULL;
	struct mgmtd_err err = { 0 };
	struct acct_sys sys;
	int rc;

	if ((rc = acct_sys_read(p, &sys, &err)) < 0) {
		free(samba);
		return rc;
	}
	for (size_t i = 0; i < mgmtd_tree_count(run, ACCT_CLS_USERS); i++) {
		const char *name = mgmtd_obj_str(
			mgmtd_tree_at(run, ACCT_CLS_USERS, i), ACCT_A_NAME);

		mgmtd_state_obj(st, ACCT_CLS_USERS, name);
		mgmtd_state_bool(st, ACCT_A_PRESENT,
				 listed(sys.text[ACCT_F_PASSWD], name));
		if (samba)
			mgmtd_state_bool(st, ACCT_A_SAMBA, listed(samba, name));
	}
	for (size_t i = 0; i < mgmtd_tree_count(run, ACCT_CLS_GROUPS); i++) {
		const char *name = mgmtd_obj_str(
			mgmtd_tree_at(run, ACCT_CLS_GROUPS, i), ACCT_A_NAME);

		mgmtd_state_obj(st, ACCT_CLS_GROUPS, name);
		mgmtd_state_bool(st, ACCT_A_PRESENT,
				 listed(sys.text[ACCT_F_GROUP], name));
	}
	acct_sys_fini(&sys);
	free(samba);
	return 0;
}
