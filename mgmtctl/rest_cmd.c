/* mgmtctl's REST mode: each command is one or two requests to the API;
 * answers are printed as tables and "name  value" lines, or as JSON with
 * --json. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mgmtctl.h"

#define API "/api/v1"

struct cmd_ctx {
	const struct options *o;
	struct http *h;
};

/* Answer r: a problem (exit 1) or ok, printed by show (NULL: as JSON). */
static int finish(struct cmd_ctx *c, struct http_resp *r,
		  void (*show)(struct cmd_ctx *c, struct http_resp *r))
{
	int rc = EXIT_DONE;

	if (r->status >= 400) {
		if (c->o->json && r->body) {
			json_dumpf(r->body, stdout, JSON_INDENT(2));
			putchar('\n');
		}
		print_problem(r->status, r->body);
		rc = EXIT_REFUSED;
	} else if (c->o->json || !show) {
		if (r->body) {
			json_dumpf(r->body, stdout, JSON_INDENT(2));
			putchar('\n');
		}
	} else {
		show(c, r);
	}
	http_resp_fini(r);
	return rc;
}

static int call(struct cmd_ctx *c, const char *method, const char *path,
		json_t *body, const char *ctype,
		void (*show)(struct cmd_ctx *c, struct http_resp *r))
{
	struct http_resp r;

	if (http_call(c->h, method, path, body, ctype, &r) < 0)
		return EXIT_USAGE;
	return finish(c, &r, show);
}

/* "dns/hosts/db1" or "dns hosts db1" (max_segments words) into an API
 * path with each segment escaped.  Returns the words used, 0 if none. */
static int target(struct cmd_ctx *c, int argc, char **argv, int max_words,
		  char *out, size_t len)
{
	size_t used = (size_t)snprintf(out, len, "%s", API);
	int words = 0;
	char *copy, *save = NULL;

	if (argc < 1)
		return 0;
	if (strchr(argv[0], '/')) {
		copy = strdup(argv[0]);
		for (char *s = strtok_r(copy, "/", &save); s && used < len;
		     s = strtok_r(NULL, "/", &save)) {
			char *e = http_escape(c->h, s);
			used += (size_t)snprintf(out + used, len - used, "/%s", e);
			free(e);
		}
		free(copy);
		return 1;
	}
	/* Words: plugin, class, then a key unless it is a body. */
	for (words = 0; words < argc && words < max_words; words++) {
		const char *w = argv[words];
		char *e;
		if (words >= 2 && (w[0] == '{' || w[0] == '[' || strchr(w, '=')))
			break;
		e = http_escape(c->h, w);
		used += (size_t)snprintf(out + used, len - used, "/%s", e);
		free(e);
	}
	return words >= 2 ? words : 0;
}

/* Query of a write: ?confirm_timeout=&summary= */
static void write_query(struct cmd_ctx *c, char *path, size_t len)
{
	size_t used = strlen(path);
	char sep = strchr(path, '?') ? '&' : '?';

	if (c->o->confirm_timeout > 0) {
		used += (size_t)snprintf(path + used, len - used,
					 "%cconfirm_timeout=%ld", sep,
					 c->o->confirm_timeout);
		sep = '&';
	}
	if (c->o->summary) {
		char *e = http_escape(c->h, c->o->summary);
		snprintf(path + used, len - used, "%csummary=%s", sep, e);
		free(e);
	}
}

/* A=V arguments (V: JSON if it parses, else text; empty: null) or one
 * JSON object. */
static json_t *body_of(int argc, char **argv)
{
	json_t *obj;

	if (argc == 1 && argv[0][0] == '{') {
		json_error_t e;
		if (!(obj = json_loads(argv[0], 0, &e)))
			fprintf(stderr, "mgmtctl: the object is not JSON: %s\n",
				e.text);
		return obj;
	}
	obj = json_object();
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '='), *name;
		json_t *v;
		if (!eq || eq == argv[i]) {
			fprintf(stderr, "mgmtctl: expected ATTRIBUTE=VALUE: %s\n",
				argv[i]);
			json_decref(obj);
			return NULL;
		}
		name = strndup(argv[i], (size_t)(eq - argv[i]));
		if (!eq[1])
			v = json_null();
		else if (!(v = json_loads(eq + 1, JSON_DECODE_ANY, NULL)))
			v = json_string(eq + 1);
		json_object_set_new(obj, name, v);
		free(name);
	}
	return obj;
}

