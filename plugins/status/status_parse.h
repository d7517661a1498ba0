/* Status plugin: parsers of the kernel's text files (/proc/stat,
 * /proc/meminfo, /proc/loadavg, /proc/uptime, /proc/net/dev,
 * /proc/diskstats) and the arithmetic between two samples.  Pure: they take
 * the text, so that the unit suite feeds them recorded files. */
#ifndef STATUS_PARSE_H
#define STATUS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATUS_NAME_LEN 64

/* One line of /proc/stat: "cpu" (named "total" here) or "cpuN"; jiffies. */
struct status_cpu {
	char name[STATUS_NAME_LEN];
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
};

/* Utilisation over an interval, in hundredths of a percent. */
struct status_cpu_usage {
	int64_t busy, user, system, iowait, idle;
};

/* /proc/meminfo, in bytes. */
struct status_mem {
	uint64_t total, free, available, buffers, cached, sreclaimable;
	uint64_t swap_total, swap_free;
};

/* One interface of /proc/net/dev. */
struct status_netdev {
	char name[STATUS_NAME_LEN];
	uint64_t rx_bytes, rx_packets, rx_errors, rx_drops;
	uint64_t tx_bytes, tx_packets, tx_errors, tx_drops;
};

/* One device of /proc/diskstats (times in milliseconds). */
struct status_disk {
	char name[STATUS_NAME_LEN];
	uint64_t reads, reads_merged, sectors_read, read_ms;
	uint64_t writes, writes_merged, sectors_written, write_ms;
	uint64_t in_flight, io_ms;
};

/* The CPU lines of /proc/stat into *out (owned, free()), total first.
 * -EINVAL when there is no "cpu" line. */
int status_parse_stat(const char *text, struct status_cpu **out, size_t *n);
/* -EINVAL when MemTotal is missing. */
int status_parse_meminfo(const char *text, struct status_mem *m);
/* The three load averages, times 100. */
int status_parse_loadavg(const char *text, int64_t load[3]);
/* Whole seconds since boot. */
int status_parse_uptime(const char *text, int64_t *seconds);
/* The interfaces of /proc/net/dev into *out (owned). */
int status_parse_netdev(const char *text, struct status_netdev **out,
			size_t *n);
/* The devices of /proc/diskstats into *out (owned). */
int status_parse_diskstats(const char *text, struct status_disk **out,
			   size_t *n);

/* Utilisation of cpu between prev and cur; false when no time passed
 * (or the counters went back), leaving *u alone. */
bool status_cpu_usage(const struct status_cpu *prev,
		      const struct status_cpu *cur, struct status_cpu_usage *u);
/* (cur - prev) per second over ms milliseconds; 0 when ms is not positive
 * or the counter went back (a reset). */
int64_t status_rate(uint64_t prev, uint64_t cur, int64_t ms);

#endif /* STATUS_PARSE_H */
