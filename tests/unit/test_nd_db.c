/* Unit tests of src/store/nd_db (SQLite backend): each call with good and
 * bad input; a failure names the statement's purpose, carries the backend's
 * message and has a kind. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nd_buf.h"
#include "nd_db.h"
#include "nd_db_sqlite.h"

/* exec and prepare: good SQL, bad SQL (message, NULL statement). */
static void test_db_exec_prepare(nd_db *db)
{
	nd_stmt *st = (nd_stmt *)&st;
	nd_error err;

	CHECK(nd_db_exec(db, "CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT NOT NULL, d REAL)", "t", &err) == 0);
	CHECK(nd_db_exec(db, "CREATE TABLE t(x)", "making t", &err) == -1);
	CHECK_STR(err.message, "database: making t: table t already exists");
	CHECK(nd_db_prepare(db, "SELECT x FROM nowhere", 0, &st, "lookup", &err) == -1 && st == NULL);
	CHECK(strstr(err.message, "database: lookup: no such table: nowhere") != NULL);
	CHECK(nd_db_error_kind(db) == ND_DB_OTHER);
	CHECK(nd_db_prepare(db, "SELECT 1", ND_DB_PERSISTENT, &st, "one", &err) == 0 && st != NULL);
	CHECK(nd_db_column_count(st) == 1);
	nd_db_finalize(st);
	nd_db_finalize(NULL);
	CHECK(nd_db_fail(db, "x", &err) == -1 && strncmp(err.message, "database: x: ", 13) == 0);
}

/* Binds and steps: text, NULL text, integer, double, null; a row, done
 * (reset for reuse), a constraint failure, an index out of range. */
static void test_db_bind_step(nd_db *db)
{
	nd_stmt *ins = NULL, *sel = NULL;
	nd_error err;

	CHECK(nd_db_prepare(db, "INSERT INTO t(k,v,d) VALUES(?,?,?)", 0, &ins, "t", &err) == 0);
	CHECK(nd_db_bind_int64(ins, 1, 1, "t", &err) == 0 && nd_db_bind_text(ins, 2, "one", "t", &err) == 0);
	CHECK(nd_db_bind_double(ins, 3, 1.5, "t", &err) == 0);
	CHECK(nd_db_step(ins, "t", &err) == 0);
	nd_db_clear(ins);
	CHECK(nd_db_bind_int64(ins, 1, 2, "t", &err) == 0 && nd_db_bind_text(ins, 2, NULL, "t", &err) == 0);
	CHECK(nd_db_step(ins, "t", &err) == -1);
	CHECK(strstr(err.message, "database: t: NOT NULL constraint failed") != NULL);
	CHECK(nd_db_bind_null(ins, 2, "t", &err) == 0);
	CHECK(nd_db_step(ins, "t", &err) == -1);
	CHECK(nd_db_bind_int64(ins, 4, 0, "binding", &err) == -1);
	CHECK(strstr(err.message, "database: binding: ") != NULL);
	CHECK(nd_db_bind_text(ins, 0, "x", "t", &err) == -1);
	CHECK(nd_db_bind_null(ins, 9, "t", &err) == -1);
	nd_db_finalize(ins);

	CHECK(nd_db_prepare(db, "SELECT v, d, k, NULL FROM t WHERE k=?", 0, &sel, "t", &err) == 0);
	CHECK(nd_db_bind_int64(sel, 1, 1, "t", &err) == 0);
	CHECK(nd_db_step(sel, "t", &err) == 1);
	CHECK_STR(nd_db_column_text(sel, 0), "one");
	CHECK(nd_db_column_double(sel, 1) == 1.5);
	CHECK(nd_db_column_int64(sel, 2) == 1);
	CHECK(nd_db_column_null(sel, 3) && !nd_db_column_null(sel, 0) && nd_db_column_text(sel, 3) == NULL);
	CHECK(nd_db_step(sel, "t", &err) == 0);
	CHECK(nd_db_step(sel, "t", &err) == 1); /* reset when done: runs again */
	nd_db_reset(sel);
	CHECK(nd_db_step(sel, "t", &err) == 1);
	nd_db_finalize(sel);
}

/* Inserts (k, a, b) into u through ins with nd_db_bind_text_kept for a
 * and b. Returns 0, or -1. */
