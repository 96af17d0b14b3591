#include "nd_batch.h"

#include <stdlib.h>
#include <string.h>

/* Prepares "head VALUES(?,..),.. tail" with rows rows into *st. Returns 0,
 * or -1 with err set. */
static int prepare(nd_batch *b, const char *head, size_t rows, const char *tail, nd_stmt **st, nd_error *err)
{
	nd_buf sql = {0};
	size_t r, c;
	int rc;

	if (nd_db_dialect_of(b->db) == ND_DB_SQLITE && strncmp(head, "INSERT INTO ", 12) == 0)
		rc = nd_buf_printf(&sql, "INSERT OR FAIL INTO %s VALUES", head + 12);
	else
		rc = nd_buf_printf(&sql, "%s VALUES", head);

	for (r = 0; r < rows && rc == 0; r++)
		for (c = 0; c < b->ncols && rc == 0; c++)
			rc = nd_buf_printf(&sql, "%s%s%s", c ? "," : r ? ",(" : "(", "?", c + 1 == b->ncols ? ")" : "");
	if (rc != 0 || nd_buf_printf(&sql, "%s", tail) != 0) {
		nd_buf_free(&sql);
		return nd_error_set(err, "out of memory");
	}
	rc = nd_db_prepare(b->db, sql.data, 0, st, b->what, NULL) == 0 ? 0 : nd_db_fail(b->db, "prepare", err);
	nd_buf_free(&sql);
	return rc;
}

int nd_batch_open_memory(nd_batch *b, size_t ncols, const char *what, nd_error *err)
{
	memset(b, 0, sizeof(*b));
	b->what = what;
	b->ncols = ncols;
	b->cap = ND_BATCH_ROWS * ncols;
	if (!(b->v = calloc(b->cap, sizeof(*b->v))))
		return nd_error_set(err, "out of memory");
	return 0;
}

int nd_batch_open(nd_batch *b, nd_db *db, const char *head, size_t ncols, const char *tail, const char *what,
		  nd_error *err)
{
	if (nd_batch_open_memory(b, ncols, what, err) != 0)
		return -1;
	b->db = db;
	if (!(b->bind = calloc(b->cap, sizeof(*b->bind)))) {
		nd_batch_close(b);
		return nd_error_set(err, "out of memory");
	}
	if (prepare(b, head, ND_BATCH_ROWS, tail, &b->many, err) != 0 || prepare(b, head, 1, tail, &b->one, err) != 0) {
		nd_batch_close(b);
		return -1;
	}
	return 0;
}

size_t nd_batch_rows(const nd_batch *b)
{
	return b->nv / b->ncols;
}

int nd_batch_get(const nd_batch *b, size_t row, size_t col, int64_t *i, const char **s)
{
	const nd_batch_val *x = &b->v[row * b->ncols + col];

	if (x->kind == 1)
		*i = x->v.i;
	else if (x->kind >= 2)
		*s = x->kind == 2 ? b->text.data + x->v.i : x->v.s;
	return x->kind < 2 ? x->kind : 2;
}

/* Returns the slot of the next value, or NULL when the row is full (a
 * caller's mistake, kept from writing past the array) or a batch in
 * memory cannot grow (told by nd_batch_row). */
static nd_batch_val *next(nd_batch *b)
{
	if (b->nv == b->cap && !b->db && !b->hash) {
		nd_batch_val *v = realloc(b->v, 2 * b->cap * sizeof(*v));

		if (!v) {
			b->oom = 1;
			return NULL;
		}
		b->v = v;
		b->cap *= 2;
	}
	return b->nv < b->cap ? &b->v[b->nv++] : NULL;
}

void nd_batch_int(nd_batch *b, int64_t v)
{
	nd_batch_val *x = next(b);

	if (x) {
		x->kind = 1;
		x->v.i = v;
	}
}

void nd_batch_text(nd_batch *b, const char *v)
{
	nd_batch_val *x = next(b);

	if (!x)
		return;
	x->kind = v ? 2 : 0;
	x->v.i = (int64_t)b->text.len;
	x->len = v ? strlen(v) : 0;
	if (v && nd_buf_append(&b->text, v, x->len + 1) != 0)
		b->oom = 1;
}

void nd_batch_ref(nd_batch *b, const char *v)
{
	nd_batch_val *x = next(b);

	if (!x)
		return;
	x->kind = v ? 3 : 0;
	x->v.s = v;
	x->len = v ? strlen(v) : 0;
}

void nd_batch_null(nd_batch *b)
{
	nd_batch_val *x = next(b);

	if (x)
		x->kind = 0;
}

/* Binds the values v[0..n) (at most a statement's) to st from parameter
 * 1, their copied strings at text, in one call, and runs it; strings are
 * bound without a copy (their batch, or the diagnosis, holds them until
 * the rows are dropped, after the run, and every run binds every
 * parameter again). Returns 0, or -1 with err set. */
static int run(nd_batch *b, nd_stmt *st, const nd_batch_val *v, size_t n, const char *text, nd_error *err)
{
	static const unsigned char kind[] = {ND_DB_VAL_NULL, ND_DB_VAL_INT, ND_DB_VAL_TEXT, ND_DB_VAL_TEXT};
	nd_db_value *x = b->bind;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		x[i].kind = kind[v[i].kind];
		x[i].len = v[i].len;
		if (v[i].kind == 1)
			x[i].v.i = v[i].v.i;
		else
			x[i].v.s = v[i].kind == 2 ? text + v[i].v.i : v[i].v.s;
	}
	rc = nd_db_bind_values(st, x, n, b->what, NULL);
	if (rc == 0)
		rc = nd_db_step(st, b->what, NULL);
	nd_db_reset(st);
	return rc == 0 ? 0 : nd_db_fail(b->db, b->what, err);
}

