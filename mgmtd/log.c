/* The daemon's logger: one place that decides what is printed and where. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_TOKENS_LEN 256

/* Logger settings are process-wide by nature (syslog itself is); they are
 * written once at start-up and on reload, under the lock. */
static struct {
	pthread_mutex_t lock;
	bool to_stderr;
	enum mgmtd_severity level;
	char tokens[LOG_TOKENS_LEN];
} logger = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.to_stderr = true,
	.level = MGMTD_SEV_INFO,
};

static const char *const level_names[] = {
	[MGMTD_SEV_EMERG] = "emerg",   [MGMTD_SEV_ALERT] = "alert",
	[MGMTD_SEV_CRIT] = "crit",     [MGMTD_SEV_ERR] = "error",
	[MGMTD_SEV_WARNING] = "warning", [MGMTD_SEV_NOTICE] = "notice",
	[MGMTD_SEV_INFO] = "info",     [MGMTD_SEV_DEBUG] = "debug",
};

void log_setup(bool to_stderr, enum mgmtd_severity level,
	       const char *debug_tokens)
{
	pthread_mutex_lock(&logger.lock);
	if (!to_stderr && logger.to_stderr)
		openlog("mgmtd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	logger.to_stderr = to_stderr;
	logger.level = level;
	snprintf(logger.tokens, sizeof(logger.tokens), "%s",
		 debug_tokens ? debug_tokens : "");
	pthread_mutex_unlock(&logger.lock);
}

int log_level_parse(const char *name, enum mgmtd_severity *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]);
	     i++) {
		if (strcasecmp(name, level_names[i]) == 0) {
			*out = (enum mgmtd_severity)i;
			return 0;
		}
	}
	if (strcasecmp(name, "err") == 0 || strcasecmp(name, "warn") == 0) {
		*out = name[0] == 'e' ? MGMTD_SEV_ERR : MGMTD_SEV_WARNING;
		return 0;
	}
	return -EINVAL;
}

const char *log_level_name(enum mgmtd_severity sev)
{
	if ((unsigned)sev > MGMTD_SEV_DEBUG)
		return "unknown";
	return level_names[sev];
}

/* Whether subsys appears in the comma-separated token list. */
static bool token_listed(const char *tokens, const char *subsys)
{
	size_t n = strlen(subsys);
	const char *p = tokens;

	while (*p) {
		size_t len = strcspn(p, ",");
		if ((len == 3 && strncmp(p, "all", 3) == 0) ||
		    (len == n && strncmp(p, subsys, n) == 0))
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

bool log_enabled(enum mgmtd_severity sev, const char *subsys)
{
	bool on;

	pthread_mutex_lock(&logger.lock);
	on = sev <= logger.level ||
	     (sev == MGMTD_SEV_DEBUG && subsys &&
	      token_listed(logger.tokens, subsys));
	pthread_mutex_unlock(&logger.lock);
	return on;
}

void log_vmsg(enum mgmtd_severity sev, const char *subsys, const char *fmt,
	      va_list ap)
{
	char line[2048];
	int saved = errno;

	if (!log_enabled(sev, subsys))
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	pthread_mutex_lock(&logger.lock);
	if (logger.to_stderr) {
		struct timespec ts;
		struct tm tm;
		char stamp[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s %s: %s\n", stamp,
			ts.tv_nsec / 1000000, log_level_name(sev),
			subsys ? subsys : "mgmtd", line);
	} else {
		syslog((int)sev, "%s: %s", subsys ? subsys : "mgmtd", line);
	}
	pthread_mutex_unlock(&logger.lock);
	errno = saved;
}

void log_msg(enum mgmtd_severity sev, const char *subsys, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(sev, subsys, fmt, ap);
	va_end(ap);
}
