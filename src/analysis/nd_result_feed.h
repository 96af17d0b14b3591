/* nd_result_feed: the rows of the incidents, passed from the thread that
 * prints them to the thread that stores them, in id order. The printer
 * builds each incident's rows (nd_diagnosis_rows) into the chunk it is
 * filling and prints from them there; an incident it has not reached yet
 * when a later one is printed (the walk prints the open ones first) it
 * builds there too while the writer is behind, else names it, and the
 * writer builds its rows itself (building them twice on the printer's
 * thread made it the longer of the two; always on the writer's, that). A
 * chunk is handed over once it holds ND_RESULT_FEED_INCIDENTS parts; the
 * writer inserts its parts in order and gives it back. The printer ends
 * the feed as soon as every incident is in it (the walk may print more
 * after that: the writer goes on to its index and commit meanwhile,
 * instead of waiting for the last line). A few chunks go
 * round, so memory does not grow with the number of incidents. Only the
 * printer changes a chunk (it empties one when it takes it again): the
 * writer reads. */
#ifndef ND_RESULT_FEED_H
#define ND_RESULT_FEED_H

#include "nd_diagnose_write.h"
#include "nd_error.h"

/* Parts a chunk holds before it is handed over. Each handover may wake
 * the other thread, and a wake-up costs the waker 0.1-0.2 ms on the
 * virtual machines measured (the IPI to an idle vCPU): at 1M incidents
 * chunks of 256 made 7,000-12,000 futex calls a run, of 4096 700-900. */
#define ND_RESULT_FEED_INCIDENTS 4096

typedef struct nd_result_feed nd_result_feed;

/* A part of a chunk: incident ids first .. last (from 1), with their rows
 * in the chunk (built: one incident, its events rows the next ones of the
 * chunk's batches), or to be built by the writer. */
typedef struct nd_result_part {
	size_t first, last;
	size_t events; /* built: its rows in the chunk's events batch */
	int built;
} nd_result_part;

/* A chunk: the rows of its built parts, in part order, and the parts. */
typedef struct nd_result_chunk {
	nd_result_rows rows;
	nd_result_part parts[ND_RESULT_FEED_INCIDENTS];
	size_t nparts;
} nd_result_chunk;

/* Makes a feed. Returns 0, or -1 with err set. */
int nd_result_feed_open(nd_result_feed **out, nd_error *err);

/* Frees f, once neither side uses it. Returns nothing. */
void nd_result_feed_close(nd_result_feed *f);

/* The printer: returns the chunk to put the next incident's rows into,
 * having handed the current one over when it is full (waiting for a free
 * chunk); NULL when the feed has ended or the writer gave up (the rows
 * then go elsewhere). */
nd_result_rows *nd_result_feed_rows(nd_result_feed *f);

/* The printer: the rows of incident id are now in the chunk
 * nd_result_feed_rows returned, after the rows put before. Returns
 * nothing. */
void nd_result_feed_added(nd_result_feed *f, size_t id);

/* The printer: the writer is to build incidents first .. last itself,
 * after what was put before (a chunk handed over when full). Returns 0,
 * or -1 when the feed has ended or the writer gave up. */
int nd_result_feed_skip(nd_result_feed *f, size_t first, size_t last);

/* The printer: returns 1 when a chunk handed over waits for the writer
 * (it is behind: the printer had better build the incidents it would
 * skip), else 0. */
int nd_result_feed_behind(nd_result_feed *f);

/* The printer: hands the current chunk over and ends the feed, complete
 * (1: every incident was put in order) or not (0: the writer must not
 * commit). The printer may go on reading the rows of the chunks it handed
 * over (both sides only read them; none is refilled after the end), so
 * the feed is closed only after the printer is done with them. Returns
 * nothing. */
void nd_result_feed_end(nd_result_feed *f, int complete);

/* The writer: waits for the next chunk. Returns it, or NULL at the end
 * of the feed. */
const nd_result_chunk *nd_result_feed_take(nd_result_feed *f);

/* The writer: gives the chunk taken last back. Returns nothing. */
void nd_result_feed_give(nd_result_feed *f);

/* The writer: gives up (an error), so that the printer no longer waits.
 * Returns nothing. */
void nd_result_feed_fail(nd_result_feed *f);

/* The writer, at the end: returns 1 when the printer put every incident,
 * else 0. */
int nd_result_feed_complete(nd_result_feed *f);

#endif
