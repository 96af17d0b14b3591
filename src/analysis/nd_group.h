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

/* The groups of a grouping as nd_keys_pass reads them (nd_keys_fresh):
 * read where they are, with an index of the events they hold over the
 * data's events (at 1M incidents 17 MB, where nd_group_keys's copies and
 * an index of them take about 110 MB). */
typedef struct nd_group_held {
	const nd_analysis_data *d;
	const nd_correlation *c;
	const nd_grouping *g;
	nd_key *keys;    /* where their keys are written */
	int by_position; /* the events asked about are positions in d->events, not refs */
	uint32_t *start; /* the groups holding d->events[e]: of[start[e] .. start[e + 1]) */
	uint32_t *of;
} nd_group_held;

/* Makes f read the groups of g (the events of nd_group_keys), their keys
 * written into keys[0..g->n), through h; with by_position f's holding is
 * asked about events by their position in d->events (a number out of its
 * range: an event not loaded, held by none) instead of by ref (the
 * lookup done beforehand, on another thread). Returns 0, or -1 with err
 * set (h is then freed). */
int nd_group_held_make(const nd_analysis_data *d, const nd_correlation *c, const nd_grouping *g, nd_key *keys,
		       int by_position, nd_group_held *h, nd_keys_fresh *f, nd_error *err);

/* Frees the index of h: f's holding may no longer be called (its about
 * and key may, as nd_keys_pass_end calls them). Returns nothing. */
void nd_group_held_free(nd_group_held *h);

/* Frees a grouping. Returns nothing. */
void nd_grouping_free(nd_grouping *g);

#endif
