/* nd_results: the one reader of the results `diagnose` stored (the tables
 * of docs/diagnose.md) for every output format. It selects the incidents
 * and findings a filter asks for (nd_select) and hands them over one
 * incident view at a time: the incident with its cause (remediation steps
 * and commands, sources), facts, attempts and evidence events (all, or the
 * first N a format shows; the first ND_RES_FIELDS_MAX with their stored
 * fields). Alongside it reads the
 * scope, the summary by cause and the timeline of the selection.
 *
 * A run prepares a fixed set of statements once and keeps only small
 * per-run tables (the causes) and the current view in memory, so memory
 * does not grow with the number of incidents. Strings of a view stay
 * valid until the next nd_results_next or nd_results_close.
 *
 * Opened on a diagnosis kept in memory (nd_results_open_kept), it builds
 * each view from the rows the writer stored for it (nd_diagnosis_rows) and
 * the loaded events instead of reading them back: the same views, without
 * a query per incident (an event the diagnosis did not load is read). */
#ifndef ND_RESULTS_H
#define ND_RESULTS_H

#include "nd_db.h"
#include <stddef.h>
#include <stdint.h>

#include "nd_axis.h"
#include "nd_diagnose.h"
#include "nd_error.h"
#include "nd_select.h"

#define ND_RES_FIELDS_MAX 12     /* evidence events loaded with their stored fields */
#define ND_RES_TIMELINE_BINS 240

typedef struct nd_results nd_results;
struct nd_result_feed;

/* A remediation step of a cause. */
typedef struct nd_res_step {
	int64_t step;
	const char *text;
	const char **cmds;
	size_t ncmds;
} nd_res_step;

/* A cause (rule) as stored by the last diagnose run. */
typedef struct nd_res_cause {
	const char *cause_id, *kind, *title, *confidence, *explanation, *rule_file;
	int64_t rule_line;
	nd_res_step *steps;
	size_t nsteps;
	const char **sources;
	size_t nsources;
	size_t index; /* its place among the run's causes (from 0), for per-cause caches */
} nd_res_cause;

/* A code with what the code tables know of it (symbol, meaning may be
 * NULL). */
typedef struct nd_res_code {
	int has;
	int64_t code;
	const char *symbol, *meaning;
	size_t index; /* its place in the reader's code table from 1 (0: not there), for per-code caches */
} nd_res_code;

typedef struct nd_res_fact {
	const char *name, *value;
} nd_res_fact;

/* An evidence event. */
typedef struct nd_res_event {
	int64_t ref, event_id, attempt, delta_ticks, ts;
	int has_attempt, has_delta;
	const char *role, *provider, *computer, *time, *coid;
	size_t nfields; /* loaded for the first ND_RES_FIELDS_MAX events only, when asked for */
	const char **names, **values;
} nd_res_event;

/* An attempt: its (first) client failure and its (first) NPS decision,
 * pointers into the incident's events, each NULL when absent. */
typedef struct nd_res_attempt {
	int64_t attempt;
	const nd_res_event *client, *nps;
} nd_res_attempt;

/* One incident or finding. */
typedef struct nd_res_incident {
	int64_t id;
	const nd_res_cause *cause;
	const char *kind, *confidence, *match, *identity, *user, *client, *vpn, *nps, *first, *last, *status,
		*resolved;
	const char *key; /* the stable incident key, NULL while the schema has none */
	int64_t count, paired, first_ts, last_ts;
	nd_res_code client_error; /* code: the RAS / IKE error */
	nd_res_code nps_reason;   /* code: the NPS reason */
	int64_t nps_event_id;     /* when has_nps_event_id */
	int has_nps_event_id, finding, loaded;
	/* The rest is filled by nd_results_load. */
	nd_res_fact *facts;
	size_t nfacts;
	nd_res_event *events; /* time order */
	size_t nevents;           /* loaded */
	size_t events_total;      /* stored: nevents, or more when the load was limited */
	nd_res_attempt *attempts; /* attempt order; only when every event is loaded */
	size_t nattempts;
} nd_res_incident;

/* The scope of the stored events and of the selection. */
typedef struct nd_res_scope {
	int64_t files, events, hosts, incidents, findings, attempts;
	char first[40], last[40]; /* time range of the stored events, "-" when none */
	char window_s[32], skew_s[32], gap_s[32]; /* of the last diagnose run, "?" when unknown */
} nd_res_scope;

#define ND_RES_SUMMARY_IDS 5 /* incidents a summary line links to */

/* A line of the summary by cause. */
typedef struct nd_res_summary {
	const nd_res_cause *cause;
	const char *first, *last;
	int64_t incidents, identities, attempts; /* identities: hosts for findings */
	int64_t hosts;                           /* client computers (hosts for findings) */
	int64_t open;                            /* incidents not resolved */
	int64_t ids[ND_RES_SUMMARY_IDS];         /* its first incidents, open ones first */
	size_t nids;
} nd_res_summary;

