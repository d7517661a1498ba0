/* bench_metrics [DIR]: the metrics collector (mgmtd/metrics.c) and graphs.
 *
 * 1. CPU time of one collector step (metrics_sample: walk the state, one
 *    rrd update per object of 10 attributes) at 100, 1,000 and 10,000
 *    series, files written directly and through a real rrdcached started
 *    here, each beside a reference measured in the same run: the raw
 *    librrd updates of the same files with prepared update strings
 *    (rrd_update_r, or rrdc_update through rrdcached), and, directly, the
 *    one-file-per-series layout (a 1-DS file per series).
 * 2. Wall time of a graph (metrics_graph, 600x200 PNG) over a day and a
 *    month of data, one series and four, beside the same graph drawn by
 *    the rrdtool command.
 *
 * Files go under DIR (default /tmp): up to 3 GB at 10,000 series (the
 * RRAs of a year are allocated at creation), removed as it goes.  No
 * pass/fail: it prints figures. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>
#include <rrd_client.h>

#include "metrics.h"
#include "schema.h"

extern char **environ;

#define ATTRS 10
#define STEP 10
#define STEPS 20

#define A(n, f, c) { .name = n, .type = MGMTD_T_INT, .snmp_column = c,   \
		     .flags = MGMTD_A_STATE | (f), .description = n }
static struct mgmtd_attr attrs[] = {
	{ .name = "name", .type = MGMTD_T_STRING,
	  .flags = MGMTD_A_KEY | MGMTD_A_STATE, .snmp_column = 2,
	  .description = "key" },
	A("rx_bytes", MGMTD_A_COUNTER, 3), A("tx_bytes", MGMTD_A_COUNTER, 4),
	A("rx_packets", MGMTD_A_COUNTER, 5), A("tx_packets", MGMTD_A_COUNTER, 6),
	A("errors", MGMTD_A_COUNTER, 7), A("rx_rate", MGMTD_A_GAUGE, 8),
	A("tx_rate", MGMTD_A_GAUGE, 9), A("in_flight", MGMTD_A_GAUGE, 10),
	A("busy", MGMTD_A_GAUGE, 11), A("queue", MGMTD_A_GAUGE, 12),
	{ .name = NULL },
};
static const struct mgmtd_class objs = {
	.name = "objs", .kind = MGMTD_COLLECTION, .snmp_table = 1,
	.description = "Bench objects", .attrs = attrs,
};
static const struct mgmtd_class *const classes[] = { &objs, NULL };
static const struct mgmtd_plugin plugin = {
	.abi = MGMTD_PLUGIN_ABI, .name = "bench", .version = "1",
	.description = "Metrics bench", .mib_arc = 799, .classes = classes,
};

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* {"bench": {"objs": {"objN": {...}}}} at step i. */
static json_t *state_at(int objects, long i)
{
	json_t *o = json_object();

	for (int k = 0; k < objects; k++) {
		char key[32];
		json_t *obj = json_object();

		snprintf(key, sizeof(key), "obj%d", k);
		for (int a = 1; a <= ATTRS; a++)
			json_object_set_new(obj, attrs[a].name,
					    json_integer(a <= 5 ? i * 1000 * a + k
								: (i + k) % 100));
		json_object_set_new(o, key, obj);
	}
	return json_pack("{s:{s:o}}", "bench", "objs", o);
}

static void rm_rf(const char *dir)
{
	char *argv[] = { "rm", "-rf", (char *)dir, NULL };
	pid_t pid;

	if (posix_spawnp(&pid, "rm", NULL, NULL, argv, environ) == 0)
		waitpid(pid, NULL, 0);
}

