/* nd_cert_describe: what one certificate says, as text: names, serial,
 * thumbprint, validity, key, EKUs, SAN (UPN, DNS), CDP and AIA URLs. */
#include "nd_cert.h"

#include <stdlib.h>
#include <string.h>

#include "nd_libcrypto.h"

#define UPN_OID "1.3.6.1.4.1.311.20.2.3"

/* The EKUs Windows names, by OID. */
static const struct {
	const char *oid, *name;
} eku_names[] = {
    {"1.3.6.1.5.5.7.3.1", "Server Authentication"},
    {"1.3.6.1.5.5.7.3.2", "Client Authentication"},
    {"1.3.6.1.5.5.7.3.3", "Code Signing"},
    {"1.3.6.1.5.5.7.3.4", "Secure Email"},
    {"1.3.6.1.5.5.7.3.9", "OCSP Signing"},
    {"1.3.6.1.5.5.8.2.2", "IP security IKE intermediate"},
    {"1.3.6.1.4.1.311.20.2.2", "Smart Card Logon"},
    {"1.3.6.1.4.1.311.10.3.4", "Encrypting File System"},
    {"2.5.29.37.0", "Any Purpose"},
};

/* Copies n bytes of certificate text, a NUL byte as U+2400. Returns the
 * string (malloc'ed), or NULL when out of memory. */
static char *text_dup(const unsigned char *p, size_t n)
{
	nd_buf b = {0};
	size_t i;

	if (nd_buf_reserve(&b, n) != 0)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((p[i] ? nd_buf_append(&b, p + i, 1) : nd_buf_append_utf8(&b, 0x2400)) != 0) {
			nd_buf_free(&b);
			return NULL;
		}
	}
	return b.data;
}

/* Adds an ASN.1 string's bytes to l. Returns 0, or -1 when out of memory. */
static int add_asn1(const nd_libcrypto *k, nd_strs *l, const ASN1_STRING *s)
{
	char *t = text_dup(k->ASN1_STRING_get0_data(s), (size_t)k->ASN1_STRING_length(s));
	int rc;

	if (!t)
		return -1;
	rc = nd_strs_add(l, t);
	free(t);
	return rc;
}

/* Returns the text of what bio holds (malloc'ed), or NULL. */
static char *bio_text(const nd_libcrypto *k, BIO *bio)
{
	char *p;
	long n = k->BIO_ctrl(bio, BIO_CTRL_INFO, 0, &p); /* BIO_get_mem_data */

	return n >= 0 ? text_dup((const unsigned char *)p, (size_t)n) : NULL;
}

/* Returns a name as RFC 2253 text, the most specific part first and
 * UTF-8 kept (malloc'ed), or NULL when out of memory. */
static char *name_text(const nd_libcrypto *k, const X509_NAME *name)
{
	BIO *bio = k->BIO_new(k->BIO_s_mem());
	char *t = NULL;

	if (bio && k->X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~(unsigned long)ASN1_STRFLGS_ESC_MSB) >= 0)
		t = bio_text(k, bio);
	k->BIO_free(bio);
	return t;
}

/* Returns the key's type and size, e.g. "RSA 2048" (malloc'ed), or NULL. */
static char *key_text(const nd_libcrypto *k, X509 *x)
{
	EVP_PKEY *key = k->X509_get0_pubkey(x);
	char group[80] = "", out[160];
	int id;

	k->ERR_clear_error();
	if (!key)
		return strdup("unreadable");
	id = k->EVP_PKEY_get_base_id(key);
	if (id == EVP_PKEY_RSA)
		snprintf(out, sizeof(out), "RSA %d", k->EVP_PKEY_get_bits(key));
	else if (id == EVP_PKEY_EC && k->EVP_PKEY_get_group_name(key, group, sizeof(group), NULL))
		snprintf(out, sizeof(out), "EC %d (%s)", k->EVP_PKEY_get_bits(key), group);
	else
		snprintf(out, sizeof(out), "%s %d", id != NID_undef ? k->OBJ_nid2sn(id) : "unknown",
			 k->EVP_PKEY_get_bits(key));
	return strdup(out);
}

/* Fills the EKU list and flags. Returns 0, or -1 when out of memory. */
static int describe_ekus(const nd_libcrypto *k, nd_cert *c)
{
	EXTENDED_KEY_USAGE *eku = k->X509_get_ext_d2i(c->x509, NID_ext_key_usage, NULL, NULL);
	const OPENSSL_STACK *objs = (const OPENSSL_STACK *)eku;
	char oid[128], text[256];
	int i, rc = 0;
	size_t j;

	c->has_eku = eku != NULL;
	for (i = 0; eku && rc == 0 && i < k->OPENSSL_sk_num(objs); i++) {
		const char *name = NULL;

		if (k->OBJ_obj2txt(oid, sizeof(oid), k->OPENSSL_sk_value(objs, i), 1) <= 0)
			continue;
		for (j = 0; j < sizeof(eku_names) / sizeof(eku_names[0]); j++)
			if (strcmp(oid, eku_names[j].oid) == 0)
				name = eku_names[j].name;
		c->client_auth |= strcmp(oid, "1.3.6.1.5.5.7.3.2") == 0;
		c->any_eku |= strcmp(oid, "2.5.29.37.0") == 0;
		if (name)
			snprintf(text, sizeof(text), "%s (%s)", name, oid);
		else
			snprintf(text, sizeof(text), "%s", oid);
		rc = nd_strs_add(&c->ekus, text);
	}
	k->EXTENDED_KEY_USAGE_free(eku);
	return rc;
}

