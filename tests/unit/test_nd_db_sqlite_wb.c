/* Unit tests of src/store/nd_db_sqlite_wb and src/platform/nd_writeback:
 * the write-back of a file is started only through a descriptor the
 * process has open on it; a connection writing a big transaction in WAL
 * mode has its WAL and database file written back by the thread while it
 * writes, and every row is there, intact, after it commits and closes; the
 * thread stops when told; a system that cannot write back runs no thread.
 *
 *   test_nd_db_sqlite_wb TMPDIR [SRCDIR] */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "nd_clock.h"
#include "nd_db_sqlite_wb.h"
#include "nd_writeback.h"
#include "wal_fixture.h"

#define ROWS 4000 /* of ROW_BYTES each, in one transaction: 12 MB */
#define ROW_BYTES 3000

/* Returns 1 on a system where nd_writeback_start can start writes (Linux), else 0. */
static int can_write_back(void)
{
#if defined(__linux__)
	return 1;
#else
	return 0;
#endif
}

static void test_writeback(const char *tmp)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/writeback.bin", tmp);
	CHECK((f = fopen(path, "wb")) != NULL);
	if (!f)
		return;
	CHECK(fwrite(path, 1, strlen(path), f) == strlen(path) && fflush(f) == 0);
	/* open here: started where the system can */
	CHECK(nd_writeback_start(path) == can_write_back());
	fclose(f);
	/* no descriptor of it left open: nothing (one of its own would drop the process's locks) */
	CHECK(nd_writeback_start(path) == 0);
	unlink(path);
	CHECK(nd_writeback_start(path) == 0);
}

static void test_rewrite(const char *tmp)
{
	char path[1024], wal[1100];
	nd_db_sqlite_wb *w;
	sqlite3 *db = NULL;
	uint64_t t;

	/* a small cache: the transaction's pages go to the WAL as it writes */
	CHECK(wal_open(tmp, "walwb.db", "PRAGMA cache_size=100;", path, sizeof(path), wal, sizeof(wal), &db) == 0);
	/* started where the system can write back, else no thread at all */
	w = nd_db_sqlite_wb_start(path);
	CHECK((w != NULL) == can_write_back());
	if (!w) {
		sqlite3_close(db);
		return;
	}
	CHECK(wal_fill(db, ROWS, ROW_BYTES) == 0);
	/* the transaction is open and its pages in the WAL: the thread writes
	 * back the WAL (and the database file) meanwhile */
	t = nd_clock_ms();
	while ((nd_db_sqlite_wb_rounds(w, 1) < 3 || nd_db_sqlite_wb_rounds(w, 0) < 3) &&
	       nd_clock_ms() - t < 600 * ND_DB_SQLITE_WB_MS)
		nd_clock_sleep_ms(ND_DB_SQLITE_WB_MS / 4, NULL);
	CHECK(nd_db_sqlite_wb_rounds(w, 1) >= 3 && nd_db_sqlite_wb_rounds(w, 0) >= 3);
	CHECK(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
	nd_db_sqlite_wb_stop(w); /* wakes the thread: a hang here fails the test by its time-out */
	nd_db_sqlite_wb_stop(NULL);
	CHECK(sqlite3_close(db) == SQLITE_OK);
	db = NULL;
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(wal_one(db, "SELECT count(*) FROM t WHERE length(v) = 3000") == ROWS);
	CHECK(wal_one(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") == 1);
	sqlite3_close(db);
	unlink(path);
	unlink(wal);
}

/* A path no file is at: the thread finds nothing to write back, and stops. */
static void test_no_file(const char *tmp)
{
	char path[1024];
	nd_db_sqlite_wb *w;

	snprintf(path, sizeof(path), "%s/none/walwb.db", tmp);
	w = nd_db_sqlite_wb_start(path);
	CHECK((w != NULL) == can_write_back());
	if (!w)
		return;
	nd_clock_sleep_ms(3 * ND_DB_SQLITE_WB_MS, NULL);
	CHECK(nd_db_sqlite_wb_rounds(w, 0) == 0 && nd_db_sqlite_wb_rounds(w, 1) == 0);
	nd_db_sqlite_wb_stop(w);
}

int main(int argc, char **argv)
{
	const char *tmp = argc > 1 ? argv[1] : ".";

	test_writeback(tmp);
	test_rewrite(tmp);
	test_no_file(tmp);
	return check_report();
}
