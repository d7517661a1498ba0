/* Sessions, users and API tokens: the security part of the API, kept out
 * of the versioned configuration (auth.c stores it). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <civetweb.h>
#include <openssl/crypto.h>

#include "rest_internal.h"

static const char *method_name(enum auth_method m)
{
	return m == AUTH_BASIC ? "basic" : m == AUTH_BEARER ? "bearer"
							      : "session";
}

static const char *body_str(struct rest_req *rq, const char *name)
{
	return json_string_value(json_object_get(rq->body, name));
}

/* Answer a refusal of auth.c, or ok with body (stolen). */
static void answer(struct rest_req *rq, int rc, const struct mgmtd_err *err,
		   int ok_status, json_t *body)
{
	if (rc < 0) {
		json_decref(body);
		rest_send_problem(rq, rest_problem_err(0, err));
		return;
	}
	rest_audit(rq, "ok", 0);
	rest_send_json(rq, ok_status, body, NULL);
}

static void session_login(struct rest_req *rq)
{
	const char *user = body_str(rq, "user");
	const char *pw = body_str(rq, "password");
	struct auth_identity who;
	char id[AUTH_SESSION_LEN], csrf[AUTH_SESSION_LEN], cookie[256];

	if (!user || !pw) {
		rest_fail(rq, 400, "user and password are required");
		return;
	}
	if (auth_login(rq->rest->auth, user, pw, rq->source, &who) < 0) {
		rest_fail(rq, 401, "wrong user name or password");
		return;
	}
	if (auth_session_new(rq->rest->auth, &who, id, csrf) < 0) {
		rest_fail(rq, 500, "cannot create a session");
		return;
	}
	snprintf(cookie, sizeof(cookie),
		 "Set-Cookie: %s=%s; Path=/; HttpOnly; SameSite=Strict%s\r\n",
		 REST_SESSION_COOKIE, id, rq->ri->is_ssl ? "; Secure" : "");
	rest_send_json(rq, 201,
		       json_pack("{s:s, s:s, s:s, s:s}", "user", who.user,
				 "role", auth_role_name(who.role), "method",
				 "session", "csrf_token", csrf),
		       cookie);
	OPENSSL_cleanse(id, sizeof(id));
}

void rest_h_session(struct rest_req *rq)
{
	const char *cookies = rest_header(rq, "Cookie");
	char id[AUTH_SESSION_LEN], cookie[256];

	if (rq->method == REST_POST) {
		session_login(rq);
		return;
	}
	if (rq->method == REST_DELETE) {
		if (cookies && mg_get_cookie(cookies, REST_SESSION_COOKIE, id,
					     sizeof(id)) > 0)
			auth_session_end(rq->rest->auth, id);
		snprintf(cookie, sizeof(cookie),
			 "Set-Cookie: %s=; Path=/; Max-Age=0; HttpOnly; "
			 "SameSite=Strict%s\r\n",
			 REST_SESSION_COOKIE, rq->ri->is_ssl ? "; Secure" : "");
		rest_send_json(rq, 204, NULL, cookie);
		return;
	}
	rest_send_json(rq, 200,
		       json_pack("{s:s, s:s, s:s}", "user", rq->who.user,
				 "role", auth_role_name(rq->who.role), "method",
				 method_name(rq->who.method)),
		       NULL);
}

static json_t *listing(json_t *list)
{
	return json_pack("{s:o, s:I}", "items", list, "total",
			 (json_int_t)json_array_size(list));
}

