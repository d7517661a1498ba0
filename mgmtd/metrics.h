/* Metrics: every numeric state attribute flagged MGMTD_A_GAUGE or
 * MGMTD_A_COUNTER, sampled after each collect into one RRD file per
 * object, <dir>/<plugin>/<class>/<key>.rrd, with one data source per
 * attribute (singletons use the key "_"; keys are percent-encoded to stay
 * one path segment; DS names: metrics_ds_name).  Updates go through
 * rrdcached when an address is given.  Files of objects that disappear are
 * kept and listed as stale.  A series, as the API names it, is one
 * attribute of one object: "<plugin>/<class>/<key>/<attribute>".  Built
 * only with librrd (HAVE_LIBRRD). */
#ifndef MGMTD_METRICS_H
#define MGMTD_METRICS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "schema.h"

struct metrics;

/* A DS name holds at most 19 characters of [A-Za-z0-9_]. */
#define METRICS_DS_MAX 19

/* Keep archives under dir (created), one primary point per step seconds;
 * rrdcached: its address ("unix:/path", "host:port") or NULL to write the
 * files directly.  An rrdcached that cannot be reached now is retried at
 * each sample (files are written directly meanwhile).  Returns 0 and
 * *out. */
int metrics_open(const char *dir, unsigned step, const char *rrdcached,
		 struct metrics **out);
void metrics_close(struct metrics *m);

/* Update (creating on first sight) the archive of every object that has a
 * flagged numeric attribute in state ({plugin: {class: {attr} | {key:
 * {attr}}}}, borrowed) at time now.  Returns the number of series (values)
 * written, or a negative errno if the directory cannot be written; an
 * object that fails alone (an update not later than the previous one) is
 * logged and skipped.  One thread at a time. */
int metrics_sample(struct metrics *m, const struct schema *s, json_t *state,
		   time_t now);

/* The DS name of attribute attr into buf (METRICS_DS_MAX + 1 bytes): the
 * name itself when it fits, else its first 12 characters (others than
 * [A-Za-z0-9_] made '_'), '_' and 6 hex digits of a hash of the whole
 * name, so that the schema maps it back. */
void metrics_ds_name(const char *attr, char *buf);

/* One path segment: all but [A-Za-z0-9_.:-] percent-encoded, and a
 * leading dot.  Returns 0 or -ENAMETOOLONG. */
int metrics_encode_key(char *buf, size_t len, const char *key);

/* The file of one object in buf (key NULL for singletons).  Returns 0, or
 * -ENAMETOOLONG. */
int metrics_object_path(const struct metrics *m, char *buf, size_t len,
			const char *plugin, const char *cls, const char *key);

/* The series stored, as {"series": [...]} (new reference): each with id,
 * plugin, class, key (null for singletons), attribute, type, units,
 * description, stale (its object is not in state, or its attribute not in
 * the schema) and last_update.  plugin, cls: filters or NULL; stale: -1
 * any, 0 live only, 1 stale only. */
json_t *metrics_list(struct metrics *m, const struct schema *s, json_t *state,
		     const char *plugin, const char *cls, int stale);

/* What a request names: one series. */
struct metrics_series {
	char plugin[64], cls[64], key[256], attr[64];
	bool singleton;      /* key "_" of a singleton class */
	bool counter;        /* DERIVE: comes out as a rate per second */
	bool nonneg;         /* never below zero */
	char ds[METRICS_DS_MAX + 1];
	char path[4096];
	const char *units;   /* from the schema, or NULL */
};

/* Resolve id ("<plugin>/<class>/<key>/<attribute>", the key percent-
 * encoded) or its parts (key decoded; NULL segments: take them from id).
 * Returns 0, -EINVAL (malformed) or -ENOENT (no such series stored). */
int metrics_series_resolve(struct metrics *m, const struct schema *s,
			   const char *id, const char *plugin,
			   const char *cls, const char *key, const char *attr,
			   struct metrics_series *out);
/* The id of a resolved series into buf. */
void metrics_series_id(const struct metrics_series *se, char *buf,
		       size_t len);

/* Parse rrdtool at-style times ("-1h", "now", epoch seconds) into *start
 * and *end.  Returns 0, or -EINVAL naming the bad one ("start" or "end")
 * in *which with rrdtool's reason in msg (start must be before end, and
 * at most ten years before). */
int metrics_parse_times(struct metrics *m, const char *start,
			const char *end, time_t *ts, time_t *te,
			const char **which, char *msg, size_t len);

/* The points of se between start and end at about resolution seconds (0:
 * the finest) with consolidation cf ("AVERAGE", "MAX"), as {"id", "start",
 * "end", "step", "cf", "units", "points": [[t, v|null], ...]} (new
 * reference), or NULL with the reason in msg and errno set (E2BIG: more
 * than 100,000 points even at the coarsest resolution kept).  The step is
 * that of the archive read: of those giving at most 100,000 points, one
 * that holds the start, its step closest to resolution (what rrdtool
 * chooses when an archive holds the whole range). */
json_t *metrics_fetch(struct metrics *m, const struct metrics_series *se,
		      time_t start, time_t end, unsigned long resolution,
		      const char *cf, char *msg, size_t len);

struct metrics_graph_opts {
	time_t start, end;
	unsigned width, height; /* of the whole image */
	const char *title;      /* NULL or "": derived from the series */
};

/* Draw the series (n of them) into a PNG of exactly width x height.
 * Returns 0 and *png (free it) of *len bytes, or a negative errno with
 * the reason in msg. */
int metrics_graph(struct metrics *m, const struct metrics_series *se,
		  size_t n, const struct metrics_graph_opts *o,
		  unsigned char **png, size_t *len, char *msg, size_t mlen);

#endif
