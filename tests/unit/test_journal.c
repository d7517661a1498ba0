/* Unit tests for the round-robin journals: real files in a private
 * temporary directory, crashes simulated by writing over slots. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"

/* The on-disk format, as documented in journal.c. */
#define HDR_SIZE 4096
#define EV_SLOT 512
#define CMD_SLOT 2048

/* One directory per test case, made and removed by the parent process
 * (so that it goes even when a test fails), emptied before each test. */
static char tmpdir[64];

static void dir_empty(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
}

static void dir_make(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_journal.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void dir_remove(void)
{
	dir_empty();
	rmdir(tmpdir);
}

static void path_in(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", tmpdir, name);
}

/* ------------------------------------------------------------------ */
/* Helpers */

/* Bitwise reference CRC32 (IEEE), independent of the table in journal.c. */
static uint32_t ref_crc32(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
	}
	return ~crc;
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void set_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

static void set_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

/* Recompute the CRC of a slot edited by a test. */
static void slot_seal(unsigned char *slot)
{
	uint32_t len = slot[20] | slot[21] << 8;

	set_le32(slot + 16,
		 ref_crc32(ref_crc32(0, slot, 16), slot + 20, 4 + len));
}

static void slot_io(const char *path, size_t slot_size, uint64_t idx,
		    unsigned char *buf, bool write)
{
	int fd = open(path, O_RDWR);
	off_t off = HDR_SIZE + (off_t)(idx * slot_size);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	n = write ? pwrite(fd, buf, slot_size, off)
		  : pread(fd, buf, slot_size, off);
	ck_assert_int_eq(n, (ssize_t)slot_size);
	close(fd);
}

/* Write garbage over len bytes at offset at in slot idx: a torn write. */
static void corrupt(const char *path, size_t slot_size, uint64_t idx,
		    size_t at, size_t len)
{
	unsigned char junk[256];
	int fd = open(path, O_RDWR);

	ck_assert_uint_le(len, sizeof(junk));
	for (size_t i = 0; i < len; i++)
		junk[i] = (unsigned char)(0xa5 ^ i * 37);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, junk, len,
				HDR_SIZE + (off_t)(idx * slot_size + at)),
			 (ssize_t)len);
	close(fd);
}

static int64_t wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Poll the clock until it has moved past t, so that the next record gets
 * a later time. */
static void wait_past(int64_t t)
{
	while (wall_us() <= t)
		;
}

/* Copies of the records a query returned, newest first. */
struct got {
	size_t n;
	struct got_rec {
		uint64_t seq;
		int64_t time_us;
		int severity;
		uint32_t version;
		char *plugin, *object, *message;
		char *user, *source, *interface, *change, *result;
	} r[4096];
	int stop_after; /* callback returns 1 after that many; 0: never */
};

static int collect(const struct journal_record *r, void *arg)
{
	struct got *g = arg;
	struct got_rec *c;

	ck_assert_uint_lt(g->n, sizeof(g->r) / sizeof(g->r[0]));
	ck_assert_ptr_nonnull(r->plugin);
	ck_assert_ptr_nonnull(r->object);
	ck_assert_ptr_nonnull(r->message);
	ck_assert_ptr_nonnull(r->user);
	ck_assert_ptr_nonnull(r->source);
	ck_assert_ptr_nonnull(r->interface);
	ck_assert_ptr_nonnull(r->change);
	ck_assert_ptr_nonnull(r->result);
	c = &g->r[g->n++];
	*c = (struct got_rec){
		.seq = r->seq,
		.time_us = r->time_us,
		.severity = (int)r->severity,
		.version = r->version,
		.plugin = strdup(r->plugin),
		.object = strdup(r->object),
		.message = strdup(r->message),
		.user = strdup(r->user),
		.source = strdup(r->source),
		.interface = strdup(r->interface),
		.change = strdup(r->change),
		.result = strdup(r->result),
	};
	return g->stop_after && g->n >= (size_t)g->stop_after;
}

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++) {
		struct got_rec *c = &g->r[i];

		free(c->plugin);
		free(c->object);
		free(c->message);
		free(c->user);
		free(c->source);
		free(c->interface);
		free(c->change);
		free(c->result);
	}
	free(g);
}

/* Run q (NULL: everything, up to 4096) and return the copies. */
static struct got *query(struct journal *j, const struct journal_query *q)
{
	struct journal_query all = { .max_severity = -1, .limit = 4096 };
	struct got *g = calloc(1, sizeof(*g));
	int n;

	ck_assert_ptr_nonnull(g);
	n = journal_query(j, q ? q : &all, collect, g);
	ck_assert_int_eq(n, (int)g->n);
	return g;
}

/* The query returned exactly the seqs first, first - 1, ..., last. */
static void assert_seqs(const struct got *g, uint64_t first, uint64_t last)
{
	ck_assert_uint_eq(g->n, first - last + 1);
	for (size_t i = 0; i < g->n; i++)
		ck_assert_uint_eq(g->r[i].seq, first - i);
}

static struct journal *open_ok(const char *path, enum journal_kind kind,
			       size_t capacity, unsigned *dropped)
{
	struct journal *j = NULL;
	unsigned d = 12345;

	ck_assert_int_eq(journal_open(path, kind, capacity, false, &j, &d), 0);
	ck_assert_ptr_nonnull(j);
	ck_assert_uint_ne(d, 12345);
	if (dropped)
		*dropped = d;
	return j;
}

/* Append count events "msg <n>" numbered from first. */
static void append_events(struct journal *j, int first, int count)
{
	char msg[300];

	for (int i = first; i < first + count; i++) {
		/* Long enough that a torn write in the middle of the slot
		 * hits the message. */
		snprintf(msg, sizeof(msg), "msg %d %0200d", i, i);
		ck_assert_int_eq(journal_append_event(j, MGMTD_SEV_INFO,
						      "core", "obj", msg),
				 0);
	}
}

static int msg_number(const struct got_rec *r)
{
	return atoi(r->message + 4);
}

/* ------------------------------------------------------------------ */
/* Basics */

