/* wal_fixture: a SQLite database in WAL mode for the tests of the WAL's
 * helpers (test_nd_db_sqlite_ckpt, test_nd_db_sqlite_wb): made anew in a
 * directory, filled with rows of random bytes in a transaction, and read
 * back. Static functions: each test includes it once. */
#ifndef WAL_FIXTURE_H
#define WAL_FIXTURE_H

#include <sqlite3.h>
#include <stdio.h>
#include <unistd.h>

/* Sets path to dir/name and wal to its WAL, removes both, opens path as
 * *db in WAL mode with 4 KB pages, synchronous=NORMAL and pragmas (more
 * settings, "" for none), and creates t(id, v BLOB). Returns 0, or -1 when
 * a step failed (*db may then be open). */
static int wal_open(const char *dir, const char *name, const char *pragmas, char *path, size_t npath, char *wal,
		    size_t nwal, sqlite3 **db)
{
	char sql[512];

	snprintf(path, npath, "%s/%s", dir, name);
	snprintf(wal, nwal, "%s-wal", path);
	unlink(path);
	unlink(wal);
	snprintf(sql, sizeof(sql),
		 "PRAGMA page_size=4096; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; %s"
		 " CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);",
		 pragmas);
	return sqlite3_open(path, db) == SQLITE_OK && sqlite3_exec(*db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Begins a transaction on db and inserts rows rows of bytes random bytes
 * into t, leaving it open. Returns 0, or -1 when a step failed. */
static int wal_fill(sqlite3 *db, int rows, int bytes)
{
	sqlite3_stmt *st = NULL;
	int r, ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
		    sqlite3_prepare_v2(db, "INSERT INTO t(v) VALUES(randomblob(?))", -1, &st, NULL) == SQLITE_OK;

	for (r = 0; r < rows && ok; r++)
		ok = sqlite3_bind_int(st, 1, bytes) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE &&
		     sqlite3_reset(st) == SQLITE_OK;
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

/* Returns the single integer a query gives on db, -1 on failure. */
static long long wal_one(sqlite3 *db, const char *q)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

#endif
