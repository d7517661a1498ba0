/* CIFS plugin: what `smbstatus --json` says (Samba 4.16 and later), as
 * plain structs.  Pure: the unit tests feed it recorded outputs. */
#ifndef CIFS_STATUS_H
#define CIFS_STATUS_H

#include <stddef.h>
#include <stdint.h>

/* Strings are borrowed from the parsed document (cifs_status_fini frees
 * it), or static; never NULL. */
struct cifs_session {
	const char *id, *user, *group, *remote_machine, *address;
	const char *protocol;
	char encryption[64], signing[64]; /* "none", "AES-128-GCM (full)" */
	int64_t pid, uid, gid;
};

struct cifs_tcon {
	const char *id, *share, *machine, *session_id, *connected_at;
	char encryption[64], signing[64];
	int64_t pid;
};

struct cifs_open {
	const char *id; /* "pid/share_file_id": smbstatus' key */
	const char *share_path, *filename, *opened_at;
	const char *access, *share_mode; /* "RW", "R", ... */
	char oplock[64];                 /* "EXCLUSIVE", "lease (RWH)", "none" */
	int64_t pid, uid;
};

struct cifs_status {
	void *doc; /* the parsed JSON, owned */
	const char *version;
	struct cifs_session *sessions;
	size_t n_sessions;
	struct cifs_tcon *tcons;
	size_t n_tcons;
	struct cifs_open *opens;
	size_t n_opens;
};

/* Parse len bytes of smbstatus --json output.  Returns 0, -EINVAL if it
 * is not what smbstatus prints, -ENOMEM.  Release st with
 * cifs_status_fini, whatever the result. */
int cifs_status_parse(const char *text, size_t len, struct cifs_status *st);
void cifs_status_fini(struct cifs_status *st);

#endif
