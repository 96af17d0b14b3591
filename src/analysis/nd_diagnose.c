#include "nd_diagnose.h"

#include <stdlib.h>
#include <string.h>

#include "nd_analysis_load.h"
#include "nd_correlate.h"
#include "nd_diagnose_write.h"
#include "nd_group.h"
#include "nd_incidents.h"
#include "nd_judge.h"

int nd_diagnose_run(nd_store *s, const nd_rules *rules, const nd_diagnose_params *p, nd_diagnose_stats *st,
		    nd_error *err)
{
	nd_correlate_params cp = {p->window_s, p->skew_s, NULL, 0, NULL, 0};
	nd_analysis_data d;
	nd_correlation c;
	nd_grouping g;
	const nd_rule **cause = NULL, **rule = NULL;
	size_t i;
	int rc = -1;

	memset(&d, 0, sizeof(d));
	memset(&c, 0, sizeof(c));
	memset(&g, 0, sizeof(g));
	memset(st, 0, sizeof(*st));
	if (nd_correlate_params_rules(&cp, rules, err) != 0)
		return -1;
	if (nd_incidents_begin(s, err) != 0) {
		nd_correlate_params_free(&cp);
		return -1;
	}
	if (nd_analysis_load(s, rules, &d, err) || nd_correlate(&d, &cp, &c, err))
		goto out;
	cause = calloc(c.n + 1, sizeof(*cause));
	rule = calloc(d.nevents + 1, sizeof(*rule));
	if (!cause || !rule) {
		nd_error_set(err, "out of memory");
		goto out;
	}
	if (nd_judge_all(rules, &d, &c, cause, rule, err) || nd_group_all(&d, &c, cause, rule, p->gap_s, &g, err) ||
	    nd_diagnose_write(s, rules, p, &d, &c, &g, err) || nd_store_commit(s, err))
		goto out;
	for (i = 0; i < c.n; i++) {
		st->paired += c.attempts[i].client_ref && c.attempts[i].nps_ref;
		st->unmatched += cause[i] == NULL;
	}
	st->attempts = c.n;
	st->incidents = g.nincidents;
	st->findings = g.n - g.nincidents;
	rc = 0;
out:
	if (rc)
		nd_store_rollback(s);
	free(cause);
	free(rule);
	nd_grouping_free(&g);
	nd_correlation_free(&c);
	nd_analysis_data_free(&d);
	nd_correlate_params_free(&cp);
	return rc;
}
