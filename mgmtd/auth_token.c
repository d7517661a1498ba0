/* API tokens: "mgmtd_" and 32 random bytes in base64url (49 characters),
 * shown once.  Only their SHA-256 is kept: a token has 256 bits of
 * entropy, so a fast hash is enough, and a stolen auth.conf gives no
 * usable token.  A token acts with its user's current role. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_internal.h"
#include "core.h"
#include "log.h"

#define AUTH_TOKEN_TEXT_LEN (sizeof(AUTH_TOKEN_PREFIX) - 1 + 43)

void auth_tokens_free(struct auth *a)
{
	for (size_t i = 0; a->tokens && i < a->n_tokens; i++)
		free(a->tokens[i].description);
	free(a->tokens);
	a->tokens = NULL;
	a->n_tokens = 0;
}

void auth_tokens_sweep(struct auth *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->n_tokens; i++) {
		if (a->tokens[i].gone)
			free(a->tokens[i].description);
		else
			a->tokens[n++] = a->tokens[i];
	}
	a->n_tokens = n;
}

static struct auth_token *auth_token_find(struct auth *a, const char *id)
{
	for (size_t i = 0; id && i < a->n_tokens; i++)
		if (!a->tokens[i].gone && strcmp(a->tokens[i].id, id) == 0)
			return &a->tokens[i];
	return NULL;
}

/* Printable text, no control characters, at most AUTH_DESC_MAX bytes. */
static bool auth_desc_valid(const char *d)
{
	size_t len = strnlen(d, AUTH_DESC_MAX + 1);

	if (len > AUTH_DESC_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)d[i] < 0x20 || d[i] == 0x7f)
			return false;
	return true;
}

/* A fresh secret and a public id no other token has; lock held. */
static int auth_token_make(struct auth *a, struct auth_token *t, char *token)
{
	uint8_t raw[AUTH_TOKEN_ID_BYTES];
	int rc;

	memcpy(token, AUTH_TOKEN_PREFIX, sizeof(AUTH_TOKEN_PREFIX) - 1);
	rc = auth_random_text(token + sizeof(AUTH_TOKEN_PREFIX) - 1,
			      AUTH_TOKEN_LEN - (sizeof(AUTH_TOKEN_PREFIX) - 1));
	if (rc == 0)
		rc = auth_sha256(token, strlen(token), t->digest);
	do {
		if (rc == 0)
			rc = auth_random(raw, sizeof(raw));
		if (rc == 0)
			auth_hex(raw, sizeof(raw), t->id);
	} while (rc == 0 && auth_token_find(a, t->id));
	return rc;
}

int auth_token_new(struct auth *a, const char *user, const char *description,
		   char *token, char *id, struct mgmtd_err *err)
{
	const char *desc = description ? description : "";
	char secret[AUTH_TOKEN_LEN];
	struct auth_token *t;
	int rc;

	if (!auth_desc_valid(desc))
		return mgmtd_err_add(err, MGMTD_E_INVALID,
				     "auth.tokens.description",
				     "at most %d characters, no control "
				     "characters", AUTH_DESC_MAX);
	pthread_mutex_lock(&a->lock);
	if (!auth_name_valid(user) || !auth_user_find(a, user)) {
		rc = mgmtd_err_add(err, MGMTD_E_NOT_FOUND, "auth.tokens.user",
				   "no such user");
		goto out;
	}
	if (a->n_tokens == AUTH_MAX_TOKENS) {
		rc = mgmtd_err_add(err, MGMTD_E_CONFLICT, "auth.tokens",
				   "at most %d tokens", AUTH_MAX_TOKENS);
		goto out;
	}
	t = &a->tokens[a->n_tokens];
	*t = (struct auth_token){ .created = core_realtime() };
	snprintf(t->user, sizeof(t->user), "%s", user);
	t->description = strdup(desc);
	rc = t->description ? auth_token_make(a, t, secret) : -ENOMEM;
	if (rc == 0) {
		a->n_tokens++;
		rc = auth_store_save(a);
		if (rc < 0)
			a->n_tokens--;
	}
	if (rc < 0) {
		free(t->description);
		rc = mgmtd_err_add(err, MGMTD_E_FAILED, "auth.tokens",
				   "cannot create the token: %s",
				   strerror(-rc));
		goto out;
	}
	memcpy(token, secret, AUTH_TOKEN_TEXT_LEN + 1);
	strcpy(id, t->id);
	log_info("auth", "token %s created for user %s", t->id, user);
out:
	pthread_mutex_unlock(&a->lock);
	explicit_bzero(secret, sizeof(secret));
	return rc;
}

