/* nd_incidents: the tables where `diagnose` keeps its results (causes and
 * their remediation, incidents and findings, the evidence events of each,
 * the facts shown, the run's parameters), documented in docs/diagnose.md.
 * They belong to diagnose, not to ingest: they are created on the first
 * diagnose run and replaced as a whole on every run. */
#ifndef ND_INCIDENTS_H
#define ND_INCIDENTS_H

#include "nd_error.h"
#include "nd_store.h"

/* Begins the transaction of a diagnosis run (end it with nd_store_commit
 * or nd_store_rollback) and creates the result tables if needed and empties
 * them: in the database, or, when the store cannot be written (evidence on
 * read-only media), in memory for this connection only, shadowing any
 * results stored earlier. Returns 0, or -1 with err set. */
int nd_incidents_begin(nd_store *s, nd_error *err);

#endif
