/* CIFS plugin: parsing smbstatus --json.  The layout (Samba 4.17):
 *   {"version": "4.17.12-Debian", "sessions": {"<id>": {"session_id",
 *    "server_id": {"pid": "123", ...}, "uid", "gid", "username",
 *    "groupname", "remote_machine", "hostname", "session_dialect",
 *    "encryption": {"cipher", "degree"}, "signing": {...}}},
 *    "tcons": {"<id>": {"service", "server_id", "tcon_id", "session_id",
 *    "machine", "connected_at", "encryption", "signing"}},
 *    "open_files": {"<path>": {"service_path", "filename", "opens":
 *    {"<pid>/<id>": {"server_id", "uid", "sharemode": {"text"},
 *    "access_mask": {"text"}, "oplock": {"text"}?, "lease": {"text"}?,
 *    "opened_at"}}}}}
 * Members that are missing read as empty, so that a later Samba that
 * drops one degrades the state rather than losing it. */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cifs_status.h"

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* A number that smbstatus writes as a string ("pid") or an integer. */
static int64_t num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) : 0;
}

static int64_t pid_of(json_t *o)
{
	return num(json_object_get(o, "server_id"), "pid");
}

/* {"cipher": "AES-128-GCM", "degree": "full"} -> "AES-128-GCM (full)";
 * nothing negotiated ("-", "none") -> "none". */
static void crypto(json_t *o, char *buf, size_t len)
{
	const char *cipher = str(o, "cipher"), *degree = str(o, "degree");

	if (!*cipher || strcmp(cipher, "-") == 0 || strcmp(degree, "none") == 0)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%s (%s)", cipher, *degree ? degree : "?");
}

static void oplock(json_t *open, char *buf, size_t len)
{
	const char *o = str(json_object_get(open, "oplock"), "text");
	const char *l = str(json_object_get(open, "lease"), "text");

	if (*o)
		snprintf(buf, len, "%s", o);
	else if (*l)
		snprintf(buf, len, "lease (%s)", l);
	else
		snprintf(buf, len, "none");
}

static int parse_sessions(json_t *all, struct cifs_status *st)
{
	const char *key;
	json_t *s;

	st->sessions = calloc(json_object_size(all) + 1, sizeof(*st->sessions));
	if (!st->sessions)
		return -ENOMEM;
	json_object_foreach(all, key, s) {
		struct cifs_session *x = &st->sessions[st->n_sessions++];

		*x = (struct cifs_session){
			.id = key,
			.user = str(s, "username"),
			.group = str(s, "groupname"),
			.remote_machine = str(s, "remote_machine"),
			.address = str(s, "hostname"),
			.protocol = str(s, "session_dialect"),
			.pid = pid_of(s),
			.uid = num(s, "uid"),
			.gid = num(s, "gid"),
		};
		crypto(json_object_get(s, "encryption"), x->encryption,
		       sizeof(x->encryption));
		crypto(json_object_get(s, "signing"), x->signing,
		       sizeof(x->signing));
	}
	return 0;
}

static int parse_tcons(json_t *all, struct cifs_status *st)
{
	const char *key;
	json_t *t;

	st->tcons = calloc(json_object_size(all) + 1, sizeof(*st->tcons));
	if (!st->tcons)
		return -ENOMEM;
	json_object_foreach(all, key, t) {
		struct cifs_tcon *x = &st->tcons[st->n_tcons++];

		*x = (struct cifs_tcon){
			.id = key,
			.share = str(t, "service"),
			.machine = str(t, "machine"),
			.session_id = str(t, "session_id"),
			.connected_at = str(t, "connected_at"),
			.pid = pid_of(t),
		};
		crypto(json_object_get(t, "encryption"), x->encryption,
		       sizeof(x->encryption));
		crypto(json_object_get(t, "signing"), x->signing,
		       sizeof(x->signing));
	}
	return 0;
}

static int parse_opens(json_t *all, struct cifs_status *st)
{
	size_t n = 0;
	const char *path, *key;
	json_t *f, *o;

	json_object_foreach(all, path, f)
		n += json_object_size(json_object_get(f, "opens"));
	if (!(st->opens = calloc(n + 1, sizeof(*st->opens))))
		return -ENOMEM;
	json_object_foreach(all, path, f) {
		json_object_foreach(json_object_get(f, "opens"), key, o) {
			struct cifs_open *x = &st->opens[st->n_opens++];

			*x = (struct cifs_open){
				.id = key,
				.share_path = str(f, "service_path"),
				.filename = str(f, "filename"),
				.opened_at = str(o, "opened_at"),
				.access = str(json_object_get(o, "access_mask"),
					      "text"),
				.share_mode = str(json_object_get(o, "sharemode"),
						  "text"),
				.pid = pid_of(o),
				.uid = num(o, "uid"),
			};
			oplock(o, x->oplock, sizeof(x->oplock));
		}
	}
	return 0;
}

int cifs_status_parse(const char *text, size_t len, struct cifs_status *st)
{
	json_t *doc = json_loadb(text, len, 0, NULL);
	int rc;

	*st = (struct cifs_status){ .doc = doc, .version = "" };
	if (!json_is_object(doc))
		return -EINVAL;
	st->version = str(doc, "version");
	if ((rc = parse_sessions(json_object_get(doc, "sessions"), st)) < 0 ||
	    (rc = parse_tcons(json_object_get(doc, "tcons"), st)) < 0 ||
	    (rc = parse_opens(json_object_get(doc, "open_files"), st)) < 0)
		return rc;
	return 0;
}

void cifs_status_fini(struct cifs_status *st)
{
	json_decref(st->doc);
	free(st->sessions);
	free(st->tcons);
	free(st->opens);
	*st = (struct cifs_status){ 0 };
}
