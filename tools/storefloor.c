/* storefloor: SQLite's own cost of storing the events of an ingest, the
 * floor under nd_store_event (docs/schema.md, "Instructions per stored
 * event").
 *
 *   storefloor [-a] [-e] [-b N] [-w] [-x SQL]... SOURCE.db NEW.db
 *
 * Reads every event_rows row of SOURCE.db (an npsdiag SQLite database, read
 * only) with its typed row, in id order, into memory; makes NEW.db (it must
 * not exist) with npsdiag's schema, copies the sources and field_names rows
 * into it, then runs each -x SQL on it (to try another schema shape or
 * connection setting: drop an index, make a table again, a PRAGMA) and
 * stores the events again as an ingest's transaction does
 * (nd_store_begin_ingest: no foreign-key checks, the WAL checkpointed on a
 * thread of its own), with the statements prepared once and nothing else,
 * then one commit. A text equal to the same parameter's of the row before
 * is not bound again, as nd_db_bind_text_kept does (-a: every one bound,
 * with SQLITE_STATIC); -e stores the event_rows rows only, without their
 * typed rows (what the typed rows cost is the difference).
 *
 * One statement per row by default: each event's INSERT into event_rows (ON
 * CONFLICT DO NOTHING), its typed row with the new id. -b N stores as an
 * ingest's batches do (nd_store.c): N events bound into the slots of one
 * INSERT OR IGNORE ... VALUES (...), ... (an empty slot of the last batch
 * has no family), then their typed rows, per table, into INSERT OR REPLACE
 * ... VALUES (...), ... (an empty slot: a row with the event_ref
 * INT64_MIN, deleted after the statement). -w (wide) adds the typed tables' columns to event_rows (named t<table
 * number>_<column>) and stores each typed value there, in the event's own
 * row: what typed rows as columns of the events would cost.
 *
 * Prints the events stored, the time of the loop and commit (wall and the
 * thread's CPU) per event, and the database bytes per event after a
 * checkpoint (the code tables left out). For instructions per event run it
 * under callgrind with --toggle-collect=storefloor_store. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nd_buf.h"
#include "nd_db.h"
#include "nd_db_sqlite.h"
#include "nd_error.h"
#include "nd_family.h"
#include "nd_store.h"
#include "nd_vec.h"

/* The columns of event_rows an ingest writes, in its statement's order
 * (nd_store.c). */
#define EVENT_COLUMNS                                                                                                  \
	"family,provider,event_id,qualifiers,version,level,task,keyword_bits,time_text,ts,record_id,channel,"          \
	"computer,user_sid,\"binary\",source_id,file_offset,written_ts,names_ref,fields"
#define EVENT_NCOLUMNS 20
#define MAX_TABLES 16

/* One value: SQLITE_NULL, SQLITE_INTEGER (i) or SQLITE_TEXT (t). */
typedef struct value {
	int type;
	int64_t i;
	char *t;
} value;

/* One typed table: its INSERT and its rows, as read. */
typedef struct typed {
	const char *name;
	const nd_family *fam;
	int ncols;        /* event_ref and the typed columns */
	char *insert_sql; /* INSERT INTO name(...) VALUES(...) */
	sqlite3_stmt *ins;
	value *kept; /* the values last bound, per column */
	/* -b: the batch's INSERT and the DELETE of its empty slots' row, the
	 * values last bound to the INSERT (batch * ncols), the events of the
	 * batch that have a row here (their index in the batch) */
	sqlite3_stmt *bins, *drop;
	value *bkept;
	int *slot;
	int nslot;
} typed;

/* One event: its event_rows values and its typed row (table < 0: none). */
typedef struct event {
	value v[EVENT_NCOLUMNS];
	int table;
	value *typed_values; /* ncols - 1 values: the typed columns after event_ref */
} event;

typedef struct floor_run {
	int bind_all;
	int events_only;   /* no typed rows */
	int batch;         /* -b: events per statement (0: one statement per row) */
	int wide;          /* -w */
	sqlite3_stmt *bev; /* -b: the events' INSERT */
	int ev_ncols;      /* its parameters per event */
	value *bkept;      /* the values last bound to it (batch * ev_ncols) */
	typed tables[MAX_TABLES];
	int ntables;
	event *ev;
	size_t nev, cap;
	value kept[EVENT_NCOLUMNS];
} floor_run;

