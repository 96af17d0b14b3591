#include "nd_db.h"

#include <stdlib.h>
#include <string.h>

#include "nd_buf.h"
#include "nd_db_backend.h"

void nd_db_close(nd_db *db)
{
	if (db)
		db->ops->close(db);
}

int nd_db_fail(nd_db *db, const char *what, nd_error *err)
{
	return nd_error_set(err, "database: %s: %s", what, db->ops->errmsg(db));
}

nd_db_kind nd_db_error_kind(nd_db *db)
{
	return db->ops->kind(db);
}

int nd_db_error_full(nd_db *db, const nd_error *err)
{
	const char *full = db->ops->full_message();
	size_t n = strlen(err->message), m = strlen(full);

	return n > m && err->message[n - m - 1] == ' ' && strcmp(err->message + n - m, full) == 0;
}

nd_db_dialect nd_db_dialect_of(nd_db *db)
{
	return db->ops->dialect;
}

const char *nd_db_name(nd_db *db)
{
	return db->ops->name(db);
}

int nd_db_in_transaction(nd_db *db)
{
	return db->ops->in_transaction(db);
}

int nd_db_data_version(nd_db *db, int64_t *v, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc = -1;

	*v = 0;
	if (!db->ops->version_sql)
		return 0;
	if (nd_db_prepare(db, db->ops->version_sql, 0, &st, "data version", err) != 0 ||
	    (rc = nd_db_step(st, "data version", err)) != 1) {
		nd_db_finalize(st);
		return rc == 0 ? nd_error_set(err, "data version: no row") : -1;
	}
	*v = nd_db_column_int64(st, 0);
	nd_db_finalize(st);
	return 0;
}

int nd_db_has_inserted(nd_db *db)
{
	return db->ops->inserted != NULL;
}

int64_t nd_db_inserted(nd_db *db)
{
	return db->ops->inserted(db);
}

int64_t nd_db_changes(nd_db *db)
{
	return db->ops->changes ? db->ops->changes(db) : -1;
}

int nd_db_exec(nd_db *db, const char *sql, const char *what, nd_error *err)
{
	char *msg = NULL;

	if (db->ops->exec(db, sql, &msg) != 0) {
		nd_error_set(err, "database: %s: %s", what, msg ? msg : db->ops->errmsg(db));
		db->ops->free_msg(msg);
		return -1;
	}
	return 0;
}

int nd_db_begin(nd_db *db, nd_error *err)
{
	return nd_db_exec(db, db->ops->begin_sql, "begin", err);
}

int nd_db_commit(nd_db *db, nd_error *err)
{
	return nd_db_exec(db, "COMMIT", "commit", err);
}

void nd_db_rollback(nd_db *db)
{
	char *msg = NULL;

	db->ops->exec(db, "ROLLBACK", &msg);
	db->ops->free_msg(msg);
}

int nd_db_exec_ddl(nd_db *db, const char *sql, const char *what, nd_error *err)
{
	nd_buf b = {0};
	int rc;

	if (!db->ops->ddl)
		return nd_db_exec(db, sql, what, err);
	if (db->ops->ddl(sql, &b) != 0) {
		nd_buf_free(&b);
		return nd_error_set(err, "out of memory");
	}
	rc = nd_db_exec(db, b.data, what, err);
	nd_buf_free(&b);
	return rc;
}

/* Runs a backend query sql with its parameters: the text text and, when
 * not NULL, text2; or, when text is NULL, the integer n alone. Returns 1 when it gave a row, 0
 * when not, -1 with err set. */
static int query1(nd_db *db, const char *sql, const char *text, const char *text2, int64_t n, const char *what,
		  nd_error *err)
{
	nd_stmt *st = NULL;
	int rc;

	if (nd_db_prepare(db, sql, 0, &st, what, err) != 0)
		return -1;
	rc = (text ? nd_db_bind_text(st, 1, text, what, err) ||
			     (text2 && nd_db_bind_text(st, 2, text2, what, err))
		   : nd_db_bind_int64(st, 1, n, what, err)) != 0
		     ? -1
		     : nd_db_step(st, what, err);
	nd_db_finalize(st);
	return rc;
}

