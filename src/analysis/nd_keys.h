/* nd_keys: stable incident keys. Positional ids (1, 2, ... in output
 * order) change whenever an earlier incident appears; a key stays with
 * an incident across re-diagnoses, so that `tail`, a ticket or a script
 * can follow it:
 *   - a new incident gets a key made from who it is about (identity, or a
 *     finding's host) and its first attempt's event;
 *   - an incident that shares an event with an incident of the previous
 *     run keeps that one's key, even when its cause or first attempt
 *     changed;
 *   - when an old incident splits, the part holding its first event keeps
 *     the key (else the part that begins first) and the others get new
 *     keys;
 *   - when old incidents merge, the merged one keeps the key of the one
 *     that began first.
 * Pure: the store keeps the keys (nd_incidents). */
#ifndef ND_KEYS_H
#define ND_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "nd_error.h"

#define ND_KEY_MAX 16 /* 12 hex digits and a NUL */

typedef struct nd_key_incident {
	const char *who;     /* identity, or the finding's host */
	int64_t first_ts;    /* its first attempt's (or event's) time */
	int64_t first_ref;   /* and event: the client failure, else the NPS decision */
	const int64_t *refs; /* its events (attempts' client failures and decisions), ascending */
	size_t nrefs;
	char key[ND_KEY_MAX]; /* old: its key; new: the key given */
} nd_key_incident;

/* Makes the key of an incident about who whose first event is ref, the
 * n-th try (0 first; a later try when the key is taken). Returns out. */
char *nd_keys_make(const char *who, int64_t ref, unsigned n, char out[ND_KEY_MAX]);

/* Gives each of the incidents fresh[0..nfresh) a key: the key of an
 * incident of old[0..nold) (the previous run) it continues, else a new one
 * that no incident of either holds. Returns 0, or -1 with err set. */
int nd_keys_assign(const nd_key_incident *old, size_t nold, nd_key_incident *fresh, size_t nfresh, nd_error *err);

#endif
