/* Unit tests of src/analysis/nd_batch: rows inserted ND_BATCH_ROWS at a
 * time and the rest one by one arrive complete and in order, NULLs and
 * strings (copied: the caller's buffer may change) included; a row of the
 * wrong width and a constraint failure are errors. A batch in memory keeps
 * every row, past ND_BATCH_ROWS, until it is forgotten; its rows put into
 * another batch arrive whole and in order. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "nd_batch.h"
#include "nd_db.h"
#include "nd_db_sqlite.h"

/* Inserts n rows (k, "v<k>" or NULL for every third, ON CONFLICT DO
 * NOTHING with every row twice) and checks what the table holds. */
static void test_batch_rows(nd_db *db, size_t n)
{
	nd_batch b;
	nd_stmt *st = NULL;
	nd_error err;
	char v[32];
	size_t i;

	CHECK(nd_db_exec(db, "DELETE FROM t", "t", &err) == 0);
	CHECK(nd_batch_open(&b, db, "INSERT INTO t(k, v)", 2, " ON CONFLICT DO NOTHING", "t", &err) == 0);
	for (i = 0; i < 2 * n; i++) {
		snprintf(v, sizeof(v), "v%zu", i % n);
		nd_batch_int(&b, (int64_t)(i % n));
		nd_batch_text(&b, i % 3 == 2 ? NULL : v);
		strcpy(v, "overwritten");
		CHECK(nd_batch_row(&b, &err) == 0);
	}
	CHECK(nd_batch_flush(&b, &err) == 0);
	nd_batch_close(&b);
	CHECK(nd_db_prepare(db, "SELECT count(*), coalesce(sum(k), 0), count(v), coalesce(sum(v = 'v' || k), 0),"
				" coalesce(sum(v = 'overwritten'), 0) FROM t",
			    0, &st, "t", &err) == 0);
	CHECK(nd_db_step(st, "t", &err) == 1);
	CHECK(nd_db_column_int64(st, 0) == (int64_t)n);
	CHECK(nd_db_column_int64(st, 1) == (int64_t)(n ? n * (n - 1) / 2 : 0));
	CHECK(nd_db_column_int64(st, 2) == nd_db_column_int64(st, 3) && (n == 0 || nd_db_column_int64(st, 2) > 0));
	CHECK(nd_db_column_int64(st, 4) == 0);
	nd_db_finalize(st);
}

/* A row with a missing column, and a NOT NULL failure in a full batch. */
static void test_batch_errors(nd_db *db)
{
	nd_batch b;
	nd_error err;
	size_t i;

	CHECK(nd_batch_open(&b, db, "INSERT INTO u(k, v)", 2, "", "u table", &err) == 0);
	nd_batch_int(&b, 1);
	CHECK(nd_batch_row(&b, &err) == -1);
	CHECK_STR(err.message, "u table: a row of the wrong width");
	nd_batch_close(&b);
	CHECK(nd_batch_open(&b, db, "INSERT INTO u(k, v)", 2, "", "u table", &err) == 0);
	for (i = 0; i + 1 < ND_BATCH_ROWS; i++) {
		nd_batch_int(&b, (int64_t)i);
		nd_batch_text(&b, "x");
		CHECK(nd_batch_row(&b, &err) == 0);
	}
	nd_batch_int(&b, 99);
	nd_batch_null(&b);
	CHECK(nd_batch_row(&b, &err) == -1);
	CHECK(strstr(err.message, "u table: NOT NULL constraint failed") != NULL);
	nd_batch_close(&b);
	CHECK(nd_batch_open(&b, db, "INSERT INTO nowhere(k)", 1, "", "nowhere", &err) == -1);
}

/* A batch in memory: n rows (k, "v<k>" or NULL for every third) read
 * back in order, then forgotten. */
static void test_batch_memory(size_t n)
{
	nd_batch b;
	nd_error err;
	const char *s = NULL;
	int64_t k = -1;
	char v[32];
	size_t i;

	CHECK(nd_batch_open_memory(&b, 2, "m", &err) == 0);
	for (i = 0; i < n; i++) {
		snprintf(v, sizeof(v), "v%zu", i);
		nd_batch_int(&b, (int64_t)i);
		nd_batch_text(&b, i % 3 == 2 ? NULL : v);
		strcpy(v, "overwritten");
		CHECK(nd_batch_row(&b, &err) == 0);
	}
	CHECK(nd_batch_rows(&b) == n);
	for (i = 0; i < n; i++) {
		snprintf(v, sizeof(v), "v%zu", i);
		CHECK(nd_batch_get(&b, i, 0, &k, &s) == 1 && k == (int64_t)i);
		if (i % 3 == 2)
			CHECK(nd_batch_get(&b, i, 1, &k, &s) == 0);
		else
			CHECK(nd_batch_get(&b, i, 1, &k, &s) == 2 && strcmp(s, v) == 0);
	}
	nd_batch_int(&b, 1);
	CHECK(nd_batch_row(&b, &err) == -1);
	CHECK_STR(err.message, "m: a row of the wrong width");
	nd_batch_forget(&b);
	CHECK(nd_batch_rows(&b) == 0);
	nd_batch_int(&b, 7);
	nd_batch_text(&b, "again");
	CHECK(nd_batch_row(&b, &err) == 0);
	CHECK(nd_batch_rows(&b) == 1 && nd_batch_get(&b, 0, 1, &k, &s) == 2 && strcmp(s, "again") == 0);
	nd_batch_close(&b);
}