int nd_db_has_table(nd_db *db, const char *name, nd_error *err)
{
	return query1(db, db->ops->table_sql, name, NULL, 0, "schema", err);
}

int nd_db_has_column(nd_db *db, const char *table, const char *column, nd_error *err)
{
	return query1(db, db->ops->column_sql, table, column, 0, "schema", err);
}

int nd_db_lock(nd_db *db, int64_t key, nd_error *err)
{
	return db->ops->lock_sql && query1(db, db->ops->lock_sql, NULL, NULL, key, "lock", err) < 0 ? -1 : 0;
}

int nd_db_prepare(nd_db *db, const char *sql, unsigned flags, nd_stmt **st, const char *what, nd_error *err)
{
	*st = NULL;
	if (db->ops->prepare(db, sql, flags, st) != 0)
		return nd_db_fail(db, what, err);
	(*st)->kept = NULL;
	return 0;
}

/* What parameter i was last bound to by nd_db_bind_text_kept. */
enum { KEPT_NONE, KEPT_NULL, KEPT_TEXT };

struct nd_db_kept {
	size_t n; /* parameters 1 to n */
	struct {
		int what;    /* KEPT_* */
		nd_buf text; /* KEPT_TEXT: the string, NUL-terminated */
	} par[];
};

/* Forgets what nd_db_bind_text_kept kept of parameter i of st (bound
 * otherwise now). Returns nothing. */
static void forget(nd_stmt *st, int i)
{
	if (st->kept && i >= 1 && (size_t)i <= st->kept->n)
		st->kept->par[i - 1].what = KEPT_NONE;
}

/* Checks the result of a bind. Returns 0, or -1 with err set. */
static int bound(nd_stmt *st, int rc, const char *what, nd_error *err)
{
	return rc == 0 ? 0 : nd_db_fail(st->db, what, err);
}

int nd_db_bind_text(nd_stmt *st, int i, const char *v, const char *what, nd_error *err)
{
	forget(st, i);
	return bound(st, v ? st->db->ops->bind_text(st, i, v) : st->db->ops->bind_null(st, i), what, err);
}

int nd_db_bind_text_static(nd_stmt *st, int i, const char *v, const char *what, nd_error *err)
{
	const nd_db_ops *o = st->db->ops;

	forget(st, i);
	return bound(st, !v ? o->bind_null(st, i) : o->bind_static ? o->bind_static(st, i, v) : o->bind_text(st, i, v),
		     what, err);
}

/* Returns the kept copy of parameter i (from 1) of st, making room for it
 * first, or NULL when out of memory. */
static nd_db_kept *kept_room(nd_stmt *st, int i)
{
	nd_db_kept *k = st->kept;
	size_t n = k ? k->n : 0, want = n ? n : 8;

	if ((size_t)i <= n)
		return k;
	while (want < (size_t)i)
		want *= 2;
	if (!(k = realloc(k, sizeof(*k) + want * sizeof(k->par[0]))))
		return NULL;
	memset(&k->par[n], 0, (want - n) * sizeof(k->par[0]));
	k->n = want;
	return st->kept = k;
}

/* Binds v to parameter i (from 1) of st, keeping a copy of it in k (room
 * made): nd_db_bind_text_kept where v is not what i holds. Returns 0, or
 * -1 with err set. */
static int bind_kept(nd_stmt *st, nd_db_kept *k, int i, const char *v, const char *what, nd_error *err)
{
	const nd_db_ops *o = st->db->ops;
	size_t n;
	int rc;

	if (!v) {
		k->par[i - 1].what = KEPT_NONE;
		rc = bound(st, o->bind_null(st, i), what, err);
		k->par[i - 1].what = rc == 0 ? KEPT_NULL : KEPT_NONE;
		return rc;
	}
	n = strlen(v);
	k->par[i - 1].what = KEPT_NONE;
	k->par[i - 1].text.len = 0;
	if (nd_buf_append(&k->par[i - 1].text, v, n + 1) != 0)
		return nd_error_set(err, "out of memory");
	k->par[i - 1].text.len = n;
	/* the copy stays until the next call for i changes it, and binds again */
	rc = bound(st, o->bind_static ? o->bind_static(st, i, k->par[i - 1].text.data) : o->bind_text(st, i, v), what,
		   err);
	k->par[i - 1].what = rc == 0 ? KEPT_TEXT : KEPT_NONE;
	return rc;
}

