/* nd_cert_match: which incidents a certificate finding explains (report
 * --cert, docs/report.md "Certificates"). A finding names the cause it
 * explains (rules/certificates.rules) and the RAS error / NPS reason
 * signature NPS logs for it ("853/258"); an incident is explained when its
 * cause is that cause, or when its NPS reason is the signature's reason and
 * its client error, if it has one, is the signature's error. */
#ifndef ND_CERT_MATCH_H
#define ND_CERT_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "nd_cert.h"
#include "nd_error.h"
#include "nd_results.h"

#define ND_CERT_MATCH_IDS 10 /* incidents named per finding; the rest are counted */

/* The incidents a finding explains. */
typedef struct nd_cert_matches {
	int64_t ids[ND_CERT_MATCH_IDS]; /* the first ones, in walk order */
	size_t nids;
	int64_t total;
} nd_cert_matches;

/* Returns 1 when finding f explains incident i (never a configuration
 * finding), else 0. */
int nd_cert_explains(const nd_cert_finding *f, const nd_res_incident *i);

/* Walks the selected incidents of res for those f explains (this restarts
 * the walk of res). Returns 0 with *m filled, or -1 with err set. */
int nd_cert_match(nd_results *res, const nd_cert_finding *f, nd_cert_matches *m, nd_error *err);

#endif
