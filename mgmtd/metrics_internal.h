/* Shared by metrics*.c only. */
#ifndef MGMTD_METRICS_INTERNAL_H
#define MGMTD_METRICS_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <rrd.h>
#include <rrd_client.h>

#include "metrics.h"

struct metrics {
	char *dir;
	unsigned step;
	/* path -> [DS names in file order], known to the collector; only
	 * its thread touches it. */
	json_t *files;
	/* rrdcached's address, or NULL.  librrd 1.7 exports only its one
	 * process-wide client (rrdc_*): a process has one struct metrics
	 * with rrdcached at a time. */
	char *rrdcached;
	bool client_warned;     /* the "unreachable" warning was logged */
	atomic_llong last_sample; /* time of the last metrics_sample */
	/* client_lock: the rrdcached connection, shared by the collector
	 * (updates) and readers (flush before reading).  getopt_lock:
	 * librrd's calls that parse arguments with getopt or keep state in
	 * statics (rrd_graph_v, rrd_tune, rrd_parsetime), which REST calls
	 * from several threads. */
	pthread_mutex_t client_lock, getopt_lock;
};

/* Whether a is sampled. */
bool metrics_attr(const struct mgmtd_attr *a);
/* Around calls to rrdcached, with client_lock held: a daemon gone makes
 * librrd's send() raise SIGPIPE, which must not end the process (the
 * daemon ignores it; tests and benchmarks may not). */
void metrics_pipe_block(sigset_t *old);
void metrics_pipe_restore(const sigset_t *old);
/* The sampled attribute of sc whose DS name is ds, or NULL. */
const struct mgmtd_attr *metrics_attr_of_ds(const struct schema_class *sc,
					    const char *ds);
/* Make rrdcached write what it holds of path (no-op without it), so that
 * a reader sees every point.  A failure is logged at debug: the reader
 * then sees what the file has. */
void metrics_flush(struct metrics *m, const char *path);
/* Percent-decode src into buf.  0 or -EINVAL. */
int metrics_decode_key(char *buf, size_t len, const char *src);

#endif
