/* System plugin, NTP: what the daemon says, parsed (pure; unit tested
 * against output recorded from chronyc 4.3 and timedatectl of
 * systemd 252). */
#ifndef SYSTEM_NTP_STATUS_H
#define SYSTEM_NTP_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sys_ntp_status {
	bool synchronised;
	char source[256]; /* the current source: a name or an address */
	int64_t offset_us; /* the system clock's offset from NTP time */
	int stratum;
};

/* `chronyc -c tracking` (one CSV line).  -EINVAL if it is not that. */
int sys_chrony_parse_tracking(const char *csv, struct sys_ntp_status *st);
/* `chronyc -c -N sources`: fn(arg, name, selected) for each NTP server
 * (mode "^"; peers and reference clocks are skipped), in order.  Returns
 * how many. */
size_t sys_chrony_parse_sources(const char *csv,
				void (*fn)(void *arg, const char *name,
					   bool selected),
				void *arg);
/* `timedatectl show` and `timedatectl show-timesync` (KEY=value lines):
 * NTPSynchronized, and while synchronised ServerName or ServerAddress. */
int sys_timesyncd_parse(const char *show, const char *show_timesync,
			struct sys_ntp_status *st);
/* `timedatectl show-timesync`: fn(arg, name) for each server of
 * LinkNTPServers then SystemNTPServers (space-separated; a system one
 * already listed by a link is skipped).  Returns how many. */
size_t sys_timesyncd_parse_servers(const char *show_timesync,
				   void (*fn)(void *arg, const char *name),
				   void *arg);

#endif
