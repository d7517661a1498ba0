/* mgmtctl metrics [ID [--start S] [--end E] [--cf CF] [--resolution N]]:
 * the series stored (a table), or the points of one ("time value" lines;
 * "-" for unknown).  IDs are as GET /api/v1/metrics lists them, the key
 * already percent-encoded, so they go into the path as they are. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mgmtctl.h"

#define API "/api/v1"

static void show_series(json_t *body)
{
	json_t *items = json_array(), *se;
	size_t i;

	json_array_foreach(json_object_get(body, "series"), i, se)
		json_array_append_new(
			items,
			json_pack("{s:O,s:O,s:O,s:O,s:O}", "id",
				  json_object_get(se, "id"), "type",
				  json_object_get(se, "type"), "units",
				  json_object_get(se, "units"), "stale",
				  json_object_get(se, "stale"), "last_update",
				  json_object_get(se, "last_update")));
	print_table(items);
	json_decref(items);
}

static void show_points(json_t *body)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(body, "points"), i, p) {
		time_t t = (time_t)json_integer_value(json_array_get(p, 0));
		json_t *v = json_array_get(p, 1);
		char when[32];

		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S",
			 localtime(&t));
		if (json_is_number(v))
			printf("%s  %.6g\n", when, json_number_value(v));
		else
			printf("%s  -\n", when);
	}
}

int metrics_cmd(const struct options *o, struct http *h, int argc,
		char **argv)
{
	static const char *const opts[] = { "start", "end", "cf",
					    "resolution" };
	char path[2048];
	size_t used;
	struct http_resp r;
	int rc = EXIT_DONE;

	if (argc == 0) {
		snprintf(path, sizeof(path), API "/metrics");
	} else {
		used = (size_t)snprintf(path, sizeof(path), API "/metrics/%s",
					argv[0]);
		for (int i = 1; i < argc; i += 2) {
			size_t k;
			char *e;

			for (k = 0; k < 4; k++)
				if (!strncmp(argv[i], "--", 2) &&
				    !strcmp(argv[i] + 2, opts[k]))
					break;
			if (k == 4 || i + 1 >= argc || used >= sizeof(path))
				return EXIT_USAGE;
			e = http_escape(h, argv[i + 1]);
			used += (size_t)snprintf(path + used, sizeof(path) - used,
						 "%c%s=%s", i == 1 ? '?' : '&',
						 opts[k], e);
			free(e);
		}
		if (used >= sizeof(path))
			return EXIT_USAGE;
	}
	if (http_call(h, "GET", path, NULL, NULL, &r) < 0)
		return EXIT_USAGE;
	if (r.status >= 400) {
		print_problem(r.status, r.body);
		rc = EXIT_REFUSED;
	} else if (o->json || !r.body) {
		if (r.body) {
			json_dumpf(r.body, stdout, JSON_INDENT(2));
			putchar('\n');
		}
	} else if (argc == 0) {
		show_series(r.body);
	} else {
		show_points(r.body);
	}
	http_resp_fini(&r);
	return rc;
}
