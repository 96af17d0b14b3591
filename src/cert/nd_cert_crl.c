/* nd_cert_crl: the CRL behind each CDP URL of the chain, downloaded and
 * checked against the certificate's issuer: its signature, its issuer
 * name, thisUpdate/nextUpdate, and whether the certificate is listed.
 * LDAP URLs are marked not fetched (NPS reads them from the directory). */
#include "nd_cert.h"

#include <stdlib.h>
#include <string.h>

#include "nd_ascii.h"
#include "nd_http.h"
#include "nd_libcrypto.h"

/* Returns 1 when url starts with scheme (case-insensitive), else 0. */
static int has_scheme(const char *url, const char *scheme)
{
	size_t i;

	for (i = 0; scheme[i]; i++)
		if (!url[i] || nd_ascii_lower((unsigned char)url[i]) != scheme[i])
			return 0;
	return 1;
}

/* Parses a downloaded CRL, DER or PEM. Returns it, or NULL. */
static X509_CRL *parse_crl(const nd_libcrypto *k, const nd_buf *b)
{
	const unsigned char *p = (const unsigned char *)b->data;
	X509_CRL *crl = b->len <= (size_t)ND_CERT_CRL_MAX ? k->d2i_X509_CRL(NULL, &p, (long)b->len) : NULL;
	BIO *bio;

	if (!crl && (bio = k->BIO_new_mem_buf(b->data, (int)b->len)) != NULL) {
		crl = k->PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
		k->BIO_free(bio);
	}
	return crl;
}

/* Checks a CRL against certificate c and its issuer (NULL when not
 * given), filling r. Returns nothing. */
static void check_crl(const nd_libcrypto *k, X509_CRL *crl, const nd_cert *c, const nd_cert *issuer, nd_cert_crl *r)
{
	X509_REVOKED *rev = NULL;
	EVP_PKEY *key = issuer ? k->X509_get0_pubkey(issuer->x509) : NULL;

	r->fetched = 1;
	r->issuer_match = k->X509_NAME_cmp(k->X509_CRL_get_issuer(crl), k->X509_get_issuer_name(c->x509)) == 0;
	r->signature = key ? k->X509_CRL_verify(crl, key) == 1 : -1;
	r->this_update = nd_cert_time(k, k->X509_CRL_get0_lastUpdate(crl));
	r->next_update = nd_cert_time(k, k->X509_CRL_get0_nextUpdate(crl));
	if (k->X509_CRL_get0_by_serial(crl, &rev, k->X509_get0_serialNumber(c->x509)) == 1 && rev) {
		r->revoked = 1;
		r->revoked_at = nd_cert_time(k, k->X509_REVOKED_get0_revocationDate(rev));
	}
	k->ERR_clear_error();
}

/* Fetches and checks the CRL at url for certificate i into r. Returns 0,
 * or -1 when out of memory. */
static int fetch_one(nd_cert_set *set, size_t i, const char *url, long timeout_ms, nd_cert_crl *r)
{
	const nd_cert *c = &set->v[i];
	nd_buf b = {0};
	nd_error e;
	X509_CRL *crl;

	memset(r, 0, sizeof(*r));
	r->signature = -1;
	if (!(r->url = strdup(url)))
		return -1;
	if (has_scheme(url, "ldap:") || has_scheme(url, "ldaps:")) {
		r->ldap = 1;
		return 0;
	}
	if (!has_scheme(url, "http:") && !has_scheme(url, "https:"))
		return (r->error = strdup("not an HTTP or LDAP URL")) ? 0 : -1;
	if (nd_http_get(url, timeout_ms, ND_CERT_CRL_MAX, &b, &e) != 0) {
		nd_buf_free(&b);
		return (r->error = strdup(e.message)) ? 0 : -1;
	}
	crl = parse_crl(set->crypto, &b);
	nd_buf_free(&b);
	set->crypto->ERR_clear_error();
	if (!crl)
		return (r->error = strdup("the download is not a CRL")) ? 0 : -1;
	check_crl(set->crypto, crl, c, c->issuer < set->n ? &set->v[c->issuer] : NULL, r);
	set->crypto->X509_CRL_free(crl);
	return 0;
}

int nd_cert_fetch_crls(nd_cert_set *set, long timeout_ms, nd_error *err)
{
	size_t i, j;

	for (i = 0; i < set->n; i++) {
		nd_cert *c = &set->v[i];

		if (c->role == ND_CERT_UNRELATED || c->cdp.n == 0)
			continue;
		if (!(c->crls = calloc(c->cdp.n, sizeof(*c->crls))))
			return nd_error_set(err, "out of memory");
		for (j = 0; j < c->cdp.n; j++) {
			if (fetch_one(set, i, c->cdp.v[j], timeout_ms, &c->crls[c->ncrls++]) != 0)
				return nd_error_set(err, "out of memory");
		}
	}
	set->fetched = 1;
	return 0;
}