static void show_any(struct cmd_ctx *c, struct http_resp *r)
{
	json_t *items = json_object_get(r->body, "items");
	json_t *total = json_object_get(r->body, "total");

	if (json_is_array(items)) {
		if (json_array_size(items))
			print_table(items);
		if (json_is_integer(total) &&
		    (size_t)json_integer_value(total) != json_array_size(items))
			printf("(%zu of %lld shown)\n", json_array_size(items),
			       (long long)json_integer_value(total));
		else if (!json_array_size(items))
			printf("(none)\n");
	} else if (json_is_object(r->body)) {
		print_object(r->body);
	}
}

static void show_written(struct cmd_ctx *c, struct http_resp *r)
{
	if (json_is_object(r->body) && json_object_size(r->body))
		print_object(r->body);
	if (r->etag)
		printf("(version %u)\n", r->etag);
}

static void show_json(struct cmd_ctx *c, struct http_resp *r)
{
	json_dumpf(r->body, stdout, JSON_INDENT(2));
	putchar('\n');
}

static void show_diff(struct cmd_ctx *c, struct http_resp *r)
{
	print_diff(json_object_get(r->body, "changes"));
}

static void show_committed(struct cmd_ctx *c, struct http_resp *r)
{
	print_diff(json_object_get(r->body, "changes"));
	printf("(version %lld)\n", (long long)json_integer_value(
					   json_object_get(r->body, "version")));
}

static int cmd_get(struct cmd_ctx *c, int argc, char **argv)
{
	char path[4096];

	if (argc == 0)
		return call(c, "GET", API "/config", NULL, NULL, show_json);
	if (!target(c, argc, argv, 3, path, sizeof(path)) && !strchr(argv[0], '/'))
		return EXIT_USAGE;
	return call(c, "GET", path, NULL, NULL, show_any);
}

/* put/patch/set/create/delete */
static int cmd_write(struct cmd_ctx *c, const char *cmd, int argc,
		     char **argv)
{
	char path[4096];
	const char *method = "PATCH", *ctype = "application/merge-patch+json";
	int used = target(c, argc, argv, !strcmp(cmd, "create") ? 2 : 3, path,
			  sizeof(path));
	json_t *body = NULL;
	int rc;

	if (!used)
		return EXIT_USAGE;
	if (!strcmp(cmd, "delete")) {
		if (argc != used)
			return EXIT_USAGE;
		write_query(c, path, sizeof(path));
		return call(c, "DELETE", path, NULL, NULL, show_written);
	}
	if (argc == used || !(body = body_of(argc - used, argv + used)))
		return EXIT_USAGE;
	if (!strcmp(cmd, "put"))
		method = "PUT", ctype = NULL;
	else if (!strcmp(cmd, "create"))
		method = "POST", ctype = NULL;
	write_query(c, path, sizeof(path));
	rc = call(c, method, path, body, ctype, show_written);
	json_decref(body);
	return rc;
}

static int cmd_action(struct cmd_ctx *c, int argc, char **argv)
{
	char path[4096];
	int n = argc, used;
	json_t *body = NULL;
	int rc;

	/* Parameters: trailing A=V words or a JSON object. */
	while (n > 0 && (strchr(argv[n - 1], '=') || argv[n - 1][0] == '{'))
		n--;
	if (n < 2)
		return EXIT_USAGE;
	/* The last word before the parameters is the action. */
	used = target(c, n - 1, argv, 3, path, sizeof(path));
	if (!used || used != n - 1)
		return EXIT_USAGE;
	strncat(path, "/", sizeof(path) - strlen(path) - 1);
	strncat(path, argv[n - 1], sizeof(path) - strlen(path) - 1);
	if (n < argc && !(body = body_of(argc - n, argv + n)))
		return EXIT_USAGE;
	rc = call(c, "POST", path, body ? body : NULL, NULL, show_any);
	json_decref(body);
	return rc;
}

static int cmd_history(struct cmd_ctx *c, const char *cmd, int argc,
		       char **argv)
{
	char path[512];
	json_t *body;
	int rc;

	if (!strcmp(cmd, "versions") && argc == 0)
		return call(c, "GET", API "/config/versions", NULL, NULL, show_any);
	if (!strcmp(cmd, "show") && argc == 1) {
		snprintf(path, sizeof(path), API "/config/versions/%d", atoi(argv[0]));
		return call(c, "GET", path, NULL, NULL, show_json);
	}
	if (!strcmp(cmd, "diff") && argc == 2) {
		snprintf(path, sizeof(path), API "/config/diff?from=%d&to=%d",
			 atoi(argv[0]), atoi(argv[1]));
		return call(c, "GET", path, NULL, NULL, show_diff);
	}
	if (!strcmp(cmd, "rollback") && argc == 1) {
		snprintf(path, sizeof(path), API "/config/rollback");
		write_query(c, path, sizeof(path));
		body = json_pack("{s:i}", "version", atoi(argv[0]));
		rc = call(c, "POST", path, body, NULL, show_committed);
		json_decref(body);
		return rc;
	}
	if (!strcmp(cmd, "confirm") && argc == 0)
		return call(c, "POST", API "/config/confirm", NULL, NULL, show_any);
	return EXIT_USAGE;
}

