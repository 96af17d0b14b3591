#include "nd_sql.h"

int nd_sql_fail(sqlite3 *db, const char *what, nd_error *err)
{
	return nd_error_set(err, "database: %s: %s", what, sqlite3_errmsg(db));
}

int nd_sql_exec(sqlite3 *db, const char *sql, const char *what, nd_error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		nd_error_set(err, "database: %s: %s", what, msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int nd_sql_prepare(sqlite3 *db, const char *sql, unsigned flags, sqlite3_stmt **st, const char *what, nd_error *err)
{
	if (sqlite3_prepare_v3(db, sql, -1, flags, st, NULL) != SQLITE_OK) {
		nd_sql_fail(db, what, err);
		sqlite3_finalize(*st);
		*st = NULL;
		return -1;
	}
	return 0;
}

/* Checks the result of a bind. Returns 0, or -1 with err set. */
static int bound(sqlite3_stmt *st, int rc, const char *what, nd_error *err)
{
	return rc == SQLITE_OK ? 0 : nd_sql_fail(sqlite3_db_handle(st), what, err);
}

int nd_sql_bind_text(sqlite3_stmt *st, int i, const char *v, const char *what, nd_error *err)
{
	return bound(st, v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i), what, err);
}

int nd_sql_bind_int64(sqlite3_stmt *st, int i, int64_t v, const char *what, nd_error *err)
{
	return bound(st, sqlite3_bind_int64(st, i, v), what, err);
}

int nd_sql_bind_null(sqlite3_stmt *st, int i, const char *what, nd_error *err)
{
	return bound(st, sqlite3_bind_null(st, i), what, err);
}

int nd_sql_step(sqlite3_stmt *st, const char *what, nd_error *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	nd_sql_fail(sqlite3_db_handle(st), what, err);
	sqlite3_reset(st);
	return -1;
}
