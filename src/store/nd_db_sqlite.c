#include "nd_db_sqlite.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "nd_buf.h"
#include "nd_clock.h"
#include "nd_db_backend.h"
#include "nd_db_sqlite_ckpt.h"
#include "nd_db_sqlite_wb.h"

#define ND_DB_BUSY_MS 30000
#define ND_DB_BUSY_POLL_MS 5

typedef struct lite_db {
	struct nd_db base;
	sqlite3 *h;
	nd_db_sqlite_ckpt *ckpt; /* NULL: SQLite's automatic checkpoint */
	nd_db_sqlite_wb *wb;     /* NULL: the kernel writes back when it likes */
} lite_db;

typedef struct lite_stmt {
	struct nd_stmt base;
	sqlite3_stmt *h;
} lite_stmt;

/* Returns the SQLite handle of a connection or a statement. */
static sqlite3 *H(nd_db *db)
{
	return ((lite_db *)db)->h;
}

static sqlite3_stmt *S(nd_stmt *st)
{
	return ((lite_stmt *)st)->h;
}

/* Closes the connection. Returns nothing. */
static void lite_close(nd_db *db)
{
	nd_db_sqlite_wb_stop(((lite_db *)db)->wb);
	nd_db_sqlite_ckpt_stop(((lite_db *)db)->ckpt);
	sqlite3_close(H(db));
	free(db);
}

/* Returns SQLite's message for the last failure. */
static const char *lite_errmsg(nd_db *db)
{
	return sqlite3_errmsg(H(db));
}

/* Returns the kind of the last failure. */
static nd_db_kind lite_kind(nd_db *db)
{
	switch (sqlite3_errcode(H(db))) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE: return ND_DB_OK;
	case SQLITE_FULL: return ND_DB_FULL;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return ND_DB_BUSY;
	case SQLITE_READONLY: return ND_DB_READONLY;
	default: return ND_DB_OTHER;
	}
}

/* Returns SQLite's message for SQLITE_FULL (also what it makes of ENOSPC). */
static const char *lite_full_message(void)
{
	return sqlite3_errstr(SQLITE_FULL);
}

/* Returns the database's file name, "" for none. */
static const char *lite_name(nd_db *db)
{
	const char *p = sqlite3_db_filename(H(db), "main");

	return p ? p : "";
}

/* Returns 1 while a transaction is open. */
static int lite_in_transaction(nd_db *db)
{
	return sqlite3_get_autocommit(H(db)) == 0;
}

/* Returns the rowid of the row the last INSERT added, or 0 when it added
 * none. A RETURNING clause costs SQLite an ephemeral table per statement
 * (14 % of an NPS server's ingest). */
static int64_t lite_inserted(nd_db *db)
{
	return sqlite3_changes(H(db)) > 0 ? sqlite3_last_insert_rowid(H(db)) : 0;
}

/* Returns the rows the last INSERT, UPDATE or DELETE changed. */
static int64_t lite_changes(nd_db *db)
{
	return sqlite3_changes(H(db));
}

/* Runs SQL without rows. Returns 0, or -1 with *msg set (maybe NULL). */
static int lite_exec(nd_db *db, const char *sql, char **msg)
{
	return sqlite3_exec(H(db), sql, NULL, NULL, msg) == SQLITE_OK ? 0 : -1;
}

/* Frees a message of lite_exec. Returns nothing. */
static void lite_free_msg(char *msg)
{
	sqlite3_free(msg);
}

/* Prepares a statement. Returns 0 with *st set, or -1. */
static int lite_prepare(nd_db *db, const char *sql, unsigned flags, nd_stmt **st)
{
	lite_stmt *s = malloc(sizeof(*s));
	sqlite3_stmt *h = NULL;

	if (!s)
		return -1;
	if (sqlite3_prepare_v3(H(db), sql, -1, flags & ND_DB_PERSISTENT ? SQLITE_PREPARE_PERSISTENT : 0, &h, NULL) !=
	    SQLITE_OK) {
		sqlite3_finalize(h);
		free(s);
		return -1;
	}
	s->base.db = db;
	s->h = h;
	*st = &s->base;
	return 0;
}

