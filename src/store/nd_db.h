/* nd_db: the one database API every SQL user goes through, whatever the
 * backend (SQLite today; docs/internals.md, "SQL that both backends
 * accept"). A connection nd_db and a statement nd_stmt are opaque; SQL
 * takes `?` placeholders, numbered from 1. A failure fills the caller's
 * nd_error with "database: WHAT: the backend's message", WHAT saying what
 * the statement was for (a table, "schema", ...), and remembers its kind
 * (nd_db_error_kind).
 *
 * The pattern, for a statement run once:
 *
 *	if (nd_db_prepare(db, "UPDATE t SET v=? WHERE k=?", 0, &st, "t", err) ||
 *	    nd_db_bind_text(st, 1, v, "t", err) || nd_db_bind_int64(st, 2, k, "t", err) ||
 *	    nd_db_step(st, "t", err) < 0)
 *		rc = -1;
 *	nd_db_finalize(st);
 */
#ifndef ND_DB_H
#define ND_DB_H

#include <stddef.h>
#include <stdint.h>

#include "nd_error.h"

typedef struct nd_db nd_db;
typedef struct nd_stmt nd_stmt;

/* nd_db_prepare flags: a statement kept for the life of the connection
 * (a hot path), which the backend may cache. */
#define ND_DB_PERSISTENT 1u

/* What the last failure on a connection was. */
typedef enum nd_db_kind {
	ND_DB_OK = 0,
	ND_DB_FULL,     /* the database or its disk is full */
	ND_DB_BUSY,     /* another writer held the lock too long */
	ND_DB_READONLY, /* the database cannot be written */
	ND_DB_AGAIN,    /* a database server's serialization failure, deadlock or lost connection: the
			 * transaction rolled back and may succeed when run again */
	ND_DB_OTHER
} nd_db_kind;

/* The SQL dialect of a connection, for the few statements that differ
 * (the schema's JSON view, docs/schema.md). */
typedef enum nd_db_dialect {
	ND_DB_SQLITE = 0,
	ND_DB_POSTGRESQL
} nd_db_dialect;

/* Returns the dialect of db. */
nd_db_dialect nd_db_dialect_of(nd_db *db);

/* Closes a connection (finalize its statements first). Returns nothing. */
void nd_db_close(nd_db *db);

/* Fills err with the backend's current message on db for what. Returns -1. */
int nd_db_fail(nd_db *db, const char *what, nd_error *err);

/* Returns the kind of the last failure on db (ND_DB_OK after a success;
 * a rollback keeps the kind of the failure that made it). */
nd_db_kind nd_db_error_kind(nd_db *db);

/* Returns 1 when err carries the message the backend gives for a full
 * database or disk, else 0 (for errors passed up without their db). */
int nd_db_error_full(nd_db *db, const nd_error *err);

/* Returns the file (or name) of the database, "" when it has none. */
const char *nd_db_name(nd_db *db);

/* Returns 1 while a transaction is open on db, else 0. */
int nd_db_in_transaction(nd_db *db);

/* Reads into *v a number that changes when another connection commits
 * (SQLite's data_version), 0 when the backend has none (PostgreSQL): equal
 * numbers say no other connection wrote. Returns 0, or -1 with err set
 * (err may be NULL) and *v 0. */
int nd_db_data_version(nd_db *db, int64_t *v, nd_error *err);

/* Returns 1 when nd_db_inserted tells the id of an inserted row, 0 when an
 * INSERT must return it (RETURNING). */
int nd_db_has_inserted(nd_db *db);

/* Returns the id of the row the last INSERT on db added (a table with an
 * INTEGER PRIMARY KEY), 0 when it added none (ON CONFLICT DO NOTHING);
 * only when nd_db_has_inserted. */
int64_t nd_db_inserted(nd_db *db);

/* Returns the number of rows the last INSERT, UPDATE or DELETE on db
 * changed, or -1 when the backend does not tell (PostgreSQL: RETURNING
 * does). */
int64_t nd_db_changes(nd_db *db);

/* Runs SQL that returns no rows (one or more statements). Returns 0, or -1
 * with err set. */
int nd_db_exec(nd_db *db, const char *sql, const char *what, nd_error *err);

/* Begins a write transaction taking the write lock at once; commits;
 * rolls back (never fails). Return 0, or -1 with err set. */
int nd_db_begin(nd_db *db, nd_error *err);
int nd_db_commit(nd_db *db, nd_error *err);
void nd_db_rollback(nd_db *db);

/* Runs schema SQL (CREATE TABLE/INDEX/VIEW ..., written in SQLite's
 * dialect: INTEGER, `id INTEGER PRIMARY KEY` for a row id, WITHOUT ROWID,
 * CREATE VIEW IF NOT EXISTS), turned into the backend's. Returns 0, or -1
 * with err set. */
