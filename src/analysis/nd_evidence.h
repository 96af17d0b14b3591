/* nd_evidence: certificate evidence for an NPS decision from the CAPI2 log
 * of its NPS server (Microsoft-Windows-CAPI2/Operational, src/model/
 * fam_capi2.c). When NPS rejects a certificate (reasons 256-299: 258
 * revocation not checked, 259 revocation server offline, 265 untrusted
 * root, ...), the chain engine in lsass.exe has logged, a moment before,
 * which certificate of the chain failed and which CRL URL it could not
 * fetch. This joins the two: same host, the CAPI2 events from
 * ND_EVIDENCE_WINDOW_S seconds before the decision to one second after it,
 * and, when a chain event (11, 30) names its leaf, that leaf matching the
 * decision's user (UPN, DOMAIN\user or their user part, without case); the
 * revocation and fetch events (41, 53) of a chain build whose leaf does not
 * match (same CorrelationAuxInfo TaskId) are left out too. Pure: works on
 * nd_analysis_data, no database. */
#ifndef ND_EVIDENCE_H
#define ND_EVIDENCE_H

#include <stddef.h>

#include "nd_analysis_data.h"
#include "nd_buf.h"

#define ND_EVIDENCE_WINDOW_S 5 /* seconds of CAPI2 events before a decision */
#define ND_EVIDENCE_MAX 16     /* CAPI2 events kept for one decision */

typedef struct nd_capi2_evidence {
	size_t idx[ND_EVIDENCE_MAX]; /* indices of d->capi2, by time */
	size_t n;
	const nd_capi2_event *chain; /* names the failing certificate (11, else 41, else 30), or NULL */
	const nd_capi2_event *fetch; /* names the URL that failed (53, else 41 or the chain's), or NULL */
} nd_capi2_evidence;

/* Returns 1 if an NPS reason code is a certificate reason (256-299), else
 * 0. */
int nd_evidence_reason(uint32_t reason);

/* Returns 1 if two names of a user (a UPN, DOMAIN\user, a bare name, a
 * certificate's CN) have the same user part (before '@', after '\')
 * without ASCII case, else 0 (also when either is NULL or empty). */
int nd_evidence_same_user(const char *a, const char *b);

/* Finds the CAPI2 evidence of decision n in d into *out. Returns the number
 * of CAPI2 events found (0: none). */
size_t nd_evidence_capi2(const nd_analysis_data *d, const nd_decision *n, nd_capi2_evidence *out);

/* Appends to b the text of evidence e of decision n: the failing
 * certificate with its error, the URL with its error, where and when, e.g.
 * "\"Lab Issuing CA\": CRYPT_E_REVOCATION_OFFLINE (0x80092013);
 * URL http://pki/root.crl: ERROR_INTERNET_CANNOT_CONNECT (0x00002EFD)
 * (CAPI2 log of NPS01, lsass.exe, 0.3 s before the decision)". Returns 0,
 * or -1 when out of memory. */
int nd_evidence_capi2_text(const nd_analysis_data *d, const nd_decision *n, const nd_capi2_evidence *e, nd_buf *b);

#endif
