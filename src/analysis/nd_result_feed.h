/* nd_result_feed: the rows of the incidents, built once, passed from the
 * thread that prints them to the thread that stores them. The printer
 * builds each incident's rows (nd_diagnosis_rows) into the chunk it is
 * filling, prints from them, and hands the chunk over once it holds
 * ND_RESULT_FEED_INCIDENTS incidents; the writer inserts a chunk's rows
 * and gives it back. A few chunks go round, so memory does not grow with
 * the number of incidents. Only the printer changes a chunk (it empties
 * one when it takes it again): the writer reads. */
#ifndef ND_RESULT_FEED_H
#define ND_RESULT_FEED_H

#include "nd_diagnose_write.h"
#include "nd_error.h"

#define ND_RESULT_FEED_INCIDENTS 256 /* incidents a chunk holds before it is handed over */

typedef struct nd_result_feed nd_result_feed;

/* Makes a feed. Returns 0, or -1 with err set. */
int nd_result_feed_open(nd_result_feed **out, nd_error *err);

/* Frees f, once neither side uses it. Returns nothing. */
void nd_result_feed_close(nd_result_feed *f);

/* The printer: returns the chunk to put incident rows into, having handed
 * the current one over when it holds ND_RESULT_FEED_INCIDENTS incidents
 * (waiting for a free chunk); NULL when the feed has ended or the writer
 * gave up (the rows then go elsewhere). */
nd_result_rows *nd_result_feed_rows(nd_result_feed *f);

/* The printer: one more incident's rows are in the current chunk.
 * Returns nothing. */
void nd_result_feed_added(nd_result_feed *f);

/* The printer: hands the current chunk over and ends the feed, complete
 * (1: every incident was put in order) or not (0: the writer must not
 * commit). Returns nothing. */
void nd_result_feed_end(nd_result_feed *f, int complete);

/* The writer: waits for the next chunk. Returns it, or NULL at the end
 * of the feed. */
const nd_result_rows *nd_result_feed_take(nd_result_feed *f);

/* The writer: gives the chunk taken last back. Returns nothing. */
void nd_result_feed_give(nd_result_feed *f);

/* The writer: gives up (an error), so that the printer no longer waits.
 * Returns nothing. */
void nd_result_feed_fail(nd_result_feed *f);

/* The writer, at the end: returns 1 when the printer put every incident,
 * else 0. */
int nd_result_feed_complete(nd_result_feed *f);

#endif
