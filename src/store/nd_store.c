#include "nd_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_buf.h"
#include "nd_clock.h"
#include "nd_schema.h"
#include "nd_db.h"
#include "nd_db_pg.h"
#include "nd_db_sqlite.h"
#include "nd_fields.h"
#include "nd_host.h"
#include "nd_incidents.h"
#include "nd_once_sql.h"
#include "nd_store_prep.h"
#include "nd_time.h"

/* The columns of events an ingest writes, in the order of its
 * statements' parameters, the keywords in `kw` and the time's text in
 * `time`: SQLite's view events computes keywords from keyword_bits and
 * time_created from ts (time_text holds a text it does not give back),
 * PostgreSQL stores them (nd_schema.c). */
#define EVENT_COLUMNS_OF(kw, time)                                                                                     \
	"family,provider,event_id,qualifiers,version,level,task," kw "," time ",ts,record_id,channel,computer,"        \
	"user_sid,\"binary\",source_id,file_offset,written_ts,names_ref,fields"
#define EVENT_COLUMNS EVENT_COLUMNS_OF("keywords", "time_created")
#define MAX_FAMILIES 16
/* An event's row, into table (ND_SCHEMA_EVENT_ROWS in SQLite); a duplicate is
 * skipped. The new row's id comes from nd_db_inserted (SQLite), or
 * RETURNING (PostgreSQL). */
#define INSERT_EVENT_SQL(table, columns)                                                                               \
	"INSERT INTO " table "(" columns ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"
/* The parameters of an event in an events INSERT. */
#define EVENT_PARAMS 20
/* Events a SQLite ingest binds into the slots of one INSERT before it runs
 * it (nd_store_begin_ingest): a statement costs SQLite about 5,000
 * instructions whatever its rows (cursors opened and closed, its start and
 * end), a third of storing an NPS event (docs/schema.md). */
#define BATCH 16
/* The event_ref of a slot of a typed batch that holds no row to keep (left
 * empty, or its event was there already): its row goes in with the others
 * and is deleted right after (typed_drop), which costs less than leaving
 * the slot out of every batch (batch_ready). No event has this id. */
#define NO_EVENT INT64_MIN
/* A lost connection while the schema is made current: tries, first wait. */
#define OPEN_RETRIES 5
#define OPEN_RETRY_MS 100u

/* An event bound into a slot of a SQLite ingest's batch: what storing it
 * needs once the batch has run. */
typedef struct batch_slot {
	size_t fam;               /* its family's index in nd_families() */
	int typed;                /* its slot in its family's typed INSERT, or -1 */
	int64_t record_id, ts;    /* its key, with computer and channel */
	nd_buf computer, channel; /* NUL-terminated */
} batch_slot;

struct nd_store {
	nd_db *db;
	char *path; /* the file, or the server's host and database (never a connection string) */
	int pg;     /* a PostgreSQL database */
	int in_tx;
	int unchecked; /* SQLite's foreign-key checks are off until the transaction ends (nd_store_begin_ingest) */
	int readonly;
	nd_store_renewal renewal;
	char host[ND_HOST_MAX]; /* this machine, in the key of its sources (nd_host.h) */
	/* The source nd_store_source last found or made, and when: the time
	 * of its run, that nd_store_source_done stamps it with (0: done). */
	int64_t run_source;
	char run_time[ND_TIME_ISO_SIZE];
	nd_stmt *ins_event;
	nd_fields_names names; /* field_names rows used lately */
	nd_store_prep *prep;   /* prepares the events no other thread prepared (nd_store_prep.h) */
	char iso[ND_TIME_ISO_SIZE], kw[24]; /* an event's time and keywords as text, to be bound */
	nd_stmt *ins_typed[MAX_FAMILIES];
	nd_stmt *get_chunk;
	nd_stmt *put_chunk;
	/* A database server: events wait in staging tables and go in one
	 * statement per batch (nd_store_flush). */
	int queue;
	int staged;             /* the staging tables are there in this transaction */
	uint64_t queued;        /* events waiting */
	int64_t seq;            /* the staging id of the last event queued */
	uint64_t flushed_new;   /* of the events sent, stored since the caller last asked */
	uint64_t flushed_there; /* already there */
	nd_buf stage_sql;       /* makes the staging tables */
	nd_buf flush_sql;       /* moves their rows on (flush_sql) */
	nd_stmt *stage_event;
	nd_stmt *stage_typed[MAX_FAMILIES];
	nd_stmt *flush;
	/* What the open transaction's database holds, read once and then
	 * followed through nd_store_event (nd_store_may_hold_*): the highest
	 * record id of one computer and channel, and whether each family has
	 * events (-1 not known yet, 0 none, 1 some). */
	int high_known;
	nd_buf high_computer, high_channel; /* NUL-terminated */
	int64_t high_id;
	nd_stmt *get_high;
	signed char held[MAX_FAMILIES];
	nd_stmt *get_held[MAX_FAMILIES];
	/* A SQLite ingest's transaction (nd_store_begin_ingest): events are
	 * bound into the BATCH slots of one INSERT (ins_batch; their typed
	 * rows into typed_batch, per family), run when full and before
	 * anything reads events (batch_run); a slot left empty has no family
	 * and is left out (a typed one gets NO_EVENT: deleted after). Off (one
	 * event at a time, as outside) from a look-up that may find events
	 * (may_hold) to the next event that cannot be there, so that events
	 * already stored (a copy of a log, decisions with their twins) do not
	 * go in batches of one. */
	int ingest;   /* in a SQLite ingest's transaction */
	int batching; /* and batching */
	unsigned nbatch;
	unsigned ntyped[MAX_FAMILIES];
	batch_slot slot[BATCH];
	nd_stmt *ins_batch;
	nd_stmt *typed_batch[MAX_FAMILIES];
	/* deletes the NO_EVENT row of a typed batch */
	nd_stmt *typed_drop[MAX_FAMILIES];
	nd_stmt *get_id; /* an event's id by its key, when a batch left some out */
};

/* Events queued before they are sent. */
#define ND_STORE_QUEUE 4096

/* Returns the index of fam in nd_families(). */
static size_t family_index(const nd_family *fam)
{
	const nd_family *const *f;
	size_t n = 0;

	for (f = nd_families(); *f && *f != fam; f++)
		n++;
	return n;
}

/* Prepares a statement kept for the life of the store into *st, unless
 * *st already holds one: a series of preparations that failed part-way (a
 * server restarting, pg_restart) is simply made again, without leaking
 * what the first attempt prepared. Returns 0, or -1 with err set. */
static int prepare(nd_store *s, const char *sql, nd_stmt **st, const char *what, nd_error *err)
{
	return *st ? 0 : nd_db_prepare(s->db, sql, ND_DB_PERSISTENT, st, what, err);
}

/* Prepares the INSERT of each family's typed table (prefix "") or of its
 * staging table (prefix "nd_stage_") into st[]. Returns 0, or -1 with err
 * set. */