START_TEST(test_empty)
{
	char path[128];
	struct journal *j;
	unsigned dropped;
	struct got *g;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 16, &dropped);
	ck_assert_uint_eq(dropped, 0);
	ck_assert_uint_eq(journal_count(j), 0);
	ck_assert_uint_eq(journal_last_seq(j), 0);
	g = query(j, NULL);
	ck_assert_uint_eq(g->n, 0);
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_events_roundtrip)
{
	char path[128];
	struct journal *j;
	struct got *g;
	int64_t before = wall_us(), after;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 16, NULL);
	ck_assert_int_eq(journal_append_event(j, MGMTD_SEV_ERR, "lvm",
					      "vg0/data", "volume 91% full"),
			 0);
	ck_assert_int_eq(journal_append_event(j, MGMTD_SEV_INFO, "net", NULL,
					      "link up"),
			 0);
	ck_assert_int_eq(journal_append_event(j, MGMTD_SEV_DEBUG, NULL, NULL,
					      NULL),
			 0);
	after = wall_us();
	ck_assert_uint_eq(journal_count(j), 3);
	ck_assert_uint_eq(journal_last_seq(j), 3);

	g = query(j, NULL);
	assert_seqs(g, 3, 1);
	ck_assert_int_eq(g->r[2].severity, MGMTD_SEV_ERR);
	ck_assert_str_eq(g->r[2].plugin, "lvm");
	ck_assert_str_eq(g->r[2].object, "vg0/data");
	ck_assert_str_eq(g->r[2].message, "volume 91% full");
	ck_assert_str_eq(g->r[2].user, "");
	ck_assert_int_eq(g->r[1].severity, MGMTD_SEV_INFO);
	ck_assert_str_eq(g->r[1].plugin, "net");
	ck_assert_str_eq(g->r[1].object, "");
	ck_assert_str_eq(g->r[1].message, "link up");
	ck_assert_int_eq(g->r[0].severity, MGMTD_SEV_DEBUG);
	ck_assert_str_eq(g->r[0].plugin, "");
	ck_assert_str_eq(g->r[0].message, "");
	for (size_t i = 0; i < g->n; i++) {
		ck_assert_int_ge(g->r[i].time_us, before);
		ck_assert_int_le(g->r[i].time_us, after);
	}
	got_free(g);
	journal_close(j);

	/* Still there after a reopen. */
	j = open_ok(path, JOURNAL_EVENTS, 16, NULL);
	g = query(j, NULL);
	assert_seqs(g, 3, 1);
	ck_assert_str_eq(g->r[2].message, "volume 91% full");
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_commands_roundtrip)
{
	char path[128];
	struct journal *j;
	struct got *g;

	path_in(path, sizeof(path), "cmd");
	j = open_ok(path, JOURNAL_COMMANDS, 16, NULL);
	ck_assert_int_eq(journal_append_command(j, "admin", "192.0.2.7",
						"rest",
						"set dns.servers=[10.0.0.1]",
						"ok", 7),
			 0);
	ck_assert_int_eq(journal_append_command(j, "snmpwriter", "2001:db8::1",
						"snmp", "set nfs.exports[a]",
						"failed: exportfs exited 1", 0),
			 0);
	ck_assert_int_eq(journal_append_command(j, NULL, NULL, "config", NULL,
						NULL, 9),
			 0);
	g = query(j, NULL);
	assert_seqs(g, 3, 1);
	ck_assert_str_eq(g->r[2].user, "admin");
	ck_assert_str_eq(g->r[2].source, "192.0.2.7");
	ck_assert_str_eq(g->r[2].interface, "rest");
	ck_assert_str_eq(g->r[2].change, "set dns.servers=[10.0.0.1]");
	ck_assert_str_eq(g->r[2].result, "ok");
	ck_assert_uint_eq(g->r[2].version, 7);
	ck_assert_str_eq(g->r[2].plugin, "");
	ck_assert_str_eq(g->r[2].message, "");
	ck_assert_str_eq(g->r[1].user, "snmpwriter");
	ck_assert_str_eq(g->r[1].source, "2001:db8::1");
	ck_assert_str_eq(g->r[1].result, "failed: exportfs exited 1");
	ck_assert_uint_eq(g->r[1].version, 0);
	ck_assert_str_eq(g->r[0].user, "");
	ck_assert_str_eq(g->r[0].interface, "config");
	ck_assert_str_eq(g->r[0].change, "");
	ck_assert_uint_eq(g->r[0].version, 9);
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_wraparound)
{
	char path[128];
	struct journal *j;
	unsigned dropped;
	struct got *g;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	append_events(j, 1, 20);
	ck_assert_uint_eq(journal_count(j), 8);
	ck_assert_uint_eq(journal_last_seq(j), 20);
	g = query(j, NULL);
	assert_seqs(g, 20, 13);
	for (size_t i = 0; i < g->n; i++)
		ck_assert_int_eq(msg_number(&g->r[i]), 20 - (int)i);
	got_free(g);
	journal_close(j);

	j = open_ok(path, JOURNAL_EVENTS, 8, &dropped);
	ck_assert_uint_eq(dropped, 0);
	ck_assert_uint_eq(journal_count(j), 8);
	g = query(j, NULL);
	assert_seqs(g, 20, 13);
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_reopen_keeps_seq)
{
	char path[128];
	struct journal *j;
	struct got *g;
	int64_t last;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	append_events(j, 1, 3);
	journal_close(j);

	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	ck_assert_uint_eq(journal_last_seq(j), 3);
	append_events(j, 4, 10);
	ck_assert_uint_eq(journal_last_seq(j), 13);
	journal_close(j);

	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	g = query(j, NULL);
	assert_seqs(g, 13, 6);
	last = g->r[0].time_us;
	for (size_t i = 0; i < g->n; i++) {
		ck_assert_int_eq(msg_number(&g->r[i]), 13 - (int)i);
		ck_assert_int_le(g->r[i].time_us, last);
		last = g->r[i].time_us;
	}
	got_free(g);
	journal_close(j);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Crashes */

START_TEST(test_torn_newest)
{
	char path[128];
	unsigned char slot[EV_SLOT];
	struct journal *j;
	unsigned dropped;
	struct got *g;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	append_events(j, 1, 5);
	journal_close(j);

	/* The write of seq 5 (slot 4) was cut short. */
	corrupt(path, EV_SLOT, 4, 100, 64);
	j = open_ok(path, JOURNAL_EVENTS, 8, &dropped);
	ck_assert_uint_eq(dropped, 1);
	ck_assert_uint_eq(journal_count(j), 4);
	ck_assert_uint_eq(journal_last_seq(j), 4);
	g = query(j, NULL);
	assert_seqs(g, 4, 1);
	for (size_t i = 0; i < g->n; i++)
		ck_assert_int_eq(msg_number(&g->r[i]), 4 - (int)i);
	got_free(g);

	/* The next record takes seq 5 and its slot. */
	ck_assert_int_eq(journal_append_event(j, MGMTD_SEV_NOTICE, "core",
					      NULL, "after the crash"),
			 0);
	ck_assert_uint_eq(journal_last_seq(j), 5);
	ck_assert_uint_eq(journal_count(j), 5);
	journal_close(j);

	slot_io(path, EV_SLOT, 4, slot, false);
	ck_assert_uint_eq(le64(slot), 5);
	j = open_ok(path, JOURNAL_EVENTS, 8, &dropped);
	ck_assert_uint_eq(dropped, 0);
	g = query(j, NULL);
	assert_seqs(g, 5, 1);
	ck_assert_str_eq(g->r[0].message, "after the crash");
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_torn_header)
{
	char path[128];
	struct journal *j;
	unsigned dropped;
	struct got *g;

	/* A torn seq field: garbage in the first bytes of the newest slot. */
	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	append_events(j, 1, 3);
	journal_close(j);
	corrupt(path, EV_SLOT, 2, 0, 12);
	j = open_ok(path, JOURNAL_EVENTS, 8, &dropped);
	ck_assert_uint_eq(dropped, 1);
	ck_assert_uint_eq(journal_last_seq(j), 2);
	g = query(j, NULL);
	assert_seqs(g, 2, 1);
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_torn_older_lap)
{
	char path[128];
	unsigned char half_new[EV_SLOT], old[EV_SLOT];
	struct journal *j;
	unsigned dropped;
	struct got *g;
	uint64_t want[] = { 20, 19, 18, 17, 16, 14, 13 };

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	append_events(j, 1, 20);
	journal_close(j);

	/* Seq 15 (slot 6) half written over seq 7: new head, old tail. */
	slot_io(path, EV_SLOT, 6, half_new, false);
	ck_assert_uint_eq(le64(half_new), 15);
	memset(old, 'x', sizeof(old));
	memcpy(old, half_new, 100);
	slot_io(path, EV_SLOT, 6, old, true);

	j = open_ok(path, JOURNAL_EVENTS, 8, &dropped);
	ck_assert_uint_eq(dropped, 1);
	ck_assert_uint_eq(journal_count(j), 7);
	ck_assert_uint_eq(journal_last_seq(j), 20);
	g = query(j, NULL);
	ck_assert_uint_eq(g->n, 7);
	for (size_t i = 0; i < g->n; i++) {
		ck_assert_uint_eq(g->r[i].seq, want[i]);
		ck_assert_int_eq(msg_number(&g->r[i]), (int)want[i]);
	}
	got_free(g);

	/* Seq 21 replaces 13; the hole at 15 stays until seq 23. */
	append_events(j, 21, 1);
	ck_assert_uint_eq(journal_count(j), 7);
	append_events(j, 22, 1);
	ck_assert_uint_eq(journal_count(j), 7);
	append_events(j, 23, 1);
	ck_assert_uint_eq(journal_count(j), 8);
	g = query(j, NULL);
	assert_seqs(g, 23, 16);
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_stale_lap_ignored)
{
	char path[128];
	unsigned char seq4[EV_SLOT], seq19[EV_SLOT];
	struct journal *j;
	unsigned dropped;
	struct got *g;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	append_events(j, 1, 4);
	journal_close(j);
	slot_io(path, EV_SLOT, 3, seq4, false);
	ck_assert_uint_eq(le64(seq4), 4);

	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	append_events(j, 5, 16);
	journal_close(j);
	slot_io(path, EV_SLOT, 2, seq19, false);
	ck_assert_uint_eq(le64(seq19), 19);

	/* The overwrite of seq 4 by 20 was lost: slot 3 holds a record
	 * whose CRC checks but that belongs to an older lap. */
	slot_io(path, EV_SLOT, 3, seq4, true);
	j = open_ok(path, JOURNAL_EVENTS, 8, &dropped);
	ck_assert_uint_eq(dropped, 1);
	ck_assert_uint_eq(journal_last_seq(j), 19);
	ck_assert_uint_eq(journal_count(j), 7);
	g = query(j, NULL);
	assert_seqs(g, 19, 13);
	got_free(g);
	/* The next append reuses seq 20's slot. */
	append_events(j, 20, 1);
	ck_assert_uint_eq(journal_count(j), 8);
	journal_close(j);

	/* A valid record in a slot that is not its own is ignored too. */
	slot_io(path, EV_SLOT, 5, seq19, true);
	j = open_ok(path, JOURNAL_EVENTS, 8, &dropped);
	ck_assert_uint_eq(dropped, 1);
	ck_assert_uint_eq(journal_count(j), 7);
	g = query(j, NULL);
	ck_assert_uint_eq(g->n, 7);
	for (size_t i = 0; i < g->n; i++) {
		ck_assert_uint_ne(g->r[i].seq, 14);
		ck_assert_int_eq(msg_number(&g->r[i]), (int)g->r[i].seq);
	}
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_shortened_file)
{
	char path[128];
	struct journal *j;
	unsigned dropped;
	struct got *g;
	struct stat st;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	append_events(j, 1, 5);
	journal_close(j);
	ck_assert_int_eq(truncate(path, HDR_SIZE + 3 * EV_SLOT), 0);

	j = open_ok(path, JOURNAL_EVENTS, 8, &dropped);
	ck_assert_uint_eq(dropped, 0);
	ck_assert_uint_eq(journal_last_seq(j), 3);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, HDR_SIZE + 8 * EV_SLOT);
	g = query(j, NULL);
	assert_seqs(g, 3, 1);
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_crafted_slots)
{
	char path[128];
	unsigned char slot[EV_SLOT];
	struct journal *j;
	unsigned dropped;
	uint32_t len;
	struct got *g;

	/* Slots whose CRC holds but whose content is not a record. */
	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	append_events(j, 1, 4);
	journal_close(j);

	slot_io(path, EV_SLOT, 0, slot, false);
	slot[24] = 9; /* no such severity */
	slot_seal(slot);
	slot_io(path, EV_SLOT, 0, slot, true);

	slot_io(path, EV_SLOT, 1, slot, false);
	len = slot[20] | slot[21] << 8;
	slot[24 + len - 1] = 'x'; /* the message loses its NUL */
	slot_seal(slot);
	slot_io(path, EV_SLOT, 1, slot, true);

	slot_io(path, EV_SLOT, 2, slot, false);
	len = slot[20] | slot[21] << 8;
	slot[24 + len] = 'y'; /* a byte after the last string */
	slot[20] = (unsigned char)(len + 1);
	slot[21] = (unsigned char)((len + 1) >> 8);
	slot_seal(slot);
	slot_io(path, EV_SLOT, 2, slot, true);

	j = open_ok(path, JOURNAL_EVENTS, 8, &dropped);
	ck_assert_uint_eq(dropped, 3);
	ck_assert_uint_eq(journal_count(j), 1);
	ck_assert_uint_eq(journal_last_seq(j), 4);
	g = query(j, NULL);
	assert_seqs(g, 4, 4);
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_corrupt_after_open)
{
	char path[128];
	struct journal *j;
	struct got *g;

	/* Queries check every slot again. */
	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	append_events(j, 1, 5);
	corrupt(path, EV_SLOT, 2, 60, 16);
	g = query(j, NULL);
	ck_assert_uint_eq(g->n, 4);
	ck_assert_uint_eq(g->r[1].seq, 4);
	ck_assert_uint_eq(g->r[2].seq, 2);
	got_free(g);
	journal_close(j);
}
END_TEST

