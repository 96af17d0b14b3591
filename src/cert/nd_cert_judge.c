/* nd_cert_judge: the findings that explain NPS reasons and RAS errors,
 * from the ordered chain (docs/cert.md lists them with their sources):
 * a CA or leaf without CDP (258), a missing Client Authentication EKU, an
 * incomplete or badly signed chain (265), an expired element, and with a
 * fetch the state of each CRL (259, revoked). */
#include "nd_cert.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "nd_vec.h"

#define FIX_IGNORE_NO_REV                                                                                              \
	"on every NPS server set IgnoreNoRevocationCheck=1 (DWORD) under "                                             \
	"HKLM\\SYSTEM\\CurrentControlSet\\Services\\RasMan\\PPP\\EAP\\13 and restart NPS (Restart-Service IAS)"

/* Appends a finding about certificate cert; the message is formatted from
 * a literal format with certificate text as arguments only. Returns 0, or
 * -1 when out of memory. */
static int add(nd_cert_set *set, const char *id, nd_cert_severity sev, size_t cert, const char *signature,
	       const char *cause, const char *fix, const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static int add(nd_cert_set *set, const char *id, nd_cert_severity sev, size_t cert, const char *signature,
	       const char *cause, const char *fix, const char *fmt, ...)
{
	nd_cert_finding *f;
	va_list ap;
	int n;
	char *msg;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(msg = malloc((size_t)n + 1)))
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (nd_vec_reserve(&set->findings, &set->fcap, set->nfindings + 1, sizeof(*set->findings)) != 0) {
		free(msg);
		return -1;
	}
	f = &set->findings[set->nfindings++];
	f->id = id;
	f->severity = sev;
	f->cert = cert;
	f->signature = signature;
	f->cause = cause;
	f->fix = fix;
	f->message = msg;
	return 0;
}

/* Judges what every element of the chain may have: validity, signature.
 * Returns 0, or -1 when out of memory. */
static int judge_validity(nd_cert_set *set, size_t i)
{
	const nd_cert *c = &set->v[i];
	const char *role = nd_cert_role_name(c->role);
	char t[ND_CERT_TIME_SIZE];
	int rc = 0;

	if (set->now > c->not_after)
		rc |= add(set, "expired", ND_CERT_ERROR, i, "854/268", "client-certificate-expired-or-revoked",
			  "renew the certificate (for a CA, re-issue the certificates below it)",
			  "the %s certificate \"%s\" expired on %s", role, c->subject,
			  nd_cert_time_text(c->not_after, t));
	else if (set->now < c->not_before)
		rc |= add(set, "not-yet-valid", ND_CERT_ERROR, i, "853/264", "eap-tls-message-or-credential-problem",
			  "check the clocks of the CA, the client and NPS (w32tm /resync)",
			  "the %s certificate \"%s\" is not valid before %s", role, c->subject,
			  nd_cert_time_text(c->not_before, t));
	if (c->signature == 0 && c->issuer < set->n)
		rc |=
		    add(set, "bad-signature", ND_CERT_ERROR, i, "265 / 0x800B0109", "client-ca-untrusted",
			"export the chain again: this certificate was not signed by the CA certificate given",
			"the signature of \"%s\" does not verify with the key of \"%s\", whose name it names as issuer",
			c->subject, set->v[c->issuer].subject);
	return rc;
}