int storefloor_store(floor_run *r, sqlite3 *h, sqlite3_stmt *ins, size_t *stored);

/* Prints what failed with SQLite's message and exits. Returns nothing. */
static void die(sqlite3 *h, const char *what)
{
	fprintf(stderr, "storefloor: %s: %s\n", what, h ? sqlite3_errmsg(h) : "out of memory");
	exit(2);
}

/* Reads column c of st into *v (a copied text). Returns nothing. */
static void read_value(sqlite3_stmt *st, int c, value *v)
{
	v->type = sqlite3_column_type(st, c);
	v->t = NULL;
	if (v->type == SQLITE_INTEGER) {
		v->i = sqlite3_column_int64(st, c);
	} else if (v->type == SQLITE_NULL) {
		v->i = 0;
	} else if (v->type == SQLITE_TEXT) {
		if (!(v->t = strdup((const char *)sqlite3_column_text(st, c))))
			die(NULL, "text");
	} else {
		fprintf(stderr, "storefloor: a value neither integer, text nor NULL\n");
		exit(2);
	}
}

/* Finds the typed tables in the source (one per family table), with their
 * columns, into r->tables. Returns nothing. */
static void find_tables(floor_run *r, sqlite3 *src)
{
	const nd_family *const *f;

	for (f = nd_families(); *f; f++) {
		typed *t;
		sqlite3_stmt *st;
		char sql[256];
		size_t len, i;

		if (!(*f)->table || nd_family_table_seen(f))
			continue;
		if (r->ntables == MAX_TABLES)
			die(NULL, "too many typed tables");
		t = &r->tables[r->ntables++];
		t->name = (*f)->table;
		t->fam = *f;
		t->ncols = 1 + (int)(*f)->ncolumns;
		len = 64 + strlen(t->name) + (*f)->ncolumns * 66;
		if (!(t->insert_sql = malloc(len)) || !(t->kept = calloc((size_t)t->ncols, sizeof(value))))
			die(NULL, "tables");
		snprintf(t->insert_sql, len, "INSERT INTO %s(event_ref", t->name);
		for (i = 0; i < (*f)->ncolumns; i++)
			snprintf(t->insert_sql + strlen(t->insert_sql), len - strlen(t->insert_sql), ",%s",
				 (*f)->columns[i].name);
		strcat(t->insert_sql, ") VALUES(?");
		for (i = 0; i < (*f)->ncolumns; i++)
			strcat(t->insert_sql, ",?");
		strcat(t->insert_sql, ")");
		/* the source has the table with these columns */
		snprintf(sql, sizeof(sql), "SELECT * FROM %s LIMIT 0", t->name);
		if (sqlite3_prepare_v2(src, sql, -1, &st, NULL) != SQLITE_OK)
			die(src, t->name);
		sqlite3_finalize(st);
	}
}

/* Returns the event with id `id` of r (ids are read in order), or NULL. */
static event *event_of(floor_run *r, const int64_t *ids, int64_t id)
{
	size_t lo = 0, hi = r->nev;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nev && ids[lo] == id ? &r->ev[lo] : NULL;
}

/* Reads the events of src and their typed rows into r. Returns nothing. */
static void read_events(floor_run *r, sqlite3 *src)
{
	sqlite3_stmt *st;
	int64_t *ids = NULL;
	size_t idcap = 0;
	int rc, c, t;

	if (sqlite3_prepare_v2(src, "SELECT id," EVENT_COLUMNS " FROM event_rows ORDER BY id", -1, &st, NULL))
		die(src, "event_rows");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		event *e;

		if (nd_vec_reserve((void **)&r->ev, &r->cap, r->nev + 1, sizeof(*r->ev)) ||
		    nd_vec_reserve((void **)&ids, &idcap, r->nev + 1, sizeof(*ids)))
			die(NULL, "events");
		e = &r->ev[r->nev];
		ids[r->nev++] = sqlite3_column_int64(st, 0);
		for (c = 0; c < EVENT_NCOLUMNS; c++)
			read_value(st, c + 1, &e->v[c]);
		e->table = -1;
		e->typed_values = NULL;
	}
	if (rc != SQLITE_DONE)
		die(src, "event_rows");
	sqlite3_finalize(st);
	for (t = 0; t < r->ntables; t++) {
		typed *ty = &r->tables[t];
		char sql[128];

		snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY event_ref", ty->name);
		if (sqlite3_prepare_v2(src, sql, -1, &st, NULL) != SQLITE_OK)
			die(src, ty->name);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			event *e = event_of(r, ids, sqlite3_column_int64(st, 0));

			if (!e)
				continue;
			e->table = t;
			if (!(e->typed_values = calloc((size_t)ty->ncols, sizeof(value))))
				die(NULL, "typed rows");
			for (c = 1; c < ty->ncols; c++)
				read_value(st, c, &e->typed_values[c - 1]);
		}
		if (rc != SQLITE_DONE)
			die(src, ty->name);
		sqlite3_finalize(st);
	}
	free(ids);
}

