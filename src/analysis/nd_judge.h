/* nd_judge: the rules against the attempts of a correlation and against
 * the server events, on loaded data (fields and nearby events come from
 * nd_analysis_data); no database, no I/O. */
#ifndef ND_JUDGE_H
#define ND_JUDGE_H

#include <stddef.h>
#include <stdint.h>

#include "nd_analysis_data.h"
#include "nd_correlate.h"
#include "nd_error.h"
#include "nd_rules.h"

/* Judges attempt a with the incident rules. Returns 1 with *cause set, 0
 * when no rule matches (*cause NULL), -1 with err set. */
int nd_judge_attempt(const nd_rules *r, const nd_analysis_data *d, const nd_attempt *a, const nd_rule **cause,
		     nd_error *err);

/* Judges event e with the finding rules. Returns 1 with *rule set, 0 when
 * no rule matches (*rule NULL), -1 with err set. */
int nd_judge_event(const nd_rules *r, const nd_analysis_data *d, const nd_event *e, const nd_rule **rule,
		   nd_error *err);

/* Judges every event of d loaded for the finding rules (rule[i] for
 * d->events[i], NULL for the others). Returns 0, or -1 with err set. */
int nd_judge_events(const nd_rules *r, const nd_analysis_data *d, const nd_rule **rule, nd_error *err);

/* Judges every attempt of c (cause[i] for attempt i) and every event of d
 * loaded for the finding rules (rule[i] for d->events[i], NULL for the
 * others). Returns 0, or -1 with err set. */
int nd_judge_all(const nd_rules *r, const nd_analysis_data *d, const nd_correlation *c, const nd_rule **cause,
		 const nd_rule **rule, nd_error *err);

/* Returns the ref of the event of attempt a that a field of side reads: its
 * client failure, its NPS decision, 0 for the event side. */
int64_t nd_judge_ref(const nd_attempt *a, nd_rule_side side);

#endif
