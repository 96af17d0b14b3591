/* Unit tests of src/store/nd_db_sqlite_ckpt: a writer that commits far
 * more than the WAL's checkpoint size has its WAL copied into the database
 * file while it writes (by the thread, not at close), the WAL file stays
 * bounded, and every row is there, intact, after the writer closes.
 *
 *   test_nd_db_sqlite_ckpt TMPDIR [SRCDIR] */
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "nd_db_sqlite_ckpt.h"
#include "wal_fixture.h"

#define PAGE 4096
#define COMMITS 150
#define ROWS 100 /* per commit, of ROW_BYTES each: 45 MB in all */
#define ROW_BYTES 3000

/* Returns the size of the file at path, 0 when there is none. */
static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static void test_bounded(const char *tmp)
{
	char path[1024], wal[1100];
	nd_db_sqlite_ckpt *c;
	sqlite3 *db = NULL;
	long long most = 0, db_bytes;
	int i, ok = 1;

	CHECK(wal_open(tmp, "walckpt.db", "", path, sizeof(path), wal, sizeof(wal), &db) == 0);
	c = nd_db_sqlite_ckpt_start(db);
	CHECK(c != NULL);
	for (i = 0; i < COMMITS && ok; i++) {
		ok = wal_fill(db, ROWS, ROW_BYTES) == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
		if (file_size(wal) > most)
			most = file_size(wal);
	}
	CHECK(ok);
	/* The rows went into the database file while the writer wrote (45 MB
	 * of them; without a checkpoint the file keeps its first pages)... */
	db_bytes = file_size(path);
	CHECK(db_bytes > 20LL * 1024 * 1024);
	/* ...and the WAL stayed below its bound and a commit's pages (about
	 * 80 pages of 4 KB and a frame header each), far below the 45 MB. */
	CHECK(most > 0);
	CHECK(most <= (long long)(ND_DB_SQLITE_CKPT_MAX + 200) * (PAGE + 24));
	nd_db_sqlite_ckpt_stop(c);
	nd_db_sqlite_ckpt_stop(NULL);
	/* the writer checkpoints as before once it is stopped */
	CHECK(sqlite3_exec(db, "INSERT INTO t(v) VALUES(x'00')", NULL, NULL, NULL) == SQLITE_OK);
	CHECK(sqlite3_close(db) == SQLITE_OK);
	db = NULL;
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(wal_one(db, "SELECT count(*) FROM t") == (long long)COMMITS * ROWS + 1);
	CHECK(wal_one(db, "SELECT count(*) FROM t WHERE length(v) = 3000") == (long long)COMMITS * ROWS);
	CHECK(wal_one(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") == 1);
	sqlite3_close(db);
	unlink(path);
	unlink(wal);
}

int main(int argc, char **argv)
{
	test_bounded(argc > 1 ? argv[1] : ".");
	return check_report();
}