/* Binds v to parameter i of st unless kept (the value last bound there)
 * equals it, then remembers it in kept (all: always binds). Returns
 * SQLite's result code. */
static int bind(sqlite3_stmt *st, int i, const value *v, value *kept, int all)
{
	int rc;

	if (!all && v->type == kept->type &&
	    (v->type == SQLITE_NULL || (v->type == SQLITE_INTEGER && v->i == kept->i) ||
	     (v->type == SQLITE_TEXT && strcmp(v->t, kept->t) == 0)))
		return SQLITE_OK;
	if (v->type == SQLITE_INTEGER)
		rc = sqlite3_bind_int64(st, i, v->i);
	else if (v->type == SQLITE_TEXT)
		rc = sqlite3_bind_text(st, i, v->t, -1, SQLITE_STATIC);
	else
		rc = sqlite3_bind_null(st, i);
	*kept = *v;
	return rc;
}

/* Binds the events of a batch, n of them from r->ev + first, into the
 * slots of r->bev (an empty slot: no family), and notes their typed rows
 * in their tables (-w: binds them into the event's own row). Returns
 * SQLite's result code. */
static int bind_events(floor_run *r, size_t first, int n)
{
	static const value null = {SQLITE_NULL, 0, NULL};
	int i, c, t, rc = SQLITE_OK;

	for (i = 0; i < r->batch && rc == SQLITE_OK; i++) {
		value *kept = &r->bkept[i * r->ev_ncols];
		int o = i * r->ev_ncols + 1;
		const event *e = &r->ev[first + (size_t)i];

		if (i >= n) {
			rc = bind(r->bev, o, &null, kept, r->bind_all);
			continue;
		}
		for (c = 0; c < EVENT_NCOLUMNS && rc == SQLITE_OK; c++)
			rc = bind(r->bev, o + c, &e->v[c], &kept[c], r->bind_all);
		o += EVENT_NCOLUMNS;
		kept += EVENT_NCOLUMNS;
		for (t = 0; t < r->ntables && r->wide && rc == SQLITE_OK; t++) {
			for (c = 1; c < r->tables[t].ncols && rc == SQLITE_OK; c++, o++, kept++)
				rc =
				    bind(r->bev, o, e->table == t ? &e->typed_values[c - 1] : &null, kept, r->bind_all);
		}
		if (e->table >= 0 && !r->wide && !r->events_only)
			r->tables[e->table].slot[r->tables[e->table].nslot++] = i;
	}
	return rc;
}

/* Stores the typed rows of table t of the batch that began at r->ev +
 * first, whose events have the ids from id0 on. Returns SQLite's result
 * code. */
static int store_typed_batch(floor_run *r, typed *t, size_t first, int64_t id0)
{
	static const value none = {SQLITE_INTEGER, INT64_MIN, NULL};
	sqlite3_stmt *st = t->bins;
	int j, c, rc = SQLITE_OK, empty = t->nslot < r->batch;

	for (j = 0; j < r->batch && rc == SQLITE_OK; j++) {
		value *kept = &t->bkept[j * t->ncols];
		int o = j * t->ncols + 1;
		const event *e;

		if (j >= t->nslot) {
			rc = bind(st, o, &none, kept, r->bind_all);
			continue;
		}
		e = &r->ev[first + (size_t)t->slot[j]];
		rc = sqlite3_bind_int64(st, o, id0 + t->slot[j]);
		kept->type = SQLITE_INTEGER;
		kept->i = id0 + t->slot[j];
		for (c = 1; c < t->ncols && rc == SQLITE_OK; c++)
			rc = bind(st, o + c, &e->typed_values[c - 1], &kept[c], r->bind_all);
	}
	t->nslot = 0;
	if (rc == SQLITE_OK && (sqlite3_step(st) != SQLITE_DONE || (empty && sqlite3_step(t->drop) != SQLITE_DONE)))
		rc = SQLITE_ERROR;
	sqlite3_reset(st);
	sqlite3_reset(t->drop);
	return rc;
}

