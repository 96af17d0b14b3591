#include "nd_db_pg.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nd_buf.h"
#include "nd_db_backend.h"

#define ND_PG_REVIVE_MS 30000
#define ND_PG_RETRY_MS 250
#define PG_INT8OID 20
#define PG_FLOAT8OID 701

/* Discards the server's notices ("relation already exists, skipping").
 * Returns nothing. */
static void quiet(void *ctx, const char *message)
{
	(void)ctx;
	(void)message;
}

/* The settings of every session. */
#define SESSION_SQL "SET client_min_messages = warning; SET TIME ZONE 'UTC'"

/* What an error whose SQLSTATE is 53100 (disk_full) reads as. */
static const char full_text[] = "the database server's disk is full";

typedef struct pg_db {
	struct nd_db base;
	PGconn *h;
	char *msg;            /* the last failure's message, or NULL */
	char state[6];        /* its SQLSTATE, "" for none */
	char name[256];       /* host and database, never the connection string */
	int tx;               /* a transaction is open */
	unsigned generation;  /* counts connections (server-side statements die with one) */
	unsigned long nnames; /* names given to server-side statements */
} pg_db;

typedef struct pg_stmt {
	struct nd_stmt base;
	char *sql;       /* with $n placeholders */
	int nparams;
	char **values;       /* text of each parameter (NULL: SQL NULL) */
	unsigned *types;     /* the types of the server-side statement's parameters (0: inferred) */
	unsigned *want;      /* the types the bound numbers need (0: text, or none needed) */
	char pname[32];      /* the server-side statement */
	unsigned generation; /* of the connection it was prepared on */
	PGresult *res;
	int row, nrows;
} pg_stmt;

/* Returns the backend structs behind the API's. */
static pg_db *D(nd_db *db)
{
	return (pg_db *)db;
}

static pg_stmt *S(nd_stmt *st)
{
	return (pg_stmt *)st;
}

/* Remembers msg (n bytes, trailing newlines cut) and state as the last
 * failure. Returns -1. */
static int set_failure(pg_db *d, const char *msg, const char *state)
{
	size_t n = strlen(msg);

	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	free(d->msg);
	snprintf(d->state, sizeof(d->state), "%s", state ? state : "");
	if (strcmp(d->state, "53100") == 0)
		d->msg = strdup(full_text);
	else if ((d->msg = malloc(n + 1)) != NULL) {
		memcpy(d->msg, msg, n);
		d->msg[n] = '\0';
	}
	return -1;
}

/* Records the outcome of a result: clears the last failure when it
 * succeeded, else remembers its message. Returns 0 or -1. */
static int check_result(pg_db *d, const PGresult *res)
{
	ExecStatusType t = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	const char *primary;

	if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK || t == PGRES_EMPTY_QUERY) {
		d->state[0] = '\0';
		return 0;
	}
	primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (PQstatus(d->h) == CONNECTION_BAD)
		return set_failure(d, "the connection to the database server was lost", "08006");
	return set_failure(d, primary ? primary : PQerrorMessage(d->h),
			   res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL);
}

/* Before a command: a connection lost outside a transaction is made
 * again, trying every ND_PG_RETRY_MS for up to ND_PG_REVIVE_MS (a server
 * restart), so that a long-running writer (tail) resumes; inside one it
 * stays lost until the caller rolls back (what the transaction wrote is
 * gone with it). Returns nothing. */
static void revive(pg_db *d)
{
	struct timespec pause = {0, ND_PG_RETRY_MS * 1000000L};
	int i;

	if (d->tx || PQstatus(d->h) != CONNECTION_BAD)
		return;
	for (i = 0; i < ND_PG_REVIVE_MS / ND_PG_RETRY_MS; i++) {
		PQreset(d->h);
		if (PQstatus(d->h) == CONNECTION_OK) {
			PQsetNoticeProcessor(d->h, quiet, NULL);
			PQclear(PQexec(d->h, SESSION_SQL));
			d->generation++;
			return;
		}
		nanosleep(&pause, NULL);
	}
}

