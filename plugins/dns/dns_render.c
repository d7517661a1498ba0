/* DNS plugin: rendering, parsing and checking, with no core calls. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmtd/plugin.h"

#include "dns_render.h"

/* ------------------------------------------------------------------ */
/* A growable output buffer with a sticky error, so that renderers read
 * as a list of lines and check once at the end. */

struct dns_buf {
	char *data;
	size_t len, cap;
	int err;
};

static void buf_init(struct dns_buf *b, size_t hint)
{
	*b = (struct dns_buf){ .cap = 0 };
	b->data = malloc(hint + 1);
	if (!b->data) {
		b->err = -ENOMEM;
		return;
	}
	b->cap = hint + 1;
}

static void buf_put(struct dns_buf *b, const char *s, size_t n)
{
	if (b->err)
		return;
	if (b->cap - b->len <= n) {
		size_t cap = b->cap ? b->cap : 64;

		while (cap - b->len <= n) {
			if (cap > SIZE_MAX / 2) {
				b->err = -ENOMEM;
				return;
			}
			cap *= 2;
		}
		char *p = realloc(b->data, cap);

		if (!p) {
			b->err = -ENOMEM;
			return;
		}
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

static void buf_puts(struct dns_buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

/* A value written as one whitespace-separated token: refuse what would
 * split it, end the line or start a comment. */
static bool token_is_safe(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c == 0x7f || c == '#' || c == ';')
			return false;
	}
	return true;
}

static void buf_token(struct dns_buf *b, const char *s)
{
	if (b->err)
		return;
	if (!token_is_safe(s)) {
		b->err = -EINVAL;
		return;
	}
	buf_puts(b, s);
}

/* Hand the text over, or free it on error. */
static int buf_finish(struct dns_buf *b, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (b->err) {
		free(b->data);
		return b->err;
	}
	b->data[b->len] = '\0';
	*out = b->data;
	*len = b->len;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Renderers */

int dns_render_hostname(const struct dns_settings_conf *s, char **out,
			size_t *len)
{
	struct dns_buf b;

	if (!s->hostname) {
		*out = NULL;
		*len = 0;
		return -EINVAL;
	}
	buf_init(&b, strlen(s->hostname) + 1);
	buf_token(&b, s->hostname);
	buf_puts(&b, "\n");
	return buf_finish(&b, out, len);
}

static void put_list_line(struct dns_buf *b, const char *keyword,
			  const char *const *items, size_t n)
{
	if (n == 0)
		return;
	buf_puts(b, keyword);
	for (size_t i = 0; i < n; i++) {
		buf_puts(b, " ");
		buf_token(b, items[i]);
	}
	buf_puts(b, "\n");
}

/* Both domain and search are written as configured: glibc lets the last of
 * the two win, so search (written second) overrides domain when both are
 * set, exactly as the operator reads them. */
int dns_render_resolv(const struct dns_settings_conf *s, char **out,
		      size_t *len)
{
	struct dns_buf b;

	buf_init(&b, 512);
	buf_puts(&b, DNS_GENERATED_HEADER);
	if (s->domain) {
		buf_puts(&b, "domain ");
		buf_token(&b, s->domain);
		buf_puts(&b, "\n");
	}
	put_list_line(&b, "search", s->search, s->n_search);
	for (size_t i = 0; i < s->n_resolvers; i++) {
		buf_puts(&b, "nameserver ");
		buf_token(&b, s->resolvers[i]);
		buf_puts(&b, "\n");
	}
	put_list_line(&b, "options", s->options, s->n_options);
	return buf_finish(&b, out, len);
}

/* ASCII case-insensitive comparison: DNS names compare this way whatever
 * the locale. */
static bool name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;

		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return false;
	}
	return *a == *b;
}

/* Whether name is hostname.domain, without building the string. */
static bool is_fqdn_of(const char *name, const char *host, const char *dom)
{
	size_t hl = strlen(host);

	for (size_t i = 0; i < hl; i++) {
		unsigned char x = (unsigned char)name[i];
		unsigned char y = (unsigned char)host[i];

		if (!x)
			return false;
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return false;
	}
	return name[hl] == '.' && name_eq(name + hl + 1, dom);
}

