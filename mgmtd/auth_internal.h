/* What the auth_*.c files share: the state behind struct auth, and the
 * hooks the unit tests use.  Not for the rest of the daemon (auth.h). */
#ifndef MGMTD_AUTH_INTERNAL_H
#define MGMTD_AUTH_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"

#define AUTH_NAME_MAX 32       /* [a-z_][a-z0-9_-]{0,31} */
#define AUTH_PASSWORD_MIN 8
#define AUTH_PASSWORD_MAX 256
#define AUTH_DESC_MAX 256      /* a token's description, bytes */
#define AUTH_DIGEST_LEN 32     /* SHA-256 */
#define AUTH_SECRET_BYTES 32   /* tokens, session ids, CSRF tokens */
#define AUTH_TOKEN_PREFIX "mgmtd_"
#define AUTH_TOKEN_ID_BYTES 8  /* public id: 16 hex digits */
#define AUTH_HASH_MAX 384      /* a crypt(3) string, NUL included */

#define AUTH_MAX_USERS 256
#define AUTH_MAX_TOKENS 1024
#define AUTH_MAX_SESSIONS 1000 /* the least recently used goes beyond */
#define AUTH_MAX_SOURCES 1024  /* failed-login table */

#define AUTH_DEFAULT_TTL_S (30 * 60)
#define AUTH_SESSION_MAX_AGE_MS (12 * 3600 * INT64_C(1000))
#define AUTH_LAST_USED_PERIOD_MS (60 * INT64_C(1000))
#define AUTH_FAIL_WINDOW_MS (60 * INT64_C(1000))
#define AUTH_FAIL_FREE 5       /* failures before attempts wait */
#define AUTH_FAIL_BASE_MS 1000 /* first wait, doubling ... */
#define AUTH_FAIL_MAX_MS 8000  /* ... up to this */

struct auth_user {
	char name[AUTH_NAME_MAX + 1];
	enum auth_role role;
	char *hash;      /* crypt(3) string, owned */
	int64_t created; /* realtime seconds */
	bool gone;       /* deleted, until auth.conf says so too */
};

struct auth_token {
	char id[2 * AUTH_TOKEN_ID_BYTES + 1];
	char user[AUTH_NAME_MAX + 1];
	char *description; /* owned */
	uint8_t digest[AUTH_DIGEST_LEN]; /* SHA-256 of the token's text */
	int64_t created, last_used;      /* realtime seconds, 0: never */
	bool gone;
};

struct auth_session {
	/* Lookups compare digests, so that timing tells nothing of an id. */
	uint8_t id_digest[AUTH_DIGEST_LEN];
	char csrf[AUTH_SESSION_LEN];
	char user[AUTH_NAME_MAX + 1];
	enum auth_role role;
	int64_t created_ms, seen_ms; /* monotonic */
};

/* Failed logins from one source; count is 0 in a free slot. */
struct auth_source {
	char addr[64];
	unsigned count;     /* attempts not yet proven good, in the window */
	int64_t window_ms;  /* first failure of the window */
	int64_t last_ms;    /* last attempt */
	bool waiting;       /* an attempt from here is sleeping its delay */
};

struct auth {
	pthread_mutex_t lock;
	struct core *core; /* may be NULL */
	char *path;        /* <state_dir>/auth.conf */
	char *pw_path;     /* <state_dir>/initial-admin-password */
	int64_t ttl_ms;
	const char *scheme;     /* "$y$" or "$6$" */
	char dummy[AUTH_HASH_MAX]; /* what unknown users are checked against */

	struct auth_user *users;
	size_t n_users;
	struct auth_token *tokens;
	size_t n_tokens;
	struct auth_session *sessions;
	size_t n_sessions;
	struct auth_source sources[AUTH_MAX_SOURCES];

	bool last_used_dirty;
	int64_t last_used_saved_ms;

	int64_t fail_base_ms, fail_max_ms;
	int64_t last_delay_ms; /* the tests read it */
};

/* auth_crypt.c: randomness, hashing, encodings.  No locks, no state. */
int auth_random(void *buf, size_t len);
/* A random secret as base64url text: out holds 2 * AUTH_SECRET_BYTES. */
int auth_random_text(char *out, size_t size);
void auth_hex(const uint8_t *in, size_t len, char *out);
int auth_sha256(const void *data, size_t len, uint8_t out[AUTH_DIGEST_LEN]);
bool auth_equal(const void *a, const void *b, size_t len);
/* "$y$" when libxcrypt has yescrypt, else "$6$". */
const char *auth_hash_scheme(void);
/* Hash password with a fresh salt of scheme into out (AUTH_HASH_MAX). */
int auth_hash_password(const char *scheme, const char *password, char *out);
/* Does password hash to stored?  Always does the full work. */
bool auth_hash_verify(const char *password, const char *stored);

/* auth_store.c: auth.conf.  Called with the lock held (or before the
 * object is shared). */
int auth_store_load(struct auth *a);
int auth_store_save(struct auth *a);

/* auth.c */
bool auth_name_valid(const char *name);
int64_t auth_now_ms(void);
struct auth_user *auth_user_find(struct auth *a, const char *name);
/* Copy src into dst (size bytes) with anything but printable ASCII
 * replaced, for logs and events. */
void auth_printable(char *dst, size_t size, const char *src);

/* auth_session.c, lock held: follow changes of users. */
void auth_sessions_drop_user(struct auth *a, const char *user);
void auth_sessions_set_role(struct auth *a, const char *user,
			    enum auth_role role);
void auth_sessions_free(struct auth *a);

/* auth_token.c, lock held. */
void auth_tokens_free(struct auth *a);
/* Remove the entries marked gone. */
void auth_tokens_sweep(struct auth *a);

/* Test hooks: the throttle's first and longest delays, and the delay the
 * last auth_login waited. */
void auth_set_throttle_for_test(struct auth *a, unsigned base_ms,
				unsigned max_ms);
int64_t auth_last_delay_for_test(struct auth *a);

#endif
