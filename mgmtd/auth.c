/* Authentication: opening and closing the user database, the initial
 * admin, roles and names.  Logins live in auth_login.c, users in
 * auth_users.c, tokens in auth_token.c, sessions in auth_session.c,
 * auth.conf in auth_store.c and the cryptography in auth_crypt.c. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth_internal.h"
#include "core.h"
#include "fileutil.h"
#include "log.h"

#define AUTH_INITIAL_USER "admin"
#define AUTH_INITIAL_PW_LEN 20

static const char *const auth_role_names[] = {
	[AUTH_ROLE_NONE] = "none",
	[AUTH_ROLE_MONITOR] = "monitor",
	[AUTH_ROLE_OPERATOR] = "operator",
	[AUTH_ROLE_ADMIN] = "admin",
};

const char *auth_role_name(enum auth_role role)
{
	if ((unsigned)role >= sizeof(auth_role_names) / sizeof(*auth_role_names))
		return "none";
	return auth_role_names[role];
}

int auth_role_parse(const char *name, enum auth_role *out)
{
	for (unsigned r = AUTH_ROLE_MONITOR; r <= AUTH_ROLE_ADMIN; r++) {
		if (name && strcmp(name, auth_role_names[r]) == 0) {
			*out = (enum auth_role)r;
			return 0;
		}
	}
	return -EINVAL;
}

/* The portable user name rule: [a-z_][a-z0-9_-]{0,31}. */
bool auth_name_valid(const char *name)
{
	size_t i;

	if (!name || !((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_'))
		return false;
	for (i = 1; name[i]; i++) {
		char ch = name[i];

		if (i >= AUTH_NAME_MAX)
			return false;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

int64_t auth_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct auth_user *auth_user_find(struct auth *a, const char *name)
{
	for (size_t i = 0; name && i < a->n_users; i++)
		if (!a->users[i].gone && strcmp(a->users[i].name, name) == 0)
			return &a->users[i];
	return NULL;
}

void auth_printable(char *dst, size_t size, const char *src)
{
	size_t i = 0;

	for (; src && src[i] && i + 1 < size; i++)
		dst[i] = src[i] > ' ' && src[i] < 0x7f ? src[i] : '?';
	if (size)
		dst[i] = '\0';
}

/* A password of AUTH_INITIAL_PW_LEN letters and digits, drawn without
 * bias (rejection of the bytes beyond a multiple of 62). */
static int auth_random_password(char *out)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789";
	uint8_t raw[64];
	size_t n = 0;
	int rc = 0;

	while (n < AUTH_INITIAL_PW_LEN) {
		rc = auth_random(raw, sizeof(raw));
		if (rc < 0)
			break;
		for (size_t i = 0; i < sizeof(raw) && n < AUTH_INITIAL_PW_LEN; i++)
			if (raw[i] < 248)
				out[n++] = set[raw[i] % 62];
	}
	out[n] = '\0';
	explicit_bzero(raw, sizeof(raw));
	return rc;
}

/* No user at all: create "admin".  The password file is written before
 * auth.conf, so that a crash between the two leaves no admin whose
 * password nobody knows: the next start creates it again. */
static int auth_initial_admin(struct auth *a)
{
	char pw[AUTH_INITIAL_PW_LEN + 2], hash[AUTH_HASH_MAX];
	struct auth_user *u = &a->users[0];
	int rc;

	rc = auth_random_password(pw);
	if (rc == 0)
		rc = auth_hash_password(a->scheme, pw, hash);
	if (rc < 0)
		goto out;
	u->hash = strdup(hash);
	if (!u->hash) {
		rc = -ENOMEM;
		goto out;
	}
	snprintf(u->name, sizeof(u->name), AUTH_INITIAL_USER);
	u->role = AUTH_ROLE_ADMIN;
	u->created = core_realtime();
	a->n_users = 1;
	strcat(pw, "\n");
	rc = fileutil_write_atomic(a->pw_path, pw, strlen(pw), 0600);
	if (rc < 0)
		log_err("auth", "cannot write %s: %s", a->pw_path, strerror(-rc));
	else
		rc = auth_store_save(a);
	if (rc == 0)
		log_notice("auth",
			   "no user in %s: created user \"" AUTH_INITIAL_USER
			   "\" (role admin), its password is in %s",
			   a->path, a->pw_path);
out:
	explicit_bzero(pw, sizeof(pw));
	return rc;
}

/* The hash unknown users are checked against, so that they cost what a
 * wrong password costs.  Its password is random and forgotten. */
static int auth_make_dummy(struct auth *a)
{
	char pw[AUTH_INITIAL_PW_LEN + 1];
	int rc = auth_random_password(pw);

	if (rc == 0)
		rc = auth_hash_password(a->scheme, pw, a->dummy);
	explicit_bzero(pw, sizeof(pw));
	return rc;
}

static int auth_paths(struct auth *a, const char *state_dir)
{
	if (asprintf(&a->path, "%s/auth.conf", state_dir) < 0) {
		a->path = NULL;
		return -ENOMEM;
	}
	if (asprintf(&a->pw_path, "%s/initial-admin-password", state_dir) < 0) {
		a->pw_path = NULL;
		return -ENOMEM;
	}
	return 0;
}

int auth_open(struct core *c, const char *state_dir, unsigned session_ttl,
	      struct auth **out)
{
	struct auth *a = calloc(1, sizeof(*a));
	int rc;

	*out = NULL;
	if (!a)
		return -ENOMEM;
	pthread_mutex_init(&a->lock, NULL);
	a->core = c;
	a->ttl_ms = (int64_t)(session_ttl ? session_ttl : AUTH_DEFAULT_TTL_S) *
		    1000;
	a->scheme = auth_hash_scheme();
	a->fail_base_ms = AUTH_FAIL_BASE_MS;
	a->fail_max_ms = AUTH_FAIL_MAX_MS;
	a->last_used_saved_ms = auth_now_ms();
	a->sessions = calloc(AUTH_MAX_SESSIONS, sizeof(*a->sessions));
	rc = a->sessions ? auth_paths(a, state_dir) : -ENOMEM;
	if (rc == 0)
		rc = auth_store_load(a);
	if (rc == 0 && a->n_users == 0)
		rc = auth_initial_admin(a);
	if (rc == 0)
		rc = auth_make_dummy(a);
	if (rc < 0) {
		auth_close(a);
		return rc;
	}
	log_info("auth", "%zu users, %zu tokens, passwords hashed with %s",
		 a->n_users, a->n_tokens,
		 strcmp(a->scheme, "$y$") == 0 ? "yescrypt" : "SHA-512");
	*out = a;
	return 0;
}

void auth_close(struct auth *a)
{
	if (!a)
		return;
	if (a->last_used_dirty && a->users)
		auth_store_save(a);
	for (size_t i = 0; a->users && i < a->n_users; i++)
		free(a->users[i].hash);
	free(a->users);
	auth_tokens_free(a);
	auth_sessions_free(a);
	pthread_mutex_destroy(&a->lock);
	free(a->path);
	free(a->pw_path);
	free(a);
}

void auth_set_throttle_for_test(struct auth *a, unsigned base_ms,
				unsigned max_ms)
{
	pthread_mutex_lock(&a->lock);
	a->fail_base_ms = base_ms;
	a->fail_max_ms = max_ms;
	pthread_mutex_unlock(&a->lock);
}

int64_t auth_last_delay_for_test(struct auth *a)
{
	int64_t d;

	pthread_mutex_lock(&a->lock);
	d = a->last_delay_ms;
	pthread_mutex_unlock(&a->lock);
	return d;
}
