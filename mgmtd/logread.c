/* Reading log files in blocks: forwards from an offset, backwards from
 * the end for a tail, by bisection for a start time.  Memory is bounded
 * by a block, a line and an entry, whatever the file's size. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "logread.h"

/* ------------------------------------------------------------------ */
/* Timestamps                                                           */

/* n digits at s into *v; false if one is not a digit. */
static bool digits(const char *s, size_t n, int *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* A local broken-down time to seconds.  mktime reads the zone each call:
 * the last hour is cached, which is where nearly all lines of a log fall. */
static int64_t local_seconds(int year, int mon, int mday, int hour, int min,
			     int sec)
{
	static __thread struct {
		int key[4];
		int64_t base;
		bool valid;
	} cache;
	int key[4] = { year, mon, mday, hour };
	struct tm tm = {
		.tm_year = year - 1900, .tm_mon = mon - 1, .tm_mday = mday,
		.tm_hour = hour, .tm_isdst = -1,
	};

	if (!cache.valid || memcmp(cache.key, key, sizeof(key)) != 0) {
		cache.base = (int64_t)mktime(&tm);
		memcpy(cache.key, key, sizeof(key));
		cache.valid = true;
	}
	return cache.base + min * 60 + sec;
}

static bool valid_tm(int mon, int mday, int hour, int min, int sec)
{
	return mon >= 1 && mon <= 12 && mday >= 1 && mday <= 31 && hour <= 23 &&
	       min <= 59 && sec <= 60;
}

/* ".123456" or ",123" at s: microseconds, and how many bytes it took. */
static size_t fraction(const char *s, size_t len, int64_t *us)
{
	size_t i = 1;
	int64_t scale = 100000;

	*us = 0;
	if (len < 2 || (s[0] != '.' && s[0] != ',') ||
	    !isdigit((unsigned char)s[1]))
		return 0;
	for (; i < len && isdigit((unsigned char)s[i]); i++) {
		*us += (s[i] - '0') * scale;
		scale /= 10;
	}
	return i;
}

/* "Nov 21 10:00:00" (the day may be space-padded). */
static bool time_3164(const char *s, size_t len, int64_t ref, int64_t *us)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int mon = 0, mday, hour, min, sec, year;
	struct tm now;
	time_t r = (time_t)ref;
	int64_t t;

	if (len < 15 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' ||
	    s[12] != ':')
		return false;
	for (int i = 0; i < 12 && !mon; i++)
		if (!memcmp(s, months + 3 * i, 3))
			mon = i + 1;
	if (!mon || !digits(s + 5, 1, &mday) ||
	    (s[4] != ' ' && !digits(s + 4, 2, &mday)) ||
	    !digits(s + 7, 2, &hour) || !digits(s + 10, 2, &min) ||
	    !digits(s + 13, 2, &sec) || !valid_tm(mon, mday, hour, min, sec))
		return false;
	localtime_r(&r, &now);
	year = now.tm_year + 1900;
	t = local_seconds(year, mon, mday, hour, min, sec);
	/* No year in the line: the latest one that is not in the future. */
	if (t > ref + 86400)
		t = local_seconds(year - 1, mon, mday, hour, min, sec);
	*us = t * 1000000;
	return true;
}

/* "2026-11-21T10:00:00[.frac][Z|+hh:mm|+hhmm]" ('/' for '-' and a
 * space for T too, which covers Samba's head once its '[' is off). */
