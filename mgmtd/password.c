/* Passwords: hashing clear text into the stored form "<crypt>:<nt>", and
 * reading the two hashes back for plugins (shadow(5), Samba's passdb).
 * Every buffer that held clear text is wiped before it is freed. */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "password.h"

/* Longest crypt(3) part accepted back from a client (yescrypt is about
 * 73 characters, SHA-512 with rounds about 120). */
#define PASSWORD_CRYPT_MAX 255

/* ------------------------------------------------------------------ */
/* MD4 (RFC 1320) */

#define MD4_F(x, y, z) (((x) & (y)) | (~(x) & (z)))
#define MD4_G(x, y, z) (((x) & (y)) | ((x) & (z)) | ((y) & (z)))
#define MD4_H(x, y, z) ((x) ^ (y) ^ (z))

static uint32_t rotl(uint32_t x, unsigned s)
{
	return x << s | x >> (32 - s);
}

/* One round: 16 steps over word order k with shifts s; the state turns
 * one place a step, so that every step reads "a = (a + f(b,c,d) ...)". */
static void md4_round(uint32_t v[4], const uint32_t x[16], int fn,
		      const uint8_t k[16], const uint8_t s[4], uint32_t add)
{
	for (int i = 0; i < 16; i++) {
		uint32_t f = fn == 0 ? MD4_F(v[1], v[2], v[3])
			   : fn == 1 ? MD4_G(v[1], v[2], v[3])
				     : MD4_H(v[1], v[2], v[3]);
		uint32_t t = rotl(v[0] + f + x[k[i]] + add, s[i % 4]);

		v[0] = v[3];
		v[3] = v[2];
		v[2] = v[1];
		v[1] = t;
	}
}

static void md4_block(uint32_t st[4], const uint8_t *p)
{
	static const uint8_t k1[16] = { 0, 1, 2,  3,  4, 5, 6,  7,
					8, 9, 10, 11, 12, 13, 14, 15 };
	static const uint8_t k2[16] = { 0, 4, 8,  12, 1, 5, 9,  13,
					2, 6, 10, 14, 3, 7, 11, 15 };
	static const uint8_t k3[16] = { 0, 8, 4,  12, 2, 10, 6, 14,
					1, 9, 5,  13, 3, 11, 7, 15 };
	static const uint8_t s1[4] = { 3, 7, 11, 19 };
	static const uint8_t s2[4] = { 3, 5, 9, 13 };
	static const uint8_t s3[4] = { 3, 9, 11, 15 };
	uint32_t x[16], v[4] = { st[0], st[1], st[2], st[3] };

	for (int i = 0; i < 16; i++)
		x[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		       (uint32_t)p[4 * i + 2] << 16 |
		       (uint32_t)p[4 * i + 3] << 24;
	md4_round(v, x, 0, k1, s1, 0);
	md4_round(v, x, 1, k2, s2, 0x5A827999u);
	md4_round(v, x, 2, k3, s3, 0x6ED9EBA1u);
	for (int i = 0; i < 4; i++)
		st[i] += v[i];
	explicit_bzero(x, sizeof(x));
}

void password_md4(const void *data, size_t len, uint8_t digest[16])
{
	uint32_t st[4] = { 0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u };
	const uint8_t *p = data;
	uint8_t tail[128] = { 0 };
	uint64_t bits = (uint64_t)len * 8;
	size_t rest = len % 64, n;

	for (size_t off = 0; off + 64 <= len; off += 64)
		md4_block(st, p + off);
	memcpy(tail, p + (len - rest), rest);
	tail[rest] = 0x80;
	n = rest < 56 ? 64 : 128;
	for (int i = 0; i < 8; i++)
		tail[n - 8 + i] = (uint8_t)(bits >> (8 * i));
	md4_block(st, tail);
	if (n == 128)
		md4_block(st, tail + 64);
	for (int i = 0; i < 16; i++)
		digest[i] = (uint8_t)(st[i / 4] >> (8 * (i % 4)));
	explicit_bzero(tail, sizeof(tail));
}

/* ------------------------------------------------------------------ */
/* The NT hash */

/* Decode the UTF-8 sequence at s[*i] (n bytes in all); -1 if invalid. */
static long utf8_next(const unsigned char *s, size_t n, size_t *i)
{
	unsigned char c = s[*i];
	size_t need;
	long cp;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if ((c & 0xE0) == 0xC0) {
		need = 1;
		cp = c & 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		need = 2;
		cp = c & 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		need = 3;
		cp = c & 0x07;
	} else {
		return -1;
	}
	if (*i + need >= n)
		return -1;
	for (size_t j = 1; j <= need; j++) {
		if ((s[*i + j] & 0xC0) != 0x80)
			return -1;
		cp = cp << 6 | (s[*i + j] & 0x3F);
	}
	*i += need + 1;
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	return cp;
}

int password_nt_hash(const char *clear, size_t len, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)clear;
	/* At most two UTF-16 units (4 bytes) per byte of input. */
	uint8_t *u = malloc(len * 4 + 1), digest[16];
	size_t i = 0, n = 0;
	int rc = 0;

	if (!u)
		return -ENOMEM;
	while (i < len) {
		long cp = utf8_next(s, len, &i);

		if (cp < 0) {
			rc = -EINVAL;
			goto out;
		}
		if (cp >= 0x10000) {
			long v = cp - 0x10000;
			long hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);

			u[n++] = (uint8_t)(hi & 0xFF);
			u[n++] = (uint8_t)(hi >> 8);
			u[n++] = (uint8_t)(lo & 0xFF);
			u[n++] = (uint8_t)(lo >> 8);
		} else {
			u[n++] = (uint8_t)(cp & 0xFF);
			u[n++] = (uint8_t)(cp >> 8);
		}
	}
	password_md4(u, n, digest);
	for (int j = 0; j < 16; j++) {
		out[2 * j] = hex[digest[j] >> 4];
		out[2 * j + 1] = hex[digest[j] & 15];
	}
	out[MGMTD_PASSWORD_NT_LEN] = '\0';
	explicit_bzero(digest, sizeof(digest));
