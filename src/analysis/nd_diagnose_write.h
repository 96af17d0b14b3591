/* nd_diagnose_write: stores a diagnosis in the result tables (nd_incidents,
 * docs/diagnose.md): the causes in effect, every incident and finding with
 * its evidence and facts, the run's parameters. The caller holds the
 * transaction and has emptied the tables. */
#ifndef ND_DIAGNOSE_WRITE_H
#define ND_DIAGNOSE_WRITE_H

#include "nd_analysis_data.h"
#include "nd_batch.h"
#include "nd_correlate.h"
#include "nd_diagnose.h"
#include "nd_error.h"
#include "nd_group.h"
#include "nd_keys.h"
#include "nd_rules.h"
#include "nd_store.h"

/* The rows of the result tables, one batch a table: the writer's, or in
 * memory the rows of one incident (nd_diagnosis_rows), in the columns of
 * docs/diagnose.md: incidents (24: id .. resolved_time, key, facts),
 * incident_events (5); in memory also each fact's name and value (2), for
 * the printer (the facts column holds them as JSON). */
typedef struct nd_result_rows {
	nd_batch incidents, events, facts;
	nd_buf json;  /* the facts column of the incident being put (nd_incidents_fact_put) */
	size_t njson; /* its positions */
} nd_result_rows;

/* Opens rows in memory. Returns 0, or -1 with err set. */
int nd_result_rows_open(nd_result_rows *r, nd_error *err);

/* Frees them. Returns nothing. */
void nd_result_rows_close(nd_result_rows *r);

/* What building the rows of many incidents of one diagnosis looks up
 * once: per enabled rule, each fact's stored name and where its value is
 * read (the name lookup without case per incident cost more than the
 * value). */
typedef struct nd_row_plan nd_row_plan;

/* Makes the plan of x's rules and data into *out. Returns 0, or -1 with
 * err set. */
int nd_row_plan_make(const nd_diagnosis *x, nd_row_plan **out, nd_error *err);

/* Frees it (NULL: nothing). Returns nothing. */
void nd_row_plan_free(nd_row_plan *p);

/* Puts into r, after the rows it holds, the rows incident or finding
 * i + 1 of x is stored as: what nd_diagnose_write writes for it, without
 * the database; plan (nd_row_plan_make of x, or NULL) saves looking the
 * facts up again. Returns 0, or -1 with err set. */
int nd_diagnosis_rows(const nd_diagnosis *x, const nd_row_plan *plan, size_t i, nd_result_rows *r,
		      nd_error *err);

/* What a run wrote, for the next run of the same process (tail) to write
 * only what changed: a keyed hash of the rows of each incident id (a
 * forged collision would hide a change; see nd_hash_begin). */
typedef struct nd_written {
	uint64_t *h; /* incident id i's rows' keyed hash (nd_batch) at h[i - 1] */
	size_t n;    /* incidents and findings */
} nd_written;

/* Frees it. Returns nothing. */
void nd_written_free(nd_written *w);

/* Writes the results of one run, with keys[i] the key of group i of g, as
 * the caller's nd_incidents_renew began the rewrite: into the tables it
 * emptied, or a renewal's new tables, committing the caller's transaction
 * part by part (nd_incidents_commit_part); then puts them in place and
 * makes the index (nd_incidents_finish), and stores the causes and the
 * parameters; records in *out (when not NULL) what it wrote. Returns 0, or
 * -1 with err set (*out then emptied). */
int nd_diagnose_write(nd_store *s, const nd_rules *rules, const nd_diagnose_params *p, const nd_analysis_data *d,
		      const nd_correlation *c, const nd_grouping *g, const nd_key *keys, nd_written *out,
		      nd_error *err);

/* Rewrites, in tables that hold what *prev says (the same rules and
 * parameters), only the incidents whose rows differ from it: deletes the
 * rows of those ids and of the ids past the end, inserts their new rows,
 * and updates *prev. The tables then hold what nd_diagnose_write would
 * have written. Sets *changed to the number of incidents rewritten,
 * *since to the earliest last attempt among them (INT64_MAX: none) and
 * *first to the lowest id among them (INT64_MAX: none). same
 * (NULL: none) marks the ids the caller knows to have prev's rows, which
 * are then not built again to compare. Returns 0, or -1 with err set
 * (*prev then emptied). */
int nd_diagnose_write_changes(nd_store *s, const nd_diagnose_params *p, const nd_analysis_data *d,
			      const nd_correlation *c, const nd_grouping *g, const nd_key *keys,
			      const unsigned char *same, nd_written *prev, size_t *changed, int64_t *since, int64_t *first,
			      nd_error *err);

struct nd_result_feed;

/* nd_diagnose_store with the incidents' rows built by another thread and
 * passed through feed (nd_result_feed): writes the rows of each chunk
 * feed gives (building those of the incidents a chunk only names), then
 * the causes and the parameters, and commits; fails
 * when the feed ends incomplete. On failure makes feed fail too, so that
 * its printer no longer waits. Returns 0, or -1 with err set (the caller
 * rolls back). */
int nd_diagnose_store_fed(nd_store *s, const nd_diagnosis *x, const nd_diagnose_params *p,
			  struct nd_result_feed *feed, nd_error *err);

#endif
