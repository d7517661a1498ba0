/* Round-robin journals: fixed capacity, fixed-size slots, the oldest record
 * overwritten.  Each slot carries a sequence number and a CRC32, so a
 * record torn by a crash is detected when the journal is opened and
 * dropped, never misread.  Times never go backwards inside a journal (a
 * record's time is at least its predecessor's), so time queries may stop
 * early.
 *
 * Two kinds share the format: events and commands. */
#ifndef MGMTD_JOURNAL_H
#define MGMTD_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgmtd/plugin.h"

struct journal;

enum journal_kind { JOURNAL_EVENTS = 1, JOURNAL_COMMANDS = 2 };

/* A record as read back.  Strings point into the record, NUL-terminated,
 * never NULL (empty when absent). */
struct journal_record {
	uint64_t seq;       /* 1, 2, ... never reused */
	int64_t time_us;    /* microseconds since the epoch */
	/* events */
	enum mgmtd_severity severity;
	const char *plugin, *object, *message;
	/* commands */
	const char *user, *source, *interface, *change, *result;
	uint32_t version;   /* config version produced, 0 if none */
};

struct journal_query {
	int64_t since_us, until_us; /* 0: unbounded */
	int max_severity;           /* events at or above (<=) it; -1: all */
	const char *plugin;         /* exact match, NULL: any */
	const char *user;           /* exact match, NULL: any */
	size_t limit;               /* newest first; 0: 100 */
};

/* Open or create the journal at path with room for capacity records.
 * An existing file of another capacity or kind is refused (-EINVAL) unless
 * it is empty.  Torn records are dropped (and counted in *dropped when not
 * NULL).  sync: fdatasync after each append.  Returns 0 and *out (free
 * with journal_close). */
int journal_open(const char *path, enum journal_kind kind, size_t capacity,
		 bool sync, struct journal **out, unsigned *dropped);
void journal_close(struct journal *j);

/* Append; strings may be NULL; each is cut to fit the slot (the message
 * last).  Thread-safe.  Returns 0 or a negative errno. */
int journal_append_event(struct journal *j, enum mgmtd_severity sev,
			 const char *plugin, const char *object,
			 const char *message);
int journal_append_command(struct journal *j, const char *user,
			   const char *source, const char *interface,
			   const char *change, const char *result,
			   uint32_t version);

/* Run a query, newest first; cb is called for each matching record (the
 * record is only valid during the call) until it returns non-zero or the
 * limit is reached.  Returns the number of records passed to cb, or a
 * negative errno. */
typedef int (*journal_cb)(const struct journal_record *r, void *arg);
int journal_query(struct journal *j, const struct journal_query *q,
		  journal_cb cb, void *arg);

/* Number of records held; sequence number of the newest (0 if empty). */
size_t journal_count(struct journal *j);
uint64_t journal_last_seq(struct journal *j);

#endif
