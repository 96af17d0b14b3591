/* nd_store: the SQLite database that ingestion fills and the correlator and
 * reports read. The schema is documented in docs/schema.md.
 *
 * Event-derived strings only ever reach SQLite as bound parameters.
 * Writers group their work in transactions (nd_store_begin/commit) so that
 * a crash or kill never leaves half of a batch behind; the database runs in
 * WAL mode so readers work while a writer writes, and only writers ever
 * take the write lock.
 */
#ifndef ND_STORE_H
#define ND_STORE_H

#include "nd_db.h"
#include <stdint.h>

#include "nd_family.h"
#include "nd_error.h"
#include "nd_record.h"

typedef struct nd_store nd_store;

/* The nd_db_lock keys of the store's writers that must not interleave:
 * upgrading the schema, writing diagnosis results. */
#define ND_STORE_LOCK_SCHEMA 0x6e640001
#define ND_STORE_LOCK_DIAGNOSE 0x6e640002

/* What ingesting one source did; kept in the sources table. */
typedef struct nd_source_stats {
	uint64_t records;    /* records walked */
	uint64_t wanted;     /* records of a kept family */
	uint64_t stored;     /* new events stored */
	uint64_t duplicates; /* wanted events already in the database */
	uint64_t skipped;    /* records of no interest, never decoded */
	uint64_t errors;     /* records or chunks that could not be read */
	uint64_t warnings;   /* oddities that lost nothing (a torn tail, a stale header) */
	uint64_t chunks;     /* chunks read */
	uint64_t unchanged;  /* chunks skipped: same as at the last ingest */
	uint64_t last_read;  /* the newest record id a tail read (0: keep the one stored) */
} nd_source_stats;

/* Opens (creating if needed) the database at path for reading and writing:
 * a SQLite file, or a PostgreSQL database named "postgresql://..." or
 * "pg:" (nd_db_pg.h, docs/fleet.md).
 * When its schema is current, opening writes nothing and takes no lock; a
 * new or older database is upgraded under the write lock; a database from
 * a newer npsdiag is refused. A file or medium that cannot be written opens
 * read-only (nd_store_readonly says so; writing then fails clearly).
 * Returns 0 with *out set, or -1 with err set. */
int nd_store_open(nd_store **out, const char *path, nd_error *err);

/* Returns 1 when name names a database server (PostgreSQL: nd_db_pg.h)
 * rather than a file, else 0. */
int nd_store_is_server(const char *name);

/* Opens the existing database at path for reading only: never writes,
 * never takes the write lock, never creates. Refuses a database without
 * this npsdiag's schema version. Returns 0 with *out set, or -1 with err
 * set. */
int nd_store_open_readonly(nd_store **out, const char *path, nd_error *err);

/* Returns 1 when the store cannot be written (opened read-only, or the
 * file or medium is write-protected), else 0. */
int nd_store_readonly(const nd_store *s);

/* Closes the database, rolling back an open transaction. Returns nothing. */
void nd_store_close(nd_store *s);

/* Returns the database connection, for modules that query the store. */
nd_db *nd_store_db(nd_store *s);

/* Begins a write transaction, taking the write lock at once (BEGIN
 * IMMEDIATE) so that the busy handler (waiting up to 30 s) applies while
 * another process writes; commits or rolls it back. Return 0, or -1 with err set (rollback
 * never fails; begin fails on a read-only store). */
int nd_store_begin(nd_store *s, nd_error *err);
int nd_store_commit(nd_store *s, nd_error *err);
void nd_store_rollback(nd_store *s);

/* A full rewrite of the results into new tables, committed part by part
 * (nd_incidents_renew), held with the connection until the transaction
 * that ends it: nd_store_commit and nd_store_rollback call
 * nd_incidents_renew_end. */
#define ND_STORE_RENEWAL_ID 16 /* hex digits of a renewal's id */
typedef struct nd_store_renewal {
	int active;
	int swapped;                       /* its new tables are renamed (uncommitted) */
	char id[ND_STORE_RENEWAL_ID + 1];  /* random: the suffix of its new tables' names */
	int secure_delete;                 /* the connection's PRAGMA secure_delete before it */
} nd_store_renewal;

/* Returns s's renewal (active 0 when none). */
nd_store_renewal *nd_store_renewal_of(nd_store *s);

