/* nd_cert_evidence: which diagnosed incidents the findings of a user's
 * certificate chain (src/cert, `npsdiag cert`, docs/cert.md) explain: the
 * one rule for `diagnose --cert` (facts attached to incidents) and `report
 * --cert` (a certificate section). A finding of severity warning or error
 * explains an incident when it names the incident's cause (the id of the
 * rule in rules/certificates.rules, e.g. issuing-ca-no-cdp ->
 * revocation-check-failed) or its signature "ERROR/REASON" is the
 * incident's (the NPS reason equal, and the client error when the incident
 * has one); and, when the chain's leaf names a user (a UPN of its SAN, else
 * the CN of its subject), that user is the incident's user or identity by
 * user part without case (nd_evidence): a chain is one user's. The fact is
 * "cert.<finding id>" with the finding's message, which names the
 * certificate (e.g. the issuing CA certificate without CDP). */
#ifndef ND_CERT_EVIDENCE_H
#define ND_CERT_EVIDENCE_H

#include <stdint.h>

#include "nd_buf.h"
#include "nd_cert.h"
#include "nd_error.h"
#include "nd_store.h"

/* An incident as the findings are compared with it. */
typedef struct nd_cert_target {
	const char *cause;    /* its cause id */
	const char *user;     /* as logged, or NULL */
	const char *identity; /* or NULL */
	int has_client_error, has_nps_reason;
	int64_t client_error, nps_reason;
} nd_cert_target;

/* The user a chain's leaf names, read once per chain. */
typedef struct nd_cert_user {
	const nd_cert *leaf; /* NULL: the chain has no leaf */
	nd_buf cn;           /* the leaf subject's CN, empty when none */
} nd_cert_user;

/* Reads the user of set's leaf into u (free it with nd_cert_user_free).
 * Returns 0, or -1 when out of memory. */
int nd_cert_user_init(nd_cert_user *u, const nd_cert_set *set);

/* Frees what u holds. Returns nothing. */
void nd_cert_user_free(nd_cert_user *u);

/* Returns 1 when finding f of the chain whose leaf's user is u explains
 * incident t (the rule above), else 0. */
int nd_cert_explains(const nd_cert_user *u, const nd_cert_finding *f, const nd_cert_target *t);

/* Called for one incident and finding that explains it: name
 * "cert.<finding id>", value the finding's message. Returns 0, or -1 with
 * err set to stop. */
typedef int (*nd_cert_evidence_fn)(void *ctx, int64_t incident, const char *name, const char *value, nd_error *err);

/* Matches the findings of the judged set to the incidents of the last
 * diagnosis in s, calling fn for each match (by incident id, then finding).
 * Returns the number of matches, or -1 with err set. */
long nd_cert_evidence_match(nd_store *s, const nd_cert_set *set, nd_cert_evidence_fn fn, void *ctx, nd_error *err);

/* Stores the matches as facts of their incidents, after the facts they
 * have, in one transaction. Returns the number stored, or -1 with err set
 * (nothing stored). */
long nd_cert_evidence_attach(nd_store *s, const nd_cert_set *set, nd_error *err);

#endif
