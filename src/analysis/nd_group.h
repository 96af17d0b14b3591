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

typedef struct nd_group {
	const nd_rule *rule;
	const char *key;  /* identity, or the finding's host */
	int finding;
	size_t item, n;   /* items[item .. item + n): attempt indices, or event indices for a finding */
	int64_t first, last;
	const nd_resolution *resolution; /* NULL: open */
} nd_group;

typedef struct nd_grouping {
	nd_group *v; /* incidents by first time, cause, identity; then findings by first time, cause, host */
	size_t n, cap;
	size_t nincidents;
	size_t *items;
	size_t nitems;
} nd_grouping;

/* Groups the attempts of c with a cause (cause[i] for attempt i) and the
 * events of d with a finding rule (rule[i] for d->events[i]); attempts of
 * one identity and cause more than gap_s seconds apart start a new
 * incident. Returns 0 with *out filled, or -1 with err set. */
int nd_group_all(const nd_analysis_data *d, const nd_correlation *c, const nd_rule *const *cause,
		 const nd_rule *const *rule, double gap_s, nd_grouping *out, nd_error *err);

/* The groups of g as nd_keys sees them (keys empty), in g's order: who
 * (identity or host), first time and event, and the events (client
 * failures, retries and NPS decisions of the attempts; a finding's
 * events), ascending in *refs, which the entries point into. Returns 0
 * with *out and *refs allocated (free both), or -1 with err set. */
int nd_group_keys(const nd_analysis_data *d, const nd_correlation *c, const nd_grouping *g, nd_key_incident **out,
		  int64_t **refs, nd_error *err);

/* Frees a grouping. Returns nothing. */
void nd_grouping_free(nd_grouping *g);

#endif