/* Seqs and message numbers, newest first, without copying strings. */
struct seq_list {
	size_t n;
	uint64_t seq[12000];
	int64_t time_us[12000];
	int bad;
};

static int list_seqs(const struct journal_record *r, void *arg)
{
	struct seq_list *l = arg;

	ck_assert_uint_lt(l->n, sizeof(l->seq) / sizeof(l->seq[0]));
	if (atoi(r->message + 4) != (int)r->seq ||
	    (l->n && r->seq >= l->seq[l->n - 1]))
		l->bad++;
	l->seq[l->n] = r->seq;
	l->time_us[l->n] = r->time_us;
	l->n++;
	return 0;
}

static struct seq_list *list_query(struct journal *j,
				   const struct journal_query *q)
{
	struct seq_list *l = calloc(1, sizeof(*l));

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(journal_query(j, q, list_seqs, l), (int)l->n);
	ck_assert_int_eq(l->bad, 0);
	return l;
}

START_TEST(test_large_scan)
{
	char path[128];
	struct journal *j;
	unsigned dropped;
	struct seq_list *l;
	struct journal_query q = { .max_severity = -1, .limit = 20000 };
	size_t k = 0;

	/* More slots than one read of the scan (8192 events), torn slots
	 * on either side of a read boundary and at the first slot. */
	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 10000, NULL);
	append_events(j, 1, 12000);
	journal_close(j);
	corrupt(path, EV_SLOT, 0, 100, 8);
	corrupt(path, EV_SLOT, 8191, 100, 8);
	corrupt(path, EV_SLOT, 8192, 100, 8);

	j = open_ok(path, JOURNAL_EVENTS, 10000, &dropped);
	ck_assert_uint_eq(dropped, 3);
	ck_assert_uint_eq(journal_count(j), 9997);
	ck_assert_uint_eq(journal_last_seq(j), 12000);
	l = list_query(j, &q);
	ck_assert_uint_eq(l->n, 9997);
	for (uint64_t seq = 12000; seq > 2000; seq--) {
		if (seq == 10001 || seq == 8193 || seq == 8192)
			continue;
		ck_assert_uint_eq(l->seq[k++], seq);
	}
	free(l);
	journal_close(j);
}
END_TEST

