/* nd_batch: rows inserted into one table many at a time. A row's values
 * are kept (strings copied, or by reference when they outlive the rows)
 * until ND_BATCH_ROWS rows are pending, then go in one multi-row INSERT, a
 * prepared statement reused for the whole run, bound in one call
 * (nd_db_bind_values, strings with their lengths): one statement run per
 * ND_BATCH_ROWS rows instead of one per row, which was most of what
 * storing a million incidents cost. The rows left at the end go one by
 * one through a single-row statement (nd_batch_flush). With hash set,
 * rows are not inserted but added to *hash (keyed: the rows hold
 * attacker-controlled strings): what a row set would write, compared with
 * what an earlier run wrote. A batch opened in memory
 * (nd_batch_open_memory) keeps every row until it is forgotten: the rows
 * an incident would be stored as, read by the printer instead of reading
 * them back from the database. */
#ifndef ND_BATCH_H
#define ND_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "nd_buf.h"
#include "nd_db.h"
#include "nd_error.h"
#include "nd_hash.h"

#define ND_BATCH_ROWS 32

typedef struct nd_batch_val {
	union {
		int64_t i;     /* an integer, or the offset of a copied string in text */
		const char *s; /* a string put by reference */
	} v;
	size_t len;         /* a string's length */
	unsigned char kind; /* 0 NULL, 1 integer, 2 string copied, 3 string by reference */
} nd_batch_val;

typedef struct nd_batch {
	nd_db *db;
	const char *what; /* the table, for errors */
	nd_stmt *many, *one;
	size_t ncols;
	nd_batch_val *v;   /* ND_BATCH_ROWS * ncols, or cap in memory */
	size_t nv;         /* values put so far */
	size_t cap;        /* values v has room for */
	nd_buf text;       /* the copied strings of the pending rows, each with its NUL */
	nd_db_value *bind; /* a database batch's: a statement's values as bound */
	int oom;
	nd_hash_state *hash; /* not NULL: rows are added to this keyed hash, not inserted */
} nd_batch;

/* Prepares the batch for "head VALUES(?,...),... tail" with ncols columns
 * (tail: e.g. " ON CONFLICT DO NOTHING", or ""). Returns 0, or -1 with err
 * set. */
int nd_batch_open(nd_batch *b, nd_db *db, const char *head, size_t ncols, const char *tail, const char *what,
		  nd_error *err);

/* Opens a batch of ncols columns in memory (no database): its rows stay
 * until nd_batch_forget. Returns 0, or -1 with err set. */
int nd_batch_open_memory(nd_batch *b, size_t ncols, const char *what, nd_error *err);

/* Returns the number of rows a batch in memory holds. */
size_t nd_batch_rows(const nd_batch *b);

/* Reads column col of row row of a batch in memory: 0 for NULL, 1 for an
 * integer (*i set), 2 for a string (*s set; valid until the batch is
 * forgotten). */
int nd_batch_get(const nd_batch *b, size_t row, size_t col, int64_t *i, const char **s);

/* Forgets the rows a batch in memory holds. Returns nothing. */
void nd_batch_forget(nd_batch *b);

/* Puts the next value of the current row: an integer, a string copied
 * (NULL puts NULL), a string by reference (NULL puts NULL: it must stay
 * as it is for as long as the batch's rows are used, and as the rows of any
 * batch nd_batch_put_rows copies them into, e.g. a string of the diagnosis
 * being stored, which saves the copy) or NULL. Return nothing
 * (running out of memory is told by nd_batch_row). */
void nd_batch_int(nd_batch *b, int64_t v);
void nd_batch_text(nd_batch *b, const char *v);
void nd_batch_ref(nd_batch *b, const char *v);
void nd_batch_null(nd_batch *b);

/* Ends the current row (every column put), inserting the pending rows when
 * there are ND_BATCH_ROWS (or folding the row into b->hash). Returns 0, or
 * -1 with err set. */
int nd_batch_row(nd_batch *b, nd_error *err);

/* Puts count rows of src (a batch in memory of the same columns) from
 * row first on (rows it holds) as nd_batch_row would: into the database
 * each ND_BATCH_ROWS of them bound straight from src when none are
 * pending. Returns 0, or -1 with err set. */
int nd_batch_put_rows(nd_batch *b, const nd_batch *src, size_t first, size_t count, nd_error *err);

/* Inserts the rows still pending. Returns 0, or -1 with err set. */
int nd_batch_flush(nd_batch *b, nd_error *err);

/* Frees the statements and buffers (the pending rows are dropped).
 * Returns nothing. */
void nd_batch_close(nd_batch *b);

#endif
