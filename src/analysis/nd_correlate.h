/* nd_correlate: pairs client failures with the NPS decisions that explain
 * them.
 *
 * Each RasClient 20227 is one attempt (several 20227 with the same CoId on
 * the same client are one attempt and its retries). An attempt is paired
 * with at most one NPS decision (6272, 6273, 6274) and a decision with at
 * most one attempt, on evidence only:
 *   - identity: the same account after nd_identity normalisation, with
 *     NetBIOS/DNS domain pairs learned from the NPS events and computer
 *     names; never across accounts;
 *   - time: the client logs the failure at most `window` seconds after the
 *     NPS decision, on the two hosts' clocks corrected by an offset
 *     estimated per client/NPS host pair within +-`skew` seconds (the
 *     offset that puts the most candidate pairs inside the window, the one
 *     nearest zero on ties);
 *   - among the candidates left, the pairs with the shortest corrected
 *     delay are taken first.
 * Client failures without a decision and denials without a client failure
 * are attempts on their own; grants (6272) not paired with a failure and
 * RasClient 20225 (connected) are kept as the events that resolve earlier
 * failures of the same identity.
 */
#ifndef ND_CORRELATE_H
#define ND_CORRELATE_H

#include <sqlite3.h>
#include <stdint.h>

#include "nd_error.h"
#include "nd_identity.h"

#define ND_KEY_MAX (2 * ND_IDENTITY_PART_MAX + 2)

typedef struct nd_attempt {
	char key[ND_KEY_MAX]; /* normalised identity */
	int64_t ts;           /* the client failure's time, else the NPS decision's */
	/* client side; client_ref 0 when there is no client failure */
	int64_t client_ref, client_ts;
	int has_client_error; /* the failure's code could be read */
	uint32_t client_error;
	char *client_user, *client_computer, *coid, *dialled;
	int64_t *retries; /* more 20227 of the same CoId */
	size_t nretries;
	/* NPS side; nps_ref 0 when there is no decision */
	int64_t nps_ref, nps_ts;
	uint32_t nps_event;
	int has_reason;
	uint32_t nps_reason;
	char *nps_user, *nps_computer, *nas;
} nd_attempt;

/* A grant or a successful connect: resolves earlier failures of key. */
typedef struct nd_resolution {
	char key[ND_KEY_MAX];
	int64_t ref, ts;
} nd_resolution;

typedef struct nd_correlation {
	nd_attempt *attempts; /* ordered by ts, then event ids */
	size_t n, cap;
	nd_resolution *resolutions; /* ordered by ts, then ref */
	size_t nres, cap_res;
} nd_correlation;

typedef struct nd_correlate_params {
	double window_s;
	double skew_s;
} nd_correlate_params;

/* Correlates every client failure and NPS decision of the database.
 * Returns 0 with *out filled, or -1 with err set. */
int nd_correlate(sqlite3 *db, const nd_correlate_params *p, nd_correlation *out, nd_error *err);

/* Frees a correlation. Returns nothing. */
void nd_correlation_free(nd_correlation *c);

#endif