static int print_event(const char *event, const char *data, void *arg)
{
	const struct options *o = arg;
	json_t *d = json_loads(data, 0, NULL), *t;
	char *when;

	if (o->json || !d) {
		printf("{\"event\":\"%s\",\"data\":%s}\n", event, data);
	} else {
		when = cell_text("time", (t = json_object_get(d, "time")));
		if (!strcmp(event, "commit"))
			printf("%s  commit   version %lld by %s (%s): %s\n", when,
			       (long long)json_integer_value(json_object_get(d, "version")),
			       json_string_value(json_object_get(d, "user")),
			       json_string_value(json_object_get(d, "interface")),
			       json_string_value(json_object_get(d, "summary")));
		else
			printf("%s  %-7s  %s  %s%s%s\n", when,
			       json_string_value(json_object_get(d, "severity")),
			       json_string_value(json_object_get(d, "plugin")),
			       json_string_value(json_object_get(d, "object")),
			       *json_string_value(json_object_get(d, "object")) ? ": " : "",
			       json_string_value(json_object_get(d, "message")));
		free(when);
	}
	fflush(stdout);
	json_decref(d);
	return 0;
}

/* events/commands [--follow] [--limit N] [--severity S] [--plugin P]
 * [--user U] [--since T] [--until T] */
static int cmd_journal(struct cmd_ctx *c, const char *cmd, int argc,
		       char **argv)
{
	char path[4096];
	size_t used;
	bool follow = false;
	char sep = '?';

	used = (size_t)snprintf(path, sizeof(path), API "/%s", cmd);
	for (int i = 0; i < argc; i++) {
		char *e;
		if (!strcmp(argv[i], "--follow") || !strcmp(argv[i], "-f")) {
			follow = true;
			continue;
		}
		if (strncmp(argv[i], "--", 2) || i + 1 >= argc)
			return EXIT_USAGE;
		e = http_escape(c->h, argv[i + 1]);
		used += (size_t)snprintf(path + used, sizeof(path) - used,
					 "%c%s=%s", sep, argv[i] + 2, e);
		free(e);
		sep = '&';
		i++;
	}
	if (!follow)
		return call(c, "GET", path, NULL, NULL, show_any);
	if (strcmp(cmd, "events"))
		return EXIT_USAGE;
	memmove(path + strlen(API "/events/stream"), path + strlen(API "/events"),
		strlen(path + strlen(API "/events")) + 1);
	memcpy(path, API "/events/stream", strlen(API "/events/stream"));
	return http_stream(c->h, path, print_event, (void *)c->o) < 0
		       ? EXIT_USAGE
		       : EXIT_DONE;
}

static void show_plugins(struct cmd_ctx *c, struct http_resp *r)
{
	json_t *list = json_object_get(r->body, "plugins"), *p, *rows = json_array();
	size_t i;

	json_array_foreach(list, i, p)
		json_array_append_new(rows, json_pack("{s:O, s:O, s:O}", "name",
			json_object_get(p, "name"), "version",
			json_object_get(p, "version"), "description",
			json_object_get(p, "description")));
	print_table(rows);
	json_decref(rows);
}

/* A password from --password-stdin style input: the first line of stdin
 * (prompted for on a terminal). */
