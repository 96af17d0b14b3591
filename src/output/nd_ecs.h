/* nd_ecs: an incident or finding as one line shaped after the Elastic
 * Common Schema (`diagnose --format ecs`, docs/results-json.md "ECS
 * lines"): @timestamp, message, event.*, host.name, user.*, source and
 * destination where known, rule.*, error.* and the npsdiag object. */
#ifndef ND_ECS_H
#define ND_ECS_H

#include "nd_out.h"
#include "nd_results.h"

/* The ECS version the lines follow. */
#define ND_ECS_VERSION "8.11.0"

/* Appends the line (without its newline) of a loaded incident or finding.
 * Returns nothing (failures are kept in o). */
void nd_ecs_incident(nd_out *o, const nd_res_incident *i);

#endif