/* After a command: tracks whether a transaction is open. Returns nothing. */
static void track(pg_db *d, const char *sql)
{
	PGTransactionStatusType t = PQtransactionStatus(d->h);

	if (t == PQTRANS_UNKNOWN)
		d->tx = d->tx && strncmp(sql, "ROLLBACK", 8) != 0 && strncmp(sql, "COMMIT", 6) != 0;
	else
		d->tx = t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

/* Closes the connection. Returns nothing. */
static void pg_close(nd_db *db)
{
	PQfinish(D(db)->h);
	free(D(db)->msg);
	free(db);
}

/* Returns the message of the last failure. */
static const char *pg_errmsg(nd_db *db)
{
	return D(db)->msg ? D(db)->msg : "out of memory";
}

/* Returns the kind of the last failure, from its SQLSTATE. */
static nd_db_kind pg_kind(nd_db *db)
{
	const char *s = D(db)->state;

	if (!*s)
		return ND_DB_OK;
	if (strcmp(s, "53100") == 0)
		return ND_DB_FULL;
	/* serialization_failure, deadlock_detected, lock_not_available */
	if (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0 || strcmp(s, "55P03") == 0)
		return ND_DB_BUSY;
	/* read_only_sql_transaction, insufficient_privilege */
	if (strcmp(s, "25006") == 0 || strcmp(s, "42501") == 0)
		return ND_DB_READONLY;
	return ND_DB_OTHER;
}

/* Returns the message of a full disk. */
static const char *pg_full_message(void)
{
	return full_text;
}

/* Returns "postgresql://host/database" (no user, password or options). */
static const char *pg_name(nd_db *db)
{
	return D(db)->name;
}

/* Returns 1 while a transaction is open. */
static int pg_in_transaction(nd_db *db)
{
	return D(db)->tx;
}

/* Returns 1 when a command that failed outside a transaction did so
 * because the connection was lost (libpq only finds out then): it is
 * worth one more try on a new connection. */
static int lost(pg_db *d, int was_tx)
{
	return !was_tx && PQstatus(d->h) == CONNECTION_BAD;
}

/* Runs SQL without parameters (one or more statements). Returns 0, or -1
 * (the message is the connection's: *msg stays NULL). */
static int pg_exec(nd_db *db, const char *sql, char **msg)
{
	pg_db *d = D(db);
	int rc, tries, was_tx = d->tx;

	*msg = NULL;
	for (tries = 0;; tries++) {
		PGresult *res;

		revive(d);
		res = PQexec(d->h, sql);
		rc = check_result(d, res);
		PQclear(res);
		track(d, sql);
		if (rc == 0 || tries || !lost(d, was_tx))
			return rc;
	}
}

/* Frees a message of pg_exec (there are none). Returns nothing. */
static void pg_free_msg(char *msg)
{
	free(msg);
}

/* Appends the quoted string literal or name starting at *p (through its
 * closing quote, or to the end when it has none) to out and moves *p past
 * it. Returns 0, or -1 when out of memory. */
static int copy_quoted(nd_buf *out, const char **p)
{
	const char *q = *p + 1;

	while (*q && *q != **p)
		q++;
	if (*q)
		q++;
	if (nd_buf_append(out, *p, (size_t)(q - *p)) != 0)
		return -1;
	*p = q;
	return 0;
}

/* Copies sql into out with each `?` or `?N` outside string literals,
 * quoted identifiers and comments turned into `$N` (a bare `?` takes the
 * number after the last one), and sets *nparams to the highest number.
 * Returns 0, or -1 when out of memory. */
static int rewrite_placeholders(const char *sql, nd_buf *out, int *nparams)
{
	const char *p = sql;
	int last = 0, rc = 0;

	*nparams = 0;
	while (*p && rc == 0) {
		if (*p == '\'' || *p == '"') {
			rc = copy_quoted(out, &p);
		} else if (p[0] == '-' && p[1] == '-') {
			const char *q = strchr(p, '\n');
			size_t n = q ? (size_t)(q - p) : strlen(p);

			rc = nd_buf_append(out, p, n);
			p += n;
		} else if (*p == '?') {
			int n = 0;

			for (p++; *p >= '0' && *p <= '9' && n < 100000; p++)
				n = n * 10 + (*p - '0');
			last = n ? n : last + 1;
			if (last > *nparams)
				*nparams = last;
			rc = nd_buf_printf(out, "$%d", last);
		} else {
			rc = nd_buf_append(out, p++, 1);
		}
	}
	return rc == 0 && nd_buf_append(out, "", 1) == 0 ? 0 : -1;
}

/* Drops s's server-side statement. Returns nothing. */
static void deallocate(pg_stmt *s)
{
	pg_db *d = D(s->base.db);
	char sql[48];

	if (s->pname[0] && s->generation == d->generation && PQstatus(d->h) == CONNECTION_OK) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->pname);
		PQclear(PQexec(d->h, sql));
	}
	s->pname[0] = '\0';
}

