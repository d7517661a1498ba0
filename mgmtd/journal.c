/* Round-robin journals of events and commands.
 *
 * On-disk format, version 1, every integer little-endian:
 *
 *   header block, JOURNAL_HDR_SIZE (4096) bytes:
 *     0  char magic[8]      "MGMTDJNL"
 *     8  u32 version        1
 *    12  u32 kind           enum journal_kind
 *    16  u32 slot_size      512 for events, 2048 for commands
 *    20  u32 header_size    4096
 *    24  u64 capacity       number of slots
 *    32  u32 crc32          IEEE CRC32 of bytes 0..31
 *    36  zeros up to 4096
 *
 *   then capacity slots of slot_size bytes; seq s lives in slot (s-1) %
 *   capacity, at offset header_size + slot * slot_size:
 *     0  u64 seq            1, 2, ...; 0: never written
 *     8  i64 time_us        CLOCK_REALTIME, never below the previous record
 *    16  u32 crc32          of bytes 0..15 and 20..(24 + len - 1)
 *    20  u16 len            payload bytes
 *    22  u16 reserved       0
 *    24  payload, then zeros to the end of the slot
 *
 *   event payload:   u8 severity, plugin NUL, object NUL, message NUL
 *   command payload: u32 version, user NUL, source NUL, interface NUL,
 *                    result NUL, change NUL
 *
 * The header is a whole page so that slots (whose sizes divide the page
 * size) never straddle a page: a crash tears at most the slot being
 * written, and its CRC tells.  Every append is one pwrite() of a whole slot.
 *
 * Opening scans every slot.  A slot counts when its CRC holds, its payload
 * parses, its seq matches its index and it lies within the last capacity
 * seqs ending at the newest one; anything else is dropped, so a torn record
 * or a stale record of an older lap (a lost write) is never read.  Valid
 * slots are remembered in a bitmap; the next append simply goes after the
 * newest valid seq, overwriting whatever is there.
 *
 * Commands read back with severity MGMTD_SEV_NOTICE, so that every filter
 * applies to both kinds.  Time bounds of a query are inclusive.  The query
 * callback runs with the journal locked: it must not call into the same
 * journal.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"

#define JOURNAL_MAGIC "MGMTDJNL"
#define JOURNAL_VERSION 1
#define JOURNAL_HDR_SIZE 4096

#define SLOT_HDR 24
#define SLOT_EVENTS 512
#define SLOT_COMMANDS 2048

/* Longest kept value of each short field, so that a runaway one cannot
 * crowd out the message or the change, which get all the room left. */
#define CAP_PLUGIN 63
#define CAP_OBJECT 127
#define CAP_USER 63
#define CAP_SOURCE 63
#define CAP_INTERFACE 15
#define CAP_RESULT 255

#define QUERY_LIMIT_DEFAULT 100
#define READ_CHUNK (256 * 1024)  /* query reads, bytes */
#define SCAN_CHUNK (4096 * 1024) /* open scan reads, bytes */

struct crc_tables {
	uint32_t t[8][256];
};

struct geometry {
	enum journal_kind kind;
	size_t slot_size;
	uint64_t capacity;
};

struct journal {
	pthread_mutex_t lock;
	int fd;
	struct geometry g;
	bool sync;
	uint64_t last_seq;
	int64_t last_time_us;
	size_t count;
	uint64_t *valid;       /* bitmap: slot holds a record of the window */
	unsigned char *wbuf;   /* one slot, for appends */
	unsigned char *rbuf;   /* READ_CHUNK bytes, for queries */
	size_t rbuf_slots;
	struct crc_tables crc;
};

/* ------------------------------------------------------------------ */
/* Little-endian fields */

