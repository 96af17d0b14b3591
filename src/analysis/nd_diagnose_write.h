/* nd_diagnose_write: stores a diagnosis in the result tables (nd_incidents,
 * docs/diagnose.md): the causes in effect, every incident and finding with
 * its evidence and facts, the run's parameters. The caller holds the
 * transaction and has emptied the tables. */
#ifndef ND_DIAGNOSE_WRITE_H
#define ND_DIAGNOSE_WRITE_H

#include "nd_analysis_data.h"
#include "nd_correlate.h"
#include "nd_diagnose.h"
#include "nd_error.h"
#include "nd_group.h"
#include "nd_keys.h"
#include "nd_rules.h"
#include "nd_store.h"

/* Writes the results of one run, with keys[i] the key of group i of g.
 * Returns 0, or -1 with err set. */
int nd_diagnose_write(nd_store *s, const nd_rules *rules, const nd_diagnose_params *p, const nd_analysis_data *d,
		      const nd_correlation *c, const nd_grouping *g, const nd_key_incident *keys, nd_error *err);

#endif
