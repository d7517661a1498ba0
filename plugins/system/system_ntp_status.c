/* System plugin, NTP: parsing the daemons' status output. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "system_ntp_status.h"

#define CSV_FIELDS 16
#define LINE_MAX_LEN 1024

/* Split one line (up to a newline) at commas into fields, in buf. */
static size_t split_csv(const char *line, char *buf, size_t len,
			char **fields, size_t max)
{
	size_t n = 0, i = 0;

	while (line[i] && line[i] != '\n' && i + 1 < len) {
		buf[i] = line[i];
		i++;
	}
	buf[i] = '\0';
	fields[n++] = buf;
	for (char *p = buf; *p && n < max; p++)
		if (*p == ',') {
			*p = '\0';
			fields[n++] = p + 1;
		}
	return n;
}

int sys_chrony_parse_tracking(const char *csv, struct sys_ntp_status *st)
{
	char buf[LINE_MAX_LEN], *f[CSV_FIELDS], *end;
	size_t n = split_csv(csv, buf, sizeof(buf), f, CSV_FIELDS);
	double offset;
	long stratum;

	*st = (struct sys_ntp_status){ 0 };
	/* refid, name, stratum, ref time, system time offset, last offset,
	 * rms offset, frequency, residual frequency, skew, root delay, root
	 * dispersion, update interval, leap status */
	if (n != 14)
		return -EINVAL;
	stratum = strtol(f[2], &end, 10);
	if (*end || end == f[2])
		return -EINVAL;
	offset = strtod(f[4], &end);
	if (*end || end == f[4] || !isfinite(offset))
		return -EINVAL;
	st->stratum = (int)stratum;
	st->offset_us = llround(offset * 1e6);
	st->synchronised = strcmp(f[13], "Not synchronised") != 0 &&
			   stratum > 0;
	if (st->synchronised)
		snprintf(st->source, sizeof(st->source), "%s", f[1]);
	return 0;
}

size_t sys_chrony_parse_sources(const char *csv,
				void (*fn)(void *arg, const char *name,
					   bool selected),
				void *arg)
{
	size_t count = 0;

	for (const char *line = csv; line && *line;) {
		char buf[LINE_MAX_LEN], *f[CSV_FIELDS];
		const char *nl = strchr(line, '\n');

		/* mode, state, name, stratum, poll, reach, ... */
		if (split_csv(line, buf, sizeof(buf), f, CSV_FIELDS) >= 3 &&
		    strcmp(f[0], "^") == 0 && f[2][0]) {
			fn(arg, f[2], strcmp(f[1], "*") == 0);
			count++;
		}
		line = nl ? nl + 1 : NULL;
	}
	return count;
}

/* The value of KEY=value in text, copied into buf; false if absent. */
static bool kv_get(const char *text, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);

	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t llen = nl ? (size_t)(nl - line) : strlen(line);

		if (llen > klen && strncmp(line, key, klen) == 0 &&
		    line[klen] == '=') {
			size_t vlen = llen - klen - 1;

			if (vlen >= len)
				vlen = len - 1;
			memcpy(buf, line + klen + 1, vlen);
			buf[vlen] = '\0';
			return true;
		}
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

int sys_timesyncd_parse(const char *show, const char *show_timesync,
			struct sys_ntp_status *st)
{
	char v[256];

	*st = (struct sys_ntp_status){ 0 };
	if (!kv_get(show ? show : "", "NTPSynchronized", v, sizeof(v)))
		return -EINVAL;
	st->synchronised = strcmp(v, "yes") == 0;
	/* timesyncd names the server it is trying even when nothing
	 * answers: a source only while synchronised, as with chrony. */
	if (!st->synchronised)
		return 0;
	if (kv_get(show_timesync ? show_timesync : "", "ServerName", v,
		   sizeof(v)) && v[0])
		snprintf(st->source, sizeof(st->source), "%s", v);
	else if (kv_get(show_timesync ? show_timesync : "", "ServerAddress",
			v, sizeof(v)))
		snprintf(st->source, sizeof(st->source), "%s", v);
	return 0;
}

/* Whether word is one of the space-separated words of list. */
static bool has_word(const char *list, const char *word, size_t wlen)
{
	for (const char *w = list; *w;) {
		size_t n = strcspn(w, " ");

		if (n == wlen && strncmp(w, word, n) == 0)
			return true;
		w += n;
		w += strspn(w, " ");
	}
	return false;
}

size_t sys_timesyncd_parse_servers(const char *show_timesync,
				   void (*fn)(void *arg, const char *name),
				   void *arg)
{
	/* The order timesyncd tries them in: the links' (DHCP, networkd)
	 * before the system's (timesyncd.conf and its drop-ins). */
	static const char *const keys[] = { "LinkNTPServers",
					     "SystemNTPServers" };
	char lists[2][LINE_MAX_LEN], name[256];
	size_t count = 0;

	for (size_t k = 0; k < 2; k++) {
		lists[k][0] = '\0';
		kv_get(show_timesync ? show_timesync : "", keys[k], lists[k],
		       sizeof(lists[k]));
		for (const char *w = lists[k] + strspn(lists[k], " "); *w;) {
			size_t n = strcspn(w, " ");

			if (n < sizeof(name) &&
			    !(k == 1 && has_word(lists[0], w, n))) {
				memcpy(name, w, n);
				name[n] = '\0';
				fn(arg, name);
				count++;
			}
			w += n;
			w += strspn(w, " ");
		}
	}
	return count;
}
