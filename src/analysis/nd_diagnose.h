/* nd_diagnose: the diagnosis run. Loads what it needs from the store
 * (nd_analysis_load), then, in memory, correlates (nd_correlate), judges
 * every attempt and every server event against the rules (nd_judge),
 * groups repeated attempts of one identity and cause into incidents and
 * server events of one host and cause into findings, marking incidents
 * resolved by a later grant or connect (nd_group), carries each incident's
 * key over from the previous run (nd_keys), and replaces the result tables
 * (nd_diagnose_write, docs/diagnose.md): readers see the old results until
 * the last transaction puts the new ones in place (in one transaction, or
 * in a SQLite file in WAL mode new tables committed part by part first:
 * nd_incidents_renew). */
#ifndef ND_DIAGNOSE_H
#define ND_DIAGNOSE_H

#include <stddef.h>

#include "nd_analysis_data.h"
#include "nd_correlate.h"
#include "nd_error.h"
#include "nd_group.h"
#include "nd_keys.h"
#include "nd_rules.h"
#include "nd_store.h"

typedef struct nd_diagnose_params {
	double window_s; /* seconds a client failure may follow its NPS decision */
	double skew_s;   /* largest clock offset between a client and an NPS server */
	double gap_s;    /* attempts further apart start a new incident */
	int test;        /* tests only, else 0: flags of the load (ND_LOAD_PARTS, ND_LOAD_SIDE_FAILS,
			  * ND_LOAD_FAILS: nd_analysis_load), ND_DIAGNOSE_FAILS, ND_DIAGNOSE_PARTS,
			  * ND_DIAGNOSE_WRITE_FAILS */
} nd_diagnose_params;

/* test: a run without tail's memory fails once it has grouped ("injected
 * failure"), while the previous run's keys are read. */
#define ND_DIAGNOSE_FAILS 128

/* test: a full rewrite that is a renewal (nd_incidents_renew) commits a
 * part after every incident, not every ND_INCIDENTS_PART. */
#define ND_DIAGNOSE_PARTS 256

/* test: a full rewrite fails once its rows are written ("injected
 * failure"), before they are put in place. */
#define ND_DIAGNOSE_WRITE_FAILS 512

#define ND_DIAGNOSE_DEFAULTS {5.0, 2.0, 3600.0, 0}

typedef struct nd_diagnose_stats {
	size_t attempts;  /* connection attempts judged */
	size_t paired;    /* of which with a client failure and an NPS decision */
	size_t unmatched; /* attempts no rule matched (not in any incident) */
	size_t incidents;
	size_t findings;
	size_t rewritten; /* incidents and findings written (all, but for a run that wrote only changes) */
	int64_t since;    /* the earliest last attempt (ts) of those written; INT64_MAX: none */
	int64_t first;    /* the lowest id written; INT64_MAX: none */
	size_t loaded;    /* rows read from the store (all, but for a run that added only what was stored since) */
	size_t kept;      /* incidents kept as the last run grouped them (`tail`: identities no new event touched) */
	size_t keyed;     /* incidents and findings given their keys anew (the others kept the last run's) */
} nd_diagnose_stats;

/* Diagnoses everything in the store with the rules. Returns 0 with st
 * filled, or -1 with err set (the previous results are then kept). */
int nd_diagnose_run(nd_store *s, const nd_rules *rules, const nd_diagnose_params *p, nd_diagnose_stats *st,
		    nd_error *err);

/* A diagnosis kept in memory once stored, for printing it without reading
 * the results back (nd_diagnosis_rows gives each incident's rows): what
 * was loaded, correlated and grouped, and the keys. Owns all of it but
 * rules (kept by reference). */
typedef struct nd_diagnosis {
	nd_analysis_data d;
	nd_correlation c;
	nd_grouping g; /* incident or finding i + 1 is g.v[i] */
	nd_key *keys; /* of each group */
	const nd_rules *rules;
	double gap_s;
} nd_diagnosis;

/* As nd_diagnose_run, and keeps the diagnosis in *x (emptied first; on
 * failure left empty). With store 0 the results are not written: the
 * results transaction stays open (the previous results emptied) for
 * nd_diagnose_store, or for the caller to roll back. Returns 0 with st
 * filled, or -1 with err set. */
int nd_diagnose_keep(nd_store *s, const nd_rules *rules, const nd_diagnose_params *p, nd_diagnosis *x, int store,
		     nd_diagnose_stats *st, nd_error *err);

/* Writes the diagnosis x (nd_diagnose_keep with store 0) into the
 * results transaction and commits it. Reads x only, so that another
 * thread may read x meanwhile. Returns 0, or -1 with err set (the caller
 * rolls back). */
int nd_diagnose_store(nd_store *s, const nd_diagnosis *x, const nd_diagnose_params *p, nd_error *err);

/* Frees what x holds and empties it. Returns nothing. */
void nd_diagnosis_free(nd_diagnosis *x);

/* What a diagnosis leaves for the next one of the same process (`tail`
 * diagnoses after every round): the data it loaded (the next run reads
 * only the events stored since, and reads everything again when events
 * went away or a new one changes what was loaded), what it stored of each
 * incident, and how the stored results looked when it was done. */
typedef struct nd_diagnose_memory nd_diagnose_memory;

/* Returns an empty memory, or NULL when out of memory. */
nd_diagnose_memory *nd_diagnose_memory_new(void);

/* Forgets what m holds, so that the next run loads and writes everything
 * (the rules changed). Returns nothing. */
void nd_diagnose_memory_forget(nd_diagnose_memory *m);

/* Frees m (NULL is fine). Returns nothing. */
void nd_diagnose_memory_free(nd_diagnose_memory *m);

/* As nd_diagnose_run, but when m holds the results the last run left and
 * the store still holds them unchanged (same parameters; no other run
 * rewrote them since), rewrites only the incidents whose rows changed; the
 * stored results are then what a full run writes. Records what it wrote in
 * m. Returns 0 with st filled, or -1 with err set (m is then forgotten). */
int nd_diagnose_again(nd_store *s, const nd_rules *rules, const nd_diagnose_params *p, nd_diagnose_memory *m,
		      nd_diagnose_stats *st, nd_error *err);

#endif
