/* CIFS plugin: live state (smbd's service state, smbstatus --json) and
 * the actions (start, stop, restart, reload; disconnect a session). */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mgmtd/plugin.h"

#include "cifs.h"
#include "cifs_status.h"

#define CIFS_STATUS_TIMEOUT_MS 10000

static const char *state_name(enum mgmtd_service_state s)
{
	return s == MGMTD_SVC_RUNNING	? "running"
	       : s == MGMTD_SVC_BACKOFF ? "restarting"
					: "stopped";
}

/* smbstatus --json's output (*text owned). */
static int run_smbstatus(const struct cifs_priv *p, char **text,
			 struct mgmtd_err *err)
{
	const char *argv[] = { "smbstatus", "-s", p->smb_conf, "--json", NULL };
	struct mgmtd_exec_opts opts = { .timeout_ms = CIFS_STATUS_TIMEOUT_MS };

	*text = NULL;
	return mgmtd_exec_check(argv, &opts, text, err, "cifs");
}

static int parse(char *text, struct cifs_status *status,
		 struct mgmtd_err *err)
{
	int rc = cifs_status_parse(text, strlen(text), status);

	if (rc < 0)
		mgmtd_err_add(err, MGMTD_E_FAILED, "cifs",
			      "cannot parse what smbstatus --json prints");
	return rc;
}

/* smbstatus --json, run now, parsed. */
static int read_status(const struct cifs_priv *p, struct cifs_status *status,
		       struct mgmtd_err *err)
{
	char *text;
	int rc;

	*status = (struct cifs_status){ 0 };
	if ((rc = run_smbstatus(p, &text, err)) < 0)
		return rc;
	rc = parse(text, status, err);
	free(text);
	return rc;
}

void cifs_status_reuse(struct cifs_priv *p)
{
	pthread_mutex_lock(&p->status_lock);
	p->reuse_status = true;
	pthread_mutex_unlock(&p->status_lock);
}

/* For collect: the last output again right after a reload, else a new
 * one, kept for next time. */
static int collect_status(struct cifs_priv *p, struct cifs_status *status,
			  struct mgmtd_err *err)
{
	char *text = NULL;
	int rc;

	*status = (struct cifs_status){ 0 };
	pthread_mutex_lock(&p->status_lock);
	if (p->reuse_status && p->status_text)
		text = strdup(p->status_text);
	p->reuse_status = false;
	pthread_mutex_unlock(&p->status_lock);
	if (!text) {
		if ((rc = run_smbstatus(p, &text, err)) < 0)
			return rc;
		pthread_mutex_lock(&p->status_lock);
		free(p->status_text);
		p->status_text = strdup(text);
		pthread_mutex_unlock(&p->status_lock);
	}
	rc = parse(text, status, err);
	free(text);
	return rc;
}

static void put_user(struct mgmtd_state *st, int64_t uid)
{
	char buf[4096], name[32];
	struct passwd pw, *r = NULL;

	if (getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &r) == 0 && r) {
		mgmtd_state_str(st, CIFS_A_USER, pw.pw_name);
		return;
	}
	snprintf(name, sizeof(name), "%lld", (long long)uid);
	mgmtd_state_str(st, CIFS_A_USER, name);
}

