/* nd_source: what tail follows, read in rounds: .evtx files polled
 * (nd_tail) or Windows event log channels (nd_channel). A round stores
 * what is new in the source, and where the source stands goes into the
 * database in the same transactions as the events (chunk fingerprints for
 * files, a bookmark for a channel), so that a restarted tail resumes
 * exactly. The follow loop (src/api) runs the rounds of all its sources
 * and diagnoses after each. */
#ifndef ND_SOURCE_H
#define ND_SOURCE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "nd_error.h"
#include "nd_store.h"

typedef struct nd_source {
	void *self;
	/* Reads what is new and stores it. Returns 0 with *new_events set to
	 * the number of events stored, or -1 with err set when the store (or
	 * the source: a channel that cannot be read) failed; nothing of the
	 * failed transaction is kept, and the next round reads it again. */
	int (*round)(void *self, nd_store *s, uint64_t *new_events, nd_error *err);
} nd_source;

/* Runs one round of each of src[0..n). Returns 0 with *new_events set to
 * the events all stored, or -1 with err set when one failed (the later
 * ones are not run). */
int nd_source_round(const nd_source *src, size_t n, nd_store *s, uint64_t *new_events, nd_error *err);

/* Runs rounds every interval_ms until *stop is set (by a signal handler),
 * calling round_done(ctx, events stored, err) after each. Returns 0 when
 * stopped, or -1 with err set when a round or round_done failed. */
int nd_source_run(const nd_source *src, size_t n, nd_store *s, unsigned interval_ms, volatile sig_atomic_t *stop,
		  int (*round_done)(void *ctx, uint64_t new_events, nd_error *err), void *ctx, nd_error *err);

#endif
