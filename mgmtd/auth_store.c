/* auth.conf: users and tokens in libconfig syntax, mode 0600, replaced
 * atomically on every change.
 *
 *   version = 1;
 *   users = ( { name = "admin"; role = "admin"; hash = "$y$...";
 *               created = 1700000000L; } );
 *   tokens = ( { id = "0123456789abcdef"; user = "admin";
 *                description = "backup script"; sha256 = "<64 hex>";
 *                created = 1700000000L; last_used = 0L; } );
 *
 * A file that does not parse, or that breaks a rule, stops auth_open
 * rather than being replaced: that would lock everybody out. */
#include "config.h"

#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_internal.h"
#include "fileutil.h"
#include "log.h"

#define AUTH_STORE_VERSION 1
#define AUTH_STORE_MAX_SIZE (16 << 20)

static int auth_store_bad(const struct auth *a, const char *what,
			  unsigned idx, const char *why)
{
	log_err("auth", "%s: %s #%u: %s", a->path, what, idx + 1, why);
	return -EINVAL;
}

static int auth_hex_parse(const char *hex, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < 2 * len; i++) {
		char ch = hex[i];
		int v;

		if (ch >= '0' && ch <= '9')
			v = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			v = ch - 'a' + 10;
		else
			return -EINVAL;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	return hex[2 * len] == '\0' ? 0 : -EINVAL;
}

static int auth_load_user(struct auth *a, const config_setting_t *s,
			  unsigned i)
{
	const char *name, *role, *hash;
	struct auth_user *u = &a->users[a->n_users];
	long long created = 0;

	if (!config_setting_lookup_string(s, "name", &name) ||
	    !config_setting_lookup_string(s, "role", &role) ||
	    !config_setting_lookup_string(s, "hash", &hash))
		return auth_store_bad(a, "user", i, "needs name, role and hash");
	if (!auth_name_valid(name))
		return auth_store_bad(a, "user", i, "invalid name");
	if (auth_user_find(a, name))
		return auth_store_bad(a, "user", i, "duplicate name");
	if (auth_role_parse(role, &u->role) < 0)
		return auth_store_bad(a, "user", i, "unknown role");
	if (hash[0] != '$' || strlen(hash) >= AUTH_HASH_MAX)
		return auth_store_bad(a, "user", i, "not a crypt(3) hash");
	config_setting_lookup_int64(s, "created", &created);
	u->hash = strdup(hash);
	if (!u->hash)
		return -ENOMEM;
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->created = created;
	u->gone = false;
	a->n_users++;
	return 0;
}

static bool auth_token_id_valid(const char *id)
{
	uint8_t raw[AUTH_TOKEN_ID_BYTES];

	return auth_hex_parse(id, raw, sizeof(raw)) == 0;
}

static int auth_load_token(struct auth *a, const config_setting_t *s,
			   unsigned i)
{
	const char *id, *user, *desc = "", *digest;
	struct auth_token *t = &a->tokens[a->n_tokens];
	long long created = 0, last_used = 0;

	if (!config_setting_lookup_string(s, "id", &id) ||
	    !config_setting_lookup_string(s, "user", &user) ||
	    !config_setting_lookup_string(s, "sha256", &digest))
		return auth_store_bad(a, "token", i, "needs id, user and sha256");
	config_setting_lookup_string(s, "description", &desc);
	if (!auth_token_id_valid(id))
		return auth_store_bad(a, "token", i, "invalid id");
	for (size_t k = 0; k < a->n_tokens; k++)
		if (strcmp(a->tokens[k].id, id) == 0)
			return auth_store_bad(a, "token", i, "duplicate id");
	if (!auth_user_find(a, user))
		return auth_store_bad(a, "token", i, "unknown user");
	if (auth_hex_parse(digest, t->digest, sizeof(t->digest)) < 0)
		return auth_store_bad(a, "token", i, "invalid sha256");
	config_setting_lookup_int64(s, "created", &created);
	config_setting_lookup_int64(s, "last_used", &last_used);
	t->description = strdup(desc);
	if (!t->description)
		return -ENOMEM;
	snprintf(t->id, sizeof(t->id), "%s", id);
	snprintf(t->user, sizeof(t->user), "%s", user);
	t->created = created;
	t->last_used = last_used;
	t->gone = false;
	a->n_tokens++;
	return 0;
}