/* Fills the UPN and DNS names of the SAN. Returns 0, or -1. */
static int describe_san(const nd_libcrypto *k, nd_cert *c)
{
	GENERAL_NAMES *san = k->X509_get_ext_d2i(c->x509, NID_subject_alt_name, NULL, NULL);
	const OPENSSL_STACK *names = (const OPENSSL_STACK *)san;
	char oid[128];
	int i, rc = 0;

	for (i = 0; san && rc == 0 && i < k->OPENSSL_sk_num(names); i++) {
		const GENERAL_NAME *g = k->OPENSSL_sk_value(names, i);

		if (g->type == GEN_DNS) {
			rc = add_asn1(k, &c->dns, g->d.dNSName);
		} else if (g->type == GEN_OTHERNAME &&
			   k->OBJ_obj2txt(oid, sizeof(oid), g->d.otherName->type_id, 1) > 0 &&
			   strcmp(oid, UPN_OID) == 0 && g->d.otherName->value &&
			   g->d.otherName->value->type == V_ASN1_UTF8STRING) {
			rc = add_asn1(k, &c->upns, g->d.otherName->value->value.utf8string);
		}
	}
	k->GENERAL_NAMES_free(san);
	return rc;
}

/* Fills the CDP URLs (full names of the distribution points). Returns 0,
 * or -1. */
static int describe_cdp(const nd_libcrypto *k, nd_cert *c)
{
	CRL_DIST_POINTS *cdp = k->X509_get_ext_d2i(c->x509, NID_crl_distribution_points, NULL, NULL);
	const OPENSSL_STACK *points = (const OPENSSL_STACK *)cdp;
	int i, j, rc = 0;

	for (i = 0; cdp && rc == 0 && i < k->OPENSSL_sk_num(points); i++) {
		const DIST_POINT *dp = k->OPENSSL_sk_value(points, i);
		const OPENSSL_STACK *full;

		if (!dp->distpoint || dp->distpoint->type != 0)
			continue;
		full = (const OPENSSL_STACK *)dp->distpoint->name.fullname;
		for (j = 0; rc == 0 && j < k->OPENSSL_sk_num(full); j++) {
			const GENERAL_NAME *g = k->OPENSSL_sk_value(full, j);

			if (g->type == GEN_URI)
				rc = add_asn1(k, &c->cdp, g->d.uniformResourceIdentifier);
		}
	}
	k->CRL_DIST_POINTS_free(cdp);
	return rc;
}

/* Fills the AIA URLs: OCSP responders and CA issuers. Returns 0, or -1. */
static int describe_aia(const nd_libcrypto *k, nd_cert *c)
{
	AUTHORITY_INFO_ACCESS *aia = k->X509_get_ext_d2i(c->x509, NID_info_access, NULL, NULL);
	const OPENSSL_STACK *ads = (const OPENSSL_STACK *)aia;
	int i, rc = 0;

	for (i = 0; aia && rc == 0 && i < k->OPENSSL_sk_num(ads); i++) {
		const ACCESS_DESCRIPTION *ad = k->OPENSSL_sk_value(ads, i);
		int nid = k->OBJ_obj2nid(ad->method);

		if (ad->location->type != GEN_URI)
			continue;
		if (nid == NID_ad_OCSP)
			rc = add_asn1(k, &c->ocsp, ad->location->d.uniformResourceIdentifier);
		else if (nid == NID_ad_ca_issuers)
			rc = add_asn1(k, &c->ca_issuers, ad->location->d.uniformResourceIdentifier);
	}
	k->AUTHORITY_INFO_ACCESS_free(aia);
	return rc;
}

/* Returns the serial number in hex (malloc'ed), or NULL. */
static char *serial_text(const nd_libcrypto *k, X509 *x)
{
	BIGNUM *bn = k->ASN1_INTEGER_to_BN(k->X509_get0_serialNumber(x), NULL);
	char *hex = bn ? k->BN_bn2hex(bn) : NULL, *t = hex ? strdup(hex) : NULL;

	k->CRYPTO_free(hex, __FILE__, __LINE__);
	k->BN_free(bn);
	return t;
}

/* Returns the SHA-1 thumbprint in lower-case hex, as certutil shows it
 * (malloc'ed), or NULL. */
static char *sha1_text(const nd_libcrypto *k, X509 *x)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	char *t;

	if (!k->X509_digest(x, k->EVP_sha1(), md, &n) || !(t = malloc(2 * n + 1)))
		return NULL;
	for (i = 0; i < n; i++)
		snprintf(t + 2 * i, 3, "%02x", md[i]);
	t[2 * n] = '\0';
	return t;
}

int nd_cert_describe(const nd_cert_set *set, nd_cert *c)
{
	const nd_libcrypto *k = set->crypto;
	X509 *x = c->x509;
	int rc;

	c->subject = name_text(k, k->X509_get_subject_name(x));
	c->issuer_name = name_text(k, k->X509_get_issuer_name(x));
	c->serial = serial_text(k, x);
	c->sha1 = sha1_text(k, x);
	c->key = key_text(k, x);
	c->not_before = nd_cert_time(k, k->X509_get0_notBefore(x));
	c->not_after = nd_cert_time(k, k->X509_get0_notAfter(x));
	c->is_ca = k->X509_check_ca(x) != 0;
	rc = describe_ekus(k, c) | describe_san(k, c) | describe_cdp(k, c) | describe_aia(k, c);
	k->ERR_clear_error();
	if (rc != 0 || !c->subject || !c->issuer_name || !c->serial || !c->sha1 || !c->key)
		return -1;
	return 0;
}