/* Fills a batch in memory with n rows (k from first, "v<k>" or NULL for
 * every third). Returns nothing. */
static void fill(nd_batch *m, size_t first, size_t n)
{
	nd_error err;
	char v[32];
	size_t i;

	for (i = first; i < first + n; i++) {
		snprintf(v, sizeof(v), "v%zu", i);
		nd_batch_int(m, (int64_t)i);
		nd_batch_text(m, i % 3 == 2 ? NULL : v);
		CHECK(nd_batch_row(m, &err) == 0);
	}
}

/* nd_batch_put_rows: rows of batches in memory, put after a row already
 * pending (the first batch in two parts), arrive complete and in order in
 * the table (whole statements bound from the batch in memory, the rest
 * pending); appended to a batch
 * in memory they follow its rows, strings included; another width is
 * refused. */
static void test_batch_put_rows(nd_db *db)
{
	nd_batch b, m, to;
	nd_stmt *st = NULL;
	nd_error err;
	const char *s = NULL;
	int64_t k = -1;
	char v[32];
	size_t i, n = 1 + 2 * ND_BATCH_ROWS + 3 + ND_BATCH_ROWS + 7;

	CHECK(nd_db_exec(db, "DELETE FROM t", "t", &err) == 0);
	CHECK(nd_batch_open(&b, db, "INSERT INTO t(k, v)", 2, "", "t", &err) == 0);
	CHECK(nd_batch_open_memory(&m, 2, "m", &err) == 0);
	CHECK(nd_batch_open_memory(&to, 2, "to", &err) == 0);
	fill(&b, 0, 1);
	fill(&m, 1, 2 * ND_BATCH_ROWS + 3);
	CHECK(nd_batch_put_rows(&b, &m, 0, 5, &err) == 0); /* in two parts: from row 0, then from row 5 */
	CHECK(nd_batch_put_rows(&b, &m, 5, 2 * ND_BATCH_ROWS + 3 - 5, &err) == 0);
	CHECK(nd_batch_put_rows(&to, &m, 0, 5, &err) == 0);
	CHECK(nd_batch_put_rows(&to, &m, 5, 2 * ND_BATCH_ROWS + 3 - 5, &err) == 0);
	nd_batch_forget(&m);
	fill(&m, 1 + 2 * ND_BATCH_ROWS + 3, ND_BATCH_ROWS + 7);
	CHECK(nd_batch_put_rows(&b, &m, 0, ND_BATCH_ROWS + 7, &err) == 0);
	CHECK(nd_batch_put_rows(&to, &m, 0, ND_BATCH_ROWS + 7, &err) == 0);
	CHECK(nd_batch_flush(&b, &err) == 0);
	CHECK(nd_db_prepare(db, "SELECT count(*), sum(k), count(v), sum(v = 'v' || k) FROM t", 0, &st, "t", &err) == 0);
	CHECK(nd_db_step(st, "t", &err) == 1);
	CHECK(nd_db_column_int64(st, 0) == (int64_t)n && nd_db_column_int64(st, 1) == (int64_t)(n * (n - 1) / 2));
	CHECK(nd_db_column_int64(st, 2) == nd_db_column_int64(st, 3) && nd_db_column_int64(st, 2) == (int64_t)(n - n / 3));
	nd_db_finalize(st);
	CHECK(nd_batch_rows(&to) == n - 1);
	for (i = 1; i < n; i++) {
		snprintf(v, sizeof(v), "v%zu", i);
		CHECK(nd_batch_get(&to, i - 1, 0, &k, &s) == 1 && k == (int64_t)i);
		if (i % 3 == 2)
			CHECK(nd_batch_get(&to, i - 1, 1, &k, &s) == 0);
		else
			CHECK(nd_batch_get(&to, i - 1, 1, &k, &s) == 2 && strcmp(s, v) == 0);
	}
	nd_batch_close(&to);
	CHECK(nd_batch_open_memory(&to, 3, "three", &err) == 0);
	CHECK(nd_batch_put_rows(&to, &m, 0, 1, &err) == -1);
	CHECK_STR(err.message, "three: rows of the wrong width");
	nd_batch_close(&to);
	nd_batch_close(&m);
	nd_batch_close(&b);
}

