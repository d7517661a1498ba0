/* Status plugin: parsers of the kernel's text files (see status_parse.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status_parse.h"

/* Append one zeroed element of size sz to *arr (n elements, cap). */
static void *grow(void **arr, size_t *n, size_t *cap, size_t sz)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		void *p = realloc(*arr, c * sz);

		if (!p)
			return NULL;
		*arr = p;
		*cap = c;
	}
	memset((char *)*arr + *n * sz, 0, sz);
	return (char *)*arr + (*n)++ * sz;
}

/* The next line of *text (up to the newline, at most len - 1 bytes kept);
 * false at the end. */
static bool next_line(const char **text, char *buf, size_t len)
{
	const char *s = *text, *nl;
	size_t l;

	if (!*s)
		return false;
	nl = strchr(s, '\n');
	l = nl ? (size_t)(nl - s) : strlen(s);
	*text = nl ? nl + 1 : s + l;
	if (l >= len)
		l = len - 1;
	memcpy(buf, s, l);
	buf[l] = '\0';
	return true;
}

int status_parse_stat(const char *text, struct status_cpu **out, size_t *n)
{
	struct status_cpu *arr = NULL, *c;
	size_t cnt = 0, cap = 0;
	char line[512], name[STATUS_NAME_LEN];

	*out = NULL;
	*n = 0;
	while (next_line(&text, line, sizeof(line))) {
		struct status_cpu v = {0};

		if (strncmp(line, "cpu", 3) != 0)
			continue;
		/* Old kernels lack the later columns: they read as 0. */
		if (sscanf(line,
			   "%63s %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
			   " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
			   name, &v.user, &v.nice, &v.system, &v.idle,
			   &v.iowait, &v.irq, &v.softirq, &v.steal) < 5)
			continue;
		if (cnt == 0 && strcmp(name, "cpu") != 0)
			break;
		if (!(c = grow((void **)&arr, &cnt, &cap, sizeof(*arr)))) {
			free(arr);
			return -ENOMEM;
		}
		*c = v;
		snprintf(c->name, sizeof(c->name), "%s",
			 strcmp(name, "cpu") == 0 ? "total" : name);
	}
	if (cnt == 0) {
		free(arr);
		return -EINVAL;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

int status_parse_meminfo(const char *text, struct status_mem *m)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{"MemTotal", offsetof(struct status_mem, total)},
		{"MemFree", offsetof(struct status_mem, free)},
		{"MemAvailable", offsetof(struct status_mem, available)},
		{"Buffers", offsetof(struct status_mem, buffers)},
		{"Cached", offsetof(struct status_mem, cached)},
		{"SReclaimable", offsetof(struct status_mem, sreclaimable)},
		{"SwapTotal", offsetof(struct status_mem, swap_total)},
		{"SwapFree", offsetof(struct status_mem, swap_free)},
	};
	char line[256], key[64];
	uint64_t kib;
	bool total = false;

	memset(m, 0, sizeof(*m));
	while (next_line(&text, line, sizeof(line))) {
		if (sscanf(line, "%63[^:]: %" SCNu64, key, &kib) != 2)
			continue;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			if (strcmp(key, keys[i].key) != 0)
				continue;
			*(uint64_t *)((char *)m + keys[i].off) = kib * 1024;
			total |= i == 0;
		}
	}
	return total ? 0 : -EINVAL;
}

int status_parse_loadavg(const char *text, int64_t load[3])
{
	for (int i = 0; i < 3; i++) {
		unsigned long whole, frac;
		int used;

		/* "0.52": two decimals, read as integers to stay exact. */
		if (sscanf(text, " %lu.%2lu%n", &whole, &frac, &used) != 2)
			return -EINVAL;
		load[i] = (int64_t)(whole * 100 + frac);
		text += used;
	}
	return 0;
}

int status_parse_uptime(const char *text, int64_t *seconds)
{
	long long s;

	if (sscanf(text, "%lld", &s) != 1 || s < 0)
		return -EINVAL;
	*seconds = s;
	return 0;
}

