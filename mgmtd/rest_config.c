/* The "rest" and "auth" groups of the daemon config:
 *
 *   rest = {
 *     http = [ "127.0.0.1:8080" ];    # plain HTTP: loopback only unless
 *     allow_remote_http = false;      #   this says otherwise
 *     https = [ "0.0.0.0:8443" ];
 *     certificate = "/etc/mgmtd/tls.pem"; # key and certificate, PEM;
 *                                     #   default: generated self-signed
 *     document_root = "/usr/share/mgmtd/www"; # static files (the UI);
 *                                     #   default: make install's
 *     threads = 64; max_body = 1048576; max_streams = 8;
 *   };
 *   auth = { session_ttl = 1800; };
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon_config.h"
#include "rest_internal.h"

static const char *const known[] = {
	"http", "https", "allow_remote_http", "certificate", "document_root",
	"threads", "max_body", "max_streams", NULL,
};

static int bad(char *msg, size_t len, const config_setting_t *st,
	       const char *what)
{
	snprintf(msg, len, "line %u: rest.%s: %s",
		 st ? config_setting_source_line(st) : 0,
		 st && config_setting_name(st) ? config_setting_name(st) : "",
		 what);
	return -EINVAL;
}

/* "addr:port" with a port in 0..65535 (0: any free port). */
static bool valid_listen(const char *s)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	if (!colon || colon == s)
		return false;
	port = strtol(colon + 1, &end, 10);
	return colon[1] && !*end && port >= 0 && port <= 65535;
}

static int get_list(const config_setting_t *g, const char *name,
		    char **out, char *msg, size_t len)
{
	config_setting_t *st = config_setting_get_member(g, name);
	int n;

	if (!st)
		return 0;
	if (!config_setting_is_array(st) && !config_setting_is_list(st))
		return bad(msg, len, st, "must be a list of \"address:port\"");
	n = config_setting_length(st);
	if (n > REST_MAX_LISTEN)
		return bad(msg, len, st, "too many addresses");
	for (int i = 0; i < n; i++) {
		const char *v = config_setting_get_string_elem(st, i);
		if (!v || !valid_listen(v))
			return bad(msg, len, st,
				   "each must be \"address:port\" (IPv6: "
				   "\"[::1]:8080\")");
		if (!(out[i] = strdup(v)))
			return -ENOMEM;
	}
	return 0;
}

static int get_str(const config_setting_t *g, const char *name, char **out,
		   char *msg, size_t len)
{
	config_setting_t *st = config_setting_get_member(g, name);
	const char *v;

	if (!st)
		return 0;
	if (!(v = config_setting_get_string(st)) || v[0] != '/')
		return bad(msg, len, st, "must be an absolute path");
	return (*out = strdup(v)) ? 0 : -ENOMEM;
}

static int get_uint(const config_setting_t *g, const char *name,
		    unsigned min, unsigned max, unsigned *out, char *msg,
		    size_t len)
{
	config_setting_t *st = config_setting_get_member(g, name);
	long long v;

	if (!st)
		return 0;
	if (config_setting_type(st) != CONFIG_TYPE_INT &&
	    config_setting_type(st) != CONFIG_TYPE_INT64)
		return bad(msg, len, st, "must be an integer");
	v = config_setting_get_int64(st);
	if (v < min || v > max) {
		char what[64];
		snprintf(what, sizeof(what), "must be between %u and %u", min,
			 max);
		return bad(msg, len, st, what);
	}
	*out = (unsigned)v;
	return 0;
}

static int check_known(const config_setting_t *g, char *msg, size_t len)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		config_setting_t *st = config_setting_get_elem(g, (unsigned)i);
		const char *const *k = known;
		while (*k && strcmp(*k, config_setting_name(st)) != 0)
			k++;
		if (!*k)
			return bad(msg, len, st, "unknown setting");
	}
	return 0;
}

