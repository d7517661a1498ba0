/* Accounts plugin: lines of the account files, and their merge into the
 * current files.  See accounts_files.h. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts_files.h"

/* Accounts that exist on every Debian system and that no one may take,
 * even where the files lack them. */
static const char *const acct_reserved[] = {
	"root", "daemon", "bin", "sys", "sync", "games", "man", "lp",
	"mail", "news", "uucp", "proxy", "www-data", "backup", "list", "irc",
	"gnats", "nobody", "nogroup", "shadow", "sudo", "adm", "staff",
	"users", "wheel", "disk", "tty", NULL,
};

bool acct_valid_name(const char *s)
{
	size_t n = 0;

	if (!s || !((*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (; *s; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return false;
	return n <= ACCT_NAME_MAX;
}

bool acct_reserved_name(const char *s)
{
	for (const char *const *r = acct_reserved; *r; r++)
		if (strcmp(*r, s) == 0)
			return true;
	return false;
}

const char *acct_find_line(const char *text, size_t len, const char *name,
			   size_t *line_len)
{
	size_t nlen = strlen(name);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (l > nlen && p[nlen] == ':' && memcmp(p, name, nlen) == 0) {
			*line_len = l;
			return p;
		}
		p += l + 1;
	}
	return NULL;
}

int acct_field(const char *line, size_t len, unsigned i, char *buf,
	       size_t buflen)
{
	const char *p = line, *end = line + len;

	for (unsigned f = 0; f < i; f++) {
		const char *c = memchr(p, ':', (size_t)(end - p));
		if (!c)
			return -ENOENT;
		p = c + 1;
	}
	const char *c = memchr(p, ':', (size_t)(end - p));
	size_t n = c ? (size_t)(c - p) : (size_t)(end - p);

	if (n >= buflen)
		return -ENOBUFS;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}

int acct_field_int(const char *line, size_t len, unsigned i, int64_t *v)
{
	char buf[32], *end;
	int rc = acct_field(line, len, i, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	errno = 0;
	*v = strtoll(buf, &end, 10);
	return buf[0] && !*end && errno == 0 ? 0 : -EINVAL;
}

/* A value that cannot break a colon file. */
static bool safe(const char *s)
{
	return !s || !strpbrk(s, ":\n");
}

static int take(int n, char **out)
{
	if (n < 0) {
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

int acct_passwd_line(const struct acct_user *u, char **out)
{
	*out = NULL;
	if (!safe(u->name) || !safe(u->gecos) || !safe(u->home) ||
	    !safe(u->shell))
		return -EINVAL;
	return take(asprintf(out, "%s:x:%" PRId64 ":%" PRId64 ":%s:%s:%s",
			     u->name, u->uid, u->gid, u->gecos ? u->gecos : "",
			     u->home, u->shell),
		    out);
}

/* The aging fields (3 to 6: min, max, warn, inactive) of the current
 * line, or Debian's defaults. */
static void aging(const char *cur, size_t len, char f[4][24])
{
	static const char *const def[4] = { "0", "99999", "7", "" };

	for (unsigned i = 0; i < 4; i++)
		if (!cur || acct_field(cur, len, i + 3, f[i], 24) < 0)
			snprintf(f[i], 24, "%s", def[i]);
}

int acct_shadow_line(const struct acct_user *u, const char *cur_shadow,
		     size_t cur_len, int64_t today, char **out)
{
	char f[4][24], old[512], hash[512];
	const char *old_hash = old;
	int64_t changed = today, v;

	*out = NULL;
	if (!safe(u->name) || !safe(u->crypt))
		return -EINVAL;
	aging(cur_shadow, cur_len, f);
	/* A locked account's hash starts with '!' (usermod -L). */
	if (cur_shadow && acct_field(cur_shadow, cur_len, 1, old, sizeof(old)) == 0) {
		while (*old_hash == '!')
			old_hash++;
		if (u->crypt && strcmp(old_hash, u->crypt) == 0 &&
		    acct_field_int(cur_shadow, cur_len, 2, &v) == 0)
			changed = v;
	}
	snprintf(hash, sizeof(hash), "%s%s",
		 u->enabled && u->crypt ? "" : "!", u->crypt ? u->crypt : "");
	/* A disabled account also expires (usermod -e 1), so that keys and
	 * other ways around the password are closed too. */
	return take(asprintf(out, "%s:%s:%" PRId64 ":%s:%s:%s:%s:%s:", u->name,
			     hash, changed, f[0], f[1], f[2], f[3],
			     u->enabled ? "" : "1"),
		    out);
}

/* name:x:gid:a,b (group) or name:!::a,b (gshadow). */
static int group_like(const struct acct_group *g, bool shadow, char **out)
{
	size_t len = strlen(g->name) + 32;
	char *s, *p;

	*out = NULL;
	if (!safe(g->name))
		return -EINVAL;
	for (size_t i = 0; i < g->n_members; i++) {
		if (!safe(g->members[i]) || strchr(g->members[i], ','))
			return -EINVAL;
		len += strlen(g->members[i]) + 1;
	}
	if (!(s = malloc(len)))
		return -ENOMEM;
	p = s;
	if (shadow)
		p += sprintf(p, "%s:!::", g->name);
	else
		p += sprintf(p, "%s:x:%" PRId64 ":", g->name, g->gid);
	for (size_t i = 0; i < g->n_members; i++)
		p += sprintf(p, "%s%s", i ? "," : "", g->members[i]);
	*out = s;
	return 0;
}

int acct_group_line(const struct acct_group *g, char **out)
{
	return group_like(g, false, out);
}

int acct_gshadow_line(const struct acct_group *g, char **out)
{
	return group_like(g, true, out);
}

/* A growing buffer. */
struct buf {
	char *p;
	size_t len, cap;
	int rc;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->rc)
		return;
	if (b->len + n + 2 > b->cap) {
		size_t cap = (b->len + n + 2) * 2;
		char *g = realloc(b->p, cap);
		if (!g) {
			b->rc = -ENOMEM;
			return;
		}
		b->p = g;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void put_line(struct buf *b, const char *s, size_t n)
{
	put(b, s, n);
	put(b, "\n", 1);
}

/* The entry name of a line: up to its first ':' (whole line if none). */
static bool line_is(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len > n && line[n] == ':' && memcmp(line, name, n) == 0;
}

int acct_merge(const char *cur, size_t len, const struct acct_line *lines,
	       size_t n_lines, const char *const *removed, size_t n_removed,
	       char **out, size_t *out_len)
{
	struct buf b = { 0 };
	bool *used = calloc(n_lines + 1, sizeof(*used));
	const char *p = cur, *end = cur + len;

	if (!used)
		return -ENOMEM;
	put(&b, "", 0);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		bool drop = false, done = false;

		for (size_t i = 0; i < n_lines && !done; i++)
			if (!used[i] && line_is(p, l, lines[i].name)) {
				put_line(&b, lines[i].text, strlen(lines[i].text));
				used[i] = done = true;
			}
		for (size_t i = 0; i < n_removed && !done && !drop; i++)
			drop = line_is(p, l, removed[i]);
		if (!done && !drop && (l > 0 || nl))
			put_line(&b, p, l);
		p += l + 1;
	}
	for (size_t i = 0; i < n_lines; i++)
		if (!used[i])
			put_line(&b, lines[i].text, strlen(lines[i].text));
	free(used);
	if (b.rc) {
		free(b.p);
		return b.rc;
	}
	*out = b.p;
	*out_len = b.len;
	return 0;
}

int acct_smbpasswd_line(const char *name, int64_t uid, const char *nt,
			bool enabled, int64_t lct, char **out)
{
	static const char none[] = "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";

	*out = NULL;
	if (!safe(name) || (nt && (strlen(nt) != 32 || !safe(nt))))
		return -EINVAL;
	/* The LM hash is never kept; an account without a password is
	 * imported disabled.  The flags field is 11 characters wide. */
	return take(asprintf(out, "%s:%" PRId64 ":%s:%s:[%s]:LCT-%08" PRIX64 ":",
			     name, uid, none, nt ? nt : none,
			     enabled && nt ? "U          " : "DU         ",
			     (uint64_t)lct),
		    out);
}
