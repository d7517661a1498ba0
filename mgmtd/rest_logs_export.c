/* GET /logs/export: every log source (with its rotated files), the event
 * and command journals as JSON lines, and a manifest (mgmtd's version,
 * the plugins loaded, what each file is and whether it was cut), as one
 * .tar.gz streamed to the client: a ustar writer of our own over zlib,
 * a block at a time, nothing built whole in memory.  A file larger than
 * the daemon config's logs.export_max_file is cut to its last lines. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <civetweb.h>
#include <zlib.h>

#include "log.h"
#include "logs.h"
#include "rest_internal.h"

#define CHUNK 65536
#define ROTATED_MAX 10
#define TAR_DIR "mgmtd-logs"

struct tgz {
	struct mg_connection *conn;
	z_stream z;
	int failed;
	unsigned char out[CHUNK];
	char buf[CHUNK];
};

static int tgz_feed(struct tgz *t, const void *data, size_t len, int flush)
{
	t->z.next_in = (unsigned char *)data;
	t->z.avail_in = (uInt)len;
	do {
		size_t have;

		t->z.next_out = t->out;
		t->z.avail_out = sizeof(t->out);
		if (deflate(&t->z, flush) == Z_STREAM_ERROR)
			return t->failed = -EIO;
		have = sizeof(t->out) - t->z.avail_out;
		if (have && !t->failed &&
		    mg_write(t->conn, t->out, have) != (int)have)
			t->failed = -EPIPE;
	} while (t->z.avail_out == 0 && !t->failed);
	return t->failed;
}

static void octal(char *field, size_t width, unsigned long long v)
{
	snprintf(field, width, "%0*llo", (int)width - 1, v);
}

/* A ustar header for a regular file. */
static int tar_header(struct tgz *t, const char *name, int64_t size,
		      int64_t mtime)
{
	unsigned char h[512] = { 0 };
	unsigned sum = 0;

	snprintf((char *)h, 100, "%s", name);
	octal((char *)h + 100, 8, 0644);
	octal((char *)h + 108, 8, 0);
	octal((char *)h + 116, 8, 0);
	octal((char *)h + 124, 12, (unsigned long long)size);
	octal((char *)h + 136, 12, (unsigned long long)mtime);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	snprintf((char *)h + 265, 32, "root");
	snprintf((char *)h + 297, 32, "root");
	for (size_t i = 0; i < sizeof(h); i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	return tgz_feed(t, h, sizeof(h), Z_NO_FLUSH);
}

static int tar_pad(struct tgz *t, int64_t size)
{
	static const char zero[512];
	size_t pad = (size_t)((512 - size % 512) % 512);

	return pad ? tgz_feed(t, zero, pad, Z_NO_FLUSH) : 0;
}

static int tar_mem(struct tgz *t, const char *name, const char *data,
		   size_t len)
{
	if (tar_header(t, name, (int64_t)len, core_realtime()) < 0 ||
	    tgz_feed(t, data, len, Z_NO_FLUSH) < 0)
		return t->failed;
	return tar_pad(t, (int64_t)len);
}

/* Where the last max bytes of fd begin, moved on to a line start. */
static int64_t cut_start(int fd, int64_t size, int64_t max, char *buf)
{
	int64_t from = size - max;
	ssize_t n = pread(fd, buf, CHUNK, from - 1);
	char *nl = n > 0 ? memchr(buf, '\n', (size_t)n) : NULL;

	return nl ? from + (nl - buf) : from;
}

/* Copy fd's bytes [from, from + len) into the archive: exactly len,
 * zeros if the file shrank meanwhile (the header is written). */
static int tar_copy(struct tgz *t, int fd, int64_t from, int64_t len)
{
	int64_t done = 0;

	while (done < len && !t->failed) {
		size_t want = len - done < CHUNK ? (size_t)(len - done) : CHUNK;
		ssize_t n = pread(fd, t->buf, want, from + done);

		if (n <= 0) {
			memset(t->buf, 0, want);
			n = (ssize_t)want;
		}
		tgz_feed(t, t->buf, (size_t)n, Z_NO_FLUSH);
		done += n;
	}
	return t->failed ? t->failed : tar_pad(t, len);
}

/* One file of a source into the archive, noted in files.  A rotated
 * file found by name (rotated) is not followed if it is a symbolic link:
 * whoever writes the log's directory (a syslog user) must not get a
 * file only root may read into an export. */
static int add_file(struct tgz *t, const struct log_source *s,
		    const char *path, bool rotated, int64_t max,
		    json_t *files)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char name[256];
	struct stat st;
	int64_t from = 0, len;
	json_t *note;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
				    (rotated ? O_NOFOLLOW : 0));

	snprintf(name, sizeof(name), TAR_DIR "/logs/%s/%.60s", s->name, base);
	note = json_pack("{s:s, s:s, s:s}", "file", name, "source", s->name,
			 "path", path);
	json_array_append_new(files, note);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		json_object_set_new(note, "skipped",
				    json_string(fd < 0 ? strerror(errno)
						       : "not a regular file"));
		if (fd >= 0)
			close(fd);
		return 0;
	}
	len = st.st_size;
	if (len > max) {
		from = cut_start(fd, st.st_size, max, t->buf);
		len = st.st_size - from;
		json_object_set_new(note, "cut",
				    json_pack("{s:I, s:I}", "size",
					      (json_int_t)st.st_size, "kept_from",
					      (json_int_t)from));
	}
	json_object_set_new(note, "size", json_integer(len));
	if (tar_header(t, name, len, st.st_mtime) == 0)
		tar_copy(t, fd, from, len);
	close(fd);
	return t->failed;
}