/* Prepares s on the server with the parameter types s->types (again after
 * a reconnection, or when bound numbers need other types): the server
 * infers the types left 0 from the statement, as SQLite's affinity would,
 * and checks the statement now, as SQLite's prepare does. Returns 0, or
 * -1. */
static int server_prepare(pg_stmt *s)
{
	pg_db *d = D(s->base.db);
	PGresult *res;
	int rc;

	deallocate(s);
	revive(d);
	snprintf(s->pname, sizeof(s->pname), "nd%lu", ++d->nnames);
	res = PQprepare(d->h, s->pname, s->sql, s->nparams, s->types);
	rc = check_result(d, res);
	PQclear(res);
	track(d, s->sql);
	if (rc != 0)
		s->pname[0] = '\0';
	s->generation = d->generation;
	return rc;
}

/* Frees a statement that is not (or no longer) on the server. Returns
 * nothing. */
static void free_stmt(pg_stmt *s)
{
	int i;

	PQclear(s->res);
	for (i = 0; i < s->nparams; i++)
		free(s->values[i]);
	free(s->values);
	free(s->types);
	free(s->want);
	free(s->sql);
	free(s);
}

/* Prepares a statement (all are kept on the server until finalized, so
 * flags change nothing). Returns 0 with *st set, or -1. */
static int pg_prepare(nd_db *db, const char *sql, unsigned flags, nd_stmt **st)
{
	pg_stmt *s = calloc(1, sizeof(*s));
	nd_buf b = {0};
	int was_tx;

	(void)flags;
	if (!s || rewrite_placeholders(sql, &b, &s->nparams) != 0 ||
	    (s->nparams && (!(s->values = calloc((size_t)s->nparams, sizeof(char *))) ||
			    !(s->types = calloc((size_t)s->nparams, sizeof(unsigned))) ||
			    !(s->want = calloc((size_t)s->nparams, sizeof(unsigned)))))) {
		nd_buf_free(&b);
		if (s) {
			free(s->values);
			free(s->types);
		}
		free(s);
		return set_failure(D(db), "out of memory", NULL);
	}
	s->base.db = db;
	s->sql = b.data;
	was_tx = D(db)->tx;
	if (server_prepare(s) != 0 && (!lost(D(db), was_tx) || server_prepare(s) != 0)) {
		free_stmt(s);
		return -1;
	}
	*st = &s->base;
	return 0;
}

/* Sets parameter i to text v (NULL: SQL NULL) of a number of type oid
 * (0: text, or NULL, which fits any type). Returns 0, or -1. */
static int bind(nd_stmt *st, int i, const char *v, unsigned oid)
{
	pg_stmt *s = S(st);
	char *copy = NULL;

	if (i < 1 || i > s->nparams)
		return set_failure(D(st->db), "parameter index out of range", NULL);
	if (v && !(copy = strdup(v)))
		return set_failure(D(st->db), "out of memory", NULL);
	free(s->values[i - 1]);
	s->values[i - 1] = copy;
	s->want[i - 1] = oid;
	return 0;
}

/* The binds, all sent as text; numbers make their parameter a bigint or
 * a double precision (ticks do not fit the integer the server may infer
 * from `? - 1`). Return 0, or -1. */
static int pg_bind_text(nd_stmt *st, int i, const char *v)
{
	return bind(st, i, v, 0);
}

static int pg_bind_int64(nd_stmt *st, int i, int64_t v)
{
	char t[24];

	snprintf(t, sizeof(t), "%lld", (long long)v);
	return bind(st, i, t, PG_INT8OID);
}

static int pg_bind_double(nd_stmt *st, int i, double v)
{
	char t[32];

	snprintf(t, sizeof(t), "%.17g", v);
	return bind(st, i, t, PG_FLOAT8OID);
}

static int pg_bind_null(nd_stmt *st, int i)
{
	return bind(st, i, NULL, 0);
}

/* Runs the statement with its bindings, keeping all its rows; prepares
 * it again first when the connection was made again or a bound number
 * needs a parameter type the statement does not have yet. Returns 0, or
 * -1. */
