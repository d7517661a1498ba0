/* System plugin, time: checks and rendering (see system_time_conf.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "system_time_conf.h"

#define HEADER "# Written by mgmtd (system.time): changes here are lost.\n"
#define HOSTNAME_MAX 253
#define LABEL_MAX 63

const char *sys_ntp_backend_name(enum sys_ntp_backend b)
{
	return b == SYS_NTP_CHRONY      ? "chrony"
	       : b == SYS_NTP_TIMESYNCD ? "timesyncd"
					: "none";
}

int sys_ntp_backend_parse(const char *s, enum sys_ntp_backend *out,
			  bool *is_auto)
{
	*is_auto = false;
	*out = SYS_NTP_NONE;
	if (!s || !*s || strcmp(s, "auto") == 0)
		*is_auto = true;
	else if (strcmp(s, "chrony") == 0)
		*out = SYS_NTP_CHRONY;
	else if (strcmp(s, "timesyncd") == 0)
		*out = SYS_NTP_TIMESYNCD;
	else if (strcmp(s, "none") != 0)
		return -EINVAL;
	return 0;
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

const char *sys_timezone_name_problem(const char *tz)
{
	size_t len = tz ? strlen(tz) : 0, comp = 0;

	if (len == 0)
		return "is empty";
	if (len > SYS_TZ_NAME_MAX)
		return "is longer than 255 characters";
	for (size_t i = 0; i <= len; i++) {
		char c = tz[i];

		if (c == '/' || c == '\0') {
			/* "." and ".." would leave the zoneinfo directory. */
			if (comp == 0 || (comp <= 2 && tz[i - 1] == '.' &&
					  (comp == 1 || tz[i - 2] == '.')))
				return "has an empty, \".\" or \"..\" component";
			comp = 0;
			continue;
		}
		if (!is_alnum(c) && !strchr("_+-.", c))
			return "may contain only letters, digits, \"_+-.\" and "
			       "\"/\" between components";
		comp++;
	}
	return NULL;
}

const char *sys_timezone_problem(const char *zoneinfo, const char *tz)
{
	const char *why = sys_timezone_name_problem(tz);
	char path[4096 + SYS_TZ_NAME_MAX + 2], magic[4];
	struct stat sb;
	ssize_t n;
	int fd;

	if (why)
		return why;
	snprintf(path, sizeof(path), "%s/%s", zoneinfo, tz);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return "is not a time zone of the zoneinfo directory";
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return "is not a time zone of the zoneinfo directory";
	}
	n = read(fd, magic, sizeof(magic));
	close(fd);
	if (n != (ssize_t)sizeof(magic) || memcmp(magic, "TZif", 4) != 0)
		return "names a file of the zoneinfo directory that is not a "
		       "time zone (no TZif header)";
	return NULL;
}

static const char *hostname_problem(const char *s)
{
	size_t len = strlen(s), label = 0;
	bool digits = true;

	if (len > HOSTNAME_MAX)
		return "is longer than 253 characters";
	for (size_t i = 0; i <= len; i++) {
		char c = s[i];

		if (c == '.' || c == '\0') {
			if (label == 0)
				return "has an empty label";
			if (label > LABEL_MAX)
				return "has a label longer than 63 characters";
			if (s[i - 1] == '-')
				return "has a label ending with a hyphen";
			if (c == '\0' && digits)
				return "is neither an address nor a host name";
			label = 0;
			digits = true;
			continue;
		}
		if (!is_alnum(c) && c != '-')
			return "is neither an address nor a host name (letters, "
			       "digits, hyphens and dots)";
		if (c == '-' && label == 0)
			return "has a label starting with a hyphen";
		if (c < '0' || c > '9')
			digits = false;
		label++;
	}
	return NULL;
}

const char *sys_ntp_server_problem(const char *s)
{
	unsigned char buf[16];

	if (!s || !*s)
		return "is empty";
	if (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1)
		return NULL;
	return hostname_problem(s);
}

/* A growing text buffer; on allocation failure it drops everything and
 * the renderer returns NULL. */
struct text {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void text_add(struct text *t, const char *s)
{
	size_t n = strlen(s);

	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->cap ? t->cap * 2 : 256) + n;
		char *b = realloc(t->buf, cap);

		if (!b) {
			t->failed = true;
			return;
		}
		t->buf = b;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, n + 1);
	t->len += n;
}

static char *text_take(struct text *t)
{
	if (t->failed) {
		free(t->buf);
		return NULL;
	}
	return t->buf;
}

char *sys_render_chrony_sources(const char *const *servers, size_t n,
				bool enabled)
{
	struct text t = { 0 };

	text_add(&t, HEADER);
	if (!enabled)
		text_add(&t, "# NTP is disabled: no sources.\n");
	/* iburst: four quick polls at start, so a reload or a boot
	 * synchronises in seconds rather than minutes. */
	for (size_t i = 0; enabled && i < n; i++) {
		text_add(&t, "server ");
		text_add(&t, servers[i]);
		text_add(&t, " iburst\n");
	}
	return text_take(&t);
}

char *sys_render_timesyncd(const char *const *servers, size_t n,
			   bool enabled)
{
	struct text t = { 0 };

	text_add(&t, HEADER);
	text_add(&t, "[Time]\nNTP=");
	for (size_t i = 0; enabled && i < n; i++) {
		if (i)
			text_add(&t, " ");
		text_add(&t, servers[i]);
	}
	/* No FallbackNTP=: timesyncd uses its fallback list only when no
	 * other server is known, and an empty FallbackNTP= does not empty
	 * it (systemd 252 keeps the compiled-in pool), so an empty list
	 * means the distribution's pool, as chrony.conf's pool line does
	 * for chrony. */
	text_add(&t, "\n");
	return text_take(&t);
}