static void put_le16(unsigned char *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

static void put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

static uint16_t get_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_le32(const unsigned char *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t get_le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* ------------------------------------------------------------------ */
/* CRC32 (IEEE 802.3: reflected, polynomial 0xedb88320, as zlib), eight
 * bytes a step ("slicing by 8").  The tables live in each journal: 8 KiB,
 * built in a few microseconds at open. */

static void crc_tables_init(struct crc_tables *c)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t v = i;

		for (int k = 0; k < 8; k++)
			v = (v >> 1) ^ (0xedb88320u & (0u - (v & 1u)));
		c->t[0][i] = v;
	}
	for (int k = 1; k < 8; k++)
		for (int i = 0; i < 256; i++)
			c->t[k][i] = (c->t[k - 1][i] >> 8) ^
				     c->t[0][c->t[k - 1][i] & 0xff];
}

/* Continue a CRC: start with crc = 0. */
static uint32_t crc32_update(const struct crc_tables *c, uint32_t crc,
			     const unsigned char *p, size_t n)
{
	const uint32_t(*t)[256] = c->t;

	crc = ~crc;
	for (; n >= 8; p += 8, n -= 8) {
		uint32_t a = crc ^ get_le32(p);

		crc = t[7][a & 0xff] ^ t[6][(a >> 8) & 0xff] ^
		      t[5][(a >> 16) & 0xff] ^ t[4][a >> 24] ^ t[3][p[4]] ^
		      t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
	}
	while (n--)
		crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ------------------------------------------------------------------ */
/* I/O helpers: whole transfers, EINTR retried */

static int pwrite_all(int fd, const void *buf, size_t n, off_t off)
{
	const unsigned char *p = buf;

	while (n) {
		ssize_t w = pwrite(fd, p, n, off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

/* Read n bytes; what lies past the end of the file reads as zeros. */
static int pread_all(int fd, void *buf, size_t n, off_t off)
{
	unsigned char *p = buf;

	while (n) {
		ssize_t r = pread(fd, p, n, off);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0) {
			memset(p, 0, n);
			break;
		}
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

static bool all_zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* Geometry */

static size_t kind_slot_size(enum journal_kind kind)
{
	return kind == JOURNAL_EVENTS ? SLOT_EVENTS : SLOT_COMMANDS;
}

static off_t slot_offset(const struct geometry *g, uint64_t idx)
{
	return (off_t)(JOURNAL_HDR_SIZE + idx * g->slot_size);
}

static off_t file_size(const struct geometry *g)
{
	return slot_offset(g, g->capacity);
}

/* ------------------------------------------------------------------ */
/* Slots */

static uint32_t slot_crc(const struct crc_tables *c, const unsigned char *p,
			 size_t len)
{
	return crc32_update(c, crc32_update(c, 0, p, 16), p + 20, 4 + len);
}

/* Check a slot and, when r is not NULL, decode it into r (strings point
 * into p).  Returns whether the slot holds a well-formed record. */
static bool slot_parse(const struct crc_tables *c, enum journal_kind kind,
		       size_t slot_size, const unsigned char *p,
		       struct journal_record *r)
{
	size_t len = get_le16(p + 20);
	size_t fixed = kind == JOURNAL_EVENTS ? 1 : 4;
	size_t nstr = kind == JOURNAL_EVENTS ? 3 : 5;
	const char *str[5];
	const char *s, *end;

	if (get_le64(p) == 0 || len > slot_size - SLOT_HDR ||
	    len < fixed + nstr || get_le32(p + 16) != slot_crc(c, p, len))
		return false;
	if (kind == JOURNAL_EVENTS && p[SLOT_HDR] > MGMTD_SEV_DEBUG)
		return false;
	s = (const char *)p + SLOT_HDR + fixed;
	end = (const char *)p + SLOT_HDR + len;
	for (size_t i = 0; i < nstr; i++) {
		const char *nul = memchr(s, '\0', (size_t)(end - s));

		if (!nul)
			return false;
		str[i] = s;
		s = nul + 1;
	}
	if (s != end)
		return false;
	if (!r)
		return true;

	*r = (struct journal_record){
		.seq = get_le64(p),
		.time_us = (int64_t)get_le64(p + 8),
		.plugin = "", .object = "", .message = "",
		.user = "", .source = "", .interface = "", .change = "",
		.result = "",
	};
	if (kind == JOURNAL_EVENTS) {
		r->severity = (enum mgmtd_severity)p[SLOT_HDR];
		r->plugin = str[0];
		r->object = str[1];
		r->message = str[2];
	} else {
		r->severity = MGMTD_SEV_NOTICE;
		r->version = get_le32(p + SLOT_HDR);
		r->user = str[0];
		r->source = str[1];
		r->interface = str[2];
		r->result = str[3];
		r->change = str[4];
	}
	return true;
}

/* Copy s (NULL: empty) into dst with its NUL, keeping at most cap bytes
 * and leaving room: never cut inside a UTF-8 sequence (unless the input
 * is not UTF-8).  room >= 1.  Returns the bytes used, NUL included. */
static size_t put_str(unsigned char *dst, size_t room, const char *s,
		      size_t cap)
{
	size_t max = room - 1 < cap ? room - 1 : cap;
	size_t n;

	if (!s)
		s = "";
	n = strnlen(s, max + 1);
	if (n > max) {
		n = max;
		/* s[n] is the first byte left out: if it continues a
		 * sequence, the sequence starts at most 3 bytes back. */
		for (int back = 0; back < 3 && n > 0 &&
				   ((unsigned char)s[n] & 0xc0) == 0x80; back++)
			n--;
		if (((unsigned char)s[n] & 0xc0) == 0x80)
			n = max;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
	return n + 1;
}

/* ------------------------------------------------------------------ */
/* Bitmap of valid slots */

static bool bit_get(const uint64_t *b, uint64_t i)
{
	return b[i / 64] >> (i % 64) & 1;
}

static void bit_set(uint64_t *b, uint64_t i)
{
	b[i / 64] |= UINT64_C(1) << (i % 64);
}

static void bit_clear(uint64_t *b, uint64_t i)
{
	b[i / 64] &= ~(UINT64_C(1) << (i % 64));
}

/* ------------------------------------------------------------------ */
/* Header */

static void header_build(const struct crc_tables *c, unsigned char *h,
			 const struct geometry *g)
{
	memset(h, 0, JOURNAL_HDR_SIZE);
	memcpy(h, JOURNAL_MAGIC, 8);
	put_le32(h + 8, JOURNAL_VERSION);
	put_le32(h + 12, (uint32_t)g->kind);
	put_le32(h + 16, (uint32_t)g->slot_size);
	put_le32(h + 20, JOURNAL_HDR_SIZE);
	put_le64(h + 24, g->capacity);
	put_le32(h + 32, crc32_update(c, 0, h, 32));
}

/* Decode a header into *g.  Returns 0, -EBADMSG (not a journal, or a
 * damaged header) or -ENOTSUP (another format version). */
static int header_parse(const struct crc_tables *c, const unsigned char *h,
			struct geometry *g)
{
	uint32_t kind, slot_size;

	if (memcmp(h, JOURNAL_MAGIC, 8) != 0 ||
	    get_le32(h + 32) != crc32_update(c, 0, h, 32))
		return -EBADMSG;
	if (get_le32(h + 8) != JOURNAL_VERSION ||
	    get_le32(h + 20) != JOURNAL_HDR_SIZE)
		return -ENOTSUP;
	kind = get_le32(h + 12);
	slot_size = get_le32(h + 16);
	if ((kind != JOURNAL_EVENTS && kind != JOURNAL_COMMANDS) ||
	    slot_size != kind_slot_size((enum journal_kind)kind))
		return -ENOTSUP;
	*g = (struct geometry){
		.kind = (enum journal_kind)kind,
		.slot_size = slot_size,
		.capacity = get_le64(h + 24),
	};
	if (g->capacity == 0 ||
	    g->capacity > (uint64_t)(INT64_MAX - JOURNAL_HDR_SIZE) / slot_size)
		return -EBADMSG;
	return 0;
}

/* fsync the directory holding path, so that a new file's name survives a
 * crash.  Some filesystems cannot sync a directory (EINVAL): nothing more
 * can be done there. */
static int sync_parent_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, ret = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	if (fsync(fd) < 0 && errno != EINVAL)
		ret = -errno;
	close(fd);
out:
	free(copy);
	return ret;
}

/* Lay out an empty journal.  A crash midway leaves a file whose header is
 * all zeros, which the next open initialises again. */
static int journal_init_file(const struct crc_tables *c, int fd,
			     const char *path, const struct geometry *g)
{
	unsigned char h[JOURNAL_HDR_SIZE];
	int ret;

	if (ftruncate(fd, 0) < 0 || ftruncate(fd, file_size(g)) < 0)
		return -errno;
	header_build(c, h, g);
	ret = pwrite_all(fd, h, sizeof(h), 0);
	if (ret < 0)
		return ret;
	if (fdatasync(fd) < 0)
		return -errno;
	return sync_parent_dir(path);
}

/* ------------------------------------------------------------------ */
/* Scan */

struct scan_result {
	uint64_t last_seq;
	int64_t last_time_us;
	size_t count;
	unsigned dropped;
};

/* Read every slot of a journal of geometry g; fill valid (when not NULL)
 * and *res. */
static int journal_scan(const struct crc_tables *c, int fd,
			const struct geometry *g, uint64_t *valid,
			struct scan_result *res)
{
	size_t per_chunk = SCAN_CHUNK / g->slot_size;
	unsigned char *buf = NULL;
	uint64_t *seqs = NULL;
	int ret = -ENOMEM;

	*res = (struct scan_result){ 0 };
	buf = malloc(per_chunk * g->slot_size);
	/* The seq of every good slot, until the newest one is known. */
	seqs = malloc(g->capacity * sizeof(*seqs));
	if (!buf || !seqs)
		goto out;
	for (uint64_t first = 0; first < g->capacity; first += per_chunk) {
		uint64_t n = g->capacity - first;

		if (n > per_chunk)
			n = per_chunk;
		ret = pread_all(fd, buf, n * g->slot_size,
				slot_offset(g, first));
		if (ret < 0)
			goto out;
		for (uint64_t k = 0; k < n; k++) {
			const unsigned char *p = buf + k * g->slot_size;
			uint64_t idx = first + k, seq = get_le64(p);

			seqs[idx] = 0;
			if (all_zero(p, SLOT_HDR))
				continue; /* never written */
			if (!slot_parse(c, g->kind, g->slot_size, p, NULL) ||
			    (seq - 1) % g->capacity != idx) {
				res->dropped++;
				continue;
			}
			seqs[idx] = seq;
			if (seq > res->last_seq) {
				res->last_seq = seq;
				res->last_time_us = (int64_t)get_le64(p + 8);
			}
		}
	}

	/* Keep the window of the last capacity seqs; older ones are from a
	 * lap whose overwrite was lost. */
	for (uint64_t idx = 0; idx < g->capacity; idx++) {
		if (!seqs[idx])
			continue;
		if (res->last_seq - seqs[idx] >= g->capacity) {
			res->dropped++;
			continue;
		}
		res->count++;
		if (valid)
			bit_set(valid, idx);
	}
	ret = 0;
out:
	free(seqs);
	free(buf);
	return ret;
}

/* Check the header of an open file against want, laying out a new journal
 * when the file is new, or empty of records (then *fresh is true).
 * Returns 0 or -errno. */
static int journal_prepare_file(const struct crc_tables *c, int fd,
				const char *path, const struct geometry *want,
				bool *fresh)
{
	unsigned char h[JOURNAL_HDR_SIZE];
	struct geometry have;
	struct scan_result res;
	struct stat st;
	int ret;

	*fresh = false;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	ret = pread_all(fd, h, sizeof(h), 0);
	if (ret < 0)
		return ret;
	if (all_zero(h, sizeof(h)))
		goto init;
	ret = header_parse(c, h, &have);
	if (ret < 0)
		return ret;
	if (have.kind != want->kind || have.capacity != want->capacity) {
		ret = journal_scan(c, fd, &have, NULL, &res);
		if (ret < 0)
			return ret;
		if (res.count)
			return -EINVAL;
		goto init;
	}
	/* Slots past a shortened end read as never written. */
	if (st.st_size < file_size(want) &&
	    ftruncate(fd, file_size(want)) < 0)
		return -errno;
	return 0;
init:
	*fresh = true;
	return journal_init_file(c, fd, path, want);
}

/* ------------------------------------------------------------------ */
/* Open, close */

void journal_close(struct journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	pthread_mutex_destroy(&j->lock);
	free(j->valid);
	free(j->wbuf);
	free(j->rbuf);
	free(j);
}

int journal_open(const char *path, enum journal_kind kind, size_t capacity,
		 bool sync, struct journal **out, unsigned *dropped)
{
	struct geometry g;
	struct scan_result res = { 0 };
	struct journal *j;
	bool fresh;
	int ret;

	if (!path || !out ||
	    (kind != JOURNAL_EVENTS && kind != JOURNAL_COMMANDS))
		return -EINVAL;
	g = (struct geometry){
		.kind = kind,
		.slot_size = kind_slot_size(kind),
		.capacity = capacity,
	};
	/* The scan keeps a seq per slot in memory. */
	if (capacity == 0 || capacity > SIZE_MAX / sizeof(uint64_t) ||
	    capacity > (uint64_t)(INT64_MAX - JOURNAL_HDR_SIZE) / g.slot_size)
		return -EINVAL;

	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	*j = (struct journal){
		.fd = -1,
		.g = g,
		.sync = sync,
		.rbuf_slots = READ_CHUNK / g.slot_size,
	};
	ret = -pthread_mutex_init(&j->lock, NULL);
	if (ret < 0) {
		free(j);
		return ret;
	}
	crc_tables_init(&j->crc);
	j->valid = calloc((capacity + 63) / 64, sizeof(*j->valid));
	j->wbuf = malloc(g.slot_size);
	j->rbuf = malloc(READ_CHUNK);
	if (!j->valid || !j->wbuf || !j->rbuf) {
		ret = -ENOMEM;
		goto out;
	}

	j->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (j->fd < 0) {
		ret = -errno;
		goto out;
	}
	/* Two writers would hand out the same seqs. */
	if (flock(j->fd, LOCK_EX | LOCK_NB) < 0) {
		ret = errno == EWOULDBLOCK ? -EBUSY : -errno;
		goto out;
	}
	/* Every read says how much it wants.  Readahead would add nothing,
	 * and on filesystems with large folios (ext4 since Linux 6.16) the
	 * large folios it builds make each later slot write about three
	 * times dearer. */
	posix_fadvise(j->fd, 0, 0, POSIX_FADV_RANDOM);
	ret = journal_prepare_file(&j->crc, j->fd, path, &g, &fresh);
	if (ret < 0)
		goto out;
	if (!fresh) {
		ret = journal_scan(&j->crc, j->fd, &g, j->valid, &res);
		if (ret < 0)
			goto out;
	}
	j->last_seq = res.last_seq;
	j->last_time_us = res.last_time_us;
	j->count = res.count;
	if (dropped)
		*dropped = res.dropped;
	*out = j;
	return 0;
out:
	journal_close(j);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Append */

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Stamp the payload already in j->wbuf, write it as the next record.
 * Called locked. */
static int journal_write_slot(struct journal *j, size_t len)
{
	uint64_t seq = j->last_seq + 1, idx = (seq - 1) % j->g.capacity;
	int64_t t = now_us();
	unsigned char *p = j->wbuf;
	bool was_valid = bit_get(j->valid, idx);
	int ret;

	if (t < j->last_time_us)
		t = j->last_time_us;
	put_le64(p, seq);
	put_le64(p + 8, (uint64_t)t);
	put_le16(p + 20, (uint16_t)len);
	put_le16(p + 22, 0);
	memset(p + SLOT_HDR + len, 0, j->g.slot_size - SLOT_HDR - len);
	put_le32(p + 16, slot_crc(&j->crc, p, len));

	ret = pwrite_all(j->fd, p, j->g.slot_size, slot_offset(&j->g, idx));
	if (ret == 0 && j->sync && fdatasync(j->fd) < 0)
		ret = -errno;
	if (ret < 0) {
		/* Not appended: the next append reuses seq and slot.  The
		 * record the slot held is gone or damaged either way. */
		if (was_valid) {
			bit_clear(j->valid, idx);
			j->count--;
		}
		return ret;
	}
	if (!was_valid) {
		bit_set(j->valid, idx);
		j->count++;
	}
	j->last_seq = seq;
	j->last_time_us = t;
	return 0;
}

int journal_append_event(struct journal *j, enum mgmtd_severity sev,
			 const char *plugin, const char *object,
			 const char *message)
{
	unsigned char *pl;
	size_t room, len = 1;
	int ret;

	if (!j || j->g.kind != JOURNAL_EVENTS || (int)sev < MGMTD_SEV_EMERG ||
	    (int)sev > MGMTD_SEV_DEBUG)
		return -EINVAL;
	pthread_mutex_lock(&j->lock);
	pl = j->wbuf + SLOT_HDR;
	room = j->g.slot_size - SLOT_HDR;
	pl[0] = (unsigned char)sev;
	/* Keep a byte for each NUL still to come. */
	len += put_str(pl + len, room - len - 2, plugin, CAP_PLUGIN);
	len += put_str(pl + len, room - len - 1, object, CAP_OBJECT);
	len += put_str(pl + len, room - len, message, SIZE_MAX);
	ret = journal_write_slot(j, len);
	pthread_mutex_unlock(&j->lock);
	return ret;
}

int journal_append_command(struct journal *j, const char *user,
			   const char *source, const char *interface,
			   const char *change, const char *result,
			   uint32_t version)
{
	unsigned char *pl;
	size_t room, len = 4;
	int ret;

	if (!j || j->g.kind != JOURNAL_COMMANDS)
		return -EINVAL;
	pthread_mutex_lock(&j->lock);
	pl = j->wbuf + SLOT_HDR;
	room = j->g.slot_size - SLOT_HDR;
	put_le32(pl, version);
	len += put_str(pl + len, room - len - 4, user, CAP_USER);
	len += put_str(pl + len, room - len - 3, source, CAP_SOURCE);
	len += put_str(pl + len, room - len - 2, interface, CAP_INTERFACE);
	len += put_str(pl + len, room - len - 1, result, CAP_RESULT);
	len += put_str(pl + len, room - len, change, SIZE_MAX);
	ret = journal_write_slot(j, len);
	pthread_mutex_unlock(&j->lock);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Query */

/* A window of slots held in j->rbuf, read backwards in growing chunks. */
struct reader {
	struct journal *j;
	uint64_t lo, hi;  /* slot indexes held: [lo, hi); empty if equal */
	size_t chunk;     /* slots to read next time */
	bool grow;        /* double chunk after each read */
};

/* The slot idx, read with up to r->chunk - 1 slots before it.  Returns
 * NULL with *err set on a read error. */
static const unsigned char *reader_get(struct reader *r, uint64_t idx,
				       int *err)
{
	struct journal *j = r->j;
	size_t slot_size = j->g.slot_size;
	uint64_t n = r->chunk;

	if (idx >= r->lo && idx < r->hi)
		return j->rbuf + (idx - r->lo) * slot_size;
	if (n > idx + 1)
		n = idx + 1;
	*err = pread_all(j->fd, j->rbuf, n * slot_size,
			 slot_offset(&j->g, idx + 1 - n));
	if (*err < 0) {
		r->lo = r->hi = 0;
		return NULL;
	}
	r->lo = idx + 1 - n;
	r->hi = idx + 1;
	if (r->grow && r->chunk < j->rbuf_slots)
		r->chunk = r->chunk * 2 < j->rbuf_slots ? r->chunk * 2
							: j->rbuf_slots;
	return j->rbuf + (idx - r->lo) * slot_size;
}

/* Decode the record seq into *rec.  Returns 1 when it is there, 0 when
 * its slot does not hold it, -errno on a read error. */
static int reader_record(struct reader *r, uint64_t seq,
			 struct journal_record *rec)
{
	struct journal *j = r->j;
	uint64_t idx = (seq - 1) % j->g.capacity;
	const unsigned char *p;
	int err = 0;

	if (!bit_get(j->valid, idx))
		return 0;
	p = reader_get(r, idx, &err);
	if (!p)
		return err;
	if (!slot_parse(&j->crc, j->g.kind, j->g.slot_size, p, rec) ||
	    rec->seq != seq)
		return 0;
	return 1;
}

/* The newest seq in [lo, hi] whose time is at most until, or 0: times
 * never decrease with seq, so a binary search finds it.  Slots that do not
 * hold their record are stepped over.  Returns 0 and *found, or -errno. */
static int journal_seek_until(struct journal *j, uint64_t lo, uint64_t hi,
			      int64_t until, uint64_t *found)
{
	struct reader r = { .j = j, .chunk = 1 };
	struct journal_record rec;
	int ret = 0;

	*found = 0;
	while (lo <= hi) {
		uint64_t mid = lo + (hi - lo) / 2, v = mid;

		while (v >= lo && (ret = reader_record(&r, v, &rec)) == 0)
			v--;
		if (ret < 0)
			return ret;
		if (v < lo) {
			lo = mid + 1;
		} else if (rec.time_us <= until) {
			*found = v;
			lo = mid + 1;
		} else {
			hi = v - 1;
		}
	}
	return 0;
}

static bool record_matches(const struct journal_record *rec,
			   const struct journal_query *q)
{
	if (q->until_us && rec->time_us > q->until_us)
		return false;
	if (q->max_severity >= 0 && (int)rec->severity > q->max_severity)
		return false;
	if (q->plugin && strcmp(rec->plugin, q->plugin) != 0)
		return false;
	if (q->user && strcmp(rec->user, q->user) != 0)
		return false;
	return true;
}

int journal_query(struct journal *j, const struct journal_query *q,
		  journal_cb cb, void *arg)
{
	static const struct journal_query all = { .max_severity = -1 };
	struct reader r = { .j = j, .grow = true };
	struct journal_record rec;
	uint64_t first, seq;
	size_t limit;
	int n = 0, ret = 0;

	if (!j || !cb)
		return -EINVAL;
	if (!q)
		q = &all;
	limit = q->limit ? q->limit : QUERY_LIMIT_DEFAULT;
	if (limit > INT_MAX)
		limit = INT_MAX;

	pthread_mutex_lock(&j->lock);
	seq = j->last_seq;
	first = seq > j->g.capacity ? seq - j->g.capacity + 1 : 1;
	if (seq && q->until_us && q->until_us < j->last_time_us) {
		ret = journal_seek_until(j, first, seq, q->until_us, &seq);
		if (ret < 0)
			goto out;
	}
	/* Read what the limit asks for in one go, then more if filters
	 * turn records away. */
	r.chunk = limit < 16 ? 16 : limit < j->rbuf_slots ? limit
							   : j->rbuf_slots;
	for (; seq >= first && seq > 0; seq--) {
		ret = reader_record(&r, seq, &rec);
		if (ret < 0)
			goto out;
		if (ret == 0)
			continue;
		if (q->since_us && rec.time_us < q->since_us)
			break;
		if (!record_matches(&rec, q))
			continue;
		n++;
		if (cb(&rec, arg) != 0 || (size_t)n >= limit)
			break;
	}
	ret = n;
out:
	pthread_mutex_unlock(&j->lock);
	return ret;
}

size_t journal_count(struct journal *j)
{
	size_t n;

	pthread_mutex_lock(&j->lock);
	n = j->count;
	pthread_mutex_unlock(&j->lock);
	return n;
}

uint64_t journal_last_seq(struct journal *j)
{
	uint64_t seq;

	pthread_mutex_lock(&j->lock);
	seq = j->last_seq;
	pthread_mutex_unlock(&j->lock);
	return seq;
}
