/* Metrics, the reading side: which series are stored (live or stale),
 * what a request names, and their points (see metrics.h).  Called from
 * REST threads while the collector writes: everything here works on the
 * files (flushed from rrdcached first), never on the collector's cache. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "metrics_internal.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int metrics_decode_key(char *buf, size_t len, const char *src)
{
	size_t o = 0;

	for (; *src; src++) {
		int c = (unsigned char)*src;

		if (c == '%') {
			int h = hexval(src[1]), l = h < 0 ? -1 : hexval(src[2]);

			if (l < 0 || (h == 0 && l == 0))
				return -EINVAL;
			c = h * 16 + l;
			src += 2;
		}
		if (o + 1 >= len)
			return -EINVAL;
		buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return 0;
}

/* Whether the DS ds of path is a counter (DERIVE or COUNTER); -ENOENT if
 * the file or the DS is not there. */
static int ds_kind(const char *path, const char *ds)
{
	char want[METRICS_DS_MAX + 16];
	rrd_info_t *info, *i;
	int rc = -ENOENT;

	snprintf(want, sizeof(want), "ds[%s].type", ds);
	rrd_clear_error();
	if (!(info = rrd_info_r(path))) {
		rrd_clear_error();
		return -ENOENT;
	}
	for (i = info; i; i = i->next)
		if (i->type == RD_I_STR && !strcmp(i->key, want)) {
			rc = !strcmp(i->value.u_str, "DERIVE") ||
			     !strcmp(i->value.u_str, "COUNTER");
			break;
		}
	rrd_info_free(info);
	return rc;
}

/* Through rrdcached, the file lags by up to its write delay: a live
 * object was updated at the last sample.  (Asking rrdcached, rrdc_last,
 * reads past its buffer in librrd 1.7.2; flushing every file to list them
 * would undo rrdcached's batching.) */
static time_t last_update(struct metrics *m, time_t file, bool present)
{
	time_t t = (time_t)atomic_load(&m->last_sample);

	return m->rrdcached && present && t > file ? t : file;
}

struct list_ctx {
	struct metrics *m;
	const struct schema *s;
	json_t *state, *out;
	int stale;
};

static bool object_present(json_t *state, const char *plugin,
			   const char *cls, const char *key, bool singleton)
{
	json_t *c = json_object_get(json_object_get(state, plugin), cls);

	return singleton ? json_is_object(c)
			 : json_is_object(json_object_get(c, key));
}

static void list_one(struct list_ctx *x, const char *plugin,
		     const char *cls, const char *path, const char *enc)
{
	const struct schema_plugin *sp = schema_plugin_find(x->s, plugin);
	const struct schema_class *sc = sp ? schema_class_find(sp, cls) : NULL;
	bool singleton = sc ? sc->cls->kind == MGMTD_SINGLETON
			    : !strcmp(enc, "_");
	char key[NAME_MAX + 1];
	unsigned long n = 0;
	char **names = NULL, **last = NULL;
	bool present;
	time_t t;

	if (metrics_decode_key(key, sizeof(key), enc) < 0)
		return;
	rrd_clear_error();
	if (rrd_lastupdate_r(path, &t, &n, &names, &last) != 0) {
		log_debug("metrics", "%s: %s", path, rrd_get_error());
		rrd_clear_error();
		return;
	}
	present = object_present(x->state, plugin, cls, key, singleton);
	t = last_update(x->m, t, present);
	for (unsigned long i = 0; i < n; i++) {
		const struct mgmtd_attr *a =
			sc ? metrics_attr_of_ds(sc, names[i]) : NULL;
		const char *attr = a ? a->name : names[i];
		bool stale = !present || !a;
		int counter = a ? (a->flags & MGMTD_A_COUNTER) != 0
				: ds_kind(path, names[i]);
		char id[1024];

		if (x->stale < 0 || x->stale == stale) {
			snprintf(id, sizeof(id), "%s/%s/%s/%s", plugin, cls, enc,
				 attr);
			json_array_append_new(
				x->out,
				json_pack("{s:s,s:s,s:s,s:s?,s:s,s:s,s:s?,s:s?,"
					  "s:b,s:I}",
					  "id", id, "plugin", plugin, "class",
					  cls, "key", singleton ? NULL : key,
					  "attribute", attr, "type",
					  counter > 0 ? "counter" : "gauge",
					  "units", a ? a->units : NULL,
					  "description",
					  a ? a->description : NULL, "stale",
					  stale, "last_update",
					  (json_int_t)t));
		}
		rrd_freemem(names[i]);
		rrd_freemem(last[i]);
	}
	rrd_freemem(names);
	rrd_freemem(last);
}

