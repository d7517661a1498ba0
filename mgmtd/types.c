/* Attribute types: turn what a REST client or a libconfig file gives into
 * the one canonical value that the tree stores, or say which rule it breaks.
 *
 * Everything here is pure: no globals, no logging, no locale (character
 * classes are ASCII, so that a daemon started under another LANG accepts
 * the same input). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "password.h"
#include "types.h"

#define PATH_MAX_LEN 4095
#define HOSTNAME_MAX_LEN 253
#define LABEL_MAX_LEN 63
/* Fraction digits of a size kept exact with 64-bit arithmetic (10^18). */
#define SIZE_FRAC_DIGITS_MAX 18
/* How much of a bad value an error message quotes. */
#define QUOTE_MAX 64

#define SIZE_EXAMPLES "e.g. 4096, 64K, 512M, 1.5G"
#define DURATION_EXAMPLES "e.g. 90, 90s, 5m, 1h30m, 2d, 1w"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char to_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */

static int reject(char *msg, size_t msglen, const char *fmt, ...)
	MGMTD_PRINTF(3, 4);

/* Write the message (if the caller gave a buffer) and return -EINVAL, so
 * that checks read "return reject(...)". */
static int reject(char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;

	if (msg && msglen > 0) {
		va_start(ap, fmt);
		vsnprintf(msg, msglen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A bad value as an error message may quote it: at most QUOTE_MAX bytes
 * (cut on a UTF-8 boundary, "..." appended), control characters (C0, DEL,
 * C1) and quotes shown as '?' so that the message stays one clean line.
 * buf: at least QUOTE_MAX + 4 bytes. */
static const char *quote(const char *s, char *buf, size_t buflen)
{
	size_t len = strlen(s), n = len, i, j = 0;

	if (n > QUOTE_MAX) {
		n = QUOTE_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	if (n + 4 > buflen)
		n = 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f) {
			buf[j++] = '?';
			i++;
			continue;
		}
		buf[j++] = (c < 0x20 || c == 0x7f || c == '\'') ? '?' : (char)c;
	}
	strcpy(buf + j, n < len ? "..." : "");
	return buf;
}

/* ------------------------------------------------------------------ */
/* Numeric ranges                                                      */

/* Both 0: no bound.  max 0 with min > 0 reads as "at least min" (an empty
 * range is never what a schema means); otherwise min..max. */
static bool has_range(const struct mgmtd_attr *a)
{
	return a->min != 0 || a->max != 0;
}

static bool has_upper(const struct mgmtd_attr *a)
{
	return has_range(a) && !(a->max == 0 && a->min > 0);
}

static bool in_range(const struct mgmtd_attr *a, int64_t v)
{
	if (!has_range(a))
		return true;
	if (v < a->min)
		return false;
	return !has_upper(a) || v <= a->max;
}

typedef void (*value_fmt_fn)(int64_t v, char *buf, size_t len);

static void fmt_int(int64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRId64, v);
}

/* A size as the parser reads it: the largest exact binary unit. */
static void fmt_size(int64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGTP";
	int u = -1;

	while (v > 0 && v % 1024 == 0 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%" PRId64, v);
	else
		snprintf(buf, len, "%" PRId64 "%c", v, units[u]);
}

/* Seconds per duration unit, largest first: the order input must use. */
static const struct {
	char unit;
	int64_t secs;
} duration_units[] = {
	{ 'w', 604800 }, { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 },
};

#define DURATION_UNITS (sizeof(duration_units) / sizeof(duration_units[0]))

/* A duration as the parser reads it: "1h30m", "0s". */
static void fmt_duration(int64_t v, char *buf, size_t len)
{
	size_t n = 0, i;

	if (v <= 0) {
		snprintf(buf, len, "%" PRId64 "s", v);
		return;
	}
	for (i = 0; i < DURATION_UNITS && n < len; i++) {
		if (v < duration_units[i].secs)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%" PRId64 "%c",
				      v / duration_units[i].secs,
				      duration_units[i].unit);
		v %= duration_units[i].secs;
	}
}

/* "must be <what> between <min> and <max>" (or "of at least <min>"). */
static int reject_range(const struct mgmtd_attr *a, const char *what,
			value_fmt_fn fmt, char *msg, size_t msglen)
{
	char lo[32], hi[32];

	fmt(a->min, lo, sizeof(lo));
	fmt(a->max, hi, sizeof(hi));
	if (!has_range(a))
		return reject(msg, msglen, "must be %s", what);
	if (!has_upper(a))
		return reject(msg, msglen, "must be %s of at least %s", what,
			      lo);
	return reject(msg, msglen, "must be %s between %s and %s", what, lo,
		      hi);
}

static int make_integer(int64_t v, json_t **out)
{
	*out = json_integer((json_int_t)v);
	return *out ? 0 : -ENOMEM;
}

/* ------------------------------------------------------------------ */
/* Sizes and durations                                                 */

/* floor(frac / den * 2^shift), exactly, by binary long division: den is at
 * most 10^18 < 2^60, so rem * 2 never overflows. */
static uint64_t frac_scaled(uint64_t frac, uint64_t den, unsigned shift)
{
	uint64_t r = 0, rem = frac;
	unsigned i;

	for (i = 0; i < shift; i++) {
		rem *= 2;
		r <<= 1;
		if (rem >= den) {
			rem -= den;
			r |= 1;
		}
	}
	return r;
}

/* Binary multiple of a unit letter, or -1. */
static int size_shift(char c)
{
	switch (to_lower(c)) {
	case 'k':
		return 10;
	case 'm':
		return 20;
	case 'g':
		return 30;
	case 't':
		return 40;
	case 'p':
		return 50;
	default:
		return -1;
	}
}

/* Grammar: digits [ "." digits ] [ unit [ "i" ] ] [ "b" ], case
 * insensitive, no sign, no spaces; "i" only after a unit.  A fraction needs
 * a unit (there is no half byte) and is rounded down to whole bytes.  The
 * whole string is checked before overflow is reported, so that junk is
 * always -EINVAL. */
int types_parse_size(const char *s, int64_t *bytes)
{
	uint64_t ip = 0, frac = 0, den = 1, whole, part;
	bool overflow = false;
	int shift = 0, nfrac = 0;
	const char *p = s;

	if (!s || !bytes || !is_digit(*p))
		return -EINVAL;
	for (; is_digit(*p); p++) {
		if (ip > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			overflow = true;
		else
			ip = ip * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		if (!is_digit(*++p))
			return -EINVAL;
		for (; is_digit(*p); p++, nfrac++) {
			if (nfrac >= SIZE_FRAC_DIGITS_MAX)
				return -EINVAL;
			frac = frac * 10 + (uint64_t)(*p - '0');
			den *= 10;
		}
	}
	if (*p && size_shift(*p) >= 0) {
		shift = size_shift(*p++);
		if (to_lower(*p) == 'i' && to_lower(p[1]) == 'b')
			p++;
	}
	if (to_lower(*p) == 'b')
		p++;
	if (*p || (nfrac > 0 && shift == 0))
		return -EINVAL;
	if (overflow || ip > ((uint64_t)INT64_MAX >> shift))
		return -ERANGE;
	whole = ip << shift;
	part = frac_scaled(frac, den, (unsigned)shift);
	if (part > (uint64_t)INT64_MAX - whole)
		return -ERANGE;
	*bytes = (int64_t)(whole + part);
	return 0;
}

/* Either bare digits (seconds) or number-unit pairs, largest unit first,
 * each unit at most once: "1w2d", "1h30m", "90s".  Units are lower case
 * only, so that "5M" cannot be read as five months. */
int types_parse_duration(const char *s, int64_t *seconds)
{
	bool overflow = false, bare = true;
	size_t next = 0, i;
	const char *p = s;
	int64_t total = 0;

	if (!s || !seconds || !is_digit(*p))
		return -EINVAL;
	while (*p) {
		int64_t n = 0, mult = 1;

		if (!is_digit(*p))
			return -EINVAL;
		for (; is_digit(*p); p++) {
			if (n > (INT64_MAX - (*p - '0')) / 10)
				overflow = true;
			else
				n = n * 10 + (*p - '0');
		}
		if (*p) {
			for (i = next; i < DURATION_UNITS; i++)
				if (duration_units[i].unit == *p)
					break;
			if (i == DURATION_UNITS)
				return -EINVAL;
			mult = duration_units[i].secs;
			next = i + 1;
			bare = false;
			p++;
		} else if (!bare) {
			return -EINVAL; /* "1h30": a number without unit */
		}
		if (n > INT64_MAX / mult || n * mult > INT64_MAX - total)
			overflow = true;
		else
			total += n * mult;
	}
	if (overflow)
		return -ERANGE;
	*seconds = total;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Addresses                                                           */

/* RFC 5952 text of an IPv6 address: lower case hex, no leading zeros, the
 * longest run (the first of equals) of two or more zero groups as "::",
 * IPv4-mapped addresses in mixed notation.  Written here rather than
 * trusting inet_ntop, which also uses mixed notation for the deprecated
 * IPv4-compatible form ("::1:2" would print as "::0.1.0.2"). */
static void ip6_text(const unsigned char b[16], char *out, size_t outlen)
{
	int best = -1, bestlen = 0, cur = -1, i;
	unsigned w[8];
	size_t n = 0;

	for (i = 0; i < 8; i++) {
		w[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
		if (w[i] != 0) {
			cur = -1;
			continue;
		}
		if (cur < 0)
			cur = i;
		if (i - cur + 1 > bestlen) {
			best = cur;
			bestlen = i - cur + 1;
		}
	}
	if (best == 0 && bestlen == 5 && w[5] == 0xffff) {
		snprintf(out, outlen, "::ffff:%u.%u.%u.%u", b[12], b[13], b[14],
			 b[15]);
		return;
	}
	if (bestlen < 2)
		best = -1;
	out[0] = '\0';
	for (i = 0; i < 8 && n < outlen; i++) {
		if (i == best) {
			n += (size_t)snprintf(out + n, outlen - n, "::");
			i += bestlen - 1;
			continue;
		}
		n += (size_t)snprintf(out + n, outlen - n, "%s%x",
				      n > 0 && out[n - 1] != ':' ? ":" : "",
				      w[i]);
	}
}

/* Canonical text of s into buf (INET6_ADDRSTRLEN bytes); the family found
 * in *found.  inet_pton is strict: "010.0.0.1", "1.2.3" and zone ids are
 * refused. */
static int ip_canon(int family, const char *s, char *buf, size_t buflen,
		    int *found)
{
	unsigned char bin[sizeof(struct in6_addr)];

	if (family != AF_INET && family != AF_INET6 && family != AF_UNSPEC)
		return -EAFNOSUPPORT;
	if (family != AF_INET6 && inet_pton(AF_INET, s, bin) == 1) {
		if (!inet_ntop(AF_INET, bin, buf, (socklen_t)buflen))
			return -errno;
		*found = AF_INET;
		return 0;
	}
	if (family != AF_INET && inet_pton(AF_INET6, s, bin) == 1) {
		ip6_text(bin, buf, buflen);
		*found = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static int copy_out(const char *text, char *out, size_t outlen)
{
	size_t len = strlen(text);

	if (!out || len >= outlen)
		return -ENOSPC;
	memcpy(out, text, len + 1);
	return 0;
}

/* Returns 0, -EINVAL (not an address of that family), -EAFNOSUPPORT (family
 * is none of the three) or -ENOSPC (out too small; INET6_ADDRSTRLEN always
 * suffices). */
int types_canon_ip(int family, const char *s, char *out, size_t outlen)
{
	char buf[INET6_ADDRSTRLEN];
	int found, rc;

	if (!s)
		return -EINVAL;
	rc = ip_canon(family, s, buf, sizeof(buf), &found);
	if (rc < 0)
		return rc;
	return copy_out(buf, out, outlen);
}

/* "address/len" with len in decimal, no sign, no leading zero, at most 32
 * (IPv4) or 128 (IPv6).  Host bits are kept: "10.0.0.1/8" names an
 * interface address as well as a network.  why: the rule broken. */
static int prefix_canon(const char *s, char *out, size_t outlen,
			const char **why)
{
	char addr[INET6_ADDRSTRLEN], canon[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/'), *p;
	unsigned len = 0, maxlen;
	int family;

	*why = "is not an address/length prefix";
	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (ip_canon(AF_UNSPEC, addr, canon, sizeof(canon), &family) < 0)
		return -EINVAL;
	p = slash + 1;
	if (!is_digit(*p) || (p[0] == '0' && p[1] != '\0') || strlen(p) > 3)
		return -EINVAL;
	for (; is_digit(*p); p++)
		len = len * 10 + (unsigned)(*p - '0');
	if (*p)
		return -EINVAL;
	maxlen = family == AF_INET ? 32 : 128;
	if (len > maxlen) {
		*why = family == AF_INET ? "has a prefix length above 32"
					 : "has a prefix length above 128";
		return -EINVAL;
	}
	if (!out || (size_t)snprintf(out, outlen, "%s/%u", canon, len) >= outlen)
		return -ENOSPC;
	return 0;
}

/* Returns 0, -EINVAL, or -ENOSPC (out too small; INET6_ADDRSTRLEN + 4
 * always suffices). */
int types_canon_prefix(const char *s, char *out, size_t outlen)
{
	const char *why;

	if (!s)
		return -EINVAL;
	return prefix_canon(s, out, outlen, &why);
}

/* ------------------------------------------------------------------ */
/* Hostnames and paths                                                 */

/* The RFC 1123 rule that s breaks, or NULL if it is a hostname.  A last
 * label of digits only is refused too (RFC 1123 2.1: a name must never look
 * like a dotted quad, so "10.0.0.300" is not a hostname). */
static const char *hostname_problem(const char *s)
{
	size_t len = strlen(s), label = 0, i;
	bool digits = true;

	if (len == 0)
		return "is empty";
	for (i = 0; i <= len; i++) {
		char c = s[i];

		if (c == '.' || c == '\0') {
			if (label == 0)
				return "has an empty label";
			if (label > LABEL_MAX_LEN)
				return "has a label longer than 63 characters";
			if (s[i - 1] == '-')
				return "has a label ending with a hyphen";
			if (c == '\0' && digits)
				return "ends with an all-numeric label";
			label = 0;
			digits = true;
			continue;
		}
		if (!is_alpha(c) && !is_digit(c) && c != '-')
			return "may contain only letters, digits, hyphens and dots";
		if (c == '-' && label == 0)
			return "has a label starting with a hyphen";
		if (!is_digit(c))
			digits = false;
		label++;
	}
	if (len > HOSTNAME_MAX_LEN)
		return "is longer than 253 characters";
	return NULL;
}

bool types_is_hostname(const char *s)
{
	return s && !hostname_problem(s);
}

/* The rule that path s breaks, or NULL.  A trailing slash is allowed (the
 * canonical form drops it); control characters are refused because paths
 * end up in rendered configuration files. */
static const char *path_problem(const char *s)
{
	const char *p, *comp;
	size_t len = strlen(s);

	if (s[0] != '/')
		return "must be an absolute path";
	if (len > PATH_MAX_LEN)
		return "must be at most 4095 characters";
	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "must not contain control characters";
	if (strstr(s, "//"))
		return "must not contain '//'";
	for (comp = s + 1; *comp; comp = p + (*p == '/')) {
		size_t n;

		p = strchr(comp, '/');
		if (!p)
			p = comp + strlen(comp);
		n = (size_t)(p - comp);
		if ((n == 1 && comp[0] == '.') ||
		    (n == 2 && comp[0] == '.' && comp[1] == '.'))
			return "must not contain '.' or '..' components";
	}
	return NULL;
}

bool types_is_abs_path(const char *s)
{
	return s && !path_problem(s);
}

/* ------------------------------------------------------------------ */
/* Normalisation, one function per type                                */

/* The text of a JSON string, or NULL if in is not a string or holds a NUL
 * (which no C consumer could see). */
static const char *string_of(json_t *in, size_t *len)
{
	const char *s;

	if (!json_is_string(in))
		return NULL;
	s = json_string_value(in);
	*len = json_string_length(in);
	return memchr(s, '\0', *len) ? NULL : s;
}

/* C0, DEL and C1 (U+0080..U+009F, UTF-8 C2 80..C2 9F). */
static bool has_control(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return true;
		if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return true;
	}
	return false;
}

/* Characters, not bytes: jansson guarantees valid UTF-8, so count the
 * bytes that do not continue a sequence. */
static int64_t utf8_chars(const char *s, size_t len)
{
	int64_t n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/* The whole of s must match pattern: wrapped as ^(pattern)$.  Compiled per
 * call: nothing is cached, nothing is global. */
static int match_pattern(const char *pattern, const char *s, char *msg,
			 size_t msglen)
{
	size_t plen = strlen(pattern);
	char *anchored = malloc(plen + 5);
	regex_t re;
	int rc;

	if (!anchored)
		return -ENOMEM;
	snprintf(anchored, plen + 5, "^(%s)$", pattern);
	rc = regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB);
	free(anchored);
	if (rc != 0)
		return reject(msg, msglen, "has an invalid pattern %s in its schema",
			      pattern);
	rc = regexec(&re, s, 0, NULL, 0);
	regfree(&re);
	if (rc == REG_NOMATCH)
		return reject(msg, msglen, "does not match pattern %s", pattern);
	return rc == 0 ? 0 : -ENOMEM;
}

/* STRING and SECRET.  No message quotes the value, so a secret's never
 * leaks through one. */
static int norm_string(const struct mgmtd_attr *a, json_t *in, json_t **out,
		       char *msg, size_t msglen)
{
	size_t len;
	const char *s = string_of(in, &len);
	int64_t n;
	int rc;

	if (!json_is_string(in))
		return reject(msg, msglen, "must be a string");
	if (!s || has_control(s, len))
		return reject(msg, msglen, "must not contain control characters");
	n = utf8_chars(s, len);
	if (a->min > 0 && n < a->min) {
		if (a->min == 1)
			return reject(msg, msglen, "must not be empty");
		return reject(msg, msglen, "must be at least %" PRId64 " characters",
			      a->min);
	}
	if (a->max > 0 && n > a->max)
		return reject(msg, msglen, "must be at most %" PRId64 " character%s",
			      a->max, a->max == 1 ? "" : "s");
	if (a->pattern) {
		rc = match_pattern(a->pattern, s, msg, msglen);
		if (rc < 0)
			return rc;
	}
	*out = json_stringn(s, len);
	return *out ? 0 : -ENOMEM;
}

static int norm_int(const struct mgmtd_attr *a, json_t *in, json_t **out,
		    char *msg, size_t msglen)
{
	int64_t v;

	if (!json_is_integer(in))
		return reject_range(a, "an integer", fmt_int, msg, msglen);
	v = (int64_t)json_integer_value(in);
	if (!in_range(a, v))
		return reject_range(a, "an integer", fmt_int, msg, msglen);
	return make_integer(v, out);
}

static int norm_bool(json_t *in, json_t **out, char *msg, size_t msglen)
{
	if (!json_is_boolean(in))
		return reject(msg, msglen, "must be true or false");
	*out = json_boolean(json_is_true(in));
	return 0;
}

static int norm_enum(const struct mgmtd_attr *a, json_t *in, json_t **out,
		     char *msg, size_t msglen)
{
	const char *const *v;
	size_t len, n;
	const char *s = string_of(in, &len);

	if (!a->enum_values || !a->enum_values[0])
		return reject(msg, msglen, "has no allowed values in its schema");
	for (v = a->enum_values; s && *v; v++) {
		if (strcmp(s, *v) == 0) {
			*out = json_string(*v);
			return *out ? 0 : -ENOMEM;
		}
	}
	if (!msg || msglen == 0)
		return -EINVAL;
	n = (size_t)snprintf(msg, msglen, "must be one of: ");
	for (v = a->enum_values; *v && n < msglen; v++)
		n += (size_t)snprintf(msg + n, msglen - n, "%s%s",
				      v == a->enum_values ? "" : ", ", *v);
	return -EINVAL;
}

static int norm_ip(int family, json_t *in, json_t **out, char *msg,
		   size_t msglen)
{
	const char *what = family == AF_INET    ? "an IPv4 address"
			   : family == AF_INET6 ? "an IPv6 address"
						: "an IP address";
	char buf[INET6_ADDRSTRLEN], q[QUOTE_MAX + 4];
	size_t len;
	const char *s = string_of(in, &len);
	int found;

	if (!s)
		return reject(msg, msglen, "must be %s", what);
	if (ip_canon(family, s, buf, sizeof(buf), &found) < 0)
		return reject(msg, msglen, "'%s' is not %s",
			      quote(s, q, sizeof(q)), what);
	*out = json_string(buf);
	return *out ? 0 : -ENOMEM;
}

static int norm_prefix(json_t *in, json_t **out, char *msg, size_t msglen)
{
	char buf[INET6_ADDRSTRLEN + 4], q[QUOTE_MAX + 4];
	const char *why;
	size_t len;
	const char *s = string_of(in, &len);

	if (!s)
		return reject(msg, msglen, "must be an address/length prefix");
	if (prefix_canon(s, buf, sizeof(buf), &why) < 0)
		return reject(msg, msglen, "'%s' %s", quote(s, q, sizeof(q)),
			      why);
	*out = json_string(buf);
	return *out ? 0 : -ENOMEM;
}

static int norm_hostname(json_t *in, json_t **out, char *msg, size_t msglen)
{
	char q[QUOTE_MAX + 4], *lower;
	const char *why;
	size_t len, i;
	const char *s = string_of(in, &len);

	if (!s)
		return reject(msg, msglen, "must be a hostname");
	why = hostname_problem(s);
	if (why)
		return reject(msg, msglen, "'%s' is not a hostname: it %s",
			      quote(s, q, sizeof(q)), why);
	lower = strdup(s);
	if (!lower)
		return -ENOMEM;
	for (i = 0; i < len; i++)
		lower[i] = to_lower(lower[i]);
	*out = json_string(lower);
	free(lower);
	return *out ? 0 : -ENOMEM;
}

static int norm_path(json_t *in, json_t **out, char *msg, size_t msglen)
{
	const char *why;
	size_t len;
	const char *s = string_of(in, &len);

	if (!json_is_string(in))
		return reject(msg, msglen, "must be an absolute path");
	if (!s)
		return reject(msg, msglen, "must not contain control characters");
	why = path_problem(s);
	if (why)
		return reject(msg, msglen, "%s", why);
	if (len > 1 && s[len - 1] == '/')
		len--;
	*out = json_stringn(s, len);
	return *out ? 0 : -ENOMEM;
}

/* SIZE and DURATION: a non-negative JSON integer (bytes, seconds) or a
 * string for the parser, then the attribute's range. */
static int norm_quantity(const struct mgmtd_attr *a, json_t *in, json_t **out,
			 char *msg, size_t msglen)
{
	bool size = a->type == MGMTD_T_SIZE;
	const char *what = size ? "a size" : "a duration";
	const char *examples = size ? SIZE_EXAMPLES : DURATION_EXAMPLES;
	char q[QUOTE_MAX + 4];
	const char *s;
	size_t len;
	int64_t v;
	int rc;

	if (json_is_integer(in)) {
		v = (int64_t)json_integer_value(in);
		if (v < 0)
			return reject(msg, msglen, "must not be negative");
	} else if ((s = string_of(in, &len))) {
		rc = size ? types_parse_size(s, &v) : types_parse_duration(s, &v);
		if (rc == -ERANGE)
			return reject(msg, msglen, "'%s' is too large",
				      quote(s, q, sizeof(q)));
		if (rc < 0)
			return reject(msg, msglen, "'%s' is not %s (%s)",
				      quote(s, q, sizeof(q)), what, examples);
	} else {
		return reject(msg, msglen, "must be %s (%s)", what, examples);
	}
	if (!in_range(a, v))
		return reject_range(a, what, size ? fmt_size : fmt_duration, msg,
				    msglen);
	return make_integer(v, out);
}

static int normalize_by_type(const struct mgmtd_attr *a, json_t *in,
			     json_t **out, char *msg, size_t msglen)
{
	switch (a->type) {
	case MGMTD_T_STRING:
	case MGMTD_T_SECRET:
		return norm_string(a, in, out, msg, msglen);
	case MGMTD_T_INT:
		return norm_int(a, in, out, msg, msglen);
	case MGMTD_T_BOOL:
		return norm_bool(in, out, msg, msglen);
	case MGMTD_T_ENUM:
		return norm_enum(a, in, out, msg, msglen);
	case MGMTD_T_IPV4:
		return norm_ip(AF_INET, in, out, msg, msglen);
	case MGMTD_T_IPV6:
		return norm_ip(AF_INET6, in, out, msg, msglen);
	case MGMTD_T_IP:
		return norm_ip(AF_UNSPEC, in, out, msg, msglen);
	case MGMTD_T_PREFIX:
		return norm_prefix(in, out, msg, msglen);
	case MGMTD_T_HOSTNAME:
		return norm_hostname(in, out, msg, msglen);
	case MGMTD_T_PATH:
		return norm_path(in, out, msg, msglen);
	case MGMTD_T_SIZE:
	case MGMTD_T_DURATION:
		return norm_quantity(a, in, out, msg, msglen);
	}
	return reject(msg, msglen, "has unknown type %d", (int)a->type);
}

/* Replace the clear text in *out (checked like a string) by its stored
 * form, wiping the copy that held it. */
static int hash_password(json_t **out, char *msg, size_t msglen)
{
	char *clear = (char *)json_string_value(*out), *stored = NULL;
	size_t len = json_string_length(*out);
	int rc = password_hash(clear, len, &stored);

	explicit_bzero(clear, len);
	json_decref(*out);
	*out = NULL;
	if (rc < 0) {
		reject(msg, msglen, "cannot be hashed: %s", strerror(-rc));
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	*out = json_string(stored);
	free(stored);
	return *out ? 0 : -ENOMEM;
}

int types_normalize_scalar(const struct mgmtd_attr *a, json_t *in,
			   json_t **out, char *msg, size_t msglen)
{
	int rc;

	if (msg && msglen > 0)
		msg[0] = '\0';
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!a)
		return reject(msg, msglen, "has no schema");
	if (!in)
		return reject(msg, msglen, "is missing");
	/* A password comes back hashed with the stored config: kept. */
	if ((a->flags & MGMTD_A_PASSWORD) && json_is_string(in) &&
	    mgmtd_password_is_stored(json_string_value(in))) {
		*out = json_string(json_string_value(in));
		return *out ? 0 : -ENOMEM;
	}
	rc = normalize_by_type(a, in, out, msg, msglen);
	if (rc == 0 && (a->flags & MGMTD_A_PASSWORD))
		return hash_password(out, msg, msglen);
	/* Strings check their pattern themselves; other text types (a host
	 * name that must be one label, a path under a root) check it on
	 * their canonical form. */
	if (rc == 0 && a->pattern && a->type != MGMTD_T_STRING &&
	    a->type != MGMTD_T_SECRET && json_is_string(*out) &&
	    (rc = match_pattern(a->pattern, json_string_value(*out), msg,
				msglen)) < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int types_scalar_text(json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	else
		return -EINVAL;
	return 0;
}

/* NULL for a value outside enum mgmtd_type. */
const char *types_name(enum mgmtd_type t)
{
	switch (t) {
	case MGMTD_T_STRING:
		return "string";
	case MGMTD_T_INT:
		return "int";
	case MGMTD_T_BOOL:
		return "bool";
	case MGMTD_T_ENUM:
		return "enum";
	case MGMTD_T_IPV4:
		return "ipv4";
	case MGMTD_T_IPV6:
		return "ipv6";
	case MGMTD_T_IP:
		return "ip";
	case MGMTD_T_PREFIX:
		return "prefix";
	case MGMTD_T_HOSTNAME:
		return "hostname";
	case MGMTD_T_PATH:
		return "path";
	case MGMTD_T_SIZE:
		return "size";
	case MGMTD_T_DURATION:
		return "duration";
	case MGMTD_T_SECRET:
		return "secret";
	}
	return NULL;
}
