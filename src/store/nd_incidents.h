/* nd_incidents: the tables where `diagnose` keeps its results (causes and
 * their remediation, incidents and findings, the evidence events of each,
 * the facts shown, the run's parameters), documented in docs/diagnose.md.
 * They belong to diagnose, not to ingest: they are created on the first
 * diagnose run and replaced as a whole on every run. */
#ifndef ND_INCIDENTS_H
#define ND_INCIDENTS_H

#include "nd_error.h"
#include "nd_store.h"

/* Creates the result tables if needed and empties them, inside the
 * caller's transaction. Returns 0, or -1 with err set. */
int nd_incidents_reset(nd_store *s, nd_error *err);

#endif
