/* nd_report_int: what the report writers (nd_report_html, nd_report_md,
 * nd_report_csv) share: the results reader of the selection, its scope,
 * the output sink. Internal to nd_report. */
#ifndef ND_REPORT_INT_H
#define ND_REPORT_INT_H

#include "nd_error.h"
#include "nd_out.h"
#include "nd_report.h"
#include "nd_results.h"

#define ND_REP_EVIDENCE_MAX ND_RES_FIELDS_MAX /* evidence events shown per incident, with their fields */

typedef struct nd_rep {
	nd_results *res;
	nd_out out;
	const nd_report_options *o;
	nd_error *err;
	const nd_print_filter *filter; /* the selection, stated in the report; never NULL */
	nd_res_scope scope;
	void *state; /* the format's own, for its callbacks */
} nd_rep;

/* Calls fn for each selected incident (which), in stored order, loaded
 * (facts, the first ND_REP_EVIDENCE_MAX evidence events) when load is set. Returns 0, or -1 with r->err set (or fn's -1). */
int nd_rep_incidents(nd_rep *r, nd_res_which which, int load, int (*fn)(nd_rep *r, const nd_res_incident *i));

/* Appends the counts of the scope ("N incident(s) (N attempt(s)) and N
 * configuration finding(s) from N event(s) of N host(s) in N file(s), "),
 * the same in every format. Returns nothing. */
void nd_rep_scope_counts(nd_rep *r);

/* Appends the counts of a cause ("N user(s), N incident(s), N attempt(s)"
 * or, for a finding, "N finding(s) on N host(s), N event(s)"). Returns
 * nothing. */
void nd_rep_cause_counts(nd_rep *r, const nd_res_summary *s);

/* Appends the active filters ("user LAB\\x, since T, until T, cause C"),
 * each value through esc, or "none (every incident and finding)". Returns
 * nothing. */
void nd_rep_filters(nd_rep *r, int (*esc)(nd_buf *, const char *));

/* The format writers. Return 0, or -1 with r->err set. */
int nd_report_html(nd_rep *r);
int nd_report_md(nd_rep *r);
int nd_report_csv(nd_rep *r);

#endif
