/* Metrics in RRD archives through librrd: the collector side (see
 * metrics.h).  Reading (list, fetch) is in metrics_read.c, drawing in
 * metrics_graph.c. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileutil.h"
#include "log.h"
#include "metrics_internal.h"

void metrics_pipe_block(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

void metrics_pipe_restore(const sigset_t *old)
{
	struct timespec zero = { 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	/* Take the SIGPIPE a failed send left pending, if it was ours. */
	if (!sigismember(old, SIGPIPE))
		while (sigtimedwait(&set, NULL, &zero) > 0)
			;
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* Connect (again) to rrdcached; quiet after the first failure until it
 * works again. */
static void client_connect(struct metrics *m)
{
	sigset_t old;

	pthread_mutex_lock(&m->client_lock);
	metrics_pipe_block(&old);
	if (!rrdc_is_connected(m->rrdcached)) {
		rrd_clear_error();
		if (rrdc_connect(m->rrdcached) != 0) {
			if (!m->client_warned)
				log_warn("metrics",
					 "rrdcached at %s: %s; writing the "
					 "files directly meanwhile",
					 m->rrdcached, rrd_get_error());
			m->client_warned = true;
			rrd_clear_error();
		} else if (m->client_warned) {
			log_info("metrics", "rrdcached at %s reached",
				 m->rrdcached);
			m->client_warned = false;
		}
	}
	metrics_pipe_restore(&old);
	pthread_mutex_unlock(&m->client_lock);
}

int metrics_open(const char *dir, unsigned step, const char *rrdcached,
		 struct metrics **out)
{
	struct metrics *m;
	int rc;

	if (step == 0)
		return -EINVAL;
	if ((rc = fileutil_mkdir_p(dir, 0700)) < 0)
		return rc;
	if (!(m = calloc(1, sizeof(*m))))
		return -ENOMEM;
	m->step = step;
	m->dir = strdup(dir);
	m->files = json_object();
	if (rrdcached && *rrdcached)
		m->rrdcached = strdup(rrdcached);
	if (!m->dir || !m->files || (rrdcached && *rrdcached && !m->rrdcached)) {
		free(m->dir);
		free(m->rrdcached);
		json_decref(m->files);
		free(m);
		return -ENOMEM;
	}
	pthread_mutex_init(&m->client_lock, NULL);
	pthread_mutex_init(&m->getopt_lock, NULL);
	if (m->rrdcached)
		client_connect(m);
	*out = m;
	return 0;
}

void metrics_close(struct metrics *m)
{
	if (!m)
		return;
	/* rrdcached writes what it holds of ours at its own pace: nothing
	 * is lost by leaving. */
	if (m->rrdcached && rrdc_is_connected(m->rrdcached))
		rrdc_disconnect();
	pthread_mutex_destroy(&m->client_lock);
	pthread_mutex_destroy(&m->getopt_lock);
	json_decref(m->files);
	free(m->rrdcached);
	free(m->dir);
	free(m);
}

void metrics_flush(struct metrics *m, const char *path)
{
	sigset_t old;

	if (!m->rrdcached)
		return;
	pthread_mutex_lock(&m->client_lock);
	metrics_pipe_block(&old);
	if (rrdc_is_connected(m->rrdcached)) {
		rrd_clear_error();
		if (rrdc_flush(path) != 0) {
			/* A file rrdcached holds nothing of answers an
			 * error too: not worth more than debug. */
			log_debug("metrics", "flush %s: %s", path,
				  rrd_get_error());
			rrd_clear_error();
		}
	}
	metrics_pipe_restore(&old);
	pthread_mutex_unlock(&m->client_lock);
}

static bool ds_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_';
}

void metrics_ds_name(const char *attr, char *buf)
{
	size_t n = strlen(attr);
	bool plain = n > 0 && n <= METRICS_DS_MAX;
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; plain && i < n; i++)
		plain = ds_char((unsigned char)attr[i]);
	if (plain) {
		memcpy(buf, attr, n + 1);
		return;
	}
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)attr[i]) * 16777619u;
	for (size_t i = 0; i < 12; i++)
		buf[i] = i < n && ds_char((unsigned char)attr[i]) ? attr[i]
								  : '_';
	snprintf(buf + 12, METRICS_DS_MAX + 1 - 12, "_%06" PRIx32,
		 h & 0xffffffu);
}