static int prepare_typed(nd_store *s, const char *prefix, nd_stmt **st, nd_error *err)
{
	const nd_family *const *f;
	size_t n = 0, i;

	for (f = nd_families(); *f; f++, n++) {
		nd_buf sql = {0};
		int rc = 0;

		if (n >= MAX_FAMILIES)
			return nd_error_set(err, "too many event families");
		if (!(*f)->table || st[n])
			continue;
		rc |= nd_buf_append(&sql, "INSERT INTO ", 12);
		rc |= nd_buf_append(&sql, prefix, strlen(prefix));
		rc |= nd_buf_append(&sql, (*f)->table, strlen((*f)->table));
		rc |= nd_buf_append(&sql, "(event_ref", 10);
		for (i = 0; i < (*f)->ncolumns; i++) {
			rc |= nd_buf_append(&sql, ",", 1);
			rc |= nd_buf_append(&sql, (*f)->columns[i].name, strlen((*f)->columns[i].name));
		}
		rc |= nd_buf_append(&sql, ") VALUES(?", 10);
		for (i = 0; i < (*f)->ncolumns; i++)
			rc |= nd_buf_append(&sql, ",?", 2);
		rc |= nd_buf_append(&sql, ")", 1);
		if (rc) {
			nd_buf_free(&sql);
			return nd_error_set(err, "out of memory");
		}
		rc = prepare(s, sql.data, &st[n], (*f)->table, err);
		nd_buf_free(&sql);
		if (rc)
			return -1;
	}
	return 0;
}

/* Appends to sql the rows of a batch INSERT of n parameters a row: BATCH
 * rows of VALUES. Returns 0, or -1 when out of memory. */
static int batch_rows(nd_buf *sql, size_t n)
{
	size_t r, i;
	int rc = nd_buf_append(sql, " VALUES", 7);

	for (r = 0; r < BATCH && rc == 0; r++) {
		rc |= nd_buf_append(sql, r ? ",(?" : "(?", r ? 3 : 2);
		for (i = 1; i < n; i++)
			rc |= nd_buf_append(sql, ",?", 2);
		rc |= nd_buf_append(sql, ")", 1);
	}
	return rc;
}

/* Prepares the batch INSERT of events, and that of the typed rows of the
 * family of index n with the DELETE of its NO_EVENT row, unless there
 * already (kept for the life of the store). A statement that inserts
 * several rows and may stop with an error part-way makes SQLite keep a
 * statement journal of every page it changes, written to a temporary file
 * past 64 KiB (11 writes per 16 events: +0.08 s of system time per 100,000
 * records), so that neither may: an event already there or in an empty
 * slot (no family: NOT NULL) is left out (OR IGNORE; the rows bound have
 * every NOT NULL column), and a typed row replaces one left by an event
 * deleted by hand (OR REPLACE: it is part of its event, docs/schema.md),
 * or the NO_EVENT row of a slot before it. The typed rows are plain VALUES:
 * leaving the slots without an id out (SELECT * FROM (VALUES ...) WHERE
 * column1 IS NOT NULL) made SQLite copy every row through a subquery, 1,600
 * instructions per event more (docs/schema.md). SQLite's own SQL, for its
 * own backend (nd_db.h). Returns 0, or -1 with err set. */
static int batch_ready(nd_store *s, const nd_family *fam, size_t n, nd_error *err)
{
	nd_buf sql = {0};
	size_t i;
	int rc = 0;

	if (!s->ins_batch) {
		rc = nd_buf_printf(&sql, "INSERT OR IGNORE INTO %s(%s)", ND_SCHEMA_EVENT_ROWS,
				   EVENT_COLUMNS_OF("keyword_bits", "time_text")) ||
		     batch_rows(&sql, EVENT_PARAMS);
		rc = rc ? nd_error_set(err, "out of memory") : prepare(s, sql.data, &s->ins_batch, "events", err);
	}
	/* both statements, or again those missing after a failure (prepare()
	 * leaves one that exists) */
	if (rc == 0 && fam->table && (!s->typed_batch[n] || !s->typed_drop[n])) {
		sql.len = 0;
		rc = nd_buf_printf(&sql, "INSERT OR REPLACE INTO %s(event_ref", fam->table);
		for (i = 0; i < fam->ncolumns; i++)
			rc = rc || nd_buf_printf(&sql, ",%s", fam->columns[i].name);
		rc = rc || nd_buf_append(&sql, ")", 1) || batch_rows(&sql, fam->ncolumns + 1);
		rc =
		    rc ? nd_error_set(err, "out of memory") : prepare(s, sql.data, &s->typed_batch[n], fam->table, err);
		if (rc == 0) {
			sql.len = 0;
			rc = nd_buf_printf(&sql, "DELETE FROM %s WHERE event_ref = %" PRId64, fam->table, NO_EVENT)
				 ? nd_error_set(err, "out of memory")
				 : prepare(s, sql.data, &s->typed_drop[n], fam->table, err);
		}
	}
	nd_buf_free(&sql);
	return rc;
}

/* Refuses a database of a newer schema version. Returns -1 with err set. */
static int refuse_newer(int version, nd_error *err)
{
	return nd_error_set(err, "the database has schema version %d, newer than this npsdiag knows (%d):"
				 " use a newer npsdiag or another database",
			    version, ND_SCHEMA_VERSION);
}

/* Brings the schema up to date when it is not: checks the version without
 * writing, and only when the database is new, older or was made by another
 * schema script takes the write lock (waiting for other writers) and
 * upgrades. A database from a newer npsdiag is refused. Returns 0, or -1
 * with err set. */
static int check_schema(nd_store *s, nd_error *err)
{
	int version, current;

	if (nd_schema_state(s->db, &version, &current, err) != 0)
		return -1;
	if (version > ND_SCHEMA_VERSION)
		return refuse_newer(version, err);
	if (current || (s->readonly && version == ND_SCHEMA_VERSION))
		return 0;
	if (s->readonly)
		return version ? nd_error_set(err, "the database has schema version %d and needs upgrading to %d,"
						   " but it is read-only",
					      version, ND_SCHEMA_VERSION)
			       : nd_error_set(err, "not an npsdiag database (no schema), and it is read-only");
	/* A new file gets 16 KiB pages (before its first table, and before
	 * WAL, which fixes the page size): rows of 200-450 bytes leave less of
	 * each page unused than in 4 KiB (docs/schema.md: 699 bytes per NPS
	 * event instead of 731). An older file keeps its page size. */
	if (!s->pg && version == 0 && nd_db_exec(s->db, "PRAGMA page_size=16384", "page size", err) != 0)
		return -1;
	/* WAL lets readers work while a writer writes; switching needs no
	 * transaction open. */
	if (!s->pg && nd_db_sqlite_wal(s->db, err) != 0)
		return -1;
	/* SQLite makes a table again to change its keys (nd_schema.c): the
	 * rows that reference it must not stop that. */
	if (!s->pg && nd_db_exec(s->db, "PRAGMA foreign_keys=OFF", "settings", err) != 0)
		return -1;
	if (nd_store_begin(s, err) != 0)
		goto fail;
	/* Another process may have upgraded it meanwhile. */
	if (nd_db_lock(s->db, ND_STORE_LOCK_SCHEMA, err) != 0 || nd_schema_state(s->db, &version, &current, err) != 0)
		goto fail;
	if (version > ND_SCHEMA_VERSION) {
		refuse_newer(version, err);
		goto fail;
	}
	if (!current && nd_schema_upgrade(s->db, version, err) != 0)
		goto fail;
	if (nd_store_commit(s, err) != 0)
		goto fail;
	return s->pg ? 0 : nd_db_exec(s->db, "PRAGMA foreign_keys=ON", "settings", err);
fail:
	if (s->in_tx)
		nd_store_rollback(s);
	if (!s->pg)
		nd_db_exec(s->db, "PRAGMA foreign_keys=ON", "settings", NULL);
	return -1;
}