/* Stores the events of r in batches of r->batch (-b), counting the rows
 * stored in *stored: the loop this tool measures. Returns 0, or -1
 * (SQLite's message on h; a batch that found an event there already, which
 * a copy of a database's rows cannot, fails). */
static int store_batches(floor_run *r, sqlite3 *h, size_t *stored)
{
	size_t first;
	int n, t;

	*stored = 0;
	for (first = 0; first < r->nev; first += (size_t)n) {
		int64_t id0;

		n = r->nev - first < (size_t)r->batch ? (int)(r->nev - first) : r->batch;
		if (bind_events(r, first, n) != SQLITE_OK || sqlite3_step(r->bev) != SQLITE_DONE ||
		    sqlite3_reset(r->bev) != SQLITE_OK || sqlite3_changes(h) != n)
			return -1;
		id0 = sqlite3_last_insert_rowid(h) - n + 1;
		*stored += (size_t)n;
		for (t = 0; t < r->ntables; t++)
			if (r->tables[t].nslot && store_typed_batch(r, &r->tables[t], first, id0) != SQLITE_OK)
				return -1;
	}
	return 0;
}

/* Stores the events of r with the INSERT ins and the typed tables'
 * statements, counting the rows stored in *stored: the loop this tool
 * measures. Returns 0, or -1 (SQLite's message on h). */
int storefloor_store(floor_run *r, sqlite3 *h, sqlite3_stmt *ins, size_t *stored)
{
	size_t n;
	int c;

	if (r->batch)
		return store_batches(r, h, stored);
	*stored = 0;
	for (n = 0; n < r->nev; n++) {
		const event *e = &r->ev[n];
		int64_t id;

		for (c = 0; c < EVENT_NCOLUMNS; c++)
			if (bind(ins, c + 1, &e->v[c], &r->kept[c], r->bind_all) != SQLITE_OK)
				return -1;
		if (sqlite3_step(ins) != SQLITE_DONE || sqlite3_reset(ins) != SQLITE_OK)
			return -1;
		if (!sqlite3_changes(h))
			continue;
		id = sqlite3_last_insert_rowid(h);
		++*stored;
		if (e->table >= 0 && !r->events_only) {
			typed *t = &r->tables[e->table];

			if (sqlite3_bind_int64(t->ins, 1, id) != SQLITE_OK)
				return -1;
			for (c = 1; c < t->ncols; c++)
				if (bind(t->ins, c + 1, &e->typed_values[c - 1], &t->kept[c], r->bind_all) != SQLITE_OK)
					return -1;
			if (sqlite3_step(t->ins) != SQLITE_DONE || sqlite3_reset(t->ins) != SQLITE_OK)
				return -1;
		}
	}
	return 0;
}

/* Frees the values n of v hold. Returns nothing. */
static void free_values(value *v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(v[i].t);
}

/* Frees what r holds. Returns nothing. */
static void free_run(floor_run *r)
{
	size_t n;
	int t;

	for (n = 0; n < r->nev; n++) {
		event *e = &r->ev[n];

		free_values(e->v, EVENT_NCOLUMNS);
		if (e->typed_values)
			free_values(e->typed_values, r->tables[e->table].ncols - 1);
		free(e->typed_values);
	}
	free(r->ev);
	for (t = 0; t < r->ntables; t++) {
		free(r->tables[t].insert_sql);
		free(r->tables[t].kept);
		free(r->tables[t].bkept);
		free(r->tables[t].slot);
	}
	free(r->bkept);
}

/* Appends to sql `rows` rows of n parameters: VALUES (?,...), ....
 * Returns nothing (exits when out of memory). */
