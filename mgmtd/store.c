/* The managed configuration file: parsing, rendering, atomic commits. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileutil.h"
#include "log.h"
#include "store.h"
#include "store_internal.h"

static const char file_header[] =
	"# mgmtd managed configuration: written by mgmtd on every committed\n"
	"# change. To edit by hand, change this file and send mgmtd SIGHUP:\n"
	"# the edit is validated and applied as one transaction.\n";

int store_open(const char *state_dir, unsigned keep, struct store **out)
{
	struct store *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	s->keep = keep ? keep : 1;
	if (asprintf(&s->dir, "%s", state_dir) < 0 ||
	    asprintf(&s->current, "%s/%s", state_dir, STORE_FILE) < 0 ||
	    asprintf(&s->history, "%s/history", state_dir) < 0) {
		rc = -ENOMEM;
		goto fail;
	}
	if ((rc = fileutil_mkdir_p(s->history, 0700)) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	store_close(s);
	return rc;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	free(s->dir);
	free(s->current);
	free(s->history);
	free(s);
}

unsigned store_version(const struct store *s)
{
	return s->version;
}

const char *store_current_path(const struct store *s)
{
	return s->current;
}

int store_parse_file(const char *path, json_t **tree, unsigned *version,
		     config_t *cfg, char *msg, size_t msglen)
{
	config_t local;
	config_t *c = cfg ? cfg : &local;
	config_setting_t *root, *v;
	json_t *t;
	FILE *f;

	config_init(c);
	if (!(f = fopen(path, "r"))) {
		int err = errno;
		snprintf(msg, msglen, "%s: %s", path, strerror(err));
		config_destroy(c);
		return -err;
	}
	if (config_read(c, f) != CONFIG_TRUE) {
		snprintf(msg, msglen, "%s:%d: %s", path, config_error_line(c),
			 config_error_text(c));
		fclose(f);
		config_destroy(c);
		return -EINVAL;
	}
	fclose(f);
	root = config_root_setting(c);
	if (version)
		*version = (v = config_setting_get_member(root, "version"))
				   ? (unsigned)config_setting_get_int(v)
				   : 0;
	t = store_setting_to_json(root);
	json_object_del(t, "version");
	json_object_del(t, "meta");
	*tree = t;
	if (!cfg)
		config_destroy(c);
	return 0;
}

int store_load_current(struct store *s, json_t **tree, char *msg,
		       size_t msglen)
{
	unsigned v = 0;
	int rc = store_parse_file(s->current, tree, &v, NULL, msg, msglen);

	if (rc < 0)
		return rc;
	s->version = v;
	store_history_drop_orphans(s);
	return 0;
}

int store_commit(struct store *s, json_t *tree, struct store_meta *meta)
{
	char *body = NULL;
	size_t blen = 0;
	int rc;

	meta->version = s->version + 1;
	if ((rc = store_render(file_header, meta->version, tree, &body,
			       &blen)) < 0) {
		log_err("store", "cannot render version %u: %s", meta->version,
			strerror(-rc));
		goto out;
	}
	if ((rc = store_history_write(s, meta, body, blen)) < 0)
		goto out;
	/* The commit point: until this rename the old version stands. */
	if ((rc = fileutil_write_atomic(s->current, body, blen, 0600)) < 0) {
		log_err("store", "cannot write %s: %s", s->current,
			strerror(-rc));
		store_history_remove(s, meta->version);
		goto out;
	}
	s->version = meta->version;
	s->current_meta = *meta;
	store_history_prune(s);
out:
	free(body);
	return rc;
}

/* One segment of an error path: name, and the key inside [...] if any. */
static const char *path_segment(const char *p, char *name, size_t nlen,
				char *key, size_t klen)
{
	size_t n = strcspn(p, ".[");

	snprintf(name, nlen, "%.*s", (int)n, p);
	key[0] = '\0';
	p += n;
	if (*p == '[') {
		size_t k = strcspn(p + 1, "]");
		snprintf(key, klen, "%.*s", (int)k, p + 1);
		p += k + 1 + (p[k + 1] == ']');
	}
	return *p == '.' ? p + 1 : p;
}

/* The element of a libconfig list whose key attribute equals key. */
static config_setting_t *list_find(config_setting_t *list, const char *attr,
				   const char *key)
{
	int n = config_setting_length(list);

	for (int i = 0; i < n; i++) {
		config_setting_t *el = config_setting_get_elem(list, i);
		config_setting_t *k = config_setting_get_member(el, attr);
		char num[32];
		const char *text = k ? config_setting_get_string(k) : NULL;
		if (k && !text) {
			snprintf(num, sizeof(num), "%lld",
				 config_setting_get_int64(k));
			text = num;
		}
		if (text && strcmp(text, key) == 0)
			return el;
		if (key[0] == '#' && atoi(key + 1) == i + 1)
			return el;
	}
	return NULL;
}

int store_line_of(const config_t *cfg, const struct schema *s,
		  const char *path)
{
	config_setting_t *st = config_root_setting(cfg), *next;
	const struct schema_plugin *sp = NULL;
	const struct schema_class *sc = NULL;
	char name[128], key[256];
	int line = 0, depth = 0;

	while (*path && st) {
		path = path_segment(path, name, sizeof(name), key, sizeof(key));
		if (!(next = config_setting_get_member(st, name)))
			break;
		st = next;
		/* The collection's line stands for an item it lacks. */
		if (config_setting_source_line(st))
			line = (int)config_setting_source_line(st);
		if (depth == 0)
			sp = schema_plugin_find(s, name);
		else if (depth == 1)
			sc = schema_class_find(sp, name);
		if (key[0] && sc && sc->key)
			st = list_find(st, sc->key->name, key);
		else if (key[0])
			st = NULL;
		if (st && config_setting_source_line(st))
			line = (int)config_setting_source_line(st);
		depth++;
	}
	return line;
}