/* CPU seconds a process used (utime + stime from /proc). */
static double proc_cpu(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		       &ut, &st);
	fclose(f);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static pid_t start_rrdcached(const char *dir, char *addr, size_t len)
{
	char sock[512], pidf[512], *argv[16];
	struct stat st;
	pid_t pid;
	int n = 0;

	snprintf(sock, sizeof(sock), "%s/rrdcached.sock", dir);
	snprintf(pidf, sizeof(pidf), "%s/rrdcached.pid", dir);
	snprintf(addr, len, "unix:%s", sock);
	argv[n++] = "rrdcached";
	argv[n++] = "-g";
	argv[n++] = "-l";
	argv[n++] = addr;
	argv[n++] = "-p";
	argv[n++] = pidf;
	argv[n++] = "-b";
	argv[n++] = (char *)dir;
	argv[n++] = "-w";
	argv[n++] = "300";
	argv[n++] = "-z";
	argv[n++] = "300";
	argv[n++] = NULL;
	if (posix_spawnp(&pid, "rrdcached", NULL, NULL, argv, environ) != 0)
		return -1;
	for (int i = 0; i < 200 && stat(sock, &st) < 0; i++)
		usleep(50000);
	return pid;
}

struct run {
	double first, step, raw; /* seconds of CPU */
	double cached_cpu;       /* rrdcached's, per step */
};

/* The raw updates of every object's file at step i, through rrdcached
 * when cached. */
static void raw_step(const char *dir, int objects, long i, time_t t0,
		     bool cached)
{
	char path[1024], upd[512];
	const char *argv[1] = { upd };

	for (int k = 0; k < objects; k++) {
		size_t o;

		snprintf(path, sizeof(path), "%s/bench/objs/obj%d.rrd", dir, k);
		o = (size_t)snprintf(upd, sizeof(upd), "%lld",
				     (long long)(t0 + i * STEP));
		for (int a = 1; a <= ATTRS; a++)
			o += (size_t)snprintf(upd + o, sizeof(upd) - o, ":%ld",
					      a <= 5 ? i * 1000 * a + k
						     : (i + k) % 100);
		if (cached)
			rrdc_update(path, 1, argv);
		else
			rrd_update_r(path, NULL, 1, argv);
	}
}

static void collect_run(const struct schema *s, const char *base,
			int series, bool cached, struct run *r)
{
	int objects = series / ATTRS;
	char dir[512], addr[600];
	time_t t0 = (time(NULL) - 40 * 86400) / STEP * STEP;
	struct metrics *m;
	pid_t cpid = -1;
	double c0, c1, cc0 = 0;
	json_t *st;

	snprintf(dir, sizeof(dir), "%s/bench-metrics-%d%s", base, series,
		 cached ? "-cached" : "");
	rm_rf(dir);
	mkdir(dir, 0700);
	if (cached && (cpid = start_rrdcached(dir, addr, sizeof(addr))) < 0) {
		fprintf(stderr, "bench_metrics: cannot start rrdcached\n");
		exit(1);
	}
	if (metrics_open(dir, STEP, cached ? addr : NULL, &m) < 0)
		exit(1);
	st = state_at(objects, 0);
	c0 = cpu_now();
	metrics_sample(m, s, st, t0);
	r->first = cpu_now() - c0;
	json_decref(st);
	r->step = 0;
	if (cached)
		cc0 = proc_cpu(cpid);
	for (long i = 1; i <= STEPS; i++) {
		st = state_at(objects, i);
		c0 = cpu_now();
		if (metrics_sample(m, s, st, t0 + i * STEP) != series)
			fprintf(stderr, "bench_metrics: short sample\n");
		c1 = cpu_now();
		r->step += c1 - c0;
		json_decref(st);
	}
	r->step /= STEPS;
	c0 = cpu_now();
	for (long i = STEPS + 1; i <= 2 * STEPS; i++)
		raw_step(dir, objects, i, t0, cached);
	r->raw = (cpu_now() - c0) / STEPS;
	if (cached) {
		/* rrdcached's own CPU over both loops, per step: it parses
		 * and queues; its writes come later (-w 300). */
		r->cached_cpu = (proc_cpu(cpid) - cc0) / (2 * STEPS);
		kill(cpid, SIGTERM);
		waitpid(cpid, NULL, 0);
	}
	metrics_close(m);
	rm_rf(dir);
}