static char *read_password(const char *prompt)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (isatty(STDIN_FILENO)) {
		char *p = getpass(prompt);
		return p ? strdup(p) : NULL;
	}
	if ((n = getline(&line, &cap, stdin)) <= 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

static int cmd_users(struct cmd_ctx *c, const char *cmd, int argc,
		     char **argv)
{
	char path[1024], *pw = NULL, *e;
	json_t *body = NULL;
	int rc = EXIT_USAGE;

	if (!strcmp(cmd, "users") && argc == 0)
		return call(c, "GET", API "/auth/users", NULL, NULL, show_any);
	if (!strcmp(cmd, "passwd") && argc <= 1) {
		const char *name = argc ? argv[0] : c->o->user;
		if (!name || !(pw = read_password("New password: ")))
			return EXIT_USAGE;
		e = http_escape(c->h, name);
		snprintf(path, sizeof(path), API "/auth/users/%s", e);
		free(e);
		body = json_pack("{s:s}", "password", pw);
		rc = call(c, "PATCH", path, body, NULL, show_any);
		goto out;
	}
	if (strcmp(cmd, "user") || argc < 2)
		return EXIT_USAGE;
	e = http_escape(c->h, argv[1]);
	snprintf(path, sizeof(path), API "/auth/users/%s", e);
	free(e);
	if (!strcmp(argv[0], "add") && argc == 3) {
		if (!(pw = read_password("Password: ")))
			return EXIT_USAGE;
		body = json_pack("{s:s, s:s, s:s}", "name", argv[1], "role",
				 argv[2], "password", pw);
		rc = call(c, "POST", API "/auth/users", body, NULL, show_any);
	} else if (!strcmp(argv[0], "set") && argc == 4 &&
		   !strcmp(argv[2], "--role")) {
		body = json_pack("{s:s}", "role", argv[3]);
		rc = call(c, "PATCH", path, body, NULL, show_any);
	} else if (!strcmp(argv[0], "delete") && argc == 2) {
		rc = call(c, "DELETE", path, NULL, NULL, show_any);
	}
out:
	json_decref(body);
	free(pw);
	return rc;
}

static int cmd_tokens(struct cmd_ctx *c, const char *cmd, int argc,
		      char **argv)
{
	char path[1024], *e;
	json_t *body;
	int rc;

	if (!strcmp(cmd, "tokens") && argc == 0)
		return call(c, "GET", API "/auth/tokens", NULL, NULL, show_any);
	if (argc == 2 && !strcmp(argv[0], "revoke")) {
		e = http_escape(c->h, argv[1]);
		snprintf(path, sizeof(path), API "/auth/tokens/%s", e);
		free(e);
		return call(c, "DELETE", path, NULL, NULL, show_any);
	}
	if (argc < 1 || strcmp(argv[0], "create"))
		return EXIT_USAGE;
	body = json_object();
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--user") || !strcmp(argv[i], "--description"))
			json_object_set_new(body, argv[i] + 2, json_string(argv[i + 1]));
		else {
			json_decref(body);
			return EXIT_USAGE;
		}
	}
	rc = call(c, "POST", API "/auth/tokens", body, NULL, show_any);
	json_decref(body);
	return rc;
}

static int cmd_state(struct cmd_ctx *c)
{
	struct http_resp r;
	json_t *classes, *out = json_object(), *cl;
	size_t i;

	if (http_call(c->h, "GET", API, NULL, NULL, &r) < 0)
		return EXIT_USAGE;
	if (r.status >= 400)
		return finish(c, &r, NULL);
	classes = json_object_get(r.body, "classes");
	json_array_foreach(classes, i, cl) {
		const char *href = json_string_value(json_object_get(cl, "href"));
		struct http_resp one;
		if (!href || http_call(c->h, "GET", href, NULL, NULL, &one) < 0)
			continue;
		if (one.status < 400 && one.body)
			json_object_set(out, href + strlen(API "/"), one.body);
		http_resp_fini(&one);
	}
	http_resp_fini(&r);
	json_dumpf(out, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(out);
	return EXIT_DONE;
}

static int cmd_raw(struct cmd_ctx *c, int argc, char **argv)
{
	json_t *body = NULL;
	int rc;

	if (argc < 2 || argc > 3)
		return EXIT_USAGE;
	if (argc == 3 && !(body = json_loads(argv[2], 0, NULL))) {
		fprintf(stderr, "mgmtctl: the body is not JSON\n");
		return EXIT_USAGE;
	}
	rc = call(c, argv[0], argv[1], body, NULL, show_json);
	json_decref(body);
	return rc;
}

/* backup FILE: the backup document into FILE, readable by its owner only
 * (it holds password hashes).  restore FILE: send it back. */
static int cmd_backup(struct cmd_ctx *c, const char *cmd, const char *file)
{
	struct http_resp r;
	json_error_t e;
	json_t *doc;
	FILE *f;
	int fd, rc;

	if (!strcmp(cmd, "restore")) {
		if (!(doc = json_load_file(file, 0, &e))) {
			fprintf(stderr, "mgmtctl: %s:%d: %s\n", file, e.line,
				e.text);
			return EXIT_USAGE;
		}
		rc = call(c, "POST", API "/config/restore", doc, NULL,
			  show_committed);
		json_decref(doc);
		return rc;
	}
	if (http_call(c->h, "GET", API "/config/backup", NULL, NULL, &r) < 0)
		return EXIT_USAGE;
	if (r.status >= 400 || !r.body)
		return finish(c, &r, NULL);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		fprintf(stderr, "mgmtctl: %s: %s\n", file, strerror(errno));
		if (fd >= 0)
			close(fd);
		http_resp_fini(&r);
		return EXIT_REFUSED;
	}
	rc = json_dumpf(r.body, f, JSON_INDENT(1)) < 0 || fputc('\n', f) < 0;
	if (fclose(f) != 0 || rc) {
		fprintf(stderr, "mgmtctl: %s: cannot write\n", file);
		http_resp_fini(&r);
		return EXIT_REFUSED;
	}
	if (!c->o->json)
		printf("backup of version %lld written to %s\n",
		       json_integer_value(json_object_get(r.body, "current")),
		       file);
	http_resp_fini(&r);
	return EXIT_DONE;
}

