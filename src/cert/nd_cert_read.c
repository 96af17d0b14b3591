/* nd_cert_read: certificates as admins export them. A file is PEM when it
 * holds a PEM header (several CERTIFICATE and PKCS7 blocks, other blocks
 * such as keys skipped), else one DER certificate or one DER PKCS#7
 * (.p7b). OpenSSL's decoders bound the nesting of hostile input. */
#include "nd_cert.h"

#include <stdlib.h>
#include <string.h>

#include "nd_file.h"
#include "nd_libcrypto.h"
#include "nd_vec.h"

/* Adds x (the reference is taken over) to set unless it is there already.
 * Returns 1 when added, 0 when a duplicate, -1 with err set. */
static int add_x509(nd_cert_set *set, const char *file, X509 *x, nd_error *err)
{
	const nd_libcrypto *k = set->crypto;
	nd_cert *c;
	size_t i;

	for (i = 0; i < set->n; i++) {
		if (k->X509_cmp(set->v[i].x509, x) == 0) {
			k->X509_free(x);
			return 0;
		}
	}
	if (set->n >= ND_CERT_MAX) {
		k->X509_free(x);
		return nd_error_set(err, "%s: more than %d certificates", file, ND_CERT_MAX);
	}
	if (nd_vec_reserve(&set->v, &set->cap, set->n + 1, sizeof(*set->v)) != 0) {
		k->X509_free(x);
		return nd_error_set(err, "out of memory");
	}
	c = &set->v[set->n++];
	memset(c, 0, sizeof(*c));
	c->x509 = x;
	c->issuer = (size_t)-1;
	c->signature = -1;
	if (!(c->file = strdup(file)) || nd_cert_describe(set, c) != 0)
		return nd_error_set(err, "out of memory");
	return 1;
}

/* Adds the certificates of a PKCS#7 (signed) structure. Returns the
 * number added, or -1 with err set. */
static long add_pkcs7(nd_cert_set *set, const char *file, const PKCS7 *p7, nd_error *err)
{
	const nd_libcrypto *k = set->crypto;
	const OPENSSL_STACK *certs = NULL;
	int type = k->OBJ_obj2nid(p7->type);
	long n = 0;
	int i, rc;

	if (type == NID_pkcs7_signed && p7->d.sign)
		certs = (const OPENSSL_STACK *)p7->d.sign->cert;
	else if (type == NID_pkcs7_signedAndEnveloped && p7->d.signed_and_enveloped)
		certs = (const OPENSSL_STACK *)p7->d.signed_and_enveloped->cert;
	for (i = 0; certs && i < k->OPENSSL_sk_num(certs); i++) {
		X509 *x = k->OPENSSL_sk_value(certs, i);

		if (!k->X509_up_ref(x) || (rc = add_x509(set, file, x, err)) < 0)
			return -1;
		n += rc;
	}
	return n;
}

/* Decodes one DER object, a certificate or else a PKCS#7, into set.
 * Returns the number of certificates added, or -1 with err set (0 when it
 * is neither). */
static long add_der(nd_cert_set *set, const char *file, const unsigned char *p, size_t n, int *found, nd_error *err)
{
	const nd_libcrypto *k = set->crypto;
	const unsigned char *q = p;
	X509 *x;
	PKCS7 *p7;
	long rc;

	if (n > (size_t)ND_CERT_FILE_MAX)
		return 0;
	if ((x = k->d2i_X509(NULL, &q, (long)n)) != NULL) {
		*found = 1;
		return add_x509(set, file, x, err);
	}
	q = p;
	if ((p7 = k->d2i_PKCS7(NULL, &q, (long)n)) != NULL) {
		*found = 1;
		rc = add_pkcs7(set, file, p7, err);
		k->PKCS7_free(p7);
		return rc;
	}
	return 0;
}

/* Reads the PEM blocks of the n bytes at p. Returns the number of
 * certificates added, or -1 with err set. */
