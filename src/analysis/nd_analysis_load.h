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
#include "nd_u64set.h"

/* The first server address a RasClient event names for a CoId on a host. */
typedef struct nd_analysis_dial {
	size_t host;
	int64_t ts, ref;
	const char *coid, *server;
} nd_analysis_dial;

/* Where a load got to, for nd_analysis_load_more to add what was stored
 * since (`tail` keeps its data between rounds). */
typedef struct nd_analysis_cursor {
	int64_t last;  /* the highest event id in the store then */
	int64_t count; /* the number of events in the store then; -1: rows newer than last were read */
	int64_t version; /* SQLite's data_version then (a commit by another connection changes it); 0: none */
	nd_analysis_dial *dials; /* the first per host and CoId, by host, CoId */
	size_t ndials, cap_dials;
	size_t loaded; /* the events (rows) the last load or load_more read */
	size_t *moved; /* when the last load_more added hosts: the new index of each host before, */
	size_t nmoved; /* of nmoved (the hosts are in byte order); else NULL */
	nd_u64set coids; /* the fingerprints of the host and CoId of every client failure loaded */
} nd_analysis_cursor;

/* Work done with the data while nd_analysis_load reads the rest of it:
 * it may read the data's hosts, client failures, decisions, connects,
 * unlocks, CAPI2 failures and NPS names, which are loaded and stay where
 * they are, and nothing else of the data, nor use the database (nor
 * nd_analysis_event: the rest's index remakes by_ref meanwhile). Returns
 * 0, or -1 with err set. */
typedef int (*nd_analysis_meanwhile)(void *ctx, nd_error *err);

/* beside (nd_analysis_load): 0 one connection and thread; ND_LOAD_BESIDE
 * the NPS decisions on two where their threads meet. With ND_LOAD_BESIDE,
 * for tests only, the split whatever the timing: ND_LOAD_PARTS(n) gives
 * the first connection n parts (0 to 8), split before the second one
 * reads; ND_LOAD_SIDE_FAILS fails the second connection's read once done
 * (the first then reads them all); ND_LOAD_FAILS fails the first
 * connection's once its parts are read (the load fails with "injected
 * failure", the second stops). */
#define ND_LOAD_BESIDE 1
#define ND_LOAD_PARTS(n) ((((n) > 8 ? 8 : (n)) + 1) << 1) /* at most 8: below ND_LOAD_SIDE_FAILS */
#define ND_LOAD_SIDE_FAILS 32
#define ND_LOAD_FAILS 64

/* Loads the data for a diagnosis with rules; with cur (NULL: none) also
 * what nd_analysis_load_more needs later (the dials, the fingerprints of
 * the client failures, and the table of shared strings stays): without,
 * none of it is made or kept. With beside, the NPS decisions of a SQLite
 * file may be read on a second connection by a thread of their own while
 * the rest is read (the first connection then reads the last of them,
 * from where the two threads meet; ND_LOAD_BESIDE and the flags above),
 * and the events the rules read, and the index of the events, on a thread
 * of their own while meanwhile runs (diagnose; tail keeps to one
 * connection and thread). meanwhile (NULL: none) is called with ctx once
 * when what it may read is loaded, before this returns, unless the load
 * failed before. Returns 0 with *out filled (free it with
 * nd_analysis_data_free) and *rows the number of rows read, or -1 with
 * err set (by the load, else by meanwhile). */
int nd_analysis_load(nd_store *s, const nd_rules *rules, nd_analysis_data *out, nd_analysis_cursor *cur, int beside,
		     nd_analysis_meanwhile meanwhile, void *ctx, size_t *rows, nd_error *err);

/* Adds to d (loaded with cur and the same rules) the events stored since
 * cur, so that d is what nd_analysis_load would give now: a new host is
 * put in its place (cur->moved says how the others moved), a new dial
 * that changes the server of a client failure loaded before changes it
 * (d->redialled). Returns 0 when it is; 1 when d must be loaded afresh
 * instead (events went away, or a dial of an empty CoId changes what was
 * loaded: d is then inconsistent), or -1 with err set. */
int nd_analysis_load_more(nd_store *s, const nd_rules *rules, nd_analysis_data *d, nd_analysis_cursor *cur,
			  nd_error *err);

/* Frees what cur holds and empties it. Returns nothing. */
void nd_analysis_cursor_free(nd_analysis_cursor *cur);

#endif
