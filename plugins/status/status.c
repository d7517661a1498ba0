/* Status plugin: how the box is doing now.  CPU utilisation over the last
 * interval, load, memory, uptime, network interfaces, block devices' I/O
 * and mounted volumes, read from /proc, /sys and statvfs(3), no tool run.
 * State only; the previous sample lives in the plugin's context so that
 * utilisation and rates cover the interval between two collects. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "mgmtd/plugin.h"

#include "status_parse.h"

#define ST(n, t, f, col, u, d)                                              \
	{ .name = n, .type = t, .flags = MGMTD_A_STATE | (f),             \
	  .snmp_column = col, .units = u, .description = d }
#define KEY(n, d)                                                           \
	{ .name = n, .type = MGMTD_T_STRING,                               \
	  .flags = MGMTD_A_KEY | MGMTD_A_STATE, .snmp_column = 2,          \
	  .description = d }
#define G MGMTD_A_GAUGE
#define C MGMTD_A_COUNTER
#define INT MGMTD_T_INT
#define SIZE MGMTD_T_SIZE
#define PCT "hundredths of a percent"

static const struct mgmtd_attr host_attrs[] = {
	ST("uptime", MGMTD_T_DURATION, G, 1, "seconds", "Time since boot"),
	ST("load_1", INT, G, 2, "hundredths", "Load average over 1 minute, x100"),
	ST("load_5", INT, G, 3, "hundredths", "Load average over 5 minutes, x100"),
	ST("load_15", INT, G, 4, "hundredths", "Load average over 15 minutes, x100"),
	ST("cpu_count", INT, 0, 5, NULL, "CPUs the kernel reports"),
	{ .name = NULL },
};

static const struct mgmtd_attr memory_attrs[] = {
	ST("total", SIZE, G, 1, "bytes", "Usable memory"),
	ST("used", SIZE, G, 2, "bytes", "Memory in use (total - available)"),
	ST("available", SIZE, G, 3, "bytes", "Memory available to new work"),
	ST("free", SIZE, G, 4, "bytes", "Memory not used at all"),
	ST("buffers", SIZE, G, 5, "bytes", "Block device buffers"),
	ST("cached", SIZE, G, 6, "bytes", "Page cache and reclaimable slab"),
	ST("swap_total", SIZE, G, 7, "bytes", "Swap space"),
	ST("swap_used", SIZE, G, 8, "bytes", "Swap space in use"),
	ST("swap_free", SIZE, G, 9, "bytes", "Swap space free"),
	{ .name = NULL },
};

static const struct mgmtd_attr cpu_attrs[] = {
	KEY("name", "total, or cpuN"),
	ST("busy", INT, G, 3, PCT, "Time not idle over the last interval"),
	ST("user", INT, G, 4, PCT, "Time in user mode (with nice)"),
	ST("system", INT, G, 5, PCT, "Time in the kernel (with interrupts)"),
	ST("iowait", INT, G, 6, PCT, "Idle time waiting for I/O"),
	ST("idle", INT, G, 7, PCT, "Idle time"),
	{ .name = NULL },
};

static const char *const if_states[] = { "unknown",	   "notpresent",
					  "down",	   "lowerlayerdown",
					  "testing",	   "dormant",
					  "up",		   NULL };

static const struct mgmtd_attr if_attrs[] = {
	KEY("name", "Interface name"),
	{ .name = "oper_state", .type = MGMTD_T_ENUM, .flags = MGMTD_A_STATE,
	  .snmp_column = 3, .enum_values = if_states,
	  .description = "Operational state (RFC 2863)" },
	ST("carrier", MGMTD_T_BOOL, 0, 4, NULL, "Link detected"),
	ST("speed", INT, 0, 5, "Mb/s", "Link speed, where the driver knows it"),
	ST("mtu", INT, 0, 6, "bytes", "Maximum transmission unit"),
	ST("mac_address", MGMTD_T_STRING, 0, 7, NULL, "Hardware address"),
	ST("rx_bytes", INT, C, 8, "bytes", "Bytes received"),
	ST("rx_packets", INT, C, 9, "packets", "Packets received"),
	ST("rx_errors", INT, C, 10, "packets", "Receive errors"),
	ST("rx_drops", INT, C, 11, "packets", "Received packets dropped"),
	ST("tx_bytes", INT, C, 12, "bytes", "Bytes sent"),
	ST("tx_packets", INT, C, 13, "packets", "Packets sent"),
	ST("tx_errors", INT, C, 14, "packets", "Transmit errors"),
	ST("tx_drops", INT, C, 15, "packets", "Packets dropped on sending"),
	ST("rx_rate", INT, G, 16, "bytes per second",
	   "Bytes received per second over the last interval"),
	ST("tx_rate", INT, G, 17, "bytes per second",
	   "Bytes sent per second over the last interval"),
	{ .name = NULL },
};

static const struct mgmtd_attr disk_attrs[] = {
	KEY("name", "Block device (kernel name)"),
	ST("reads", INT, C, 3, "operations", "Reads completed"),
	ST("writes", INT, C, 4, "operations", "Writes completed"),
	ST("sectors_read", INT, C, 5, "sectors", "512-byte sectors read"),
	ST("sectors_written", INT, C, 6, "sectors", "512-byte sectors written"),
	ST("read_time", INT, C, 7, "milliseconds", "Time spent reading"),
	ST("write_time", INT, C, 8, "milliseconds", "Time spent writing"),
	ST("busy_time", INT, C, 9, "milliseconds", "Time with I/O in flight"),
	ST("in_flight", INT, G, 10, "operations", "I/O in flight now"),
	ST("read_rate", INT, G, 11, "bytes per second",
	   "Bytes read per second over the last interval"),
	ST("write_rate", INT, G, 12, "bytes per second",
	   "Bytes written per second over the last interval"),
	ST("busy", INT, G, 13, PCT, "Time busy over the last interval"),
	{ .name = NULL },
};

static const struct mgmtd_attr volume_attrs[] = {
	KEY("mount_point", "Where the volume is mounted"),
	ST("device", MGMTD_T_STRING, 0, 3, NULL, "Mounted device"),
	ST("fs_type", MGMTD_T_STRING, 0, 4, NULL, "File system type"),
	ST("size", SIZE, G, 5, "bytes", "Size of the file system"),
	ST("used", SIZE, G, 6, "bytes", "Space in use"),
	ST("available", SIZE, G, 7, "bytes", "Space available to users"),
	ST("inodes", INT, G, 8, "inodes", "Inodes in all"),
	ST("inodes_used", INT, G, 9, "inodes", "Inodes in use"),
	ST("inodes_free", INT, G, 10, "inodes", "Inodes free"),
	{ .name = NULL },
};

/* ar: the UI's navigation area (NULL: the plugin's, "system"). */
#define CLS(n, k, t, d, a, ar)                                              \
	static const struct mgmtd_class n##_class = {                       \
		.name = #n, .kind = k, .snmp_table = t, .description = d,  \
		.attrs = a, .ui_area = ar }