static int cmp_rotated(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	long nx = strtol(strrchr(x, '\x01') + 1, NULL, 10);
	long ny = strtol(strrchr(y, '\x01') + 1, NULL, 10);

	return (nx > ny) - (nx < ny);
}

/* The rotated files of path ("<path>.N" and "<path>.N.gz"), oldest
 * last, at most ROTATED_MAX. */
static int add_rotated(struct tgz *t, const struct log_source *s,
		       int64_t max, json_t *files)
{
	char dir[PATH_MAX], *found[64], full[PATH_MAX + 256];
	const char *base;
	size_t n = 0, blen;
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s", s->path);
	if (!strrchr(dir, '/'))
		return 0;
	*strrchr(dir, '/') = '\0';
	base = strrchr(s->path, '/') + 1;
	blen = strlen(base);
	if (!(dp = opendir(dir[0] ? dir : "/")))
		return 0;
	while ((d = readdir(dp)) && n < 64) {
		const char *rest = d->d_name + blen + 1;
		char *end;

		if (strncmp(d->d_name, base, blen) || d->d_name[blen] != '.' ||
		    !(*rest >= '0' && *rest <= '9'))
			continue;
		strtol(rest, &end, 10);
		if (*end && strcmp(end, ".gz"))
			continue;
		/* name \x01 number, sorted by number */
		if (asprintf(&found[n], "%s\x01%s", d->d_name, rest) > 0)
			n++;
	}
	closedir(dp);
	qsort(found, n, sizeof(found[0]), cmp_rotated);
	for (size_t i = 0; i < n; i++) {
		*strchr(found[i], '\x01') = '\0';
		snprintf(full, sizeof(full), "%s/%s", dir, found[i]);
		if (i < ROTATED_MAX && !t->failed)
			add_file(t, s, full, true, max, files);
		free(found[i]);
	}
	return t->failed;
}

/* A journal rendered as JSON lines into an unnamed temporary file, then
 * archived: its size must be known before its header. */
struct jl {
	FILE *f;
	bool commands;
};

static int journal_line(const struct journal_record *r, void *arg)
{
	struct jl *jl = arg;
	json_t *j;

	if (jl->commands)
		j = json_pack("{s:I, s:f, s:s, s:s, s:s, s:s, s:s, s:i}", "seq",
			      (json_int_t)r->seq, "time", r->time_us / 1e6,
			      "user", r->user, "source", r->source,
			      "interface", r->interface, "change", r->change,
			      "result", r->result, "version", (int)r->version);
	else
		j = json_pack("{s:I, s:f, s:s, s:s, s:s, s:s}", "seq",
			      (json_int_t)r->seq, "time", r->time_us / 1e6,
			      "severity", log_level_name(r->severity),
			      "plugin", r->plugin, "object", r->object,
			      "message", r->message);
	if (j) {
		json_dumpf(j, jl->f, JSON_COMPACT);
		fputc('\n', jl->f);
		json_decref(j);
	}
	return 0;
}

