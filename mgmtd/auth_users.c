/* User management.  Each change is made in memory, written to auth.conf,
 * and undone if the write fails: a failed request changes nothing.
 * Passwords are hashed before the lock is taken. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_internal.h"
#include "core.h"
#include "log.h"

static int auth_check_name(const char *user, struct mgmtd_err *err)
{
	if (auth_name_valid(user))
		return 0;
	return mgmtd_err_add(err, MGMTD_E_INVALID, "auth.users.name",
			     "a user name is 1 to 32 characters: a lower-case "
			     "letter or '_', then lower-case letters, digits, "
			     "'_' or '-'");
}

static int auth_check_role(const char *user, enum auth_role role,
			   struct mgmtd_err *err)
{
	if (role >= AUTH_ROLE_MONITOR && role <= AUTH_ROLE_ADMIN)
		return 0;
	return mgmtd_err_add(err, MGMTD_E_INVALID, "auth.users.role",
			     "role of %s: admin, operator or monitor", user);
}

/* Hash a new password into hash (AUTH_HASH_MAX) after checking it. */
static int auth_new_hash(struct auth *a, const char *user,
			 const char *password, char *hash,
			 struct mgmtd_err *err)
{
	size_t len = password ? strnlen(password, AUTH_PASSWORD_MAX + 1) : 0;
	int rc;

	if (len < AUTH_PASSWORD_MIN || len > AUTH_PASSWORD_MAX)
		return mgmtd_err_add(err, MGMTD_E_INVALID, "auth.users.password",
				     "password of %s: %d to %d characters",
				     user, AUTH_PASSWORD_MIN,
				     AUTH_PASSWORD_MAX);
	rc = auth_hash_password(a->scheme, password, hash);
	if (rc < 0)
		return mgmtd_err_add(err, MGMTD_E_FAILED, "auth.users.password",
				     "cannot hash the password: %s",
				     strerror(-rc));
	return 0;
}

static int auth_save_failed(int rc, struct mgmtd_err *err)
{
	return mgmtd_err_add(err, MGMTD_E_FAILED, "auth",
			     "cannot write the user database: %s",
			     strerror(-rc));
}

static int auth_not_found(const char *user, struct mgmtd_err *err)
{
	return mgmtd_err_add(err, MGMTD_E_NOT_FOUND, "auth.users.name",
			     "no user %s", user);
}

static size_t auth_admins(const struct auth *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->n_users; i++)
		n += !a->users[i].gone && a->users[i].role == AUTH_ROLE_ADMIN;
	return n;
}

int auth_user_add(struct auth *a, const char *user, const char *password,
		  enum auth_role role, struct mgmtd_err *err)
{
	char hash[AUTH_HASH_MAX];
	struct auth_user *u;
	int rc;

	rc = auth_check_name(user, err);
	if (rc == 0)
		rc = auth_check_role(user, role, err);
	if (rc == 0)
		rc = auth_new_hash(a, user, password, hash, err);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&a->lock);
	if (auth_user_find(a, user)) {
		rc = mgmtd_err_add(err, MGMTD_E_CONFLICT, "auth.users.name",
				   "user %s exists already", user);
		goto out;
	}
	if (a->n_users == AUTH_MAX_USERS) {
		rc = mgmtd_err_add(err, MGMTD_E_CONFLICT, "auth.users",
				   "at most %d users", AUTH_MAX_USERS);
		goto out;
	}
	u = &a->users[a->n_users];
	*u = (struct auth_user){ .role = role, .created = core_realtime() };
	snprintf(u->name, sizeof(u->name), "%s", user);
	u->hash = strdup(hash);
	if (!u->hash) {
		rc = -ENOMEM;
		goto out;
	}
	a->n_users++;
	rc = auth_store_save(a);
	if (rc < 0) {
		a->n_users--;
		free(u->hash);
		rc = auth_save_failed(rc, err);
		goto out;
	}
	log_info("auth", "user %s added, role %s", user, auth_role_name(role));
out:
	pthread_mutex_unlock(&a->lock);
	return rc;
}

