/* nd_correlate: pairs client failures with the NPS decisions that explain
 * them, on loaded data (nd_analysis_data); no database, no I/O.
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
 *
 * Attempts point into the data by index; the result holds no copy of an
 * event and allocates nothing per pair.
 */
#ifndef ND_CORRELATE_H
#define ND_CORRELATE_H

#include <stddef.h>
#include <stdint.h>

#include "nd_analysis_data.h"
#include "nd_error.h"
#include "nd_strpool.h"

#define ND_NONE ((size_t)-1)

typedef struct nd_attempt {
	const char *key; /* normalised identity, "" when none could be read */
	int64_t ts;      /* the client failure's time, else the NPS decision's */
	size_t client;   /* index in the data's clients, ND_NONE */
	size_t nps;      /* index in the data's decisions, ND_NONE */
	int64_t client_ref, nps_ref; /* their refs, 0 when absent */
	size_t retry, nretries; /* more 20227 of the same CoId: retries[retry .. retry + nretries) */
} nd_attempt;

/* A grant or a successful connect: resolves earlier failures of key. */
typedef struct nd_resolution {
	const char *key;
	int64_t ref, ts;
} nd_resolution;

typedef struct nd_correlation {
	nd_attempt *attempts; /* ordered by ts, then client ref, then NPS ref */
	size_t n, cap;
	size_t *retries; /* client indices */
	size_t nretries, cap_retries;
	nd_resolution *resolutions; /* ordered by ts, then ref */
	size_t nres, cap_res;
	nd_strpool keys;
} nd_correlation;

typedef struct nd_correlate_params {
	double window_s;
	double skew_s;
} nd_correlate_params;

/* Correlates every client failure and NPS decision of d. Returns 0 with
 * *out filled, or -1 with err set. */
int nd_correlate(const nd_analysis_data *d, const nd_correlate_params *p, nd_correlation *out, nd_error *err);

/* Estimates the clock offset of one client/NPS host pair from the deltas
 * (client time minus NPS time, ticks, sorted ascending) of its candidate
 * pairs: the start in [-skew, skew] of the window that holds the most
 * deltas, nearest zero on ties. Returns the offset (ticks). */
int64_t nd_correlate_offset(const int64_t *delta, size_t n, int64_t window, int64_t skew);

/* Frees a correlation. Returns nothing. */
void nd_correlation_free(nd_correlation *c);

#endif