static void put_status(struct mgmtd_state *st, const struct cifs_status *s)
{
	for (size_t i = 0; i < s->n_sessions; i++) {
		const struct cifs_session *x = &s->sessions[i];

		mgmtd_state_obj(st, CIFS_CLS_SESSIONS, x->id);
		mgmtd_state_str(st, CIFS_A_USER, x->user);
		mgmtd_state_str(st, CIFS_A_GROUP, x->group);
		mgmtd_state_str(st, CIFS_A_REMOTE_MACHINE, x->remote_machine);
		mgmtd_state_str(st, CIFS_A_ADDRESS, x->address);
		mgmtd_state_str(st, CIFS_A_PROTOCOL, x->protocol);
		mgmtd_state_str(st, CIFS_A_ENCRYPTION, x->encryption);
		mgmtd_state_str(st, CIFS_A_SIGNING, x->signing);
		mgmtd_state_int(st, CIFS_A_PID, x->pid);
	}
	for (size_t i = 0; i < s->n_tcons; i++) {
		const struct cifs_tcon *x = &s->tcons[i];

		mgmtd_state_obj(st, CIFS_CLS_CONNECTIONS, x->id);
		mgmtd_state_str(st, CIFS_A_SHARE, x->share);
		mgmtd_state_str(st, CIFS_A_MACHINE, x->machine);
		mgmtd_state_str(st, CIFS_A_SESSION_ID, x->session_id);
		mgmtd_state_str(st, CIFS_A_CONNECTED_AT, x->connected_at);
		mgmtd_state_str(st, CIFS_A_ENCRYPTION, x->encryption);
		mgmtd_state_str(st, CIFS_A_SIGNING, x->signing);
		mgmtd_state_int(st, CIFS_A_PID, x->pid);
	}
	for (size_t i = 0; i < s->n_opens; i++) {
		const struct cifs_open *x = &s->opens[i];

		mgmtd_state_obj(st, CIFS_CLS_OPEN_FILES, x->id);
		mgmtd_state_str(st, CIFS_A_SHARE_PATH, x->share_path);
		mgmtd_state_str(st, CIFS_A_FILENAME, x->filename);
		put_user(st, x->uid);
		mgmtd_state_str(st, CIFS_A_ACCESS, x->access);
		mgmtd_state_str(st, CIFS_A_SHARE_MODE, x->share_mode);
		mgmtd_state_str(st, CIFS_A_OPLOCK, x->oplock);
		mgmtd_state_str(st, CIFS_A_OPENED_AT, x->opened_at);
		mgmtd_state_int(st, CIFS_A_PID, x->pid);
	}
}

/* Clients connected to each share (Samba matches names without case). */
static void put_share_counts(struct mgmtd_state *st,
			     const struct mgmtd_tree *run,
			     const struct cifs_status *s)
{
	for (size_t i = 0; i < mgmtd_tree_count(run, CIFS_CLS_SHARES); i++) {
		const char *name = mgmtd_obj_str(
			mgmtd_tree_at(run, CIFS_CLS_SHARES, i), CIFS_A_NAME);
		int64_t n = 0;

		for (size_t j = 0; s && j < s->n_tcons; j++)
			n += strcasecmp(s->tcons[j].share, name) == 0;
		mgmtd_state_obj(st, CIFS_CLS_SHARES, name);
		mgmtd_state_int(st, CIFS_A_CONNECTIONS, n);
	}
}

int cifs_collect(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		 struct mgmtd_state *st)
{
	struct cifs_priv *p = mgmtd_ctx_priv(ctx);
	struct mgmtd_service_status svc = { .state = MGMTD_SVC_STOPPED };
	struct cifs_status status = { 0 };
	struct mgmtd_err err = { 0 };
	bool have = false;

	if (p->smbd_svc)
		mgmtd_service_status(p->smbd_svc, &svc);
	mgmtd_state_obj(st, CIFS_CLS_SERVER, NULL);
	if (p->version[0])
		mgmtd_state_str(st, CIFS_A_VERSION, p->version);
	if (p->manage) {
		mgmtd_state_str(st, CIFS_A_SERVICE_STATE, state_name(svc.state));
		mgmtd_state_bool(st, CIFS_A_RUNNING, svc.pid > 0);
		mgmtd_state_int(st, CIFS_A_RESTARTS, svc.restarts);
		if (svc.pid > 0) {
			mgmtd_state_int(st, CIFS_A_PID, svc.pid);
			mgmtd_state_int(st, CIFS_A_UPTIME,
					(int64_t)time(NULL) - svc.started);
		}
	}
	/* Unmanaged, smbd may run anyway: ask. */
	if (svc.pid > 0 || !p->manage) {
		if (collect_status(p, &status, &err) == 0)
			have = true;
		else if (p->manage)
			mgmtd_log(ctx, MGMTD_SEV_DEBUG, "smbstatus: %s",
				  err.count ? err.items[0].message : "failed");
	}
	if (have)
		put_status(st, &status);
	put_share_counts(st, run, have ? &status : NULL);
	cifs_status_fini(&status);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Actions */

int cifs_reload(struct mgmtd_ctx *ctx, struct cifs_priv *p)
{
	const char *argv[] = { "smbcontrol", "-s", p->smb_conf, "smbd",
			       "reload-config", NULL };
	struct mgmtd_err err = { 0 };

	if (mgmtd_exec_check(argv, NULL, NULL, &err, "cifs") == 0)
		return 0;
	/* smbd re-reads its configuration on SIGHUP too. */
	mgmtd_log(ctx, MGMTD_SEV_WARNING, "%s; sending SIGHUP instead",
		  err.items[0].message);
	return p->smbd_svc ? mgmtd_service_signal(p->smbd_svc, SIGHUP) : -ESRCH;
}

/* The parent of pid, from /proc. */
static int parent_of(int pid)
{
	char path[64], buf[512], *end;
	int ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(f = fopen(path, "re")))
		return 0;
	if (fgets(buf, sizeof(buf), f) && (end = strrchr(buf, ')')))
		sscanf(end + 1, " %*c %d", &ppid);
	fclose(f);
	return ppid;
}