static bool time_iso(const char *s, size_t len, int64_t *us)
{
	int year, mon, mday, hour, min, sec, oh, om;
	int64_t frac = 0, t;
	size_t i = 19;

	if (len < 19 || (s[4] != '-' && s[4] != '/') || s[7] != s[4] ||
	    (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
	    !digits(s, 4, &year) || !digits(s + 5, 2, &mon) ||
	    !digits(s + 8, 2, &mday) || !digits(s + 11, 2, &hour) ||
	    !digits(s + 14, 2, &min) || !digits(s + 17, 2, &sec) ||
	    !valid_tm(mon, mday, hour, min, sec))
		return false;
	i += fraction(s + i, len - i, &frac);
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		struct tm tm = { .tm_year = year - 1900, .tm_mon = mon - 1,
				 .tm_mday = mday, .tm_hour = hour,
				 .tm_min = min, .tm_sec = sec };
		t = (int64_t)timegm(&tm);
	} else if (i + 5 <= len && (s[i] == '+' || s[i] == '-') &&
		   digits(s + i + 1, 2, &oh) &&
		   ((s[i + 3] == ':' && i + 6 <= len &&
		     digits(s + i + 4, 2, &om)) ||
		    digits(s + i + 3, 2, &om))) {
		struct tm tm = { .tm_year = year - 1900, .tm_mon = mon - 1,
				 .tm_mday = mday, .tm_hour = hour,
				 .tm_min = min, .tm_sec = sec };
		int off = (oh * 60 + om) * 60;
		t = (int64_t)timegm(&tm) - (s[i] == '+' ? off : -off);
	} else {
		t = local_seconds(year, mon, mday, hour, min, sec);
	}
	*us = t * 1000000 + frac;
	return true;
}

bool logread_time(const char *line, size_t len, int64_t ref, int64_t *us)
{
	if (len && line[0] == '[')
		return time_iso(line + 1, len - 1, us);
	if (len && isdigit((unsigned char)line[0]))
		return time_iso(line, len, us);
	return time_3164(line, len, ref, us);
}

int logread_parse_when(const char *text, int64_t now, int64_t *us)
{
	char *end;
	double v;

	if (!text || !*text)
		return -EINVAL;
	if (logread_time(text, strlen(text), now, us))
		return 0;
	errno = 0;
	v = strtod(text, &end);
	if (errno || *end || end == text || v != v || v > 1e12 || v < -1e12)
		return -EINVAL;
	if (v < 0)
		v += (double)now;
	*us = (int64_t)(v * 1e6);
	return 0;
}

bool logread_match(const char *line, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return true;
	for (size_t i = 0; i + n <= len; i++) {
		size_t j = 0;
		while (j < n && tolower((unsigned char)line[i + j]) ==
					tolower((unsigned char)needle[j]))
			j++;
		if (j == n)
			return true;
	}
	return false;
}

/* Length of the valid UTF-8 sequence at s (at most len bytes), 0 if
 * there is none. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, past U+10FFFF. */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

size_t logread_utf8(const char *text, size_t len, char *out)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t o = 0;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(s + i, len - i);
		if (n == 0 || (n == 1 && s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7f) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i += n ? n : 1;
			continue;
		}
		memcpy(out + o, s + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return o;
}

/* ------------------------------------------------------------------ */
/* Forward line reader                                                  */

struct fwd {
	int fd;
	int64_t end;   /* complete lines before it only */
	int64_t off;   /* file offset of buf[0] */
	size_t len, pos;
	char buf[LOGREAD_BLOCK];
	char line[LOGREAD_LINE_MAX];
};

static int64_t fwd_tell(const struct fwd *f)
{
	return f->off + (int64_t)f->pos;
}

