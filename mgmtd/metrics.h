/* Metrics: every numeric state attribute flagged MGMTD_A_GAUGE or
 * MGMTD_A_COUNTER, sampled after each collect into one RRD file per
 * series, <dir>/<plugin>/<class>/<key>/<attr>.rrd (singletons use the key
 * "_"; keys are percent-encoded to stay one path segment).  Built only
 * with librrd (HAVE_LIBRRD). */
#ifndef MGMTD_METRICS_H
#define MGMTD_METRICS_H

#include <jansson.h>
#include <time.h>

#include "schema.h"

struct metrics;

/* Keep archives under dir (created), one primary point per step seconds.
 * Returns 0 and *out. */
int metrics_open(const char *dir, unsigned step, struct metrics **out);
void metrics_close(struct metrics *m);

/* Update (creating on first sight) the archive of every flagged numeric
 * attribute in state ({plugin: {class: {attr} | {key: {attr}}}}, borrowed)
 * at time now.  Returns the number of series updated, or a negative errno
 * if the directory cannot be written; a series that fails alone (an update
 * not later than the previous one) is logged and skipped. */
int metrics_sample(struct metrics *m, const struct schema *s, json_t *state,
		   time_t now);

/* The file of one series in buf (key NULL for singletons).  Returns 0, or
 * -ENAMETOOLONG. */
int metrics_series_path(const struct metrics *m, char *buf, size_t len,
			const char *plugin, const char *cls, const char *key,
			const char *attr);

#endif