static int run_once(pg_stmt *s)
{
	pg_db *d = D(s->base.db);
	PGresult *res;
	int i, again = 0;

	revive(d);
	for (i = 0; i < s->nparams; i++)
		if (s->want[i] && s->types[i] != s->want[i]) {
			s->types[i] = s->want[i];
			again = 1;
		}
	if ((again || !s->pname[0] || s->generation != d->generation) && server_prepare(s) != 0)
		return -1;
	res = PQexecPrepared(d->h, s->pname, s->nparams, (const char *const *)s->values, NULL, NULL, 0);
	track(d, s->sql);
	if (check_result(d, res) != 0) {
		PQclear(res);
		return -1;
	}
	s->res = res;
	s->nrows = PQntuples(res);
	s->row = 0;
	return 0;
}

/* Runs the statement, once more on a new connection when the old one was
 * found lost outside a transaction. Returns 0, or -1. */
static int run(pg_stmt *s)
{
	pg_db *d = D(s->base.db);
	int was_tx = d->tx;

	if (run_once(s) == 0)
		return 0;
	return lost(d, was_tx) ? run_once(s) : -1;
}

/* Steps: the first step runs the statement. Returns 1 for a row, 0 when
 * done, -1 on failure. */
static int pg_step(nd_stmt *st)
{
	pg_stmt *s = S(st);

	if (!s->res && run(s) != 0)
		return -1;
	if (s->row >= s->nrows)
		return 0;
	s->row++;
	return 1;
}

/* The columns of the current row (booleans read as 1 and 0). */
static const char *pg_column_text(nd_stmt *st, int c)
{
	pg_stmt *s = S(st);

	if (!s->res || s->row < 1 || PQgetisnull(s->res, s->row - 1, c))
		return NULL;
	return PQgetvalue(s->res, s->row - 1, c);
}

static int64_t pg_column_int64(nd_stmt *st, int c)
{
	const char *v = pg_column_text(st, c);

	if (!v)
		return 0;
	if (v[0] == 't' && !v[1])
		return 1;
	return strtoll(v, NULL, 10);
}

static double pg_column_double(nd_stmt *st, int c)
{
	const char *v = pg_column_text(st, c);

	return v ? strtod(v, NULL) : 0.0;
}

static int pg_column_null(nd_stmt *st, int c)
{
	return pg_column_text(st, c) == NULL;
}

static int pg_column_count(nd_stmt *st)
{
	return S(st)->res ? PQnfields(S(st)->res) : 0;
}

/* Reset (drops the rows), clear the bindings, free. Return nothing. */
static void pg_reset(nd_stmt *st)
{
	PQclear(S(st)->res);
	S(st)->res = NULL;
	S(st)->row = S(st)->nrows = 0;
}

static void pg_clear(nd_stmt *st)
{
	pg_stmt *s = S(st);
	int i;

	for (i = 0; i < s->nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
		s->want[i] = 0;
	}
}

static void pg_finalize(nd_stmt *st)
{
	deallocate(S(st));
	free_stmt(S(st));
}

/* Appends one word of SQLite DDL to out in PostgreSQL's dialect. Returns
 * 0, or -1 when out of memory. */
static int ddl_word(nd_buf *out, const char *w, size_t n, const char *next)
{
	if (n == 7 && strncmp(w, "INTEGER", 7) == 0) {
		/* a rowid alias becomes an identity column */
		if (out->len >= 3 && memcmp(out->data + out->len - 3, "id ", 3) == 0 &&
		    (out->len == 3 || !(out->data[out->len - 4] == '_' || (out->data[out->len - 4] >= 'a' &&
									     out->data[out->len - 4] <= 'z'))) &&
		    strncmp(next, " PRIMARY KEY", 12) == 0)
			return nd_buf_printf(out, "BIGINT GENERATED BY DEFAULT AS IDENTITY");
		return nd_buf_printf(out, "BIGINT");
	}
	if (n == 4 && strncmp(w, "REAL", 4) == 0)
		return nd_buf_printf(out, "DOUBLE PRECISION");
	return nd_buf_append(out, w, n);
}

/* Turns the store's schema SQL, written for SQLite, into PostgreSQL's:
 * INTEGER is BIGINT (ticks need 64 bits), `id INTEGER PRIMARY KEY` an
 * identity column, REAL DOUBLE PRECISION, `WITHOUT ROWID` goes and
 * `CREATE VIEW IF NOT EXISTS` is `CREATE OR REPLACE VIEW`. String literals
 * and quoted names are copied as they are. Returns 0, or -1 when out of
 * memory. */