START_TEST(test_write_error)
{
	char path[128];
	struct journal *j;
	struct rlimit old, lim;
	void (*old_handler)(int);
	struct got *g;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	append_events(j, 1, 8);

	/* Writes from slot 4 on fail (EFBIG). */
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = HDR_SIZE + 4 * EV_SLOT;
	old_handler = signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	append_events(j, 9, 4);
	ck_assert_int_eq(journal_append_event(j, MGMTD_SEV_INFO, "core", NULL,
					      "lost"),
			 -EFBIG);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, old_handler);

	/* Not appended, and seq 5, whose slot it was, is gone. */
	ck_assert_uint_eq(journal_last_seq(j), 12);
	ck_assert_uint_eq(journal_count(j), 7);
	g = query(j, NULL);
	assert_seqs(g, 12, 6);
	got_free(g);

	append_events(j, 13, 1);
	ck_assert_uint_eq(journal_count(j), 8);
	g = query(j, NULL);
	assert_seqs(g, 13, 6);
	got_free(g);
	journal_close(j);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Queries */

START_TEST(test_query_filters)
{
	static const struct {
		enum mgmtd_severity sev;
		const char *plugin;
	} in[] = {
		{ MGMTD_SEV_INFO, "net" },      /* 1 */
		{ MGMTD_SEV_ERR, "lvm" },       /* 2 */
		{ MGMTD_SEV_WARNING, "net" },   /* 3 */
		{ MGMTD_SEV_DEBUG, "lvm" },     /* 4 */
		{ MGMTD_SEV_CRIT, "net" },      /* 5 */
		{ MGMTD_SEV_NOTICE, "cifs" },   /* 6 */
		{ MGMTD_SEV_WARNING, "lvm" },   /* 7 */
		{ MGMTD_SEV_EMERG, "net" },     /* 8 */
	};
	char path[128];
	struct journal *j;
	struct journal_query q;
	struct got *g;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 64, NULL);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		ck_assert_int_eq(journal_append_event(j, in[i].sev,
						      in[i].plugin, NULL, "m"),
				 0);

	q = (struct journal_query){ .max_severity = MGMTD_SEV_WARNING };
	g = query(j, &q);
	ck_assert_uint_eq(g->n, 5);
	{
		uint64_t want[] = { 8, 7, 5, 3, 2 };

		for (size_t i = 0; i < 5; i++)
			ck_assert_uint_eq(g->r[i].seq, want[i]);
	}
	got_free(g);

	q = (struct journal_query){ .max_severity = -1, .plugin = "lvm" };
	g = query(j, &q);
	ck_assert_uint_eq(g->n, 3);
	ck_assert_uint_eq(g->r[0].seq, 7);
	ck_assert_uint_eq(g->r[1].seq, 4);
	ck_assert_uint_eq(g->r[2].seq, 2);
	got_free(g);

	/* Filters combine. */
	q = (struct journal_query){ .max_severity = MGMTD_SEV_ERR,
				    .plugin = "net" };
	g = query(j, &q);
	ck_assert_uint_eq(g->n, 2);
	ck_assert_uint_eq(g->r[0].seq, 8);
	ck_assert_uint_eq(g->r[1].seq, 5);
	got_free(g);

	q = (struct journal_query){ .max_severity = MGMTD_SEV_EMERG };
	g = query(j, &q);
	ck_assert_uint_eq(g->n, 1);
	ck_assert_uint_eq(g->r[0].seq, 8);
	got_free(g);

	q = (struct journal_query){ .max_severity = -1, .plugin = "nfs" };
	g = query(j, &q);
	ck_assert_uint_eq(g->n, 0);
	got_free(g);

	/* A user filter matches no event. */
	q = (struct journal_query){ .max_severity = -1, .user = "admin" };
	g = query(j, &q);
	ck_assert_uint_eq(g->n, 0);
	got_free(g);

	/* Limit: the newest ones. */
	q = (struct journal_query){ .max_severity = -1, .limit = 3 };
	g = query(j, &q);
	assert_seqs(g, 8, 6);
	got_free(g);
	q = (struct journal_query){ .max_severity = -1, .plugin = "net",
				    .limit = 2 };
	g = query(j, &q);
	ck_assert_uint_eq(g->n, 2);
	ck_assert_uint_eq(g->r[1].seq, 5);
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_query_default_limit)
{
	char path[128];
	struct journal *j;
	struct journal_query q = { .max_severity = -1 };
	struct got *g;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 1000, NULL);
	append_events(j, 1, 150);
	g = query(j, &q);
	assert_seqs(g, 150, 51);
	got_free(g);

	/* NULL query: everything, default limit. */
	g = calloc(1, sizeof(*g));
	ck_assert_int_eq(journal_query(j, NULL, collect, g), 100);
	ck_assert_uint_eq(g->r[0].seq, 150);
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_query_stop)
{
	char path[128];
	struct journal *j;
	struct got *g;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 16, NULL);
	append_events(j, 1, 10);
	g = calloc(1, sizeof(*g));
	g->stop_after = 3;
	ck_assert_int_eq(journal_query(j, NULL, collect, g), 3);
	ck_assert_uint_eq(g->r[2].seq, 8);
	got_free(g);
	ck_assert_int_eq(journal_query(j, NULL, NULL, NULL), -EINVAL);
	journal_close(j);
}
END_TEST