/* Call fn for each entry of dir not starting with a dot, in name order. */
static void each_entry(const char *dir, void (*fn)(void *, const char *,
						    const char *),
		       void *arg)
{
	struct dirent **ents;
	char path[PATH_MAX];
	int n = scandir(dir, &ents, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     ents[i]->d_name) < sizeof(path))
			fn(arg, path, ents[i]->d_name);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

struct walk {
	struct list_ctx *x;
	const char *want_plugin, *want_cls;
	const char *plugin, *cls;
};

static void walk_file(void *arg, const char *path, const char *name)
{
	struct walk *w = arg;
	size_t n = strlen(name);
	char enc[NAME_MAX + 1];

	/* <key>.rrd; anything else (rrd_tune's temporary files, the
	 * per-attribute directories of earlier versions) is not ours. */
	if (n <= 4 || strcmp(name + n - 4, ".rrd") != 0)
		return;
	memcpy(enc, name, n - 4);
	enc[n - 4] = '\0';
	list_one(w->x, w->plugin, w->cls, path, enc);
}

static void walk_class(void *arg, const char *path, const char *name)
{
	struct walk *w = arg;

	if (w->want_cls && strcmp(w->want_cls, name) != 0)
		return;
	w->cls = name;
	each_entry(path, walk_file, w);
}

static void walk_plugin(void *arg, const char *path, const char *name)
{
	struct walk *w = arg;

	if (w->want_plugin && strcmp(w->want_plugin, name) != 0)
		return;
	w->plugin = name;
	each_entry(path, walk_class, w);
}

json_t *metrics_list(struct metrics *m, const struct schema *s, json_t *state,
		     const char *plugin, const char *cls, int stale)
{
	struct list_ctx x = { .m = m, .s = s, .state = state,
			      .out = json_array(), .stale = stale };
	struct walk w = { .x = &x, .want_plugin = plugin, .want_cls = cls };

	each_entry(m->dir, walk_plugin, &w);
	return json_pack("{s:o}", "series", x.out);
}

/* Whether s is a schema-style name: no path trick can hide in it. */
static bool plain_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* Split id into its four segments, the key decoded. */
static int split_id(const char *id, struct metrics_series *se)
{
	char enc[sizeof(se->key) * 3];
	const char *p = id, *q;
	char *dst[4] = { se->plugin, se->cls, enc, se->attr };
	size_t cap[4] = { sizeof(se->plugin), sizeof(se->cls), sizeof(enc),
			  sizeof(se->attr) };

	for (int i = 0; i < 4; i++) {
		size_t n;

		q = i < 3 ? strchr(p, '/') : p + strlen(p);
		if (!q || (n = (size_t)(q - p)) == 0 || n >= cap[i])
			return -EINVAL;
		memcpy(dst[i], p, n);
		dst[i][n] = '\0';
		p = q + 1;
	}
	if (strchr(se->attr, '/'))
		return -EINVAL;
	return metrics_decode_key(se->key, sizeof(se->key), enc);
}

int metrics_series_resolve(struct metrics *m, const struct schema *s,
			   const char *id, const char *plugin,
			   const char *cls, const char *key, const char *attr,
			   struct metrics_series *se)
{
	const struct schema_plugin *sp;
	const struct schema_class *sc;
	const struct mgmtd_attr *a = NULL;
	int kind;

