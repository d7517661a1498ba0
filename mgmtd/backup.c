/* Configuration backups: building, checksumming and checking the
 * document (see backup.h).  Restoring is a transaction: the front end
 * hands the checked "config" to txn_commit. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>

#include "backup.h"
#include "snapshot.h"
#include "store.h"

int backup_digest(json_t *doc, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	json_t *copy = json_copy(doc);
	char *text;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	json_object_del(copy, "sha256");
	text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS |
					JSON_ENCODE_ANY);
	json_decref(copy);
	if (!text)
		return -ENOMEM;
	if (EVP_Digest(text, strlen(text), md, &n, EVP_sha256(), NULL) != 1 ||
	    n != 32)
		rc = -ENOMEM;
	free(text);
	for (unsigned i = 0; rc == 0 && i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return rc;
}

/* Every stored version, newest first, each meta with its "config".
 * txn_lock held. */
static json_t *history_of(struct core *c)
{
	json_t *list = store_versions(c->store), *out = json_array(), *m;
	size_t i;

	json_array_foreach(list, i, m)
	{
		json_t *vj = json_object_get(m, "version"), *tree = NULL, *e;
		struct store_meta meta;

		if (!json_is_integer(vj) ||
		    store_read_version(c->store,
				       (unsigned)json_integer_value(vj), &tree,
				       &meta) < 0)
			continue; /* pruned meanwhile: nothing to keep */
		e = store_meta_json(&meta);
		json_object_set_new(e, "config", tree);
		json_array_append_new(out, e);
	}
	json_decref(list);
	return out;
}

json_t *backup_make(struct core *c)
{
	struct snapshot *s;
	json_t *doc;
	char hex[65];

	pthread_mutex_lock(&c->txn_lock);
	s = core_snapshot(c);
	doc = json_pack("{s:s, s:i, s:I, s:I, s:O, s:o}", "format",
			BACKUP_FORMAT, "version", BACKUP_FORMAT_VERSION,
			"current", (json_int_t)s->version, "created",
			(json_int_t)time(NULL), "config", s->config, "history",
			history_of(c));
	snapshot_unref(s);
	pthread_mutex_unlock(&c->txn_lock);
	if (!doc || backup_digest(doc, hex) < 0) {
		json_decref(doc);
		return NULL;
	}
	json_object_set_new(doc, "sha256", json_string(hex));
	return doc;
}

static int refuse(char *msg, size_t len, const char *fmt, ...)
	MGMTD_PRINTF(3, 4);

static int refuse(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int check_history(json_t *hist, char *msg, size_t len)
{
	json_t *e;
	size_t i;
	char where[64];

	if (!json_is_array(hist))
		return refuse(msg, len, "%s: must be an array", "history");
	json_array_foreach(hist, i, e)
	{
		json_t *v = json_object_get(e, "version");

		snprintf(where, sizeof(where), "history[%zu]", i);
		if (!json_is_object(e))
			return refuse(msg, len, "%s: must be an object", where);
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > UINT32_MAX)
			return refuse(msg, len,
				      "%s.version: must be a version number",
				      where);
		if (!json_is_object(json_object_get(e, "config")))
			return refuse(msg, len,
				      "%s.config: must be a configuration object",
				      where);
	}
	return 0;
}

int backup_check(json_t *doc, char *msg, size_t len)
{
	const char *fmt, *sum;
	json_t *cur;
	char hex[65];
	int rc;

	if (!json_is_object(doc))
		return refuse(msg, len, "%s", "a backup is a JSON object");
	fmt = json_string_value(json_object_get(doc, "format"));
	if (!fmt || strcmp(fmt, BACKUP_FORMAT) != 0)
		return refuse(msg, len, "format: not an %s document",
			      BACKUP_FORMAT);
	if (json_integer_value(json_object_get(doc, "version")) !=
	    BACKUP_FORMAT_VERSION)
		return refuse(msg, len, "%s",
			      "version: unsupported backup format version");
	sum = json_string_value(json_object_get(doc, "sha256"));
	if (!sum || strlen(sum) != 64)
		return refuse(msg, len, "%s",
			      "sha256: the checksum is missing");
	cur = json_object_get(doc, "current");
	if (!json_is_integer(cur) || json_integer_value(cur) < 0 ||
	    json_integer_value(cur) > UINT32_MAX)
		return refuse(msg, len, "%s", "current: must be a version number");
	if (!json_is_object(json_object_get(doc, "config")))
		return refuse(msg, len, "%s",
			      "config: must be a configuration object");
	if ((rc = check_history(json_object_get(doc, "history"), msg, len)) < 0)
		return rc;
	if (backup_digest(doc, hex) < 0)
		return refuse(msg, len, "%s", "out of memory");
	if (strcasecmp(hex, sum) != 0)
		return refuse(msg, len, "%s",
			      "sha256: checksum mismatch: the backup is "
			      "corrupted or was edited");
	return 0;
}
