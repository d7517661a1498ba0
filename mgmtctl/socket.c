/* mgmtctl's control socket mode (-s SOCKET, or MGMTD_SOCKET without
 * MGMTD_URL): each command becomes one JSON request over mgmtd's local
 * socket; the response is printed as indented JSON.  Exit 0: done; 1:
 * mgmtd refused; 2: usage or transport. */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "mgmtctl.h"

#define DEFAULT_SOCKET "/run/mgmtd/mgmtd.sock"

static json_t *parse_json_arg(const char *text, const char *what)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &e);

	if (!v)
		fprintf(stderr, "mgmtctl: %s is not JSON: %s\n", what, e.text);
	return v;
}

/* put/patch/delete: PLUGIN CLASS [KEY] [JSON] */
static json_t *object_request(const char *op, int argc, char **argv)
{
	bool has_body = strcmp(op, "delete") != 0;
	int n = argc;
	json_t *rq, *body = NULL;

	if (n < 3 || n > 4)
		return NULL;
	rq = json_pack("{s:s, s:s, s:s}", "op", op, "plugin", argv[0],
		       "class", argv[1]);
	if (has_body) {
		if (!(body = parse_json_arg(argv[n - 1], "the object"))) {
			json_decref(rq);
			return NULL;
		}
		json_object_set_new(rq, "object", body);
		if (n == 4)
			json_object_set_new(rq, "key", json_string(argv[2]));
	} else {
		json_object_set_new(rq, "key", json_string(argv[2]));
	}
	return rq;
}

static json_t *journal_request(const char *op, int argc, char **argv)
{
	json_t *rq = json_pack("{s:s}", "op", op);

	for (int i = 0; i + 1 < argc; i += 2) {
		const char *opt = argv[i];
		if (strncmp(opt, "--", 2) != 0) {
			json_decref(rq);
			return NULL;
		}
		if (!strcmp(opt, "--limit") || !strcmp(opt, "--since") ||
		    !strcmp(opt, "--until"))
			json_object_set_new(rq, opt + 2,
					    json_integer(atoll(argv[i + 1])));
		else
			json_object_set_new(rq, opt + 2,
					    json_string(argv[i + 1]));
	}
	if (argc % 2) {
		json_decref(rq);
		return NULL;
	}
	return rq;
}

/* action PLUGIN CLASS [KEY] ACTION [JSON]: a trailing "{...}" is params. */
static json_t *action_request(int argc, char **argv)
{
	json_t *rq, *params = NULL;

	if (argc >= 4 && argv[argc - 1][0] == '{') {
		if (!(params = parse_json_arg(argv[argc - 1], "the parameters")))
			return NULL;
		argc--;
	}
	if (argc != 3 && argc != 4) {
		json_decref(params);
		return NULL;
	}
	rq = json_pack("{s:s, s:s, s:s, s:s}", "op", "action", "plugin",
		       argv[0], "class", argv[1], "action", argv[argc - 1]);
	if (argc == 4)
		json_object_set_new(rq, "key", json_string(argv[2]));
	if (params)
		json_object_set_new(rq, "params", params);
	return rq;
}

static json_t *build_request(int argc, char **argv)
{
	const char *cmd = argv[0];

	argc--, argv++;
	if (!strcmp(cmd, "get") || !strcmp(cmd, "state") ||
	    !strcmp(cmd, "plugins") || !strcmp(cmd, "versions") ||
	    !strcmp(cmd, "confirm"))
		return argc ? NULL : json_pack("{s:s}", "op", cmd);
	if (!strcmp(cmd, "put") || !strcmp(cmd, "patch"))
		return argc >= 3 ? object_request(cmd, argc, argv) : NULL;
	if (!strcmp(cmd, "delete"))
		return argc == 3 ? object_request(cmd, argc, argv) : NULL;
	if (!strcmp(cmd, "show") || !strcmp(cmd, "rollback"))
		return argc == 1 ? json_pack("{s:s, s:i}", "op", cmd, "version",
					     atoi(argv[0]))
				 : NULL;
	if (!strcmp(cmd, "diff"))
		return argc == 2 ? json_pack("{s:s, s:i, s:i}", "op", "diff",
					     "from", atoi(argv[0]), "to",
					     atoi(argv[1]))
				 : NULL;
	if (!strcmp(cmd, "events") || !strcmp(cmd, "commands"))
		return journal_request(cmd, argc, argv);
	if (!strcmp(cmd, "replace") && argc == 1) {
		json_error_t e;
		json_t *cfg = json_load_file(argv[0], 0, &e);
		if (!cfg) {
			fprintf(stderr, "mgmtctl: %s:%d: %s\n", argv[0], e.line,
				e.text);
			return NULL;
		}
		return json_pack("{s:s, s:o}", "op", "replace", "config", cfg);
	}
	if (!strcmp(cmd, "action"))
		return action_request(argc, argv);
	if (!strcmp(cmd, "raw") && argc == 1)
		return parse_json_arg(argv[0], "the request");
	return NULL;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

/* Send one request line and read one response line. */
static json_t *exchange(int fd, json_t *rq)
{
	char *text = json_dumps(rq, JSON_COMPACT), *buf = NULL;
	size_t cap = 0;
	json_t *resp = NULL;
	FILE *f;

	if (!text)
		return NULL;
	f = fdopen(fd, "r+");
	if (!f) {
		free(text);
		return NULL;
	}
	fprintf(f, "%s\n", text);
	fflush(f);
	free(text);
	if (getline(&buf, &cap, f) > 0)
		resp = json_loads(buf, 0, NULL);
	free(buf);
	fclose(f);
	return resp;
}

int socket_run(const struct options *o, int argc, char **argv)
{
	const char *sock = o->socket ? o->socket : DEFAULT_SOCKET;
	json_t *rq, *resp;
	int fd, rc;

	if (argc == 0 || !(rq = build_request(argc, argv))) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o->confirm_timeout > 0)
		json_object_set_new(rq, "confirm_timeout",
				    json_integer(o->confirm_timeout));
	if (o->summary)
		json_object_set_new(rq, "summary", json_string(o->summary));
	if ((fd = connect_to(sock)) < 0) {
		fprintf(stderr, "mgmtctl: cannot connect to %s: %s\n", sock,
			strerror(-fd));
		json_decref(rq);
		return EXIT_USAGE;
	}
	resp = exchange(fd, rq);
	json_decref(rq);
	if (!resp) {
		fprintf(stderr, "mgmtctl: no valid response from mgmtd\n");
		return EXIT_USAGE;
	}
	json_dumpf(resp, stdout, JSON_INDENT(2));
	putchar('\n');
	rc = json_is_true(json_object_get(resp, "ok")) ? EXIT_DONE : EXIT_REFUSED;
	json_decref(resp);
	return rc;
}
