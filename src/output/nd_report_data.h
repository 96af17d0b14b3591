/* nd_report_data: what a report shows, read from the database for the
 * format writers (nd_report_html, nd_report_md, nd_report_csv): the scope,
 * the summary by cause, the incidents and findings with their evidence and
 * remediation, the timeline. Strings handed to callbacks are valid during
 * the call only. Internal to nd_report. */
#ifndef ND_REPORT_DATA_H
#define ND_REPORT_DATA_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

#include "nd_buf.h"
#include "nd_error.h"
#include "nd_report.h"

#define ND_REP_EVIDENCE_MAX 12 /* evidence events shown per incident */
#define ND_REP_TIMELINE_BINS 240

typedef struct nd_rep {
	sqlite3 *db;
	const nd_report_options *o;
	FILE *out;
	nd_buf b;  /* output not yet written */
	int rc;    /* -1 once an append or write failed */
	nd_error *err;
} nd_rep;

typedef struct nd_rep_scope {
	int64_t files, events, hosts, incidents, findings, attempts;
	char first[40], last[40]; /* time range of the stored events */
	char window_s[32], skew_s[32];
} nd_rep_scope;

typedef struct nd_rep_cause {
	const char *cause_id, *kind, *title, *confidence, *first, *last;
	int64_t incidents, identities, attempts;
} nd_rep_cause;

typedef struct nd_rep_incident {
	int64_t id;
	const char *kind, *cause_id, *title, *confidence, *explanation, *match, *user, *identity, *client, *vpn,
		*nps, *first, *last, *status, *resolved, *client_symbol, *client_meaning, *nps_symbol, *nps_meaning;
	int64_t client_error, nps_event_id, nps_reason, count, paired, first_ts, last_ts;
	int has_client_error, has_nps_event_id, has_nps_reason;
} nd_rep_incident;

typedef struct nd_rep_event {
	const char *time, *computer, *provider, *role;
	int64_t event_id, attempt; /* attempt 0: none */
	size_t nfields;
	const char *const *names, *const *values;
} nd_rep_event;

/* A timeline lane: one host, its events binned over the scope's range. */
typedef struct nd_rep_lane {
	const char *host;
	int64_t failures[ND_REP_TIMELINE_BINS]; /* client failures and NPS denials */
	int64_t grants[ND_REP_TIMELINE_BINS];   /* NPS grants, connections */
	int64_t other[ND_REP_TIMELINE_BINS];    /* server events and the rest */
} nd_rep_lane;

/* Appends a literal (never event data). Returns nothing; failures are kept
 * in r->rc. */
void nd_rep_put(nd_rep *r, const char *s);

/* Appends text formatted from a literal format. Returns nothing. */
void nd_rep_printf(nd_rep *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s through an escaper (nd_escape_*). Returns nothing. */
void nd_rep_esc(nd_rep *r, int (*escaper)(nd_buf *, const char *), const char *s);

/* Appends the counts of the scope ("N incident(s) (N attempt(s)) and N
 * configuration finding(s) from N event(s) of N host(s) in N file(s), "),
 * the same in every format. Returns nothing. */
void nd_rep_scope_counts(nd_rep *r, const nd_rep_scope *sc);

/* Appends the counts of a cause ("N user(s), N incident(s), N attempt(s)"
 * or, for a finding, "N finding(s) on N host(s), N event(s)"). Returns
 * nothing. */
void nd_rep_cause_counts(nd_rep *r, const nd_rep_cause *c);

/* Fills the scope. Returns 0, or -1 with r->err set. */
int nd_rep_scope_get(nd_rep *r, nd_rep_scope *sc);

/* Calls fn for each cause of the selected incidents (incidents first, by
 * attempts). Returns 0, or -1 with r->err set. */
int nd_rep_causes(nd_rep *r, int (*fn)(nd_rep *r, const nd_rep_cause *c, void *ctx), void *ctx);

/* Calls fn for each selected incident (findings when findings is 1), in
 * stored order. Returns 0, or -1 with r->err set. */
int nd_rep_incidents(nd_rep *r, int findings, int (*fn)(nd_rep *r, const nd_rep_incident *i, void *ctx),
		     void *ctx);

/* Calls fn for the first ND_REP_EVIDENCE_MAX evidence events of an
 * incident, in time order, with their stored fields. Returns the number of
 * evidence events not shown, or -1 with r->err set. */
long nd_rep_evidence(nd_rep *r, int64_t incident, int (*fn)(nd_rep *r, const nd_rep_event *e, void *ctx),
		     void *ctx);

/* Calls fn for each remediation step of a cause with its commands.
 * Returns 0, or -1 with r->err set. */
int nd_rep_steps(nd_rep *r, const char *cause_id,
		 int (*fn)(nd_rep *r, int64_t step, const char *text, const char **cmds, size_t ncmds, void *ctx),
		 void *ctx);

/* Calls fn for each host lane of the timeline of the selected incidents'
 * evidence, hosts in name order. Returns 0, or -1 with r->err set. */
int nd_rep_timeline(nd_rep *r, int64_t *first_ts, int64_t *last_ts,
		    int (*fn)(nd_rep *r, const nd_rep_lane *l, void *ctx), void *ctx);

/* The format writers. Return 0, or -1 with r->err set. */
int nd_report_html(nd_rep *r);
int nd_report_md(nd_rep *r);
int nd_report_csv(nd_rep *r);

#endif