int metrics_encode_key(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	if (!*s)
		s = "%";
	for (size_t i = 0; s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];
		bool plain = ds_char(ch) || ch == '-' || ch == ':' ||
			     (ch == '.' && i > 0);

		if (o + 4 > len)
			return -ENAMETOOLONG;
		if (plain)
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, len - o, "%%%02X", ch);
	}
	buf[o] = '\0';
	return 0;
}

int metrics_object_path(const struct metrics *m, char *buf, size_t len,
			const char *plugin, const char *cls, const char *key)
{
	char k[NAME_MAX + 1 - 4];
	int n;

	if (!key)
		strcpy(k, "_");
	else if (metrics_encode_key(k, sizeof(k), key) < 0)
		return -ENAMETOOLONG;
	n = snprintf(buf, len, "%s/%s/%s/%s.rrd", m->dir, plugin, cls, k);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool metrics_attr(const struct mgmtd_attr *a)
{
	return (a->flags & (MGMTD_A_GAUGE | MGMTD_A_COUNTER)) &&
	       !(a->flags & MGMTD_A_LIST) &&
	       (a->type == MGMTD_T_INT || a->type == MGMTD_T_SIZE ||
		a->type == MGMTD_T_DURATION);
}

/* "DS:<name>:GAUGE|DERIVE:<heartbeat>:<min>:U" of a into buf. */
static void ds_spec(const struct metrics *m, const struct mgmtd_attr *a,
		    char *buf, size_t len)
{
	char name[METRICS_DS_MAX + 1];
	bool counter = a->flags & MGMTD_A_COUNTER;

	metrics_ds_name(a->name, name);
	/* A counter that goes back (a reset) is unknown, not a spike.  The
	 * heartbeat forgives a late collect or two (a short step jitters
	 * by more than itself). */
	snprintf(buf, len, "DS:%s:%s:%u:%s", name,
		 counter ? "DERIVE" : "GAUGE",
		 m->step >= 10 ? 2 * m->step : m->step + 10,
		 counter ? "0:U" : "U:U");
}

#define N_RRA 4
#define SPEC_LEN 64

/* Create path with a DS for every sampled attribute of sc and the RRAs:
 * full resolution for a day, 5-minute AVERAGE and MAX for 30 days,
 * hourly AVERAGE for a year. */
static int create_rrd(const struct metrics *m, const char *path,
		      const struct schema_class *sc, time_t now)
{
	unsigned s = m->step;
	unsigned per5 = s >= 300 ? 1 : 300 / s;
	unsigned per_h = s >= 3600 ? 1 : 3600 / s;
	char (*spec)[SPEC_LEN] = calloc(sc->n_attrs + N_RRA, SPEC_LEN);
	const char **argv = calloc(sc->n_attrs + N_RRA, sizeof(*argv));
	int argc = 0, rc = -ENOMEM;

	if (!spec || !argv)
		goto out;
	for (size_t i = 0; i < sc->n_attrs; i++)
		if (metrics_attr(&sc->cls->attrs[i]))
			ds_spec(m, &sc->cls->attrs[i], spec[argc++], SPEC_LEN);
	snprintf(spec[argc++], SPEC_LEN, "RRA:AVERAGE:0.5:1:%u",
		 86400 / s ? 86400 / s : 1);
	snprintf(spec[argc++], SPEC_LEN, "RRA:AVERAGE:0.5:%u:%u", per5,
		 (30u * 86400) / (per5 * s));
	snprintf(spec[argc++], SPEC_LEN, "RRA:MAX:0.5:%u:%u", per5,
		 (30u * 86400) / (per5 * s));
	snprintf(spec[argc++], SPEC_LEN, "RRA:AVERAGE:0.5:%u:%u", per_h,
		 (365u * 86400) / (per_h * s));
	for (int i = 0; i < argc; i++)
		argv[i] = spec[i];
	rrd_clear_error();
	rc = 0;
	if (rrd_create_r(path, s, now - 1, argc, argv) != 0) {
		log_warn("metrics", "cannot create %s: %s", path,
			 rrd_get_error());
		rrd_clear_error();
		rc = -EIO;
	}
out:
	free(spec);
	free(argv);
	return rc;
}

/* The DS names of an existing file, in its order (new reference), or
 * NULL. */
static json_t *file_ds(const char *path)
{
	unsigned long n = 0;
	char **names = NULL, **last = NULL;
	time_t t;
	json_t *ds;

	rrd_clear_error();
	if (rrd_lastupdate_r(path, &t, &n, &names, &last) != 0) {
		log_warn("metrics", "cannot read %s: %s", path,
			 rrd_get_error());
		rrd_clear_error();
		return NULL;
	}
	ds = json_array();
	for (unsigned long i = 0; i < n; i++) {
		json_array_append_new(ds, json_string(names[i]));
		rrd_freemem(names[i]);
		rrd_freemem(last[i]);
	}
	rrd_freemem(names);
	rrd_freemem(last);
	return ds;
}

static bool ds_has(json_t *ds, const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach(ds, i, v)
		if (!strcmp(json_string_value(v), name))
			return true;
	return false;
}

/* Add to path a DS for each sampled attribute of sc that it lacks (a
 * plugin gained one): rrd_tune copies the file with the new DS unknown
 * so far.  Returns the new DS list (new reference) or NULL. */
static json_t *add_missing_ds(struct metrics *m, const char *path,
			      const struct schema_class *sc, json_t *ds)
{
	char (*spec)[SPEC_LEN] = calloc(sc->n_attrs, SPEC_LEN);
	char **argv = calloc(sc->n_attrs + 2, sizeof(*argv));
	int argc = 2, rc;

	if (!spec || !argv)
		goto fail;
	argv[0] = (char *)"tune";
	argv[1] = (char *)path;
	for (size_t i = 0; i < sc->n_attrs; i++) {
		const struct mgmtd_attr *a = &sc->cls->attrs[i];
		char name[METRICS_DS_MAX + 1];

		metrics_ds_name(a->name, name);
		if (!metrics_attr(a) || ds_has(ds, name))
			continue;
		ds_spec(m, a, spec[argc - 2], SPEC_LEN);
		argv[argc] = spec[argc - 2];
		argc++;
	}
	metrics_flush(m, path);
	pthread_mutex_lock(&m->getopt_lock);
	optind = 0;
	opterr = 0;
	rrd_clear_error();
	rc = rrd_tune(argc, argv);
	if (rc != 0)
		log_warn("metrics", "cannot add data sources to %s: %s", path,
			 rrd_get_error());
	else
		log_info("metrics", "%s: %d data source(s) added", path,
			 argc - 2);
	rrd_clear_error();
	pthread_mutex_unlock(&m->getopt_lock);
	if (rc != 0)
		goto fail;
	free(spec);
	free(argv);
	return file_ds(path);
fail:
	free(spec);
	free(argv);
	return NULL;
}

/* Make the directories of path (everything before its last slash). */
static int mkdir_parent(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if (!(slash = strrchr(dir, '/')))
		return 0;
	*slash = '\0';
	return fileutil_mkdir_p(dir, 0700);
}

/* The DS list of the object's file (borrowed from m->files), creating the
 * file or adding data sources as needed; NULL with *err set (negative
 * errno for a directory that cannot be written, 0 for a file skipped). */
static json_t *object_file(struct metrics *m, const char *path,
			   const struct schema_class *sc, time_t now, int *err)
{
	json_t *ds = json_object_get(m->files, path), *nds;
	struct stat st;
	int rc;

	*err = 0;
	if (ds)
		return ds;
	if (stat(path, &st) < 0) {
		if ((rc = mkdir_parent(path)) < 0) {
			log_warn("metrics", "cannot create the directory of %s: %s",
				 path, strerror(-rc));
			*err = rc;
			return NULL;
		}
		if (create_rrd(m, path, sc, now) < 0)
			return NULL;
	}
	if (!(ds = file_ds(path)))
		return NULL;
	for (size_t i = 0; i < sc->n_attrs; i++) {
		char name[METRICS_DS_MAX + 1];

		metrics_ds_name(sc->cls->attrs[i].name, name);
		if (metrics_attr(&sc->cls->attrs[i]) && !ds_has(ds, name)) {
			nds = add_missing_ds(m, path, sc, ds);
			json_decref(ds);
			if (!(ds = nds))
				return NULL;
			break;
		}
	}
	json_object_set_new(m->files, path, ds);
	return ds;
}

/* The text of one value for an update, or false when v is not numeric. */
static bool value_text(const struct mgmtd_attr *a, json_t *v, char *buf,
		       size_t len)
{
	if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
	else if (json_is_real(v) && !(a->flags & MGMTD_A_COUNTER))
		snprintf(buf, len, "%.17g", json_real_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.0f", json_real_value(v));
	else
		return false;
	return true;
}

const struct mgmtd_attr *metrics_attr_of_ds(const struct schema_class *sc,
					   const char *ds)
{
	for (size_t i = 0; i < sc->n_attrs; i++) {
		char name[METRICS_DS_MAX + 1];

		if (!metrics_attr(&sc->cls->attrs[i]))
			continue;
		metrics_ds_name(sc->cls->attrs[i].name, name);
		if (!strcmp(name, ds))
			return &sc->cls->attrs[i];
	}
	return NULL;
}

static int write_update(struct metrics *m, const char *path, const char *upd)
{
	const char *argv[1] = { upd };
	bool cached = false;
	sigset_t old;
	int rc = 0;

	if (m->rrdcached) {
		pthread_mutex_lock(&m->client_lock);
		metrics_pipe_block(&old);
		if (rrdc_is_connected(m->rrdcached)) {
			cached = true;
			rrd_clear_error();
			rc = rrdc_update(path, 1, argv);
		}
		metrics_pipe_restore(&old);
		pthread_mutex_unlock(&m->client_lock);
	}
	if (!cached) {
		rrd_clear_error();
		rc = rrd_update_r(path, NULL, 1, argv);
	}
	if (rc != 0) {
		log_debug("metrics", "%s: %s", path, rrd_get_error());
		rrd_clear_error();
	}
	return rc;
}

/* One object: the number of values written (0: skipped), or a negative
 * errno for a directory that cannot be written. */
static int sample_object(struct metrics *m, const char *plugin,
			 const struct schema_class *sc, const char *key,
			 json_t *obj, time_t now)
{
	char path[PATH_MAX], val[64], *upd;
	size_t i, o, cap;
	json_t *ds, *d;
	int n = 0, err;

	for (i = 0; i < sc->n_attrs && !n; i++)
		n = metrics_attr(&sc->cls->attrs[i]) &&
		    json_is_number(json_object_get(obj, sc->cls->attrs[i].name));
	if (!n ||
	    metrics_object_path(m, path, sizeof(path), plugin, sc->cls->name,
				key) < 0)
		return 0;
	if (!(ds = object_file(m, path, sc, now, &err)))
		return err;
	cap = 24 + json_array_size(ds) * 26;
	if (!(upd = malloc(cap)))
		return -ENOMEM;
	o = (size_t)snprintf(upd, cap, "%lld", (long long)now);
	n = 0;
	json_array_foreach(ds, i, d) {
		const struct mgmtd_attr *a =
			metrics_attr_of_ds(sc, json_string_value(d));
		json_t *v = a ? json_object_get(obj, a->name) : NULL;

		if (v && value_text(a, v, val, sizeof(val)))
			n++;
		else
			strcpy(val, "U");
		o += (size_t)snprintf(upd + o, cap - o, ":%.24s", val);
	}
	if (o >= cap || write_update(m, path, upd) != 0)
		n = 0;
	free(upd);
	return n;
}

int metrics_sample(struct metrics *m, const struct schema *s, json_t *state,
		   time_t now)
{
	const char *pname;
	json_t *pstate;
	int n = 0, rc;

	if (m->rrdcached)
		client_connect(m);
	json_object_foreach(state, pname, pstate) {
		const struct schema_plugin *sp = schema_plugin_find(s, pname);
		const char *cname;
		json_t *cstate;

		if (!sp || !json_is_object(pstate))
			continue;
		json_object_foreach(pstate, cname, cstate) {
			const struct schema_class *sc =
				schema_class_find(sp, cname);
			const char *key;
			json_t *obj;

			if (!sc || !json_is_object(cstate))
				continue;
			if (sc->cls->kind == MGMTD_SINGLETON) {
				if ((rc = sample_object(m, pname, sc, NULL,
							cstate, now)) < 0)
					return rc;
				n += rc;
				continue;
			}
			json_object_foreach(cstate, key, obj) {
				if (!json_is_object(obj))
					continue;
				if ((rc = sample_object(m, pname, sc, key,
							obj, now)) < 0)
					return rc;
				n += rc;
			}
		}
	}
	atomic_store(&m->last_sample, (long long)now);
	return n;
}
