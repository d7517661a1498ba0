/* DNS plugin: live state, read from the kernel and the resolv.conf in use. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mgmtd/plugin.h"

#include "dns.h"

/* A resolv.conf names its servers in the first lines; past this much we
 * stop reading rather than trust an unbounded file. */
#define DNS_RESOLV_READ_MAX (64 * 1024)

/* Read at most max bytes of path into *data (owned, NUL-terminated). */
static int read_head(const char *path, size_t max, char **data, size_t *len)
{
	char *buf;
	size_t n = 0;
	int fd, rc = 0;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(max + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	while (n < max) {
		ssize_t r = read(fd, buf + n, max - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			free(buf);
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
out:
	close(fd);
	return rc;
}

static int collect_resolvers(const struct mgmtd_ctx *ctx,
			     const struct dns_priv *p, struct mgmtd_state *st)
{
	struct dns_nameservers ns;
	char *text;
	size_t len;
	int rc;

	rc = read_head(p->resolv_conf, DNS_RESOLV_READ_MAX, &text, &len);
	if (rc < 0 && rc != -ENOENT) {
		/* Unknown rather than wrong: leave the attribute unset. */
		char buf[128];

		mgmtd_log(ctx, MGMTD_SEV_DEBUG, "cannot read %s: %s",
			  p->resolv_conf, strerror_r(-rc, buf, sizeof(buf)));
		return 0;
	}
	dns_parse_nameservers(text ? text : "", len, &ns);
	free(text);
	/* resolv.conf(5): with no nameserver line the resolver asks the
	 * local machine. */
	if (ns.count == 0)
		return mgmtd_state_list_add(st, DNS_A_CURRENT_RESOLVERS,
					    "127.0.0.1");
	for (size_t i = 0; i < ns.count; i++) {
		rc = mgmtd_state_list_add(st, DNS_A_CURRENT_RESOLVERS,
					  ns.addr[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int dns_collect(struct mgmtd_ctx *ctx, const struct mgmtd_tree *run,
		struct mgmtd_state *st)
{
	const struct dns_priv *p = mgmtd_ctx_priv(ctx);
	char host[HOST_NAME_MAX + 1] = "";
	int rc;

	rc = mgmtd_state_obj(st, DNS_CLS_SETTINGS, NULL);
	if (rc < 0)
		return rc;
	if (gethostname(host, sizeof(host) - 1) == 0) {
		rc = mgmtd_state_str(st, DNS_A_CURRENT_HOSTNAME, host);
		if (rc < 0)
			return rc;
	}
	return collect_resolvers(ctx, p, st);
}