START_TEST(test_query_time)
{
	char path[128];
	struct journal *j;
	struct journal_query q;
	struct got *g;
	int64_t t[6];

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 4, NULL);
	/* Ten records, each with its own time; only 7..10 remain. */
	for (int i = 1; i <= 10; i++) {
		append_events(j, i, 1);
		g = query(j, &(struct journal_query){ .max_severity = -1,
						      .limit = 1 });
		if (i >= 7)
			t[i - 6] = g->r[0].time_us;
		wait_past(g->r[0].time_us);
		got_free(g);
	}

	q = (struct journal_query){ .max_severity = -1, .since_us = t[2] };
	g = query(j, &q);
	assert_seqs(g, 10, 8);
	got_free(g);

	q = (struct journal_query){ .max_severity = -1, .until_us = t[2] };
	g = query(j, &q);
	assert_seqs(g, 8, 7);
	got_free(g);

	q = (struct journal_query){ .max_severity = -1, .since_us = t[2],
				    .until_us = t[3] };
	g = query(j, &q);
	assert_seqs(g, 9, 8);
	got_free(g);

	q = (struct journal_query){ .max_severity = -1, .since_us = t[3],
				    .until_us = t[3] };
	g = query(j, &q);
	assert_seqs(g, 9, 9);
	got_free(g);

	/* Between two records. */
	q = (struct journal_query){ .max_severity = -1, .since_us = t[2] + 1,
				    .until_us = t[3] - 1 };
	g = query(j, &q);
	ck_assert_uint_eq(g->n, 0);
	got_free(g);

	q = (struct journal_query){ .max_severity = -1, .until_us = t[1] - 1 };
	g = query(j, &q);
	ck_assert_uint_eq(g->n, 0);
	got_free(g);

	q = (struct journal_query){ .max_severity = -1, .since_us = t[4] + 1 };
	g = query(j, &q);
	ck_assert_uint_eq(g->n, 0);
	got_free(g);

	q = (struct journal_query){ .max_severity = -1, .until_us = t[3],
				    .limit = 1 };
	g = query(j, &q);
	assert_seqs(g, 9, 9);
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_query_time_large)
{
	char path[128];
	struct journal *j;
	struct journal_query q;
	struct got *g;
	int64_t t_mid;

	/* Enough records for the time search to take several steps, with
	 * runs of equal times, and holes from a crash. */
	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 1000, NULL);
	append_events(j, 1, 3000);
	g = query(j, &(struct journal_query){ .max_severity = -1,
					      .limit = 1000 });
	ck_assert_uint_eq(g->n, 1000);
	t_mid = g->r[500].time_us;
	got_free(g);
	journal_close(j);
	for (uint64_t idx = 0; idx < 1000; idx += 7)
		corrupt(path, EV_SLOT, idx, 100, 8);

	j = open_ok(path, JOURNAL_EVENTS, 1000, NULL);
	q = (struct journal_query){ .max_severity = -1, .until_us = t_mid,
				    .limit = 4096 };
	g = query(j, &q);
	ck_assert_uint_gt(g->n, 0);
	for (size_t i = 0; i < g->n; i++) {
		ck_assert_int_le(g->r[i].time_us, t_mid);
		ck_assert_uint_ne((g->r[i].seq - 1) % 1000 % 7, 0);
		if (i)
			ck_assert_uint_lt(g->r[i].seq, g->r[i - 1].seq);
	}
	/* Nothing newer was left out. */
	{
		struct got *all = query(j, NULL);
		size_t newer = 0;

		for (size_t i = 0; i < all->n; i++)
			newer += all->r[i].time_us > t_mid;
		ck_assert_uint_eq(newer + g->n, all->n);
		got_free(all);
	}
	got_free(g);
	journal_close(j);
}
END_TEST

/* Compare until queries with a brute-force answer from all records. */
static void check_until(struct journal *j, const struct seq_list *all,
			int64_t until)
{
	struct journal_query q = { .max_severity = -1, .until_us = until,
				   .limit = 20000 };
	struct seq_list *l = list_query(j, &q);
	size_t first = 0;

	while (first < all->n && all->time_us[first] > until)
		first++;
	ck_assert_uint_eq(l->n, all->n - first);
	if (l->n)
		ck_assert_uint_eq(l->seq[0], all->seq[first]);
	free(l);
}

START_TEST(test_query_time_holes)
{
	char path[128];
	struct journal *j;
	struct journal_query q = { .max_severity = -1, .limit = 20000 };
	struct seq_list *all;

	/* Every record its own time; holes at the old end, in the middle
	 * and at the new end. */
	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 1000, NULL);
	for (int i = 1; i <= 1200; i++) {
		wait_past(wall_us());
		append_events(j, i, 1);
	}
	journal_close(j);
	for (uint64_t idx = 200; idx < 500; idx++) /* seqs 201..500 */
		corrupt(path, EV_SLOT, idx, 100, 8);
	for (uint64_t idx = 700; idx < 750; idx++)
		corrupt(path, EV_SLOT, idx, 100, 8);
	for (uint64_t idx = 190; idx < 200; idx++) /* seqs 1191..1200 */
		corrupt(path, EV_SLOT, idx, 100, 8);

	j = open_ok(path, JOURNAL_EVENTS, 1000, NULL);
	ck_assert_uint_eq(journal_last_seq(j), 1190);
	all = list_query(j, &q);
	ck_assert_uint_eq(all->n, 1000 - 300 - 50 - 10);
	ck_assert_uint_eq(all->seq[all->n - 1], 501);
	for (size_t i = 0; i < all->n; i += 7) {
		check_until(j, all, all->time_us[i]);
		check_until(j, all, all->time_us[i] - 1);
		check_until(j, all, all->time_us[i] + 1);
	}
	check_until(j, all, all->time_us[all->n - 1]);
	check_until(j, all, all->time_us[all->n - 1] - 1);
	check_until(j, all, 1);
	free(all);
	journal_close(j);
}
END_TEST

