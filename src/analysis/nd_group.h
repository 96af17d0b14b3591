/* nd_group: attempts of one identity and cause into incidents (a new one
 * after a gap), each resolved by the first later grant or connect of its
 * identity and kind (VPN or not), an NPS lockout (reason 64) also by an
 * NPS unlock (6280); server events of one host and cause into findings. Works on
 * a judged correlation; no database, no I/O. */
#ifndef ND_GROUP_H
#define ND_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "nd_analysis_data.h"
#include "nd_correlate.h"
#include "nd_error.h"
#include "nd_keys.h"
#include "nd_rules.h"

/* An incident or a finding (64 bytes: one per incident, a million in a
 * fleet's month; the items of a grouping count in 32 bits). */
typedef struct nd_group {
	const nd_rule *rule;
	const char *key; /* identity, or the finding's host */
	int64_t first, last;
	int64_t resolved_ref, resolved_ts; /* the grant, connect or NPS unlock that resolved it; 0: open */
	uint32_t item, n; /* items[item .. item + n): attempt indices, or event indices for a finding */
	int finding;
} nd_group;

typedef struct nd_grouping {
	nd_group *v; /* incidents by first time, cause, identity; then findings by first time, cause, host */
	size_t n, cap;
	size_t nincidents;
	uint32_t *items; /* fewer than 4G (group) */
	size_t nitems;
} nd_grouping;

/* Groups the attempts of c with a cause (cause[i] for attempt i) and the
 * events of d with a finding rule (rule[i] for d->events[i]); attempts of
 * one identity and cause more than gap_s seconds apart start a new
 * incident. Returns 0 with *out filled, or -1 with err set. */
int nd_group_all(const nd_analysis_data *d, const nd_correlation *c, const nd_rule *const *cause,
		 const nd_rule *const *rule, double gap_s, nd_grouping *out, nd_error *err);

/* Groups as nd_group_all does, from prev, the grouping of the correlation
 * c was made again from (nd_correlate_again: c->was), judged then into
 * prev_cause and now with the same rules into cause: the incidents of
 * prev are kept, their attempts where they are in c now, unless their
 * identity was paired again or has an attempt whose cause changed; the
 * attempts of those identities and every finding are grouped again, and
 * merged in nd_group_all's order. *from (allocated, out->n entries)
 * receives for each group its index in prev when kept, else ND_NONE.
 * Returns 0 with *out and *from filled, or -1 with err set. */
int nd_group_again(const nd_analysis_data *d, const nd_correlation *c, const nd_rule *const *cause,
		   const nd_rule *const *rule, double gap_s, const nd_grouping *prev, const nd_rule *const *prev_cause,
		   nd_grouping *out, size_t **from, nd_error *err);

/* Returns the first event of group i of g as its key is made from
 * (nd_keys_make): its first attempt's client failure, else its NPS
 * decision; a finding's first event. */
int64_t nd_group_first_ref(const nd_analysis_data *d, const nd_correlation *c, const nd_grouping *g, size_t i);

/* The groups of g as nd_keys sees them (keys empty), in g's order: who
 * (identity or host), first time and event, and the events (client
 * failures, retries and NPS decisions of the attempts; a finding's
 * events), ascending in *refs, which the entries point into. With from
 * (nd_group_again), a group kept from the previous grouping is copied
 * from kept[from[i]] (its refs too) instead. Returns 0 with *out and
 * *refs allocated (free both), or -1 with err set. */
int nd_group_keys(const nd_analysis_data *d, const nd_correlation *c, const nd_grouping *g, const size_t *from,
		  const nd_key_incident *kept, nd_key_incident **out, int64_t **refs, nd_error *err);

/* Frees a grouping. Returns nothing. */
void nd_grouping_free(nd_grouping *g);

#endif