/* Forgets the pending rows. Returns nothing. */
static void drop(nd_batch *b)
{
	b->nv = 0;
	nd_buf_reset(&b->text);
}

void nd_batch_forget(nd_batch *b)
{
	drop(b);
}

/* Folds the row just put, with the table's name, into b->hash and takes
 * it back (the rows pending before it stay). Returns nothing. */
static void fold_row(nd_batch *b)
{
	size_t i, first = b->nv - b->ncols;
	size_t text = b->text.len; /* where the row's strings begin */

	nd_hash_add(b->hash, b->what, strlen(b->what));
	for (i = first; i < b->nv; i++) {
		const nd_batch_val *x = &b->v[i];

		unsigned char kind = x->kind < 2 ? x->kind : 2; /* a string, however put */

		nd_hash_add(b->hash, &kind, 1);
		if (x->kind == 1) {
			nd_hash_add(b->hash, &x->v.i, sizeof(x->v.i));
		} else if (x->kind == 2) {
			nd_hash_add(b->hash, b->text.data + x->v.i, x->len);
			if ((size_t)x->v.i < text)
				text = (size_t)x->v.i;
		} else if (x->kind == 3) {
			nd_hash_add(b->hash, x->v.s, x->len);
		}
	}
	b->nv = first;
	b->text.len = text;
}

int nd_batch_row(nd_batch *b, nd_error *err)
{
	int rc;

	if (b->oom || !b->nv || b->nv % b->ncols)
		return nd_error_set(err, b->oom ? "out of memory" : "%s: a row of the wrong width", b->what);
	if (b->hash) {
		fold_row(b);
		return 0;
	}
	if (!b->db || b->nv < b->cap)
		return 0;
	rc = run(b, b->many, b->v, b->nv, b->text.data, err);
	drop(b);
	return rc;
}

int nd_batch_flush(nd_batch *b, nd_error *err)
{
	size_t r;
	int rc = 0;

	if (b->oom)
		return nd_error_set(err, "out of memory");
	for (r = 0; r + b->ncols <= b->nv && rc == 0; r += b->ncols)
		rc = run(b, b->one, b->v + r, b->ncols, b->text.data, err);
	drop(b);
	return rc;
}

/* Copies count rows of src from row first on after the rows pending in
 * b (a database batch with room for them), as one copy of their values
 * and one of their copied strings (those of a run of rows are one run of
 * text; the strings by reference stay where they are). Returns 0, or -1
 * when out of memory (b->oom set). */
static int copy_rows(nd_batch *b, const nd_batch *src, size_t first, size_t count)
{
	const nd_batch_val *v = &src->v[first * src->ncols];
	size_t i, n = count * b->ncols, from = 0, end = 0, base = b->text.len;
	int strings = 0;

	for (i = 0; i < n; i++)
		if (v[i].kind == 2) {
			if (!strings++)
				from = (size_t)v[i].v.i;
			end = (size_t)v[i].v.i + v[i].len + 1;
		}
	if (strings && nd_buf_append(&b->text, src->text.data + from, end - from) != 0) {
		b->oom = 1;
		return -1;
	}
	memcpy(b->v + b->nv, v, n * sizeof(*v));
	for (i = b->nv; i < b->nv + n; i++)
		if (b->v[i].kind == 2)
			b->v[i].v.i += (int64_t)base - (int64_t)from;
	b->nv += n;
	return 0;
}

int nd_batch_put_rows(nd_batch *b, const nd_batch *src, size_t first, size_t count, nd_error *err)
{
	size_t n = first + count, r = first, c, k;
	int rc = 0;

	if (src->ncols != b->ncols)
		return nd_error_set(err, "%s: rows of the wrong width", b->what);
	while (r < n && rc == 0) {
		const nd_batch_val *v = &src->v[r * src->ncols];

		if (b->db && !b->hash) {
			if (!b->nv && n - r >= ND_BATCH_ROWS) { /* a whole statement's rows, bound there */
				rc = run(b, b->many, v, ND_BATCH_ROWS * b->ncols, src->text.data, err);
				r += ND_BATCH_ROWS;
				continue;
			}
			k = (b->cap - b->nv) / b->ncols; /* after the pending rows, up to a statement's */
			k = k < n - r ? k : n - r;
			if (copy_rows(b, src, r, k) != 0)
				return nd_error_set(err, "out of memory");
			r += k;
			if (b->nv == b->cap) {
				rc = run(b, b->many, b->v, b->nv, b->text.data, err);
				drop(b);
			}
			continue;
		}
		for (c = 0; c < b->ncols; c++) /* into memory or a hash: as put one by one */
			if (v[c].kind == 1)
				nd_batch_int(b, v[c].v.i);
			else if (v[c].kind == 3)
				nd_batch_ref(b, v[c].v.s);
			else
				nd_batch_text(b, v[c].kind == 2 ? src->text.data + v[c].v.i : NULL);
		rc = nd_batch_row(b, err);
		r++;
	}
	return rc;
}

void nd_batch_close(nd_batch *b)
{
	nd_db_finalize(b->many);
	nd_db_finalize(b->one);
	free(b->v);
	free(b->bind);
	nd_buf_free(&b->text);
	memset(b, 0, sizeof(*b));
}