START_TEST(test_query_user)
{
	char path[128];
	struct journal *j;
	struct journal_query q;
	struct got *g;

	path_in(path, sizeof(path), "cmd");
	j = open_ok(path, JOURNAL_COMMANDS, 16, NULL);
	ck_assert_int_eq(journal_append_command(j, "alice", "192.0.2.1", "rest",
						"a", "ok", 1),
			 0);
	ck_assert_int_eq(journal_append_command(j, "bob", "192.0.2.2", "cli",
						"b", "ok", 2),
			 0);
	ck_assert_int_eq(journal_append_command(j, "alice", "192.0.2.1", "snmp",
						"c", "ok", 3),
			 0);
	q = (struct journal_query){ .max_severity = -1, .user = "alice" };
	g = query(j, &q);
	ck_assert_uint_eq(g->n, 2);
	ck_assert_str_eq(g->r[0].change, "c");
	ck_assert_str_eq(g->r[1].change, "a");
	got_free(g);
	q = (struct journal_query){ .max_severity = -1, .user = "carol" };
	g = query(j, &q);
	ck_assert_uint_eq(g->n, 0);
	got_free(g);
	/* Commands read back as notices. */
	q = (struct journal_query){ .max_severity = MGMTD_SEV_NOTICE };
	g = query(j, &q);
	ck_assert_uint_eq(g->n, 3);
	ck_assert_int_eq(g->r[0].severity, MGMTD_SEV_NOTICE);
	got_free(g);
	q = (struct journal_query){ .max_severity = MGMTD_SEV_WARNING };
	g = query(j, &q);
	ck_assert_uint_eq(g->n, 0);
	got_free(g);
	journal_close(j);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Opening */

START_TEST(test_geometry_mismatch)
{
	char path[128];
	struct journal *j = NULL;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	append_events(j, 1, 1);
	journal_close(j);

	j = NULL;
	ck_assert_int_eq(journal_open(path, JOURNAL_EVENTS, 16, false, &j,
				      NULL),
			 -EINVAL);
	ck_assert_ptr_null(j);
	ck_assert_int_eq(journal_open(path, JOURNAL_COMMANDS, 8, false, &j,
				      NULL),
			 -EINVAL);
	/* Refusing changed nothing. */
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	ck_assert_uint_eq(journal_count(j), 1);
	journal_close(j);
}
END_TEST

START_TEST(test_empty_reinit)
{
	char path[128];
	struct journal *j;
	int fd;

	/* A journal holding no record takes the new geometry. */
	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	journal_close(j);
	j = open_ok(path, JOURNAL_COMMANDS, 32, NULL);
	ck_assert_int_eq(journal_append_command(j, "u", "s", "cli", "c", "ok",
						1),
			 0);
	journal_close(j);
	j = open_ok(path, JOURNAL_COMMANDS, 32, NULL);
	ck_assert_uint_eq(journal_count(j), 1);
	journal_close(j);

	/* A zero-length file, and a file cut before its header was
	 * written, are new journals. */
	path_in(path, sizeof(path), "empty");
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	ck_assert_uint_eq(journal_count(j), 0);
	journal_close(j);
	ck_assert_int_eq(truncate(path, 0), 0);
	ck_assert_int_eq(truncate(path, HDR_SIZE + 8 * EV_SLOT), 0);
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	append_events(j, 1, 1);
	journal_close(j);
}
END_TEST

START_TEST(test_not_a_journal)
{
	char path[128];
	unsigned char h[HDR_SIZE];
	struct journal *j = NULL;
	int fd;

	path_in(path, sizeof(path), "junk");
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "hello, world\n", 13), 13);
	close(fd);
	ck_assert_int_eq(journal_open(path, JOURNAL_EVENTS, 8, false, &j,
				      NULL),
			 -EBADMSG);

	/* A damaged header. */
	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	journal_close(j);
	fd = open(path, O_RDWR);
	ck_assert_int_eq(pread(fd, h, sizeof(h), 0), (ssize_t)sizeof(h));
	h[25] ^= 1;
	ck_assert_int_eq(pwrite(fd, h, sizeof(h), 0), (ssize_t)sizeof(h));
	close(fd);
	j = NULL;
	ck_assert_int_eq(journal_open(path, JOURNAL_EVENTS, 8, false, &j,
				      NULL),
			 -EBADMSG);
	ck_assert_ptr_null(j);

	/* A later format version, properly sealed. */
	h[25] ^= 1;
	set_le32(h + 8, 2);
	set_le32(h + 32, ref_crc32(0, h, 32));
	fd = open(path, O_RDWR);
	ck_assert_int_eq(pwrite(fd, h, sizeof(h), 0), (ssize_t)sizeof(h));
	close(fd);
	ck_assert_int_eq(journal_open(path, JOURNAL_EVENTS, 8, false, &j,
				      NULL),
			 -ENOTSUP);

	ck_assert_int_eq(journal_open(tmpdir, JOURNAL_EVENTS, 8, false, &j,
				      NULL),
			 -EISDIR);
}
END_TEST

START_TEST(test_busy)
{
	char path[128];
	struct journal *j, *j2 = NULL;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	ck_assert_int_eq(journal_open(path, JOURNAL_EVENTS, 8, false, &j2,
				      NULL),
			 -EBUSY);
	journal_close(j);
	j2 = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	journal_close(j2);
}
END_TEST

START_TEST(test_bad_args)
{
	char path[128];
	struct journal *j = NULL;

	path_in(path, sizeof(path), "ev");
	ck_assert_int_eq(journal_open(path, JOURNAL_EVENTS, 0, false, &j, NULL),
			 -EINVAL);
	ck_assert_int_eq(journal_open(path, (enum journal_kind)3, 8, false, &j,
				      NULL),
			 -EINVAL);
	ck_assert_int_eq(journal_open(path, JOURNAL_EVENTS, SIZE_MAX, false,
				      &j, NULL),
			 -EINVAL);
	ck_assert_ptr_null(j);

	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	ck_assert_int_eq(journal_append_event(j, (enum mgmtd_severity)8, "p",
					      NULL, "m"),
			 -EINVAL);
	ck_assert_int_eq(journal_append_event(j, (enum mgmtd_severity)-1, "p",
					      NULL, "m"),
			 -EINVAL);
	/* The wrong kind of record. */
	ck_assert_int_eq(journal_append_command(j, "u", "s", "rest", "c", "ok",
						1),
			 -EINVAL);
	ck_assert_uint_eq(journal_last_seq(j), 0);
	journal_close(j);
	journal_close(NULL);
}
END_TEST