out:
	explicit_bzero(u, len * 4 + 1);
	free(u);
	return rc;
}

/* ------------------------------------------------------------------ */
/* crypt(3) */

/* yescrypt when libxcrypt has it (Debian's default for shadow), else
 * SHA-512; count 0 is libxcrypt's recommended cost, and with no random
 * bytes given it draws the salt from the kernel itself. */
static int crypt_setting(char *setting, size_t len)
{
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, setting, (int)len))
		return 0;
	errno = 0;
	if (crypt_gensalt_rn("$6$", 0, NULL, 0, setting, (int)len))
		return 0;
	return errno ? -errno : -EIO;
}

static int crypt_text(const char *clear, char **out)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *data;
	const char *h;
	int rc;

	if ((rc = crypt_setting(setting, sizeof(setting))) < 0)
		return rc;
	/* About 32 KiB: too much for the stack of a server thread. */
	if (!(data = calloc(1, sizeof(*data))))
		return -ENOMEM;
	h = crypt_rn(clear, setting, data, sizeof(*data));
	if (!h || h[0] != '$' || strlen(h) > PASSWORD_CRYPT_MAX)
		rc = -EIO;
	else if (!(*out = strdup(h)))
		rc = -ENOMEM;
	explicit_bzero(data, sizeof(*data));
	free(data);
	return rc;
}

int password_hash(const char *clear, size_t len, char **out)
{
	char nt[MGMTD_PASSWORD_NT_LEN + 1], *text = NULL, *crypted = NULL;
	int rc;

	*out = NULL;
	/* crypt(3) wants a C string; the text may come with a length. */
	if (!(text = malloc(len + 1)))
		return -ENOMEM;
	memcpy(text, clear, len);
	text[len] = '\0';
	if ((rc = password_nt_hash(text, len, nt)) < 0 ||
	    (rc = crypt_text(text, &crypted)) < 0)
		goto out;
	if (asprintf(out, "%s:%s", crypted, nt) < 0) {
		*out = NULL;
		rc = -ENOMEM;
	}
out:
	explicit_bzero(text, len + 1);
	explicit_bzero(nt, sizeof(nt));
	free(text);
	free(crypted);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The stored form, for plugins */

static bool is_crypt_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '/' || c == '$' ||
	       c == '=' || c == ',';
}

/* The length of the crypt part of a stored password, or 0 if s is not
 * one. */
static size_t stored_crypt_len(const char *s)
{
	size_t n = 0;

	if (!s || s[0] != '$')
		return 0;
	while (is_crypt_char(s[n]))
		n++;
	if (n < 4 || n > PASSWORD_CRYPT_MAX || s[n] != ':' ||
	    strlen(s + n + 1) != MGMTD_PASSWORD_NT_LEN)
		return 0;
	for (const char *h = s + n + 1; *h; h++)
		if (!((*h >= '0' && *h <= '9') || (*h >= 'A' && *h <= 'F')))
			return 0;
	return n;
}

bool mgmtd_password_is_stored(const char *s)
{
	return stored_crypt_len(s) > 0;
}

int mgmtd_password_crypt(const char *s, char *buf, size_t len)
{
	size_t n = stored_crypt_len(s);

	if (!n)
		return -EINVAL;
	if (n >= len)
		return -ENOBUFS;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

int mgmtd_password_nt(const char *s, char *buf, size_t len)
{
	size_t n = stored_crypt_len(s);

	if (!n)
		return -EINVAL;
	if (len <= MGMTD_PASSWORD_NT_LEN)
		return -ENOBUFS;
	memcpy(buf, s + n + 1, MGMTD_PASSWORD_NT_LEN + 1);
	return 0;
}