CLS(host, MGMTD_SINGLETON, 1, "Uptime and load", host_attrs, NULL);
CLS(memory, MGMTD_SINGLETON, 2, "Memory and swap", memory_attrs, NULL);
CLS(cpus, MGMTD_COLLECTION, 3, "CPU utilisation, all and each", cpu_attrs,
    NULL);
CLS(interfaces, MGMTD_COLLECTION, 4, "Network interfaces", if_attrs,
    "network");
CLS(disks, MGMTD_COLLECTION, 5, "Block devices' I/O", disk_attrs, "storage");
CLS(volumes, MGMTD_COLLECTION, 6, "Mounted volumes' usage", volume_attrs,
    "storage");

static const struct mgmtd_class *const status_classes[] = {
	&host_class,	   &memory_class, &cpus_class, &interfaces_class,
	&disks_class,	   &volumes_class, NULL,
};

/* /proc files are small but report no size: read up to this much. */
#define STATUS_READ_MAX (1024 * 1024)

/* Utilisation and rates need at least this long between samples. */
#define STATUS_MIN_INTERVAL_MS 1000

/* The previous sample, to compute utilisation and rates. */
struct status_priv {
	pthread_mutex_t lock; /* collect may run in several threads */
	int64_t when_ms;      /* CLOCK_MONOTONIC; 0: no sample yet */
	struct status_cpu *cpus;
	size_t ncpus;
	struct status_netdev *nets;
	size_t nnets;
	struct status_disk *disks;
	size_t ndisks;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The whole of a small file, NUL-terminated (owned), or NULL. */
static char *read_text(const char *path)
{
	size_t n = 0, cap = 4096;
	char *buf = malloc(cap), *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf)
		goto fail;
	for (;;) {
		ssize_t r;

		if (n + 1 == cap) {
			if (cap >= STATUS_READ_MAX || !(p = realloc(buf, cap * 2)))
				break;
			buf = p;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static void collect_host(struct mgmtd_state *st, size_t ncpus)
{
	char *up = read_text("/proc/uptime"), *la = read_text("/proc/loadavg");
	int64_t secs, load[3];

	if (mgmtd_state_obj(st, "host", NULL) < 0)
		goto out;
	if (up && status_parse_uptime(up, &secs) == 0)
		mgmtd_state_int(st, "uptime", secs);
	if (la && status_parse_loadavg(la, load) == 0) {
		mgmtd_state_int(st, "load_1", load[0]);
		mgmtd_state_int(st, "load_5", load[1]);
		mgmtd_state_int(st, "load_15", load[2]);
	}
	if (ncpus > 1)
		mgmtd_state_int(st, "cpu_count", (int64_t)ncpus - 1);
out:
	free(up);
	free(la);
}

static void collect_memory(struct mgmtd_state *st)
{
	char *text = read_text("/proc/meminfo");
	struct status_mem m;

	if (!text || status_parse_meminfo(text, &m) < 0 ||
	    mgmtd_state_obj(st, "memory", NULL) < 0)
		goto out;
	mgmtd_state_int(st, "total", (int64_t)m.total);
	mgmtd_state_int(st, "used", (int64_t)(m.total - m.available));
	mgmtd_state_int(st, "available", (int64_t)m.available);
	mgmtd_state_int(st, "free", (int64_t)m.free);
	mgmtd_state_int(st, "buffers", (int64_t)m.buffers);
	mgmtd_state_int(st, "cached", (int64_t)(m.cached + m.sreclaimable));
	mgmtd_state_int(st, "swap_total", (int64_t)m.swap_total);
	mgmtd_state_int(st, "swap_used", (int64_t)(m.swap_total - m.swap_free));
	mgmtd_state_int(st, "swap_free", (int64_t)m.swap_free);
out:
	free(text);
}

/* Utilisation against p's sample, unless p is NULL. */
static void collect_cpus(struct mgmtd_state *st, const struct status_priv *p,
			 const struct status_cpu *cpus, size_t n)
{
	struct status_cpu_usage u;

	for (size_t i = 0; i < n; i++) {
		if (mgmtd_state_obj(st, "cpus", cpus[i].name) < 0)
			continue;
		for (size_t j = 0; p && j < p->ncpus; j++) {
			if (strcmp(p->cpus[j].name, cpus[i].name) != 0 ||
			    !status_cpu_usage(&p->cpus[j], &cpus[i], &u))
				continue;
			mgmtd_state_int(st, "busy", u.busy);
			mgmtd_state_int(st, "user", u.user);
			mgmtd_state_int(st, "system", u.system);
			mgmtd_state_int(st, "iowait", u.iowait);
			mgmtd_state_int(st, "idle", u.idle);
		}
	}
}

/* A sysfs attribute of an interface, trimmed, into buf; false if none. */
static bool sys_net(const char *ifname, const char *attr, char *buf,
		    size_t len)
{
	char path[256], *text;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, attr);
	if (!(text = read_text(path)))
		return false;
	text[strcspn(text, "\n")] = '\0';
	snprintf(buf, len, "%s", text);
	free(text);
	return buf[0] != '\0';
}

static void put_if_sysfs(struct mgmtd_state *st, const char *name)
{
	char v[128];
	bool known = false;

	if (sys_net(name, "operstate", v, sizeof(v)))
		for (const char *const *s = if_states; *s; s++)
			known |= strcmp(*s, v) == 0;
	mgmtd_state_str(st, "oper_state", known ? v : "unknown");
	/* carrier and speed fail with EINVAL while the link is down. */
	if (sys_net(name, "carrier", v, sizeof(v)))
		mgmtd_state_bool(st, "carrier", strcmp(v, "1") == 0);
	if (sys_net(name, "speed", v, sizeof(v)) && atoll(v) > 0)
		mgmtd_state_int(st, "speed", atoll(v));
	if (sys_net(name, "mtu", v, sizeof(v)))
		mgmtd_state_int(st, "mtu", atoll(v));
	if (sys_net(name, "address", v, sizeof(v)))
		mgmtd_state_str(st, "mac_address", v);
}

static void collect_nets(struct mgmtd_state *st, const struct status_priv *p,
			 const struct status_netdev *d, size_t n, int64_t ms)
{
	for (size_t i = 0; i < n; i++) {
		if (mgmtd_state_obj(st, "interfaces", d[i].name) < 0)
			continue;
		put_if_sysfs(st, d[i].name);
		mgmtd_state_int(st, "rx_bytes", (int64_t)d[i].rx_bytes);
		mgmtd_state_int(st, "rx_packets", (int64_t)d[i].rx_packets);
		mgmtd_state_int(st, "rx_errors", (int64_t)d[i].rx_errors);
		mgmtd_state_int(st, "rx_drops", (int64_t)d[i].rx_drops);
		mgmtd_state_int(st, "tx_bytes", (int64_t)d[i].tx_bytes);
		mgmtd_state_int(st, "tx_packets", (int64_t)d[i].tx_packets);
		mgmtd_state_int(st, "tx_errors", (int64_t)d[i].tx_errors);
		mgmtd_state_int(st, "tx_drops", (int64_t)d[i].tx_drops);
		for (size_t j = 0; j < p->nnets && ms > 0; j++) {
			if (strcmp(p->nets[j].name, d[i].name) != 0)
				continue;
			mgmtd_state_int(st, "rx_rate",
					status_rate(p->nets[j].rx_bytes,
						    d[i].rx_bytes, ms));
			mgmtd_state_int(st, "tx_rate",
					status_rate(p->nets[j].tx_bytes,
						    d[i].tx_bytes, ms));
		}
	}
}

/* Unused loop and RAM devices are noise: a box has dozens. */
static bool disk_ignored(const struct status_disk *d)
{
	return (strncmp(d->name, "loop", 4) == 0 ||
		strncmp(d->name, "ram", 3) == 0) &&
	       d->reads == 0 && d->writes == 0;
}

static void collect_disks(struct mgmtd_state *st, const struct status_priv *p,
			  const struct status_disk *d, size_t n, int64_t ms)
{
	for (size_t i = 0; i < n; i++) {
		if (disk_ignored(&d[i]) ||
		    mgmtd_state_obj(st, "disks", d[i].name) < 0)
			continue;
		mgmtd_state_int(st, "reads", (int64_t)d[i].reads);
		mgmtd_state_int(st, "writes", (int64_t)d[i].writes);
		mgmtd_state_int(st, "sectors_read", (int64_t)d[i].sectors_read);
		mgmtd_state_int(st, "sectors_written",
				(int64_t)d[i].sectors_written);
		mgmtd_state_int(st, "read_time", (int64_t)d[i].read_ms);
		mgmtd_state_int(st, "write_time", (int64_t)d[i].write_ms);
		mgmtd_state_int(st, "busy_time", (int64_t)d[i].io_ms);
		mgmtd_state_int(st, "in_flight", (int64_t)d[i].in_flight);
		for (size_t j = 0; j < p->ndisks && ms > 0; j++) {
			const struct status_disk *o = &p->disks[j];
			int64_t busy;

			if (strcmp(o->name, d[i].name) != 0)
				continue;
			mgmtd_state_int(st, "read_rate",
					512 * status_rate(o->sectors_read,
							  d[i].sectors_read, ms));
			mgmtd_state_int(st, "write_rate",
					512 * status_rate(o->sectors_written,
							  d[i].sectors_written,
							  ms));
			/* busy ms per second is tenths of a percent. */
			busy = status_rate(o->io_ms, d[i].io_ms, ms) * 10;
			mgmtd_state_int(st, "busy", busy > 10000 ? 10000 : busy);
		}
	}
}

/* Volumes on block devices (not pseudo file systems); a mount point
 * mounted over keeps the last, visible, one. */
static void collect_volumes(const struct mgmtd_ctx *ctx,
			    struct mgmtd_state *st)
{
	FILE *f = setmntent("/proc/self/mounts", "re");
	struct mntent m;
	char buf[4096];

	if (!f) {
		mgmtd_log(ctx, MGMTD_SEV_DEBUG, "no /proc/self/mounts");
		return;
	}
	while (getmntent_r(f, &m, buf, sizeof(buf))) {
		struct statvfs sv;
		uint64_t fr;

		if (strncmp(m.mnt_fsname, "/dev/", 5) != 0 ||
		    statvfs(m.mnt_dir, &sv) < 0 || sv.f_blocks == 0 ||
		    mgmtd_state_obj(st, "volumes", m.mnt_dir) < 0)
			continue;
		fr = sv.f_frsize;
		mgmtd_state_str(st, "device", m.mnt_fsname);
		mgmtd_state_str(st, "fs_type", m.mnt_type);
		mgmtd_state_int(st, "size", (int64_t)(sv.f_blocks * fr));
		mgmtd_state_int(st, "used",
				(int64_t)((sv.f_blocks - sv.f_bfree) * fr));
		mgmtd_state_int(st, "available", (int64_t)(sv.f_bavail * fr));
		mgmtd_state_int(st, "inodes", (int64_t)sv.f_files);
		mgmtd_state_int(st, "inodes_used",
				(int64_t)(sv.f_files - sv.f_ffree));
		mgmtd_state_int(st, "inodes_free", (int64_t)sv.f_ffree);
	}
	endmntent(f);
}

/* Read the counters of a new sample; missing files leave parts empty. */
static void sample(struct status_cpu **cpus, size_t *nc,
		   struct status_netdev **nets, size_t *nn,
		   struct status_disk **disks, size_t *nd)
{
	char *t;

	*cpus = NULL, *nets = NULL, *disks = NULL;
	*nc = *nn = *nd = 0;
	if ((t = read_text("/proc/stat")))
		status_parse_stat(t, cpus, nc);
	free(t);
	if ((t = read_text("/proc/net/dev")))
		status_parse_netdev(t, nets, nn);
	free(t);
	if ((t = read_text("/proc/diskstats")))
		status_parse_diskstats(t, disks, nd);
	free(t);
}

static void keep_sample(struct status_priv *p, int64_t when,
			struct status_cpu *cpus, size_t nc,
			struct status_netdev *nets, size_t nn,
			struct status_disk *disks, size_t nd)
{
	free(p->cpus);
	free(p->nets);
	free(p->disks);
	p->when_ms = when;
	p->cpus = cpus, p->ncpus = nc;
	p->nets = nets, p->nnets = nn;
	p->disks = disks, p->ndisks = nd;
}

static int status_collect(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
			  struct mgmtd_state *st)
{
	struct status_priv *p = mgmtd_ctx_priv(ctx);
	struct status_cpu *cpus;
	struct status_netdev *nets;
	struct status_disk *disks;
	size_t nc, nn, nd;
	int64_t when, ms;
	bool short_interval;

	pthread_mutex_lock(&p->lock);
	when = now_ms();
	sample(&cpus, &nc, &nets, &nn, &disks, &nd);
	ms = p->when_ms ? when - p->when_ms : 0;
	/* Over a few jiffies utilisation is noise (the collect at start
	 * follows init's sample at once): keep the older sample instead. */
	short_interval = ms < STATUS_MIN_INTERVAL_MS;
	collect_host(st, nc);
	collect_memory(st);
	collect_cpus(st, short_interval ? NULL : p, cpus, nc);
	collect_nets(st, p, nets, nn, short_interval ? 0 : ms);
	collect_disks(st, p, disks, nd, short_interval ? 0 : ms);
	collect_volumes(ctx, st);
	if (short_interval) {
		free(cpus);
		free(nets);
		free(disks);
	} else {
		keep_sample(p, when, cpus, nc, nets, nn, disks, nd);
	}
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static int status_init(struct mgmtd_ctx *ctx)
{
	struct status_priv *p = calloc(1, sizeof(*p));
	struct status_cpu *cpus;
	struct status_netdev *nets;
	struct status_disk *disks;
	size_t nc, nn, nd;

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	/* A first sample now, so that the first collect has an interval. */
	sample(&cpus, &nc, &nets, &nn, &disks, &nd);
	keep_sample(p, now_ms(), cpus, nc, nets, nn, disks, nd);
	mgmtd_ctx_set_priv(ctx, p);
	return 0;
}

static void status_shutdown(struct mgmtd_ctx *ctx)
{
	struct status_priv *p = mgmtd_ctx_priv(ctx);

	if (!p)
		return;
	keep_sample(p, 0, NULL, 0, NULL, 0, NULL, 0);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

const struct mgmtd_plugin MGMTD_PLUGIN_SYMBOL = {
	.abi = MGMTD_PLUGIN_ABI,
	.name = "status",
	.version = "1.0",
	.description = "How the box is doing: CPU, memory, network, disks",
	.mib_arc = 7,
	.ui_area = "system",
	.classes = status_classes,
	.init = status_init,
	.shutdown = status_shutdown,
	.collect = status_collect,
};