int nd_db_bind_text_kept(nd_stmt *st, int i, const char *v, const char *what, nd_error *err)
{
	nd_db_kept *k = st->kept;

	/* the value there already: most calls, kept short */
	if (k && i >= 1 && (size_t)i <= k->n &&
	    (v ? k->par[i - 1].what == KEPT_TEXT && strcmp(k->par[i - 1].text.data, v) == 0
	       : k->par[i - 1].what == KEPT_NULL))
		return 0;
	if (i < 1) /* no such parameter: the backend says so */
		return nd_db_bind_text(st, i, v, what, err);
	if (!(k = kept_room(st, i)))
		return nd_error_set(err, "out of memory");
	return bind_kept(st, k, i, v, what, err);
}

int nd_db_bind_int64(nd_stmt *st, int i, int64_t v, const char *what, nd_error *err)
{
	forget(st, i);
	return bound(st, st->db->ops->bind_int64(st, i, v), what, err);
}

int nd_db_bind_double(nd_stmt *st, int i, double v, const char *what, nd_error *err)
{
	forget(st, i);
	return bound(st, st->db->ops->bind_double(st, i, v), what, err);
}

int nd_db_bind_null(nd_stmt *st, int i, const char *what, nd_error *err)
{
	forget(st, i);
	return bound(st, st->db->ops->bind_null(st, i), what, err);
}

int nd_db_bind_values(nd_stmt *st, const nd_db_value *v, size_t n, const char *what, nd_error *err)
{
	const nd_db_ops *o = st->db->ops;
	size_t i;
	int rc = 0;

	for (i = 0; st->kept && i < n; i++)
		forget(st, (int)i + 1);
	if (o->bind_values)
		return bound(st, o->bind_values(st, v, n), what, err);
	for (i = 0; i < n && rc == 0; i++) {
		int col = (int)i + 1;

		if (v[i].kind == ND_DB_VAL_INT)
			rc = o->bind_int64(st, col, v[i].v.i);
		else if (v[i].kind == ND_DB_VAL_TEXT)
			rc = o->bind_static ? o->bind_static(st, col, v[i].v.s) : o->bind_text(st, col, v[i].v.s);
		else
			rc = o->bind_null(st, col);
	}
	return bound(st, rc, what, err);
}

int nd_db_step(nd_stmt *st, const char *what, nd_error *err)
{
	int rc = st->db->ops->step(st);

	if (rc == 1)
		return 1;
	if (rc == 0) {
		st->db->ops->reset(st);
		return 0;
	}
	nd_db_fail(st->db, what, err);
	st->db->ops->reset(st);
	return -1;
}

const char *nd_db_column_text(nd_stmt *st, int c)
{
	return st->db->ops->column_text(st, c);
}

int nd_db_column_cut(nd_stmt *st, int c)
{
	const char *t = nd_db_column_text(st, c);

	return t && st->db->ops->column_bytes(st, c) != strlen(t);
}

int64_t nd_db_column_int64(nd_stmt *st, int c)
{
	return st->db->ops->column_int64(st, c);
}

double nd_db_column_double(nd_stmt *st, int c)
{
	return st->db->ops->column_double(st, c);
}

int nd_db_column_null(nd_stmt *st, int c)
{
	return st->db->ops->column_null(st, c);
}

int nd_db_column_count(nd_stmt *st)
{
	return st->db->ops->column_count(st);
}

void nd_db_reset(nd_stmt *st)
{
	st->db->ops->reset(st);
}

void nd_db_clear(nd_stmt *st)
{
	size_t i;

	for (i = 0; st->kept && i < st->kept->n; i++)
		st->kept->par[i].what = KEPT_NONE;
	st->db->ops->clear(st);
}

void nd_db_finalize(nd_stmt *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; st->kept && i < st->kept->n; i++)
		nd_buf_free(&st->kept->par[i].text);
	free(st->kept);
	st->db->ops->finalize(st);
}