/* Strings by reference: rows mixing copied strings and strings put by
 * reference arrive whole in the table and in memory, also when the batch
 * in memory they were put from is refilled while some of its rows wait in
 * the database batch (their copied strings were copied, the others point
 * where they were); a row folded into a hash gives the same hash whether
 * its strings were copied or put by reference, another string another
 * (the hash is keyed: the same rows give the same hash in one process). */
static void test_batch_refs(nd_db *db)
{
	static const char *const lit[] = {"alpha", "", "gamma-gamma"};
	nd_batch b, m, h;
	nd_stmt *st = NULL;
	nd_error err;
	const char *s = NULL;
	int64_t k = -1;
	nd_hash_state x, y, z;
	char v[32];
	size_t i, n = ND_BATCH_ROWS + 5;

	CHECK(nd_db_exec(db, "DELETE FROM t", "t", &err) == 0);
	CHECK(nd_batch_open(&b, db, "INSERT INTO t(k, v)", 2, "", "t", &err) == 0);
	CHECK(nd_batch_open_memory(&m, 2, "m", &err) == 0);
	for (i = 0; i < n; i++) {
		snprintf(v, sizeof(v), "copy%zu", i);
		nd_batch_int(&m, (int64_t)i);
		if (i % 2)
			nd_batch_text(&m, v);
		else
			nd_batch_ref(&m, lit[i % 3]);
		CHECK(nd_batch_row(&m, &err) == 0);
	}
	fill(&b, 1000, 1); /* one row pending: the next ones are copied after it */
	CHECK(nd_batch_put_rows(&b, &m, 0, 7, &err) == 0);
	CHECK(nd_batch_get(&m, 2, 1, &k, &s) == 2 && s == lit[2]); /* by reference: the string itself */
	nd_batch_forget(&m);
	fill(&m, 2000, 7); /* refilled: the 7 rows pending must not see it */
	CHECK(nd_batch_flush(&b, &err) == 0);
	CHECK(nd_db_prepare(db, "SELECT group_concat(k || '=' || v, ';') FROM (SELECT k, v FROM t ORDER BY k)", 0, &st,
			    "t", &err) == 0);
	CHECK(nd_db_step(st, "t", &err) == 1);
	CHECK_STR(nd_db_column_text(st, 0), "0=alpha;1=copy1;2=gamma-gamma;3=copy3;4=;5=copy5;6=alpha;1000=v1000");
	nd_db_finalize(st);
	nd_batch_close(&m);
	nd_batch_close(&b);

	CHECK(nd_batch_open_memory(&h, 2, "h", &err) == 0);
	nd_hash_begin(&x);
	nd_hash_begin(&y);
	nd_hash_begin(&z);
	snprintf(v, sizeof(v), "same");
	h.hash = &x;
	nd_batch_int(&h, 5);
	nd_batch_text(&h, v);
	CHECK(nd_batch_row(&h, &err) == 0);
	h.hash = &y;
	nd_batch_int(&h, 5);
	nd_batch_ref(&h, "same");
	CHECK(nd_batch_row(&h, &err) == 0);
	h.hash = &z;
	nd_batch_int(&h, 5);
	nd_batch_ref(&h, "sam");
	CHECK(nd_batch_row(&h, &err) == 0);
	CHECK(nd_hash_end(&x) == nd_hash_end(&y) && nd_hash_end(&x) != nd_hash_end(&z) && nd_batch_rows(&h) == 0);
	nd_batch_close(&h);
}

int main(void)
{
	nd_db *db = NULL;
	nd_error err;
	int ro;

	if (nd_db_sqlite_open(&db, ":memory:", 0, &ro, &err) != 0) {
		fprintf(stderr, "%s\n", err.message);
		return 1;
	}
	CHECK(nd_db_exec(db, "CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT); CREATE TABLE u(k INTEGER, v TEXT NOT NULL)",
			 "t", &err) == 0);
	test_batch_rows(db, 0);
	test_batch_rows(db, 1);
	test_batch_rows(db, ND_BATCH_ROWS);
	test_batch_rows(db, 3 * ND_BATCH_ROWS + 5);
	test_batch_errors(db);
	test_batch_memory(0);
	test_batch_memory(3 * ND_BATCH_ROWS + 5);
	test_batch_put_rows(db);
	test_batch_refs(db);
	nd_db_close(db);
	return check_report();
}