/* Opens the database of s: a PostgreSQL server (read-only when asked: s
 * refuses to begin a write; the server's grants do the rest) or
 * a SQLite file (read-only when asked, or when the file or its medium
 * cannot be written), and names it in s->path. Returns 0, or -1 with err
 * set. */
static int open_db(nd_store *s, const char *path, int readonly, nd_error *err)
{
	s->pg = nd_db_pg_is(path);
	if (s->pg) {
		if (nd_db_pg_open(&s->db, path, err) != 0)
			return -1;
		s->readonly = readonly;
		s->queue = !readonly;
		path = nd_db_name(s->db);
	} else if (nd_db_sqlite_open(&s->db, path, readonly, &s->readonly, err) != 0) {
		nd_error_prefix(err, "%s", path);
		return -1;
	}
	return (s->path = strdup(path)) ? 0 : nd_error_set(err, "out of memory");
}

/* Makes the schema of s current (check_schema), again after a short wait
 * when a database server lost the connection or rolled the step back
 * (ND_DB_AGAIN: it connects again on the next command), a few times.
 * Returns 0, or -1 with err set. */
static int schema_current(nd_store *s, nd_error *err)
{
	unsigned tries;

	for (tries = 0; check_schema(s, err) != 0; tries++) {
		if (s->in_tx)
			nd_store_rollback(s);
		if (tries == OPEN_RETRIES || nd_db_error_kind(s->db) != ND_DB_AGAIN)
			return -1;
		nd_clock_sleep_ms(OPEN_RETRY_MS << tries, NULL);
	}
	return 0;
}

/* Appends to b, for each typed table T (some families share one),
 * "<a>T<m>T<z>". Returns 0, or -1 when out of memory. */
static int each_typed(nd_buf *b, const char *a, const char *m, const char *z)
{
	const nd_family *const *f;
	int rc = 0;

	for (f = nd_families(); *f && rc == 0; f++)
		if ((*f)->table && !nd_family_table_seen(f))
			rc = nd_buf_append(b, a, strlen(a)) || nd_buf_append(b, (*f)->table, strlen((*f)->table)) ||
			     nd_buf_append(b, m, strlen(m)) || nd_buf_append(b, (*f)->table, strlen((*f)->table)) ||
			     nd_buf_append(b, z, strlen(z));
	return rc;
}

/* Appends to b the typed column names of family f, each after a comma
 * and the prefix p. Returns 0, or -1 when out of memory. */
static int typed_columns(nd_buf *b, const nd_family *f, const char *p)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < f->ncolumns && rc == 0; i++)
		rc = nd_buf_printf(b, ",%s%s", p, f->columns[i].name);
	return rc;
}

/* Builds the statement that sends the queued events (a database server
 * only): the staging rows that are not already stored at another
 * precision or as the same decision from the other NPS log (the
 * conditions of nd_event_once and nd_decision_once, nd_once_sql.h) go into
 * events in the order they were queued, ON CONFLICT DO NOTHING; the typed
 * rows of those stored follow, with their new ids; the staging tables are
 * emptied; it answers how many were stored. Returns 0, or -1 when out of
 * memory. */
static int flush_sql(nd_buf *b)
{
	const nd_family *const *f;
	int rc = nd_buf_printf(
		b,
		"WITH cand AS (SELECT s.* FROM nd_stage_events s"
		" LEFT JOIN nd_stage_nps_audit_events t ON t.event_ref = s.id"
		" WHERE NOT (s.record_id <> 0 AND s.ts > 0 AND EXISTS"
		" (SELECT 1 FROM events e WHERE" ND_EVENT_ONCE_SQL("s.computer", "s.channel", "s.record_id",
								 "(s.ts - s.ts %% 10000)", "s.ts") "))"
		" AND NOT (s.has_time = 1 AND s.event_id IN (%d, %d) AND EXISTS"
		" (SELECT 1 FROM events e JOIN nps_audit_events a ON a.event_ref = e.id"
		"  WHERE e.family = CASE s.family",
		ND_EVENT_GRANTED, ND_EVENT_DENIED);

	/* the decision's twin family (none: NULL, no match) */
	for (f = nd_families(); *f && rc == 0; f++)
		if ((*f)->twin)
			rc = nd_buf_printf(b, " WHEN '%s' THEN '%s'", (*f)->name, (*f)->twin);
	rc = rc || nd_buf_printf(
		b,
		" END AND" ND_SAME_DECISION_SQL("s.event_id", "s.ts", "s.computer", "coalesce(t.reason_code, 0)",
						"coalesce(t.fq_subject_user_name, '')", "10000000") "))),"
		" ins AS (INSERT INTO events(" EVENT_COLUMNS ") SELECT " EVENT_COLUMNS " FROM cand ORDER BY id"
		"  ON CONFLICT DO NOTHING RETURNING id, computer, channel, record_id, ts),"
		" ids AS (SELECT DISTINCT ON (ins.id) ins.id, c.id AS seq, c.family FROM ins"
		"  JOIN cand c USING (computer, channel, record_id, ts) ORDER BY ins.id, c.id)");

	/* one INSERT per family: families that share a table type other columns */
	for (f = nd_families(); *f && rc == 0; f++) {
		if (!(*f)->table)
			continue;
		rc = nd_buf_printf(b, ", t_%s AS (INSERT INTO %s(event_ref", (*f)->name, (*f)->table) ||
		     typed_columns(b, *f, "") || nd_buf_printf(b, ") SELECT ids.id") || typed_columns(b, *f, "t.") ||
		     nd_buf_printf(b, " FROM ids JOIN nd_stage_%s t ON t.event_ref = ids.seq WHERE ids.family = '%s')",
				   (*f)->table, (*f)->name);
	}
	return rc || each_typed(b, ", d_", " AS (DELETE FROM nd_stage_", ")") ||
	       nd_buf_printf(b, ", d_events AS (DELETE FROM nd_stage_events) SELECT count(*) FROM ins");
}

/* Writes the SQL of the queue of a database server: what makes the
 * staging tables (temporary, made again in each transaction that queues: a
 * new connection has none; emptied by each commit, so that the rows a batch
 * statement deleted do not pile up: nothing vacuums temporary tables) and
 * what sends their rows on. Returns 0, or -1 with err set. */