static int pg_ddl(const char *sql, nd_buf *out)
{
	static const char view[] = "CREATE VIEW IF NOT EXISTS", rowid[] = " WITHOUT ROWID";
	const char *p = sql;
	int rc = 0;

	while (*p && rc == 0) {
		if (*p == '\'' || *p == '"') {
			rc = copy_quoted(out, &p);
		} else if (strncmp(p, view, sizeof(view) - 1) == 0) {
			rc = nd_buf_printf(out, "CREATE OR REPLACE VIEW");
			p += sizeof(view) - 1;
		} else if (strncmp(p, rowid, sizeof(rowid) - 1) == 0) {
			p += sizeof(rowid) - 1;
		} else if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_') {
			const char *q = p;

			while ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
			       *q == '_')
				q++;
			rc = ddl_word(out, p, (size_t)(q - p), q);
			p = q;
		} else {
			rc = nd_buf_append(out, p++, 1);
		}
	}
	return rc == 0 && nd_buf_append(out, "", 1) == 0 ? 0 : -1;
}

static const nd_db_ops pg_ops = {
    .close = pg_close,
    .errmsg = pg_errmsg,
    .kind = pg_kind,
    .full_message = pg_full_message,
    .name = pg_name,
    .dialect = ND_DB_POSTGRESQL,
    .in_transaction = pg_in_transaction,
    .begin_sql = "BEGIN",
    .table_sql = "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = ?",
    .lock_sql = "SELECT pg_advisory_xact_lock(?)",
    .ddl = pg_ddl,
    .exec = pg_exec,
    .free_msg = pg_free_msg,
    .prepare = pg_prepare,
    .bind_text = pg_bind_text,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .column_text = pg_column_text,
    .column_int64 = pg_column_int64,
    .column_double = pg_column_double,
    .column_null = pg_column_null,
    .column_count = pg_column_count,
    .reset = pg_reset,
    .clear = pg_clear,
    .finalize = pg_finalize,
};

int nd_db_pg_is(const char *name)
{
	return strncmp(name, "postgresql://", 13) == 0 || strncmp(name, "postgres://", 11) == 0 ||
	       strcmp(name, "pg:") == 0;
}

/* Checks a connection string before use: it must parse and carry no
 * password. Returns 0, or -1 with err set (never quoting the string). */
static int check_conninfo(const char *conninfo, nd_error *err)
{
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &msg), *o;
	int rc = 0;

	if (!opts) {
		PQfreemem(msg);
		return nd_error_set(err, "database: not a valid PostgreSQL connection URI");
	}
	for (o = opts; o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val && *o->val)
			rc = nd_error_set(err, "database: refusing a password in the connection URI (it would show in"
					       " the process list and shell history): put it in ~/.pgpass or the file"
					       " $PGPASSFILE names (docs/fleet.md)");
	PQconninfoFree(opts);
	return rc;
}

int nd_db_pg_open(nd_db **db, const char *name, nd_error *err)
{
	const char *conninfo = strcmp(name, "pg:") == 0 ? "" : name;
	pg_db *d;
	const char *host;

	*db = NULL;
	if (check_conninfo(conninfo, err) != 0)
		return -1;
	if (!(d = calloc(1, sizeof(*d))))
		return nd_error_set(err, "out of memory");
	d->base.ops = &pg_ops;
	d->h = PQconnectdb(conninfo);
	if (!d->h) {
		free(d);
		return nd_error_set(err, "out of memory");
	}
	host = PQhost(d->h);
	snprintf(d->name, sizeof(d->name), "postgresql://%s/%s", host && *host != '/' ? host : "localhost",
		 PQdb(d->h) ? PQdb(d->h) : "");
	if (PQstatus(d->h) != CONNECTION_OK) {
		char msg[ND_ERROR_MAX / 2];
		size_t n;

		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(d->h));
		n = strlen(msg);
		while (n && msg[n - 1] == '\n')
			msg[--n] = '\0';
		nd_error_set(err, "cannot connect to database %s: %s", d->name, msg);
		pg_close(&d->base);
		return -1;
	}
	PQsetNoticeProcessor(d->h, quiet, NULL);
	if (nd_db_exec(&d->base, SESSION_SQL, "settings", err) != 0) {
		pg_close(&d->base);
		return -1;
	}
	*db = &d->base;
	return 0;
}