	memset(se, 0, sizeof(*se));
	if (id && split_id(id, se) < 0)
		return -EINVAL;
	if (!id &&
	    ((size_t)snprintf(se->plugin, sizeof(se->plugin), "%s", plugin) >=
		     sizeof(se->plugin) ||
	     (size_t)snprintf(se->cls, sizeof(se->cls), "%s", cls) >=
		     sizeof(se->cls) ||
	     (size_t)snprintf(se->key, sizeof(se->key), "%s", key) >=
		     sizeof(se->key) ||
	     (size_t)snprintf(se->attr, sizeof(se->attr), "%s", attr) >=
		     sizeof(se->attr)))
		return -ENOENT;
	if (!plain_name(se->plugin) || !plain_name(se->cls) ||
	    !plain_name(se->attr) || !se->key[0])
		return -ENOENT;
	sp = schema_plugin_find(s, se->plugin);
	sc = sp ? schema_class_find(sp, se->cls) : NULL;
	se->singleton = sc ? sc->cls->kind == MGMTD_SINGLETON
			   : !strcmp(se->key, "_");
	if (se->singleton && strcmp(se->key, "_") != 0)
		return -ENOENT;
	for (size_t i = 0; sc && i < sc->n_attrs; i++)
		if (metrics_attr(&sc->cls->attrs[i]) &&
		    !strcmp(sc->cls->attrs[i].name, se->attr))
			a = &sc->cls->attrs[i];
	metrics_ds_name(se->attr, se->ds);
	if (metrics_object_path(m, se->path, sizeof(se->path), se->plugin,
				se->cls, se->singleton ? NULL : se->key) < 0)
		return -ENOENT;
	if ((kind = ds_kind(se->path, se->ds)) < 0)
		return kind;
	se->counter = kind > 0;
	se->units = a ? a->units : NULL;
	se->nonneg = se->counter || !a || a->min >= 0;
	return 0;
}

void metrics_series_id(const struct metrics_series *se, char *buf,
		       size_t len)
{
	char enc[sizeof(se->key) * 3];

	if (se->singleton || metrics_encode_key(enc, sizeof(enc), se->key) < 0)
		strcpy(enc, "_");
	snprintf(buf, len, "%s/%s/%s/%s", se->plugin, se->cls, enc, se->attr);
}

int metrics_parse_times(struct metrics *m, const char *start,
			const char *end, time_t *ts, time_t *te,
			const char **which, char *msg, size_t len)
{
	rrd_time_value_t tv_s, tv_e;
	char *err;
	int rc = -EINVAL;

	/* rrd_parsetime keeps its scanner in statics. */
	pthread_mutex_lock(&m->getopt_lock);
	if ((err = rrd_parsetime(start, &tv_s))) {
		*which = "start";
		snprintf(msg, len, "%s", err);
	} else if ((err = rrd_parsetime(end, &tv_e))) {
		*which = "end";
		snprintf(msg, len, "%s", err);
	} else if (rrd_proc_start_end(&tv_s, &tv_e, ts, te) < 0) {
		*which = "start";
		snprintf(msg, len, "%s", rrd_get_error());
	} else if (*ts >= *te) {
		*which = "start";
		snprintf(msg, len, "must be before end");
	} else {
		rc = 0;
	}
	rrd_clear_error();
	pthread_mutex_unlock(&m->getopt_lock);
	return rc;
}

json_t *metrics_fetch(struct metrics *m, const struct metrics_series *se,
		      time_t start, time_t end, unsigned long resolution,
		      const char *cf, char *msg, size_t len)
{
	unsigned long step = resolution ? resolution : m->step, n_ds = 0;
	time_t want_end = end;
	char **names = NULL, id[1024];
	rrd_value_t *data = NULL;
	json_t *points, *out;
	unsigned long col;

	metrics_flush(m, se->path);
	rrd_clear_error();
	if (rrd_fetch_r(se->path, cf, &start, &end, &step, &n_ds, &names,
			&data) != 0) {
		snprintf(msg, len, "%s", rrd_get_error());
		rrd_clear_error();
		return NULL;
	}
	for (col = 0; col < n_ds && strcmp(names[col], se->ds) != 0; col++)
		;
	/* rrd_fetch_r rounds end up to a whole step: no point past the end
	 * asked for. */
	if (end > want_end)
		end = want_end - want_end % (time_t)step;
	points = json_array();
	for (time_t t = start + (time_t)step; col < n_ds && t <= end;
	     t += (time_t)step) {
		double v = data[(size_t)((t - start) / (time_t)step - 1) * n_ds +
				col];

		json_array_append_new(
			points, json_pack("[I,o]", (json_int_t)t,
					  isnan(v) ? json_null() : json_real(v)));
	}
	for (unsigned long i = 0; i < n_ds; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
	metrics_series_id(se, id, sizeof(id));
	out = json_pack("{s:s,s:I,s:I,s:I,s:s,s:s?,s:o}", "id", id, "start",
			(json_int_t)start, "end", (json_int_t)end, "step",
			(json_int_t)step, "cf", cf, "units", se->units,
			"points", points);
	return out;
}
