#include "nd_db_pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_buf.h"
#include "nd_clock.h"
#include "nd_db_backend.h"
#include "nd_libpq.h"
#include "nd_vec.h"

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

/* The settings of every session. No JIT: the planner cannot know how
 * few rows a batch stages (temporary tables have no statistics), and
 * compiling a bulk INSERT took a thousand times as long as running it. */
#define SESSION_SQL "SET client_min_messages = warning; SET TIME ZONE 'UTC'; SET jit = off"

/* What an error whose SQLSTATE is 53100 (disk_full) reads as. */
static const char full_text[] = "the database server's disk is full";

typedef struct pg_stmt pg_stmt;

typedef struct pg_db {
	struct nd_db base;
	nd_libpq pq; /* libpq's functions */
	PGconn *h;
	char *msg;            /* the last failure's message, or NULL */
	char state[6];        /* its SQLSTATE, "" for none */
	char name[256];       /* host and database, never the connection string */
	int tx;               /* a transaction is open */
	unsigned generation;  /* counts connections (server-side statements die with one) */
	unsigned long nnames; /* names given to server-side statements */
	pg_stmt *waiting;     /* the statements whose rows wait to be sent, in the order of their first row */
	char *lost_rows;      /* why rows sent by a finalize failed (the commit says so), or NULL */
} pg_db;

/* The rows of a plain INSERT stepped inside a transaction wait in its
 * batch and go to the server as one multi-row INSERT, pipelined with the
 * next statement that may see them (bulk loading: one round trip and one
 * statement for many rows, instead of one of each per row). */
typedef struct pg_value {
	size_t at;     /* its offset in the batch's text plus 1, 0 for NULL */
	unsigned type; /* its parameter type (0: inferred) */
} pg_value;

typedef struct pg_batch {
	nd_buf text; /* the values, each NUL-terminated */
	pg_value *v;
	size_t n, cap; /* values */
} pg_batch;

/* At most this many values or bytes of values wait in a batch. */
#define ND_PG_BATCH_VALUES 30000
#define ND_PG_BATCH_BYTES (4u << 20)

struct pg_stmt {
	struct nd_stmt base;
	char *sql; /* with $n placeholders */
	int nparams;
	char **values;       /* text of each parameter (NULL: SQL NULL) */
	unsigned *types;     /* the types of the server-side statement's parameters (0: inferred) */
	unsigned *want;      /* the types the bound numbers need (0: text, or none needed) */
	char pname[32];      /* the server-side statement */
	unsigned generation; /* of the connection it was prepared on */
	PGresult *res;
	int row, nrows;
	size_t head;        /* a plain `INSERT INTO t[(cols)] VALUES($1,...)`: the length through VALUES, else 0 */
	char table[64];     /* and its table t */
	size_t cols, ncols; /* where `(cols)` is in sql, and its length (0: none) */
	int classified;     /* the fields below are known */
	int batchable;      /* head set, t is a table without triggers: rows may wait */
	int reads_view;     /* names a view (whose tables are unknown): no rows may wait when it runs */
	char *related;      /* the tables it names and their foreign-key parents (children too when it changes rows) */
	char *parents;      /* the foreign-key parents of t, space-separated */
	pg_batch batch;     /* its waiting rows */
	pg_stmt *next;      /* the next statement with waiting rows */
};

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
	ExecStatusType t = res ? d->pq.PQresultStatus(res) : PGRES_FATAL_ERROR;
	const char *primary;

	if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK || t == PGRES_EMPTY_QUERY) {
		d->state[0] = '\0';
		return 0;
	}
	primary = res ? d->pq.PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (d->pq.PQstatus(d->h) == CONNECTION_BAD)
		return set_failure(d, "the connection to the database server was lost", "08006");
	return set_failure(d, primary ? primary : d->pq.PQerrorMessage(d->h),
			   res ? d->pq.PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL);
}

/* Before a command: a connection lost outside a transaction is made
 * again, trying every ND_PG_RETRY_MS for up to ND_PG_REVIVE_MS (a server
 * restart), so that a long-running writer (tail) resumes; inside one it
 * stays lost until the caller rolls back (what the transaction wrote is
 * gone with it). Returns nothing. */