bool rest_addr_is_loopback(const char *listen)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	size_t n = colon ? (size_t)(colon - listen) : 0;
	struct in_addr a4;
	struct in6_addr a6;

	if (n >= 2 && listen[0] == '[' && listen[n - 1] == ']') {
		listen++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(host))
		return false;
	memcpy(host, listen, n);
	host[n] = '\0';
	if (strcmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, host, &a6) == 1 &&
	       IN6_IS_ADDR_LOOPBACK(&a6);
}

int rest_settings_load(const struct daemon_config *dc, bool *present,
		       struct rest_settings *s, char *msg, size_t len)
{
	const config_setting_t *g = daemon_config_group(dc, "rest");
	const config_setting_t *auth = daemon_config_group(dc, "auth");
	int rc, v;

	*s = (struct rest_settings){
		.threads = 64, .max_body = 1u << 20, .max_streams = 8,
		.session_ttl = 1800,
	};
	*present = g != NULL;
	if (!g)
		return 0;
	if (!config_setting_is_group(g))
		return bad(msg, len, g, "must be a group");
	if ((rc = check_known(g, msg, len)) < 0 ||
	    (rc = get_list(g, "http", s->http, msg, len)) < 0 ||
	    (rc = get_list(g, "https", s->https, msg, len)) < 0 ||
	    (rc = get_str(g, "certificate", &s->certificate, msg, len)) < 0 ||
	    (rc = get_str(g, "document_root", &s->document_root, msg, len)) < 0 ||
	    (rc = get_uint(g, "threads", 4, 1024, &s->threads, msg, len)) < 0 ||
	    (rc = get_uint(g, "max_body", 1024, 1u << 30, &s->max_body, msg,
			   len)) < 0 ||
	    (rc = get_uint(g, "max_streams", 0, 1000, &s->max_streams, msg,
			   len)) < 0)
		goto fail;
	if (auth && config_setting_is_group(auth) &&
	    config_setting_lookup_int(auth, "session_ttl", &v) == CONFIG_TRUE)
		s->session_ttl = v > 0 ? (unsigned)v : 0;
	if (config_setting_lookup_bool(g, "allow_remote_http", &v) == CONFIG_TRUE)
		s->allow_remote_http = v;
	for (char **a = s->http; *a && !s->allow_remote_http; a++)
		if (!rest_addr_is_loopback(*a)) {
			snprintf(msg, len,
				 "rest.http: %s is not a loopback address: plain "
				 "HTTP would carry passwords in clear (use https, "
				 "or set allow_remote_http = true)", *a);
			rc = -EINVAL;
			goto fail;
		}
	if (!s->http[0] && !s->https[0]) {
		snprintf(msg, len, "rest: neither http nor https lists an address");
		rc = -EINVAL;
		goto fail;
	}
	if (s->max_streams >= s->threads / 2)
		s->max_streams = s->threads / 2;
#ifdef WWWDIR
	/* The UI that make install put next to the daemon. */
	if (!s->document_root && access(WWWDIR "/index.html", R_OK) == 0 &&
	    !(s->document_root = strdup(WWWDIR))) {
		rc = -ENOMEM;
		goto fail;
	}
#endif
	return 0;
fail:
	rest_settings_fini(s);
	return rc;
}

void rest_settings_fini(struct rest_settings *s)
{
	for (size_t i = 0; i < REST_MAX_LISTEN; i++) {
		free(s->http[i]);
		free(s->https[i]);
	}
	free(s->certificate);
	free(s->document_root);
	memset(s, 0, sizeof(*s));
}

int rest_listen_spec(const struct rest_settings *s, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int tls = 0; tls < 2; tls++)
		for (char *const *a = tls ? s->https : s->http; *a; a++) {
			int n = snprintf(buf + used, len - used, "%s%s%s",
					 used ? "," : "", *a, tls ? "s" : "");
			if (n < 0 || (size_t)n >= len - used)
				return -ENAMETOOLONG;
			used += (size_t)n;
		}
	return 0;
}
