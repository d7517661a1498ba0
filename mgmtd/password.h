/* Passwords as the core stores them: "<crypt>:<nt>" (see plugin.h,
 * MGMTD_A_PASSWORD).  The clear text never goes further than
 * password_hash. */
#ifndef MGMTD_PASSWORD_H
#define MGMTD_PASSWORD_H

#include <stddef.h>
#include <stdint.h>

#include "mgmtd/plugin.h"

/* Hash clear (len bytes of UTF-8) into its stored form in *out (owned).
 * Returns 0, -ENOMEM, or -EIO when the system crypt fails. */
int password_hash(const char *clear, size_t len, char **out);

/* The NT hash of clear (MD4 of its UTF-16LE form) as 32 upper-case hex
 * digits in out (33 bytes).  -EINVAL if clear is not valid UTF-8. */
int password_nt_hash(const char *clear, size_t len, char *out);

/* MD4 (RFC 1320) of data, into digest.  Only for the NT hash: MD4 is
 * broken for anything else, and OpenSSL 3 keeps it out of reach. */
void password_md4(const void *data, size_t len, uint8_t digest[16]);

#endif
