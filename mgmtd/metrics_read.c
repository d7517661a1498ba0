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

#define SPAN_MAX ((time_t)10 * 366 * 86400)

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
	} else if (*te - *ts > SPAN_MAX) {
		/* The archives keep a year; rrd_graph takes seconds over a
		 * range of centuries, with every other graph waiting. */
		*which = "start";
		snprintf(msg, len, "must be at most 10 years before end");
	} else {
		rc = 0;
	}
	rrd_clear_error();
	pthread_mutex_unlock(&m->getopt_lock);
	return rc;
}

/* At most this many points in one answer (an hourly year is 8,760). */
#define POINTS_MAX 100000
#define RRA_MAX 16

/* The archive metrics_fetch reads: its step and the times it holds,
 * (from, to]. */
struct rra_pick {
	time_t step, from, to;
};

/* What archives are compared for. */
struct rra_want {
	time_t start, span, step;
};

static time_t distance(time_t a, time_t b)
{
	return a > b ? a - b : b - a;
}

/* Whether archive a serves w better than b: one that gives at most
 * POINTS_MAX points (else the coarsest); then one that holds the start
 * (else the one that holds most); then the step closest to the one
 * asked, as rrd_fetch chooses; then the finest. */
static bool rra_better(const struct rra_pick *a, const struct rra_pick *b,
		       const struct rra_want *w)
{
	bool a_fits = w->span / a->step < POINTS_MAX,
	     b_fits = w->span / b->step < POINTS_MAX;
	bool a_holds = a->from <= w->start, b_holds = b->from <= w->start;

	if (a_fits != b_fits)
		return a_fits;
	if (!a_fits)
		return a->step > b->step;
	if (a_holds != b_holds)
		return a_holds;
	if (!a_holds && a->from != b->from)
		return a->from < b->from;
	if (distance(a->step, w->step) != distance(b->step, w->step))
		return distance(a->step, w->step) < distance(b->step, w->step);
	return a->step < b->step;
}

/* The archive of path consolidated by cf that metrics_fetch reads for w.
 * -ENOENT if there is none. */
static int pick_rra(const char *path, const char *cf,
		    const struct rra_want *w, struct rra_pick *out)
{
	unsigned long step = 0, last = 0, rows[RRA_MAX] = { 0 },
		      per[RRA_MAX] = { 0 };
	bool same_cf[RRA_MAX] = { false };
	rrd_info_t *info, *i;
	int rc = -ENOENT;

	rrd_clear_error();
	if (!(info = rrd_info_r(path))) {
		rrd_clear_error();
		return -ENOENT;
	}
	for (i = info; i; i = i->next) {
		unsigned k;
		char field[16];

		if (i->type == RD_I_CNT && !strcmp(i->key, "step"))
			step = i->value.u_cnt;
		else if (i->type == RD_I_CNT && !strcmp(i->key, "last_update"))
			last = i->value.u_cnt;
		else if (sscanf(i->key, "rra[%u].%15[a-z_]", &k, field) != 2 ||
			 k >= RRA_MAX)
			continue;
		else if (i->type == RD_I_STR && !strcmp(field, "cf"))
			same_cf[k] = !strcmp(i->value.u_str, cf);
		else if (i->type == RD_I_CNT && !strcmp(field, "rows"))
			rows[k] = i->value.u_cnt;
		else if (i->type == RD_I_CNT && !strcmp(field, "pdp_per_row"))
			per[k] = i->value.u_cnt;
	}
	rrd_info_free(info);
	for (unsigned k = 0; k < RRA_MAX; k++) {
		struct rra_pick c = { .step = (time_t)(step * per[k]) };

		/* An archive of one step a row is every consolidation at
		 * once: rrd_fetch takes it for any cf. */
		if (!(same_cf[k] || per[k] == 1) || c.step <= 0 || !rows[k])
			continue;
		/* As rrd_fetch sees it: the last row ends at the last update
		 * rounded down to the step. */
		c.to = (time_t)last - (time_t)last % c.step;
		c.from = c.to - c.step * (time_t)rows[k];
		if (rc < 0 || rra_better(&c, out, w))
			*out = c;
		rc = 0;
	}
	return rc;
}

/* The column of ds in a fetch's names, or n_ds. */
static unsigned long ds_col(char **names, unsigned long n_ds, const char *ds)
{
	unsigned long col;

	for (col = 0; col < n_ds && strcmp(names[col], ds) != 0; col++)
		;
	return col;
}

/* The archive is chosen here, not by rrd_fetch: where no archive holds
 * the whole range (a range past the last update: a stale series, a
 * future end), rrd_fetch takes the one that covers most, often the
 * finest whatever the resolution asked, and allocates a row per step:
 * a year at one second is 30 million rows per data source.  Asking only
 * for what the chosen archive holds makes it the one rrd_fetch takes. */
json_t *metrics_fetch(struct metrics *m, const struct metrics_series *se,
		      time_t start, time_t end, unsigned long resolution,
		      const char *cf, char *msg, size_t len)
{
	struct rra_want w = {
		.start = start, .span = end - start,
		.step = (time_t)(resolution ? resolution : m->step),
	};
	unsigned long fstep, n_ds = 0, col = 0;
	char **names = NULL, id[1024];
	rrd_value_t *data = NULL;
	struct rra_pick r = { 0 };
	time_t step, first, last, fs, fe;
	json_t *points;

	if (end <= start) {
		snprintf(msg, len, "start must be before end");
		errno = EINVAL;
		return NULL;
	}
	metrics_flush(m, se->path);
	if (pick_rra(se->path, cf, &w, &r) < 0) {
		snprintf(msg, len, "no %s archive in %s", cf, se->path);
		errno = ENOENT;
		return NULL;
	}
	step = r.step;
	/* The points (t - step, t] with t on the archive's step, as
	 * rrd_fetch rounds. */
	first = start - start % step + step;
	last = end - end % step;
	if (last >= first && (last - first) / step >= POINTS_MAX) {
		snprintf(msg, len,
			 "more than %d points: ask for a shorter range or a "
			 "coarser resolution",
			 POINTS_MAX);
		errno = E2BIG;
		return NULL;
	}
	fs = start > r.from ? start : r.from;
	fe = end < r.to ? end : r.to;
	fstep = (unsigned long)step;
	if (fs < fe) {
		rrd_clear_error();
		if (rrd_fetch_r(se->path, cf, &fs, &fe, &fstep, &n_ds, &names,
				&data) != 0) {
			snprintf(msg, len, "%s", rrd_get_error());
			rrd_clear_error();
			errno = EIO;
			return NULL;
		}
		col = ds_col(names, n_ds, se->ds);
	}
	points = json_array();
	for (time_t t = first; t <= last; t += step) {
		double v = NAN;

		/* Row k of the fetch is (fs + k * fstep, fs + (k + 1) *
		 * fstep]. */
		if (data && col < n_ds && (time_t)fstep == step && t > fs &&
		    t <= fe)
			v = data[(size_t)((t - fs) / step - 1) * n_ds + col];
		json_array_append_new(
			points, json_pack("[I,o]", (json_int_t)t,
					  isnan(v) ? json_null() : json_real(v)));
	}
	for (unsigned long i = 0; i < n_ds; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
	metrics_series_id(se, id, sizeof(id));
	return json_pack("{s:s,s:I,s:I,s:I,s:s,s:s?,s:o}", "id", id, "start",
			 (json_int_t)(first - step), "end",
			 (json_int_t)(last < first ? first - step : last),
			 "step", (json_int_t)step, "cf", cf, "units", se->units,
			 "points", points);
}