int nd_db_exec_ddl(nd_db *db, const char *sql, const char *what, nd_error *err);

/* Returns 1 when the table name exists, 0 when not, -1 with err set. */
int nd_db_has_table(nd_db *db, const char *name, nd_error *err);

/* Returns 1 when the table has the column, 0 when not (or there is no such
 * table), -1 with err set. */
int nd_db_has_column(nd_db *db, const char *table, const char *column, nd_error *err);

/* Inside a write transaction, waits for and takes the lock numbered key
 * until the transaction ends, serialising writers that would otherwise
 * interleave (a backend whose transactions already exclude each other,
 * SQLite, does nothing). Returns 0, or -1 with err set. */
int nd_db_lock(nd_db *db, int64_t key, nd_error *err);

/* Prepares a statement (flags: 0 or ND_DB_PERSISTENT). Returns 0 with *st
 * set, or -1 with err set and *st NULL. */
int nd_db_prepare(nd_db *db, const char *sql, unsigned flags, nd_stmt **st, const char *what, nd_error *err);

/* Binds a string (NULL binds SQL NULL), an integer, a double or NULL to
 * parameter i. Return 0, or -1 with err set. */
int nd_db_bind_text(nd_stmt *st, int i, const char *v, const char *what, nd_error *err);
int nd_db_bind_int64(nd_stmt *st, int i, int64_t v, const char *what, nd_error *err);
int nd_db_bind_double(nd_stmt *st, int i, double v, const char *what, nd_error *err);
int nd_db_bind_null(nd_stmt *st, int i, const char *what, nd_error *err);

/* Binds a string (NULL binds SQL NULL) that stays as it is until the
 * statement has been stepped to its end, reset or bound again, so that the
 * backend need not copy it (a hot path). Returns 0, or -1 with err set. */
int nd_db_bind_text_static(nd_stmt *st, int i, const char *v, const char *what, nd_error *err);

/* A value for nd_db_bind_values: SQL NULL, an integer, or a string of
 * len bytes followed by a NUL. */
enum { ND_DB_VAL_NULL, ND_DB_VAL_INT, ND_DB_VAL_TEXT };

typedef struct nd_db_value {
	union {
		int64_t i;
		const char *s;
	} v;
	size_t len;         /* a string's length */
	unsigned char kind; /* ND_DB_VAL_* */
} nd_db_value;

/* Binds v[0..n) to parameters 1..n of st, strings without a copy (as
 * nd_db_bind_text_static) and with their lengths: one call for a row or a
 * multi-row INSERT's rows instead of one per value through the backend
 * (a hot path). Returns 0, or -1 with err set. */
int nd_db_bind_values(nd_stmt *st, const nd_db_value *v, size_t n, const char *what, nd_error *err);

/* Binds a string (NULL binds SQL NULL) as nd_db_bind_text does, keeping a
 * copy with the statement, unless parameter i holds a copy kept by the last
 * call for it that is the same string: then it binds nothing, the value
 * being there already (a parameter keeps its value across steps and resets
 * until it is bound again or cleared). For a statement run once per row
 * whose values mostly repeat from one row to the next: a bind costs SQLite
 * about 230 instructions, the comparison a tenth of that. Returns 0, or -1
 * with err set. */
int nd_db_bind_text_kept(nd_stmt *st, int i, const char *v, const char *what, nd_error *err);

/* Steps a statement. Returns 1 when it gave a row, 0 when it is done (and
 * then resets it for the next use), -1 with err set (reset too). */
int nd_db_step(nd_stmt *st, const char *what, nd_error *err);

/* Column c of the current row: text (NULL for SQL NULL), integer, double,
 * whether it is NULL; the number of columns. */
const char *nd_db_column_text(nd_stmt *st, int c);
int64_t nd_db_column_int64(nd_stmt *st, int c);
double nd_db_column_double(nd_stmt *st, int c);
int nd_db_column_null(nd_stmt *st, int c);
int nd_db_column_count(nd_stmt *st);

/* Returns 1 when the text of column c holds a NUL, so that what
 * nd_db_column_text gives stops short of it (SQLite stores one; a
 * PostgreSQL text has none), else 0 (NULL too). */
int nd_db_column_cut(nd_stmt *st, int c);

/* Resets a statement for another run (keeping its bindings); clears its
 * bindings to NULL; frees it (NULL is fine). Return nothing. */
void nd_db_reset(nd_stmt *st);
void nd_db_clear(nd_stmt *st);
void nd_db_finalize(nd_stmt *st);

#endif
