/* Reading text log files without loading them: timestamps of the formats
 * syslog and Samba write, the last N entries (blocks read backwards from
 * the end), a time range (binary search on the timestamps), a substring
 * filter, and a byte-offset cursor to page on or follow a growing file.
 *
 * An entry is a head line (any line that does not start with a blank)
 * with the lines that follow it and do start with a blank: Samba writes
 * "[2026/11/21 10:00:00.123456,  0] file:line(fn)" and its message below,
 * indented.  Its time is the head's (none when the head has no known
 * timestamp); blank-led lines at the start of a read form an entry with
 * no head and no time.  Only complete lines count: a last line without
 * its newline is left for a later read (the writer is still at it).
 *
 * Times in microseconds since the epoch.  Files are expected to be in
 * time order (logs are): the time range stops at the first entry past
 * `until`, and the search for `since` assumes order; out-of-order entries
 * near the edges may be missed, never invented. */
#ifndef MGMTD_LOGREAD_H
#define MGMTD_LOGREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOGREAD_BLOCK 16384      /* bytes per read */
#define LOGREAD_LINE_MAX 4096    /* longer lines are cut to this */
#define LOGREAD_ENTRY_MAX 65536  /* bytes of an entry kept; lines past it
				    are dropped */
#define LOGREAD_NO_TIME INT64_MIN

/* The timestamp at the start of line (len bytes, not NUL-terminated):
 * RFC 3164 "Nov 21 10:00:00" (the year is ref's, or the one before if
 * that would put the line more than a day after ref), RFC 3339 and ISO
 * 8601 "2026-11-21T10:00:00.123+00:00" (without a zone: local time; a
 * space for the T), Samba's "[2026/11/21 10:00:00.123456, 0]" (local).
 * ref: seconds since the epoch (the file's mtime).  true and *us. */
bool logread_time(const char *line, size_t len, int64_t ref, int64_t *us);

/* A time as a client writes it: seconds since the epoch ("1700000000",
 * "1700000000.5"), seconds before now when negative ("-3600"), or an RFC
 * 3339 text.  now: seconds.  0 and *us, or -EINVAL. */
int logread_parse_when(const char *text, int64_t now, int64_t *us);

/* Case-insensitive substring search in a line of len bytes. */
bool logread_match(const char *line, size_t len, const char *needle);

/* Copy text into out (size at least 3 * len + 1) as valid UTF-8: invalid
 * bytes and control characters other than tab become U+FFFD.  Returns the
 * length written (NUL-terminated). */
size_t logread_utf8(const char *text, size_t len, char *out);

struct logread_query {
	int64_t since, until;   /* LOGREAD_NO_TIME: no bound */
	const char *grep;       /* NULL or "": everything */
	size_t limit;           /* most entries returned; 0: no limit */
	size_t max_bytes;       /* stop before an entry once this many
				   bytes of text went out; 0: no limit */
	size_t tail;            /* > 0: the last `tail` matching entries */
	int64_t cursor;         /* >= 0: read on from this offset (one a
				   read returned: a line start) */
	int64_t before;         /* > 0: only entries starting before this
				   offset (a start a read returned), so
				   that a tail pages backwards */
	int64_t ref;            /* seconds, for RFC 3164's missing year */
};

/* One line of a matching entry, in file order; time is the entry's
 * (LOGREAD_NO_TIME: none), first tells the entry's first line.  text is
 * not NUL-terminated and not sanitised.  A negative return stops the
 * read with that error. */
typedef int (*logread_fn)(void *arg, int64_t time, bool first,
			  const char *text, size_t len);

struct logread_result {
	int64_t cursor;  /* where a next read with cursor goes on */
	int64_t start;   /* where this read began (a line start): a next
			    tail with before = start gives older entries;
			    0 when nothing is older */
	int64_t size;    /* the file's size when read */
	size_t entries;  /* entries passed to fn */
	bool more;       /* stopped by limit: more entries may match */
	bool reset;      /* the cursor was past the end or not after a
			    newline (the file was truncated, or replaced):
			    read from the start */
};

/* The offset after fd's last complete line (0 if none), where a reader
 * that wants only new lines starts; a negative errno if pread fails. */
int64_t logread_end(int fd);

/* Read fd (a regular file, read with pread only) as q says, calling fn
 * for each line of each matching entry.  Returns 0 or a negative errno
 * (of pread, or of fn). */
int logread_run(int fd, const struct logread_query *q, logread_fn fn,
		void *arg, struct logread_result *res);

#endif