static int queue_sql(nd_store *s, nd_error *err)
{
	if (nd_buf_printf(&s->stage_sql,
			  "CREATE TEMP TABLE IF NOT EXISTS nd_stage_events (LIKE events, has_time BIGINT)"
			  " ON COMMIT DELETE ROWS;") ||
	    each_typed(&s->stage_sql, " CREATE TEMP TABLE IF NOT EXISTS nd_stage_", " (LIKE ",
		       ") ON COMMIT DELETE ROWS;") ||
	    flush_sql(&s->flush_sql))
		return nd_error_set(err, "out of memory");
	return 0;
}

/* Makes the staging tables in the open transaction, and the first time
 * prepares their INSERTs (whose rows the backend sends in bulk) and the
 * statement that sends them on (the backend prepares them again on a new
 * connection, after the tables). Returns 0, or -1 with err set. */
static int stage_ready(nd_store *s, nd_error *err)
{
	if (s->staged)
		return 0;
	if (nd_db_exec(s->db, s->stage_sql.data, "staging tables", err) != 0 ||
	    (!s->flush && (prepare(s,
				   "INSERT INTO nd_stage_events(" EVENT_COLUMNS ",id,has_time)"
				   " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
				   &s->stage_event, "events", err) ||
			   prepare_typed(s, "nd_stage_", s->stage_typed, err) ||
			   prepare(s, s->flush_sql.data, &s->flush, "events", err))))
		return -1;
	s->staged = 1;
	return 0;
}

