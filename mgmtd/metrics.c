/* Metrics in RRD archives through librrd: see metrics.h. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rrd.h>

#include "fileutil.h"
#include "log.h"
#include "metrics.h"

struct metrics {
	char *dir;
	unsigned step;
};

int metrics_open(const char *dir, unsigned step, struct metrics **out)
{
	struct metrics *m;
	int rc;

	if (step == 0)
		return -EINVAL;
	if ((rc = fileutil_mkdir_p(dir, 0700)) < 0)
		return rc;
	if (!(m = calloc(1, sizeof(*m))) || !(m->dir = strdup(dir))) {
		free(m);
		return -ENOMEM;
	}
	m->step = step;
	*out = m;
	return 0;
}

void metrics_close(struct metrics *m)
{
	if (!m)
		return;
	free(m->dir);
	free(m);
}

/* One path segment: percent-encode all but [A-Za-z0-9_-.:], and a leading
 * dot (so "." and ".." cannot appear). */
static int encode_segment(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	if (!*s)
		s = "%";
	for (size_t i = 0; s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];
		bool plain = (ch >= 'a' && ch <= 'z') ||
			     (ch >= 'A' && ch <= 'Z') ||
			     (ch >= '0' && ch <= '9') || ch == '_' ||
			     ch == '-' || ch == ':' || (ch == '.' && i > 0);

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

int metrics_series_path(const struct metrics *m, char *buf, size_t len,
			const char *plugin, const char *cls, const char *key,
			const char *attr)
{
	char k[NAME_MAX + 1];
	int n;

	if (!key)
		strcpy(k, "_");
	else if (encode_segment(k, sizeof(k), key) < 0)
		return -ENAMETOOLONG;
	n = snprintf(buf, len, "%s/%s/%s/%s/%s.rrd", m->dir, plugin, cls, k,
		     attr);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int create_rrd(const struct metrics *m, const char *path,
		      bool counter, time_t now)
{
	unsigned s = m->step;
	unsigned per5 = s >= 300 ? 1 : 300 / s;
	unsigned per_h = s >= 3600 ? 1 : 3600 / s;
	char ds[64], r1[64], r2[64], r3[64], r4[64];
	const char *argv[5] = { ds, r1, r2, r3, r4 };
	int rc;

	snprintf(ds, sizeof(ds), "DS:value:%s:%u:%s",
		 counter ? "DERIVE" : "GAUGE", 2 * s, counter ? "0:U" : "U:U");
	snprintf(r1, sizeof(r1), "RRA:AVERAGE:0.5:1:%u",
		 86400 / s ? 86400 / s : 1);
	snprintf(r2, sizeof(r2), "RRA:AVERAGE:0.5:%u:%u", per5,
		 (30u * 86400) / (per5 * s));
	snprintf(r3, sizeof(r3), "RRA:MAX:0.5:%u:%u", per5,
		 (30u * 86400) / (per5 * s));
	snprintf(r4, sizeof(r4), "RRA:AVERAGE:0.5:%u:%u", per_h,
		 (365u * 86400) / (per_h * s));
	rrd_clear_error();
	rc = rrd_create_r(path, s, now - 1, 5, argv);
	if (rc != 0) {
		log_warn("metrics", "cannot create %s: %s", path,
			 rrd_get_error());
		rrd_clear_error();
		return -EIO;
	}
	return 0;
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

/* One series: 1 updated, 0 skipped, negative errno for a write error. */
static int sample_one(struct metrics *m, const char *plugin,
		      const char *cls, const char *key,
		      const struct mgmtd_attr *a, json_t *v, time_t now)
{
	bool counter = a->flags & MGMTD_A_COUNTER;
	char path[PATH_MAX], upd[128];
	const char *argv[1] = { upd };
	struct stat st;
	int rc;

	if (json_is_integer(v))
		snprintf(upd, sizeof(upd), "%lld:%" JSON_INTEGER_FORMAT,
			 (long long)now, json_integer_value(v));
	else if (json_is_real(v) && !counter)
		snprintf(upd, sizeof(upd), "%lld:%.17g", (long long)now,
			 json_real_value(v));
	else if (json_is_real(v))
		snprintf(upd, sizeof(upd), "%lld:%.0f", (long long)now,
			 json_real_value(v));
	else
		return 0;
	if (metrics_series_path(m, path, sizeof(path), plugin, cls, key,
				a->name) < 0)
		return 0;
	if (stat(path, &st) < 0) {
		if ((rc = mkdir_parent(path)) < 0) {
			log_warn("metrics", "cannot create the directory of %s: %s",
				 path, strerror(-rc));
			return rc;
		}
		if ((rc = create_rrd(m, path, counter, now)) < 0)
			return rc;
	}
	rrd_clear_error();
	if (rrd_update_r(path, NULL, 1, argv) != 0) {
		log_debug("metrics", "%s: %s", path, rrd_get_error());
		rrd_clear_error();
		return 0;
	}
	return 1;
}

static bool metric_attr(const struct mgmtd_attr *a)
{
	return (a->flags & (MGMTD_A_GAUGE | MGMTD_A_COUNTER)) &&
	       !(a->flags & MGMTD_A_LIST);
}

static int sample_object(struct metrics *m, const char *plugin,
			 const struct schema_class *sc, const char *key,
			 json_t *obj, time_t now, int *n)
{
	for (size_t i = 0; i < sc->n_attrs; i++) {
		const struct mgmtd_attr *a = &sc->cls->attrs[i];
		json_t *v;
		int rc;

		if (!metric_attr(a) || !(v = json_object_get(obj, a->name)))
			continue;
		if ((rc = sample_one(m, plugin, sc->cls->name, key, a, v,
				     now)) < 0)
			return rc;
		*n += rc;
	}
	return 0;
}

int metrics_sample(struct metrics *m, const struct schema *s, json_t *state,
		   time_t now)
{
	const char *pname;
	json_t *pstate;
	int n = 0, rc;

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
							cstate, now, &n)) < 0)
					return rc;
				continue;
			}
			json_object_foreach(cstate, key, obj) {
				if (!json_is_object(obj))
					continue;
				if ((rc = sample_object(m, pname, sc, key,
							obj, now, &n)) < 0)
					return rc;
			}
		}
	}
	return n;
}