/* As nd_store_begin, for an ingest's transaction: its rows refer only to
 * rows nd_store has just written or read in it (the source, field_names,
 * the event of a typed row), so SQLite does not check their foreign keys
 * (about 4 % of an NPS-heavy ingest); nd_store_commit and
 * nd_store_rollback turn the checks back on. From the first one on, a
 * SQLite database's WAL is checkpointed on a thread of its own until the
 * store is closed (nd_db_sqlite_checkpoint_behind). In SQLite, events are
 * stored in batches of 16 (one INSERT each, a third cheaper per event:
 * docs/schema.md): nd_store_event binds each into the next batch and
 * answers 2; the batch runs when full, at nd_store_flush, at the commit
 * and before nd_store_may_hold_* answer 1 (so that a look-up of events
 * finds those of the batch), after which events are stored one at a time
 * again (answering 1 or 0) until nd_store_may_hold_record answers 0.
 * Returns 0, or -1 with err set. */
int nd_store_begin_ingest(nd_store *s, nd_error *err);

/* Finds or creates the source row for a file (or a channel) read on this
 * machine: sources are keyed by host (nd_host_name, read when the store
 * was opened) and path, so that machines reading the same path into one
 * database keep their own rows and checkpoints. A row of the same path
 * from a database older than hosts (host '') becomes this machine's when
 * it has none of its own. A row found with this size and mtime is not
 * written (so that a run which then finds nothing new writes nothing).
 * Returns 0 with *id set, or -1 with err set. */
int nd_store_source(nd_store *s, const char *path, int64_t size, int64_t mtime, int64_t *id, nd_error *err);

/* Records the outcome of a run that read a source, and its time
 * (last_ingest): when nd_store_source last named this source, else now.
 * Returns 0, or -1 with err set. */
int nd_store_source_done(nd_store *s, int64_t id, const nd_source_stats *st, nd_error *err);

/* Reads the highest record id tail read on this machine from the source at
 * path (0: none recorded). Returns 0 with *id set, or -1 with err set. */
int nd_store_source_last_read(nd_store *s, const char *path, uint64_t *id, nd_error *err);


/* Looks up the fingerprint stored for a chunk of a source. Returns 1 and
 * sets *fp when there is one, 0 when there is none, -1 with err set. */
int nd_store_chunk_get(nd_store *s, int64_t source, uint64_t offset, uint32_t *fp, nd_error *err);

/* Stores the fingerprint of a chunk fully ingested. Returns 0, or -1 with
 * err set. */
int nd_store_chunk_put(nd_store *s, int64_t source, uint64_t offset, uint32_t fp, nd_error *err);

/* Stores an event of family fam (fields already named) from source, with
 * what ev->prepared holds for fam (nd_store_prep.h; worked out here into
 * it when it holds nothing). Returns 1 when stored, 0 when the event was
 * already there (same computer, channel, record id and time), 2 when
 * queued (below) or batched (nd_store_begin_ingest): nd_store_flush tells
 * which, -1 with err set. */
int nd_store_event(nd_store *s, int64_t source, const nd_family *fam, nd_record *ev, nd_error *err);

/* Inside a transaction of a store that does not queue: returns 0 when the
 * database holds no event of computer and channel with a record id of
 * record_id or more (their highest record id is read once per transaction
 * and then followed through nd_store_event), 1 when it may (the batch
 * run first: nd_store_begin_ingest), -1 with err set. Elsewhere: 1. Lets a
 * look-up that needs such an event be skipped. */
int nd_store_may_hold_record(nd_store *s, const char *computer, const char *channel, uint64_t record_id,
			     nd_error *err);

/* Inside a transaction of a store that does not queue: returns 0 when the
 * database holds no event of the family named family (known from the family's partial
 * index, nd_schema_family_indexed, once per transaction, then followed
 * through nd_store_event), 1 when it may or there is no such index (the
 * batch run first: nd_store_begin_ingest), -1 with err set. Elsewhere:
 * 1. */
int nd_store_may_hold_family(nd_store *s, const char *family, nd_error *err);

/* Returns 1 when s queues the events of a transaction (a database server,
 * opened read-write): nd_store_event only stages each (returning 2), and
 * they go into events in one statement per few thousand, at the latest
 * before the commit, leaving out those already there, also at another
 * precision or as the same NPS decision from the other log (the
 * conditions of nd_event_once and nd_decision_once, applied by the store:
 * the caller does not look them up). Else 0. */
int nd_store_queues(const nd_store *s);

/* Sends the queued events (runs the batch) and adds how many of all those
 * sent since the last call were stored to *stored and were already there
 * to *there (a rollback forgets them). Returns 0, or -1 with err set. */
int nd_store_flush(nd_store *s, uint64_t *stored, uint64_t *there, nd_error *err);

#endif
