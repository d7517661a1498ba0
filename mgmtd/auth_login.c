/* Password logins and the failed-login throttle.
 *
 * Every attempt counts as a failure until it proves good, so that
 * attempts sent in parallel cannot slip past the limit while their hashes
 * are computed.  After AUTH_FAIL_FREE of them within a minute, each
 * further attempt from the source first waits (doubling up to a cap), and
 * only one waits at a time: the others are refused unchecked, or a pool
 * of web threads would let many guesses through per delay.  The hash is
 * computed without the lock: it is slow on purpose. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth_internal.h"
#include "core.h"
#include "log.h"

/* The slot of addr, or NULL. */
static struct auth_source *auth_source_find(struct auth *a, const char *addr)
{
	for (size_t i = 0; i < AUTH_MAX_SOURCES; i++)
		if (a->sources[i].count &&
		    strcmp(a->sources[i].addr, addr) == 0)
			return &a->sources[i];
	return NULL;
}

/* The slot of addr, taking a free one or the least recent one that no
 * attempt sleeps on. */
static struct auth_source *auth_source_get(struct auth *a, const char *addr,
					   int64_t now)
{
	struct auth_source *s = auth_source_find(a, addr), *old = NULL;

	if (s)
		return s;
	for (size_t i = 0; i < AUTH_MAX_SOURCES; i++) {
		s = &a->sources[i];
		if (!s->count || now - s->last_ms >= AUTH_FAIL_WINDOW_MS) {
			old = s;
			break;
		}
		if (!s->waiting && (!old || s->last_ms < old->last_ms))
			old = s;
	}
	if (!old)
		return NULL;
	memset(old, 0, sizeof(*old));
	snprintf(old->addr, sizeof(old->addr), "%s", addr);
	old->window_ms = now;
	return old;
}

/* Count an attempt from addr and say how long it must wait first;
 * -EBUSY if another attempt from there is waiting already. */
static int auth_throttle_enter(struct auth *a, const char *addr,
			       int64_t *delay)
{
	int64_t now = auth_now_ms();
	struct auth_source *s = auth_source_get(a, addr, now);

	*delay = 0;
	if (!s) /* every slot sleeping: the table is under attack */
		return -EBUSY;
	if (s->count && now - s->last_ms >= AUTH_FAIL_WINDOW_MS) {
		s->count = 0;
		s->window_ms = now;
	} else if (s->count < AUTH_FAIL_FREE &&
		   now - s->window_ms >= AUTH_FAIL_WINDOW_MS) {
		s->count = 0;
		s->window_ms = now;
	}
	if (s->count >= AUTH_FAIL_FREE) {
		unsigned shift = s->count - AUTH_FAIL_FREE;

		*delay = a->fail_base_ms << (shift > 16 ? 16 : shift);
		if (*delay > a->fail_max_ms)
			*delay = a->fail_max_ms;
	}
	if (s->count < 1000)
		s->count++;
	s->last_ms = now;
	if (*delay && s->waiting)
		return -EBUSY;
	if (*delay)
		s->waiting = true;
	a->last_delay_ms = *delay;
	return 0;
}

static void auth_throttle_leave(struct auth *a, const char *addr,
				int64_t delay, bool good)
{
	struct auth_source *s = auth_source_find(a, addr);

	if (!s)
		return;
	if (delay)
		s->waiting = false;
	if (good)
		memset(s, 0, sizeof(*s));
}

static void auth_sleep_ms(int64_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Copy what checking user needs out of the table: its hash (the dummy
 * one for an unknown user) and role. */
static bool auth_login_lookup(struct auth *a, const char *user, char *hash,
			      enum auth_role *role)
{
	struct auth_user *u = auth_name_valid(user) ? auth_user_find(a, user)
						   : NULL;

	snprintf(hash, AUTH_HASH_MAX, "%s", u ? u->hash : a->dummy);
	*role = u ? u->role : AUTH_ROLE_NONE;
	return u != NULL;
}

static void auth_login_failed(struct auth *a, const char *user,
			      const char *addr, bool throttled)
{
	char name[AUTH_NAME_MAX + 1], where[64];

	/* A name outside the rule may be a password typed in the wrong
	 * field: it is not repeated. */
	if (auth_name_valid(user))
		snprintf(name, sizeof(name), "%s", user);
	else
		snprintf(name, sizeof(name), "(invalid name)");
	auth_printable(where, sizeof(where), addr);
	core_event(a->core, MGMTD_SEV_WARNING, "mgmtd", "auth",
		   "failed login for user %s from %s%s", name, where,
		   throttled ? " (throttled, not checked)" : "");
}

int auth_login(struct auth *a, const char *user, const char *password,
	       const char *source, struct auth_identity *who)
{
	const char *addr = source && *source ? source : "unknown";
	char hash[AUTH_HASH_MAX];
	enum auth_role role;
	bool known, usable, good;
	int64_t delay;
	int rc;

	pthread_mutex_lock(&a->lock);
	rc = auth_throttle_enter(a, addr, &delay);
	pthread_mutex_unlock(&a->lock);
	if (rc < 0) {
		auth_login_failed(a, user, addr, true);
		return -EACCES;
	}
	if (delay)
		auth_sleep_ms(delay);

	pthread_mutex_lock(&a->lock);
	known = auth_login_lookup(a, user, hash, &role);
	pthread_mutex_unlock(&a->lock);
	/* Unknown users and unusable passwords still pay for a hash. */
	usable = password &&
		 strnlen(password, AUTH_PASSWORD_MAX + 1) <= AUTH_PASSWORD_MAX;
	good = auth_hash_verify(usable ? password : "", hash) && known &&
	       usable;

	pthread_mutex_lock(&a->lock);
	/* The user may have gone, or changed role, while we hashed. */
	if (good)
		good = auth_login_lookup(a, user, hash, &role) && role;
	auth_throttle_leave(a, addr, delay, good);
	pthread_mutex_unlock(&a->lock);
	explicit_bzero(hash, sizeof(hash));
	if (!good) {
		auth_login_failed(a, user, addr, false);
		return -EACCES;
	}
	if (log_enabled(MGMTD_SEV_DEBUG, "auth")) {
		char where[64];

		auth_printable(where, sizeof(where), addr);
		log_debug("auth", "user %s logged in from %s", user, where);
	}
	memset(who, 0, sizeof(*who));
	snprintf(who->user, sizeof(who->user), "%s", user);
	who->role = role;
	who->method = AUTH_BASIC;
	return 0;
}