int auth_user_set_password(struct auth *a, const char *user,
			   const char *password, struct mgmtd_err *err)
{
	char hash[AUTH_HASH_MAX], *copy, *old;
	struct auth_user *u;
	int rc;

	rc = auth_check_name(user, err);
	if (rc == 0)
		rc = auth_new_hash(a, user, password, hash, err);
	if (rc < 0)
		return rc;
	copy = strdup(hash);
	if (!copy)
		return -ENOMEM;
	pthread_mutex_lock(&a->lock);
	u = auth_user_find(a, user);
	if (!u) {
		rc = auth_not_found(user, err);
		goto out;
	}
	old = u->hash;
	u->hash = copy;
	rc = auth_store_save(a);
	if (rc < 0) {
		u->hash = old;
		rc = auth_save_failed(rc, err);
		goto out;
	}
	copy = old;
	log_info("auth", "password of user %s changed", user);
out:
	pthread_mutex_unlock(&a->lock);
	free(copy);
	return rc;
}

int auth_user_set_role(struct auth *a, const char *user, enum auth_role role,
		       struct mgmtd_err *err)
{
	struct auth_user *u;
	enum auth_role old;
	int rc;

	rc = auth_check_name(user, err);
	if (rc == 0)
		rc = auth_check_role(user, role, err);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&a->lock);
	u = auth_user_find(a, user);
	if (!u) {
		rc = auth_not_found(user, err);
		goto out;
	}
	old = u->role;
	if (old == role)
		goto out;
	if (old == AUTH_ROLE_ADMIN && auth_admins(a) == 1) {
		rc = mgmtd_err_add(err, MGMTD_E_CONFLICT, "auth.users.role",
				   "%s is the last admin", user);
		goto out;
	}
	u->role = role;
	rc = auth_store_save(a);
	if (rc < 0) {
		u->role = old;
		rc = auth_save_failed(rc, err);
		goto out;
	}
	auth_sessions_set_role(a, user, role);
	log_info("auth", "user %s: role %s", user, auth_role_name(role));
out:
	pthread_mutex_unlock(&a->lock);
	return rc;
}

/* Mark or unmark user and its tokens as gone. */
static void auth_user_mark(struct auth *a, struct auth_user *u, bool gone)
{
	u->gone = gone;
	for (size_t i = 0; i < a->n_tokens; i++)
		if (strcmp(a->tokens[i].user, u->name) == 0)
			a->tokens[i].gone = gone;
}

int auth_user_delete(struct auth *a, const char *user, struct mgmtd_err *err)
{
	struct auth_user *u;
	int rc;

	rc = auth_check_name(user, err);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&a->lock);
	u = auth_user_find(a, user);
	if (!u) {
		rc = auth_not_found(user, err);
		goto out;
	}
	if (u->role == AUTH_ROLE_ADMIN && auth_admins(a) == 1) {
		rc = mgmtd_err_add(err, MGMTD_E_CONFLICT, "auth.users.name",
				   "%s is the last admin", user);
		goto out;
	}
	auth_user_mark(a, u, true);
	rc = auth_store_save(a);
	if (rc < 0) {
		auth_user_mark(a, u, false);
		rc = auth_save_failed(rc, err);
		goto out;
	}
	auth_sessions_drop_user(a, user);
	auth_tokens_sweep(a);
	free(u->hash);
	memmove(u, u + 1, (size_t)(a->users + a->n_users - (u + 1)) * sizeof(*u));
	a->n_users--;
	log_info("auth", "user %s deleted", user);
out:
	pthread_mutex_unlock(&a->lock);
	return rc;
}

json_t *auth_user_list(struct auth *a)
{
	json_t *list = json_array();

	if (!list)
		return NULL;
	pthread_mutex_lock(&a->lock);
	for (size_t i = 0; i < a->n_users; i++) {
		const struct auth_user *u = &a->users[i];

		if (json_array_append_new(
			    list, json_pack("{s:s, s:s, s:I}", "name", u->name,
					    "role", auth_role_name(u->role),
					    "created", (json_int_t)u->created)) <
		    0) {
			json_decref(list);
			list = NULL;
			break;
		}
	}
	pthread_mutex_unlock(&a->lock);
	return list;
}
