/* The numbered history of committed versions. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileutil.h"
#include "log.h"
#include "store_internal.h"

#define META_LINE_MAX 2048

static void version_path(const struct store *s, unsigned v, char *buf,
			 size_t len)
{
	snprintf(buf, len, "%s/%010u.conf", s->history, v);
}

/* Append str to buf as a libconfig string literal. */
static void put_quoted(FILE *f, const char *str)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)str; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* The meta group on one line, so that listing reads only first lines. */
static int meta_line(const struct store_meta *m, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (!f)
		return -errno;
	fprintf(f, "meta = { version = %u; time = %lldL; user = ", m->version,
		(long long)m->time);
	put_quoted(f, m->user);
	fputs("; source = ", f);
	put_quoted(f, m->source);
	fputs("; interface = ", f);
	put_quoted(f, m->interface);
	fputs("; summary = ", f);
	put_quoted(f, m->summary);
	fputs("; };\n", f);
	return fclose(f) == 0 ? 0 : -EIO;
}

int store_history_write(struct store *s, const struct store_meta *meta,
			const char *body, size_t len)
{
	char path[PATH_MAX], *line = NULL, *all = NULL;
	size_t llen = 0;
	int rc;

	version_path(s, meta->version, path, sizeof(path));
	if ((rc = meta_line(meta, &line, &llen)) < 0)
		goto out;
	if (!(all = malloc(llen + len))) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(all, line, llen);
	memcpy(all + llen, body, len);
	if ((rc = fileutil_write_atomic(path, all, llen + len, 0600)) < 0)
		log_err("store", "cannot write %s: %s", path, strerror(-rc));
out:
	free(line);
	free(all);
	return rc;
}

void store_history_remove(struct store *s, unsigned version)
{
	char path[PATH_MAX];

	version_path(s, version, path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("store", "cannot remove %s: %s", path, strerror(errno));
}

/* Versions present in the history directory, ascending.  Owned array. */
static int list_versions(struct store *s, unsigned **out, size_t *n)
{
	DIR *d = opendir(s->history);
	unsigned *v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *e;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char *end;
		unsigned long num = strtoul(e->d_name, &end, 10);
		if (end == e->d_name || strcmp(end, ".conf") != 0)
			continue;
		if (cnt == cap) {
			unsigned *g = realloc(v, (cap = cap ? cap * 2 : 64) *
							 sizeof(*v));
			if (!g) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = g;
		}
		v[cnt++] = (unsigned)num;
	}
	closedir(d);
	for (size_t i = 1; i < cnt; i++) /* few hundred at most */
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			unsigned t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	*out = v;
	*n = cnt;
	return 0;
}

void store_history_prune(struct store *s)
{
	unsigned *v = NULL;
	size_t n = 0;

	if (list_versions(s, &v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (v[i] + s->keep <= s->version)
			store_history_remove(s, v[i]);
	free(v);
}

void store_history_drop_orphans(struct store *s)
{
	unsigned *v = NULL;
	size_t n = 0;

	if (list_versions(s, &v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (v[i] > s->version) {
			log_notice("store",
				   "dropping version %u: not committed before a crash",
				   v[i]);
			store_history_remove(s, v[i]);
		}
	free(v);
}

static void meta_from_setting(const config_setting_t *m,
			      struct store_meta *meta)
{
	const char *str;
	long long t = 0;
	int v = 0;

	*meta = (struct store_meta){ 0 };
	config_setting_lookup_int(m, "version", &v);
	config_setting_lookup_int64(m, "time", &t);
	meta->version = (unsigned)v;
	meta->time = t;
	if (config_setting_lookup_string(m, "user", &str))
		snprintf(meta->user, sizeof(meta->user), "%s", str);
	if (config_setting_lookup_string(m, "source", &str))
		snprintf(meta->source, sizeof(meta->source), "%s", str);
	if (config_setting_lookup_string(m, "interface", &str))
		snprintf(meta->interface, sizeof(meta->interface), "%s", str);
	if (config_setting_lookup_string(m, "summary", &str))
		snprintf(meta->summary, sizeof(meta->summary), "%s", str);
}

/* Read only the first line of version v's file for its meta. */
static int read_meta(struct store *s, unsigned v, struct store_meta *meta)
{
	char path[PATH_MAX], line[META_LINE_MAX];
	config_setting_t *m;
	config_t c;
	FILE *f;
	int rc = -EINVAL;

	version_path(s, v, path, sizeof(path));
	if (!(f = fopen(path, "r")))
		return -errno;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	config_init(&c);
	if (config_read_string(&c, line) == CONFIG_TRUE &&
	    (m = config_lookup(&c, "meta"))) {
		meta_from_setting(m, meta);
		rc = 0;
	}
	config_destroy(&c);
	return rc;
}

json_t *store_meta_json(const struct store_meta *m)
{
	return json_pack("{s:i, s:I, s:s, s:s, s:s, s:s}", "version",
			 (int)m->version, "time", (json_int_t)m->time, "user",
			 m->user, "source", m->source, "interface",
			 m->interface, "summary", m->summary);
}

json_t *store_versions(struct store *s)
{
	json_t *list = json_array();
	unsigned *v = NULL;
	size_t n = 0;

	if (list_versions(s, &v, &n) < 0)
		return list;
	for (size_t i = n; i-- > 0;) {
		struct store_meta m;
		if (v[i] <= s->version && read_meta(s, v[i], &m) == 0)
			json_array_append_new(list, store_meta_json(&m));
	}
	free(v);
	return list;
}

int store_read_version(struct store *s, unsigned v, json_t **tree,
		       struct store_meta *meta)
{
	char path[PATH_MAX], msg[512];
	config_t c;
	config_setting_t *m;
	int rc;

	if (v == 0 || v > s->version)
		return -ENOENT;
	version_path(s, v, path, sizeof(path));
	if ((rc = store_parse_file(path, tree, NULL, &c, msg, sizeof(msg))) < 0) {
		if (rc != -ENOENT)
			log_err("store", "%s", msg);
		return rc;
	}
	if (meta && (m = config_lookup(&c, "meta")))
		meta_from_setting(m, meta);
	config_destroy(&c);
	return 0;
}

int store_read_version_meta(struct store *s, unsigned v,
			    struct store_meta *meta)
{
	int rc;

	if (v == 0 || v > s->version)
		return -ENOENT;
	if (v == s->version && s->current_meta.version == v) {
		*meta = s->current_meta;
		return 0;
	}
	if ((rc = read_meta(s, v, meta)) == 0 && v == s->version)
		s->current_meta = *meta;
	return rc;
}