static int put_kept(nd_stmt *ins, int64_t k, const char *a, const char *b)
{
	nd_error err;

	return nd_db_bind_int64(ins, 1, k, "u", &err) || nd_db_bind_text_kept(ins, 2, a, "u", &err) ||
		       nd_db_bind_text_kept(ins, 3, b, "u", &err) || nd_db_step(ins, "u", &err) != 0
		   ? -1
		   : 0;
}

/* Kept binds: a value the same as the last one is not bound again but is
 * stored, even when the caller's string is gone (the statement's copy is
 * bound: ASan sees a use after free otherwise); another value, NULL, a bind
 * of another kind in between and a clear each bind again; a parameter that
 * does not exist fails. */
static void test_db_bind_kept(nd_db *db)
{
	nd_stmt *ins = NULL, *sel = NULL;
	nd_buf got = {0};
	char *a = strdup("same"), *b;
	nd_error err;

	CHECK(nd_db_exec(db, "CREATE TABLE u(k INTEGER PRIMARY KEY, a TEXT, b TEXT)", "u", &err) == 0);
	CHECK(nd_db_prepare(db, "INSERT INTO u(k,a,b) VALUES(?,?,?)", 0, &ins, "u", &err) == 0);
	CHECK(put_kept(ins, 1, a, "x") == 0);
	free(a);
	b = strdup("same");
	CHECK(put_kept(ins, 2, b, NULL) == 0);
	strcpy(b, "next");
	CHECK(put_kept(ins, 3, b, NULL) == 0);
	free(b);
	CHECK(put_kept(ins, 4, "next", "y") == 0);
	CHECK(nd_db_bind_text(ins, 2, "plain", "u", &err) == 0 && nd_db_bind_int64(ins, 1, 5, "u", &err) == 0 &&
	      nd_db_step(ins, "u", &err) == 0);
	CHECK(put_kept(ins, 6, "next", "y") == 0);
	nd_db_clear(ins);
	CHECK(put_kept(ins, 7, "next", "y") == 0);
	CHECK(put_kept(ins, 8, "", NULL) == 0);
	CHECK(nd_db_bind_text_kept(ins, 0, "x", "u", &err) == -1 && strstr(err.message, "database: u: ") != NULL);
	CHECK(nd_db_bind_text_kept(ins, 40, "x", "u", &err) == -1 && strstr(err.message, "database: u: ") != NULL);
	nd_db_finalize(ins);
	CHECK(nd_db_prepare(db, "SELECT k, quote(a), quote(b) FROM u ORDER BY k", 0, &sel, "u", &err) == 0);
	while (nd_db_step(sel, "u", &err) == 1)
		nd_buf_printf(&got, "%s %s %s;", nd_db_column_text(sel, 0), nd_db_column_text(sel, 1),
			      nd_db_column_text(sel, 2));
	CHECK_STR(got.data, "1 'same' 'x';2 'same' NULL;3 'next' NULL;4 'next' 'y';5 'plain' 'y';6 'next' 'y';"
			    "7 'next' 'y';8 '' NULL;");
	nd_db_finalize(sel);
	nd_buf_free(&got);
}

/* nd_db_bind_values: integers, NULLs and strings bound by their length
 * (len bytes followed by a NUL, as nd_db.h asks: another backend may bind
 * up to the NUL; an empty one stays empty, not NULL); a value kept by nd_db_bind_text_kept before is bound over; a
 * failing statement says what it was for. */
