/* nd_sql: the few SQLite calls the store makes, each checked. A failure
 * fills the caller's nd_error with "database: WHAT: SQLite's message",
 * WHAT saying what the statement was for (a table, "schema", ...).
 *
 * The pattern, for a statement run once:
 *
 *	if (nd_sql_prepare(db, "UPDATE t SET v=? WHERE k=?", 0, &st, "t", err) ||
 *	    nd_sql_bind_text(st, 1, v, "t", err) || nd_sql_bind_int64(st, 2, k, "t", err) ||
 *	    nd_sql_step(st, "t", err) < 0)
 *		rc = -1;
 *	sqlite3_finalize(st);
 */
#ifndef ND_SQL_H
#define ND_SQL_H

#include <sqlite3.h>
#include <stdint.h>

#include "nd_error.h"

/* Fills err with SQLite's current message on db for what. Returns -1. */
int nd_sql_fail(sqlite3 *db, const char *what, nd_error *err);

/* Runs SQL that returns no rows (one or more statements). Returns 0, or -1
 * with err set. */
int nd_sql_exec(sqlite3 *db, const char *sql, const char *what, nd_error *err);

/* Prepares a statement (flags as sqlite3_prepare_v3's, e.g.
 * SQLITE_PREPARE_PERSISTENT). Returns 0 with *st set, or -1 with err set
 * and *st NULL. */
int nd_sql_prepare(sqlite3 *db, const char *sql, unsigned flags, sqlite3_stmt **st, const char *what, nd_error *err);

/* Binds a string (NULL binds SQL NULL), an integer or NULL to parameter i.
 * Return 0, or -1 with err set. */
int nd_sql_bind_text(sqlite3_stmt *st, int i, const char *v, const char *what, nd_error *err);
int nd_sql_bind_int64(sqlite3_stmt *st, int i, int64_t v, const char *what, nd_error *err);
int nd_sql_bind_null(sqlite3_stmt *st, int i, const char *what, nd_error *err);

/* Steps a statement. Returns 1 when it gave a row, 0 when it is done (and
 * then resets it for the next use), -1 with err set (reset too). */
int nd_sql_step(sqlite3_stmt *st, const char *what, nd_error *err);

#endif
