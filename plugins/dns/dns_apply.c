/* DNS plugin: the transaction phases.
 *
 * The tree is turned into plain structs (struct dns_conf) and handed to the
 * pure functions of dns_render.c.  A file is rewritten only when the part
 * of the config it comes from changed, or at start (run == NULL) when that
 * part is set:
 *  - the hostname file and the kernel host name follow settings.hostname,
 *    and are left alone while it is unset;
 *  - resolv.conf follows domain, resolvers, search and options, and is
 *    left alone while all four are unset;
 *  - the hosts file follows the hosts class and the host name and domain
 *    (its 127.0.1.1 line); at start it is written if the plugin has any
 *    config at all.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mgmtd/plugin.h"

#include "dns.h"

/* The config as plain structs; strings borrowed from the tree. */
struct dns_conf {
	struct dns_settings_conf s;
	struct dns_host_entry *hosts;
	size_t n_hosts;
	const char **pool; /* the items of every list */
};

static size_t list_len(const struct mgmtd_obj *o, const char *attr)
{
	return o ? mgmtd_obj_list_len(o, attr) : 0;
}

static const char *str_of(const struct mgmtd_obj *o, const char *attr)
{
	return o && mgmtd_obj_has(o, attr) ? mgmtd_obj_str(o, attr) : NULL;
}

/* Fill the next n pool slots with the items of list attr. */
static const char *const *take_n(const struct mgmtd_obj *o, const char *attr,
				 const char ***cursor, size_t n)
{
	const char **items = *cursor;

	for (size_t i = 0; i < n; i++)
		items[i] = mgmtd_obj_list_at(o, attr, i);
	*cursor += n;
	return items;
}

static const char *const *take_list(const struct mgmtd_obj *o,
				    const char *attr, const char ***cursor,
				    size_t *n)
{
	*n = list_len(o, attr);
	return take_n(o, attr, cursor, *n);
}

static void dns_conf_fini(struct dns_conf *c)
{
	free(c->hosts);
	free(c->pool);
}

