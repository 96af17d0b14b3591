/* nd_correlate_retries: the connection attempts among the client failures
 * of one identity. RasClient logs a 20227 for each try of an attempt, all
 * with the attempt's CoId: the failures of one client with one CoId are
 * one attempt, the first of them the attempt and the others its retries.
 *
 * They are found through a hash table of the CoIds, small enough to stay
 * in the cache. CoIds are attacker-controlled (a text CoId and a GUID's
 * bytes alike): CoIds made to collide in the table would make every
 * look-up walk the others, quadratic in an identity's failures. So the
 * probes are counted, and when they pass ND_CORRELATE_RETRY_PROBES per
 * failure the failures are sorted by client and CoId instead (n log n
 * whatever the CoIds). Both ways find the same attempts.
 */
#ifndef ND_CORRELATE_RETRIES_H
#define ND_CORRELATE_RETRIES_H

#include <stddef.h>
#include <stdint.h>

#include "nd_analysis_data.h"

/* The probes (slots looked at) a block of n failures may make, per
 * failure, beyond a few for any block: about 1.5 each at the table's
 * half load when the hash spreads the CoIds. */
#define ND_CORRELATE_RETRY_PROBES 4

/* A failure with a CoId as the sort sees it: the failure, its index. */
typedef struct nd_retry_at {
	const nd_client_failure *f;
	uint32_t at;
} nd_retry_at;

/* What finding the attempts of one block after another keeps: the hash
 * table, the sort's room, and counts the tests read. */
typedef struct nd_correlate_retries {
	uint32_t *slots; /* first failures of attempts: index + 1, 0 when empty */
	size_t cap_slots;
	nd_retry_at *sorted;
	size_t cap_sorted;
	size_t probes; /* slots looked at, over every block */
	size_t sorts;  /* blocks sorted because their probes passed the bound */
	int sort_only; /* sort every block (the tests compare both ways) */
} nd_correlate_retries;

/* Returns the hash table's hash of failure f's client and CoId (f has a
 * CoId). */
uint64_t nd_correlate_retries_hash(const nd_client_failure *f);

/* Returns the number of slots of the hash table for n failures: the
 * smallest power of two, 16 or more, that is at least 2n. */
size_t nd_correlate_retries_slots(size_t n);

/* Finds the attempts of the failures f[0..n) of one identity, in time
 * order: sets first[i] to the index of the first failure of f[i]'s
 * attempt (the same client and CoId), i when it is that one or has no
 * CoId. Returns 0, or -1 when out of memory (or n is 4G or more). */
int nd_correlate_retries_find(nd_correlate_retries *t, const nd_client_failure *const *f, size_t n, uint32_t *first);

/* Frees what t keeps. Returns nothing. */
void nd_correlate_retries_free(nd_correlate_retries *t);

#endif
