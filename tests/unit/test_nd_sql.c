/* Unit tests of src/store/nd_sql: each helper with good and bad input; a
 * failure names the statement's purpose and carries SQLite's message. */
#include <sqlite3.h>
#include <string.h>

#include "check.h"
#include "nd_sql.h"

/* exec and prepare: good SQL, bad SQL (message, NULL statement). */
static void test_sql_exec_prepare(sqlite3 *db)
{
	sqlite3_stmt *st = (sqlite3_stmt *)&st;
	nd_error err;

	CHECK(nd_sql_exec(db, "CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT NOT NULL)", "t", &err) == 0);
	CHECK(nd_sql_exec(db, "CREATE TABLE t(x)", "making t", &err) == -1);
	CHECK_STR(err.message, "database: making t: table t already exists");
	CHECK(nd_sql_prepare(db, "SELECT x FROM nowhere", 0, &st, "lookup", &err) == -1 && st == NULL);
	CHECK(strstr(err.message, "database: lookup: no such table: nowhere") != NULL);
	CHECK(nd_sql_prepare(db, "SELECT 1", SQLITE_PREPARE_PERSISTENT, &st, "one", &err) == 0 && st != NULL);
	sqlite3_finalize(st);
	CHECK(nd_sql_fail(db, "x", &err) == -1 && strncmp(err.message, "database: x: ", 13) == 0);
}

/* Binds and steps: text, NULL text, integer, null; a row, done (reset
 * for reuse), a constraint failure, an index out of range. */
static void test_sql_bind_step(sqlite3 *db)
{
	sqlite3_stmt *ins = NULL, *sel = NULL;
	nd_error err;

	CHECK(nd_sql_prepare(db, "INSERT INTO t(k,v) VALUES(?,?)", 0, &ins, "t", &err) == 0);
	CHECK(nd_sql_bind_int64(ins, 1, 1, "t", &err) == 0 && nd_sql_bind_text(ins, 2, "one", "t", &err) == 0);
	CHECK(nd_sql_step(ins, "t", &err) == 0);
	CHECK(nd_sql_bind_int64(ins, 1, 2, "t", &err) == 0 && nd_sql_bind_text(ins, 2, NULL, "t", &err) == 0);
	CHECK(nd_sql_step(ins, "t", &err) == -1);
	CHECK(strstr(err.message, "database: t: NOT NULL constraint failed") != NULL);
	CHECK(nd_sql_bind_null(ins, 2, "t", &err) == 0);
	CHECK(nd_sql_step(ins, "t", &err) == -1);
	CHECK(nd_sql_bind_int64(ins, 3, 0, "binding", &err) == -1);
	CHECK(strstr(err.message, "database: binding: ") != NULL);
	CHECK(nd_sql_bind_text(ins, 0, "x", "t", &err) == -1);
	CHECK(nd_sql_bind_null(ins, 9, "t", &err) == -1);
	sqlite3_finalize(ins);

	CHECK(nd_sql_prepare(db, "SELECT v FROM t WHERE k=?", 0, &sel, "t", &err) == 0);
	CHECK(nd_sql_bind_int64(sel, 1, 1, "t", &err) == 0);
	CHECK(nd_sql_step(sel, "t", &err) == 1);
	CHECK_STR((const char *)sqlite3_column_text(sel, 0), "one");
	CHECK(nd_sql_step(sel, "t", &err) == 0);
	CHECK(nd_sql_step(sel, "t", &err) == 1); /* reset when done: runs again */
	sqlite3_finalize(sel);
}

int main(void)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return 2;
	test_sql_exec_prepare(db);
	test_sql_bind_step(db);
	sqlite3_close(db);
	return check_report();
}