/* Opens the store. Returns 0 with *out set, or -1 with err set. */
static int open_store(nd_store **out, const char *path, int readonly, nd_error *err)
{
	nd_store *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return nd_error_set(err, "out of memory");
	if (nd_host_name(s->host, sizeof(s->host)) != 0) {
		free(s);
		return nd_error_set(err, "cannot tell the name of this computer: set " ND_HOST_ENV " (docs/fleet.md)");
	}
	if (open_db(s, path, readonly, err) != 0) {
		nd_store_close(s);
		return -1;
	}
	if (schema_current(s, err) ||
	    prepare(s,
		    s->pg ? INSERT_EVENT_SQL("events", EVENT_COLUMNS) " RETURNING id"
			  : INSERT_EVENT_SQL(ND_SCHEMA_EVENT_ROWS, EVENT_COLUMNS_OF("keyword_bits", "time_text")),
		    &s->ins_event, "events", err) ||
	    prepare(s, "SELECT fingerprint FROM source_chunks WHERE source_id=? AND chunk_offset=?", &s->get_chunk,
		    "source_chunks", err) ||
	    prepare(s,
		    "INSERT INTO source_chunks(source_id,chunk_offset,fingerprint) VALUES(?,?,?)"
		    " ON CONFLICT(source_id,chunk_offset) DO UPDATE SET fingerprint=excluded.fingerprint",
		    &s->put_chunk, "source_chunks", err) ||
	    prepare_typed(s, "", s->ins_typed, err) || (s->queue && queue_sql(s, err))) {
		nd_error_prefix(err, "%s", s->path);
		nd_store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

int nd_store_is_server(const char *name)
{
	return nd_db_pg_is(name);
}

int nd_store_open(nd_store **out, const char *path, nd_error *err)
{
	return open_store(out, path, 0, err);
}

int nd_store_open_readonly(nd_store **out, const char *path, nd_error *err)
{
	return open_store(out, path, 1, err);
}

void nd_store_close(nd_store *s)
{
	size_t i;

	if (!s)
		return;
	if (s->in_tx)
		nd_store_rollback(s);
	nd_db_finalize(s->ins_event);
	nd_fields_names_free(&s->names);
	nd_store_prep_free(s->prep);
	nd_db_finalize(s->get_chunk);
	nd_db_finalize(s->put_chunk);
	for (i = 0; i < MAX_FAMILIES; i++) {
		nd_db_finalize(s->ins_typed[i]);
		nd_db_finalize(s->stage_typed[i]);
	}
	nd_db_finalize(s->stage_event);
	nd_db_finalize(s->flush);
	nd_db_finalize(s->get_high);
	for (i = 0; i < MAX_FAMILIES; i++) {
		nd_db_finalize(s->get_held[i]);
		nd_db_finalize(s->typed_batch[i]);
		nd_db_finalize(s->typed_drop[i]);
	}
	for (i = 0; i < BATCH; i++) {
		nd_buf_free(&s->slot[i].computer);
		nd_buf_free(&s->slot[i].channel);
	}
	nd_db_finalize(s->ins_batch);
	nd_db_finalize(s->get_id);
	nd_buf_free(&s->high_computer);
	nd_buf_free(&s->high_channel);
	nd_buf_free(&s->stage_sql);
	nd_buf_free(&s->flush_sql);
	nd_db_close(s->db);
	free(s->path);
	free(s);
}

nd_db *nd_store_db(nd_store *s)
{
	return s->db;
}

int nd_store_readonly(const nd_store *s)
{
	return s->readonly;
}

/* Turns SQLite's foreign-key checks back on after a transaction begun by
 * nd_store_begin_ingest (the pragma does nothing inside one). Returns
 * nothing: a failure leaves them off for this connection, which only ever
 * writes references it made. */
static void checks_back(nd_store *s)
{
	if (s->unchecked)
		nd_db_exec(s->db, "PRAGMA foreign_keys=ON", "settings", NULL);
	s->unchecked = 0;
}

/* Returns 1 when the events a transaction stores get consecutive ids
 * (the highest id so far is far below INT64_MAX: SQLite then takes the
 * next one; at INT64_MAX it picks free ids at random, and a batch's ids
 * must be looked up one by one), else 0 (also when the look-up fails). */
static int ids_follow(nd_store *s)
{
	nd_stmt *st = NULL;
	int follow;

	follow = nd_db_prepare(s->db, "SELECT max(id) FROM " ND_SCHEMA_EVENT_ROWS, 0, &st, "events", NULL) == 0 &&
		 nd_db_step(st, "events", NULL) == 1 && nd_db_column_int64(st, 0) < INT64_MAX - ((int64_t)1 << 40);
	nd_db_finalize(st);
	return follow;
}

int nd_store_begin_ingest(nd_store *s, nd_error *err)
{
	if (!s->pg && !s->readonly) {
		if (nd_db_exec(s->db, "PRAGMA foreign_keys=OFF", "settings", err) != 0)
			return -1;
		s->unchecked = 1;
		nd_db_sqlite_checkpoint_behind(s->db);
	}
	if (nd_store_begin(s, err) == 0) {
		s->ingest = s->batching = !s->pg && ids_follow(s);
		return 0;
	}
	checks_back(s);
	return -1;
}

int nd_store_begin(nd_store *s, nd_error *err)
{
	if (s->readonly)
		return nd_error_set(err, "%s: the database is read-only (opened so, or its file cannot be written)",
				    s->path);
	if (nd_db_begin(s->db, err) != 0)
		return -1;
	s->in_tx = 1;
	/* other writers may have stored events since the last transaction */
	s->high_known = 0;
	memset(s->held, -1, sizeof(s->held));
	return 0;
}

/* Sets b to the NUL-terminated text t. Returns 0, or -1 when out of
 * memory. */
static int set_text(nd_buf *b, const char *t)
{
	b->len = 0;
	return nd_buf_append(b, t, strlen(t) + 1);
}

/* Sets b to the NUL-terminated text t unless it holds it already.
 * Returns 0, or -1 when out of memory. */
static int keep_text(nd_buf *b, const char *t)
{
	return b->len && strcmp(b->data, t) == 0 ? 0 : set_text(b, t);
}

/* Works out into ids[] the id of each of the n events of the batch that
 * ran, 0 for one it left out (already there): it stored `rows` of them,
 * the last with the id last, in the order of their slots, so an event
 * whose key finds an id above last - rows and above the id of the slot
 * before is one of them (the same event twice in a batch finds the first
 * one's id). Returns 0, or -1 with err set. */
static int batch_ids(nd_store *s, unsigned n, int64_t rows, int64_t last, int64_t *ids, nd_error *err)
{
	int64_t prev = last - rows;
	unsigned i;
	int rc = 0;

	for (i = 0; i < n; i++)
		ids[i] = 0;
	if (rows <= 0)
		return 0;
	if (!s->get_id && prepare(s,
				  "SELECT id FROM " ND_SCHEMA_EVENT_ROWS
				  " WHERE computer = ? AND channel = ? AND record_id = ? AND ts = ?",
				  &s->get_id, "events", err) != 0)
		return -1;
	for (i = 0; i < n && rc >= 0; i++) {
		const batch_slot *b = &s->slot[i];

		rc = nd_db_bind_text_static(s->get_id, 1, b->computer.data, "events", err) ||
			     nd_db_bind_text_static(s->get_id, 2, b->channel.data, "events", err) ||
			     nd_db_bind_int64(s->get_id, 3, b->record_id, "events", err) ||
			     nd_db_bind_int64(s->get_id, 4, b->ts, "events", err)
			 ? -1
			 : nd_db_step(s->get_id, "events", err);
		if (rc == 1 && nd_db_column_int64(s->get_id, 0) > prev)
			prev = ids[i] = nd_db_column_int64(s->get_id, 0);
		nd_db_reset(s->get_id);
	}
	return rc < 0 ? -1 : 0;
}

/* Runs the batch of a SQLite ingest's transaction: its events, then their
 * typed rows with the events' ids (NO_EVENT for a slot left empty or an
 * event there already, whose row is then deleted), counting those stored
 * and those already there for nd_store_flush. Returns 0, or -1 with err
 * set (the caller rolls back). */
static int batch_run(nd_store *s, nd_error *err)
{
	const nd_family *const *fams = nd_families();
	int64_t ids[BATCH], rows, last;
	unsigned n = s->nbatch, i;
	unsigned char drop[MAX_FAMILIES] = {0};
	size_t f;

	if (!n)
		return 0;
	s->nbatch = 0;
	for (i = n; i < BATCH; i++)
		if (nd_db_bind_text_kept(s->ins_batch, (int)i * EVENT_PARAMS + 1, NULL, "events", err) != 0)
			return -1;
	if (nd_db_step(s->ins_batch, "events", err) != 0)
		return -1;
	rows = nd_db_changes(s->db);
	last = nd_db_inserted(s->db);
	if (rows == (int64_t)n)
		for (i = 0; i < n; i++)
			ids[i] = last - (int64_t)(n - i) + 1;
	else if (batch_ids(s, n, rows, last, ids, err) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		const batch_slot *b = &s->slot[i];
		nd_stmt *st = s->typed_batch[b->fam];
		int o = b->typed * ((int)fams[b->fam]->ncolumns + 1) + 1;

		if (b->typed < 0)
			continue;
		drop[b->fam] |= !ids[i];
		if (nd_db_bind_int64(st, o, ids[i] ? ids[i] : NO_EVENT, "events", err) != 0)
			return -1;
	}
	for (f = 0; f < MAX_FAMILIES && fams[f]; f++) {
		int per = (int)fams[f]->ncolumns + 1;

		if (!s->ntyped[f])
			continue;
		for (i = s->ntyped[f]; i < BATCH; i++)
			if (nd_db_bind_int64(s->typed_batch[f], (int)i * per + 1, NO_EVENT, fams[f]->table, err) != 0)
				return -1;
		drop[f] |= s->ntyped[f] < BATCH;
		s->ntyped[f] = 0;
		if (nd_db_step(s->typed_batch[f], fams[f]->table, err) != 0 ||
		    (drop[f] && nd_db_step(s->typed_drop[f], fams[f]->table, err) != 0))
			return -1;
	}
	s->flushed_new += (uint64_t)rows;
	s->flushed_there += n - (uint64_t)rows;
	return 0;
}

/* Runs the batch before a look-up of events that may find one (so that
 * it finds the events of the batch too), and stores the next events one
 * at a time. Returns 1, or -1 with err set. */
static int may_hold(nd_store *s, nd_error *err)
{
	s->batching = 0;
	return batch_run(s, err) == 0 ? 1 : -1;
}

/* Batches the next events again, if in an ingest's transaction: the one
 * asked about cannot be there. Returns 0. */
static int cannot_hold(nd_store *s)
{
	s->batching = s->ingest;
	return 0;
}

int nd_store_may_hold_record(nd_store *s, const char *computer, const char *channel, uint64_t record_id,
			     nd_error *err)
{
	int rc;

	if (!s->in_tx || s->queue)
		return 1;
	if (s->high_known && strcmp(s->high_computer.data, computer) == 0 && strcmp(s->high_channel.data, channel) == 0)
		return (int64_t)record_id <= s->high_id ? may_hold(s, err) : cannot_hold(s);
	s->high_known = 0;
	if (batch_run(s, err) != 0)
		return -1;
	if (!s->get_high && prepare(s,
				    "SELECT record_id FROM events WHERE computer = ?1 AND channel = ?2"
				    " ORDER BY record_id DESC LIMIT 1",
				    &s->get_high, "events", err) != 0)
		return -1;
	rc = nd_db_bind_text_static(s->get_high, 1, computer, "events", err) ||
		     nd_db_bind_text_static(s->get_high, 2, channel, "events", err)
		 ? -1
		 : nd_db_step(s->get_high, "events", err);
	if (rc >= 0) {
		/* none: 0, below every record id */
		s->high_id = rc == 1 ? nd_db_column_int64(s->get_high, 0) : 0;
		if (set_text(&s->high_computer, computer) != 0 || set_text(&s->high_channel, channel) != 0)
			rc = nd_error_set(err, "out of memory");
		else
			s->high_known = 1;
	}
	nd_db_reset(s->get_high);
	if (rc < 0)
		return -1;
	return (int64_t)record_id <= s->high_id ? may_hold(s, err) : cannot_hold(s);
}

int nd_store_may_hold_family(nd_store *s, const char *family, nd_error *err)
{
	const nd_family *const *f;
	char sql[160];
	size_t n = 0;
	int rc;

	if (!s->in_tx || s->queue)
		return 1;
	if (!family || !nd_schema_family_indexed(family))
		return may_hold(s, err);
	for (f = nd_families(); *f && strcmp((*f)->name, family) != 0; f++)
		n++;
	if (!*f || n >= MAX_FAMILIES)
		return may_hold(s, err);
	if (s->held[n] >= 0)
		return s->held[n] ? may_hold(s, err) : 0;
	if (batch_run(s, err) != 0)
		return -1;
	/* the family's name is ours, not the log's; its partial index answers */
	snprintf(sql, sizeof(sql), "SELECT 1 FROM events WHERE family = '%s' LIMIT 1", family);
	if (!s->get_held[n] && prepare(s, sql, &s->get_held[n], "events", err) != 0)
		return -1;
	rc = nd_db_step(s->get_held[n], "events", err);
	nd_db_reset(s->get_held[n]);
	if (rc < 0)
		return -1;
	s->held[n] = (signed char)rc;
	return rc ? may_hold(s, err) : 0;
}

/* Follows what the transaction stored (nd_store_may_hold_*): ev, of family
 * fam, is now there. Returns nothing. */
static void follow_stored(nd_store *s, const nd_family *fam, const nd_record *ev)
{
	size_t n = family_index(fam);

	if (n < MAX_FAMILIES && s->held[n] == 0)
		s->held[n] = 1;
	if (s->high_known && (int64_t)ev->record_id > s->high_id &&
	    strcmp(s->high_computer.data, ev->computer ? ev->computer : "") == 0 &&
	    strcmp(s->high_channel.data, ev->channel ? ev->channel : "") == 0)
		s->high_id = (int64_t)ev->record_id;
}

/* Sends the queued events (flush_sql), counting what became of them.
 * Returns 0, or -1 with err set. */
static int send_queued(nd_store *s, nd_error *err)
{
	int rc;

	if (!s->queued)
		return 0;
	rc = nd_db_step(s->flush, "events", err);
	if (rc == 1) {
		uint64_t n = (uint64_t)nd_db_column_int64(s->flush, 0);

		s->flushed_new += n;
		s->flushed_there += s->queued - n;
	} else if (rc == 0) {
		nd_error_set(err, "database: events: no count returned");
	}
	nd_db_reset(s->flush);
	s->queued = 0;
	return rc == 1 ? 0 : -1;
}

/* Ends what lasts only as long as the transaction of a full rewrite of
 * the results, which a diagnosis may hand over to another thread to commit
 * (npsdiag_diagnose_write's storing thread): the renewal (its new tables
 * dropped when rolled back) and the write-back (nd_incidents_clear).
 * Returns nothing. */
static void tx_ended(nd_store *s, int committed)
{
	if (s->renewal.active)
		nd_incidents_renew_end(s, committed);
	if (!s->pg)
		nd_db_sqlite_write_behind_stop(s->db);
}

nd_store_renewal *nd_store_renewal_of(nd_store *s)
{
	return &s->renewal;
}

int nd_store_commit(nd_store *s, nd_error *err)
{
	if (send_queued(s, err) != 0 || batch_run(s, err) != 0)
		return -1;
	s->ingest = s->batching = 0;
	s->staged = 0;
	if (nd_db_commit(s->db, err) != 0) {
		nd_fields_names_forget(&s->names);
		return -1;
	}
	s->in_tx = 0;
	checks_back(s);
	tx_ended(s, 1);
	return 0;
}

void nd_store_rollback(nd_store *s)
{
	nd_db_rollback(s->db);
	s->queued = 0;
	s->ingest = s->batching = 0;
	s->nbatch = 0;
	memset(s->ntyped, 0, sizeof(s->ntyped));
	s->staged = 0;
	s->flushed_new = s->flushed_there = 0;
	/* A rolled back row id comes again for other names. */
	nd_fields_names_forget(&s->names);
	s->in_tx = 0;
	checks_back(s);
	tx_ended(s, 0);
}

/* Writes the current UTC time as ISO 8601 into out[ND_TIME_ISO_SIZE].
 * Returns out. */
static char *now_iso(char *out)
{
	return nd_time_format(nd_clock_now_ticks(), out);
}

/* Takes over for this machine the row of path that a database older than
 * hosts (schema version 6) left with host '', unless this machine has a
 * row of its own: the checkpoints go on where they were. Returns 0, or -1
 * with err set. */
static int claim_source(nd_store *s, const char *path, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc = nd_db_prepare(s->db,
			       "UPDATE sources SET host=?1 WHERE host='' AND path=?2"
			       " AND NOT EXISTS(SELECT 1 FROM sources WHERE host=?1 AND path=?2)",
			       0, &st, "sources", err) ||
			 nd_db_bind_text(st, 1, s->host, "sources", err) ||
			 nd_db_bind_text(st, 2, path, "sources", err) || nd_db_step(st, "sources", err) < 0
		     ? -1
		     : 0;

	nd_db_finalize(st);
	return rc;
}

/* Looks up this machine's row of path. Returns 1 with *id set and *same
 * telling whether it has this size and mtime, 0 when there is none, -1
 * with err set. */
static int find_source(nd_store *s, const char *path, int64_t size, int64_t mtime, int64_t *id, int *same,
		       nd_error *err)
{
	nd_stmt *st = NULL;
	int rc = nd_db_prepare(s->db, "SELECT id, size, mtime FROM sources WHERE host=? AND path=?", 0, &st, "sources",
			       err) ||
			 nd_db_bind_text(st, 1, s->host, "sources", err) ||
			 nd_db_bind_text(st, 2, path, "sources", err)
		     ? -1
		     : nd_db_step(st, "sources", err);

	if (rc == 1) {
		*id = nd_db_column_int64(st, 0);
		*same = !nd_db_column_null(st, 1) && !nd_db_column_null(st, 2) &&
			nd_db_column_int64(st, 1) == size && nd_db_column_int64(st, 2) == mtime;
	}
	nd_db_finalize(st);
	return rc;
}

int nd_store_source(nd_store *s, const char *path, int64_t size, int64_t mtime, int64_t *id, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc, same = 0;

	/* A row as it is is not written again, and its time is written by
	 * nd_store_source_done: a run that then finds its file unchanged and
	 * records nothing writes nothing. */
	now_iso(s->run_time);
	s->run_source = 0;
	if (claim_source(s, path, err) != 0 || (rc = find_source(s, path, size, mtime, id, &same, err)) < 0)
		return -1;
	if (rc == 0 || !same) {
		rc = nd_db_prepare(s->db,
				   "INSERT INTO sources(host,path,size,mtime,first_ingest,last_ingest)"
				   " VALUES(?1,?2,?3,?4,?5,?5) ON CONFLICT(host,path)"
				   " DO UPDATE SET size=?3, mtime=?4 RETURNING id",
				   0, &st, "sources", err) ||
			     nd_db_bind_text(st, 1, s->host, "sources", err) ||
			     nd_db_bind_text(st, 2, path, "sources", err) ||
			     nd_db_bind_int64(st, 3, size, "sources", err) ||
			     nd_db_bind_int64(st, 4, mtime, "sources", err) ||
			     nd_db_bind_text(st, 5, s->run_time, "sources", err)
			 ? -1
			 : nd_db_step(st, "sources", err);
		if (rc == 1)
			*id = nd_db_column_int64(st, 0);
		else if (rc == 0)
			nd_error_set(err, "database: sources: no id returned");
		nd_db_finalize(st);
		if (rc != 1)
			return -1;
	}
	s->run_source = *id;
	return 0;
}

int nd_store_source_done(nd_store *s, int64_t id, const nd_source_stats *st, nd_error *err)
{
	const uint64_t v[] = {st->records, st->wanted, st->stored, st->duplicates, st->skipped, st->errors,
			      st->warnings, st->last_read};
	nd_stmt *q = NULL;
	int rc, i;

	/* the time of the run nd_store_source began, else (a channel read
	 * again) now */
	if (id != s->run_source)
		now_iso(s->run_time);
	s->run_source = 0;
	rc = nd_db_prepare(s->db,
			   "UPDATE sources SET records=?, wanted=?, stored=stored+?, duplicates=?, skipped=?,"
			   " errors=?, warnings=?, last_record_id=COALESCE(NULLIF(CAST(? AS BIGINT), 0), last_record_id),"
			   " last_ingest=? WHERE id=?",
			   0, &q, "sources", err);
	for (i = 0; i < 8 && rc == 0; i++)
		rc = nd_db_bind_int64(q, i + 1, (int64_t)v[i], "sources", err);
	if (rc == 0 && (nd_db_bind_text(q, 9, s->run_time, "sources", err) ||
			nd_db_bind_int64(q, 10, id, "sources", err) || nd_db_step(q, "sources", err) < 0))
		rc = -1;
	nd_db_finalize(q);
	return rc;
}

int nd_store_source_last_read(nd_store *s, const char *path, uint64_t *id, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc;

	*id = 0;
	/* this machine's row, else one from before hosts (claim_source) */
	rc = nd_db_prepare(s->db,
			   "SELECT last_record_id FROM sources WHERE path=?2 AND host IN (?1, '')"
			   " ORDER BY host DESC LIMIT 1",
			   0, &st, "sources", err) ||
		     nd_db_bind_text(st, 1, s->host, "sources", err) || nd_db_bind_text(st, 2, path, "sources", err)
		 ? -1
		 : nd_db_step(st, "sources", err);
	if (rc == 1)
		*id = (uint64_t)nd_db_column_int64(st, 0);
	nd_db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int nd_store_chunk_get(nd_store *s, int64_t source, uint64_t offset, uint32_t *fp, nd_error *err)
{
	nd_stmt *st = s->get_chunk;
	int rc;

	if (nd_db_bind_int64(st, 1, source, "source_chunks", err) ||
	    nd_db_bind_int64(st, 2, (int64_t)offset, "source_chunks", err))
		return -1;
	rc = nd_db_step(st, "source_chunks", err);
	if (rc == 1) {
		*fp = (uint32_t)nd_db_column_int64(st, 0);
		nd_db_reset(st);
	}
	return rc;
}

int nd_store_chunk_put(nd_store *s, int64_t source, uint64_t offset, uint32_t fp, nd_error *err)
{
	nd_stmt *st = s->put_chunk;

	return nd_db_bind_int64(st, 1, source, "source_chunks", err) ||
		       nd_db_bind_int64(st, 2, (int64_t)offset, "source_chunks", err) ||
		       nd_db_bind_int64(st, 3, fp, "source_chunks", err) || nd_db_step(st, "source_chunks", err) < 0
		   ? -1
		   : 0;
}

/* Binds the typed columns of an event of family fam (its prepared values
 * p) to st, an INSERT of its typed table, from parameter o + 2 on (o + 1
 * is the event's id): every parameter (NULL for a value it lacks: cheaper
 * than clearing them all first), a text only where it is not the one
 * bound there last (nd_db_bind_text_kept: 68-75 % of an NPS event's are
 * the last event's). Returns 0, or -1 with err set. */
static int bind_typed(nd_stmt *st, int o, const nd_family *fam, const nd_record *ev, const nd_store_prepared *p,
		      nd_error *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < fam->ncolumns && rc == 0; i++) {
		const nd_store_col *c = &p->cols[i];
		int col = o + (int)i + 2;

		if (c->kind == ND_STORE_COL_CODE)
			rc = nd_db_bind_int64(st, col, c->code, fam->table, err);
		else
			rc = nd_db_bind_text_kept(st, col, c->kind == ND_STORE_COL_TEXT ? ev->fields[c->pos].value : NULL,
						  fam->table, err);
	}
	return rc;
}

/* Inserts the typed row of an event of family fam (its prepared values
 * p) with its id ref. Returns 0, or -1 with err set. */
static int store_typed(nd_stmt *st, const nd_family *fam, const nd_record *ev, const nd_store_prepared *p, int64_t ref,
		       nd_error *err)
{
	return nd_db_bind_int64(st, 1, ref, fam->table, err) || bind_typed(st, 0, fam, ev, p, err) ||
			       nd_db_step(st, fam->table, err) != 0
		       ? -1
		       : 0;
}

/* Binds the fields of an event (names_ref, fields: the values its typed
 * row does not give back) from its prepared values p to st, an events
 * INSERT, at parameters o + 19 and o + 20. Returns 0, or -1 with err set. */
static int bind_fields(nd_store *s, nd_stmt *st, int o, const nd_record *ev, const nd_store_prepared *p,
		       nd_error *err)
{
	int64_t id;

	if (!ev->nfields)
		return nd_db_bind_null(st, o + 19, "events", err) || nd_db_bind_text_kept(st, o + 20, NULL, "events", err)
			       ? -1
			       : 0;
	return nd_fields_names_of_key(&s->names, s->db, ev->fields, ev->nfields, p->key, p->key_len, &id, err) ||
			       nd_db_bind_int64(st, o + 19, id, "events", err) ||
			       nd_db_bind_text_kept(st, o + 20, p->rest, "events", err)
		       ? -1
		       : 0;
}

/* Reads ev's prepared values for fam into *p, working them out first with
 * the store's own nd_store_prep when no other thread did. Returns 0, or -1
 * with err set. */
static int prepared(nd_store *s, const nd_family *fam, nd_record *ev, nd_store_prepared *p, nd_error *err)
{
	if (nd_store_prep_get(ev, fam, p))
		return 0;
	if ((!s->prep && !(s->prep = nd_store_prep_new())) || nd_store_prep_record(s->prep, fam, ev) != 0 ||
	    !nd_store_prep_get(ev, fam, p))
		return nd_error_set(err, "out of memory");
	return 0;
}

/* Writes keywords as "0x" and 16 lower-case hex digits into out[19].
 * Returns nothing. */
static void keywords_text(uint64_t keywords, char *out)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	out[0] = '0';
	out[1] = 'x';
	for (i = 17; i >= 2; i--, keywords >>= 4)
		out[i] = hex[keywords & 15];
	out[18] = '\0';
}

/* Binds v to parameter i of st, an events INSERT, when have is true, else
 * NULL. Returns 0, or -1 with err set. */
static int bind_opt(nd_stmt *st, int i, int have, int64_t v, nd_error *err)
{
	return have ? nd_db_bind_int64(st, i, v, "events", err) : nd_db_bind_null(st, i, "events", err);
}

/* Binds the header columns of an event to st, an events INSERT, at
 * parameters o + 1 to o + 18, a text only where it is not the one bound
 * there last (nd_db_bind_text_kept: the
 * provider, channel, computer, ... of a log's events are mostly the same),
 * NULL for a value it lacks; the keywords as an integer and the time's text
 * only where it does not compute it from ts in SQLite (nd_schema.h), both
 * as text in PostgreSQL. Returns 0, or -1 with err set. */
static int bind_event(nd_store *s, nd_stmt *st, int o, int64_t source, const nd_family *fam, const nd_record *ev,
		      nd_error *err)
{
	int64_t ts = ev->has_time ? ev->time : ev->written_time;
	const char *w = "events";

	if (s->pg)
		keywords_text(ev->keywords, s->kw);
	return nd_db_bind_text_kept(st, o + 1, fam->name, w, err) ||
		       nd_db_bind_text_kept(st, o + 2, ev->provider ? ev->provider : "", w, err) ||
		       nd_db_bind_int64(st, o + 3, ev->event_id, w, err) ||
		       bind_opt(st, o + 4, ev->has_qualifiers, ev->qualifiers, err) ||
		       bind_opt(st, o + 5, ev->version >= 0, ev->version, err) ||
		       bind_opt(st, o + 6, ev->level >= 0, ev->level, err) ||
		       bind_opt(st, o + 7, ev->task >= 0, ev->task, err) ||
		       (s->pg ? nd_db_bind_text_kept(st, o + 8, s->kw, w, err)
			      : nd_db_bind_int64(st, o + 8, (int64_t)ev->keywords, w, err)) ||
		       nd_db_bind_text_kept(st, o + 9,
					    s->pg || ts < 0 || ts > ND_SCHEMA_TIME_MAX ? nd_time_format(ts, s->iso) : NULL,
					    w, err) ||
		       nd_db_bind_int64(st, o + 10, ts, w, err) ||
		       nd_db_bind_int64(st, o + 11, (int64_t)ev->record_id, w, err) ||
		       nd_db_bind_text_kept(st, o + 12, ev->channel ? ev->channel : "", w, err) ||
		       nd_db_bind_text_kept(st, o + 13, ev->computer ? ev->computer : "", w, err) ||
		       nd_db_bind_text_kept(st, o + 14, ev->user_sid, w, err) ||
		       nd_db_bind_text_kept(st, o + 15, ev->binary, w, err) || nd_db_bind_int64(st, o + 16, source, w, err) ||
		       bind_opt(st, o + 17, ev->file_offset >= 0, ev->file_offset, err) ||
		       bind_opt(st, o + 18, ev->written_time != 0, ev->written_time, err)
		   ? -1
		   : 0;
}

/* Queues an event and its typed row in the staging tables (made first in
 * this transaction), sending the queue when it is full. Returns 2, or -1
 * with err set. */
static int queue_event(nd_store *s, int64_t source, const nd_family *fam, nd_record *ev, nd_error *err)
{
	size_t n = family_index(fam);
	nd_store_prepared p;
	nd_stmt *st;

	if (stage_ready(s, err) != 0 || prepared(s, fam, ev, &p, err) != 0)
		return -1;
	st = s->stage_event;
	if (bind_event(s, st, 0, source, fam, ev, err) || bind_fields(s, st, 0, ev, &p, err) ||
	    nd_db_bind_int64(st, 21, ++s->seq, "events", err) ||
	    nd_db_bind_int64(st, 22, ev->has_time ? 1 : 0, "events", err) || nd_db_step(st, "events", err) < 0 ||
	    (fam->table && store_typed(s->stage_typed[n], fam, ev, &p, s->seq, err) != 0))
		return -1;
	if (++s->queued >= ND_STORE_QUEUE && send_queued(s, err) != 0)
		return -1;
	return 2;
}

int nd_store_queues(const nd_store *s)
{
	return s->queue;
}

int nd_store_flush(nd_store *s, uint64_t *stored, uint64_t *there, nd_error *err)
{
	if (send_queued(s, err) != 0 || batch_run(s, err) != 0)
		return -1;
	*stored += s->flushed_new;
	*there += s->flushed_there;
	s->flushed_new = s->flushed_there = 0;
	return 0;
}

/* Binds an event and its typed row into the next slots of the batch of a
 * SQLite ingest's transaction, running it when full. Returns 2, or -1 with
 * err set. */
static int batch_event(nd_store *s, int64_t source, const nd_family *fam, nd_record *ev, nd_error *err)
{
	size_t n = family_index(fam);
	batch_slot *b = &s->slot[s->nbatch];
	nd_store_prepared p;

	if (n >= MAX_FAMILIES)
		return nd_error_set(err, "too many event families");
	if (batch_ready(s, fam, n, err) != 0 || prepared(s, fam, ev, &p, err) != 0 ||
	    bind_event(s, s->ins_batch, (int)s->nbatch * EVENT_PARAMS, source, fam, ev, err) != 0 ||
	    bind_fields(s, s->ins_batch, (int)s->nbatch * EVENT_PARAMS, ev, &p, err) != 0)
		return -1;
	b->fam = n;
	b->typed = fam->table ? (int)s->ntyped[n] : -1;
	if (fam->table && bind_typed(s->typed_batch[n], b->typed * ((int)fam->ncolumns + 1), fam, ev, &p, err) != 0)
		return -1;
	if (keep_text(&b->computer, ev->computer ? ev->computer : "") != 0 ||
	    keep_text(&b->channel, ev->channel ? ev->channel : "") != 0)
		return nd_error_set(err, "out of memory");
	b->record_id = (int64_t)ev->record_id;
	b->ts = ev->has_time ? ev->time : ev->written_time;
	if (fam->table)
		s->ntyped[n]++;
	s->nbatch++;
	follow_stored(s, fam, ev);
	return s->nbatch == BATCH && batch_run(s, err) != 0 ? -1 : 2;
}

int nd_store_event(nd_store *s, int64_t source, const nd_family *fam, nd_record *ev, nd_error *err)
{
	nd_store_prepared p;
	int64_t ref;

	if (s->queue && s->in_tx)
		return queue_event(s, source, fam, ev, err);
	if (s->batching)
		return batch_event(s, source, fam, ev, err);
	if (prepared(s, fam, ev, &p, err) || bind_event(s, s->ins_event, 0, source, fam, ev, err) ||
	    bind_fields(s, s->ins_event, 0, ev, &p, err))
		return -1;
	switch (nd_db_step(s->ins_event, "events", err)) {
	case 0:
		if (!nd_db_has_inserted(s->db) || !(ref = nd_db_inserted(s->db)))
			return 0;
		break;
	case 1:
		ref = nd_db_column_int64(s->ins_event, 0);
		if (nd_db_step(s->ins_event, "events", err) == 0)
			break;
		/* fall through */
	default: nd_db_reset(s->ins_event); return -1;
	}
	if (fam->table && store_typed(s->ins_typed[family_index(fam)], fam, ev, &p, ref, err) != 0)
		return -1;
	follow_stored(s, fam, ev);
	return 1;
}
