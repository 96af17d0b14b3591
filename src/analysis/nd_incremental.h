/* nd_incremental: what a diagnosis must redo after new events, so that
 * `tail` re-diagnoses only what they can change and an incremental run
 * always equals a full one.
 *
 * An identity's attempts, incidents and their resolutions depend only on
 * its own events, the clock offsets of the client/NPS host pairs it has
 * candidate pairs on, the way keys are made (the domain pairs learned),
 * and the events incident rules look for near its attempts. So after new
 * events (refs above the last run's) the identities to re-diagnose are:
 *   - the identities of the new client failures, retries, decisions,
 *     grants, connects, locks and unlocks;
 *   - when a host pair's offset moved (or the pair appeared or went), the
 *     identities with a client failure on its client host;
 *   - the identities with an attempt within near_s seconds of a new event
 *     an incident rule looks for;
 *   - everything when the domain signature changed, or with no previous
 *     run.
 * Findings are per host: the hosts of new events are regrouped. */
#ifndef ND_INCREMENTAL_H
#define ND_INCREMENTAL_H

#include <stddef.h>
#include <stdint.h>

#include "nd_analysis_data.h"
#include "nd_correlate.h"
#include "nd_error.h"
#include "nd_strpool.h"

/* A host pair's offset, by host name (host indices change as hosts come). */
typedef struct nd_inc_offset {
	const char *client, *nps;
	int64_t offset;
} nd_inc_offset;

/* What a run leaves for the next one to compare with. */
typedef struct nd_inc_state {
	int64_t last_ref;       /* the events it saw: refs up to this */
	uint64_t domains;       /* the correlation's domain signature */
	nd_inc_offset *offsets; /* by client host, then NPS host (byte order) */
	size_t noffsets;
	nd_strpool pool;
} nd_inc_state;

/* Records the state of a run over d that gave c (replacing what s held).
 * Returns 0, or -1 with err set. */
int nd_inc_state_capture(nd_inc_state *s, const nd_analysis_data *d, const nd_correlation *c, nd_error *err);

/* Frees a state. Returns nothing. */
void nd_inc_state_free(nd_inc_state *s);

/* What a run must redo. */
typedef struct nd_inc_dirty {
	int all;     /* everything */
	char *ids;   /* c->nids flags: the identity (an id of c) is re-diagnosed */
	char *hosts; /* d->nhosts flags: the host's findings are regrouped */
	size_t nids; /* identities flagged */
} nd_inc_dirty;

/* Decides what a run over d (correlated into c) must redo after the run
 * that left prev (NULL: none); near_s is the largest window an incident
 * rule looks for events in. Returns 0 with *out filled, or -1 with err
 * set. */
int nd_incremental_dirty(const nd_inc_state *prev, const nd_analysis_data *d, const nd_correlation *c, double near_s,
			 nd_inc_dirty *out, nd_error *err);

/* Frees the flags. Returns nothing. */
void nd_inc_dirty_free(nd_inc_dirty *x);

#endif