/* Judges the leaf: CDP, Client Authentication, SAN. Returns 0, or -1. */
static int judge_leaf(nd_cert_set *set, size_t i)
{
	const nd_cert *c = &set->v[i];
	int rc = 0;

	if (c->cdp.n == 0 && c->not_after - c->not_before <= ND_CERT_SHORT_LIVED_S)
		rc |= add(set, "leaf-short-lived-no-cdp", ND_CERT_NOTE, i, "812/258",
			  "entra-ca-short-lived-certificate", FIX_IGNORE_NO_REV,
			  "the leaf \"%s\" is short-lived (%lld minutes) and has no CRL distribution point: by design "
			  "for an Entra Conditional Access VPN certificate, and NPS rejects it with reason 258 "
			  "unless revocation checking tolerates it",
			  c->subject, (long long)((c->not_after - c->not_before) / 60));
	else if (c->cdp.n == 0)
		rc |= add(set, "leaf-no-cdp", ND_CERT_ERROR, i, "853/258", "revocation-check-failed",
			  "add an HTTP CDP reachable from NPS to the certificate template and re-issue; "
			  "meanwhile " FIX_IGNORE_NO_REV,
			  "the leaf \"%s\" has no CRL distribution point: its template is missing a CDP, so NPS "
			  "cannot check its revocation and rejects it with reason 258",
			  c->subject);
	if (!c->client_auth)
		rc |= add(set, "leaf-no-client-auth", ND_CERT_ERROR, i, "853 / 73, 267, 283 or 296",
			  "client-certificate-expired-or-revoked",
			  "issue the certificate from a template whose application policies include Client "
			  "Authentication (1.3.6.1.5.5.7.3.2)",
			  "the leaf \"%s\" lacks the Client Authentication EKU (%s)", c->subject,
			  c->has_eku ? "it has other EKUs" : "it has no EKU extension");
	if (c->upns.n == 0 && c->dns.n == 0)
		rc |= add(set, "leaf-no-san-name", ND_CERT_WARNING, i, "853/16", "certificate-credentials-rejected",
			  "issue user certificates with a UPN and device certificates with a DNS name in the SAN",
			  "the leaf \"%s\" has neither a UPN nor a DNS name in its subject alternative name: NPS "
			  "maps a client certificate to its account by them",
			  c->subject);
	return rc;
}

/* Judges an issuing CA: CDP and EKUs. Returns 0, or -1. */
static int judge_ca(nd_cert_set *set, size_t i)
{
	const nd_cert *c = &set->v[i];
	int rc = 0;

	if (c->cdp.n == 0)
		rc |= add(set, "issuing-ca-no-cdp", ND_CERT_ERROR, i, "853/258", "revocation-check-failed",
			  "give the issuing CA certificate a CDP reachable from NPS (re-issue it from its root; for "
			  "Microsoft Intune Cloud PKI this is on Microsoft's side), or " FIX_IGNORE_NO_REV,
			  "the issuing CA certificate \"%s\" (sha1 %s) has no CRL distribution point: NPS cannot check "
			  "it against the CRL of \"%s\" and rejects every certificate it issued with reason 258 "
			  "(typical of Microsoft Intune Cloud PKI)",
			  c->subject, c->sha1, c->issuer_name);
	if (c->has_eku && !c->client_auth && !c->any_eku)
		rc |=
		    add(set, "ca-eku-no-client-auth", ND_CERT_ERROR, i, "853", "client-certificate-expired-or-revoked",
			"re-create the CA with Client Authentication among its EKUs (Cloud PKI CAs carry only the "
			"EKUs chosen at creation, never Any Purpose)",
			"the CA certificate \"%s\" restricts its EKUs and leaves out Client Authentication: no "
			"certificate below it is valid for client authentication",
			c->subject);
	return rc;
}

/* Judges the top of the chain: a root NPS must trust, or a missing
 * issuer. Returns 0, or -1. */
static int judge_top(nd_cert_set *set, size_t i)
{
	const nd_cert *c = &set->v[i];

	if (c->role == ND_CERT_ROOT)
		return add(set, "root-must-be-trusted", ND_CERT_NOTE, i, "265 / 0x800B0109", "client-ca-untrusted",
			   "certutil -addstore Root root.cer on every NPS server, the issuing CA in NTAuth "
			   "(certutil -dspublish -f issuing.cer NTAuthCA)",
			   "the root \"%s\" (sha1 %s) must be in the Trusted Root Certification Authorities store of "
			   "every NPS server",
			   c->subject, c->sha1);
	return add(set, "chain-incomplete", ND_CERT_WARNING, i, "265 / 0x800B0109", "client-ca-untrusted",
		   "give npsdiag the whole chain (certutil -ca.chain, or export with \"include all certificates in "
		   "the certification path\"), and import the missing CA certificates on every NPS server",
		   "the chain ends at \"%s\", whose issuer \"%s\" was not given: unless NPS has it, the chain is "
		   "incomplete and NPS rejects it with reason 265",
		   c->subject, c->issuer_name);
}

