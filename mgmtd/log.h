/* One logger for the daemon: levels, per-subsystem debug tokens, stderr in
 * the foreground and syslog otherwise. */
#ifndef MGMTD_LOG_H
#define MGMTD_LOG_H

#include <stdarg.h>
#include <stdbool.h>

#include "mgmtd/plugin.h"

/* Configure the logger.  level: messages above it are dropped, except
 * MGMTD_SEV_DEBUG ones whose subsystem is listed in debug_tokens (comma
 * separated, "all" for every subsystem).  Safe to call again. */
void log_setup(bool to_stderr, enum mgmtd_severity level,
	       const char *debug_tokens);
/* Parse "debug", "info", ... ; returns -EINVAL for an unknown name. */
int log_level_parse(const char *name, enum mgmtd_severity *out);
const char *log_level_name(enum mgmtd_severity sev);

void log_msg(enum mgmtd_severity sev, const char *subsys, const char *fmt,
	     ...) MGMTD_PRINTF(3, 4);
void log_vmsg(enum mgmtd_severity sev, const char *subsys, const char *fmt,
	      va_list ap) MGMTD_PRINTF(3, 0);
bool log_enabled(enum mgmtd_severity sev, const char *subsys);

#define log_err(sub, ...) log_msg(MGMTD_SEV_ERR, sub, __VA_ARGS__)
#define log_warn(sub, ...) log_msg(MGMTD_SEV_WARNING, sub, __VA_ARGS__)
#define log_notice(sub, ...) log_msg(MGMTD_SEV_NOTICE, sub, __VA_ARGS__)
#define log_info(sub, ...) log_msg(MGMTD_SEV_INFO, sub, __VA_ARGS__)
#define log_debug(sub, ...) log_msg(MGMTD_SEV_DEBUG, sub, __VA_ARGS__)

#endif