static int dns_conf_load(struct dns_conf *c, const struct mgmtd_tree *t)
{
	const struct mgmtd_obj *so = mgmtd_tree_singleton(t, DNS_CLS_SETTINGS);
	size_t n = mgmtd_tree_count(t, DNS_CLS_HOSTS);
	size_t total = list_len(so, DNS_A_RESOLVERS) +
		       list_len(so, DNS_A_SEARCH) + list_len(so, DNS_A_OPTIONS);
	const char **cursor;

	*c = (struct dns_conf){ .n_hosts = n };
	/* Each list measured once: at 10,000 hosts every lookup counts. */
	if (!(c->hosts = calloc(n ? n : 1, sizeof(*c->hosts))))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct mgmtd_obj *o = mgmtd_tree_at(t, DNS_CLS_HOSTS, i);
		struct dns_host_entry *e = &c->hosts[i];

		e->n_addresses = list_len(o, DNS_A_ADDRESSES);
		e->n_aliases = list_len(o, DNS_A_ALIASES);
		total += e->n_addresses + e->n_aliases;
	}
	c->pool = calloc(total ? total : 1, sizeof(*c->pool));
	if (!c->pool) {
		dns_conf_fini(c);
		return -ENOMEM;
	}
	cursor = c->pool;
	c->s.hostname = str_of(so, DNS_A_HOSTNAME);
	c->s.domain = str_of(so, DNS_A_DOMAIN);
	c->s.resolvers = take_list(so, DNS_A_RESOLVERS, &cursor,
				   &c->s.n_resolvers);
	c->s.search = take_list(so, DNS_A_SEARCH, &cursor, &c->s.n_search);
	c->s.options = take_list(so, DNS_A_OPTIONS, &cursor,
				 &c->s.n_options);
	for (size_t i = 0; i < n; i++) {
		const struct mgmtd_obj *o = mgmtd_tree_at(t, DNS_CLS_HOSTS, i);
		struct dns_host_entry *e = &c->hosts[i];

		e->name = mgmtd_obj_str(o, DNS_A_NAME); /* the key */
		e->addresses = take_n(o, DNS_A_ADDRESSES, &cursor,
				      e->n_addresses);
		e->aliases = take_n(o, DNS_A_ALIASES, &cursor, e->n_aliases);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* validate */

static void report_to_err(void *arg, enum mgmtd_err_code code,
			  const char *path, const char *msg)
{
	mgmtd_err_add(arg, code, path, "%s", msg);
}

int dns_validate(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		 const struct mgmtd_tree *run, struct mgmtd_err *err)
{
	struct dns_conf c;
	int rc, bad;

	rc = dns_conf_load(&c, cand);
	if (rc < 0) {
		mgmtd_err_add(err, MGMTD_E_FAILED, "dns", "out of memory");
		return rc;
	}
	bad = dns_check_settings(&c.s, report_to_err, err);
	rc = dns_check_hosts(c.hosts, c.n_hosts, report_to_err, err);
	dns_conf_fini(&c);
	if (rc < 0) {
		mgmtd_err_add(err, MGMTD_E_FAILED, "dns.hosts",
			      "out of memory");
		return rc;
	}
	return bad + rc > 0 ? -EINVAL : 0;
}

/* ------------------------------------------------------------------ */
/* What changed: the plan */

static bool str_changed(const struct mgmtd_obj *a, const struct mgmtd_obj *b,
			const char *attr)
{
	const char *x = str_of(a, attr), *y = str_of(b, attr);

	if (!x || !y)
		return x != y;
	return strcmp(x, y) != 0;
}

static bool list_changed(const struct mgmtd_obj *a,
			 const struct mgmtd_obj *b, const char *attr)
{
	size_t n = list_len(a, attr);

	if (n != list_len(b, attr))
		return true;
	for (size_t i = 0; i < n; i++)
		if (strcmp(mgmtd_obj_list_at(a, attr, i),
			   mgmtd_obj_list_at(b, attr, i)) != 0)
			return true;
	return false;
}

static bool resolv_changed(const struct mgmtd_obj *a,
			   const struct mgmtd_obj *b)
{
	return str_changed(a, b, DNS_A_DOMAIN) ||
	       list_changed(a, b, DNS_A_RESOLVERS) ||
	       list_changed(a, b, DNS_A_SEARCH) ||
	       list_changed(a, b, DNS_A_OPTIONS);
}

static bool resolv_is_set(const struct dns_settings_conf *s)
{
	return s->domain || s->n_resolvers || s->n_search || s->n_options;
}

/* Which files must change from run to cand.  At start (run NULL) every
 * part that is set counts as changed. */
static void plan_compute(const struct dns_priv *p, const struct dns_conf *c,
			 const struct mgmtd_tree *cand,
			 const struct mgmtd_tree *run, struct dns_plan *plan)
{
	const struct mgmtd_obj *sc, *sr = NULL;
	bool settings = true, host_chg, dom_chg, hosts_chg;

	sc = mgmtd_tree_singleton(cand, DNS_CLS_SETTINGS);
	if (run) {
		settings = mgmtd_tree_class_changed(run, cand,
						    DNS_CLS_SETTINGS);
		sr = mgmtd_tree_singleton(run, DNS_CLS_SETTINGS);
	}
	host_chg = settings && str_changed(sr, sc, DNS_A_HOSTNAME);
	dom_chg = settings && str_changed(sr, sc, DNS_A_DOMAIN);
	if (run)
		hosts_chg = mgmtd_tree_class_changed(run, cand,
						     DNS_CLS_HOSTS) ||
			    host_chg || (dom_chg && c->s.hostname);
	else
		hosts_chg = c->s.hostname || resolv_is_set(&c->s) ||
			    c->n_hosts > 0;

	*plan = (struct dns_plan){
		.hostname_file = c->s.hostname && host_chg,
		.resolv_conf = resolv_is_set(&c->s) && settings &&
			       resolv_changed(sr, sc),
		.hosts_file = hosts_chg,
		.n_resolvers = c->s.n_resolvers,
		.n_hosts = c->n_hosts,
	};
	plan->kernel_hostname = plan->hostname_file && p->set_kernel_hostname;
	if (c->s.hostname)
		snprintf(plan->hostname, sizeof(plan->hostname), "%s",
			 c->s.hostname);
}

/* ------------------------------------------------------------------ */
/* prepare, abort */

/* Stage rendered text (taking it) for file; render_rc is the renderer's
 * result. */
static int stage(const char *file, int render_rc, char *text, size_t len,
		 struct mgmtd_err *err, const char *errpath)
{
	int rc;

	if (render_rc < 0) {
		mgmtd_err_add(err, MGMTD_E_FAILED, errpath,
			      "cannot render %s: %s", file,
			      render_rc == -ENOMEM
				      ? "out of memory"
				      : "a value cannot be written safely");
		return render_rc;
	}
	rc = mgmtd_file_stage(file, text, len, DNS_FILE_MODE, err, errpath);
	free(text);
	return rc;
}

/* Each file is marked in p->plan before it is staged, so that abort also
 * removes what a failed stage may have left behind. */
static int stage_all(struct dns_priv *p, const struct dns_conf *c,
		     const struct dns_plan *want, struct mgmtd_err *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (want->hostname_file) {
		p->plan.hostname_file = true;
		rc = dns_render_hostname(&c->s, &text, &len);
		rc = stage(p->hostname_file, rc, text, len, err,
			   "dns.settings.hostname");
		if (rc < 0)
			return rc;
	}
	if (want->resolv_conf) {
		p->plan.resolv_conf = true;
		rc = dns_render_resolv(&c->s, &text, &len);
		rc = stage(p->resolv_conf, rc, text, len, err, "dns.settings");
		if (rc < 0)
			return rc;
	}
	if (want->hosts_file) {
		p->plan.hosts_file = true;
		rc = dns_render_hosts(&c->s, c->hosts, c->n_hosts, &text, &len);
		rc = stage(p->hosts_file, rc, text, len, err, "dns.hosts");
		if (rc < 0)
			return rc;
	}
	return 0;
}

void dns_plan_discard(struct dns_priv *p)
{
	if (p->plan.hostname_file)
		mgmtd_file_discard(p->hostname_file);
	if (p->plan.resolv_conf)
		mgmtd_file_discard(p->resolv_conf);
	if (p->plan.hosts_file)
		mgmtd_file_discard(p->hosts_file);
	p->plan = (struct dns_plan){ .hostname_file = false };
}

int dns_prepare(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
		const struct mgmtd_tree *run, struct mgmtd_err *err)
{
	struct dns_priv *p = mgmtd_ctx_priv(ctx);
	struct dns_plan want;
	struct dns_conf c;
	int rc;

	dns_plan_discard(p);
	rc = dns_conf_load(&c, cand);
	if (rc < 0) {
		mgmtd_err_add(err, MGMTD_E_FAILED, "dns", "out of memory");
		return rc;
	}
	plan_compute(p, &c, cand, run, &want);
	/* p->plan records what is staged, so that abort discards exactly
	 * that if a later stage fails. */
	rc = stage_all(p, &c, &want, err);
	if (rc == 0) {
		p->plan.kernel_hostname = want.kernel_hostname;
		memcpy(p->plan.hostname, want.hostname, sizeof(want.hostname));
		p->plan.n_resolvers = want.n_resolvers;
		p->plan.n_hosts = want.n_hosts;
	}
	dns_conf_fini(&c);
	return rc;
}

void dns_abort(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
	       const struct mgmtd_tree *run)
{
	dns_plan_discard(mgmtd_ctx_priv(ctx));
}

/* ------------------------------------------------------------------ */
/* apply */

static bool commit(const struct mgmtd_ctx *ctx, const char *file,
		   const char *object)
{
	char buf[128];
	int rc = mgmtd_file_commit(file);

	if (rc == 0)
		return true;
	mgmtd_event(ctx, MGMTD_SEV_ERR, object, "cannot replace %s: %s", file,
		    strerror_r(-rc, buf, sizeof(buf)));
	return false;
}

/* sethostname(2), skipped when the kernel already has the name so that an
 * unprivileged sandbox with the right name needs no capability.  Returns
 * whether the kernel has the name now. */
static bool set_kernel_hostname(const struct mgmtd_ctx *ctx, const char *name)
{
	char cur[256] = "";
	char buf[128];

	if (gethostname(cur, sizeof(cur) - 1) == 0 && strcmp(cur, name) == 0)
		return true;
	if (sethostname(name, strlen(name)) < 0) {
		int e = errno;

		mgmtd_event(ctx, MGMTD_SEV_ERR, "dns.settings",
			    "cannot set the kernel host name to %s: %s", name,
			    strerror_r(e, buf, sizeof(buf)));
		return false;
	}
	return true;
}

void dns_apply(struct mgmtd_ctx *ctx, const struct mgmtd_tree *cand,
	       const struct mgmtd_tree *run)
{
	struct dns_priv *p = mgmtd_ctx_priv(ctx);
	const struct dns_plan *plan = &p->plan;
	bool host_ok = false;

	if (plan->hostname_file)
		host_ok = commit(ctx, p->hostname_file, "dns.settings");
	if (plan->kernel_hostname)
		host_ok = set_kernel_hostname(ctx, plan->hostname) || host_ok;
	if (host_ok)
		mgmtd_event(ctx, MGMTD_SEV_INFO, "dns.settings",
			    "hostname set to %s", plan->hostname);
	if (plan->resolv_conf && commit(ctx, p->resolv_conf, "dns.settings"))
		mgmtd_event(ctx, MGMTD_SEV_INFO, "dns.settings",
			    "resolv.conf rewritten: %zu resolver%s",
			    plan->n_resolvers,
			    plan->n_resolvers == 1 ? "" : "s");
	if (plan->hosts_file && commit(ctx, p->hosts_file, "dns.hosts"))
		mgmtd_event(ctx, MGMTD_SEV_INFO, "dns.hosts",
			    "hosts file rewritten: %zu entr%s", plan->n_hosts,
			    plan->n_hosts == 1 ? "y" : "ies");
	/* Committed: nothing left to discard. */
	p->plan = (struct dns_plan){ .hostname_file = false };
}