static long read_pem(nd_cert_set *set, const char *file, const unsigned char *p, size_t n, int *found, nd_error *err)
{
	const nd_libcrypto *k = set->crypto;
	BIO *bio = k->BIO_new_mem_buf(p, (int)n);
	char *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	long len, total = 0, rc;

	if (!bio)
		return nd_error_set(err, "out of memory");
	while (k->PEM_read_bio(bio, &name, &header, &data, &len) == 1) {
		rc = 0;
		if (strcmp(name, PEM_STRING_X509) == 0 || strcmp(name, PEM_STRING_X509_OLD) == 0 ||
		    strcmp(name, PEM_STRING_PKCS7) == 0 || strcmp(name, PEM_STRING_X509_TRUSTED) == 0) {
			const unsigned char *q = data;
			X509 *x;

			if (strcmp(name, PEM_STRING_X509_TRUSTED) == 0) {
				if ((x = k->d2i_X509_AUX(NULL, &q, len)) != NULL) {
					*found = 1;
					rc = add_x509(set, file, x, err);
				}
			} else {
				rc = add_der(set, file, data, (size_t)len, found, err);
			}
		}
		k->CRYPTO_free(name, __FILE__, __LINE__);
		k->CRYPTO_free(header, __FILE__, __LINE__);
		k->CRYPTO_free(data, __FILE__, __LINE__);
		name = header = NULL;
		data = NULL;
		if (rc < 0) {
			k->BIO_free(bio);
			return -1;
		}
		total += rc;
	}
	k->BIO_free(bio);
	return total;
}

/* Returns 1 when the n bytes at p hold a PEM header line, else 0. */
static int has_pem_header(const unsigned char *p, size_t n)
{
	static const char begin[] = "-----BEGIN ";
	size_t i;

	for (i = 0; i + sizeof(begin) - 1 <= n; i++)
		if (p[i] == '-' && memcmp(p + i, begin, sizeof(begin) - 1) == 0)
			return 1;
	return 0;
}

/* Loads libcrypto for set unless it has it. Returns 0, or -1 with err set. */
static int load_crypto(nd_cert_set *set, nd_error *err)
{
	nd_libcrypto *k;

	if (set->crypto)
		return 0;
	if (!(k = malloc(sizeof(*k))))
		return nd_error_set(err, "out of memory");
	if (nd_libcrypto_load(k, err) != 0) {
		free(k);
		return -1;
	}
	set->crypto = k;
	return 0;
}

long nd_cert_read_mem(nd_cert_set *set, const char *file, const unsigned char *p, size_t n, nd_error *err)
{
	int found = 0;
	long rc;

	if (load_crypto(set, err) != 0)
		return -1;
	if (n > (size_t)ND_CERT_FILE_MAX)
		return nd_error_set(err, "%s: larger than %d bytes, not a certificate file", file, ND_CERT_FILE_MAX);
	if (has_pem_header(p, n))
		rc = read_pem(set, file, p, n, &found, err);
	else
		rc = add_der(set, file, p, n, &found, err);
	set->crypto->ERR_clear_error();
	if (rc < 0)
		return -1;
	if (!found)
		return nd_error_set(err, "%s: no certificate (not a DER or PEM certificate, nor a PKCS#7 .p7b)", file);
	return rc;
}

long nd_cert_read_file(nd_cert_set *set, const char *path, nd_error *err)
{
	nd_file_info info;
	unsigned char *data;
	size_t got;
	FILE *f;
	long rc;

	if (nd_file_open_read(path, &f, &info, err) != 0)
		return -1;
	if (info.size < 0 || info.size > ND_CERT_FILE_MAX) {
		fclose(f);
		return nd_error_set(err, "%s: larger than %d bytes, not a certificate file", path, ND_CERT_FILE_MAX);
	}
	if (!(data = malloc((size_t)info.size + 1))) {
		fclose(f);
		return nd_error_set(err, "out of memory");
	}
	got = fread(data, 1, (size_t)info.size, f);
	if (ferror(f)) {
		fclose(f);
		free(data);
		return nd_error_set(err, "%s: cannot be read", path);
	}
	fclose(f);
	rc = nd_cert_read_mem(set, path, data, got, err);
	free(data);
	return rc;
}