static bool is_own_name(const struct dns_settings_conf *s, const char *n)
{
	return name_eq(n, s->hostname) ||
	       (s->domain && is_fqdn_of(n, s->hostname, s->domain));
}

bool dns_hosts_map_own_name(const struct dns_settings_conf *s,
			    const struct dns_host_entry *hosts,
			    size_t n_hosts)
{
	if (!s->hostname)
		return false;
	for (size_t i = 0; i < n_hosts; i++) {
		const struct dns_host_entry *e = &hosts[i];

		if (is_own_name(s, e->name))
			return true;
		for (size_t j = 0; j < e->n_aliases; j++)
			if (is_own_name(s, e->aliases[j]))
				return true;
	}
	return false;
}

static void put_host_names(struct dns_buf *b, const struct dns_host_entry *e)
{
	buf_token(b, e->name);
	for (size_t j = 0; j < e->n_aliases; j++) {
		buf_puts(b, " ");
		buf_token(b, e->aliases[j]);
	}
	buf_puts(b, "\n");
}

int dns_render_hosts(const struct dns_settings_conf *s,
		     const struct dns_host_entry *hosts, size_t n_hosts,
		     char **out, size_t *len)
{
	struct dns_buf b;

	/* About 48 bytes a line: one allocation for typical files. */
	buf_init(&b, 256 + (n_hosts < SIZE_MAX / 64 ? n_hosts * 48 : 0));
	buf_puts(&b, DNS_GENERATED_HEADER);
	buf_puts(&b, "127.0.0.1\tlocalhost\n");
	buf_puts(&b, "::1\tlocalhost ip6-localhost ip6-loopback\n");
	if (s->hostname && !dns_hosts_map_own_name(s, hosts, n_hosts)) {
		buf_puts(&b, "127.0.1.1\t");
		if (s->domain) {
			buf_token(&b, s->hostname);
			buf_puts(&b, ".");
			buf_token(&b, s->domain);
			buf_puts(&b, " ");
		}
		buf_token(&b, s->hostname);
		buf_puts(&b, "\n");
	}
	if (n_hosts)
		buf_puts(&b, "\n");
	for (size_t i = 0; i < n_hosts; i++) {
		const struct dns_host_entry *e = &hosts[i];

		if (e->n_addresses == 0 && !b.err)
			b.err = -EINVAL;
		for (size_t a = 0; a < e->n_addresses; a++) {
			buf_token(&b, e->addresses[a]);
			buf_puts(&b, "\t");
			put_host_names(&b, e);
		}
	}
	return buf_finish(&b, out, len);
}

/* ------------------------------------------------------------------ */
/* resolv.conf parser */

/* glibc's MATCH(): the keyword starts the line and a blank follows. */
static bool line_has_keyword(const char *line, size_t n, const char *kw)
{
	size_t kl = strlen(kw);

	return n > kl && memcmp(line, kw, kl) == 0 &&
	       (line[kl] == ' ' || line[kl] == '\t');
}

/* Canonical text of one nameserver token, or false if glibc would skip
 * it.  IPv4 goes through inet_aton like glibc (so "10.1" is 10.0.0.1). */