/* Judges the CRLs fetched for certificate i. Returns 0, or -1. */
static int judge_crls(nd_cert_set *set, size_t i)
{
	const nd_cert *c = &set->v[i];
	char t[ND_CERT_TIME_SIZE];
	size_t j;
	int rc = 0, good = 0;

	for (j = 0; j < c->ncrls; j++)
		good |= c->crls[j].fetched && c->crls[j].signature != 0 && c->crls[j].issuer_match &&
			(!c->crls[j].next_update || c->crls[j].next_update >= set->now);
	for (j = 0; j < c->ncrls; j++) {
		const nd_cert_crl *r = &c->crls[j];

		if (r->ldap) {
			rc |= add(set, "crl-ldap-not-fetched", ND_CERT_NOTE, i, NULL, NULL,
				  "check it from NPS: certutil -urlfetch -verify cert.cer",
				  "the LDAP CDP %s of \"%s\" was not fetched", r->url, c->subject);
			continue;
		}
		if (!r->fetched) {
			rc |= add(set, "crl-unreachable", good ? ND_CERT_WARNING : ND_CERT_ERROR, i, "853/259",
				  "crl-offline",
				  "make the CDP reachable from NPS over HTTP and publish the CRL there (certutil -crl "
				  "on the CA); meanwhile IgnoreRevocationOffline=1 under ...\\RasMan\\PPP\\EAP\\13",
				  "the CRL of \"%s\" at %s could not be fetched: %s", c->subject, r->url,
				  r->error ? r->error : "unknown error");
			continue;
		}
		if (r->signature == 0 || !r->issuer_match)
			rc |= add(set, "crl-bad-signature", ND_CERT_ERROR, i, "853/259", "crl-offline",
				  "publish the CRL the issuing CA signs at this URL",
				  "the CRL at %s is not signed by the issuer of \"%s\" (%s)", r->url, c->subject,
				  r->issuer_match ? "its signature does not verify" : "it names another issuer");
		if (r->next_update && r->next_update < set->now)
			rc |= add(set, "crl-expired", ND_CERT_ERROR, i, "853/259", "crl-offline",
				  "publish a fresh CRL (certutil -crl on the CA) and lengthen its validity and overlap",
				  "the CRL at %s for \"%s\" expired at %s (its nextUpdate)", r->url, c->subject,
				  nd_cert_time_text(r->next_update, t));
		else if (r->next_update && r->next_update - set->now < ND_CERT_CRL_SOON_S)
			rc |= add(set, "crl-expiring", ND_CERT_WARNING, i, "853/259", "crl-offline",
				  "check that the CA publishes the next CRL in time (CRL overlap period)",
				  "the CRL at %s for \"%s\" expires at %s, in less than a day", r->url, c->subject,
				  nd_cert_time_text(r->next_update, t));
		if (r->this_update > set->now)
			rc |= add(set, "crl-not-yet-valid", ND_CERT_ERROR, i, "853/259", "crl-offline",
				  "check the clocks of the CA and NPS",
				  "the CRL at %s for \"%s\" is not valid before %s (its thisUpdate)", r->url,
				  c->subject, nd_cert_time_text(r->this_update, t));
		if (r->revoked)
			rc |=
			    add(set, "revoked", ND_CERT_ERROR, i, "855/256", "client-certificate-expired-or-revoked",
				"issue a new certificate if the revocation was not intended",
				"the %s certificate \"%s\" (serial %s) is listed as revoked since %s in the CRL at %s",
				nd_cert_role_name(c->role), c->subject, c->serial, nd_cert_time_text(r->revoked_at, t),
				r->url);
	}
	return rc;
}

int nd_cert_judge(nd_cert_set *set, nd_error *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < set->n; i++) {
		const nd_cert *c = &set->v[i];

		if (c->role == ND_CERT_UNRELATED) {
			rc |= add(set, "not-in-chain", ND_CERT_NOTE, i, NULL, NULL, NULL,
				  "\"%s\" is not part of the chain of \"%s\"", c->subject, set->v[0].subject);
			continue;
		}
		rc |= judge_validity(set, i);
		if (c->role == ND_CERT_LEAF)
			rc |= judge_leaf(set, i);
		else if (c->role == ND_CERT_ISSUING_CA)
			rc |= judge_ca(set, i);
		if (i + 1 == set->n || set->v[i + 1].role == ND_CERT_UNRELATED)
			rc |= judge_top(set, i);
		if (set->fetched)
			rc |= judge_crls(set, i);
	}
	return rc ? nd_error_set(err, "out of memory") : 0;
}
