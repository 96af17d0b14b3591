/* nd_cert_set: the set of certificates of one run, its findings, and the
 * string lists they use. */
#include "nd_cert.h"

#include <stdlib.h>
#include <string.h>

#include "nd_libcrypto.h"
#include "nd_vec.h"

int nd_strs_add(nd_strs *l, const char *s)
{
	char *copy;

	if (nd_vec_reserve(&l->v, &l->cap, l->n + 1, sizeof(*l->v)) != 0 || !(copy = strdup(s)))
		return -1;
	l->v[l->n++] = copy;
	return 0;
}

void nd_strs_free(nd_strs *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void nd_cert_set_init(nd_cert_set *set, int64_t now)
{
	memset(set, 0, sizeof(*set));
	set->now = now;
}

/* Frees one certificate's members (k: its set's libcrypto). Returns
 * nothing. */
static void cert_free(const nd_libcrypto *k, nd_cert *c)
{
	size_t i;

	k->X509_free(c->x509);
	free(c->file);
	free(c->subject);
	free(c->issuer_name);
	free(c->serial);
	free(c->sha1);
	free(c->key);
	nd_strs_free(&c->ekus);
	nd_strs_free(&c->upns);
	nd_strs_free(&c->dns);
	nd_strs_free(&c->cdp);
	nd_strs_free(&c->ocsp);
	nd_strs_free(&c->ca_issuers);
	for (i = 0; i < c->ncrls; i++) {
		free(c->crls[i].url);
		free(c->crls[i].error);
	}
	free(c->crls);
}

void nd_cert_set_free(nd_cert_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		cert_free(set->crypto, &set->v[i]);
	for (i = 0; i < set->nfindings; i++)
		free(set->findings[i].message);
	free(set->v);
	free(set->findings);
	free(set->crypto);
	memset(set, 0, sizeof(*set));
}

size_t nd_cert_count(const nd_cert_set *set, nd_cert_severity sev)
{
	size_t i, n = 0;

	for (i = 0; i < set->nfindings; i++)
		n += set->findings[i].severity == sev;
	return n;
}

const char *nd_cert_role_name(nd_cert_role role)
{
	switch (role) {
	case ND_CERT_LEAF: return "leaf";
	case ND_CERT_ISSUING_CA: return "issuing CA";
	case ND_CERT_ROOT: return "root CA";
	default: return "not in the chain";
	}
}

const char *nd_cert_severity_name(nd_cert_severity sev)
{
	return sev == ND_CERT_ERROR ? "error" : sev == ND_CERT_WARNING ? "warning" : "note";
}
