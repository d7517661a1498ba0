/* System plugin, time: the pure parts (no I/O but reading the zone
 * file): checks of time zone names and NTP servers, and the text of the
 * files that hand the servers to chronyd or systemd-timesyncd.  Unit
 * tested against golden files (tests/unit/test_system_time.c). */
#ifndef SYSTEM_TIME_CONF_H
#define SYSTEM_TIME_CONF_H

#include <stdbool.h>
#include <stddef.h>

/* Which daemon keeps the clock. */
enum sys_ntp_backend {
	SYS_NTP_NONE = 0,
	SYS_NTP_CHRONY,
	SYS_NTP_TIMESYNCD,
};

#define SYS_TZ_NAME_MAX 255
#define SYS_NTP_MAX_SERVERS 16

/* "none", "chrony", "timesyncd". */
const char *sys_ntp_backend_name(enum sys_ntp_backend b);
/* The backend named s; "auto" (or NULL, or "") sets *is_auto.  -EINVAL
 * for anything else. */
int sys_ntp_backend_parse(const char *s, enum sys_ntp_backend *out,
			  bool *is_auto);

/* Why tz is not a well-formed zone name ("Europe/Paris", "UTC",
 * "Etc/GMT+5"), or NULL.  Names are relative paths of letters, digits
 * and "_+-." with no empty, "." or ".." component. */
const char *sys_timezone_name_problem(const char *tz);
/* Why tz is not a zone of the zoneinfo directory (a well-formed name of a
 * regular file that starts with the TZif magic), or NULL. */
const char *sys_timezone_problem(const char *zoneinfo, const char *tz);
/* Why s is not an NTP server (an IPv4 or IPv6 address, or an RFC 1123
 * host name that does not end with an all-numeric label), or NULL. */
const char *sys_ntp_server_problem(const char *s);

/* The chrony sources file (chrony.conf(5) "sourcedir"): one
 * "server NAME iburst" line per server, none when disabled.  Owned;
 * NULL when out of memory. */
char *sys_render_chrony_sources(const char *const *servers, size_t n,
				bool enabled);
/* The systemd-timesyncd drop-in (timesyncd.conf(5)): [Time] NTP=... */
char *sys_render_timesyncd(const char *const *servers, size_t n,
			   bool enabled);

#endif