static bool canon_nameserver(const char *tok, char *out, size_t outlen)
{
	char addr[DNS_NAMESERVER_LEN + 32];
	struct in_addr a4;
	struct in6_addr a6;
	const char *zone;
	size_t alen;

	for (const char *p = tok; *p; p++)
		if (*p == '\r' || *p == '\v' || *p == '\f')
			return false;
	if (inet_aton(tok, &a4))
		return inet_ntop(AF_INET, &a4, out, outlen) != NULL;
	zone = strchr(tok, '%');
	alen = zone ? (size_t)(zone - tok) : strlen(tok);
	if (alen >= sizeof(addr))
		return false;
	memcpy(addr, tok, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		return false;
	if (!inet_ntop(AF_INET6, &a6, out, outlen))
		return false;
	/* glibc keeps the line even when the zone names no interface; so do
	 * we, with the zone as written if it can be one. */
	if (zone && zone[1] && strlen(zone + 1) < 16 &&
	    strlen(out) + strlen(zone) < outlen)
		strcat(out, zone);
	return true;
}

void dns_parse_nameservers(const char *text, size_t len,
			   struct dns_nameservers *ns)
{
	const char *end = text + len;

	*ns = (struct dns_nameservers){ .count = 0 };
	for (const char *line = text;
	     line < end && ns->count < DNS_MAX_RESOLVERS;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		const char *p, *q;
		char tok[DNS_NAMESERVER_LEN + 32];

		if (!line_has_keyword(line, n, "nameserver"))
			goto next;
		p = line + strlen("nameserver");
		while (p < line + n && (*p == ' ' || *p == '\t'))
			p++;
		q = p;
		while (q < line + n && *q != ' ' && *q != '\t' && *q != '\0')
			q++;
		if (q == p || (size_t)(q - p) >= sizeof(tok))
			goto next;
		memcpy(tok, p, (size_t)(q - p));
		tok[q - p] = '\0';
		if (canon_nameserver(tok, ns->addr[ns->count],
				     sizeof(ns->addr[0])))
			ns->count++;
	next:
		if (!nl)
			break;
		line = nl + 1;
	}
}

/* ------------------------------------------------------------------ */
/* Checks */

struct report {
	dns_report_fn fn;
	void *arg;
	int count;
};

static void report(struct report *r, enum mgmtd_err_code code,
		   const char *path, const char *fmt, ...) MGMTD_PRINTF(4, 5);

static void report(struct report *r, enum mgmtd_err_code code,
		   const char *path, const char *fmt, ...)
{
	char msg[2 * DNS_NAME_MAX + 128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->fn(r->arg, code, path, msg);
	r->count++;
}

/* The options mgmtd writes; keep equal to DNS_OPTION_PATTERN. */
struct dns_option {
	const char *name;
	bool has_value;
	int min, max;
};

static const struct dns_option dns_options[] = {
	{ .name = "ndots", .has_value = true, .min = 0, .max = 15 },
	{ .name = "timeout", .has_value = true, .min = 1, .max = 30 },
	{ .name = "attempts", .has_value = true, .min = 1, .max = 5 },
	{ .name = "rotate" },
	{ .name = "no-aaaa" },
	{ .name = "no-check-names" },
	{ .name = "inet6" },
	{ .name = "edns0" },
	{ .name = "single-request" },
	{ .name = "single-request-reopen" },
	{ .name = "no-tld-query" },
	{ .name = "use-vc" },
	{ .name = "no-reload" },
	{ .name = "trust-ad" },
};
#define DNS_N_OPTIONS (sizeof(dns_options) / sizeof(dns_options[0]))

/* Decimal without sign or leading zero, as the pattern has it. */
static bool parse_option_value(const char *v, int *out)
{
	int n = 0;

	if (!*v || (v[0] == '0' && v[1]) || strlen(v) > 4)
		return false;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return false;
		n = n * 10 + (*v - '0');
	}
	*out = n;
	return true;
}

/* The option named by opt ("ndots:2" -> ndots), or NULL, with a message
 * in msg when it is malformed. */
static const struct dns_option *check_option(const char *opt, char *msg,
					     size_t msglen)
{
	const char *colon = strchr(opt, ':');
	size_t nl = colon ? (size_t)(colon - opt) : strlen(opt);
	int v;

	for (size_t i = 0; i < DNS_N_OPTIONS; i++) {
		const struct dns_option *o = &dns_options[i];

		if (strlen(o->name) != nl || memcmp(o->name, opt, nl) != 0)
			continue;
		if (!o->has_value && colon) {
			snprintf(msg, msglen, "option %s takes no value",
				 o->name);
			return NULL;
		}
		if (o->has_value &&
		    (!colon || !parse_option_value(colon + 1, &v) ||
		     v < o->min || v > o->max)) {
			snprintf(msg, msglen,
				 "option %s needs a value from %d to %d "
				 "(%s:N)", o->name, o->min, o->max, o->name);
			return NULL;
		}
		return o;
	}
	snprintf(msg, msglen, "option %.*s is not a resolv.conf option "
		 "mgmtd supports", (int)(nl > 64 ? 64 : nl), opt);
	return NULL;
}

static void check_options(const struct dns_settings_conf *s, struct report *r)
{
	const struct dns_option *seen[DNS_MAX_OPTIONS] = { NULL };
	const char *path = "dns.settings.options";

	for (size_t i = 0; i < s->n_options; i++) {
		char msg[160];
		const struct dns_option *o =
			check_option(s->options[i], msg, sizeof(msg));

		if (!o) {
			report(r, MGMTD_E_INVALID, path, "%s", msg);
			continue;
		}
		for (size_t j = 0; j < i && j < DNS_MAX_OPTIONS; j++)
			if (seen[j] == o) {
				report(r, MGMTD_E_INVALID, path,
				       "option %s given twice", o->name);
				break;
			}
		if (i < DNS_MAX_OPTIONS)
			seen[i] = o;
	}
}

/* The first item from index from on that repeats an earlier one, or n. */
static size_t next_dup(const char *const *items, size_t n, size_t from)
{
	for (size_t i = from; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (name_eq(items[i], items[j]))
				return i;
	return n;
}

static void check_dups(const char *const *items, size_t n, const char *path,
		       const char *what, struct report *r)
{
	for (size_t i = next_dup(items, n, 1); i < n;
	     i = next_dup(items, n, i + 1))
		report(r, MGMTD_E_INVALID, path, "%s %s listed twice", what,
		       items[i]);
}

/* One RFC 1123 label: letters, digits, inner hyphens, 1 to 63 bytes. */
static bool is_label(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > DNS_LABEL_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return true;
}

int dns_check_settings(const struct dns_settings_conf *s, dns_report_fn fn,
		       void *arg)
{
	struct report r = { .fn = fn, .arg = arg };

	/* The core checks the type and pattern too; this keeps the files
	 * safe whatever it lets through. */
	if (s->hostname && strchr(s->hostname, '.'))
		report(&r, MGMTD_E_INVALID, "dns.settings.hostname",
		       "must be a single label, the short host name: put the "
		       "rest in domain");
	else if (s->hostname && !is_label(s->hostname))
		report(&r, MGMTD_E_INVALID, "dns.settings.hostname",
		       "must be 1 to %d letters, digits or inner hyphens",
		       DNS_LABEL_MAX);
	if (s->hostname && s->domain &&
	    strlen(s->hostname) + 1 + strlen(s->domain) > DNS_NAME_MAX)
		report(&r, MGMTD_E_INVALID, "dns.settings.domain",
		       "%s.%s would be longer than %d characters",
		       s->hostname, s->domain, DNS_NAME_MAX);
	if (s->n_resolvers > DNS_MAX_RESOLVERS)
		report(&r, MGMTD_E_INVALID, "dns.settings.resolvers",
		       "at most %d resolvers: the resolver library ignores "
		       "the rest", DNS_MAX_RESOLVERS);
	check_dups(s->resolvers, s->n_resolvers, "dns.settings.resolvers",
		   "resolver", &r);
	check_dups(s->search, s->n_search, "dns.settings.search",
		   "search domain", &r);
	check_options(s, &r);
	return r.count;
}

/* A set of names (case-insensitive), open addressing.  Each slot records
 * where the name came from: the entry and the alias index, or NAME_ITEM for
 * the entry's own name. */
#define NAME_ITEM SIZE_MAX

struct name_slot {
	const char *name;
	size_t host, item;
};

struct name_set {
	struct name_slot *slots;
	size_t mask;
};

static size_t name_hash(const char *s)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		h = (h ^ c) * 1099511628211u;
	}
	return (size_t)h;
}

