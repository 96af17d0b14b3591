/* evtx_reader: the EVTX input. Streams a .evtx file one chunk at a time,
 * finds its records (evtx_format), lets through only the records of a kept
 * family (evtx_filter), has libevtx decode those (evtx_decode), parses the
 * XML (event_xml), names classic fields (family) and hands each event to a
 * sink. Memory is one chunk plus one event, whatever the file's size.
 *
 * Problems are reported to the sink with the file, chunk and record, and
 * never stop the walk: a bad chunk is skipped, a bad record is skipped.
 */
#ifndef ND_EVTX_READER_H
#define ND_EVTX_READER_H

#include <stdint.h>

#include "family.h"
#include "nd_error.h"
#include "nd_event.h"

typedef enum nd_problem_kind {
	ND_PROBLEM_ERROR,  /* something could not be read */
	ND_PROBLEM_WARNING /* an oddity that lost nothing */
} nd_problem_kind;

typedef struct nd_evtx_sink {
	void *ctx;
	/* Asked with the 512-byte header of each chunk before its records are
	 * read. Returns 1 to read the chunk, 0 to skip it without reading its
	 * records (a tail that knows the chunk is complete and unchanged). May
	 * be NULL: every chunk is read. */
	int (*chunk_header)(void *ctx, uint64_t offset, const uint8_t *header);
	/* Asked after a chunk is walked, with its fingerprint. Returns 1 to
	 * decode its wanted records, 0 to skip them (unchanged since the last
	 * ingest). */
	int (*chunk_begin)(void *ctx, uint64_t offset, uint32_t fingerprint);
	/* Told after a chunk was read; errors is the number of its records that
	 * could not be read. Returns 0, or -1 to stop (err set). */
	int (*chunk_end)(void *ctx, uint64_t offset, uint32_t fingerprint, uint64_t errors, nd_error *err);
	/* Given each kept event. Returns 0, or -1 to stop (err set): only for
	 * failures of the sink itself, such as the database. */
	int (*event)(void *ctx, const nd_family *fam, nd_event *ev, nd_error *err);
	/* Told of a problem in the input; msg names file, chunk and record. */
	void (*problem)(void *ctx, nd_problem_kind kind, const char *msg);
	/* Told how far the walk is, in bytes. May be NULL. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
} nd_evtx_sink;

typedef struct nd_evtx_counts {
	uint64_t records, wanted, skipped, errors, warnings, chunks, unchanged;
} nd_evtx_counts;

/* Returns 1 if the file at path starts with the EVTX signature, 0 if not,
 * -1 if it cannot be read. */
int nd_evtx_is_evtx(const char *path);

/* Reads the EVTX file at path into sink, adding to *counts. Returns 0 when
 * the file was read (possibly with problems reported to the sink), -1 with
 * err set when the file cannot be read at all (not EVTX, unreadable) or the
 * sink stopped. */
int nd_evtx_read(const char *path, const nd_evtx_sink *sink, nd_evtx_counts *counts, nd_error *err);

#endif