void rest_h_users(struct rest_req *rq)
{
	struct mgmtd_err err = { 0 };
	const char *name = body_str(rq, "name"), *pw = body_str(rq, "password");
	const char *role_name = body_str(rq, "role");
	enum auth_role role = AUTH_ROLE_MONITOR;
	int rc;

	if (rq->method != REST_POST) {
		rest_send_json(rq, 200, listing(auth_user_list(rq->rest->auth)),
			       NULL);
		return;
	}
	if (!name || !pw) {
		rest_fail(rq, 400, "name and password are required");
		return;
	}
	if (role_name && auth_role_parse(role_name, &role) < 0) {
		rest_fail(rq, 400, "role must be admin, operator or monitor");
		return;
	}
	rc = auth_user_add(rq->rest->auth, name, pw, role, &err);
	answer(rq, rc, &err, 201,
	       json_pack("{s:s, s:s}", "name", name, "role",
			 auth_role_name(role)));
}

static void user_change(struct rest_req *rq, const char *name)
{
	struct mgmtd_err err = { 0 };
	const char *pw = body_str(rq, "password");
	const char *role_name = body_str(rq, "role");
	bool self = strcmp(name, rq->who.user) == 0;
	enum auth_role role;
	int rc = 0;

	if (rq->who.role != AUTH_ROLE_ADMIN && (!self || role_name)) {
		rest_fail(rq, 403, "only an admin manages users (others may "
			  "change their own password)");
		return;
	}
	if (!pw && !role_name) {
		rest_fail(rq, 400, "password or role is required");
		return;
	}
	if (role_name && auth_role_parse(role_name, &role) < 0) {
		rest_fail(rq, 400, "role must be admin, operator or monitor");
		return;
	}
	if (pw)
		rc = auth_user_set_password(rq->rest->auth, name, pw, &err);
	if (rc == 0 && role_name)
		rc = auth_user_set_role(rq->rest->auth, name, role, &err);
	answer(rq, rc, &err, 200, json_pack("{s:s}", "name", name));
}

void rest_h_user(struct rest_req *rq)
{
	const char *name = rq->route.arg;
	struct mgmtd_err err = { 0 };
	json_t *list, *u;
	size_t i;

	if (rq->method == REST_PATCH) {
		user_change(rq, name);
		return;
	}
	if (rq->method == REST_DELETE) {
		int rc = auth_user_delete(rq->rest->auth, name, &err);
		if (rc < 0) {
			rest_send_problem(rq, rest_problem_err(0, &err));
			return;
		}
		rest_audit(rq, "ok", 0);
		rest_send_json(rq, 204, NULL, NULL);
		return;
	}
	list = auth_user_list(rq->rest->auth);
	json_array_foreach(list, i, u) {
		if (strcmp(json_string_value(json_object_get(u, "name")) ?: "",
			   name) == 0) {
			rest_send_json(rq, 200, json_incref(u), NULL);
			json_decref(list);
			return;
		}
	}
	json_decref(list);
	rest_fail(rq, 404, "no user named %s", name);
}

void rest_h_tokens(struct rest_req *rq)
{
	struct mgmtd_err err = { 0 };
	const char *user = body_str(rq, "user");
	const char *desc = body_str(rq, "description");
	char token[AUTH_TOKEN_LEN], id[AUTH_TOKEN_LEN];
	int rc;

	if (rq->method != REST_POST) {
		rest_send_json(rq, 200, listing(auth_token_list(rq->rest->auth)),
			       NULL);
		return;
	}
	if (!user)
		user = rq->who.user;
	rc = auth_token_new(rq->rest->auth, user, desc ? desc : "", token, id,
			    &err);
	answer(rq, rc, &err, 201,
	       rc < 0 ? NULL
		      : json_pack("{s:s, s:s, s:s}", "id", id, "user", user,
				  "token", token));
	OPENSSL_cleanse(token, sizeof(token));
}

void rest_h_token(struct rest_req *rq)
{
	struct mgmtd_err err = { 0 };
	int rc = auth_token_revoke(rq->rest->auth, rq->route.arg, &err);

	if (rc < 0) {
		rest_send_problem(rq, rest_problem_err(0, &err));
		return;
	}
	rest_audit(rq, "ok", 0);
	rest_send_json(rq, 204, NULL, NULL);
}
