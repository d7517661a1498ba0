/* Accounts plugin: the pure part.  Lines of passwd(5), shadow(5),
 * group(5) and gshadow(5) for managed accounts, merged into the current
 * files so that every other line stays as it was; the smbpasswd(5) lines
 * that Samba's pdbedit imports; the rules for names.  No I/O here: the
 * unit tests drive it with golden files. */
#ifndef ACCOUNTS_FILES_H
#define ACCOUNTS_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest user or group name (Debian's useradd accepts 32). */
#define ACCT_NAME_MAX 32

/* A managed user as the files see it; strings borrowed. */
struct acct_user {
	const char *name;
	int64_t uid, gid;   /* gid: of the primary group, resolved */
	const char *gecos;  /* the full name; NULL: empty */
	const char *home, *shell;
	const char *crypt;  /* crypt(3) hash; NULL: no password */
	bool enabled;
};

/* A managed group; members already merged (the group's own list, then
 * the users that name it among their groups). */
struct acct_group {
	const char *name;
	int64_t gid;
	const char *const *members;
	size_t n_members;
};

/* A line that replaces (or adds) the entry of name in a colon file. */
struct acct_line {
	const char *name; /* the entry's first field, borrowed */
	char *text;       /* the whole line without its newline, owned */
};

/* Whether s is a portable user or group name: a lower-case letter or '_',
 * then lower-case letters, digits, '_' and '-', at most ACCT_NAME_MAX. */
bool acct_valid_name(const char *s);
/* Names that mgmtd never manages, whatever the files say (root, ...). */
bool acct_reserved_name(const char *s);

/* The line of entry name in a colon file (text of len bytes): a pointer
 * to its first byte, its length in *line_len (without the newline), or
 * NULL. */
const char *acct_find_line(const char *text, size_t len, const char *name,
			   size_t *line_len);
/* Field i (0-based) of a colon line of len bytes, copied into buf.
 * Returns -ENOENT if the line has fewer fields, -ENOBUFS if buf is too
 * small. */
int acct_field(const char *line, size_t len, unsigned i, char *buf,
	       size_t buflen);
/* Field i as a number in *v; -EINVAL when it is not one. */
int acct_field_int(const char *line, size_t len, unsigned i, int64_t *v);

/* The lines of one entry; *out owned.  -EINVAL if a value cannot be
 * written (a ':' or newline in it).  cur_shadow is the user's current
 * shadow line (NULL if none): its aging fields are kept, and so is the
 * date of the last change while the hash is the same.  today counts days
 * since 1970-01-01. */
int acct_passwd_line(const struct acct_user *u, char **out);
int acct_shadow_line(const struct acct_user *u, const char *cur_shadow,
		     size_t cur_len, int64_t today, char **out);
int acct_group_line(const struct acct_group *g, char **out);
int acct_gshadow_line(const struct acct_group *g, char **out);

/* Rewrite a colon file: every line of cur (len bytes) is kept in order,
 * except that the entries named in lines are replaced by their text and
 * those named in removed are dropped; the entries of lines not in cur are
 * appended in their order.  *out is owned (NUL-terminated), its length in
 * *out_len. */
int acct_merge(const char *cur, size_t len, const struct acct_line *lines,
	       size_t n_lines, const char *const *removed, size_t n_removed,
	       char **out, size_t *out_len);

/* One smbpasswd(5) line for pdbedit -i: nt is the NT hash (32 hex
 * digits) or NULL for an account with no password, which is imported
 * disabled.  lct is the time of the last change (seconds since 1970). */
int acct_smbpasswd_line(const char *name, int64_t uid, const char *nt,
			bool enabled, int64_t lct, char **out);

#endif
