/* nd_ingest: turns files and directories of collected logs into stored
 * events. Directories are searched recursively for regular files (in name
 * order, so runs are repeatable); every file is read whatever its name:
 * its first bytes say its format (nd_sniff: EVTX, event XML, NPS text log,
 * JSON, archive), and events are classified by provider and event id,
 * never by file name. An archive's members are read one by one as inputs
 * of their own, named "ARCHIVE!MEMBER". NPS text logs (IN*.log) hold local
 * times: opts gives their zone. A file of no format npsdiag reads is named:
 * an error when it was named on the command line, a warning when it was
 * found in a directory or archive (and a directory or archive in which
 * nothing is readable is an error). "-" is the standard input; EVTX there
 * and in archives (read by path) is spooled to a temporary file.
 *
 * Each file is ingested in transactions of at most ND_INGEST_BATCH_CHUNKS
 * chunks, each committing its events together with the fingerprints of the
 * chunks it covers: a crash or kill loses at most the open batch, and the
 * next run redoes exactly that. Chunks whose fingerprint is unchanged are
 * not read again; events already stored are recognized by computer,
 * channel, record id and time, so ingesting a file twice adds nothing and
 * a grown file adds only its new records.
 */
#ifndef ND_INGEST_H
#define ND_INGEST_H

#include <stdint.h>

#include "evtx_reader.h"
#include "nd_event_once.h"
#include "nd_sniff.h"
#include "nd_error.h"
#include "nd_store.h"

#define ND_INGEST_BATCH_CHUNKS 256

/* How ingestion reports to its caller (the CLI prints; a service could
 * log). Any member may be NULL. */
typedef struct nd_ingest_report {
	void *ctx;
	/* A problem with an input (msg names the file and where). */
	void (*problem)(void *ctx, nd_problem_kind kind, const char *msg);
	/* Progress within file number index (0-based) of count. */
	void (*progress)(void *ctx, const char *path, size_t index, size_t count, uint64_t done, uint64_t total);
	/* A file is done; failed is 1 when it could not be read at all. */
	void (*file_done)(void *ctx, const char *path, const nd_source_stats *st, int failed);
	/* How records are decoded (0: our decoder, libevtx for what it refuses). */
	nd_evtx_decoder_kind decoder;
	/* A file was read: fast records came from our decoder, fallback ones
	 * from libevtx (those it refused, or all with ND_EVTX_DECODER_LIBEVTX). */
	void (*decoded)(void *ctx, const char *path, uint64_t fast, uint64_t fallback);
} nd_ingest_report;

/* Lets a caller (the tail) skip chunks it knows are complete and
 * unchanged. May be NULL everywhere it is taken. */
typedef struct nd_chunk_filter {
	void *ctx;
	/* Returns 1 to read the chunk at offset of path, 0 to skip it. */
	int (*want)(void *ctx, const char *path, uint64_t offset, const uint8_t *header);
	/* Told the fingerprint of a chunk just walked (its header and where
	 * its records end), read or not. May be NULL. */
	void (*walked)(void *ctx, const char *path, uint64_t offset, uint32_t fingerprint);
	/* Returns the newest record id read from path, kept with its events
	 * in the same transaction (sources.last_record_id), or 0 to keep the
	 * one stored. Asked once the file is read. May be NULL. */
	uint64_t (*last_read)(void *ctx, const char *path);
} nd_chunk_filter;

/* A list of file paths. */
typedef struct nd_path_list {
	char **items;
	size_t count, cap;
} nd_path_list;

/* How inputs are read. NULL where it is taken means the defaults (all 0). */
typedef struct nd_ingest_options {
	/* The NPS server's zone for the local times of NPS text logs: local
	 * time minus UTC. When not given, the times are read as UTC and each
	 * such file says so in a warning. */
	int tz_given;
	int64_t tz_offset_s;
	/* Threads that decode .evtx chunks beside the one that reads and
	 * stores: 0 one per processor, 1 none (the reading thread decodes).
	 * The database is the same whatever the number. */
	unsigned threads;
} nd_ingest_options;

typedef struct nd_ingest_totals {
	size_t files;
	size_t files_failed;
	nd_source_stats sum;
} nd_ingest_totals;

/* Expands paths into the files to follow (the tail): a file as named, a
 * directory searched recursively for *.evtx in name order (ingest takes
 * every regular file of a directory; the tail follows live .evtx logs).
 * Unreadable directories are reported and counted in *failed. Returns 0 with out filled (free it with
 * nd_path_list_free), or -1 when out of memory. */
int nd_ingest_collect(char *const *paths, size_t npaths, const nd_ingest_report *rep, nd_path_list *out,
		      size_t *failed);

/* Frees a path list. Returns nothing. */
void nd_path_list_free(nd_path_list *l);

/* Ingests one file (number index of count, for progress; "-": the standard
 * input), whatever its format, adding its outcome to totals. Returns 0 (input problems are reported and counted),
 * or -1 with err set when the store failed. */
int nd_ingest_file(nd_store *s, const char *path, size_t index, size_t count, const nd_ingest_report *rep,
		   const nd_chunk_filter *filter, nd_ingest_totals *totals, nd_error *err);

/* Ingests every path (a file, "-", or a directory searched for regular
 * files) into the store. Problems with inputs are reported and counted, and the run goes
 * on. Returns 0 when the run completed (check totals for input problems),
 * -1 with err set when the store failed and the run had to stop. */
int nd_ingest_paths(nd_store *s, char *const *paths, size_t npaths, const nd_ingest_options *opts,
		    const nd_ingest_report *rep, nd_ingest_totals *totals, nd_error *err);

/* The look-ups of a writer that stores events one by one (nd_ingest_event),
 * prepared on first use: zero it before, free it with nd_ingest_event_done
 * before the store is closed. */
typedef struct nd_ingest_event_state {
	nd_event_once_state once;
	nd_stmt *decision;
} nd_ingest_event_state;

/* Stores ev, an event of family fam (its fields named here) read from
 * source, inside the caller's transaction, unless it is stored already:
 * the same event (computer, channel, record id, time to the millisecond)
 * or the same NPS decision from the other kind of log. Returns 1 when
 * stored, 0 when it was there, 2 when the store queued it (nd_store_flush
 * tells which), -1 with err set when the store failed. */
int nd_ingest_event(nd_store *s, int64_t source, nd_ingest_event_state *st, const nd_family *fam, nd_record *ev,
		    nd_error *err);

/* Frees the look-ups of st. Returns nothing. */
void nd_ingest_event_done(nd_ingest_event_state *st);

/* Parses a zone for NPS text logs: "UTC", "Z", or an offset "+HH:MM",
 * "-HH:MM", "+HH", "+HHMM". Returns 0 with *offset_s set, or -1 with err
 * set. */
int nd_ingest_parse_tz(const char *s, int64_t *offset_s, nd_error *err);

#endif