static int add_journal(struct tgz *t, struct core *c, struct journal *j,
		       const char *name, bool commands, json_t *files)
{
	struct journal_query q = { .max_severity = -1 };
	struct jl jl = { .commands = commands };
	int fd = open(c->dc->state_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	struct stat st;

	if (!j)
		return 0;
	if (fd < 0 || !(jl.f = fdopen(fd, "w+"))) {
		log_warn("rest", "export: no temporary file in %s: %s",
			 c->dc->state_dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 0;
	}
	q.limit = journal_count(j);
	if (q.limit)
		journal_query(j, &q, journal_line, &jl);
	fflush(jl.f);
	if (fstat(fd, &st) == 0 && tar_header(t, name, st.st_size,
					       core_realtime()) == 0)
		tar_copy(t, fd, 0, st.st_size);
	json_array_append_new(files,
			      json_pack("{s:s, s:s, s:I}", "file", name,
					"source", commands ? "commands" : "events",
					"size", (json_int_t)st.st_size));
	fclose(jl.f);
	return t->failed;
}

static json_t *manifest(struct core *c, json_t *files)
{
	json_t *plugins = json_array();
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	for (size_t i = 0; i < c->n_plugins; i++)
		json_array_append_new(
			plugins,
			json_pack("{s:s, s:s}", "name", c->plugins[i]->desc->name,
				  "version", c->plugins[i]->desc->version
						     ? c->plugins[i]->desc->version
						     : ""));
	return json_pack("{s:s, s:s, s:I, s:s, s:o, s:O, s:s}", "mgmtd_version",
			 PACKAGE_VERSION, "host", host, "time",
			 (json_int_t)core_realtime(), "journal_order",
			 "newest first", "plugins", plugins, "files", files,
			 "note",
			 "Logs larger than logs.export_max_file are cut to "
			 "their last lines (see cut); unreadable ones are "
			 "listed as skipped.");
}

static void export_all(struct tgz *t, struct core *c)
{
	struct log_source *v;
	size_t n = logs_list(c->logs, &v);
	int64_t max = logs_export_max(c->logs);
	json_t *files = json_array(), *m;
	char *text;

	for (size_t i = 0; i < n && !t->failed; i++) {
		add_file(t, &v[i], v[i].path, false, max, files);
		add_rotated(t, &v[i], max, files);
	}
	free(v);
	if (!t->failed)
		add_journal(t, c, c->events, TAR_DIR "/journal/events.jsonl",
			    false, files);
	if (!t->failed)
		add_journal(t, c, c->commands,
			    TAR_DIR "/journal/commands.jsonl", true, files);
	m = manifest(c, files);
	json_decref(files);
	text = json_dumps(m, JSON_INDENT(2));
	json_decref(m);
	if (text && !t->failed)
		tar_mem(t, TAR_DIR "/manifest.json", text, strlen(text));
	free(text);
}

void rest_h_log_export(struct rest_req *rq)
{
	struct tgz *t = calloc(1, sizeof(*t));
	static const char end[1024];
	char stamp[32], host[64] = "mgmtd";
	time_t now = time(NULL);
	struct tm tm;

	if (!t || deflateInit2(&t->z, 6, Z_DEFLATED, 15 + 16, 8,
			       Z_DEFAULT_STRATEGY) != Z_OK) {
		free(t);
		rest_fail(rq, 500, "cannot start compressing");
		return;
	}
	t->conn = rq->conn;
	gethostname(host, sizeof(host) - 1);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	rq->status = 200;
	mg_printf(rq->conn,
		  "HTTP/1.1 200 OK\r\n"
		  "Content-Type: application/gzip\r\n"
		  "Content-Disposition: attachment; "
		  "filename=\"mgmtd-logs-%s-%s.tar.gz\"\r\n"
		  "Cache-Control: no-store\r\n"
		  "X-Content-Type-Options: nosniff\r\n"
		  "Connection: close\r\n\r\n",
		  host, stamp);
	/* Every log, whole, leaves the box: worth a line in the journal. */
	rest_audit(rq, "exported", 0);
	export_all(t, rq->rest->core);
	if (!t->failed)
		tgz_feed(t, end, sizeof(end), Z_FINISH);
	if (t->failed)
		log_warn("rest", "log export to %s ended early: %s", rq->source,
			 strerror(-t->failed));
	deflateEnd(&t->z);
	free(t);
}
