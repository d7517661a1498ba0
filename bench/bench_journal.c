/* Journal benchmark: append rates (unsynced, synced, two threads), the
 * time to open a 1,000,000-record event journal and to query it.  Each
 * figure comes with a reference measured in the same run on the same
 * bytes (a plain pwrite loop, a plain sequential read), so that runs on
 * different machines compare.  Prints figures; no pass or fail.
 *
 * Usage: bench_journal [records]   (default 1000000) */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"

#define EV_SLOT 512      /* journal.c: event slot size */
#define HDR_SIZE 4096    /* journal.c: header block */
#define SYNC_COUNT 2000
#define SYNC_SECONDS 8.0 /* each synced loop stops early past this */
#define THREAD_COUNT 100000

static const char *const plugins[] = { "net", "lvm", "nfs", "cifs",
				       "dns", "quota", "lb", "core" };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench_journal: %s: %s\n", what, strerror(-err));
	exit(EXIT_FAILURE);
}

static void report(const char *what, double secs, double ops,
		   const char *unit)
{
	printf("  %-46s %10.3f ms %12.0f %s/s %8.2f us/%s\n", what,
	       secs * 1e3, ops / secs, unit, secs * 1e6 / ops, unit);
}

static int append_one(struct journal *j, long i)
{
	char msg[128];
	const char *plugin = i % 1000 == 999 ? "audit" : plugins[i % 8];

	snprintf(msg, sizeof(msg),
		 "volume vg0/lv%ld usage crossed %ld%% of its quota "
		 "(record %ld)", i % 97, 50 + i % 50, i);
	return journal_append_event(j, (enum mgmtd_severity)(i % 8), plugin,
				    "vg0", msg);
}

/* Reference: the same number of slot-sized pwrites at the same offsets,
 * with an optional fdatasync after each. */
static double ref_pwrite(const char *path, long n, long capacity, bool sync,
			 long *done)
{
	unsigned char slot[EV_SLOT];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	double t0;
	long i;

	if (fd < 0)
		die("open reference", -errno);
	memset(slot, 0x5a, sizeof(slot));
	if (ftruncate(fd, HDR_SIZE + (off_t)capacity * EV_SLOT) < 0)
		die("ftruncate", -errno);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		off_t off = HDR_SIZE + (off_t)(i % capacity) * EV_SLOT;

		slot[0] = (unsigned char)i;
		if (pwrite(fd, slot, sizeof(slot), off) != sizeof(slot))
			die("pwrite", -errno);
		if (sync && fdatasync(fd) < 0)
			die("fdatasync", -errno);
		if (sync && now_s() - t0 > SYNC_SECONDS) {
			i++;
			break;
		}
	}
	t0 = now_s() - t0;
	close(fd);
	unlink(path);
	*done = i;
	return t0;
}

/* Reference: read the file start to end in 4 MiB chunks. */
static double ref_read(const char *path)
{
	size_t chunk = 4 << 20;
	char *buf = malloc(chunk);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	double t0 = now_s();
	ssize_t r;

	if (!buf || fd < 0)
		die("ref_read", -ENOMEM);
	while ((r = read(fd, buf, chunk)) > 0)
		;
	t0 = now_s() - t0;
	close(fd);
	free(buf);
	return t0;
}

static int count_cb(const struct journal_record *r, void *arg)
{
	return 0;
}

/* The fastest of reps runs of q; *n gets what it returned. */
static double time_query(struct journal *j, const struct journal_query *q,
			 int reps, int *n)
{
	double best = 1e9;

	for (int k = 0; k < reps; k++) {
		double t0 = now_s();

		*n = journal_query(j, q, count_cb, NULL);
		t0 = now_s() - t0;
		if (*n < 0)
			die("journal_query", *n);
		if (t0 < best)
			best = t0;
	}
	return best;
}

struct thread_arg {
	pthread_t tid;
	struct journal *j;
	long first, n;
	int err;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;

	for (long i = a->first; i < a->first + a->n && !a->err; i++)
		a->err = append_one(a->j, i);
	return NULL;
}

struct seq_time {
	uint64_t seq;
	int64_t time_us;
};

static int seq_time_cb(const struct journal_record *r, void *arg)
{
	struct seq_time *st = arg;

	if (r->seq != st->seq)
		return 0;
	st->time_us = r->time_us;
	return 1;
}

/* The time of record seq (scanning down to it: used once, untimed). */
static int64_t time_of_seq(struct journal *j, uint64_t seq)
{
	struct seq_time st = { .seq = seq };
	struct journal_query q = {
		.max_severity = -1,
		.limit = (size_t)(journal_last_seq(j) - seq + 1),
	};

	journal_query(j, &q, seq_time_cb, &st);
	return st.time_us;
}