static int fwd_fill(struct fwd *f)
{
	int64_t want;
	ssize_t n;

	f->off += (int64_t)f->len;
	f->pos = f->len = 0;
	want = f->end - f->off;
	if (want <= 0)
		return 0;
	if (want > LOGREAD_BLOCK)
		want = LOGREAD_BLOCK;
	do
		n = pread(f->fd, f->buf, (size_t)want, f->off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	f->len = (size_t)n;
	return n > 0;
}

/* The next complete line (without its newline, cut to LOGREAD_LINE_MAX),
 * valid until the next call; *start is its offset.  1, 0 at the end (a
 * partial last line is not consumed), or a negative errno. */
static int fwd_next(struct fwd *f, const char **text, size_t *len,
		    int64_t *start)
{
	int64_t begin = fwd_tell(f);
	size_t n = 0;
	int rc;

	for (;;) {
		char *nl;
		size_t chunk;

		if (f->pos == f->len) {
			if ((rc = fwd_fill(f)) <= 0) {
				/* Not a complete line: leave it unread. */
				f->off = begin;
				f->pos = f->len = 0;
				return rc;
			}
		}
		nl = memchr(f->buf + f->pos, '\n', f->len - f->pos);
		chunk = (nl ? (size_t)(nl - f->buf) : f->len) - f->pos;
		if (nl && n == 0) {
			*text = f->buf + f->pos;
			*len = chunk < LOGREAD_LINE_MAX ? chunk : LOGREAD_LINE_MAX;
			f->pos += chunk + 1;
			*start = begin;
			return 1;
		}
		if (n < LOGREAD_LINE_MAX) {
			size_t take = LOGREAD_LINE_MAX - n < chunk
					      ? LOGREAD_LINE_MAX - n
					      : chunk;
			memcpy(f->line + n, f->buf + f->pos, take);
			n += take;
		}
		f->pos += chunk + (nl != NULL);
		if (nl) {
			*text = f->line;
			*len = n;
			*start = begin;
			return 1;
		}
	}
}

/* Start reading at the first line that begins at or after off. */
static int fwd_init(struct fwd *f, int fd, int64_t off, int64_t end)
{
	const char *t = NULL;
	size_t l = 0;
	int64_t s = 0;

	f->fd = fd;
	f->end = end;
	f->len = f->pos = 0;
	f->off = off > 0 ? off - 1 : 0;
	/* The line holding off - 1 is someone else's (just its newline when
	 * off starts a line). */
	return off > 0 ? fwd_next(f, &t, &l, &s) : 0;
}

/* ------------------------------------------------------------------ */
/* Entries                                                              */

static bool is_cont(const char *text, size_t len)
{
	return len == 0 || text[0] == ' ' || text[0] == '\t';
}

struct entry {
	int64_t start, time;
	bool open, matched;
	size_t used;
	char buf[LOGREAD_ENTRY_MAX]; /* [size_t len][bytes] per line */
};

static void entry_add(struct entry *e, const char *text, size_t len,
		      const char *grep)
{
	if (grep && !e->matched && logread_match(text, len, grep))
		e->matched = true;
	if (e->used + sizeof(size_t) + len > sizeof(e->buf))
		return;
	memcpy(e->buf + e->used, &len, sizeof(len));
	memcpy(e->buf + e->used + sizeof(len), text, len);
	e->used += sizeof(len) + len;
}

static void entry_begin(struct entry *e, int64_t start, int64_t time)
{
	e->start = start;
	e->time = time;
	e->open = true;
	e->matched = false;
	e->used = 0;
}

static int entry_emit(const struct entry *e, logread_fn fn, void *arg)
{
	size_t at = 0, len;
	int rc = 0;

	while (rc >= 0 && at < e->used) {
		memcpy(&len, e->buf + at, sizeof(len));
		rc = fn(arg, e->time, at == 0, e->buf + at + sizeof(len), len);
		at += sizeof(len) + len;
	}
	return rc;
}

static bool timed(const struct logread_query *q)
{
	return q->since != LOGREAD_NO_TIME || q->until != LOGREAD_NO_TIME;
}

enum verdict { TAKE, SKIP, STOP };

static enum verdict judge(const struct logread_query *q, int64_t time,
			  bool matched)
{
	if (timed(q) && time == LOGREAD_NO_TIME)
		return SKIP;
	if (q->until != LOGREAD_NO_TIME && time > q->until)
		return STOP;
	if (q->since != LOGREAD_NO_TIME && time < q->since)
		return SKIP;
	return matched ? TAKE : SKIP;
}

struct scan {
	const struct logread_query *q;
	const char *grep;
	logread_fn fn;
	void *arg;
	size_t limit;
	struct logread_result *res;
	size_t bytes;
	bool done;
};

/* The entry is complete: pass it on, or stop the scan (cursor set). */
static int entry_end(struct scan *sc, struct entry *e)
{
	enum verdict v = judge(sc->q, e->time, !sc->grep || e->matched);

	e->open = false;
	if (v == STOP ||
	    (v == TAKE && ((sc->limit && sc->res->entries == sc->limit) ||
			   (sc->q->max_bytes && sc->bytes >= sc->q->max_bytes)))) {
		sc->res->cursor = e->start;
		sc->res->more = v == TAKE;
		sc->done = true;
		return 0;
	}
	if (v == SKIP)
		return 0;
	sc->res->entries++;
	sc->bytes += e->used;
	return entry_emit(e, sc->fn, sc->arg);
}

static int scan_forward(struct fwd *f, struct scan *sc, struct entry *e)
{
	const char *text = NULL;
	size_t len = 0;
	int64_t start = 0, t = 0;
	int rc = 0;

	e->open = false;
	while (!sc->done && (rc = fwd_next(f, &text, &len, &start)) > 0) {
		if (!(is_cont(text, len) && e->open)) {
			if (e->open && (rc = entry_end(sc, e)) < 0)
				return rc;
			if (sc->done)
				break;
			if (is_cont(text, len) ||
			    !logread_time(text, len, sc->q->ref, &t))
				t = LOGREAD_NO_TIME;
			entry_begin(e, start, t);
		}
		entry_add(e, text, len, sc->grep);
	}
	if (!sc->done && rc < 0)
		return rc;
	if (!sc->done && e->open && (rc = entry_end(sc, e)) < 0)
		return rc;
	if (!sc->done)
		sc->res->cursor = fwd_tell(f);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Backwards, for a tail                                                */

struct bwd {
	int fd;
	int64_t p;     /* start of the line read last */
	int64_t boff;  /* file offset of buf[0] */
	size_t blen;
	char buf[LOGREAD_BLOCK];
	char line[LOGREAD_LINE_MAX];
};

static int bwd_load(struct bwd *b, int64_t end)
{
	int64_t from = end > LOGREAD_BLOCK ? end - LOGREAD_BLOCK : 0;
	ssize_t n;

	do
		n = pread(b->fd, b->buf, (size_t)(end - from), from);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != end - from)
		return -EIO; /* truncated under us */
	b->boff = from;
	b->blen = (size_t)n;
	return 0;
}

/* The line before b->p: 1, 0 at the start of the file, or an error. */
static int bwd_prev(struct bwd *b, const char **text, size_t *len,
		    int64_t *start)
{
	int64_t lend, s;
	ssize_t n;
	int rc;

	if (b->p <= 0)
		return 0;
	lend = b->p - 1; /* its newline */
	s = lend;
	for (;;) {
		if (s > b->boff) {
			char *q = memrchr(b->buf, '\n', (size_t)(s - b->boff));
			if (q) {
				*start = b->boff + (q - b->buf) + 1;
				break;
			}
		}
		if (b->boff == 0) {
			*start = 0;
			break;
		}
		s = b->boff;
		if ((rc = bwd_load(b, b->boff)) < 0)
			return rc;
	}
	*len = (size_t)(lend - *start);
	if (*len > LOGREAD_LINE_MAX)
		*len = LOGREAD_LINE_MAX;
	if (*start >= b->boff && *start + (int64_t)*len <= b->boff + (int64_t)b->blen) {
		*text = b->buf + (*start - b->boff);
	} else {
		do
			n = pread(b->fd, b->line, *len, *start);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -errno;
		*len = (size_t)n;
		*text = b->line;
	}
	b->p = *start;
	return 1;
}

/* Where the last q->tail matching entries start (before end, a line
 * start): 0 when fewer match. */
static int tail_start(int fd, int64_t end, const struct logread_query *q,
		      const char *grep, int64_t *out)
{
	struct bwd *b = malloc(sizeof(*b));
	bool cont_matched = false;
	size_t count = 0;
	const char *text = NULL;
	size_t len = 0;
	int64_t start = 0, t = 0;
	int rc = 0;

	if (!b)
		return -ENOMEM;
	b->fd = fd;
	*out = 0;
	/* From the end of the last complete line. */
	for (b->p = end; b->p > 0;) {
		char *nl;

		if ((rc = bwd_load(b, b->p)) < 0)
			goto out;
		if ((nl = memrchr(b->buf, '\n', b->blen))) {
			b->p = b->boff + (nl - b->buf) + 1;
			break;
		}
		b->p = b->boff;
	}
	while ((rc = bwd_prev(b, &text, &len, &start)) > 0) {
		bool m;

		if (is_cont(text, len)) {
			cont_matched |= grep && logread_match(text, len, grep);
			continue;
		}
		m = !grep || cont_matched || logread_match(text, len, grep);
		cont_matched = false;
		if (!logread_time(text, len, q->ref, &t))
			t = LOGREAD_NO_TIME;
		/* Ordered: nothing before this one is recent enough. */
		if (q->since != LOGREAD_NO_TIME && t != LOGREAD_NO_TIME &&
		    t < q->since) {
			*out = start;
			break;
		}
		if (judge(q, t, m) == TAKE && ++count == q->tail) {
			*out = start;
			break;
		}
	}
out:
	free(b);
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------------ */
/* Bisection on time                                                    */

/* The time of the first timestamped head at or after off (and before
 * off + a few blocks): 1 and *t, 0 if there is none. */
static int time_after(struct fwd *f, int64_t off, int64_t end, int64_t ref,
		      int64_t *t)
{
	const char *text = NULL;
	size_t len = 0;
	int64_t start = 0;
	int rc;

	if ((rc = fwd_init(f, f->fd, off, end)) < 0)
		return rc;
	while ((rc = fwd_next(f, &text, &len, &start)) > 0 &&
	       start < off + 4 * LOGREAD_BLOCK)
		if (!is_cont(text, len) && logread_time(text, len, ref, t))
			return 1;
	return rc < 0 ? rc : 0;
}

/* An offset before the first entry at or after since, within a block. */
static int since_start(struct fwd *f, int64_t end, int64_t since,
		       int64_t ref, int64_t *out)
{
	int64_t lo = 0, hi = end, t = 0;
	int rc;

	*out = 0;
	while (hi - lo > LOGREAD_BLOCK) {
		int64_t mid = lo + (hi - lo) / 2;

		if ((rc = time_after(f, mid, end, ref, &t)) < 0)
			return rc;
		if (rc == 1 && t < since)
			lo = mid;
		else
			hi = mid;
	}
	*out = lo;
	return 0;
}

/* ------------------------------------------------------------------ */

int64_t logread_end(int fd)
{
	struct stat st;
	int64_t end;
	char buf[512];

	if (fstat(fd, &st) < 0)
		return -errno;
	for (end = st.st_size; end > 0;) {
		int64_t from = end > (int64_t)sizeof(buf) ? end - (int64_t)sizeof(buf) : 0;
		ssize_t n = pread(fd, buf, (size_t)(end - from), from);
		char *nl;

		if (n < 0)
			return -errno;
		if (n < end - from)
			return 0; /* shrank under us */
		if ((nl = memrchr(buf, '\n', (size_t)n)))
			return from + (nl - buf) + 1;
		end = from;
	}
	return 0;
}

/* Whether a cursor still follows a newline (the file was not truncated
 * and written again past it). */
static bool cursor_ok(int fd, int64_t cursor, int64_t size)
{
	char c;

	if (cursor > size)
		return false;
	return cursor == 0 || (pread(fd, &c, 1, cursor - 1) == 1 && c == '\n');
}

int logread_run(int fd, const struct logread_query *q, logread_fn fn,
		void *arg, struct logread_result *res)
{
	struct scan sc = {
		.q = q, .grep = q->grep && *q->grep ? q->grep : NULL,
		.fn = fn, .arg = arg, .limit = q->limit, .res = res,
	};
	struct fwd *f = NULL;
	struct entry *e = NULL;
	struct stat st;
	int64_t from = 0, end;
	int rc;

	*res = (struct logread_result){ 0 };
	if (fstat(fd, &st) < 0)
		return -errno;
	res->size = end = st.st_size;
	/* A bound that no longer follows a newline: no bound, and say so. */
	if (q->before > 0 && q->before < end) {
		if (cursor_ok(fd, q->before, end))
			end = q->before;
		else
			res->reset = true;
	}
	f = malloc(sizeof(*f));
	e = malloc(sizeof(*e));
	if (!f || !e) {
		rc = -ENOMEM;
		goto out;
	}
	f->fd = fd;
	if (q->cursor >= 0) {
		from = q->cursor;
		if (!cursor_ok(fd, from, st.st_size)) {
			res->reset = true;
			from = 0;
		}
		if (from > end)
			from = end;
	} else if (q->tail) {
		rc = tail_start(fd, end, q, sc.grep, &from);
		if (rc < 0)
			goto out;
		sc.limit = 0; /* at most tail, by construction */
	} else if (q->since != LOGREAD_NO_TIME) {
		if ((rc = since_start(f, end, q->since, q->ref, &from)) < 0)
			goto out;
	}
	if ((rc = fwd_init(f, fd, from, end)) < 0)
		goto out;
	res->start = fwd_tell(f);
	rc = scan_forward(f, &sc, e);
out:
	free(f);
	free(e);
	return rc;
}
