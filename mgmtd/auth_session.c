/* Browser sessions, in memory only: a restart logs everybody out.
 *
 * A session has a random id (the cookie) and a random CSRF token (sent
 * back in a header on writes).  It ends after session_ttl idle seconds,
 * after AUTH_SESSION_MAX_AGE_MS whatever its use, or when the table is
 * full and a new one needs its place (the least recently used goes). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_internal.h"
#include "log.h"

void auth_sessions_free(struct auth *a)
{
	if (a->sessions)
		explicit_bzero(a->sessions,
			       AUTH_MAX_SESSIONS * sizeof(*a->sessions));
	free(a->sessions);
	a->sessions = NULL;
	a->n_sessions = 0;
}

static void auth_session_remove(struct auth *a, struct auth_session *s)
{
	*s = a->sessions[--a->n_sessions];
	explicit_bzero(&a->sessions[a->n_sessions], sizeof(*s));
}

static bool auth_session_expired(const struct auth *a,
				 const struct auth_session *s, int64_t now)
{
	return now - s->seen_ms >= a->ttl_ms ||
	       now - s->created_ms >= AUTH_SESSION_MAX_AGE_MS;
}

/* Drop the expired sessions. */
static void auth_sessions_purge(struct auth *a, int64_t now)
{
	for (size_t i = 0; i < a->n_sessions;) {
		if (auth_session_expired(a, &a->sessions[i], now))
			auth_session_remove(a, &a->sessions[i]);
		else
			i++;
	}
}

/* A free slot, evicting the least recently used session if need be. */
static struct auth_session *auth_session_slot(struct auth *a, int64_t now)
{
	struct auth_session *old = NULL;

	auth_sessions_purge(a, now);
	if (a->n_sessions < AUTH_MAX_SESSIONS)
		return &a->sessions[a->n_sessions++];
	for (size_t i = 0; i < a->n_sessions; i++)
		if (!old || a->sessions[i].seen_ms < old->seen_ms)
			old = &a->sessions[i];
	log_info("auth", "too many sessions: ending one of user %s", old->user);
	return old;
}

int auth_session_new(struct auth *a, const struct auth_identity *who,
		     char *id, char *csrf)
{
	struct auth_session *s, fresh = { 0 };
	const struct auth_user *u;
	char sid[AUTH_SESSION_LEN];
	int64_t now;
	int rc;

	rc = auth_random_text(sid, sizeof(sid));
	if (rc == 0)
		rc = auth_random_text(fresh.csrf, sizeof(fresh.csrf));
	if (rc == 0)
		rc = auth_sha256(sid, strlen(sid), fresh.id_digest);
	if (rc < 0)
		goto out;
	pthread_mutex_lock(&a->lock);
	/* The role is the user's as of now, not what the caller says. */
	u = who && auth_name_valid(who->user) ? auth_user_find(a, who->user)
					      : NULL;
	if (!u) {
		pthread_mutex_unlock(&a->lock);
		rc = -ENOENT;
		goto out;
	}
	now = auth_now_ms();
	snprintf(fresh.user, sizeof(fresh.user), "%s", u->name);
	fresh.role = u->role;
	fresh.created_ms = fresh.seen_ms = now;
	s = auth_session_slot(a, now);
	*s = fresh;
	pthread_mutex_unlock(&a->lock);
	memcpy(id, sid, strlen(sid) + 1);
	memcpy(csrf, fresh.csrf, strlen(fresh.csrf) + 1);
	log_debug("auth", "session for user %s", fresh.user);
out:
	explicit_bzero(sid, sizeof(sid));
	explicit_bzero(&fresh, sizeof(fresh));
	return rc;
}

/* The session whose id hashes to digest; lock held. */
static struct auth_session *auth_session_find(struct auth *a,
					      const uint8_t *digest)
{
	for (size_t i = 0; i < a->n_sessions; i++)
		if (auth_equal(a->sessions[i].id_digest, digest,
			       AUTH_DIGEST_LEN))
			return &a->sessions[i];
	return NULL;
}

static int auth_session_digest(const char *id, uint8_t *digest)
{
	size_t len = id ? strnlen(id, AUTH_SESSION_LEN) : 0;

	if (len == 0 || len == AUTH_SESSION_LEN)
		return -EACCES;
	return auth_sha256(id, len, digest) < 0 ? -EACCES : 0;
}

static bool auth_csrf_good(const struct auth_session *s, const char *csrf)
{
	size_t len = strlen(s->csrf);

	return csrf && strnlen(csrf, AUTH_SESSION_LEN) == len &&
	       auth_equal(csrf, s->csrf, len);
}

int auth_session_check(struct auth *a, const char *id, const char *csrf,
		       bool write, struct auth_identity *who)
{
	uint8_t digest[AUTH_DIGEST_LEN];
	struct auth_session *s;
	int64_t now = auth_now_ms();
	int rc;

	rc = auth_session_digest(id, digest);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&a->lock);
	s = auth_session_find(a, digest);
	if (!s) {
		rc = -EACCES;
	} else if (auth_session_expired(a, s, now)) {
		auth_session_remove(a, s);
		rc = -EACCES;
	} else if (write && !auth_csrf_good(s, csrf)) {
		rc = -EPERM;
	} else {
		s->seen_ms = now;
		memset(who, 0, sizeof(*who));
		snprintf(who->user, sizeof(who->user), "%s", s->user);
		who->role = s->role;
		who->method = AUTH_SESSION;
	}
	pthread_mutex_unlock(&a->lock);
	return rc;
}

void auth_session_end(struct auth *a, const char *id)
{
	uint8_t digest[AUTH_DIGEST_LEN];
	struct auth_session *s;

	if (auth_session_digest(id, digest) < 0)
		return;
	pthread_mutex_lock(&a->lock);
	s = auth_session_find(a, digest);
	if (s)
		auth_session_remove(a, s);
	pthread_mutex_unlock(&a->lock);
}

void auth_sessions_drop_user(struct auth *a, const char *user)
{
	for (size_t i = 0; i < a->n_sessions;) {
		if (strcmp(a->sessions[i].user, user) == 0)
			auth_session_remove(a, &a->sessions[i]);
		else
			i++;
	}
}

void auth_sessions_set_role(struct auth *a, const char *user,
			    enum auth_role role)
{
	for (size_t i = 0; i < a->n_sessions; i++)
		if (strcmp(a->sessions[i].user, user) == 0)
			a->sessions[i].role = role;
}
