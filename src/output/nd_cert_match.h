/* nd_cert_match: which incidents of a results walk a certificate finding
 * explains (report --cert, docs/report.md "Certificates"), by the one rule
 * `diagnose --cert` also follows (nd_cert_evidence.h: the finding names the
 * incident's cause or signature, and the chain's leaf names its user). */
#ifndef ND_CERT_MATCH_H
#define ND_CERT_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "nd_cert.h"
#include "nd_cert_evidence.h"
#include "nd_error.h"
#include "nd_results.h"

#define ND_CERT_MATCH_IDS 10 /* incidents named per finding; the rest are counted */

/* The incidents a finding explains. */
typedef struct nd_cert_matches {
	int64_t ids[ND_CERT_MATCH_IDS]; /* the first ones, in walk order */
	size_t nids;
	int64_t total;
} nd_cert_matches;

/* Returns 1 when finding f of the chain whose leaf's user is u explains
 * incident i (never a configuration finding), else 0. */
int nd_cert_explains_incident(const nd_cert_user *u, const nd_cert_finding *f, const nd_res_incident *i);

/* Walks the selected incidents of res for those f (of the chain whose
 * leaf's user is u) explains; this restarts the walk of res. Returns 0
 * with *m filled, or -1 with err set. */
int nd_cert_match(nd_results *res, const nd_cert_user *u, const nd_cert_finding *f, nd_cert_matches *m,
		  nd_error *err);

#endif
