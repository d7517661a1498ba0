/* The cryptographic pieces of auth: randomness from getrandom(2),
 * password hashes from libxcrypt, SHA-256 from OpenSSL's libcrypto,
 * constant-time comparison.  Stateless, so callable without the lock. */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth_internal.h"

int auth_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* RFC 4648 base64url without padding; out holds 4 * ceil(len / 3) + 1. */
static void auth_base64url(const uint8_t *in, size_t len, char *out)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	uint32_t v;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*out++ = alphabet[v >> 18 & 63];
		*out++ = alphabet[v >> 12 & 63];
		*out++ = alphabet[v >> 6 & 63];
		*out++ = alphabet[v & 63];
	}
	if (i < len) {
		v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		*out++ = alphabet[v >> 18 & 63];
		*out++ = alphabet[v >> 12 & 63];
		if (i + 1 < len)
			*out++ = alphabet[v >> 6 & 63];
	}
	*out = '\0';
}

int auth_random_text(char *out, size_t size)
{
	uint8_t raw[AUTH_SECRET_BYTES];
	int rc;

	/* 32 bytes make 43 characters. */
	if (size < (AUTH_SECRET_BYTES * 4 + 2) / 3 + 1)
		return -ENOBUFS;
	rc = auth_random(raw, sizeof(raw));
	if (rc == 0)
		auth_base64url(raw, sizeof(raw), out);
	explicit_bzero(raw, sizeof(raw));
	return rc;
}

void auth_hex(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		*out++ = digits[in[i] >> 4];
		*out++ = digits[in[i] & 15];
	}
	*out = '\0';
}

int auth_sha256(const void *data, size_t len, uint8_t out[AUTH_DIGEST_LEN])
{
	unsigned int n = 0;

	if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1 ||
	    n != AUTH_DIGEST_LEN)
		return -EIO;
	return 0;
}

bool auth_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

const char *auth_hash_scheme(void)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];

	/* A libxcrypt built without yescrypt refuses its prefix. */
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof(setting)))
		return "$y$";
	return "$6$";
}

int auth_hash_password(const char *scheme, const char *password, char *out)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *data;
	const char *h;
	int rc = 0;

	/* count 0: libxcrypt's recommended cost; NULL: it draws the salt from
	 * the kernel itself. */
	errno = 0;
	if (!crypt_gensalt_rn(scheme, 0, NULL, 0, setting, sizeof(setting)))
		return errno ? -errno : -EINVAL;
	/* About 32 KiB: too much for the stack of a web server's thread. */
	data = calloc(1, sizeof(*data));
	if (!data)
		return -ENOMEM;
	h = crypt_rn(password, setting, data, sizeof(*data));
	if (!h || h[0] != '$' || strlen(h) >= AUTH_HASH_MAX)
		rc = -EIO;
	else
		strcpy(out, h);
	explicit_bzero(data, sizeof(*data));
	free(data);
	return rc;
}

bool auth_hash_verify(const char *password, const char *stored)
{
	struct crypt_data *data = calloc(1, sizeof(*data));
	size_t len = strlen(stored);
	const char *h;
	bool ok;

	if (!data)
		return false;
	/* The stored hash is its own setting: scheme, cost and salt. */
	h = crypt_rn(password, stored, data, sizeof(*data));
	/* Lengths are the scheme's, not secret; the bytes are compared in
	 * constant time. */
	ok = h && len > 0 && strlen(h) == len && auth_equal(h, stored, len);
	explicit_bzero(data, sizeof(*data));
	free(data);
	return ok;
}