/* End session key: the smbd process serving it exits, which also ends
 * the client's other sessions on that connection. */
static int disconnect(struct mgmtd_ctx *ctx, struct cifs_priv *p,
		      const char *key, struct mgmtd_err *err)
{
	char path[MGMTD_ERR_PATH_LEN];
	struct mgmtd_service_status svc = { 0 };
	struct cifs_status s;
	int rc, pid = 0;
	const char *user = "";

	snprintf(path, sizeof(path), "cifs.sessions[%s]", key);
	if ((rc = read_status(p, &s, err)) < 0) {
		cifs_status_fini(&s);
		return rc;
	}
	for (size_t i = 0; i < s.n_sessions; i++)
		if (strcmp(s.sessions[i].id, key) == 0) {
			pid = (int)s.sessions[i].pid;
			user = s.sessions[i].user;
		}
	if (p->smbd_svc)
		mgmtd_service_status(p->smbd_svc, &svc);
	/* Only a child of our smbd: never a process a stale id names. */
	if (pid <= 0)
		rc = mgmtd_err_add(err, MGMTD_E_NOT_FOUND, path,
				   "no such session now");
	else if (svc.pid <= 0 || parent_of(pid) != svc.pid)
		rc = mgmtd_err_add(err, MGMTD_E_FAILED, path,
				   "process %d is not served by the smbd mgmtd "
				   "runs", pid);
	else if (kill(pid, SIGTERM) < 0)
		rc = mgmtd_err_add(err, MGMTD_E_FAILED, path,
				   "cannot stop process %d: %s", pid,
				   strerror(errno));
	else
		mgmtd_event(ctx, MGMTD_SEV_NOTICE, path,
			    "session of %s disconnected (smbd process %d)",
			    user, pid);
	cifs_status_fini(&s);
	return rc;
}

int cifs_action(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		const char *cls, const char *key, const char *act,
		const struct mgmtd_obj *params, struct mgmtd_err *err)
{
	struct cifs_priv *p = mgmtd_ctx_priv(ctx);
	int rc;

	if (!p->manage)
		return mgmtd_err_add(err, MGMTD_E_FAILED, "cifs",
				     "smbd is not run by mgmtd here (setting "
				     CIFS_SET_MANAGE ")");
	if (strcmp(cls, CIFS_CLS_SESSIONS) == 0)
		return disconnect(ctx, p, key, err);
	if (strcmp(act, "start") == 0)
		rc = mgmtd_service_start(p->smbd_svc);
	else if (strcmp(act, "stop") == 0)
		rc = mgmtd_service_stop(p->smbd_svc);
	else if (strcmp(act, "restart") == 0)
		rc = mgmtd_service_restart(p->smbd_svc);
	else
		rc = cifs_reload(ctx, p);
	if (rc < 0)
		return mgmtd_err_add(err, MGMTD_E_FAILED, "cifs.server",
				     "%s failed: %s", act, strerror(-rc));
	return 0;
}