static int dispatch(struct cmd_ctx *c, int argc, char **argv)
{
	const char *cmd = argv[0];
	json_error_t e;
	json_t *cfg;
	int rc;

	argc--, argv++;
	if (!strcmp(cmd, "get"))
		return cmd_get(c, argc, argv);
	if (!strcmp(cmd, "set") || !strcmp(cmd, "patch") ||
	    !strcmp(cmd, "put") || !strcmp(cmd, "create") ||
	    !strcmp(cmd, "delete"))
		return cmd_write(c, cmd, argc, argv);
	if (!strcmp(cmd, "action"))
		return cmd_action(c, argc, argv);
	if (!strcmp(cmd, "versions") || !strcmp(cmd, "show") ||
	    !strcmp(cmd, "diff") || !strcmp(cmd, "rollback") ||
	    !strcmp(cmd, "confirm"))
		return cmd_history(c, cmd, argc, argv);
	if (!strcmp(cmd, "events") || !strcmp(cmd, "commands"))
		return cmd_journal(c, cmd, argc, argv);
	if (!strcmp(cmd, "logs"))
		return rest_logs(c->h, c->o, argc, argv);
	if (!strcmp(cmd, "users") || !strcmp(cmd, "user") ||
	    !strcmp(cmd, "passwd"))
		return cmd_users(c, cmd, argc, argv);
	if (!strcmp(cmd, "tokens") || !strcmp(cmd, "token"))
		return cmd_tokens(c, cmd, argc, argv);
	if (!strcmp(cmd, "plugins") && argc == 0)
		return call(c, "GET", API "/schema", NULL, NULL, show_plugins);
	if (!strcmp(cmd, "schema") && argc == 0)
		return call(c, "GET", API "/schema", NULL, NULL, show_json);
	if (!strcmp(cmd, "openapi") && argc == 0)
		return call(c, "GET", API "/openapi.json", NULL, NULL, show_json);
	if (!strcmp(cmd, "whoami") && argc == 0)
		return call(c, "GET", API "/session", NULL, NULL, show_any);
	if (!strcmp(cmd, "state") && argc == 0)
		return cmd_state(c);
	if (!strcmp(cmd, "raw"))
		return cmd_raw(c, argc, argv);
	if (!strcmp(cmd, "metrics"))
		return metrics_cmd(c->o, c->h, argc, argv);
	if ((!strcmp(cmd, "backup") || !strcmp(cmd, "restore")) && argc == 1)
		return cmd_backup(c, cmd, argv[0]);
	if (!strcmp(cmd, "replace") && argc == 1) {
		char path[512] = API "/config";
		if (!(cfg = json_load_file(argv[0], 0, &e))) {
			fprintf(stderr, "mgmtctl: %s:%d: %s\n", argv[0], e.line,
				e.text);
			return EXIT_USAGE;
		}
		write_query(c, path, sizeof(path));
		rc = call(c, "PUT", path, cfg, NULL, show_committed);
		json_decref(cfg);
		return rc;
	}
	return EXIT_USAGE;
}

int rest_run(const struct options *o, int argc, char **argv)
{
	struct cmd_ctx c = { .o = o };
	int rc;

	if (argc == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!(c.h = http_new(o)))
		return EXIT_USAGE;
	rc = dispatch(&c, argc, argv);
	http_free(c.h);
	if (rc == EXIT_USAGE)
		fprintf(stderr, "mgmtctl: see mgmtctl --help\n");
	return rc;
}