static void values(nd_buf *sql, int rows, int n)
{
	int i, c, rc = nd_buf_printf(sql, " VALUES");

	for (i = 0; i < rows; i++)
		for (c = 0; c < n; c++)
			rc = rc || nd_buf_printf(sql, c ? ",?%s" : i ? ",(?%s" : "(?%s", c == n - 1 ? ")" : "");
	if (rc)
		die(NULL, "statements");
}

/* Prepares sql on h into *st, then empties sql. Returns nothing (exits on
 * failure). */
static void prepare(sqlite3 *h, nd_buf *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v3(h, sql->data, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		die(h, sql->data);
	sql->len = 0;
}

/* Prepares the statements of -b on h (with -w, the typed columns added to
 * event_rows first), and the kept values of each. Returns nothing (exits
 * on failure). */
static void prepare_batches(floor_run *r, sqlite3 *h)
{
	nd_buf sql = {0};
	int t, c, rc;

	rc = nd_buf_printf(&sql, "INSERT OR IGNORE INTO event_rows(" EVENT_COLUMNS);
	r->ev_ncols = EVENT_NCOLUMNS;
	for (t = 0; t < r->ntables && r->wide; t++) {
		for (c = 0; c < r->tables[t].ncols - 1; c++) {
			char alter[160];

			snprintf(alter, sizeof(alter), "ALTER TABLE event_rows ADD COLUMN t%d_%s", t,
				 r->tables[t].fam->columns[c].name);
			if (sqlite3_exec(h, alter, NULL, NULL, NULL) != SQLITE_OK)
				die(h, alter);
			rc = rc || nd_buf_printf(&sql, ",t%d_%s", t, r->tables[t].fam->columns[c].name);
		}
		r->ev_ncols += r->tables[t].ncols - 1;
	}
	if (rc || nd_buf_printf(&sql, ")"))
		die(NULL, "statements");
	values(&sql, r->batch, r->ev_ncols);
	prepare(h, &sql, &r->bev);
	if (!(r->bkept = calloc((size_t)(r->batch * r->ev_ncols), sizeof(value))))
		die(NULL, "statements");
	for (t = 0; t < r->ntables && !r->wide; t++) {
		typed *ty = &r->tables[t];
		const char *cols = strchr(ty->insert_sql, '(');
		size_t len = (size_t)(strchr(cols, ')') - cols) + 1;

		if (nd_buf_printf(&sql, "INSERT OR REPLACE INTO %s%.*s", ty->name, (int)len, cols))
			die(NULL, "statements");
		values(&sql, r->batch, ty->ncols);
		prepare(h, &sql, &ty->bins);
		if (nd_buf_printf(&sql, "DELETE FROM %s WHERE event_ref = -9223372036854775808", ty->name))
			die(NULL, "statements");
		prepare(h, &sql, &ty->drop);
		if (!(ty->bkept = calloc((size_t)(r->batch * ty->ncols), sizeof(value))) ||
		    !(ty->slot = calloc((size_t)r->batch, sizeof(int))))
			die(NULL, "statements");
	}
	nd_buf_free(&sql);
}

/* Runs sql on h. Returns nothing (exits on failure). */
static void exec(sqlite3 *h, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "storefloor: %s: %s\n", sql, msg ? msg : "failed");
		exit(2);
	}
}

