/* CIFS plugin: smb.conf rendering and the rules it relies on.  See
 * cifs_conf.h. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cifs_conf.h"

/* Parameters that mgmtd sets itself, or that would take the file out of
 * its hands; each with what to use instead. */
struct refused {
	const char *name, *instead;
};

static const struct refused refused_any[] = {
	{ "include", NULL },
	{ "config file", NULL },
	{ "copy", NULL },
	{ NULL, NULL },
};

static const struct refused refused_global[] = {
	{ "config backend", NULL },
	{ "registry shares", NULL },
	{ "lock directory", "the daemon setting lock_dir" },
	{ "lock dir", "the daemon setting lock_dir" },
	{ "state directory", "the daemon setting state_dir" },
	{ "cache directory", "the daemon setting cache_dir" },
	{ "pid directory", "the daemon setting pid_dir" },
	{ "private dir", "the daemon setting private_dir" },
	{ "private directory", "the daemon setting private_dir" },
	{ "ncalrpc dir", "the daemon setting ncalrpc_dir" },
	{ "log file", "the daemon setting log_dir" },
	{ "passdb backend", NULL },
	{ "server role", "the attribute role" },
	{ "security", "the attribute role" },
	{ "smb ports", "the attribute port" },
	{ "interfaces", "the attribute interfaces" },
	{ "bind interfaces only", "the attribute bind_interfaces_only" },
	{ "workgroup", "the attribute workgroup" },
	{ "netbios name", "the attribute netbios_name" },
	{ "server string", "the attribute server_string" },
	{ "server min protocol", "the attribute min_protocol" },
	{ "min protocol", "the attribute min_protocol" },
	{ "server max protocol", "the attribute max_protocol" },
	{ "max protocol", "the attribute max_protocol" },
	{ "server smb encrypt", "the attribute smb_encryption" },
	{ "smb encrypt", "the attribute smb_encryption" },
	{ "guest account", "the attribute guest_account" },
	{ "log level", "the attribute log_level" },
	{ "debuglevel", "the attribute log_level" },
	{ NULL, NULL },
};

static const struct refused refused_share[] = {
	{ "path", "the attribute path" },
	{ "comment", "the attribute comment" },
	{ "available", "the attribute enabled" },
	{ "browseable", "the attribute browseable" },
	{ "browsable", "the attribute browseable" },
	{ "read only", "the attribute read_only" },
	{ "writeable", "the attribute read_only" },
	{ "writable", "the attribute read_only" },
	{ "write ok", "the attribute read_only" },
	{ "guest ok", "the attribute guest_ok" },
	{ "public", "the attribute guest_ok" },
	{ "valid users", "the attributes valid_users and valid_groups" },
	{ "read list", "the attribute read_list" },
	{ "write list", "the attribute write_list" },
	{ "admin users", "the attribute admin_users" },
	{ "hosts allow", "the attribute hosts_allow" },
	{ "allow hosts", "the attribute hosts_allow" },
	{ "hosts deny", "the attribute hosts_deny" },
	{ "deny hosts", "the attribute hosts_deny" },
	{ "create mask", "the attribute create_mask" },
	{ "directory mask", "the attribute directory_mask" },
	{ "force user", "the attribute force_user" },
	{ "force group", "the attribute force_group" },
	{ "inherit acls", "the attribute inherit_acls" },
	{ "hide files", "the attribute hidden_files" },
	{ NULL, NULL },
};

/* ------------------------------------------------------------------ */
/* Names */

const char *cifs_share_name_problem(const char *name)
{
	static const char *const reserved[] = { "global", "homes", "printers",
						"ipc$", "print$", NULL };
	size_t n = strlen(name);

	if (n == 0 || n > CIFS_SHARE_NAME_MAX)
		return "must be 1 to 80 characters";
	if (name[0] == ' ' || name[n - 1] == ' ')
		return "must not begin or end with a space";
	for (const char *const *r = reserved; *r; r++)
		if (strcasecmp(name, *r) == 0)
			return "is reserved by Samba";
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || strchr("\\/[]:|<>+=;,*?\"%", *p))
			return "must not contain any of \\ / [ ] : | < > + = ; "
			       ", * ? \" % or control characters";
	return NULL;
}

bool cifs_param_same(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '_')
			a++;
		while (*b == ' ' || *b == '_')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		a++;
		b++;
	}
}