/* The binds: return 0, or -1. */
static int lite_bind_text(nd_stmt *st, int i, const char *v)
{
	return sqlite3_bind_text(S(st), i, v, -1, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : -1;
}

static int lite_bind_static(nd_stmt *st, int i, const char *v)
{
	return sqlite3_bind_text(S(st), i, v, -1, SQLITE_STATIC) == SQLITE_OK ? 0 : -1;
}

static int lite_bind_int64(nd_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(S(st), i, v) == SQLITE_OK ? 0 : -1;
}

static int lite_bind_double(nd_stmt *st, int i, double v)
{
	return sqlite3_bind_double(S(st), i, v) == SQLITE_OK ? 0 : -1;
}

static int lite_bind_null(nd_stmt *st, int i)
{
	return sqlite3_bind_null(S(st), i) == SQLITE_OK ? 0 : -1;
}

static int lite_bind_values(nd_stmt *st, const nd_db_value *v, size_t n)
{
	sqlite3_stmt *h = S(st);
	size_t i;
	int rc = SQLITE_OK;

	for (i = 0; i < n && rc == SQLITE_OK; i++) {
		int col = (int)i + 1;

		if (v[i].kind == ND_DB_VAL_INT)
			rc = sqlite3_bind_int64(h, col, v[i].v.i);
		else if (v[i].kind == ND_DB_VAL_TEXT)
			rc = sqlite3_bind_text64(h, col, v[i].v.s, v[i].len, SQLITE_STATIC, SQLITE_UTF8);
		else
			rc = sqlite3_bind_null(h, col);
	}
	return rc == SQLITE_OK ? 0 : -1;
}

/* Steps. Returns 1 for a row, 0 when done, -1 on failure. */
static int lite_step(nd_stmt *st)
{
	int rc = sqlite3_step(S(st));

	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The columns of the current row. */
static const char *lite_column_text(nd_stmt *st, int c)
{
	return (const char *)sqlite3_column_text(S(st), c);
}

static size_t lite_column_bytes(nd_stmt *st, int c)
{
	return (size_t)sqlite3_column_bytes(S(st), c);
}

static int64_t lite_column_int64(nd_stmt *st, int c)
{
	return sqlite3_column_int64(S(st), c);
}

static double lite_column_double(nd_stmt *st, int c)
{
	return sqlite3_column_double(S(st), c);
}

static int lite_column_null(nd_stmt *st, int c)
{
	return sqlite3_column_type(S(st), c) == SQLITE_NULL;
}

static int lite_column_count(nd_stmt *st)
{
	return sqlite3_column_count(S(st));
}

/* Reset, clear the bindings, free. Return nothing. */
static void lite_reset(nd_stmt *st)
{
	sqlite3_reset(S(st));
}

static void lite_clear(nd_stmt *st)
{
	sqlite3_clear_bindings(S(st));
}

static void lite_finalize(nd_stmt *st)
{
	sqlite3_finalize(S(st));
	free(st);
}

static const nd_db_ops lite_ops = {
    .close = lite_close,
    .errmsg = lite_errmsg,
    .kind = lite_kind,
    .full_message = lite_full_message,
    .name = lite_name,
    .dialect = ND_DB_SQLITE,
    .in_transaction = lite_in_transaction,
    .inserted = lite_inserted,
    .changes = lite_changes,
    .begin_sql = "BEGIN IMMEDIATE",
    .version_sql = "PRAGMA data_version",
    .table_sql = "SELECT 1 FROM sqlite_schema WHERE type='table' AND name=?",
    .column_sql = "SELECT 1 FROM pragma_table_info(?) WHERE name=?",
    .exec = lite_exec,
    .free_msg = lite_free_msg,
    .prepare = lite_prepare,
    .bind_text = lite_bind_text,
    .bind_static = lite_bind_static,
    .bind_int64 = lite_bind_int64,
    .bind_double = lite_bind_double,
    .bind_null = lite_bind_null,
    .bind_values = lite_bind_values,
    .step = lite_step,
    .column_text = lite_column_text,
    .column_bytes = lite_column_bytes,
    .column_int64 = lite_column_int64,
    .column_double = lite_column_double,
    .column_null = lite_column_null,
    .column_count = lite_column_count,
    .reset = lite_reset,
    .clear = lite_clear,
    .finalize = lite_finalize,
};

/* SQLite busy handler: while another process holds the lock, retries
 * every ND_DB_BUSY_POLL_MS up to ND_DB_BUSY_MS in all. SQLite's own
 * timeout backs off to 100 ms sleeps and so keeps missing the short gaps
 * between a busy writer's transactions (a tail catching up); polling
 * often finds them. Returns 1 to retry, 0 to give up (SQLITE_BUSY). */
static int busy_wait(void *ctx, int count)
{
	(void)ctx;
	if (count >= ND_DB_BUSY_MS / ND_DB_BUSY_POLL_MS)
		return 0;
	nd_clock_sleep_ms(ND_DB_BUSY_POLL_MS, NULL);
	return 1;
}

/* Opens the SQLite handle of d with flags (a URI when SQLITE_OPEN_URI),
 * without SQLite's per-connection mutex: a connection is used by one thread
 * at a time (the reader's decoding threads never touch it), and the mutex
 * cost 5 % of an ingest's instructions. Returns 0, or -1 with err set. */
static int open_handle(lite_db *d, const char *name, int flags, nd_error *err)
{
	if (sqlite3_open_v2(name, &d->h, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return nd_error_set(err, "cannot open database: %s", d->h ? sqlite3_errmsg(d->h) : "out of memory");
	sqlite3_busy_handler(d->h, busy_wait, NULL);
	return 0;
}

/* Reopens a read-only database whose WAL index cannot be made (the
 * database is on read-only media or in a directory this user cannot write)
 * as immutable: SQLite then reads the file as it is, without locks.
 * Returns 0, or -1 with err set. */
static int reopen_immutable(lite_db *d, const char *path, nd_error *err)
{
	nd_buf uri = {0};
	const char *p;
	int rc = nd_buf_append(&uri, path[0] == '/' ? "file://" : "file:", path[0] == '/' ? 7 : 5);

	for (p = path; *p && rc == 0; p++) {
		char esc[4];

		if (*p == '%' || *p == '?' || *p == '#') {
			snprintf(esc, sizeof(esc), "%%%02X", (unsigned)(unsigned char)*p);
			rc = nd_buf_append(&uri, esc, 3);
		} else {
			rc = nd_buf_append(&uri, p, 1);
		}
	}
	if (rc || nd_buf_append(&uri, "?immutable=1", 13)) {
		nd_buf_free(&uri);
		return nd_error_set(err, "out of memory");
	}
	sqlite3_close(d->h);
	d->h = NULL;
	rc = open_handle(d, uri.data, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, err);
	nd_buf_free(&uri);
	return rc;
}

/* Makes sure a read-only database can be read: a WAL database needs its
 * index file, which cannot always be made. Returns 0, or -1 with err set. */
static int check_readable(lite_db *d, const char *path, nd_error *err)
{
	int rc = sqlite3_exec(d->h, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return 0;
	/* SQLITE_READONLY_CANTINIT, SQLITE_READONLY_DIRECTORY: no WAL index */
	if (sqlite3_errcode(d->h) != SQLITE_READONLY)
		return nd_db_fail(&d->base, "read", err);
	return reopen_immutable(d, path, err);
}

/* Configures SQLite before its first use in the process: no memory
 * statistics, which cost a global mutex around every allocation and free
 * (about 40 per stored event, 5 % of the storing thread's instructions);
 * npsdiag never reads them. A process that used SQLite before keeps its
 * settings (sqlite3_config refuses). Returns nothing. */
static void configure_once(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int nd_db_sqlite_open(nd_db **db, const char *path, int readonly, int *ro, nd_error *err)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	lite_db *d;

	pthread_once(&configured, configure_once);
	d = calloc(1, sizeof(*d));
	*db = NULL;
	if (!d)
		return nd_error_set(err, "out of memory");
	d->base.ops = &lite_ops;
	if (open_handle(d, path, flags, err) != 0)
		goto fail;
	*ro = sqlite3_db_readonly(d->h, "main") == 1;
	/* Debian builds SQLite with secure_delete on: every change of a page
	 * zeroes the space it frees (cells moved when a page splits, a row
	 * replaced or deleted), 700 instructions per stored event (3 % of the
	 * floor, docs/schema.md); what npsdiag deletes or replaces is its own
	 * results and rows that are read again from the logs. */
	if ((*ro && check_readable(d, path, err)) ||
	    nd_db_exec(&d->base, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=OFF;",
		       "settings", err))
		goto fail;
	*db = &d->base;
	return 0;
fail:
	sqlite3_close(d->h);
	free(d);
	return -1;
}

int nd_db_sqlite_in_wal(nd_db *db)
{
	nd_stmt *st = NULL;
	const char *mode;
	int wal = nd_db_prepare(db, "PRAGMA journal_mode", 0, &st, "journal mode", NULL) == 0 &&
		  nd_db_step(st, "journal mode", NULL) == 1 && (mode = nd_db_column_text(st, 0)) &&
		  sqlite3_stricmp(mode, "wal") == 0;

	nd_db_finalize(st);
	return wal;
}

int nd_db_sqlite_readonly(nd_db *db)
{
	return sqlite3_db_readonly(H(db), "main") != 0;
}

int nd_db_sqlite_wal(nd_db *db, nd_error *err)
{
	return nd_db_sqlite_in_wal(db) ? 0 : nd_db_exec(db, "PRAGMA journal_mode=WAL", "journal mode", err);
}

int nd_db_sqlite_checkpoint_behind(nd_db *db)
{
	lite_db *d = (lite_db *)db;

	if (!d->ckpt)
		d->ckpt = nd_db_sqlite_ckpt_start(d->h);
	return d->ckpt != NULL;
}

int nd_db_sqlite_write_behind(nd_db *db)
{
	lite_db *d = (lite_db *)db;
	const char *path = sqlite3_db_filename(d->h, "main");

	if (!d->wb && path && *path)
		d->wb = nd_db_sqlite_wb_start(path);
	return d->wb != NULL;
}

void nd_db_sqlite_write_behind_stop(nd_db *db)
{
	lite_db *d = (lite_db *)db;

	nd_db_sqlite_wb_stop(d->wb);
	d->wb = NULL;
}

int nd_db_sqlite_writing_behind(nd_db *db)
{
	return ((lite_db *)db)->wb != NULL;
}

void *nd_db_sqlite_handle(nd_db *db)
{
	return H(db);
}