int status_parse_netdev(const char *text, struct status_netdev **out, size_t *n)
{
	struct status_netdev *arr = NULL, *d;
	size_t cnt = 0, cap = 0;
	char line[512];
	uint64_t skip;

	*out = NULL;
	*n = 0;
	while (next_line(&text, line, sizeof(line))) {
		struct status_netdev v = {0};
		char *colon = strchr(line, ':');
		char *name = line;

		/* The two header lines have '|' and no "name:" prefix. */
		if (!colon || strchr(line, '|'))
			continue;
		*colon = '\0';
		while (*name == ' ')
			name++;
		if (sscanf(colon + 1,
			   "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
			   " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
			   " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
			   &v.rx_bytes, &v.rx_packets, &v.rx_errors,
			   &v.rx_drops, &skip, &skip, &skip, &skip, &v.tx_bytes,
			   &v.tx_packets, &v.tx_errors, &v.tx_drops) != 12)
			continue;
		if (!(d = grow((void **)&arr, &cnt, &cap, sizeof(*arr)))) {
			free(arr);
			return -ENOMEM;
		}
		*d = v;
		snprintf(d->name, sizeof(d->name), "%.63s", name);
	}
	*out = arr;
	*n = cnt;
	return 0;
}

int status_parse_diskstats(const char *text, struct status_disk **out,
			   size_t *n)
{
	struct status_disk *arr = NULL, *d;
	size_t cnt = 0, cap = 0;
	char line[512];

	*out = NULL;
	*n = 0;
	while (next_line(&text, line, sizeof(line))) {
		struct status_disk v = {0};
		unsigned major, minor;

		if (sscanf(line,
			   " %u %u %63s %" SCNu64 " %" SCNu64 " %" SCNu64
			   " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
			   " %" SCNu64 " %" SCNu64 " %" SCNu64,
			   &major, &minor, v.name, &v.reads, &v.reads_merged,
			   &v.sectors_read, &v.read_ms, &v.writes,
			   &v.writes_merged, &v.sectors_written, &v.write_ms,
			   &v.in_flight, &v.io_ms) != 13)
			continue;
		if (!(d = grow((void **)&arr, &cnt, &cap, sizeof(*arr)))) {
			free(arr);
			return -ENOMEM;
		}
		*d = v;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

static uint64_t cpu_total(const struct status_cpu *c)
{
	return c->user + c->nice + c->system + c->idle + c->iowait + c->irq +
	       c->softirq + c->steal;
}

/* part of whole, in hundredths of a percent. */
static int64_t hundredths(uint64_t part, uint64_t whole)
{
	return (int64_t)((part * 10000 + whole / 2) / whole);
}

bool status_cpu_usage(const struct status_cpu *prev,
		      const struct status_cpu *cur, struct status_cpu_usage *u)
{
	uint64_t t0 = cpu_total(prev), t1 = cpu_total(cur), dt;
	uint64_t idle0 = prev->idle + prev->iowait,
		 idle1 = cur->idle + cur->iowait;

	if (t1 <= t0 || idle1 < idle0 || cur->iowait < prev->iowait ||
	    cur->idle < prev->idle)
		return false;
	dt = t1 - t0;
	if (idle1 - idle0 > dt)
		return false;
	u->busy = hundredths(dt - (idle1 - idle0), dt);
	u->user =
		hundredths(cur->user + cur->nice - prev->user - prev->nice, dt);
	u->system = hundredths(cur->system + cur->irq + cur->softirq -
				       prev->system - prev->irq - prev->softirq,
			       dt);
	u->iowait = hundredths(cur->iowait - prev->iowait, dt);
	u->idle = hundredths(cur->idle - prev->idle, dt);
	return true;
}

int64_t status_rate(uint64_t prev, uint64_t cur, int64_t ms)
{
	if (ms <= 0 || cur < prev)
		return 0;
	return (int64_t)((cur - prev) * 1000 / (uint64_t)ms);
}
