/* Routing: what an API path names, derived from the schema. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "action.h"
#include "rest_internal.h"

#define MAX_SEGMENTS 8

static const struct {
	const char *name;
	unsigned bit;
} methods[] = {
	{ "GET", REST_GET },	{ "HEAD", REST_HEAD },
	{ "POST", REST_POST },	{ "PUT", REST_PUT },
	{ "PATCH", REST_PATCH }, { "DELETE", REST_DELETE },
	{ "OPTIONS", REST_OPTIONS },
};

#define N_METHODS (sizeof(methods) / sizeof(methods[0]))
#define READ (REST_GET | REST_HEAD)

unsigned rest_method_parse(const char *name)
{
	for (size_t i = 0; name && i < N_METHODS; i++)
		if (strcmp(methods[i].name, name) == 0)
			return methods[i].bit;
	return 0;
}

void rest_methods_text(unsigned set, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < N_METHODS && used < len; i++)
		if (set & methods[i].bit)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? ", " : "",
						 methods[i].name);
}

/* Split path into at most MAX_SEGMENTS segments of buf; empty segments
 * (a trailing or doubled slash) are skipped.  -1 if there are too many or
 * one is too long. */
static int split(const char *path, char seg[][REST_KEY_MAX])
{
	int n = 0;

	while (*path) {
		size_t len;
		while (*path == '/')
			path++;
		len = strcspn(path, "/");
		if (len == 0)
			break;
		if (n == MAX_SEGMENTS || len >= REST_KEY_MAX)
			return -1;
		memcpy(seg[n], path, len);
		seg[n++][len] = '\0';
		path += len;
	}
	return n;
}

static void set(struct rest_route *rt, enum rest_route_kind kind,
		unsigned allowed)
{
	rt->kind = kind;
	rt->methods = allowed | REST_OPTIONS;
}

static void copy_arg(struct rest_route *rt, const char *text)
{
	snprintf(rt->arg, sizeof(rt->arg), "%s", text);
}

/* /logs, /logs/export, /logs/<name>, /logs/<name>/follow. */
static bool route_logs(char seg[][REST_KEY_MAX], int n,
		       struct rest_route *rt)
{
	if (n == 1)
		set(rt, RT_LOGS, READ);
	else if (n == 2 && !strcmp(seg[1], "export"))
		set(rt, RT_LOG_EXPORT, REST_GET);
	else if (n == 2)
		set(rt, RT_LOG, READ);
	else if (n == 3 && !strcmp(seg[2], "follow"))
		set(rt, RT_LOG_FOLLOW, REST_GET);
	else
		return false;
	if (n >= 2)
		copy_arg(rt, seg[1]);
	return true;
}

/* Everything under /api/v1 that is not a plugin. */
static bool route_fixed(char seg[][REST_KEY_MAX], int n,
			struct rest_route *rt)
{
	const char *a = seg[0], *b = n > 1 ? seg[1] : NULL;

	if (n == 1 && !strcmp(a, "schema"))
		set(rt, RT_SCHEMA, READ);
	else if (n == 1 && !strcmp(a, "openapi.json"))
		set(rt, RT_OPENAPI, READ);
	else if (n == 1 && !strcmp(a, "session"))
		set(rt, RT_SESSION, READ | REST_POST | REST_DELETE);
	else if (n == 2 && !strcmp(a, "auth") && !strcmp(b, "users"))
		set(rt, RT_USERS, READ | REST_POST);
	else if (n == 3 && !strcmp(a, "auth") && !strcmp(b, "users"))
		set(rt, RT_USER, READ | REST_PATCH | REST_DELETE);
	else if (n == 2 && !strcmp(a, "auth") && !strcmp(b, "tokens"))
		set(rt, RT_TOKENS, READ | REST_POST);
	else if (n == 3 && !strcmp(a, "auth") && !strcmp(b, "tokens"))
		set(rt, RT_TOKEN, REST_DELETE);
	else if (n == 1 && !strcmp(a, "config"))
		set(rt, RT_CONFIG, READ | REST_PUT);
	else if (n == 2 && !strcmp(a, "config") && !strcmp(b, "versions"))
		set(rt, RT_VERSIONS, READ);
	else if (n == 3 && !strcmp(a, "config") && !strcmp(b, "versions"))
		set(rt, RT_VERSION, READ);
	else if (n == 2 && !strcmp(a, "config") && !strcmp(b, "diff"))
		set(rt, RT_DIFF, READ);
	else if (n == 2 && !strcmp(a, "config") && !strcmp(b, "rollback"))
		set(rt, RT_ROLLBACK, REST_POST);
	else if (n == 2 && !strcmp(a, "config") && !strcmp(b, "confirm"))
		set(rt, RT_CONFIRM, READ | REST_POST);
	else if (n == 2 && !strcmp(a, "config") && !strcmp(b, "backup"))
		set(rt, RT_BACKUP, READ);
	else if (n == 2 && !strcmp(a, "config") && !strcmp(b, "restore"))
		set(rt, RT_RESTORE, REST_POST);
	else if (n == 1 && !strcmp(a, "events"))
		set(rt, RT_EVENTS, READ);
	else if (n == 2 && !strcmp(a, "events") && !strcmp(b, "stream"))
		set(rt, RT_STREAM, REST_GET);
	else if (n == 1 && !strcmp(a, "commands"))
		set(rt, RT_COMMANDS, READ);
	else if (!strcmp(a, "logs"))
		return route_logs(seg, n, rt);
	else
		return false;
	if (n == 3)
		copy_arg(rt, seg[2]);
	return true;
}