int auth_token_revoke(struct auth *a, const char *id, struct mgmtd_err *err)
{
	struct auth_token *t;
	int rc = 0;

	pthread_mutex_lock(&a->lock);
	t = auth_token_find(a, id);
	if (!t) {
		rc = mgmtd_err_add(err, MGMTD_E_NOT_FOUND, "auth.tokens.id",
				   "no such token");
		goto out;
	}
	t->gone = true;
	rc = auth_store_save(a);
	if (rc < 0) {
		t->gone = false;
		rc = mgmtd_err_add(err, MGMTD_E_FAILED, "auth.tokens",
				   "cannot write the user database: %s",
				   strerror(-rc));
		goto out;
	}
	log_info("auth", "token %s revoked", t->id);
	auth_tokens_sweep(a);
out:
	pthread_mutex_unlock(&a->lock);
	return rc;
}

json_t *auth_token_list(struct auth *a)
{
	json_t *list = json_array(), *o;

	if (!list)
		return NULL;
	pthread_mutex_lock(&a->lock);
	for (size_t i = 0; i < a->n_tokens; i++) {
		const struct auth_token *t = &a->tokens[i];

		o = json_pack("{s:s, s:s, s:s, s:I, s:o}", "id", t->id, "user",
			      t->user, "description", t->description,
			      "created", (json_int_t)t->created, "last_used",
			      t->last_used ? json_integer(t->last_used)
					   : json_null());
		if (json_array_append_new(list, o) < 0) {
			json_decref(list);
			list = NULL;
			break;
		}
	}
	pthread_mutex_unlock(&a->lock);
	return list;
}

/* Note a use; auth.conf hears of it at most once a minute. */
static void auth_token_used(struct auth *a, struct auth_token *t)
{
	int64_t now = auth_now_ms();

	t->last_used = core_realtime();
	a->last_used_dirty = true;
	if (now - a->last_used_saved_ms < AUTH_LAST_USED_PERIOD_MS)
		return;
	a->last_used_saved_ms = now;
	auth_store_save(a); /* logs; the use itself is good */
}

static struct auth_token *auth_token_match(struct auth *a,
					   const uint8_t *digest)
{
	struct auth_token *found = NULL;

	/* Every entry is compared, so that timing does not tell where. */
	for (size_t i = 0; i < a->n_tokens; i++)
		if (auth_equal(a->tokens[i].digest, digest, AUTH_DIGEST_LEN))
			found = &a->tokens[i];
	return found;
}

int auth_bearer(struct auth *a, const char *token, const char *source,
		struct auth_identity *who)
{
	uint8_t digest[AUTH_DIGEST_LEN];
	struct auth_token *t = NULL;
	struct auth_user *u = NULL;
	char where[64];

	if (token && strlen(token) == AUTH_TOKEN_TEXT_LEN &&
	    strncmp(token, AUTH_TOKEN_PREFIX, sizeof(AUTH_TOKEN_PREFIX) - 1) == 0 &&
	    auth_sha256(token, AUTH_TOKEN_TEXT_LEN, digest) == 0) {
		pthread_mutex_lock(&a->lock);
		t = auth_token_match(a, digest);
		u = t ? auth_user_find(a, t->user) : NULL;
		if (u) {
			memset(who, 0, sizeof(*who));
			snprintf(who->user, sizeof(who->user), "%s", u->name);
			who->role = u->role;
			who->method = AUTH_BEARER;
			snprintf(who->token_id, sizeof(who->token_id), "%s",
				 t->id);
			auth_token_used(a, t);
		}
		pthread_mutex_unlock(&a->lock);
	}
	if (u)
		return 0;
	auth_printable(where, sizeof(where), source ? source : "unknown");
	core_event(a->core, MGMTD_SEV_WARNING, "mgmtd", "auth",
		   "failed token authentication from %s", where);
	return -EACCES;
}
