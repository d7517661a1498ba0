/* Output for people: objects as "name  value" lines, lists as tables,
 * diffs as +/-/~ lines, problems on stderr. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mgmtctl.h"

#define CELL_MAX 48

static bool is_time_key(const char *key)
{
	return key && (!strcmp(key, "time") || !strcmp(key, "created") ||
		       !strcmp(key, "last_used"));
}

char *cell_text(const char *key, json_t *v)
{
	char *text = NULL, buf[64];
	size_t i;
	json_t *item;

	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_number(v) && is_time_key(key) && json_number_value(v) > 0) {
		time_t t = (time_t)json_number_value(v);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
		return strdup(buf);
	}
	if (json_is_array(v)) {
		size_t len = 1;
		json_array_foreach(v, i, item) {
			char *s = cell_text(NULL, item);
			char *nt = realloc(text, len + strlen(s) + 2);
			if (nt) {
				if (!text)
					nt[0] = '\0';
				text = nt;
				if (i)
					strcat(text, ", ");
				strcat(text, s);
				len += strlen(s) + 2;
			}
			free(s);
		}
		return text ? text : strdup("");
	}
	if (json_is_null(v) || !v)
		return strdup("-");
	text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	return text ? text : strdup("?");
}

void print_value(FILE *f, json_t *v)
{
	char *s = cell_text(NULL, v);

	fputs(s, f);
	free(s);
}

void print_object(json_t *obj)
{
	const char *k;
	json_t *v;
	int width = 0;

	json_object_foreach(obj, k, v)
		if ((int)strlen(k) > width)
			width = (int)strlen(k);
	json_object_foreach(obj, k, v) {
		char *s = cell_text(k, v);
		printf("%-*s  %s\n", width, k, s);
		free(s);
	}
}

/* Columns: the keys of the items in their order of first appearance. */
static json_t *columns_of(json_t *items)
{
	json_t *cols = json_array(), *seen = json_object(), *it, *v;
	const char *k;
	size_t i;

	json_array_foreach(items, i, it)
		json_object_foreach(it, k, v) {
			if (json_object_get(seen, k))
				continue;
			json_object_set_new(seen, k, json_true());
			json_array_append_new(cols, json_string(k));
		}
	json_decref(seen);
	return cols;
}

static void cut(char *s)
{
	if (strlen(s) > CELL_MAX)
		strcpy(s + CELL_MAX - 3, "...");
}

void print_table(json_t *items)
{
	json_t *cols = columns_of(items), *it, *c;
	size_t n = json_array_size(cols), i, j;
	int *width = calloc(n + 1, sizeof(int));

	if (!width) {
		json_decref(cols);
		return;
	}
	json_array_foreach(cols, j, c)
		width[j] = (int)strlen(json_string_value(c));
	json_array_foreach(items, i, it)
		json_array_foreach(cols, j, c) {
			const char *k = json_string_value(c);
			char *s = cell_text(k, json_object_get(it, k));
			cut(s);
			if ((int)strlen(s) > width[j])
				width[j] = (int)strlen(s);
			free(s);
		}
	json_array_foreach(cols, j, c)
		printf("%-*s%s", j + 1 < n ? width[j] : 0, json_string_value(c),
		       j + 1 < n ? "  " : "\n");
	json_array_foreach(items, i, it)
		json_array_foreach(cols, j, c) {
			const char *k = json_string_value(c);
			char *s = cell_text(k, json_object_get(it, k));
			cut(s);
			printf("%-*s%s", j + 1 < n ? width[j] : 0, s,
			       j + 1 < n ? "  " : "\n");
			free(s);
		}
	free(width);
	json_decref(cols);
}

void print_diff(json_t *changes)
{
	json_t *ch;
	size_t i;

	if (json_array_size(changes) == 0)
		printf("no change\n");
	json_array_foreach(changes, i, ch) {
		const char *op = json_string_value(json_object_get(ch, "op"));
		const char *path = json_string_value(json_object_get(ch, "path"));
		char *old = cell_text(NULL, json_object_get(ch, "old"));
		char *new = cell_text(NULL, json_object_get(ch, "new"));
		if (op && !strcmp(op, "add"))
			printf("+ %s %s\n", path, new);
		else if (op && !strcmp(op, "remove"))
			printf("- %s %s\n", path, old);
		else
			printf("~ %s: %s -> %s\n", path, old, new);
		free(old);
		free(new);
	}
}

void print_problem(long status, json_t *problem)
{
	const char *title = json_string_value(json_object_get(problem, "title"));
	const char *detail = json_string_value(json_object_get(problem, "detail"));
	json_t *errors = json_object_get(problem, "errors"), *e;
	size_t i;

	fprintf(stderr, "mgmtctl: %ld %s%s%s\n", status, title ? title : "error",
		detail ? ": " : "", detail ? detail : "");
	if (json_array_size(errors) > 1)
		json_array_foreach(errors, i, e)
			fprintf(stderr, "  %s: %s\n",
				json_string_value(json_object_get(e, "path")),
				json_string_value(json_object_get(e, "message")));
}
