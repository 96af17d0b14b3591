/* nd_cert_evidence: the findings of a user's certificate chain (src/cert,
 * `npsdiag cert`, docs/cert.md) attached to the diagnosed incidents they
 * explain. A finding with a cause (the id of the rule in
 * rules/certificates.rules that names its signature, e.g.
 * issuing-ca-no-cdp -> revocation-check-failed), of severity warning or
 * error, goes to each incident of that cause whose user the chain's leaf
 * names: a UPN of its SAN, else the CN of its subject, compared with the
 * incident's user and identity by user part without case (nd_evidence);
 * when the leaf names no user, to every incident of the cause. The fact is
 * "cert.<finding id>" with the finding's message, which names the
 * certificate (e.g. the issuing CA certificate without CDP). Reads (and,
 * to attach, writes) the result tables of the store. */
#ifndef ND_CERT_EVIDENCE_H
#define ND_CERT_EVIDENCE_H

#include <stdint.h>

#include "nd_cert.h"
#include "nd_error.h"
#include "nd_store.h"

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