const char *cifs_extra_parse(const char *item, char *name, const char **value)
{
	const char *eq = strchr(item, '='), *p = item;
	size_t n = 0;
	bool blank = false;

	if (!eq)
		return "must read \"parameter = value\"";
	while (*p == ' ' || *p == '\t')
		p++;
	for (; p < eq; p++) {
		if (*p == ' ' || *p == '\t') {
			blank = n > 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && !strchr(":_.-", *p))
			return "has a parameter name with characters other "
			       "than letters, digits, blanks and : _ . -";
		if (n + 2 > CIFS_PARAM_NAME_MAX)
			return "has too long a parameter name";
		if (blank)
			name[n++] = ' ';
		blank = false;
		name[n++] = (char)tolower((unsigned char)*p);
	}
	name[n] = '\0';
	if (n == 0)
		return "has no parameter name";
	for (p = eq + 1; *p == ' ' || *p == '\t'; p++)
		;
	*value = p;
	return NULL;
}

static const struct refused *refused_in(const struct refused *r,
				       const char *name)
{
	for (; r->name; r++)
		if (cifs_param_same(r->name, name))
			return r;
	return NULL;
}

bool cifs_extra_refused(const char *name, bool global, const char **instead)
{
	const struct refused *r = refused_in(refused_any, name);

	if (!r)
		r = refused_in(global ? refused_global : refused_share, name);
	*instead = r ? r->instead : NULL;
	return r != NULL;
}

bool cifs_testparm_rejects(int status, const char *text)
{
	return status != 0 ||
	       (text && (strstr(text, "Unknown parameter encountered") ||
			 strstr(text, "Ignoring unknown parameter") ||
			 strstr(text, "Ignoring invalid value")));
}

bool cifs_testparm_value(const char *text, char *value, size_t len)
{
	static const char *const forms[] = { "set_variable_helper(",
					     "Ignoring invalid value '" };
	static const char ends[] = { ')', '\'' };

	for (size_t i = 0; text && i < 2; i++) {
		const char *p = strstr(text, forms[i]), *end;

		if (!p)
			continue;
		p += strlen(forms[i]);
		if (!(end = strchr(p, ends[i])) || (size_t)(end - p) >= len)
			continue;
		memcpy(value, p, (size_t)(end - p));
		value[end - p] = '\0';
		return true;
	}
	return false;
}