int main(int argc, char **argv)
{
	long records = argc > 1 ? atol(argv[1]) : 1000000;
	char dir[] = "/tmp/bench_journal.XXXXXX";
	char path[128], ref[128], spath[128], tpath[128];
	struct journal *j;
	struct thread_arg th[2];
	unsigned dropped;
	double t, tref, mem;
	long done;
	int n, ret;

	if (records < 10000) {
		fprintf(stderr, "usage: bench_journal [records >= 10000]\n");
		return EXIT_FAILURE;
	}
	if (!mkdtemp(dir))
		die("mkdtemp", -errno);
	snprintf(path, sizeof(path), "%s/events", dir);
	snprintf(ref, sizeof(ref), "%s/reference", dir);
	snprintf(spath, sizeof(spath), "%s/synced", dir);
	snprintf(tpath, sizeof(tpath), "%s/threads", dir);
	printf("bench_journal: %ld event records of %d bytes, in %s\n",
	       records, EV_SLOT, dir);

	/* Synced first, before a large dirty file competes for the disk. */
	printf("synced appends (fdatasync each; at most %d or %.0f s):\n",
	       SYNC_COUNT, SYNC_SECONDS);
	tref = ref_pwrite(ref, SYNC_COUNT, 4096, true, &done);
	report("reference: pwrite + fdatasync", tref, (double)done, "op");
	ret = journal_open(spath, JOURNAL_EVENTS, 4096, true, &j, NULL);
	if (ret < 0)
		die("journal_open synced", ret);
	t = now_s();
	for (done = 0; done < SYNC_COUNT; done++) {
		ret = append_one(j, done);
		if (ret < 0)
			die("append synced", ret);
		if (now_s() - t > SYNC_SECONDS) {
			done++;
			break;
		}
	}
	t = now_s() - t;
	journal_close(j);
	unlink(spath);
	report("journal_append_event, sync=true", t, (double)done, "op");

	printf("unsynced appends:\n");
	{
		size_t bytes = (size_t)records * EV_SLOT;
		char *a = malloc(bytes), *b = malloc(bytes);

		if (!a || !b)
			die("malloc", -ENOMEM);
		memset(a, 1, bytes);
		memset(b, 2, bytes);
		mem = now_s();
		memcpy(b, a, bytes);
		/* Keep the copy from being optimised away. */
		__asm__ volatile("" : : "r"(b) : "memory");
		mem = now_s() - mem;
		printf("  %-46s %10.3f ms %12.2f GiB/s\n",
		       "reference: memcpy of the same bytes", mem * 1e3,
		       (double)bytes / mem / (1 << 30));
		free(a);
		free(b);
	}
	tref = ref_pwrite(ref, records, records, false, &done);
	report("reference: pwrite loop of the same slots", tref,
	       (double)done, "op");
	ret = journal_open(path, JOURNAL_EVENTS, (size_t)records, false, &j,
			   NULL);
	if (ret < 0)
		die("journal_open", ret);
	t = now_s();
	for (long i = 0; i < records; i++) {
		ret = append_one(j, i);
		if (ret < 0)
			die("append", ret);
	}
	t = now_s() - t;
	report("journal_append_event, sync=false", t, (double)records, "op");
	printf("  %-46s %9.2fx\n", "  cost relative to the pwrite loop",
	       t / tref);
	journal_close(j);

	ret = journal_open(tpath, JOURNAL_EVENTS, 2 * THREAD_COUNT, false, &j,
			   NULL);
	if (ret < 0)
		die("journal_open threads", ret);
	t = now_s();
	for (int k = 0; k < 2; k++) {
		th[k] = (struct thread_arg){ .j = j, .first = k * THREAD_COUNT,
					     .n = THREAD_COUNT };
		pthread_create(&th[k].tid, NULL, thread_main, &th[k]);
	}
	for (int k = 0; k < 2; k++) {
		pthread_join(th[k].tid, NULL);
		if (th[k].err)
			die("append threads", th[k].err);
	}
	t = now_s() - t;
	journal_close(j);
	unlink(tpath);
	report("2 threads, one journal, sync=false", t,
	       2.0 * THREAD_COUNT, "op");

	printf("open and query a full journal (file in the page cache):\n");
	tref = ref_read(path);
	printf("  %-46s %10.3f ms %12.2f GiB/s\n",
	       "reference: sequential read of the file", tref * 1e3,
	       (double)records * EV_SLOT / tref / (1 << 30));
	{
		double best = 1e9;

		for (int k = 0; k < 3; k++) {
			t = now_s();
			ret = journal_open(path, JOURNAL_EVENTS,
					   (size_t)records, false, &j,
					   &dropped);
			t = now_s() - t;
			if (ret < 0)
				die("journal_open", ret);
			if (t < best)
				best = t;
			if (k < 2)
				journal_close(j);
		}
		printf("  %-46s %10.3f ms %9.2fx the read (%zu records, "
		       "%u dropped)\n",
		       "journal_open (best of 3)", best * 1e3, best / tref,
		       journal_count(j), dropped);
	}

	t = time_query(j, &(struct journal_query){ .max_severity = -1,
						   .limit = 1000 },
		       20, &n);
	report("query: last 1000", t, n, "rec");
	t = time_query(j, &(struct journal_query){ .max_severity = -1,
						   .limit = 1000,
						   .plugin = "nfs" },
		       20, &n);
	report("query: plugin=nfs (1 in 8), limit 1000", t, n, "rec");
	t = time_query(j, &(struct journal_query){ .max_severity =
							   MGMTD_SEV_CRIT,
						   .limit = 1000,
						   .plugin = "lvm" },
		       20, &n);
	report("query: plugin=lvm, severity<=crit, limit 1000", t, n, "rec");
	t = time_query(j, &(struct journal_query){ .max_severity = -1,
						   .limit = 1000,
						   .plugin = "audit" },
		       3, &n);
	printf("  %-46s %10.3f ms %d records (scans the whole journal)\n",
	       "query: plugin=audit (1 in 1000), limit 1000", t * 1e3, n);
	{
		uint64_t mid = journal_last_seq(j) - (uint64_t)records / 2;
		struct journal_query q = { .max_severity = -1, .limit = 1000,
					   .until_us = time_of_seq(j, mid) };

		t = time_query(j, &q, 20, &n);
		report("query: until=<time of the middle record>", t, n,
		       "rec");
	}
	journal_close(j);

	unlink(path);
	rmdir(dir);
	return EXIT_SUCCESS;
}
