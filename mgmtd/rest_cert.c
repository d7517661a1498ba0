/* A self-signed certificate for HTTPS, made in-process with OpenSSL on
 * first start when the daemon config names none. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fileutil.h"
#include "log.h"
#include "rest_internal.h"

#define CERT_DAYS 825 /* what browsers accept for a server certificate */

static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if (!(ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)))
		return -EINVAL;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -ENOMEM;
}

static X509 *make_cert(EVP_PKEY *key, const char *cn)
{
	X509 *x = X509_new();
	X509_NAME *name;
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	char san[512];

	if (!x || RAND_bytes(serial, sizeof(serial)) != 1)
		goto fail;
	serial[0] &= 0x7f; /* a positive serial */
	if (!(bn = BN_bin2bn(serial, sizeof(serial), NULL)) ||
	    !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)))
		goto fail;
	X509_set_version(x, 2);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 60L * 60 * 24 * CERT_DAYS);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
				   (const unsigned char *)"mgmtd", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	snprintf(san, sizeof(san),
		 "DNS:localhost,DNS:%s,IP:127.0.0.1,IP:0:0:0:0:0:0:0:1", cn);
	if (add_ext(x, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
	    add_ext(x, NID_key_usage,
		    "critical,digitalSignature,keyCertSign") ||
	    add_ext(x, NID_ext_key_usage, "serverAuth") ||
	    add_ext(x, NID_subject_key_identifier, "hash") ||
	    add_ext(x, NID_subject_alt_name, san) ||
	    !X509_sign(x, key, EVP_sha256()))
		goto fail;
	BN_free(bn);
	return x;
fail:
	BN_free(bn);
	X509_free(x);
	return NULL;
}

/* PEM text of what write() puts in a memory BIO, as a new string. */
static char *pem_text(BIO *b, size_t *len)
{
	char *data, *copy;
	long n = BIO_get_mem_data(b, &data);

	if (n <= 0 || !(copy = malloc((size_t)n + 1)))
		return NULL;
	memcpy(copy, data, (size_t)n);
	copy[n] = '\0';
	*len = (size_t)n;
	return copy;
}

static int write_files(EVP_PKEY *key, X509 *x, const char *pem,
		       const char *cert)
{
	BIO *both = BIO_new(BIO_s_mem()), *pub = BIO_new(BIO_s_mem());
	char *t1 = NULL, *t2 = NULL;
	size_t l1 = 0, l2 = 0;
	int rc = -ENOMEM;

	if (!both || !pub ||
	    !PEM_write_bio_PrivateKey(both, key, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_X509(both, x) || !PEM_write_bio_X509(pub, x) ||
	    !(t1 = pem_text(both, &l1)) || !(t2 = pem_text(pub, &l2)))
		goto out;
	if ((rc = fileutil_write_atomic(pem, t1, l1, 0600)) == 0)
		rc = fileutil_write_atomic(cert, t2, l2, 0644);
out:
	if (t1)
		OPENSSL_cleanse(t1, l1);
	free(t1);
	free(t2);
	BIO_free(both);
	BIO_free(pub);
	return rc;
}

int rest_cert_ensure(const char *pem, const char *cert, const char *cn)
{
	EVP_PKEY *key;
	X509 *x = NULL;
	int rc;

	if (access(pem, R_OK) == 0 && access(cert, R_OK) == 0)
		return 0;
	if (!(key = EVP_EC_gen("P-256")) || !(x = make_cert(key, cn))) {
		log_err("rest", "cannot generate a TLS certificate");
		rc = -EIO;
		goto out;
	}
	if ((rc = write_files(key, x, pem, cert)) < 0)
		log_err("rest", "cannot write %s: %s", pem, strerror(-rc));
	else
		log_notice("rest",
			   "generated a self-signed TLS certificate for %s: %s "
			   "(give clients %s)", cn, pem, cert);
out:
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}