static void revive(pg_db *d)
{
	int i;

	if (d->tx || d->pq.PQstatus(d->h) != CONNECTION_BAD)
		return;
	for (i = 0; i < ND_PG_REVIVE_MS / ND_PG_RETRY_MS; i++) {
		d->pq.PQreset(d->h);
		if (d->pq.PQstatus(d->h) == CONNECTION_OK) {
			d->pq.PQsetNoticeProcessor(d->h, quiet, NULL);
			d->pq.PQclear(d->pq.PQexec(d->h, SESSION_SQL));
			d->generation++;
			return;
		}
		nd_clock_sleep_ms(ND_PG_RETRY_MS, NULL);
	}
}

/* After a command: tracks whether a transaction is open. Returns nothing. */
static void track(pg_db *d, const char *sql)
{
	PGTransactionStatusType t = d->pq.PQtransactionStatus(d->h);

	if (t == PQTRANS_UNKNOWN)
		d->tx = d->tx && strncmp(sql, "ROLLBACK", 8) != 0 && strncmp(sql, "COMMIT", 6) != 0;
	else
		d->tx = t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

/* Closes the connection. Returns nothing. */
static void pg_close(nd_db *db)
{
	D(db)->pq.PQfinish(D(db)->h);
	free(D(db)->msg);
	free(D(db)->lost_rows);
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
	/* serialization_failure, deadlock_detected; connection exceptions;
	 * admin_shutdown, crash_shutdown, cannot_connect_now (a restart) */
	if (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0 || strncmp(s, "08", 2) == 0 || strcmp(s, "57P01") == 0 ||
	    strcmp(s, "57P02") == 0 || strcmp(s, "57P03") == 0)
		return ND_DB_AGAIN;
	/* lock_not_available */
	if (strcmp(s, "55P03") == 0)
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
	return !was_tx && d->pq.PQstatus(d->h) == CONNECTION_BAD;
}

/* Returns 1 when c may be part of an unquoted name. */
static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Returns p past spaces. */
static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Matches the upper-case keyword kw as a whole word at p, in either case.
 * Returns p past it, or NULL. */
static const char *keyword(const char *p, const char *kw)
{
	size_t i;

	if (!p)
		return NULL;
	for (i = 0; kw[i]; i++)
		if (p[i] != kw[i] && p[i] != kw[i] + ('a' - 'A'))
			return NULL;
	return name_char(p[i]) ? NULL : p + i;
}

/* Finds out whether s is a plain `INSERT INTO t[(cols)] VALUES($1,...,$n)`
 * (nothing after it: no ON CONFLICT, no RETURNING, no expressions), the
 * statement whose rows may wait in a batch: sets s->head and s->table
 * (lower case). Returns nothing. */
static void find_plain_insert(pg_stmt *s)
{
	const char *p = keyword(skip_space(s->sql), "INSERT"), *t;
	size_t i, n;
	int k;

	if (!p || !(p = keyword(skip_space(p), "INTO")) || s->nparams < 1)
		return;
	t = p = skip_space(p);
	while (name_char(*p))
		p++;
	if ((n = (size_t)(p - t)) == 0 || n >= sizeof(s->table))
		return;
	p = skip_space(p);
	if (*p == '(') {
		const char *c = p;

		while (*p && *p != ')' && *p != '\'')
			p++;
		if (*p++ != ')')
			return;
		s->cols = (size_t)(c - s->sql);
		s->ncols = (size_t)(p - c);
	}
	if (!(p = keyword(skip_space(p), "VALUES")))
		return;
	s->head = (size_t)(p - s->sql);
	p = skip_space(p);
	for (k = 1; k <= s->nparams && *p++ == (k == 1 ? '(' : ','); k++) {
		int v = 0;

		p = skip_space(p);
		if (*p++ != '$')
			break;
		while (*p >= '0' && *p <= '9' && v < 100000)
			v = v * 10 + (*p++ - '0');
		if (v != k)
			break;
		p = skip_space(p);
	}
	if (k <= s->nparams || *p++ != ')' || *skip_space(p)) {
		s->head = s->ncols = 0;
		return;
	}
	for (i = 0; i < n; i++)
		s->table[i] = t[i] >= 'A' && t[i] <= 'Z' ? (char)(t[i] + ('a' - 'A')) : t[i];
	s->table[n] = '\0';
}

/* Appends the unquoted names in sql, in lower case, to out as an array
 * literal (`{a,b}`), and sets *changes when one is UPDATE, DELETE or
 * TRUNCATE (which may reach the rows of the tables' foreign-key
 * children). Returns 0, or -1 when out of memory. */
static int names_array(const char *sql, nd_buf *out, int *changes)
{
	const char *p = sql;
	int rc = nd_buf_append(out, "{", 1), first = 1;

	*changes = 0;
	while (*p && rc == 0) {
		if (*p == '\'' || *p == '"') {
			const char *q = strchr(p + 1, *p);

			p = q ? q + 1 : p + strlen(p);
		} else if (*p == '$' || (*p >= '0' && *p <= '9')) {
			for (p++; name_char(*p); p++)
				;
		} else if (name_char(*p)) {
			*changes |= keyword(p, "UPDATE") || keyword(p, "DELETE") || keyword(p, "TRUNCATE");
			if (!first)
				rc = nd_buf_append(out, ",", 1);
			for (first = 0; name_char(*p) && rc == 0; p++) {
				char c = *p >= 'A' && *p <= 'Z' ? (char)(*p + ('a' - 'A')) : *p;

				rc = nd_buf_append(out, &c, 1);
			}
		} else {
			p++;
		}
	}
	return rc == 0 && nd_buf_append(out, "}", 1) == 0 ? 0 : -1;
}

/* Returns 1 when the space-separated list names name, else 0. */
static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (list && (p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* What a statement touches, from the catalog: whether its INSERT target
 * ($2) is a table without user triggers, whether it names a view, the
 * tables it names with their foreign-key parents (and children, when $3:
 * it updates or deletes), and the parents of its target. $1: the names in
 * the statement. */
static const char classify_sql[] =
    "WITH n AS (SELECT c.oid, c.relname, c.relkind FROM pg_catalog.pg_class c"
    "  WHERE c.relname = ANY($1::text[]) AND pg_catalog.pg_table_is_visible(c.oid)),"
    " k AS (SELECT p.relname AS parent, ch.relname AS child, k.conrelid, k.confrelid FROM pg_catalog.pg_constraint k"
    "  JOIN pg_catalog.pg_class p ON p.oid = k.confrelid JOIN pg_catalog.pg_class ch ON ch.oid = k.conrelid"
    "  WHERE k.contype = 'f')"
    " SELECT coalesce((SELECT bool_or(relkind IN ('r', 'p')) FROM n WHERE relname = $2 AND NOT EXISTS"
    "   (SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgrelid = n.oid AND NOT t.tgisinternal)), false),"
    "  coalesce((SELECT bool_or(relkind IN ('v', 'm')) FROM n), false),"
    "  concat_ws(' ', (SELECT string_agg(relname, ' ') FROM n),"
    "   (SELECT string_agg(parent, ' ') FROM k WHERE conrelid IN (SELECT oid FROM n)),"
    "   (SELECT string_agg(child, ' ') FROM k WHERE $3::boolean AND confrelid IN (SELECT oid FROM n))),"
    "  coalesce((SELECT string_agg(parent, ' ') FROM k WHERE conrelid IN (SELECT oid FROM n WHERE relname = $2)), '')";

/* Asks the server what s touches (once per statement; the catalog query
 * reads no rows that wait). Returns 0, or -1. */
static int classify(pg_db *d, pg_stmt *s)
{
	nd_buf names = {0};
	const char *params[3];
	PGresult *res;
	int rc, changes;

	if (names_array(s->sql, &names, &changes) != 0) {
		nd_buf_free(&names);
		return set_failure(d, "out of memory", NULL);
	}
	params[0] = names.data;
	params[1] = s->table;
	params[2] = changes ? "true" : "false";
	res = d->pq.PQexecParams(d->h, classify_sql, 3, NULL, params, NULL, NULL, 0);
	nd_buf_free(&names);
	track(d, classify_sql);
	if ((rc = check_result(d, res)) == 0 && d->pq.PQntuples(res) == 1) {
		s->batchable = s->head && *d->pq.PQgetvalue(res, 0, 0) == 't';
		s->reads_view = *d->pq.PQgetvalue(res, 0, 1) == 't';
		s->related = strdup(d->pq.PQgetvalue(res, 0, 2));
		s->parents = strdup(d->pq.PQgetvalue(res, 0, 3));
		if (!s->related || !s->parents)
			rc = set_failure(d, "out of memory", NULL);
		s->classified = rc == 0;
	}
	d->pq.PQclear(res);
	return rc;
}

/* Takes s off the list of statements with waiting rows and empties its
 * batch. Returns nothing. */
static void batch_drop(pg_db *d, pg_stmt *s)
{
	pg_stmt **p;

	for (p = &d->waiting; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	s->next = NULL;
	nd_buf_reset(&s->batch.text);
	s->batch.n = 0;
}

/* Sends the waiting rows of s as one multi-row INSERT (one row: s itself,
 * whose parameter types the server inferred from the columns), in
 * pipeline mode, and empties its batch. Returns 0, or -1. */
static int batch_send(pg_db *d, pg_stmt *s)
{
	pg_batch *b = &s->batch;
	nd_buf sql = {0};
	const char **values = calloc(b->n, sizeof(*values));
	unsigned *types = calloc(b->n, sizeof(*types));
	size_t i;
	int rc = nd_buf_append(&sql, s->sql, s->head);

	for (i = 0; i < b->n && rc == 0 && values && types; i++) {
		values[i] = b->v[i].at ? b->text.data + b->v[i].at - 1 : NULL;
		types[i] = b->v[i].type;
		rc = nd_buf_printf(&sql, "%s$%zu%s",
				   i % (size_t)s->nparams ? ","
				   : i                    ? "),("
							  : "(",
				   i + 1, i + 1 == b->n ? ")" : "");
	}
	if (rc != 0 || !values || !types)
		rc = set_failure(d, "out of memory", NULL);
	else if (b->n == (size_t)s->nparams && s->pname[0] && s->generation == d->generation
		     ? /* one row: no parsing */
		     d->pq.PQsendQueryPrepared(d->h, s->pname, s->nparams, values, NULL, NULL, 0) != 1
		     : d->pq.PQsendQueryParams(d->h, sql.data, (int)b->n, types, values, NULL, NULL, 0) != 1)
		rc = set_failure(d, d->pq.PQerrorMessage(d->h), NULL);
	free(values);
	free(types);
	nd_buf_free(&sql);
	batch_drop(d, s);
	return rc;
}

/* Appends value v to a COPY row in text format. Returns 0, or -1 when out
 * of memory. */
static int copy_value(nd_buf *out, const char *v)
{
	if (!v)
		return nd_buf_append(out, "\\N", 2);
	for (;;) {
		size_t n = strcspn(v, "\\\t\n\r");
		const char *e;

		if (nd_buf_append(out, v, n) != 0)
			return -1;
		if (!*(v += n))
			return 0;
		e = *v == '\\' ? "\\\\" : *v == '\t' ? "\\t" : *v == '\n' ? "\\n" : "\\r";
		if (nd_buf_append(out, e, 2) != 0)
			return -1;
		v++;
	}
}

/* Sends the waiting rows of s (a column list given) with COPY, and empties
 * its batch. Returns 0, or -1. */
static int batch_copy(pg_db *d, pg_stmt *s)
{
	pg_batch *b = &s->batch;
	nd_buf sql = {0}, data = {0};
	PGresult *res;
	size_t i;
	int rc = 0;

	if (nd_buf_printf(&sql, "COPY %s", s->table) || nd_buf_append(&sql, s->sql + s->cols, s->ncols) ||
	    nd_buf_printf(&sql, " FROM STDIN")) {
		nd_buf_free(&sql);
		batch_drop(d, s);
		return set_failure(d, "out of memory", NULL);
	}
	res = d->pq.PQexec(d->h, sql.data);
	if (d->pq.PQresultStatus(res) != PGRES_COPY_IN) {
		rc = check_result(d, res) ? -1 : set_failure(d, "COPY did not start", NULL);
		d->pq.PQclear(res);
	} else {
		d->pq.PQclear(res);
		for (i = 0; i < b->n && rc == 0; i++) {
			if (copy_value(&data, b->v[i].at ? b->text.data + b->v[i].at - 1 : NULL) != 0 ||
			    nd_buf_append(&data, (i + 1) % (size_t)s->nparams ? "\t" : "\n", 1) != 0)
				rc = set_failure(d, "out of memory", NULL);
			else if ((data.len >= 65536 || i + 1 == b->n) &&
				 d->pq.PQputCopyData(d->h, data.data, (int)data.len) != 1)
				rc = set_failure(d, d->pq.PQerrorMessage(d->h), NULL);
			else if (data.len >= 65536)
				nd_buf_reset(&data);
		}
		/* on failure, the server drops what it got */
		if (d->pq.PQputCopyEnd(d->h, rc ? "out of memory" : NULL) != 1 && rc == 0)
			rc = set_failure(d, d->pq.PQerrorMessage(d->h), NULL);
		res = d->pq.PQgetResult(d->h);
		if (check_result(d, res) != 0 && rc == 0)
			rc = -1;
		d->pq.PQclear(res);
		while ((res = d->pq.PQgetResult(d->h)) != NULL)
			d->pq.PQclear(res);
	}
	nd_buf_free(&sql);
	nd_buf_free(&data);
	batch_drop(d, s);
	return rc;
}

/* The most statements with waiting rows at once. */
#define ND_PG_WAITING 64

/* Sends the waiting rows of s now and waits for the outcome: COPY for many
 * rows (a column list given), else one INSERT. Returns 0, or -1. */
static int batch_now(pg_db *d, pg_stmt *s)
{
	PGresult *res;
	int rc;

	if (s->ncols && s->batch.n > (size_t)s->nparams)
		return batch_copy(d, s);
	if (batch_send(d, s) != 0)
		return -1;
	res = d->pq.PQgetResult(d->h);
	rc = check_result(d, res);
	d->pq.PQclear(res);
	while ((res = d->pq.PQgetResult(d->h)) != NULL)
		d->pq.PQclear(res);
	return rc;
}

/* Sends the waiting rows that s may see (NULL: all of them): those of the
 * tables it names or that are its tables' foreign-key parents (or
 * children, when it updates or deletes; all when it names a view), with
 * the rows they reference, in the order their first rows waited. Single
 * rows go in pipeline mode followed by s when it is given, all in one
 * round trip; batches of many rows go one after the other (COPY), before.
 * Returns 1 with *res set to s's result (or NULL), 0 when s has not run,
 * -1 when sending rows failed. */
static int settle(pg_db *d, pg_stmt *s, PGresult **res)
{
	pg_stmt *w, *order[ND_PG_WAITING];
	char go[ND_PG_WAITING] = {0};
	size_t n = 0, i, j, sent = 0, expect, nulls;
	int rc = 0, any = 0, many = 0;
	PGresult *r;

	for (w = d->waiting; w && n < ND_PG_WAITING; w = w->next, n++) {
		order[n] = w;
		go[n] = (char)(!s || s->reads_view || listed(s->related, w->table));
		any |= go[n];
	}
	if (!any)
		return 0;
	for (i = n; i-- > 0;)
		for (j = 0; j < i; j++)
			go[j] = (char)(go[j] || (go[i] && listed(order[i]->parents, order[j]->table)));
	for (i = 0; i < n; i++)
		many |= go[i] && order[i]->batch.n > (size_t)order[i]->nparams;
	if (many) {
		/* one table after the other, before s runs */
		for (i = 0; i < n && rc == 0; i++)
			if (go[i])
				rc = batch_now(d, order[i]);
		track(d, "");
		return rc;
	}
	if (d->pq.PQenterPipelineMode(d->h) != 1)
		return set_failure(d, d->pq.PQerrorMessage(d->h), NULL);
	for (i = 0; i < n && rc == 0; i++)
		if (go[i] && (rc = batch_send(d, order[i])) == 0)
			sent++;
	if (rc == 0 && s &&
	    d->pq.PQsendQueryPrepared(d->h, s->pname, s->nparams, (const char *const *)s->values, NULL, NULL, 0) != 1)
		rc = set_failure(d, d->pq.PQerrorMessage(d->h), NULL);
	expect = sent + (rc == 0 && s);
	if (d->pq.PQpipelineSync(d->h) != 1 && rc == 0)
		rc = set_failure(d, d->pq.PQerrorMessage(d->h), NULL);
	/* each query's result and a NULL, then the sync's */
	for (i = 0, nulls = 0;;) {
		if (!(r = d->pq.PQgetResult(d->h))) {
			if (d->pq.PQstatus(d->h) == CONNECTION_BAD || ++nulls > expect) {
				rc = rc ? rc : check_result(d, NULL);
				break;
			}
			continue;
		}
		if (d->pq.PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			d->pq.PQclear(r);
			break;
		}
		if (i++ == sent && res) {
			*res = r;
			continue;
		}
		if (rc == 0 && check_result(d, r) != 0)
			rc = -1;
		d->pq.PQclear(r);
	}
	d->pq.PQexitPipelineMode(d->h);
	track(d, s ? s->sql : "");
	if (rc == 0)
		return 1;
	if (res) {
		d->pq.PQclear(*res);
		*res = NULL;
	}
	return -1;
}

/* Adds the bound values of s to its batch as a row (first sending all
 * rows that wait before s's and reference its table, as they would be sent
 * first, or when too many statements wait), sending all when the batch is
 * full. Returns 0, or -1. */
static int batch_add(pg_db *d, pg_stmt *s)
{
	pg_batch *b = &s->batch;
	pg_stmt *w, **tail;
	size_t n;
	int i, rc = 0;

	for (w = d->waiting, n = 0; w && w != s && !listed(w->parents, s->table); w = w->next)
		n++;
	if (((w && w != s) || n >= ND_PG_WAITING) && settle(d, NULL, NULL) < 0)
		return -1;
	if (nd_vec_reserve(&b->v, &b->cap, b->n + (size_t)s->nparams, sizeof(*b->v)) != 0)
		return set_failure(d, "out of memory", NULL);
	for (i = 0; i < s->nparams && rc == 0; i++) {
		const char *v = s->values[i];

		b->v[b->n + (size_t)i].at = v ? b->text.len + 1 : 0;
		b->v[b->n + (size_t)i].type = s->want[i] ? s->want[i] : s->types[i];
		if (v && nd_buf_append(&b->text, v, strlen(v) + 1) != 0)
			rc = set_failure(d, "out of memory", NULL);
	}
	if (rc != 0)
		return -1;
	if (b->n == 0) {
		for (tail = &d->waiting; *tail; tail = &(*tail)->next)
			;
		*tail = s;
	}
	b->n += (size_t)s->nparams;
	if (b->n + (size_t)s->nparams > ND_PG_BATCH_VALUES || b->text.len > ND_PG_BATCH_BYTES)
		return settle(d, NULL, NULL) < 0 ? -1 : 0;
	return 0;
}

/* Runs SQL without parameters (one or more statements). Returns 0, or -1
 * (the message is the connection's: *msg stays NULL). */
static int pg_exec(nd_db *db, const char *sql, char **msg)
{
	pg_db *d = D(db);
	int rc, tries, was_tx = d->tx, end = strncmp(sql, "COMMIT", 6) == 0 || strncmp(sql, "ROLLBACK", 8) == 0;
	char why[sizeof(d->state)];

	*msg = NULL;
	memcpy(why, d->state, sizeof(why));
	/* waiting rows go first; a rollback drops them */
	while (strncmp(sql, "ROLLBACK", 8) == 0 && d->waiting)
		batch_drop(d, d->waiting);
	if (d->waiting && settle(d, NULL, NULL) < 0)
		return -1;
	for (tries = 0;; tries++) {
		PGresult *res;

		revive(d);
		res = d->pq.PQexec(d->h, sql);
		rc = check_result(d, res);
		/* COMMIT of a transaction a failure aborted answers ROLLBACK */
		if (rc == 0 && strncmp(sql, "COMMIT", 6) == 0 && strcmp(d->pq.PQcmdStatus(res), "ROLLBACK") == 0)
			rc = set_failure(d,
					 d->lost_rows ? d->lost_rows
						      : "the transaction was rolled back: a statement in it failed",
					 "25P02");
		d->pq.PQclear(res);
		track(d, sql);
		if (rc == 0 || tries || !lost(d, was_tx))
			break;
	}
	if (end) {
		free(d->lost_rows);
		d->lost_rows = NULL;
	}
	/* a rollback keeps the kind of the failure that made it */
	if (rc == 0 && strncmp(sql, "ROLLBACK", 8) == 0)
		memcpy(d->state, why, sizeof(why));
	return rc;
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

	if (s->pname[0] && s->generation == d->generation && d->pq.PQstatus(d->h) == CONNECTION_OK) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->pname);
		d->pq.PQclear(d->pq.PQexec(d->h, sql));
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
	res = d->pq.PQprepare(d->h, s->pname, s->sql, s->nparams, s->types);
	rc = check_result(d, res);
	d->pq.PQclear(res);
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

	D(s->base.db)->pq.PQclear(s->res);
	nd_buf_free(&s->batch.text);
	free(s->batch.v);
	free(s->related);
	free(s->parents);
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
	find_plain_insert(s);
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
	PGresult *res = NULL;
	int i, again = 0, sent = 0;

	revive(d);
	for (i = 0; i < s->nparams; i++)
		if (s->want[i] && s->types[i] != s->want[i]) {
			s->types[i] = s->want[i];
			again = 1;
		}
	if ((again || !s->pname[0] || s->generation != d->generation) && server_prepare(s) != 0)
		return -1;
	if (d->waiting && ((!s->classified && classify(d, s) != 0) || (sent = settle(d, s, &res)) < 0))
		return -1;
	if (!sent)
		res = d->pq.PQexecPrepared(d->h, s->pname, s->nparams, (const char *const *)s->values, NULL, NULL, 0);
	track(d, s->sql);
	if (check_result(d, res) != 0) {
		d->pq.PQclear(res);
		return -1;
	}
	s->res = res;
	s->nrows = d->pq.PQntuples(res);
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
	pg_db *d = D(st->db);

	/* a plain INSERT inside a transaction: its row waits in a batch */
	if (!s->res && s->head && d->tx && d->pq.PQstatus(d->h) == CONNECTION_OK) {
		if (!s->classified && classify(d, s) != 0)
			return -1;
		if (s->batchable)
			return batch_add(d, s);
	}
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
	const nd_libpq *pq = &D(st->db)->pq;

	if (!s->res || s->row < 1 || pq->PQgetisnull(s->res, s->row - 1, c))
		return NULL;
	return pq->PQgetvalue(s->res, s->row - 1, c);
}

/* Returns the length of column c's text, strlen's (a PostgreSQL text
 * holds no NUL), 0 for NULL. */
static size_t pg_column_bytes(nd_stmt *st, int c)
{
	const char *v = pg_column_text(st, c);

	return v ? strlen(v) : 0;
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
	return S(st)->res ? D(st->db)->pq.PQnfields(S(st)->res) : 0;
}

/* Reset (drops the rows), clear the bindings, free. Return nothing. */
static void pg_reset(nd_stmt *st)
{
	D(st->db)->pq.PQclear(S(st)->res);
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
	pg_db *d = D(st->db);

	/* its waiting rows go now; should they fail, the commit says so */
	if (S(st)->batch.n && settle(d, NULL, NULL) < 0 && !d->lost_rows)
		d->lost_rows = strdup(pg_errmsg(st->db));
	batch_drop(d, S(st));
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
		    (out->len == 3 || !(out->data[out->len - 4] == '_' ||
					(out->data[out->len - 4] >= 'a' && out->data[out->len - 4] <= 'z'))) &&
		    strncmp(next, " PRIMARY KEY", 12) == 0)
			return nd_buf_printf(out, "BIGINT GENERATED BY DEFAULT AS IDENTITY");
		return nd_buf_printf(out, "BIGINT");
	}
	if (n == 4 && strncmp(w, "REAL", 4) == 0)
		return nd_buf_printf(out, "DOUBLE PRECISION");
	/* a text column compares bytes, as in SQLite (not the type of a CAST's AS) */
	if (n == 4 && strncmp(w, "TEXT", 4) == 0 &&
	    !(out->len >= 3 && memcmp(out->data + out->len - 3, "AS ", 3) == 0 &&
	      (out->len == 3 || !name_char(out->data[out->len - 4]))))
		return nd_buf_printf(out, "TEXT COLLATE \"C\"");
	return nd_buf_append(out, w, n);
}

/* Appends, for the `CREATE [UNIQUE ]INDEX IF NOT EXISTS name` at *p, the
 * start of a block that creates it only when there is no such index yet
 * (PostgreSQL asks for the table's owner before it looks, and writers do
 * not own the tables: docs/fleet.md), and moves *p past the name. Returns
 * 0, or -1 when out of memory. */
static int ddl_index(nd_buf *out, const char **p)
{
	const char *name = strstr(*p, "EXISTS ") + 7, *q = name;

	while (name_char(*q) || *q == '.')
		q++;
	if (nd_buf_printf(out, "DO $nd$BEGIN IF to_regclass('") || nd_buf_append(out, name, (size_t)(q - name)) ||
	    nd_buf_printf(out, "') IS NULL THEN CREATE %sINDEX ", (*p)[7] == 'U' ? "UNIQUE " : "") ||
	    nd_buf_append(out, name, (size_t)(q - name)))
		return -1;
	*p = q;
	return 0;
}

/* Turns the store's schema SQL, written for SQLite, into PostgreSQL's:
 * INTEGER is BIGINT (ticks need 64 bits), `id INTEGER PRIMARY KEY` an
 * identity column, REAL DOUBLE PRECISION, a TEXT column `TEXT COLLATE
 * "C"` (byte order, as SQLite's BINARY: the analysis looks up and merges
 * what it reads ordered with strcmp, whatever the database's default
 * collation), `WITHOUT ROWID` goes,
 * `CREATE VIEW IF NOT EXISTS` is `CREATE OR REPLACE VIEW` and
 * `CREATE INDEX IF NOT EXISTS` a block that looks first. String literals
 * and quoted names are copied as they are. Returns 0, or -1 when out of
 * memory. */
static int pg_ddl(const char *sql, nd_buf *out)
{
	static const char view[] = "CREATE VIEW IF NOT EXISTS", rowid[] = " WITHOUT ROWID",
			  index[] = "CREATE INDEX IF NOT EXISTS ", unique[] = "CREATE UNIQUE INDEX IF NOT EXISTS ",
			  end[] = "; END IF; END$nd$";
	const char *p = sql;
	int rc = 0, in_index = 0;

	while (*p && rc == 0) {
		if (*p == '\'' || *p == '"') {
			rc = copy_quoted(out, &p);
		} else if (strncmp(p, view, sizeof(view) - 1) == 0) {
			rc = nd_buf_printf(out, "CREATE OR REPLACE VIEW");
			p += sizeof(view) - 1;
		} else if (strncmp(p, index, sizeof(index) - 1) == 0 || strncmp(p, unique, sizeof(unique) - 1) == 0) {
			rc = ddl_index(out, &p);
			in_index = 1;
		} else if (*p == ';' && in_index) {
			rc = nd_buf_printf(out, "%s", end);
			in_index = 0;
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
	if (rc == 0 && in_index)
		rc = nd_buf_printf(out, "%s", end);
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
    .column_sql = "SELECT 1 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
		  " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
		  " AND c.relname = ? AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped",
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
    .column_bytes = pg_column_bytes,
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
static int check_conninfo(const nd_libpq *pq, const char *conninfo, nd_error *err)
{
	char *msg = NULL;
	PQconninfoOption *opts = pq->PQconninfoParse(conninfo, &msg), *o;
	int rc = 0;

	if (!opts) {
		pq->PQfreemem(msg);
		return nd_error_set(err, "database: not a valid PostgreSQL connection URI");
	}
	for (o = opts; o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val && *o->val)
			rc = nd_error_set(err, "database: refusing a password in the connection URI (it would show in"
					       " the process list and shell history): put it in ~/.pgpass or the file"
					       " $PGPASSFILE names (docs/fleet.md)");
	pq->PQconninfoFree(opts);
	return rc;
}

int nd_db_pg_open(nd_db **db, const char *name, nd_error *err)
{
	const char *conninfo = strcmp(name, "pg:") == 0 ? "" : name;
	nd_libpq pq;
	pg_db *d;
	const char *host;

	*db = NULL;
	if (nd_libpq_load(&pq, err) != 0 || check_conninfo(&pq, conninfo, err) != 0)
		return -1;
	if (!(d = calloc(1, sizeof(*d))))
		return nd_error_set(err, "out of memory");
	d->base.ops = &pg_ops;
	d->pq = pq;
	d->h = d->pq.PQconnectdb(conninfo);
	if (!d->h) {
		free(d);
		return nd_error_set(err, "out of memory");
	}
	host = d->pq.PQhost(d->h);
	snprintf(d->name, sizeof(d->name), "postgresql://%s/%s", host && *host != '/' ? host : "localhost",
		 d->pq.PQdb(d->h) ? d->pq.PQdb(d->h) : "");
	if (d->pq.PQstatus(d->h) != CONNECTION_OK) {
		char msg[ND_ERROR_MAX / 2];
		size_t n;

		snprintf(msg, sizeof(msg), "%s", d->pq.PQerrorMessage(d->h));
		n = strlen(msg);
		while (n && msg[n - 1] == '\n')
			msg[--n] = '\0';
		nd_error_set(err, "cannot connect to database %s: %s", d->name, msg);
		pg_close(&d->base);
		return -1;
	}
	d->pq.PQsetNoticeProcessor(d->h, quiet, NULL);
	if (nd_db_exec(&d->base, SESSION_SQL, "settings", err) != 0) {
		pg_close(&d->base);
		return -1;
	}
	*db = &d->base;
	return 0;
}