static int name_set_init(struct name_set *ns, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n) {
		if (cap > SIZE_MAX / 4)
			return -ENOMEM;
		cap *= 2;
	}
	ns->slots = calloc(cap, sizeof(*ns->slots));
	if (!ns->slots)
		return -ENOMEM;
	ns->mask = cap - 1;
	return 0;
}

/* The slot holding name, or the empty slot where it belongs. */
static struct name_slot *name_set_slot(struct name_set *ns, const char *name)
{
	size_t i = name_hash(name) & ns->mask;

	while (ns->slots[i].name && !name_eq(ns->slots[i].name, name))
		i = (i + 1) & ns->mask;
	return &ns->slots[i];
}

static bool is_reserved(const char *n)
{
	return name_eq(n, "localhost") || name_eq(n, "ip6-localhost") ||
	       name_eq(n, "ip6-loopback");
}

/* Enough for "dns.hosts[<253 chars>].addresses" and its messages. */
#define HOST_PATH_LEN (DNS_NAME_MAX + 32)

static void host_path(char *path, const struct dns_host_entry *e,
		      const char *attr)
{
	snprintf(path, HOST_PATH_LEN, "dns.hosts[%s].%s", e->name, attr);
}

/* Paths are built only to report: for 10,000 valid hosts they cost
 * more than the checks. */
