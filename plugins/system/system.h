/* System plugin: declarations shared by its files.
 *
 * Three jobs, one file each: the services the plugins run (system.c, with
 * the descriptor), time, time zone and NTP (system_time.c, system_ntp.c;
 * pure parts in system_time_conf.c and system_ntp_status.c), and reboot
 * and shutdown (system_power.c).  Every path and command comes from the
 * daemon settings plugins.system.<key>, so that a sandbox never touches
 * the host's clock, /etc or power.
 */
#ifndef SYSTEM_H
#define SYSTEM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "mgmtd/plugin.h"

#include "system_time_conf.h"

#define SYS_CLS_SERVICES "services"
#define SYS_CLS_TIME "time"
#define SYS_CLS_POWER "power"

/* time */
#define SYS_A_TIMEZONE "timezone"
#define SYS_A_NTP_SERVERS "ntp_servers"
#define SYS_A_NTP_ENABLED "ntp_enabled"

/* Daemon settings (plugins.system.<key>) and their defaults. */
#define SYS_SET_NTP "ntp" /* auto, chrony, timesyncd, none */
#define SYS_SET_ZONEINFO "zoneinfo_dir"
#define SYS_SET_LOCALTIME "localtime"
#define SYS_SET_TIMEZONE_FILE "timezone_file"
#define SYS_SET_CHRONYD "chronyd"
#define SYS_SET_CHRONYC "chronyc"
#define SYS_SET_CHRONY_CONF "chrony_conf"
#define SYS_SET_CHRONY_SOURCES "chrony_sources"
#define SYS_SET_CHRONY_SOCKET "chrony_socket"
#define SYS_SET_CHRONY_PID_FILE "chrony_pid_file"
#define SYS_SET_RUN_CHRONYD "run_chronyd"
#define SYS_SET_CHRONYD_NO_CLOCK "chronyd_no_clock"
#define SYS_SET_TIMESYNCD_DROPIN "timesyncd_dropin"
#define SYS_SET_REBOOT_CMD "reboot_command"
#define SYS_SET_SHUTDOWN_CMD "shutdown_command"
#define SYS_SET_POWER_DRY_RUN "power_dry_run"

#define SYS_DEF_ZONEINFO "/usr/share/zoneinfo"
#define SYS_DEF_LOCALTIME "/etc/localtime"
#define SYS_DEF_TIMEZONE_FILE "/etc/timezone"
#define SYS_DEF_CHRONYD "/usr/sbin/chronyd"
#define SYS_DEF_CHRONYC "chronyc"
#define SYS_DEF_CHRONY_CONF "/etc/chrony/chrony.conf"
#define SYS_DEF_CHRONY_SOURCES "/etc/chrony/sources.d/mgmtd.sources"
#define SYS_DEF_TIMESYNCD_DROPIN "/etc/systemd/timesyncd.conf.d/mgmtd.conf"

/* What prepare staged and apply must finish; empty between
 * transactions. */
struct sys_time_plan {
	bool localtime;     /* symlink staged at <localtime>.mgmtd-new */
	bool timezone_file; /* staged with mgmtd_file_stage */
	bool ntp_file;      /* the chrony sources or timesyncd drop-in */
	bool ntp_enabled;
};

struct sys_power; /* system_power.c */

/* The plugin's private context (mgmtd_ctx_priv), allocated in init. */
struct sys_priv {
	/* Settings, borrowed from the daemon config until shutdown. */
	enum sys_ntp_backend ntp;
	const char *zoneinfo, *localtime, *timezone_file;
	const char *chronyd, *chronyc, *chrony_conf, *chrony_sources;
	const char *chrony_socket, *timesyncd_dropin;
	bool run_chronyd, chronyd_no_clock;
	struct mgmtd_service *chronyd_svc; /* when run_chronyd */
	struct sys_time_plan plan;
	struct sys_power *power;
};

extern const struct mgmtd_class sys_time_class;
extern const struct mgmtd_class sys_power_class;

/* Time (system_time.c): settings, transaction phases, state. */
int sys_time_init(struct mgmtd_ctx *ctx, struct sys_priv *p);
void sys_time_shutdown(struct mgmtd_ctx *ctx, struct sys_priv *p);
int sys_time_validate(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		      const struct mgmtd_tree *run, struct mgmtd_err *err);
int sys_time_prepare(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		     const struct mgmtd_tree *run, struct mgmtd_err *err);
void sys_time_abort(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		    const struct mgmtd_tree *run);
void sys_time_apply(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		    const struct mgmtd_tree *run);
void sys_time_collect(struct mgmtd_ctx *ctx, struct sys_priv *p,
		      struct mgmtd_state *st);

/* The NTP daemon (system_ntp.c): chronyd under mgmtd's supervisor or
 * the system's, or systemd-timesyncd. */
int sys_ntp_init(struct mgmtd_ctx *ctx, struct sys_priv *p);
/* Check the staged file with the daemon's own parser (prepare). */
int sys_ntp_check(struct mgmtd_ctx *ctx, struct sys_priv *p,
		  const char *staged, struct mgmtd_err *err);
/* Tell the daemon the file changed (apply): problems become events. */
void sys_ntp_reload(struct mgmtd_ctx *ctx, struct sys_priv *p,
		    bool enabled);
/* Start chronyd if mgmtd runs it (at start, when nothing changed). */
void sys_ntp_start(struct mgmtd_ctx *ctx, struct sys_priv *p);
void sys_ntp_collect(struct mgmtd_ctx *ctx, struct sys_priv *p,
		     struct mgmtd_state *st);

/* Reboot and shutdown (system_power.c). */
int sys_power_init(struct mgmtd_ctx *ctx, struct sys_priv *p);
void sys_power_shutdown(struct sys_priv *p);
int sys_power_action(struct mgmtd_ctx *ctx, struct sys_priv *p,
		     const char *act, const struct mgmtd_obj *params,
		     struct mgmtd_err *err);
void sys_power_collect(struct sys_priv *p, struct mgmtd_state *st);

#endif
