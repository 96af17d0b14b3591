/* nd_tail: follows growing .evtx logs by polling, for the NPS server or a
 * WEF collector. Each round lists the files (directories searched for
 * *.evtx), checks each one cheaply — identity, size, mtime and the CRCs
 * of its newest chunk and of the chunk after it — and ingests only what
 * changed, reading the newest chunk (whose header may lag its records)
 * and the chunks not yet settled (see chunk_seen in nd_tail.c). Polling
 * works on network shares and on Windows, where change notifications do
 * not.
 *
 * Progress lives in the database with the events (see nd_ingest), so a
 * restarted tail resumes exactly where it stopped. A log archived or
 * renamed is recognised (device and inode) under its new name. A log that
 * was replaced, cleared (record ids restart), truncated or wrapped (the
 * oldest chunk overwritten) is reported and read afresh; events already
 * stored are recognized, so nothing is stored twice. A log that wrapped
 * whole between two rounds lost records unread: the notice names their ids,
 * also across a restart (the last record id read from each log is kept in
 * sources.last_record_id).
 */
#ifndef ND_TAIL_H
#define ND_TAIL_H

#include <stdint.h>

#include "nd_error.h"
#include "nd_ingest.h"
#include "nd_source.h"
#include "nd_store.h"

typedef struct nd_tail nd_tail;

typedef struct nd_tail_hooks {
	void *ctx;
	/* Told of a change in a followed log: a new file, a replaced, cleared,
	 * truncated or wrapped log, a file that went away, a log archived or
	 * renamed (then other is its new path; else other is NULL). Paths come
	 * from the file system: escape them before printing. */
	void (*notice)(void *ctx, const char *path, const char *what, const char *other);
} nd_tail_hooks;

/* Creates a tail over paths (kept by reference). Returns it, or NULL when
 * out of memory. */
nd_tail *nd_tail_new(char *const *paths, size_t npaths, const nd_ingest_report *rep, const nd_tail_hooks *hooks);

/* Frees a tail. Returns nothing. */
void nd_tail_free(nd_tail *t);

/* Runs one polling round. Returns 0 with *new_events set to the number of
 * events stored, or -1 with err set when the store failed. */
int nd_tail_round(nd_tail *t, nd_store *s, uint64_t *new_events, nd_error *err);

/* Returns the tail as a source whose rounds are nd_tail_round, for the
 * follow loop (nd_source_run). */
nd_source nd_tail_source(nd_tail *t);

#endif