static void check_addresses(const struct dns_host_entry *e, struct report *r)
{
	char path[HOST_PATH_LEN];

	if (e->n_addresses > 0 &&
	    next_dup(e->addresses, e->n_addresses, 1) == e->n_addresses)
		return;
	host_path(path, e, "addresses");
	if (e->n_addresses == 0)
		report(r, MGMTD_E_INVALID, path,
		       "at least one address is required");
	check_dups(e->addresses, e->n_addresses, path, "address", r);
}

static void check_names(const struct dns_host_entry *hosts, size_t n,
			struct name_set *ns, struct report *r)
{
	char path[HOST_PATH_LEN] = "";

	/* Names first, so that a clash between a name and an alias is
	 * blamed on the alias: the name is the entry's identity. */
	for (size_t i = 0; i < n; i++) {
		struct name_slot *sl = name_set_slot(ns, hosts[i].name);

		if (is_reserved(hosts[i].name) || sl->name)
			host_path(path, &hosts[i], "name");
		if (is_reserved(hosts[i].name))
			report(r, MGMTD_E_CONFLICT, path,
			       "%s is reserved for the loopback lines mgmtd "
			       "writes", hosts[i].name);
		else if (sl->name)
			report(r, MGMTD_E_CONFLICT, path,
			       "name %s is already the name of host %s",
			       hosts[i].name, hosts[sl->host].name);
		else
			*sl = (struct name_slot){ .name = hosts[i].name,
						  .host = i,
						  .item = NAME_ITEM };
	}
	for (size_t i = 0; i < n; i++) {
		const struct dns_host_entry *e = &hosts[i];

		for (size_t j = 0; j < e->n_aliases; j++) {
			const char *a = e->aliases[j];
			struct name_slot *sl = name_set_slot(ns, a);

			if (is_reserved(a) || sl->name)
				host_path(path, e, "aliases");
			if (is_reserved(a))
				report(r, MGMTD_E_CONFLICT, path,
				       "%s is reserved for the loopback lines "
				       "mgmtd writes", a);
			else if (!sl->name)
				*sl = (struct name_slot){ .name = a, .host = i,
							  .item = j };
			else if (sl->host == i && sl->item == NAME_ITEM)
				report(r, MGMTD_E_INVALID, path,
				       "alias %s repeats the host's name", a);
			else if (sl->host == i)
				report(r, MGMTD_E_INVALID, path,
				       "alias %s listed twice", a);
			else
				report(r, MGMTD_E_CONFLICT, path,
				       "alias %s is already %s of host %s", a,
				       sl->item == NAME_ITEM ? "the name"
							     : "an alias",
				       hosts[sl->host].name);
		}
	}
}

int dns_check_hosts(const struct dns_host_entry *hosts, size_t n_hosts,
		    dns_report_fn fn, void *arg)
{
	struct report r = { .fn = fn, .arg = arg };
	struct name_set ns;
	size_t total = n_hosts;

	for (size_t i = 0; i < n_hosts; i++) {
		if (hosts[i].n_aliases > SIZE_MAX / 4 - total)
			return -ENOMEM;
		total += hosts[i].n_aliases;
	}
	if (name_set_init(&ns, total) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n_hosts; i++)
		check_addresses(&hosts[i], &r);
	check_names(hosts, n_hosts, &ns, &r);
	free(ns.slots);
	return r.count;
}
