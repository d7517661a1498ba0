/* mgmtctl: the command line of mgmtd.
 *
 * Two ways to reach mgmtd: its REST API (the default: URL and credentials
 * from flags, the environment or ~/.config/mgmtctl) with readable tables,
 * or its local control socket (-s SOCKET, or MGMTD_SOCKET when no URL is
 * set) with the JSON requests of the core.  Exit 0: done; 1: mgmtd
 * refused; 2: usage or transport error. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmtctl.h"

#define DEFAULT_URL "http://127.0.0.1:8080"

void usage(FILE *f)
{
	fputs("usage: mgmtctl [OPTIONS] COMMAND [ARGS]\n"
	      "REST (default): --url URL, --user U, --password P, --token T,\n"
	      "  --cacert FILE, --json; or MGMTD_URL, MGMTD_USER,\n"
	      "  MGMTD_PASSWORD, MGMTD_TOKEN, MGMTD_CACERT; or \"key = value\"\n"
	      "  lines (url, user, password, token, cacert) in ~/.config/mgmtctl\n"
	      "  get [PLUGIN/CLASS[/KEY]]        the whole config, a class, an object\n"
	      "  set PLUGIN/CLASS[/KEY] A=V...   change attributes (V: text or JSON)\n"
	      "  create PLUGIN/CLASS A=V... | JSON\n"
	      "  put PLUGIN/CLASS[/KEY] JSON     replace an object\n"
	      "  patch PLUGIN/CLASS[/KEY] JSON   merge a JSON patch\n"
	      "  delete PLUGIN/CLASS/KEY\n"
	      "  action PLUGIN/CLASS[/KEY] ACTION [A=V... | JSON]\n"
	      "  versions | show N | diff A B | rollback N | confirm\n"
	      "  events [--follow] [--limit N] [--severity S] [--plugin P] [--since T]\n"
	      "  commands [--limit N] [--user U] [--since T]\n"
	      "  logs | logs NAME [-n N] [--since T] [--until T] [--grep TEXT]\n"
	      "       [--limit N] [--cursor C] [-f] | logs export -o FILE.tar.gz\n"
	      "  replace FILE.json | plugins | schema | openapi | whoami\n"
	      "  backup FILE | restore FILE      (admin; the file holds secrets)\n"
	      "  users | user add NAME ROLE | user set NAME [--role R] |\n"
	      "  user delete NAME | passwd [NAME]  (passwords from stdin)\n"
	      "  tokens | token create [--user U] [--description D] | token revoke ID\n"
	      "  metrics [ID [--start S] [--end E] [--cf AVERAGE|MAX]]\n"
	      "                                  the series, or points of one\n"
	      "  raw METHOD PATH [JSON]\n"
	      "  PLUGIN CLASS [KEY] also names an object (put dns hosts db1 JSON)\n"
	      "Control socket: -s SOCKET (or MGMTD_SOCKET without MGMTD_URL)\n"
	      "  get | state | plugins | versions | confirm\n"
	      "  put|patch PLUGIN CLASS [KEY] JSON | delete PLUGIN CLASS KEY\n"
	      "  replace FILE.json | show N | diff A B | rollback N\n"
	      "  action PLUGIN CLASS [KEY] ACTION [JSON]\n"
	      "  events [--limit N] [--plugin P] [--severity S] [--since T]\n"
	      "  commands [--limit N] [--user U] [--since T] | raw JSON\n"
	      "Writes take --summary TEXT and --confirm-timeout SECONDS.\n",
	      f);
}

/* ~/.config/mgmtctl: "key = value" lines; # comments.  Fills what the
 * flags and the environment left unset; the strings are leaked on
 * purpose (they live as long as the process). */
static void read_config_file(struct options *o)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char path[4096], *line = NULL;
	size_t cap = 0;
	FILE *f;

	if (xdg && *xdg)
		snprintf(path, sizeof(path), "%s/mgmtctl", xdg);
	else if (home)
		snprintf(path, sizeof(path), "%s/.config/mgmtctl", home);
	else
		return;
	if (!(f = fopen(path, "r")))
		return;
	while (getline(&line, &cap, f) > 0) {
		char key[32], value[2048];
		const char **slot = NULL;
		if (line[0] == '#' ||
		    sscanf(line, " %31[a-z_] = %2047[^\n]", key, value) != 2)
			continue;
		if (!strcmp(key, "url"))
			slot = &o->url;
		else if (!strcmp(key, "user"))
			slot = &o->user;
		else if (!strcmp(key, "password"))
			slot = &o->password;
		else if (!strcmp(key, "token"))
			slot = &o->token;
		else if (!strcmp(key, "cacert"))
			slot = &o->cacert;
		if (slot && !*slot)
			*slot = strdup(value);
	}
	free(line);
	fclose(f);
}

static const char *env_or(const char *v, const char *name)
{
	const char *e = getenv(name);

	return v ? v : (e && *e ? e : NULL);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	char **rest = calloc((size_t)argc + 1, sizeof(char *));
	bool want_socket = false;
	int n = 0, rc;

	if (!rest)
		return EXIT_USAGE;
	/* Global options may stand anywhere: "put ... --confirm-timeout 5". */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;
		if ((!strcmp(a, "-s") || !strcmp(a, "--socket")) && more)
			o.socket = argv[++i], want_socket = true;
		else if (!strcmp(a, "--url") && more)
			o.url = argv[++i];
		else if ((!strcmp(a, "-u") || !strcmp(a, "--user")) && more)
			o.user = argv[++i];
		else if (!strcmp(a, "--password") && more)
			o.password = argv[++i];
		else if (!strcmp(a, "--token") && more)
			o.token = argv[++i];
		else if (!strcmp(a, "--cacert") && more)
			o.cacert = argv[++i];
		else if (!strcmp(a, "--confirm-timeout") && more)
			o.confirm_timeout = atol(argv[++i]);
		else if (!strcmp(a, "--summary") && more)
			o.summary = argv[++i];
		else if (!strcmp(a, "--json"))
			o.json = true;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			free(rest);
			return EXIT_DONE;
		} else
			rest[n++] = argv[i];
	}
	/* -s picks the socket; a URL (flag, then environment) REST; then
	 * MGMTD_SOCKET the socket; REST otherwise. */
	if (!want_socket && !o.url && !getenv("MGMTD_URL") &&
	    getenv("MGMTD_SOCKET")) {
		o.socket = getenv("MGMTD_SOCKET");
		want_socket = true;
	}
#ifdef ENABLE_REST
	if (want_socket) {
		rc = socket_run(&o, n, rest);
	} else {
		o.url = env_or(o.url, "MGMTD_URL");
		o.user = env_or(o.user, "MGMTD_USER");
		o.password = env_or(o.password, "MGMTD_PASSWORD");
		o.token = env_or(o.token, "MGMTD_TOKEN");
		o.cacert = env_or(o.cacert, "MGMTD_CACERT");
		read_config_file(&o);
		if (!o.url)
			o.url = DEFAULT_URL;
		rc = rest_run(&o, n, rest);
	}
#else
	/* Built without REST: the control socket only. */
	rc = socket_run(&o, n, rest);
#endif
	free(rest);
	return rc;
}
