/* nd_analysis_load: reads from the store what the diagnosis needs, into
 * nd_analysis_data: the hosts, the client failures with the server they
 * dialled, the NPS decisions, the connects, the NPS names domains are
 * learned from, and the events the rules judge or look for nearby with
 * the fields the rules read, and the CAPI2 events that report a failure
 * (certificate evidence, nd_evidence). The only part of the diagnosis that reads
 * the database. */
#ifndef ND_ANALYSIS_LOAD_H
#define ND_ANALYSIS_LOAD_H

#include "nd_analysis_data.h"
#include "nd_error.h"
#include "nd_rules.h"
#include "nd_store.h"

/* Loads the data for a diagnosis with rules. Returns 0 with *out filled
 * (free it with nd_analysis_data_free), or -1 with err set. */
int nd_analysis_load(nd_store *s, const nd_rules *rules, nd_analysis_data *out, nd_error *err);

#endif
