/* mgmtctl logs: the log sources, a log's lines (filtered, or followed as
 * they come), and the export archive of every log. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mgmtctl.h"

#define API "/api/v1"

static int refused(const struct options *o, struct http_resp *r)
{
	if (o->json && r->body) {
		json_dumpf(r->body, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	print_problem(r->status, r->body);
	http_resp_fini(r);
	return EXIT_REFUSED;
}

static int list(struct http *h, const struct options *o)
{
	struct http_resp r;
	json_t *items, *it;
	size_t i;

	if (http_call(h, "GET", API "/logs", NULL, NULL, &r) < 0)
		return EXIT_USAGE;
	if (r.status >= 400)
		return refused(o, &r);
	items = json_object_get(r.body, "items");
	if (o->json) {
		json_dumpf(r.body, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		/* size and mtime as the table prints them; path last. */
		json_array_foreach(items, i, it)
			json_object_del(it, "exists");
		print_table(items);
	}
	http_resp_fini(&r);
	return EXIT_DONE;
}

static int export(struct http *h, const struct options *o, const char *file)
{
	struct http_resp r;
	size_t written = 0;
	/* Logs name users and addresses: for the owner only. */
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	int rc;

	if (!f) {
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "mgmtctl: %s: %s\n", file, strerror(errno));
		return EXIT_REFUSED;
	}
	rc = http_download(h, API "/logs/export", f, &r, &written);
	if (fclose(f) != 0 && rc == 0) {
		fprintf(stderr, "mgmtctl: %s: cannot write\n", file);
		rc = -EIO;
	}
	if (rc < 0 || r.status >= 400) {
		remove(file);
		return rc < 0 ? EXIT_USAGE : refused(o, &r);
	}
	http_resp_fini(&r);
	if (!o->json)
		printf("%zu bytes written to %s\n", written, file);
	return EXIT_DONE;
}

static void print_lines(const struct options *o, json_t *body)
{
	json_t *lines = json_object_get(body, "lines"), *l;
	size_t i;

	if (o->json) {
		json_dumpf(body, stdout, JSON_INDENT(2));
		putchar('\n');
		return;
	}
	json_array_foreach(lines, i, l)
		printf("%s\n", json_string_value(json_object_get(l, "text")));
	if (json_is_true(json_object_get(body, "more")))
		fprintf(stderr, "mgmtctl: more lines: add --cursor %lld\n",
			(long long)json_integer_value(
				json_object_get(body, "cursor")));
}

static int print_line(const char *event, const char *data, void *arg)
{
	const struct options *o = arg;
	json_t *d;

	if (o->json) {
		printf("{\"event\":\"%s\",\"data\":%s}\n", event, data);
	} else if (!strcmp(event, "line") && (d = json_loads(data, 0, NULL))) {
		printf("%s\n", json_string_value(json_object_get(d, "text")));
		json_decref(d);
	} else if (strcmp(event, "open") != 0) {
		fprintf(stderr, "mgmtctl: the log was %s\n", event);
	}
	fflush(stdout);
	return 0;
}

/* NAME [-n N] [--since T] [--until T] [--grep TEXT] [--limit N]
 * [--cursor C] [-f]: without -n, --since or --cursor, the last 50. */
static int read_log(struct http *h, const struct options *o, int argc,
		    char **argv)
{
	char path[4096];
	size_t used;
	bool follow = false, start = false, tail = false;
	char sep = '?';
	char *e = http_escape(h, argv[0]);
	struct http_resp r;

	used = (size_t)snprintf(path, sizeof(path), API "/logs/%s", e);
	free(e);
	for (int i = 1; i < argc; i++) {
		const char *name = argv[i] + 2;

		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow")) {
			follow = true;
			continue;
		}
		if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "--lines"))
			name = "lines";
		else if (strncmp(argv[i], "--", 2) ||
			 (strcmp(name, "since") && strcmp(name, "until") &&
			  strcmp(name, "grep") && strcmp(name, "limit") &&
			  strcmp(name, "cursor")))
			return EXIT_USAGE;
		if (i + 1 >= argc)
			return EXIT_USAGE;
		tail |= !strcmp(name, "lines");
		start |= !strcmp(name, "since") || !strcmp(name, "cursor");
		e = http_escape(h, argv[++i]);
		used += (size_t)snprintf(path + used, sizeof(path) - used,
					 "%c%s=%s", sep, name, e);
		free(e);
		sep = '&';
	}
	if (!tail && !start && !follow)
		used += (size_t)snprintf(path + used, sizeof(path) - used,
					 "%clines=50", sep);
	if (used >= sizeof(path))
		return EXIT_USAGE;
	if (follow) {
		/* /logs/NAME/follow?...: the query moves behind "follow". */
		char *q = strchr(path, '?');
		char rest[4096] = "";

		if (q) {
			snprintf(rest, sizeof(rest), "%s", q);
			*q = '\0';
		}
		snprintf(path + strlen(path), sizeof(path) - strlen(path),
			 "/follow%s", rest);
		return http_stream(h, path, print_line, (void *)o) < 0
			       ? EXIT_REFUSED
			       : EXIT_DONE;
	}
	if (http_call(h, "GET", path, NULL, NULL, &r) < 0)
		return EXIT_USAGE;
	if (r.status >= 400)
		return refused(o, &r);
	print_lines(o, r.body);
	http_resp_fini(&r);
	return EXIT_DONE;
}

int rest_logs(struct http *h, const struct options *o, int argc,
	      char **argv)
{
	if (argc == 0)
		return list(h, o);
	if (!strcmp(argv[0], "export")) {
		if (argc == 3 && !strcmp(argv[1], "-o"))
			return export(h, o, argv[2]);
		return EXIT_USAGE;
	}
	return read_log(h, o, argc, argv);
}