static void test_db_bind_values(nd_db *db)
{
	nd_stmt *ins = NULL, *sel = NULL;
	nd_buf got = {0};
	nd_db_value v[6];
	nd_error err;

	memset(v, 0, sizeof(v));
	CHECK(nd_db_prepare(db, "INSERT INTO u(k,a,b) VALUES(?,?,?),(?,?,?)", 0, &ins, "u", &err) == 0);
	CHECK(nd_db_bind_text_kept(ins, 2, "kept", "u", &err) == 0);
	v[0].kind = ND_DB_VAL_INT, v[0].v.i = 20;
	v[1].kind = ND_DB_VAL_TEXT, v[1].v.s = "abc", v[1].len = 3;
	v[2].kind = ND_DB_VAL_NULL;
	v[3].kind = ND_DB_VAL_INT, v[3].v.i = 21;
	v[4].kind = ND_DB_VAL_TEXT, v[4].v.s = "", v[4].len = 0;
	v[5].kind = ND_DB_VAL_TEXT, v[5].v.s = "kept", v[5].len = 4;
	CHECK(nd_db_bind_values(ins, v, 6, "u", &err) == 0 && nd_db_step(ins, "u", &err) == 0);
	CHECK(nd_db_bind_text_kept(ins, 2, "kept", "u", &err) == 0); /* bound again: no longer there */
	v[0].v.i = 22;
	v[3].v.i = 22;
	CHECK(nd_db_bind_values(ins, v, 6, "u again", &err) == 0 && nd_db_step(ins, "u again", &err) == -1);
	CHECK(strstr(err.message, "database: u again: UNIQUE constraint failed") != NULL);
	nd_db_finalize(ins);
	CHECK(nd_db_prepare(db, "SELECT k, quote(a), quote(b) FROM u WHERE k >= 20 ORDER BY k", 0, &sel, "u", &err) ==
	      0);
	while (nd_db_step(sel, "u", &err) == 1)
		nd_buf_printf(&got, "%s %s %s;", nd_db_column_text(sel, 0), nd_db_column_text(sel, 1),
			      nd_db_column_text(sel, 2));
	CHECK_STR(got.data, "20 'abc' NULL;21 '' 'kept';");
	nd_db_finalize(sel);
	nd_buf_free(&got);
}

/* Transactions: begin, rollback drops, commit keeps; nested begin fails. */
static void test_db_transactions(nd_db *db)
{
	nd_stmt *st = NULL;
	nd_error err;

	CHECK(!nd_db_in_transaction(db));
	CHECK(nd_db_begin(db, &err) == 0 && nd_db_in_transaction(db));
	CHECK(nd_db_begin(db, &err) == -1 && strncmp(err.message, "database: begin: ", 17) == 0);
	CHECK(nd_db_exec(db, "INSERT INTO t(k,v) VALUES(7,'seven')", "t", &err) == 0);
	nd_db_rollback(db);
	CHECK(!nd_db_in_transaction(db));
	CHECK(nd_db_begin(db, &err) == 0);
	CHECK(nd_db_exec(db, "INSERT INTO t(k,v) VALUES(8,'eight')", "t", &err) == 0);
	CHECK(nd_db_commit(db, &err) == 0 && !nd_db_in_transaction(db));
	CHECK(nd_db_prepare(db, "SELECT count(*) FROM t WHERE k IN (7,8)", 0, &st, "t", &err) == 0);
	CHECK(nd_db_step(st, "t", &err) == 1 && nd_db_column_int64(st, 0) == 1);
	nd_db_finalize(st);
	CHECK(nd_db_commit(db, &err) == -1 && strncmp(err.message, "database: commit: ", 18) == 0);
}

/* Error kinds and the full-disk message test. */
static void test_db_kinds(nd_db *db)
{
	nd_error err;

	nd_error_set(&err, "x.db: database: events: database or disk is full");
	CHECK(nd_db_error_full(db, &err) == 1);
	nd_error_set(&err, "database or disk is full");
	CHECK(nd_db_error_full(db, &err) == 0);
	nd_error_set(&err, "database: events: no such table");
	CHECK(nd_db_error_full(db, &err) == 0);
	CHECK(nd_db_exec(db, "SELECT 1", "one", &err) == 0 && nd_db_error_kind(db) == ND_DB_OK);
	CHECK_STR(nd_db_name(db), "");
}

int main(void)
{
	nd_db *db = NULL;
	nd_error err;
	int ro = -1;

	CHECK(nd_db_sqlite_open(&db, "/nonexistent-dir/x.db", 0, &ro, &err) == -1 && db == NULL);
	CHECK(strncmp(err.message, "cannot open database: ", 22) == 0);
	if (nd_db_sqlite_open(&db, ":memory:", 0, &ro, &err) != 0)
		return 2;
	CHECK(ro == 0);
	test_db_exec_prepare(db);
	test_db_bind_step(db);
	test_db_bind_kept(db);
	test_db_bind_values(db);
	test_db_transactions(db);
	test_db_kinds(db);
	nd_db_close(db);
	return check_report();
}