/* A timeline lane: one host, the selection's evidence binned over the
 * axis (nd_results_axis). */
typedef struct nd_res_lane {
	const char *host;
	int64_t failures[ND_RES_TIMELINE_BINS]; /* client failures and NPS denials */
	int64_t grants[ND_RES_TIMELINE_BINS];   /* NPS grants, connections */
	int64_t other[ND_RES_TIMELINE_BINS];    /* server events and the rest */
} nd_res_lane;

/* Which incidents nd_results_rewind walks. */
typedef enum nd_res_which { ND_RES_ALL, ND_RES_INCIDENTS, ND_RES_FINDINGS } nd_res_which;

/* Opens a reader of the incidents and findings f selects (NULL: all) and
 * loads the causes. Returns 0 with *r set, or -1 with err set (no diagnose
 * results, a bad --user pattern, a database error). */
int nd_results_open(nd_results **r, nd_db *db, const nd_print_filter *f, nd_error *err);

/* As nd_results_open, with the incidents and findings read from x, the
 * diagnosis whose results db holds or is about to hold (kept by
 * reference; its rules give the causes). Every incident and finding of x
 * is selected, whatever f (not what the tables hold: another process may
 * have rewritten them since x was committed). With f NULL every incident and
 * finding is selected without reading the result tables, which may then
 * still be written (by another thread: the database is not used after
 * this returns until the gate, nd_results_gate, is passed), and only
 * nd_results_rewind, _next and _load may be called. Returns as
 * nd_results_open. */
int nd_results_open_kept(nd_results **r, nd_db *db, const nd_print_filter *f, const nd_diagnosis *x, nd_error *err);

/* Makes fn(ctx, err) be called once before r next uses the database (a
 * reader of a kept diagnosis reads an event it did not load): fn waits
 * until the database is free, and returns 0, or -1 with err set (the read
 * then fails). Returns nothing. */
void nd_results_gate(nd_results *r, int (*fn)(void *ctx, nd_error *err), void *ctx);

/* Makes r, opened on a kept diagnosis, build the rows of each incident
 * into feed (nd_result_feed, NULL: none) for the thread that stores them,
 * and view it from there, so that they are built once; the incidents the
 * walk has not reached when a later one is built are named to the feed
 * instead, for its writer to build. Returns 0, or -1 with err set (feed
 * then ended incomplete). */
int nd_results_feed(nd_results *r, struct nd_result_feed *feed, nd_error *err);

/* Names the incidents not yet in r's feed to it and ends it, then passes
 * r's gate (as when r next uses the database). Returns 0, or -1 with err
 * set. */
int nd_results_release(nd_results *r, nd_error *err);

/* Closes it; a feed not released ends incomplete, so that its writer
 * stores nothing. Its writer must have returned first: the rows it
 * stores are r's chunks, and the fact names in them are r's row plan's,
 * by reference. Returns nothing. */
void nd_results_close(nd_results *r);

/* Returns the number of incidents and findings selected. */
size_t nd_results_selected(const nd_results *r);

/* Starts (again) the walk over the selected incidents: incidents, then
 * findings; open incidents before resolved ones; each in stored order.
 * Returns nothing. */
void nd_results_rewind(nd_results *r, nd_res_which which);

/* Reads the next incident's row, without facts, attempts and evidence.
 * Returns 1 with *inc set, 0 at the end, or -1 with err set. */
int nd_results_next(nd_results *r, const nd_res_incident **inc, nd_error *err);

/* Loads the facts and evidence of the incident the last nd_results_next
 * returned: its first max_events evidence events (0: all of them, and the
 * attempts built from them), so that a format that shows a few does not
 * hold 50,000; with fields set, the first ND_RES_FIELDS_MAX of them with
 * their stored fields (only the reports show them). Once per incident.
 * Returns 0, or -1 with err set. */
int nd_results_load(nd_results *r, size_t max_events, int fields, nd_error *err);

/* Fills the scope. Returns 0, or -1 with err set. */
int nd_results_scope(nd_results *r, nd_res_scope *sc, nd_error *err);

/* Calls fn for each cause of the selection (incidents first, then by
 * attempts). Returns 0, or -1 with err set (or fn's -1). */
int nd_results_summary(nd_results *r, int (*fn)(void *ctx, const nd_res_summary *s), void *ctx, nd_error *err);

/* Feeds the times of the selection's evidence to the axis a and finishes
 * it. Returns 0, or -1 with err set. */
int nd_results_axis(nd_results *r, nd_axis *a, nd_error *err);

/* Calls fn for each host lane of the timeline of the selection's evidence,
 * binned over the finished axis a, hosts in name order. Returns 0, or -1
 * with err set (or fn's -1). */
int nd_results_timeline(nd_results *r, const nd_axis *a, int (*fn)(void *ctx, const nd_res_lane *l), void *ctx,
			nd_error *err);

#endif
