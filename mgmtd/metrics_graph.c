/* Metrics, drawing: rrd_graph_v into memory (see metrics.h).  rrd_graph_v
 * parses its arguments with getopt and is not reentrant, so one graph is
 * drawn at a time (getopt_lock). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics_internal.h"

/* Series colours: distinct on white, readable as thin lines. */
static const char *const colours[] = {
	"1F77B4", "D62728", "2CA02C", "FF7F0E", "9467BD",
	"8C564B", "E377C2", "17BECF", "7F7F7F", "BCBD22",
};

#define N_COLOURS (sizeof(colours) / sizeof(colours[0]))
#define MAX_ARGS 64
#define ARG_LEN 1024

/* Copy s into buf escaping what rrd_graph's argument syntax treats
 * specially: ':' separates fields, '\' escapes, '%' starts a format. */
static void escape(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		if (*s == ':' || *s == '\\')
			buf[o++] = '\\';
		else if (*s == '%')
			buf[o++] = '%';
		buf[o++] = *s;
	}
	buf[o] = '\0';
}

static const char *unit_label(const struct metrics_series *se, char *buf,
			      size_t len)
{
	snprintf(buf, len, "%s%s", se->units ? se->units : "",
		 se->counter ? (se->units ? "/s" : "per second") : "");
	return buf;
}

/* The vertical label: the units of the series, when they agree. */
static void vertical_label(const struct metrics_series *se, size_t n,
			   char *buf, size_t len)
{
	char a[64], b[64];

	unit_label(&se[0], buf, len);
	for (size_t i = 1; i < n; i++)
		if (strcmp(unit_label(&se[i], a, sizeof(a)),
			   unit_label(&se[0], b, sizeof(b))) != 0) {
			buf[0] = '\0';
			return;
		}
}

static void default_title(const struct metrics_series *se, size_t n,
			  char *buf, size_t len)
{
	const char *key = se[0].singleton ? "" : se[0].key;

	if (n == 1) {
		snprintf(buf, len, "%s/%s%s%s", se[0].cls, key, *key ? "/" : "",
			 se[0].attr);
		return;
	}
	snprintf(buf, len, "%s", se[0].cls);
	for (size_t i = 1; i < n; i++)
		if (strcmp(se[i].cls, se[0].cls) != 0) {
			snprintf(buf, len, "%zu series", n);
			return;
		}
}

/* The legend of series i: what differs between series on one graph. */
static void legend(const struct metrics_series *se, size_t n, size_t i,
		   char *buf, size_t len)
{
	char raw[512];
	const char *key = se[i].singleton ? "" : se[i].key;

	if (n == 1)
		snprintf(raw, sizeof(raw), "%s", se[i].attr);
	else
		snprintf(raw, sizeof(raw), "%s%s%s", key, *key ? " " : "",
			 se[i].attr);
	escape(buf, len, raw);
}

struct args {
	char *v[MAX_ARGS];
	int n;
};

static void add(struct args *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add(struct args *a, const char *fmt, ...)
{
	va_list ap;

	if (a->n >= MAX_ARGS - 1 || !(a->v[a->n] = malloc(ARG_LEN)))
		return;
	va_start(ap, fmt);
	vsnprintf(a->v[a->n++], ARG_LEN, fmt, ap);
	va_end(ap);
}

static void build_args(const struct metrics_series *se, size_t n,
		       const struct metrics_graph_opts *o, struct args *a)
{
	char title[256], vlabel[128], path[ARG_LEN / 2], leg[256];
	bool nonneg = true;

	if (o->title && *o->title)
		snprintf(title, sizeof(title), "%s", o->title);
	else
		default_title(se, n, title, sizeof(title));
	vertical_label(se, n, vlabel, sizeof(vlabel));
	add(a, "graph");
	add(a, "-");
	add(a, "--imgformat=PNG");
	add(a, "--start=%lld", (long long)o->start);
	add(a, "--end=%lld", (long long)o->end);
	add(a, "--width=%u", o->width);
	add(a, "--height=%u", o->height);
	add(a, "--full-size-mode");
	add(a, "--title=%s", title);
	if (vlabel[0])
		add(a, "--vertical-label=%s", vlabel);
	add(a, "--alt-autoscale-max");
	add(a, "--slope-mode");
	add(a, "--disable-rrdtool-tag");
	add(a, "--color=BACK#FFFFFF");
	add(a, "--color=SHADEA#FFFFFF");
	add(a, "--color=SHADEB#FFFFFF");
	for (size_t i = 0; i < n; i++)
		nonneg = nonneg && se[i].nonneg;
	if (nonneg)
		add(a, "--lower-limit=0");
	for (size_t i = 0; i < n; i++) {
		escape(path, sizeof(path), se[i].path);
		legend(se, n, i, leg, sizeof(leg));
		add(a, "DEF:v%zu=%s:%s:AVERAGE", i, path, se[i].ds);
		add(a, "VDEF:v%zulast=v%zu,LAST", i, i);
		add(a, "VDEF:v%zuavg=v%zu,AVERAGE", i, i);
		add(a, "VDEF:v%zumax=v%zu,MAXIMUM", i, i);
		add(a, "LINE%s:v%zu#%s:%-20.60s", n == 1 ? "2" : "1.5", i,
		    colours[i % N_COLOURS], leg);
		add(a, "GPRINT:v%zulast:last %%8.2lf%%s", i);
		add(a, "GPRINT:v%zuavg:avg %%8.2lf%%s", i);
		add(a, "GPRINT:v%zumax:max %%8.2lf%%s\\l", i);
	}
}

int metrics_graph(struct metrics *m, const struct metrics_series *se,
		  size_t n, const struct metrics_graph_opts *o,
		  unsigned char **png, size_t *len, char *msg, size_t mlen)
{
	struct args a = { .n = 0 };
	rrd_info_t *info, *i;
	int rc = -EIO;

	/* 8 arguments per series, at most 18 for the graph. */
	if (n == 0 || n > (MAX_ARGS - 18) / 8) {
		snprintf(msg, mlen, "between 1 and %d series per graph",
			 (MAX_ARGS - 18) / 8);
		return -EINVAL;
	}
	for (size_t k = 0; k < n; k++)
		metrics_flush(m, se[k].path);
	build_args(se, n, o, &a);
	pthread_mutex_lock(&m->getopt_lock);
	optind = 0;
	opterr = 0;
	rrd_clear_error();
	info = rrd_graph_v(a.n, a.v);
	*png = NULL;
	for (i = info; i; i = i->next)
		if (i->type == RD_I_BLO && !strcmp(i->key, "image")) {
			if ((*png = malloc(i->value.u_blo.size))) {
				memcpy(*png, i->value.u_blo.ptr,
				       i->value.u_blo.size);
				*len = i->value.u_blo.size;
				rc = 0;
			} else {
				rc = -ENOMEM;
			}
		}
	if (rc == -EIO)
		snprintf(msg, mlen, "%s",
			 *rrd_get_error() ? rrd_get_error() : "no image");
	rrd_clear_error();
	pthread_mutex_unlock(&m->getopt_lock);
	rrd_info_free(info);
	for (int k = 0; k < a.n; k++)
		free(a.v[k]);
	return rc;
}
