/* nd_cert_chain: the certificates of a run as one chain. Each is linked to
 * the certificate that issued it (subject/issuer names and key
 * identifiers, then the signature verified with the issuer's key); the
 * chain starts at the leaf (a certificate that issued none of the others,
 * preferably not a CA) and goes up to the root; the rest is unrelated. */
#include "nd_cert.h"

#include <stdlib.h>
#include <string.h>

#include "nd_libcrypto.h"

#define NO_INDEX ((size_t)-1)

/* Returns 1 when the key of issuer verifies the signature of c, else 0. */
static int signed_by(const nd_libcrypto *k, const nd_cert *c, const nd_cert *issuer)
{
	EVP_PKEY *key = k->X509_get0_pubkey(issuer->x509);

	return key && k->X509_verify(c->x509, key) == 1;
}

/* Links v[i] to its issuer among the set: one that matches by names and
 * key identifiers and whose key verifies the signature, else one that
 * matches so but does not verify, else one that only has the issuer's
 * name (a CA re-keyed, or another CA of the same name: signature 0).
 * Returns nothing. */
static void link_issuer(nd_cert_set *set, size_t i)
{
	const nd_libcrypto *k = set->crypto;
	nd_cert *c = &set->v[i];
	size_t j;
	int ok;

	for (j = 0; j < set->n; j++) {
		if (k->X509_check_issued(set->v[j].x509, c->x509) != X509_V_OK)
			continue;
		ok = signed_by(k, c, &set->v[j]);
		if (ok || c->issuer == NO_INDEX) {
			c->issuer = j;
			c->signature = ok;
		}
		if (ok)
			break;
	}
	for (j = 0; j < set->n && c->issuer == NO_INDEX; j++) {
		if (j != i &&
		    k->X509_NAME_cmp(k->X509_get_issuer_name(c->x509), k->X509_get_subject_name(set->v[j].x509)) == 0) {
			c->issuer = j;
			c->signature = signed_by(k, c, &set->v[j]);
		}
	}
	c->self_signed = c->issuer == i && c->signature == 1;
	k->ERR_clear_error();
}

/* Returns 1 when v[i] issued another certificate of the set, else 0. */
static int issued_other(const nd_cert_set *set, size_t i)
{
	size_t j;

	for (j = 0; j < set->n; j++)
		if (j != i && set->v[j].issuer == i)
			return 1;
	return 0;
}

/* Returns the index of the leaf: a certificate that issued none of the
 * others, an end-entity one first, else the first read. */
static size_t find_leaf(const nd_cert_set *set)
{
	size_t i, ca = NO_INDEX;

	for (i = 0; i < set->n; i++) {
		if (issued_other(set, i))
			continue;
		if (!set->v[i].is_ca)
			return i;
		if (ca == NO_INDEX)
			ca = i;
	}
	return ca != NO_INDEX ? ca : 0;
}

void nd_cert_set_order(nd_cert_set *set)
{
	size_t *order, *where, i, k = 0, at, chain;
	nd_cert *v;

	if (set->n == 0)
		return;
	for (i = 0; i < set->n; i++)
		link_issuer(set, i);
	order = malloc(set->n * sizeof(*order));
	where = malloc(set->n * sizeof(*where));
	v = malloc(set->n * sizeof(*v));
	if (!order || !where || !v) {
		/* Out of memory: the set stays in the order read, every role unrelated but the first. */
		for (i = 0; i < set->n; i++)
			set->v[i].role = i ? ND_CERT_UNRELATED : ND_CERT_LEAF;
		free(order);
		free(where);
		free(v);
		return;
	}
	for (i = 0; i < set->n; i++)
		where[i] = NO_INDEX;
	for (at = find_leaf(set); at != NO_INDEX && where[at] == NO_INDEX; at = set->v[at].issuer) {
		where[at] = k;
		order[k++] = at;
	}
	chain = k;
	for (i = 0; i < set->n; i++) {
		if (where[i] == NO_INDEX) {
			where[i] = k;
			order[k++] = i;
		}
	}
	for (i = 0; i < set->n; i++) {
		nd_cert *c = &v[i];

		*c = set->v[order[i]];
		if (c->issuer != NO_INDEX)
			c->issuer = where[c->issuer];
		if (i >= chain)
			c->role = ND_CERT_UNRELATED;
		else if (i == 0 && !c->is_ca)
			c->role = ND_CERT_LEAF;
		else if (i + 1 == chain && c->self_signed)
			c->role = ND_CERT_ROOT;
		else
			c->role = ND_CERT_ISSUING_CA;
	}
	memcpy(set->v, v, set->n * sizeof(*v));
	free(order);
	free(where);
	free(v);
}
