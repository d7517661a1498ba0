/* Authentication and roles for the REST API (and the browser UI).
 *
 * Local mgmtd users (not the appliance's Unix accounts) with a role, a
 * password hashed by the system's crypt(3) (yescrypt, or SHA-512 where
 * yescrypt is missing), API tokens (random, shown once, stored hashed) and
 * browser sessions (in memory, with a CSRF token).  Users and tokens live
 * in <state_dir>/auth.conf (libconfig, mode 0600, replaced atomically),
 * apart from the versioned configuration so that password hashes never
 * reach its history, diffs or the journal.
 *
 * Thread-safe: REST worker threads call everything here concurrently.
 * Every function returns 0 or a negative errno unless said otherwise;
 * failures that concern the caller fill a struct mgmtd_err (code and
 * message, path "auth..."), never with a password or token in it. */
#ifndef MGMTD_AUTH_H
#define MGMTD_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "mgmtd/plugin.h"

struct core;
struct auth;

enum auth_role {
	AUTH_ROLE_NONE = 0,
	AUTH_ROLE_MONITOR,  /* read-only */
	AUTH_ROLE_OPERATOR, /* actions and non-security config */
	AUTH_ROLE_ADMIN,    /* everything, users and tokens included */
};

/* How a request authenticated. */
enum auth_method {
	AUTH_BASIC = 1,
	AUTH_BEARER,
	AUTH_SESSION, /* cookie: writes also need the CSRF token */
};

struct auth_identity {
	char user[64];
	enum auth_role role;
	enum auth_method method;
	char token_id[32]; /* for AUTH_BEARER: the token's public id */
};

#define AUTH_TOKEN_LEN 64    /* room for a token's text, NUL included */
#define AUTH_SESSION_LEN 64  /* room for a session id or CSRF token */

const char *auth_role_name(enum auth_role role);
int auth_role_parse(const char *name, enum auth_role *out);

/* Open the user database in state_dir.  When it holds no user, create
 * "admin" with a random password written to
 * <state_dir>/initial-admin-password (0600) and log where it is.
 * session_ttl: idle seconds before a session expires (0: 30 minutes).
 * c may be NULL (unit tests): events then only go to the log. */
int auth_open(struct core *c, const char *state_dir, unsigned session_ttl,
	      struct auth **out);
void auth_close(struct auth *a);

/* Check a user name and password from source (an address, for the
 * failed-login throttle: after 5 failures from one address within a minute
 * each further attempt from it waits, doubling up to 8 s, and every
 * failure is an event in the journal).  0 and *who, or -EACCES. */
int auth_login(struct auth *a, const char *user, const char *password,
	       const char *source, struct auth_identity *who);
/* Check a bearer token: 0 and *who, or -EACCES. */
int auth_bearer(struct auth *a, const char *token, const char *source,
		struct auth_identity *who);

/* Sessions: created after a successful auth_login; id and csrf are
 * random, AUTH_SESSION_LEN bytes with the NUL. */
int auth_session_new(struct auth *a, const struct auth_identity *who,
		     char *id, char *csrf);
/* Check a session id; for a write (write = true) csrf must equal the
 * session's token.  Touches the session (idle timeout).  -EACCES if
 * unknown or expired, -EPERM if the CSRF token is wrong. */
int auth_session_check(struct auth *a, const char *id, const char *csrf,
		       bool write, struct auth_identity *who);
void auth_session_end(struct auth *a, const char *id);

/* Users (admin only; the REST layer checks the role).  Passwords are
 * checked for length (8..256) and hashed before anything is stored. */
int auth_user_add(struct auth *a, const char *user, const char *password,
		  enum auth_role role, struct mgmtd_err *err);
int auth_user_set_password(struct auth *a, const char *user,
			   const char *password, struct mgmtd_err *err);
int auth_user_set_role(struct auth *a, const char *user, enum auth_role role,
		       struct mgmtd_err *err);
/* Refuses to delete the last admin. Ends the user's sessions and tokens. */
int auth_user_delete(struct auth *a, const char *user, struct mgmtd_err *err);
/* [{"name", "role", "created"}], never a hash.  New reference. */
json_t *auth_user_list(struct auth *a);

/* API tokens: for user, with a description.  token receives the secret
 * text (shown once; AUTH_TOKEN_LEN), id its public id. */
int auth_token_new(struct auth *a, const char *user, const char *description,
		   char *token, char *id, struct mgmtd_err *err);
int auth_token_revoke(struct auth *a, const char *id, struct mgmtd_err *err);
/* [{"id", "user", "description", "created", "last_used"}].  New ref. */
json_t *auth_token_list(struct auth *a);

#endif
