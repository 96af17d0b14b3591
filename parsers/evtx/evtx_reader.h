/* evtx_reader: the EVTX input. Streams a .evtx file one chunk at a time,
 * finds its records (evtx_format), reads each record's provider and event
 * id from its Binary XML (evtx_filter) and asks the sink whether it wants
 * the record, decodes the wanted ones with our own decoder (evtx_binxml) or,
 * for the records it refuses (or with ND_EVTX_DECODER_LIBEVTX), with
 * libevtx (evtx_decode) and its XML (event_xml), and hands each record to
 * the sink. The reader knows no
 * event families: which records matter is the sink's question to answer.
 * Chunks may be filtered and decoded on a few threads (nd_evtx_sink.threads);
 * the records reach the sink in file order all the same. Memory is a few
 * chunks and their decoded records per thread, whatever the file's size.
 *
 * Problems are reported to the sink with the file, chunk and record, and
 * never stop the walk: a bad chunk is skipped, a bad record is skipped.
 */
#ifndef ND_EVTX_READER_H
#define ND_EVTX_READER_H

#include <stdint.h>
#include <stdio.h>

#include "nd_error.h"
#include "nd_record.h"

typedef enum nd_problem_kind {
	ND_PROBLEM_ERROR,  /* something could not be read */
	ND_PROBLEM_WARNING /* an oddity that lost nothing */
} nd_problem_kind;

/* How wanted records are decoded. */
typedef enum nd_evtx_decoder_kind {
	ND_EVTX_DECODER_FAST,   /* evtx_binxml, libevtx for what it refuses (the default) */
	ND_EVTX_DECODER_LIBEVTX /* libevtx only, the reference */
} nd_evtx_decoder_kind;

typedef struct nd_evtx_sink {
	void *ctx;
	nd_evtx_decoder_kind decoder;
	/* Threads that filter and decode chunks while the calling thread reads
	 * and hands records over in file order: 0 for none (the calling
	 * thread does it all). With more, wants is called from those threads
	 * at the same time and must be safe so; every other callback is
	 * called from the calling thread only, in file order per callback
	 * (chunk_header and chunk_stored of a chunk may come before the
	 * records of earlier chunks). The threads also read the chunks and
	 * walk them. */
	unsigned threads;
	/* 1: the threads above start only when a chunk keeps enough records
	 * (16 or more) for decoding to be the work; until then the
	 * calling thread decodes, which is faster when the filter leaves
	 * little. 0: they start with the read. */
	int threads_on_demand;
	/* Asked with the 512-byte header of each chunk before its records are
	 * read. Returns 1 to read the chunk, 0 to skip it without reading its
	 * records (a tail that knows the chunk is complete and unchanged). May
	 * be NULL: every chunk is read. */
	int (*chunk_header)(void *ctx, uint64_t offset, const uint8_t *header);
	/* Asked before a chunk is read. Returns 1 with *fingerprint set to
	 * the fingerprint its records had when they were stored (a chunk
	 * walked to the same one is unchanged: its records are skipped), 0
	 * when none were (its wanted records are decoded). May be NULL: no
	 * chunk is known. */
	int (*chunk_stored)(void *ctx, uint64_t offset, uint32_t *fingerprint);
	/* Told, in file order, of each walked chunk with its fingerprint,
	 * before its records. May be NULL. */
	void (*chunk_walked)(void *ctx, uint64_t offset, uint32_t fingerprint);
	/* Told after a chunk was read; errors is the number of its records that
	 * could not be read. Returns 0, or -1 to stop (err set). */
	int (*chunk_end)(void *ctx, uint64_t offset, uint32_t fingerprint, uint64_t errors, nd_error *err);
	/* Asked whether a record is wanted, with its provider name, its
	 * EventSourceName (NULL or "" when it has none) and its event id; asked
	 * first from the raw record, where the provider may be "" (unknown:
	 * answer from the event id alone), then again from the decoded record.
	 * Returns a tag (handed back with the record) to keep it, NULL to skip
	 * it. Must answer the same for the same arguments: the reader reuses
	 * its answers for the records of a chunk. */
	const void *(*wants)(void *ctx, const char *provider, const char *source, uint32_t event_id);
	/* Called on the thread that decoded a record with our decoder (a
	 * decoding thread, or the calling thread), once wants kept it with
	 * tag, with that thread's own *local (NULL at first; handed to
	 * prepare_free when the read ends): may work out ahead, into the
	 * record, what record will need. Must be safe to call from several
	 * threads at once but for *local. May be NULL. */
	void (*prepare)(void *ctx, void **local, const void *tag, nd_record *rec);
	void (*prepare_free)(void *ctx, void *local);
	/* Given each wanted record, with the tag wants returned for it.
	 * Returns 0, or -1 to stop (err set): only for failures of the sink
	 * itself, such as the database. */
	int (*record)(void *ctx, const void *tag, nd_record *rec, nd_error *err);
	/* Told of a problem in the input; msg names file, chunk and record. */
	void (*problem)(void *ctx, nd_problem_kind kind, const char *msg);
	/* Told how far the walk is, in bytes. May be NULL. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
} nd_evtx_sink;

typedef struct nd_evtx_counts {
	uint64_t records, wanted, skipped, errors, warnings, chunks, unchanged;
	uint64_t fast;           /* records decoded by evtx_binxml */
	uint64_t fallback;       /* records decoded by libevtx: refused by evtx_binxml (all of them
			    * with ND_EVTX_DECODER_LIBEVTX) */
	uint64_t newest_chunk;   /* file offset of the walked chunk with the highest record id, 0 none */
	uint64_t newest_last_id; /* that id */
} nd_evtx_counts;

/* Returns 1 if the file at path starts with the EVTX signature, 0 if not,
 * -1 if it cannot be read. */
int nd_evtx_is_evtx(const char *path);

/* Computes a fingerprint of the records of the EVTX file at path without
 * reading them all: a CRC32 of its 4096-byte file header (chunk numbers,
 * next record identifier, flags), of the chunk the header names as the
 * last one written (its file offset in *newest) and of the chunk after it,
 * where the next records go once that one is full (neither the size of a
 * pre-extended log nor the lazily updated mtime of an open one says so).
 * Valid only while the header is not stale: when a read of the file found
 * its newest records (nd_evtx_counts.newest_chunk) in *newest. The caller
 * mixes in what stat says (identity, size, modification time). Returns 0
 * with *fp and *newest set, or -1 with err set (unreadable, not EVTX). */
int nd_evtx_file_fingerprint(const char *path, uint32_t *fp, uint64_t *newest, nd_error *err);

/* Reads the EVTX file at path into sink, adding to *counts. Returns 0 when
 * the file was read (possibly with problems reported to the sink), -1 with
 * err set when the file cannot be read at all (not EVTX, unreadable) or the
 * sink stopped. */
int nd_evtx_read(const char *path, const nd_evtx_sink *sink, nd_evtx_counts *counts, nd_error *err);

/* nd_evtx_read on a file the caller opened and has not read yet (binary:
 * the platform layer's nd_file_open_read, for UTF-8 names and a live
 * log's sharing on Windows); path names it in messages, size is its size
 * in bytes. Leaves fp open. Returns as nd_evtx_read. */
int nd_evtx_read_file(FILE *fp, const char *path, int64_t size, const nd_evtx_sink *sink, nd_evtx_counts *counts,
		      nd_error *err);

#endif