START_TEST(test_sync)
{
	char path[128];
	struct journal *j = NULL;

	path_in(path, sizeof(path), "ev");
	ck_assert_int_eq(journal_open(path, JOURNAL_EVENTS, 8, true, &j, NULL),
			 0);
	append_events(j, 1, 3);
	journal_close(j);
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	ck_assert_uint_eq(journal_last_seq(j), 3);
	journal_close(j);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Truncation */

/* s is valid UTF-8 (no sequence cut short). */
static bool utf8_whole(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : 1;

		if ((*p & 0xc0) == 0x80)
			return false;
		for (p++; n; n--, p++)
			if ((*p & 0xc0) != 0x80)
				return false;
	}
	return true;
}

START_TEST(test_truncation_event)
{
	char path[128], plugin[300], object[300], msg[2000];
	struct journal *j;
	struct got *g;

	memset(plugin, 'p', sizeof(plugin) - 1);
	plugin[sizeof(plugin) - 1] = '\0';
	memset(object, 'o', sizeof(object) - 1);
	object[sizeof(object) - 1] = '\0';
	memset(msg, 'm', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	ck_assert_int_eq(journal_append_event(j, MGMTD_SEV_ERR, plugin, object,
					      msg),
			 0);
	ck_assert_int_eq(journal_append_event(j, MGMTD_SEV_ERR, "short",
					      "obj", msg),
			 0);
	g = query(j, NULL);
	ck_assert_uint_eq(g->n, 2);
	/* Short fields are capped, the message takes the rest of the
	 * slot: 488 payload bytes, the severity and three NULs. */
	ck_assert_uint_eq(strlen(g->r[1].plugin), 63);
	ck_assert_uint_eq(strlen(g->r[1].object), 127);
	ck_assert_uint_eq(strlen(g->r[1].plugin) + strlen(g->r[1].object) +
				  strlen(g->r[1].message),
			  488 - 4);
	ck_assert_int_eq(strncmp(g->r[1].message, msg,
				 strlen(g->r[1].message)),
			 0);
	ck_assert_str_eq(g->r[0].plugin, "short");
	ck_assert_uint_eq(strlen(g->r[0].message), 488 - 4 - 5 - 3);
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_truncation_utf8)
{
	static const char *const pieces[] = { "\xc3\xa9",         /* é */
					      "\xe2\x82\xac",     /* € */
					      "\xf0\x9f\x92\xbe" }; /* 💾 */
	char path[128], msg[1200];
	struct journal *j;
	struct got *g;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 64, NULL);
	/* Every alignment of each width against the cut. */
	for (size_t w = 0; w < 3; w++) {
		for (size_t shift = 0; shift < 4; shift++) {
			size_t n = 0;

			memset(msg, 'a', shift);
			n = shift;
			while (n + 4 < sizeof(msg)) {
				strcpy(msg + n, pieces[w]);
				n += strlen(pieces[w]);
			}
			msg[n] = '\0';
			ck_assert_int_eq(journal_append_event(j,
							      MGMTD_SEV_INFO,
							      "p", "o", msg),
					 0);
		}
	}
	g = query(j, NULL);
	ck_assert_uint_eq(g->n, 12);
	for (size_t i = 0; i < g->n; i++) {
		size_t len = strlen(g->r[i].message);

		ck_assert(utf8_whole(g->r[i].message));
		/* At most a partial sequence was left out. */
		ck_assert_uint_le(len, 488 - 1 - 3 - 2);
		ck_assert_uint_ge(len, 488 - 1 - 3 - 2 - 3);
	}
	got_free(g);

	/* Not UTF-8 (continuation bytes only): cut at the byte limit. */
	memset(msg, 0x80, 600);
	msg[600] = '\0';
	ck_assert_int_eq(journal_append_event(j, MGMTD_SEV_INFO, "p", "o", msg),
			 0);
	g = query(j, &(struct journal_query){ .max_severity = -1,
					      .limit = 1 });
	ck_assert_uint_eq(strlen(g->r[0].message), 488 - 1 - 3 - 2);
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_truncation_command)
{
	char path[128], big[5000];
	struct journal *j;
	struct got *g;

	memset(big, 'c', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	path_in(path, sizeof(path), "cmd");
	j = open_ok(path, JOURNAL_COMMANDS, 8, NULL);
	ck_assert_int_eq(journal_append_command(j, big, big, big, big, big, 3),
			 0);
	ck_assert_int_eq(journal_append_command(j, "admin", "192.0.2.1",
						"rest", big, "ok", 4),
			 0);
	g = query(j, NULL);
	ck_assert_uint_eq(g->n, 2);
	ck_assert_uint_eq(strlen(g->r[1].user), 63);
	ck_assert_uint_eq(strlen(g->r[1].source), 63);
	ck_assert_uint_eq(strlen(g->r[1].interface), 15);
	ck_assert_uint_eq(strlen(g->r[1].result), 255);
	/* 2024 payload bytes: the version, five NULs, the capped fields. */
	ck_assert_uint_eq(strlen(g->r[1].change),
			  2024 - 4 - 5 - 63 - 63 - 15 - 255);
	ck_assert_uint_eq(g->r[1].version, 3);
	ck_assert_str_eq(g->r[0].user, "admin");
	ck_assert_str_eq(g->r[0].result, "ok");
	ck_assert_uint_eq(strlen(g->r[0].change),
			  2024 - 4 - 5 - 5 - 9 - 4 - 2);
	got_free(g);
	journal_close(j);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Time */

START_TEST(test_clock_nondecreasing)
{
	char path[128];
	struct journal *j;
	struct got *g;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 4096, NULL);
	for (int i = 0; i < 2000; i++)
		ck_assert_int_eq(journal_append_event(j, MGMTD_SEV_INFO, "p",
						      NULL, "tick"),
				 0);
	g = query(j, NULL);
	assert_seqs(g, 2000, 1);
	for (size_t i = 1; i < g->n; i++)
		ck_assert_int_le(g->r[i].time_us, g->r[i - 1].time_us);
	got_free(g);
	journal_close(j);
}
END_TEST

START_TEST(test_clock_clamp)
{
	char path[128];
	unsigned char slot[EV_SLOT];
	struct journal *j;
	struct got *g;
	int64_t future = wall_us() + 3600 * INT64_C(1000000);

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	append_events(j, 1, 2);
	journal_close(j);

	/* Record 2 was written by a clock an hour ahead. */
	slot_io(path, EV_SLOT, 1, slot, false);
	set_le64(slot + 8, (uint64_t)future);
	slot_seal(slot);
	slot_io(path, EV_SLOT, 1, slot, true);

	j = open_ok(path, JOURNAL_EVENTS, 8, NULL);
	ck_assert_uint_eq(journal_count(j), 2);
	append_events(j, 3, 2);
	g = query(j, NULL);
	assert_seqs(g, 4, 1);
	ck_assert_int_eq(g->r[0].time_us, future);
	ck_assert_int_eq(g->r[1].time_us, future);
	ck_assert_int_eq(g->r[2].time_us, future);
	ck_assert_int_lt(g->r[3].time_us, future);
	got_free(g);
	journal_close(j);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Format */

START_TEST(test_format)
{
	char path[128];
	unsigned char h[HDR_SIZE], slot[CMD_SLOT];
	struct journal *j;
	uint32_t len, crc;
	int fd;

	path_in(path, sizeof(path), "cmd");
	j = open_ok(path, JOURNAL_COMMANDS, 5, NULL);
	ck_assert_int_eq(journal_append_command(j, "admin", "::1", "cli",
						"set x=1", "ok", 42),
			 0);
	journal_close(j);

	fd = open(path, O_RDONLY);
	ck_assert_int_eq(pread(fd, h, sizeof(h), 0), (ssize_t)sizeof(h));
	close(fd);
	ck_assert_mem_eq(h, "MGMTDJNL", 8);
	ck_assert_uint_eq(le32(h + 8), 1);
	ck_assert_uint_eq(le32(h + 12), JOURNAL_COMMANDS);
	ck_assert_uint_eq(le32(h + 16), CMD_SLOT);
	ck_assert_uint_eq(le32(h + 20), HDR_SIZE);
	ck_assert_uint_eq(le64(h + 24), 5);
	ck_assert_uint_eq(le32(h + 32), ref_crc32(0, h, 32));

	slot_io(path, CMD_SLOT, 0, slot, false);
	ck_assert_uint_eq(le64(slot), 1);
	len = slot[20] | slot[21] << 8;
	ck_assert_uint_eq(len, 4 + sizeof("admin::1cliokset x=1") - 1 + 5);
	crc = ref_crc32(ref_crc32(0, slot, 16), slot + 20, 4 + len);
	ck_assert_uint_eq(le32(slot + 16), crc);
	ck_assert_uint_eq(le32(slot + 24), 42);
	ck_assert_mem_eq(slot + 28, "admin\0::1\0cli\0ok\0set x=1\0", len - 4);
	for (size_t i = 24 + len; i < CMD_SLOT; i++)
		ck_assert_uint_eq(slot[i], 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Threads */

struct writer {
	pthread_t tid;
	struct journal *j;
	int n, errors;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;

	for (int i = 0; i < w->n; i++)
		if (journal_append_event(w->j, MGMTD_SEV_INFO, "t", NULL,
					 "concurrent") != 0)
			w->errors++;
	return NULL;
}

struct checker {
	struct journal *j;
	uint64_t prev;
	int64_t prev_time;
	int errors;
};

static int check_order(const struct journal_record *r, void *arg)
{
	struct checker *c = arg;

	if (c->prev && (r->seq != c->prev - 1 || r->time_us > c->prev_time))
		c->errors++;
	c->prev = r->seq;
	c->prev_time = r->time_us;
	return 0;
}

START_TEST(test_threads)
{
	char path[128];
	struct journal *j;
	struct writer w[4];
	struct checker c = { 0 };
	struct journal_query q = { .max_severity = -1, .limit = 5000 };
	int queries = 0;

	path_in(path, sizeof(path), "ev");
	j = open_ok(path, JOURNAL_EVENTS, 1024, NULL);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct writer){ .j = j, .n = 1000 };
		ck_assert_int_eq(pthread_create(&w[i].tid, NULL, writer_main,
						&w[i]),
				 0);
	}
	/* Query while they write: always a gapless newest-first run. */
	while (journal_last_seq(j) < 4000 && queries < 100000) {
		c.prev = 0;
		ck_assert_int_ge(journal_query(j, &q, check_order, &c), 0);
		queries++;
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(w[i].tid, NULL);
		ck_assert_int_eq(w[i].errors, 0);
	}
	ck_assert_int_eq(c.errors, 0);
	ck_assert_uint_eq(journal_last_seq(j), 4000);
	ck_assert_uint_eq(journal_count(j), 1024);
	c.prev = 0;
	ck_assert_int_eq(journal_query(j, &q, check_order, &c), 1024);
	ck_assert_uint_eq(c.prev, 4000 - 1023);
	ck_assert_int_eq(c.errors, 0);
	journal_close(j);
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *journal_suite(void)
{
	Suite *s = suite_create("journal");
	TCase *tc;

	tc = tcase_create("basics");
	tcase_add_unchecked_fixture(tc, dir_make, dir_remove);
	tcase_add_checked_fixture(tc, dir_empty, NULL);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_events_roundtrip);
	tcase_add_test(tc, test_commands_roundtrip);
	tcase_add_test(tc, test_wraparound);
	tcase_add_test(tc, test_reopen_keeps_seq);
	tcase_add_test(tc, test_sync);
	tcase_add_test(tc, test_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("crash");
	tcase_add_unchecked_fixture(tc, dir_make, dir_remove);
	tcase_add_checked_fixture(tc, dir_empty, NULL);
	tcase_add_test(tc, test_torn_newest);
	tcase_add_test(tc, test_torn_header);
	tcase_add_test(tc, test_torn_older_lap);
	tcase_add_test(tc, test_stale_lap_ignored);
	tcase_add_test(tc, test_shortened_file);
	tcase_add_test(tc, test_crafted_slots);
	tcase_add_test(tc, test_corrupt_after_open);
	tcase_add_test(tc, test_large_scan);
	tcase_add_test(tc, test_write_error);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("query");
	tcase_add_unchecked_fixture(tc, dir_make, dir_remove);
	tcase_add_checked_fixture(tc, dir_empty, NULL);
	tcase_add_test(tc, test_query_filters);
	tcase_add_test(tc, test_query_default_limit);
	tcase_add_test(tc, test_query_stop);
	tcase_add_test(tc, test_query_time);
	tcase_add_test(tc, test_query_time_large);
	tcase_add_test(tc, test_query_time_holes);
	tcase_add_test(tc, test_query_user);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_add_unchecked_fixture(tc, dir_make, dir_remove);
	tcase_add_checked_fixture(tc, dir_empty, NULL);
	tcase_add_test(tc, test_geometry_mismatch);
	tcase_add_test(tc, test_empty_reinit);
	tcase_add_test(tc, test_not_a_journal);
	tcase_add_test(tc, test_busy);
	tcase_add_test(tc, test_bad_args);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_unchecked_fixture(tc, dir_make, dir_remove);
	tcase_add_checked_fixture(tc, dir_empty, NULL);
	tcase_add_test(tc, test_truncation_event);
	tcase_add_test(tc, test_truncation_utf8);
	tcase_add_test(tc, test_truncation_command);
	tcase_add_test(tc, test_clock_nondecreasing);
	tcase_add_test(tc, test_clock_clamp);
	tcase_add_test(tc, test_threads);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(journal_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