/* The previous layout: one 1-DS file per series, raw rrd_update_r. */
static double per_series_files(const char *base, int series)
{
	char dir[512], path[1024], upd[64];
	const char *argv[1] = { upd };
	const char *spec[] = { "DS:value:GAUGE:20:U:U", "RRA:AVERAGE:0.5:1:8640",
			       "RRA:AVERAGE:0.5:30:8640", "RRA:MAX:0.5:30:8640",
			       "RRA:AVERAGE:0.5:360:8760" };
	time_t t0 = (time(NULL) - 40 * 86400) / STEP * STEP;
	double c0, cpu;

	snprintf(dir, sizeof(dir), "%s/bench-metrics-old-%d", base, series);
	rm_rf(dir);
	mkdir(dir, 0700);
	for (int k = 0; k < series; k++) {
		snprintf(path, sizeof(path), "%s/%d.rrd", dir, k);
		rrd_create_r(path, STEP, t0 - 1, 5, spec);
	}
	c0 = cpu_now();
	for (long i = 0; i < STEPS; i++)
		for (int k = 0; k < series; k++) {
			snprintf(path, sizeof(path), "%s/%d.rrd", dir, k);
			snprintf(upd, sizeof(upd), "%lld:%ld",
				 (long long)(t0 + i * STEP), i + k);
			rrd_update_r(path, NULL, 1, argv);
		}
	cpu = (cpu_now() - c0) / STEPS;
	rm_rf(dir);
	return cpu;
}

/* A file with 31 days of 10-second samples, filled in batches. */
static void fill_month(const struct schema *s, const char *dir, time_t end,
		       struct metrics **m)
{
	long n = 31L * 86400 / STEP;
	time_t t0 = end - n * STEP;
	char path[1024];
	enum { BATCH = 2000 };
	static char bufs[BATCH][160];
	const char *argv[BATCH];
	json_t *st;

	metrics_open(dir, STEP, NULL, m);
	st = state_at(1, 0);
	metrics_sample(*m, s, st, t0); /* creates the file */
	json_decref(st);
	snprintf(path, sizeof(path), "%s/bench/objs/obj0.rrd", dir);
	for (long i = 1; i <= n;) {
		int b = 0;

		for (; b < BATCH && i <= n; b++, i++) {
			double day = (double)((i * STEP) % 86400) / 86400.0;

			snprintf(bufs[b], sizeof(bufs[b]),
				 "%lld:%ld:%ld:%ld:%ld:%ld:%ld:%ld:%ld:%ld:%ld",
				 (long long)(t0 + i * STEP), i * 12000,
				 i * 9000, i * 10, i * 8, i / 1000,
				 (long)(1000 + 800 * day), (long)(700 * day),
				 i % 7, (long)(5000 * day), i % 13);
			argv[b] = bufs[b];
		}
		if (rrd_update_r(path, NULL, b, argv) != 0) {
			fprintf(stderr, "bench_metrics: fill: %s\n",
				rrd_get_error());
			rrd_clear_error();
			return;
		}
	}
}

static double cli_graph(const char *file, time_t start, time_t end,
			int nseries)
{
	static const char *const ds[] = { "rx_bytes", "tx_bytes", "rx_rate",
					  "busy" };
	char *argv[64], args[64][256];
	posix_spawn_file_actions_t fa;
	int n = 0, rc;
	pid_t pid;
	double t0;

#define ARG(...) (snprintf(args[n], sizeof(args[n]), __VA_ARGS__), \
		  argv[n] = args[n], n++)
	ARG("rrdtool");
	ARG("graph");
	ARG("/dev/null");
	ARG("--imgformat=PNG");
	ARG("--start=%lld", (long long)start);
	ARG("--end=%lld", (long long)end);
	ARG("--width=600");
	ARG("--height=200");
	ARG("--full-size-mode");
	ARG("--title=bench");
	ARG("--alt-autoscale-max");
	ARG("--lower-limit=0");
	for (int i = 0; i < nseries; i++) {
		ARG("DEF:v%d=%s:%s:AVERAGE", i, file, ds[i]);
		ARG("VDEF:v%dl=v%d,LAST", i, i);
		ARG("VDEF:v%da=v%d,AVERAGE", i, i);
		ARG("VDEF:v%dm=v%d,MAXIMUM", i, i);
		ARG("LINE2:v%d#1F77B4:%s", i, ds[i]);
		ARG("GPRINT:v%dl:last %%8.2lf%%s", i);
		ARG("GPRINT:v%da:avg %%8.2lf%%s", i);
		ARG("GPRINT:v%dm:max %%8.2lf%%s\\l", i);
	}
	argv[n] = NULL;