/* Load list name with one entry loader into a fresh array. */
static int auth_load_list(struct auth *a, const config_t *cfg,
			  const char *name, size_t max)
{
	const config_setting_t *list = config_lookup(cfg, name);
	bool users = strcmp(name, "users") == 0;
	unsigned n;
	int rc;

	if (!list)
		return 0;
	if (!config_setting_is_list(list))
		return auth_store_bad(a, name, 0, "not a list");
	n = (unsigned)config_setting_length(list);
	if (n > max)
		return auth_store_bad(a, name, (unsigned)max, "too many");
	if (users)
		a->users = calloc(max, sizeof(*a->users));
	else
		a->tokens = calloc(max, sizeof(*a->tokens));
	if (users ? !a->users : !a->tokens)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(list, i);

		if (!config_setting_is_group(s))
			return auth_store_bad(a, name, i, "not a group");
		rc = users ? auth_load_user(a, s, i) : auth_load_token(a, s, i);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int auth_store_load(struct auth *a)
{
	char *text = NULL;
	size_t len;
	config_t cfg;
	int version = AUTH_STORE_VERSION, rc;

	/* Arrays have their full size from the start: entries never move
	 * while the lock is released. */
	rc = fileutil_read(a->path, AUTH_STORE_MAX_SIZE, &text, &len);
	if (rc == -ENOENT)
		text = NULL;
	else if (rc < 0) {
		log_err("auth", "cannot read %s: %s", a->path, strerror(-rc));
		return rc;
	}
	config_init(&cfg);
	if (text && config_read_string(&cfg, text) != CONFIG_TRUE) {
		log_err("auth", "%s:%d: %s", a->path, config_error_line(&cfg),
			config_error_text(&cfg));
		rc = -EINVAL;
		goto out;
	}
	config_lookup_int(&cfg, "version", &version);
	if (version != AUTH_STORE_VERSION) {
		log_err("auth", "%s: unknown version %d", a->path, version);
		rc = -EINVAL;
		goto out;
	}
	rc = auth_load_list(a, &cfg, "users", AUTH_MAX_USERS);
	if (rc == 0)
		rc = auth_load_list(a, &cfg, "tokens", AUTH_MAX_TOKENS);
	if (rc == 0 && !a->users)
		a->users = calloc(AUTH_MAX_USERS, sizeof(*a->users));
	if (rc == 0 && !a->tokens)
		a->tokens = calloc(AUTH_MAX_TOKENS, sizeof(*a->tokens));
	if (rc == 0 && (!a->users || !a->tokens))
		rc = -ENOMEM;
out:
	config_destroy(&cfg);
	free(text);
	return rc;
}

static bool auth_add_string(config_setting_t *g, const char *name,
			    const char *value)
{
	config_setting_t *s = config_setting_add(g, name, CONFIG_TYPE_STRING);

	return s && config_setting_set_string(s, value) == CONFIG_TRUE;
}

static bool auth_add_int64(config_setting_t *g, const char *name,
			   int64_t value)
{
	config_setting_t *s = config_setting_add(g, name, CONFIG_TYPE_INT64);

	return s && config_setting_set_int64(s, value) == CONFIG_TRUE;
}

static bool auth_render_users(const struct auth *a, config_setting_t *list)
{
	for (size_t i = 0; i < a->n_users; i++) {
		const struct auth_user *u = &a->users[i];
		config_setting_t *g;

		if (u->gone)
			continue;
		g = config_setting_add(list, NULL, CONFIG_TYPE_GROUP);
		if (!g || !auth_add_string(g, "name", u->name) ||
		    !auth_add_string(g, "role", auth_role_name(u->role)) ||
		    !auth_add_string(g, "hash", u->hash) ||
		    !auth_add_int64(g, "created", u->created))
			return false;
	}
	return true;
}

static bool auth_render_tokens(const struct auth *a, config_setting_t *list)
{
	char hex[2 * AUTH_DIGEST_LEN + 1];

	for (size_t i = 0; i < a->n_tokens; i++) {
		const struct auth_token *t = &a->tokens[i];
		config_setting_t *g;

		if (t->gone)
			continue;
		auth_hex(t->digest, sizeof(t->digest), hex);
		g = config_setting_add(list, NULL, CONFIG_TYPE_GROUP);
		if (!g || !auth_add_string(g, "id", t->id) ||
		    !auth_add_string(g, "user", t->user) ||
		    !auth_add_string(g, "description", t->description) ||
		    !auth_add_string(g, "sha256", hex) ||
		    !auth_add_int64(g, "created", t->created) ||
		    !auth_add_int64(g, "last_used", t->last_used))
			return false;
	}
	return true;
}

/* The text of auth.conf for the entries not marked gone (owned). */
static int auth_render(const struct auth *a, char **text, size_t *len)
{
	config_setting_t *root, *v, *users, *tokens;
	FILE *f = NULL;
	config_t cfg;
	int rc = -ENOMEM;

	*text = NULL;
	config_init(&cfg);
	root = config_root_setting(&cfg);
	v = config_setting_add(root, "version", CONFIG_TYPE_INT);
	users = config_setting_add(root, "users", CONFIG_TYPE_LIST);
	tokens = config_setting_add(root, "tokens", CONFIG_TYPE_LIST);
	if (!v || config_setting_set_int(v, AUTH_STORE_VERSION) != CONFIG_TRUE ||
	    !users || !tokens || !auth_render_users(a, users) ||
	    !auth_render_tokens(a, tokens))
		goto out;
	f = open_memstream(text, len);
	if (!f)
		goto out;
	config_write(&cfg, f);
	rc = ferror(f) ? -EIO : 0;
out:
	if (f && fclose(f) != 0 && rc == 0)
		rc = -ENOMEM;
	if (rc < 0) {
		free(*text);
		*text = NULL;
	}
	config_destroy(&cfg);
	return rc;
}

int auth_store_save(struct auth *a)
{
	char *text;
	size_t len;
	int rc;

	rc = auth_render(a, &text, &len);
	if (rc == 0)
		rc = fileutil_write_atomic(a->path, text, len, 0600);
	if (rc < 0)
		log_err("auth", "cannot write %s: %s", a->path, strerror(-rc));
	else
		a->last_used_dirty = false;
	free(text);
	return rc;
}
