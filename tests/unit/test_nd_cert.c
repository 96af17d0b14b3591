/* Unit tests of src/cert: certificates made here with libcrypto (an EC
 * root and a leaf without CDP, EKU or SAN), read from DER and PEM in
 * memory, ordered, judged and written; bad input refused; time text. */
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "check.h"
#include "nd_cert.h"
#include "nd_libcrypto.h"

/* Returns a new P-256 key, or NULL. */
static EVP_PKEY *new_key(void)
{
	return EVP_EC_gen("P-256");
}

/* Returns a certificate for cn signed by ca_key (issuer ca, or itself
 * when NULL), a CA when is_ca, or NULL. */
static X509 *new_cert(const char *cn, EVP_PKEY *key, X509 *ca, EVP_PKEY *ca_key, int is_ca, long serial)
{
	X509 *x = X509_new();
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	if (!x)
		return NULL;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, ca ? X509_get_subject_name(ca) : X509_get_subject_name(x));
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&ctx, ca ? ca : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (!X509_sign(x, ca_key, EVP_sha256())) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Returns 1 when set has a finding id about certificate cert, else 0. */
static int has_finding(const nd_cert_set *set, const char *id, size_t cert)
{
	size_t i;

	for (i = 0; i < set->nfindings; i++)
		if (strcmp(set->findings[i].id, id) == 0 && set->findings[i].cert == cert)
			return 1;
	return 0;
}

/* A root (PEM) and a leaf (DER) read in that order come out leaf first. */
static void test_chain(void)
{
	EVP_PKEY *rk = new_key(), *lk = new_key();
	X509 *root = rk ? new_cert("Unit Root", rk, NULL, rk, 1, 1) : NULL;
	X509 *leaf = root && lk ? new_cert("unit leaf", lk, root, rk, 0, 2) : NULL;
	unsigned char *der = NULL;
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem = NULL;
	long pem_len, der_len;
	nd_cert_set set;
	nd_buf b = {0};
	nd_error err;

	CHECK(root && leaf && bio);
	if (!root || !leaf || !bio)
		goto out;
	der_len = i2d_X509(leaf, &der);
	PEM_write_bio_X509(bio, root);
	pem_len = BIO_get_mem_data(bio, &pem);
	nd_cert_set_init(&set, (int64_t)time(NULL));
	CHECK(nd_cert_read_mem(&set, "root.pem", (const unsigned char *)pem, (size_t)pem_len, &err) == 1);
	CHECK(nd_cert_read_mem(&set, "leaf.cer", der, (size_t)der_len, &err) == 1);
	CHECK(nd_cert_read_mem(&set, "again.cer", der, (size_t)der_len, &err) == 0); /* a duplicate */
	nd_cert_set_order(&set);
	CHECK(set.n == 2);
	CHECK_STR(set.v[0].subject, "CN=unit leaf");
	CHECK(set.v[0].role == ND_CERT_LEAF && set.v[0].issuer == 1 && set.v[0].signature == 1);
	CHECK(set.v[1].role == ND_CERT_ROOT && set.v[1].self_signed && set.v[1].issuer == 1);
	CHECK_STR(set.v[0].key, "EC 256 (prime256v1)");
	CHECK_STR(set.v[0].file, "leaf.cer");
	CHECK(nd_cert_judge(&set, &err) == 0);
	CHECK(has_finding(&set, "leaf-no-cdp", 0));
	CHECK(has_finding(&set, "leaf-no-client-auth", 0));
	CHECK(has_finding(&set, "leaf-no-san-name", 0));
	CHECK(has_finding(&set, "root-must-be-trusted", 1));
	CHECK(!has_finding(&set, "chain-incomplete", 1));
	CHECK(nd_cert_count(&set, ND_CERT_ERROR) == 2);
	CHECK(nd_cert_write_json(&set, &b) == 0 && strncmp(b.data, "{\"certificates\":[{\"index\":0,", 28) == 0);
	nd_buf_reset(&b);
	CHECK(nd_cert_write_text(&set, &b) == 0 && strstr(b.data, "summary: 2 certificates, 2 errors") != NULL);
	nd_buf_free(&b);
	nd_cert_set_free(&set);
out:
	OPENSSL_free(der);
	BIO_free(bio);
	X509_free(leaf);
	X509_free(root);
	EVP_PKEY_free(lk);
	EVP_PKEY_free(rk);
}

/* Empty, garbage and broken PEM input fail naming the file. */
static void test_bad_input(void)
{
	static const char pem[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
	static const unsigned char junk[] = {0x30, 0x82, 0xff, 0xff, 0x01};
	nd_cert_set set;
	nd_error err;

	nd_cert_set_init(&set, 0);
	CHECK(nd_cert_read_mem(&set, "empty.cer", (const unsigned char *)"", 0, &err) == -1);
	CHECK(strstr(err.message, "empty.cer: no certificate") != NULL);
	CHECK(nd_cert_read_mem(&set, "junk.cer", junk, sizeof(junk), &err) == -1);
	CHECK(nd_cert_read_mem(&set, "bad.pem", (const unsigned char *)pem, sizeof(pem) - 1, &err) == -1);
	CHECK(set.n == 0);
	nd_cert_set_free(&set);
}

/* Times as text, before and after 1970. */
static void test_time(void)
{
	char buf[ND_CERT_TIME_SIZE];

	CHECK_STR(nd_cert_time_text(0, buf), "1970-01-01T00:00:00Z");
	CHECK_STR(nd_cert_time_text(-86400, buf), "1969-12-31T00:00:00Z");
	CHECK_STR(nd_cert_time_text(253402300799LL, buf), "9999-12-31T23:59:59Z");
	nd_libcrypto k;
	nd_error err;

	CHECK(nd_libcrypto_load(&k, &err) == 0);
	CHECK(nd_cert_time(&k, NULL) == 0);
}

int main(void)
{
	test_chain();
	test_bad_input();
	test_time();
	return check_report();
}