#undef ARG
	/* It prints the image's size on stdout. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	t0 = wall_now();
	rc = posix_spawnp(&pid, "rrdtool", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	waitpid(pid, NULL, 0);
	return wall_now() - t0;
}

static void graphs(const struct schema *s, const char *base)
{
	static const char *const ids[] = { "bench/objs/obj0/rx_bytes",
					   "bench/objs/obj0/tx_bytes",
					   "bench/objs/obj0/rx_rate",
					   "bench/objs/obj0/busy" };
	char dir[512];
	time_t end = time(NULL) / STEP * STEP;
	struct metrics_series se[4];
	struct metrics *m;
	double t0, fill;

	snprintf(dir, sizeof(dir), "%s/bench-metrics-graph", base);
	rm_rf(dir);
	mkdir(dir, 0700);
	t0 = wall_now();
	fill_month(s, dir, end, &m);
	fill = wall_now() - t0;
	for (int i = 0; i < 4; i++)
		metrics_series_resolve(m, s, ids[i], NULL, NULL, NULL, NULL,
				       &se[i]);
	printf("graph rendering, 600x200 PNG (%.1f s to fill 31 days at "
	       "10 s)\n",
	       fill);
	printf("%-24s %16s %22s\n", "range", "metrics_graph",
	       "rrdtool graph (CLI)");
	printf("(the CLI's time includes starting the process and its font "
	       "set-up)\n");
	for (int r = 0; r < 2; r++)
		for (int ns = 1; ns <= 4; ns += 3) {
			struct metrics_graph_opts o = {
				.start = end - (r ? 30 : 1) * 86400, .end = end,
				.width = 600, .height = 200,
			};
			double ours = 0, cli = 0;
			char msg[256], label[64];
			unsigned char *png;
			size_t len;
			enum { REPS = 5 };

			for (int k = 0; k < REPS; k++) {
				t0 = wall_now();
				if (metrics_graph(m, se, (size_t)ns, &o, &png,
						  &len, msg, sizeof(msg)) == 0)
					free(png);
				else
					fprintf(stderr, "graph: %s\n", msg);
				ours += wall_now() - t0;
				cli += cli_graph(se[0].path, o.start, o.end, ns);
			}
			snprintf(label, sizeof(label), "%s, %d series",
				 r ? "a month" : "a day", ns);
			printf("%-24s %13.1f ms %19.1f ms\n", label,
			       ours / REPS * 1e3, cli / REPS * 1e3);
		}
	metrics_close(m);
	rm_rf(dir);
}

int main(int argc, char **argv)
{
	const char *base = argc > 1 ? argv[1] : "/tmp";
	static const int sizes[] = { 100, 1000, 10000 };
	struct schema s = { 0 };
	char msg[256];

	signal(SIGPIPE, SIG_IGN);
	if (schema_add_plugin(&s, &plugin, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "bench_metrics: %s\n", msg);
		return 1;
	}
	printf("metrics collector: CPU per step (10 s step, objects of %d "
	       "attributes, mean of %d steps)\n", ATTRS, STEPS);
	printf("%-8s %-10s %12s %16s %14s %12s\n", "series", "writes",
	       "collector", "raw librrd (ref)", "first step",
	       "% of a core");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (int cached = 0; cached < 2; cached++) {
			struct run r = { 0 };

			collect_run(&s, base, sizes[i], cached, &r);
			printf("%-8d %-10s %9.2f ms %13.2f ms %11.1f ms %11.2f%%",
			       sizes[i], cached ? "rrdcached" : "direct",
			       r.step * 1e3, r.raw * 1e3, r.first * 1e3,
			       r.step / STEP * 100);
			if (cached)
				printf("  (rrdcached itself: %.2f ms)",
				       r.cached_cpu * 1e3);
			putchar('\n');
			fflush(stdout);
		}
	printf("reference, one 1-DS file per series (the earlier layout), "
	       "raw rrd_update_r:\n");
	for (size_t i = 0; i < 2; i++)
		printf("%-8d %-10s %9.2f ms\n", sizes[i], "direct",
		       per_series_files(base, sizes[i]) * 1e3);
	printf("\n");
	graphs(&s, base);
	schema_fini(&s);
	return 0;
}