bool cifs_testparm_param(const char *text, char *name, size_t len)
{
	static const struct {
		const char *before;
		char quote;
	} forms[] = {
		{ "Unknown parameter encountered: \"", '"' },
		{ "Ignoring unknown parameter \"", '"' },
		{ "for parameter '", '\'' },
		{ "for parameter \"", '"' },
	};

	for (size_t i = 0; text && i < sizeof(forms) / sizeof(forms[0]); i++) {
		const char *p = strstr(text, forms[i].before), *end;

		if (!p)
			continue;
		p += strlen(forms[i].before);
		if (!(end = strchr(p, forms[i].quote)) || (size_t)(end - p) >= len)
			continue;
		memcpy(name, p, (size_t)(end - p));
		name[end - p] = '\0';
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Rendering */

struct out {
	char *p;
	size_t len, cap;
	int rc;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->rc)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = (o->len + n + 1) * 2 + 4096;
		char *g = realloc(o->p, cap);
		if (!g) {
			o->rc = -ENOMEM;
			return;
		}
		o->p = g;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* A value Samba reads back as written: one line, and no backslash at its
 * end (that would continue the line). */
static bool safe_value(const char *v)
{
	size_t n = strlen(v);

	return !strpbrk(v, "\r\n") && !(n && v[n - 1] == '\\');
}

static void param(struct out *o, const char *name, const char *value)
{
	if (!value)
		return;
	if (!safe_value(value)) {
		o->rc = o->rc ? o->rc : -EINVAL;
		return;
	}
	puts_(o, "\t");
	puts_(o, name);
	puts_(o, " = ");
	puts_(o, value);
	puts_(o, "\n");
}

static void param_bool(struct out *o, const char *name, bool v)
{
	param(o, name, v ? "yes" : "no");
}

static void param_int(struct out *o, const char *name, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	param(o, name, buf);
}

/* A list joined by sep, with prefix before each item ("@" for groups);
 * two lists may share one parameter. */
static void param_list2(struct out *o, const char *name,
			const struct cifs_list *a, const char *pa,
			const struct cifs_list *b, const char *pb)
{
	size_t n = 1;
	char *v, *p;

	if (a->n + (b ? b->n : 0) == 0)
		return;
	for (size_t i = 0; i < a->n; i++)
		n += strlen(a->v[i]) + strlen(pa) + 1;
	for (size_t i = 0; b && i < b->n; i++)
		n += strlen(b->v[i]) + strlen(pb) + 1;
	if (!(v = malloc(n))) {
		o->rc = -ENOMEM;
		return;
	}
	p = v;
	*p = '\0';
	for (size_t i = 0; i < a->n; i++)
		p += sprintf(p, "%s%s%s", p == v ? "" : " ", pa, a->v[i]);
	for (size_t i = 0; b && i < b->n; i++)
		p += sprintf(p, "%s%s%s", p == v ? "" : " ", pb, b->v[i]);
	param(o, name, v);
	free(v);
}

static void param_list(struct out *o, const char *name,
		       const struct cifs_list *l)
{
	param_list2(o, name, l, "", NULL, "");
}

/* Extra parameters, parsed again (validate refused bad ones). */
static void extras(struct out *o, const struct cifs_list *l)
{
	char name[CIFS_PARAM_NAME_MAX + 1];
	const char *value;

	for (size_t i = 0; i < l->n; i++) {
		if (cifs_extra_parse(l->v[i], name, &value)) {
			o->rc = o->rc ? o->rc : -EINVAL;
			return;
		}
		param(o, name, value);
	}
}

static void render_global(struct out *o, const struct cifs_server_conf *s,
			  const struct cifs_dirs *d)
{
	puts_(o, "[global]\n");
	/* Only standalone for now; a domain member adds security = ads, a
	 * realm and idmap here. */
	param(o, "server role", "standalone server");
	param(o, "workgroup", s->workgroup);
	param(o, "netbios name", s->netbios_name);
	param(o, "server string", s->server_string);
	param_list(o, "interfaces", &s->interfaces);
	param_bool(o, "bind interfaces only", s->bind_interfaces_only);
	param_int(o, "smb ports", s->port);
	/* mgmtd runs smbd alone, without nmbd: no NetBIOS, no port 139. */
	param_bool(o, "disable netbios", true);
	param(o, "server min protocol", s->min_protocol);
	param(o, "server max protocol", s->max_protocol);
	param(o, "server smb encrypt", s->smb_encryption);
	param(o, "guest account", s->guest_account);
	if (s->map_to_guest)
		param(o, "map to guest", "bad user");
	if (s->log_level >= 0)
		param_int(o, "log level", s->log_level);
	param(o, "lock directory", d->lock);
	param(o, "state directory", d->state);
	param(o, "cache directory", d->cache);
	param(o, "pid directory", d->pid);
	param(o, "private dir", d->private_dir);
	param(o, "ncalrpc dir", d->ncalrpc);
	/* Samba writes the "[date, level] file:line(fn)" head of each entry
	 * only to a log file (never to stdout): a file of its own makes the
	 * log's times readable (mgmtd/logread.c).  One file for smbd and the
	 * helpers it spawns, rotated by Samba to .old at max log size (KiB). */
	if (d->log) {
		char file[PATH_MAX];

		snprintf(file, sizeof(file), "%s/log.smbd", d->log);
		param(o, "log file", file);
		param_int(o, "max log size", 10000);
	}
	param(o, "passdb backend", "tdbsam");
	/* A file server: no printing. */
	param_bool(o, "load printers", false);
	param(o, "printing", "bsd");
	param(o, "printcap name", "/dev/null");
	param_bool(o, "disable spoolss", true);
	extras(o, &s->extra);
}

static void render_share(struct out *o, const struct cifs_share_conf *sh)
{
	puts_(o, "\n[");
	puts_(o, sh->name);
	puts_(o, "]\n");
	param(o, "path", sh->path);
	param(o, "comment", sh->comment);
	if (!sh->enabled)
		param_bool(o, "available", false);
	param_bool(o, "browseable", sh->browseable);
	param_bool(o, "read only", sh->read_only);
	param_bool(o, "guest ok", sh->guest_ok);
	param_list2(o, "valid users", &sh->valid_users, "", &sh->valid_groups,
		    "@");
	param_list(o, "read list", &sh->read_list);
	param_list(o, "write list", &sh->write_list);
	param_list(o, "admin users", &sh->admin_users);
	param_list(o, "hosts allow", &sh->hosts_allow);
	param_list(o, "hosts deny", &sh->hosts_deny);
	param(o, "create mask", sh->create_mask);
	param(o, "directory mask", sh->directory_mask);
	param(o, "force user", sh->force_user);
	param(o, "force group", sh->force_group);
	if (sh->inherit_acls)
		param_bool(o, "inherit acls", true);
	if (sh->recycle_bin) {
		param(o, "vfs objects", "recycle");
		param(o, "recycle:repository", ".recycle");
		param_bool(o, "recycle:keeptree", true);
		param_bool(o, "recycle:versions", true);
	}
	if (sh->hidden_files.n) {
		size_t n = 2;
		char *v, *p;

		for (size_t i = 0; i < sh->hidden_files.n; i++)
			n += strlen(sh->hidden_files.v[i]) + 1;
		if ((v = malloc(n))) {
			p = v + sprintf(v, "/");
			for (size_t i = 0; i < sh->hidden_files.n; i++)
				p += sprintf(p, "%s/", sh->hidden_files.v[i]);
			param(o, "hide files", v);
			free(v);
		} else {
			o->rc = -ENOMEM;
		}
	}
	extras(o, &sh->extra);
}

/* One section's text (owned), or NULL when out of memory or unsafe. */
static char *share_text(const struct cifs_share_conf *sh)
{
	struct out o = { 0 };

	render_share(&o, sh);
	if (o.rc) {
		free(o.p);
		return NULL;
	}
	return o.p;
}

static char *global_text(const struct cifs_server_conf *s,
			 const struct cifs_dirs *d)
{
	struct out o = { 0 };

	render_global(&o, s, d);
	if (o.rc) {
		free(o.p);
		return NULL;
	}
	return o.p;
}

static int by_share_name(const void *a, const void *b)
{
	const struct cifs_share_conf *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

int cifs_render_changes(const struct cifs_server_conf *s,
			const struct cifs_dirs *d,
			const struct cifs_share_conf *shares, size_t n,
			const struct cifs_server_conf *run_s,
			const struct cifs_share_conf *run_shares, size_t run_n,
			char **out, size_t *len, size_t *checked,
			bool *global_changed)
{
	char *g = global_text(s, d), *rg = run_s ? global_text(run_s, d) : NULL;
	const struct cifs_share_conf **idx = NULL;
	struct out o = { 0 };
	bool all = !rg || !g || strcmp(g, rg) != 0;
	int rc = 0;

	*checked = 0;
	*global_changed = all;
	if (!g) {
		rc = -EINVAL;
		goto done;
	}
	if (all) {
		free(g);
		free(rg);
		*checked = n;
		return cifs_render(s, d, shares, n, out, len);
	}
	if (!(idx = calloc(run_n + 1, sizeof(*idx)))) {
		rc = -ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < run_n; i++)
		idx[i] = &run_shares[i];
	qsort(idx, run_n, sizeof(*idx), by_share_name);
	puts_(&o, g);
	for (size_t i = 0; i < n && !o.rc; i++) {
		const struct cifs_share_conf *key = &shares[i], **hit;
		char *mine = share_text(key), *theirs = NULL;

		hit = bsearch(&key, idx, run_n, sizeof(*idx), by_share_name);
		if (hit)
			theirs = share_text(*hit);
		if (!mine)
			o.rc = -EINVAL;
		else if (!theirs || strcmp(mine, theirs) != 0) {
			puts_(&o, mine);
			(*checked)++;
		}
		free(mine);
		free(theirs);
	}
	rc = o.rc;
	if (rc == 0) {
		*out = o.p;
		*len = o.len;
		o.p = NULL;
	}
done:
	free(o.p);
	free(idx);
	free(g);
	free(rg);
	return rc;
}

int cifs_render(const struct cifs_server_conf *s, const struct cifs_dirs *d,
		const struct cifs_share_conf *shares, size_t n, char **out,
		size_t *len)
{
	struct out o = { 0 };

	puts_(&o, "# smb.conf written by mgmtd (cifs plugin): changes made "
		  "here are overwritten.\n");
	render_global(&o, s, d);
	for (size_t i = 0; i < n; i++)
		render_share(&o, &shares[i]);
	if (o.rc) {
		free(o.p);
		return o.rc;
	}
	*out = o.p;
	*len = o.len;
	return 0;
}