/* Returns the clock c in seconds. */
static double seconds(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Prints the database bytes per stored event of h, after a checkpoint.
 * Returns nothing. */
static void print_bytes(sqlite3 *h, size_t stored)
{
	sqlite3_stmt *st;

	exec(h, "PRAGMA wal_checkpoint(TRUNCATE)");
	if (sqlite3_prepare_v2(
		h, "SELECT sum(pgsize) FROM dbstat WHERE name NOT IN ('ras_error_codes', 'nps_reason_codes')", -1, &st,
		NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		die(h, "dbstat");
	printf("bytes per event: %.0f\n", (double)sqlite3_column_int64(st, 0) / (double)(stored ? stored : 1));
	sqlite3_finalize(st);
}

int main(int argc, char **argv)
{
	floor_run r;
	nd_error err = {0};
	nd_store *s = NULL;
	FILE *f;
	sqlite3 *src, *h;
	sqlite3_stmt *ins;
	const char *xs[32];
	size_t nx = 0, stored, i;
	double w0, c0, w1, c1;
	int a, t;

	memset(&r, 0, sizeof(r));
	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "-a") == 0)
			r.bind_all = 1;
		else if (strcmp(argv[a], "-e") == 0)
			r.events_only = 1;
		else if (strcmp(argv[a], "-w") == 0)
			r.wide = 1;
		else if (strcmp(argv[a], "-b") == 0 && a + 1 < argc && atoi(argv[a + 1]) > 0)
			r.batch = atoi(argv[++a]);
		else if (strcmp(argv[a], "-x") == 0 && a + 1 < argc && nx < 32)
			xs[nx++] = argv[++a];
		else
			break;
	}
	if (argc - a != 2 || (r.wide && !r.batch)) {
		fprintf(stderr, "usage: storefloor [-a] [-e] [-b N] [-w] [-x SQL]... SOURCE.db NEW.db\n");
		return 2;
	}
	if ((f = fopen(argv[a + 1], "rb"))) {
		fclose(f);
		fprintf(stderr, "storefloor: %s exists: name a new database\n", argv[a + 1]);
		return 2;
	}
	/* the store's connection first: it configures SQLite for the process
	 * (nd_db_sqlite.c), which only the first use of SQLite may */
	if (nd_store_open(&s, argv[a + 1], &err) != 0) {
		fprintf(stderr, "storefloor: %s\n", err.message);
		return 2;
	}
	if (sqlite3_open_v2(argv[a], &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die(src, argv[a]);
	find_tables(&r, src);
	read_events(&r, src);
	sqlite3_close(src);
	h = nd_db_sqlite_handle(nd_store_db(s));
	{
		sqlite3_stmt *st;

		if (sqlite3_prepare_v2(h, "ATTACH ? AS src", -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_bind_text(st, 1, argv[a], -1, SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_DONE)
			die(h, "attach");
		sqlite3_finalize(st);
	}
	exec(h, "BEGIN; INSERT INTO sources SELECT * FROM src.sources;"
		" INSERT INTO field_names SELECT * FROM src.field_names; COMMIT; DETACH src");
	for (i = 0; i < nx; i++)
		exec(h, xs[i]);
	if (r.batch)
		prepare_batches(&r, h);
	if (sqlite3_prepare_v3(h,
			       "INSERT INTO event_rows(" EVENT_COLUMNS
			       ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
			       " ON CONFLICT DO NOTHING",
			       -1, SQLITE_PREPARE_PERSISTENT, &ins, NULL) != SQLITE_OK)
		die(h, "event_rows");
	for (t = 0; t < r.ntables; t++)
		if (sqlite3_prepare_v3(h, r.tables[t].insert_sql, -1, SQLITE_PREPARE_PERSISTENT, &r.tables[t].ins,
				       NULL) != SQLITE_OK)
			die(h, r.tables[t].name);

	if (nd_store_begin_ingest(s, &err) != 0) {
		fprintf(stderr, "storefloor: %s\n", err.message);
		return 2;
	}
	w0 = seconds(CLOCK_MONOTONIC);
	c0 = seconds(CLOCK_THREAD_CPUTIME_ID);
	if (storefloor_store(&r, h, ins, &stored) != 0)
		die(h, "insert");
	if (nd_store_commit(s, &err) != 0) {
		fprintf(stderr, "storefloor: %s\n", err.message);
		return 2;
	}
	w1 = seconds(CLOCK_MONOTONIC);
	c1 = seconds(CLOCK_THREAD_CPUTIME_ID);
	printf("events read: %zu, stored: %zu\n", r.nev, stored);
	printf("per event: %.0f ns wall, %.0f ns CPU (this thread)\n", (w1 - w0) * 1e9 / (double)(stored ? stored : 1),
	       (c1 - c0) * 1e9 / (double)(stored ? stored : 1));
	sqlite3_finalize(ins);
	sqlite3_finalize(r.bev);
	for (t = 0; t < r.ntables; t++) {
		sqlite3_finalize(r.tables[t].ins);
		sqlite3_finalize(r.tables[t].bins);
		sqlite3_finalize(r.tables[t].drop);
	}
	print_bytes(h, stored);
	nd_store_close(s);
	free_run(&r);
	return 0;
}
