/* Who is asking (HTTP Basic, a bearer token or a session cookie, checked
 * by auth.c) and what role a request needs. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <civetweb.h>
#include <openssl/evp.h>

#include "rest_internal.h"

#define CRED_MAX 1024

enum auth_role rest_required_role(const struct rest_route *rt,
				  unsigned method)
{
	bool write = !(method & (REST_GET | REST_HEAD | REST_OPTIONS));

	switch (rt->kind) {
	case RT_USERS:
	case RT_TOKENS:
	case RT_TOKEN:
	case RT_BACKUP:  /* holds password hashes */
	case RT_RESTORE:
	case RT_LOG_EXPORT: /* every log, whole: a support case's */
		return AUTH_ROLE_ADMIN;
	case RT_LOGS:
	case RT_LOG:
	case RT_LOG_FOLLOW:
		/* The system log names users, addresses, failed logins:
		 * more than a monitor sees elsewhere. */
		return AUTH_ROLE_OPERATOR;
	case RT_USER:
		/* PATCH: a user may change their own password; the handler
		 * checks the rest. */
		return method == REST_PATCH ? AUTH_ROLE_MONITOR
					    : AUTH_ROLE_ADMIN;
	case RT_SESSION:
	case RT_METRICS: /* read only: any role sees the graphs */
	case RT_METRICS_GRAPH:
	case RT_METRIC:
		return AUTH_ROLE_MONITOR;
	case RT_ACTION:
		return rt->act && (rt->act->flags & MGMTD_ACT_ADMIN)
			       ? AUTH_ROLE_ADMIN
			       : AUTH_ROLE_OPERATOR;
	default:
		return write ? AUTH_ROLE_OPERATOR : AUTH_ROLE_MONITOR;
	}
}

/* Decode "user:password" from Basic credentials into buf; returns the
 * password (in buf) or NULL. */
static char *basic_decode(const char *b64, char *buf, size_t len)
{
	size_t in = strlen(b64);
	int n;
	char *colon;

	if (in == 0 || in % 4 || (in / 4) * 3 >= len)
		return NULL;
	n = EVP_DecodeBlock((unsigned char *)buf, (const unsigned char *)b64,
			    (int)in);
	if (n < 0)
		return NULL;
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if (in >= 1 && b64[in - 1] == '=')
		n--;
	if (in >= 2 && b64[in - 2] == '=')
		n--;
	buf[n] = '\0';
	if ((int)strlen(buf) != n || !(colon = strchr(buf, ':')))
		return NULL;
	*colon = '\0';
	return colon + 1;
}

static int unauthorized(struct rest_req *rq, const char *why)
{
	rest_fail(rq, 401, "%s", why);
	return -EACCES;
}

static int from_header(struct rest_req *rq, const char *h)
{
	struct auth *a = rq->rest->auth;
	char buf[CRED_MAX], *pw;
	int rc;

	while (*h == ' ')
		h++;
	if (strncasecmp(h, "Basic ", 6) == 0) {
		if (!(pw = basic_decode(h + 6, buf, sizeof(buf))))
			return unauthorized(rq, "malformed Basic credentials");
		rc = auth_login(a, buf, pw, rq->source, &rq->who);
		OPENSSL_cleanse(buf, sizeof(buf));
		return rc < 0 ? unauthorized(rq, "wrong user name or password")
			      : 0;
	}
	if (strncasecmp(h, "Bearer ", 7) == 0) {
		h += 7;
		while (*h == ' ')
			h++;
		return auth_bearer(a, h, rq->source, &rq->who) < 0
			       ? unauthorized(rq, "unknown or revoked token")
			       : 0;
	}
	return unauthorized(rq, "unsupported authorization scheme (use Basic "
				"or Bearer)");
}

int rest_authenticate(struct rest_req *rq)
{
	const char *h = rest_header(rq, "Authorization");
	const char *cookies = rest_header(rq, "Cookie");
	char id[AUTH_SESSION_LEN];
	bool write = !(rq->method & (REST_GET | REST_HEAD | REST_OPTIONS));
	int rc;

	if (h)
		return from_header(rq, h);
	if (!cookies || mg_get_cookie(cookies, REST_SESSION_COOKIE, id,
				      sizeof(id)) <= 0)
		return unauthorized(rq, "authentication required (Basic, "
					"Bearer or a session)");
	rc = auth_session_check(rq->rest->auth, id,
				rest_header(rq, REST_CSRF_HEADER), write,
				&rq->who);
	if (rc == -EPERM) {
		rest_fail(rq, 403, "writes with a session need the %s header "
			  "from the login", REST_CSRF_HEADER);
		return rc;
	}
	return rc < 0 ? unauthorized(rq, "the session expired or ended") : 0;
}