/* Methods a class or object allows: state-only classes are read-only. */
static unsigned class_methods(const struct schema_class *sc)
{
	if (!sc->has_config)
		return READ;
	if (sc->cls->kind == MGMTD_SINGLETON)
		return READ | REST_PUT | REST_PATCH;
	return READ | REST_POST;
}

static unsigned object_methods(const struct schema_class *sc)
{
	return sc->has_config ? READ | REST_PUT | REST_PATCH | REST_DELETE
			      : READ;
}

static void route_action(struct rest_route *rt, const char *name,
			 const char *key)
{
	rt->act = action_find(rt->sc, name);
	if (!rt->act)
		return;
	set(rt, RT_ACTION, REST_POST);
	copy_arg(rt, name);
	if (key) {
		rt->has_key = true;
		snprintf(rt->key, sizeof(rt->key), "%s", key);
	}
}

static void route_plugin(const struct schema *s, char seg[][REST_KEY_MAX],
			 int n, unsigned method, struct rest_route *rt)
{
	const struct schema_plugin *sp = schema_plugin_find(s, seg[0]);
	const struct schema_class *sc = sp ? schema_class_find(sp, seg[1])
					   : NULL;
	bool coll;

	if (!sc || n > 4)
		return;
	rt->sp = sp;
	rt->sc = sc;
	coll = sc->cls->kind == MGMTD_COLLECTION;
	if (n == 2) {
		set(rt, RT_CLASS, class_methods(sc));
	} else if (n == 3 && (!coll || method == REST_POST)) {
		/* /<plugin>/<class>/<action>: a singleton's action, or a
		 * collection's class-wide one. */
		route_action(rt, seg[2], NULL);
	} else if (n == 3) {
		set(rt, RT_OBJECT, object_methods(sc));
		rt->has_key = true;
		snprintf(rt->key, sizeof(rt->key), "%s", seg[2]);
	} else if (n == 4 && coll) {
		route_action(rt, seg[3], seg[2]);
	}
	if (rt->kind == RT_NONE && n == 3 && coll && method == REST_POST) {
		/* POST to an object that has no such action: the object
		 * exists as a resource, the method does not. */
		set(rt, RT_OBJECT, object_methods(sc));
		rt->has_key = true;
		snprintf(rt->key, sizeof(rt->key), "%s", seg[2]);
	}
}

/* /metrics...: a series' key may hold slashes (a mount point), so the
 * handler takes the path apart itself (rest_metrics.c). */
static bool route_metrics(const char *p, struct rest_route *rt)
{
	if (strncmp(p, "/metrics", 8) != 0 || (p[8] && p[8] != '/'))
		return false;
	p += 8;
	while (*p == '/')
		p++;
	if (!*p)
		set(rt, RT_METRICS, READ);
	else if (!strcmp(p, "graph.png") || !strcmp(p, "graph.png/"))
		set(rt, RT_METRICS_GRAPH, READ);
	else
		set(rt, RT_METRIC, READ);
	return true;
}

void rest_route_parse(const struct schema *s, const char *path,
		      unsigned method, struct rest_route *rt)
{
	char seg[MAX_SEGMENTS][REST_KEY_MAX];
	size_t plen = strlen(REST_PREFIX);
	int n;

	*rt = (struct rest_route){ .kind = RT_NONE };
	if (strncmp(path, REST_PREFIX, plen) != 0 ||
	    (path[plen] != '\0' && path[plen] != '/'))
		return;
	if (route_metrics(path + plen, rt))
		return;
	if ((n = split(path + plen, seg)) < 0)
		return;
	if (n == 0)
		set(rt, RT_INDEX, READ);
	else if (!route_fixed(seg, n, rt) && n >= 2)
		route_plugin(s, seg, n, method, rt);
}
