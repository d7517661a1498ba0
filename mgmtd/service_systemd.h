/* Service supervision under systemd (mgmtd/service_systemd.c): the core's
 * side between mgmtd/service.c, which owns struct mgmtd_service and picks
 * the manager, and the systemd branch.  The pure parts (unit text, the
 * parse of `systemctl show`, the status they give) are here for the unit
 * tests. */
#ifndef MGMTD_SERVICE_SYSTEMD_H
#define MGMTD_SERVICE_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgmtd/plugin.h"

struct core;
struct mgmtd_service;

/* Where units go (systemd reads it; gone at reboot, like mgmtd's runs). */
#define SVC_SD_UNIT_DIR "/run/systemd/system"
/* systemd's own test for "booted with systemd" (sd_booted(3)). */
#define SVC_SD_BOOTED_DIR "/run/systemd/system"
/* systemd 252 (bookworm) has no growing RestartSec: the back-off is a
 * fixed delay and the start limit, which is the flap detector. */
#define SVC_SD_START_LIMIT_BURST 5
#define SVC_SD_START_LIMIT_SEC 60
/* The watcher looks every SVC_SD_POLL_MS; the restart delay is at least
 * twice that, so the dead state (and its exit status) is seen. */
#define SVC_SD_POLL_MS 500u
#define SVC_SD_MIN_RESTART_MS 1000u

enum svc_manager {
	SVC_MGR_CHILDREN = 1,
	SVC_MGR_SYSTEMD,
};

/* The manager the daemon config asks for (setting "services": "auto",
 * the default, "systemd" or "children"); auto is systemd when PID 1 is
 * systemd.  Without a core (unit tests): children. */
enum svc_manager svc_manager_choose(const struct core *c);

/* What a unit is made of; strings borrowed. */
struct svc_sd_unit {
	const char *name;   /* the service: unit "mgmtd-<name>.service" */
	const char *plugin; /* who runs it (the description); may be NULL */
	const char *const *argv;
	const char *log_file; /* NULL: output to /dev/null */
	const char *pid_file; /* the daemon's own; named in a comment */
	unsigned restart_ms, stop_timeout_ms;
};

/* The unit file's text (owned, *out).  -EINVAL when a name, argument or
 * path cannot be written in a unit (control characters, a name outside
 * [A-Za-z0-9_.:-], argv[0] not a plain absolute path). */
int svc_sd_render_unit(const struct svc_sd_unit *u, char **out);
/* "mgmtd-<name>.service" into buf; -EINVAL if the name does not fit. */
int svc_sd_unit_name(const char *name, char *buf, size_t len);

/* The properties of `systemctl show -p SVC_SD_SHOW_PROPS`. */
#define SVC_SD_SHOW_PROPS                                                   \
	"LoadState,ActiveState,SubState,Result,MainPID,NRestarts,"          \
	"ExecMainStartTimestampMonotonic,ExecMainExitTimestampMonotonic,"   \
	"ExecMainCode,ExecMainStatus"
struct svc_sd_props {
	char load[16], active[16], sub[24], result[24];
	int main_pid;
	unsigned n_restarts;
	uint64_t start_mono_us, exit_mono_us; /* 0: none */
	int exit_code, exit_status;           /* CLD_* and status */
};
/* Parse `systemctl show` output ("Key=value" lines; unknown keys are
 * skipped).  -EINVAL unless ActiveState was there. */
int svc_sd_parse_show(const char *text, struct svc_sd_props *p);
/* The exit as mgmtd counts it: the status, 128 + signal when killed, -1
 * when the main process has not exited. */
int svc_sd_last_exit(const struct svc_sd_props *p);
/* systemd gave up restarting it: the start limit (the flap). */
bool svc_sd_gave_up(const struct svc_sd_props *p);
/* The state mgmtd publishes for these properties. */
enum mgmtd_service_state svc_sd_state(const struct svc_sd_props *p);

/* The systemd branch of one service (service.c calls these when the
 * manager is systemd; same contracts as the mgmtd_service_* they serve). */
struct svc_sd;
int svc_sd_new(struct mgmtd_service *owner, const struct mgmtd_ctx *ctx,
	       const struct svc_sd_unit *u, struct svc_sd **out);
int svc_sd_start(struct svc_sd *d);
int svc_sd_stop(struct svc_sd *d);
int svc_sd_restart(struct svc_sd *d);
int svc_sd_signal(struct svc_sd *d, int sig);
void svc_sd_status(struct svc_sd *d, struct mgmtd_service_status *st);
/* Stop the unit, end the watcher, free. */
void svc_sd_free(struct svc_sd *d);

/* From service.c: stop the process named by the service's pid file
 * unless it is keep (a leftover of mgmtd's children branch). */
void svc_stop_leftover_except(const struct mgmtd_service *s, int keep);

#endif
