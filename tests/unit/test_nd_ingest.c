/* Unit tests of src/ingest/nd_ingest: files and directories into a store,
 * unchanged chunks skipped, input problems counted, store failures
 * stopping the file with the error.
 *
 *   test_nd_ingest TMPDIR SRCDIR */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nd_ingest.h"
#include "nd_store.h"
#include "nd_db_sqlite.h"

/* Counts the errors reported (a warning names a file passed over, such as
 * the fixtures' .desc files). Returns nothing. */
static void on_problem(void *ctx, nd_problem_kind kind, const char *msg)
{
	(void)msg;
	if (kind == ND_PROBLEM_ERROR)
		(*(int *)ctx)++;
}

/* Denies reading source_chunks.fingerprint (the lookup of a chunk; storing
 * one still works). Returns SQLITE_DENY there. */
static int deny_chunks(void *ctx, int action, const char *a, const char *b, const char *db, const char *trigger)
{
	(void)ctx;
	(void)db;
	(void)trigger;
	return action == SQLITE_READ && a && b && strcmp(a, "source_chunks") == 0 && strcmp(b, "fingerprint") == 0
		       ? SQLITE_DENY
		       : SQLITE_OK;
}

/* A directory of fixtures, then again: nothing new, every chunk unchanged. */
static void test_ingest_paths(const char *db, const char *fix)
{
	char *paths[1];
	nd_ingest_report rep = {0};
	nd_ingest_totals tot;
	nd_store *s = NULL;
	nd_error err;
	int problems = 0;

	paths[0] = (char *)(uintptr_t)fix;
	rep.ctx = &problems;
	rep.problem = on_problem;
	CHECK(nd_store_open(&s, db, &err) == 0);
	CHECK(nd_ingest_paths(s, paths, 1, NULL, &rep, &tot, &err) == 0);
	CHECK(tot.files == 3 && tot.files_failed == 0);
	CHECK(tot.sum.stored == 27 && tot.sum.errors == 0 && problems == 0);
	CHECK(nd_ingest_paths(s, paths, 1, NULL, &rep, &tot, &err) == 0);
	CHECK(tot.sum.stored == 0 && tot.sum.chunks == 0 && tot.sum.unchanged == 9);
	nd_store_close(s);
}

/* A missing file is a counted problem, not a failure of the run. */
static void test_ingest_paths_missing(const char *db)
{
	char *paths[1] = {"/nonexistent/x.evtx"};
	nd_ingest_report rep = {0};
	nd_ingest_totals tot;
	nd_store *s = NULL;
	nd_error err;
	int problems = 0;

	rep.ctx = &problems;
	rep.problem = on_problem;
	CHECK(nd_store_open(&s, db, &err) == 0);
	CHECK(nd_ingest_paths(s, paths, 1, NULL, &rep, &tot, &err) == 0);
	CHECK(problems == 1 && tot.files_failed == 1);
	nd_store_close(s);
}

/* A store error while looking up a chunk's fingerprint stops the file
 * with that error (it was once taken as "read the chunk"). */
static void test_ingest_file_chunk_lookup_fails(const char *db, const char *file)
{
	nd_ingest_totals tot;
	nd_store *s = NULL;
	nd_error err;

	memset(&tot, 0, sizeof(tot));
	CHECK(nd_store_open(&s, db, &err) == 0);
	sqlite3_set_authorizer((sqlite3 *)nd_db_sqlite_handle(nd_store_db(s)), deny_chunks, NULL);
	err.message[0] = '\0';
	CHECK(nd_ingest_file(s, file, 0, 1, NULL, NULL, &tot, &err) == -1);
	CHECK(strstr(err.message, file) != NULL);
	CHECK(strstr(err.message, "source_chunks") != NULL);
	sqlite3_set_authorizer((sqlite3 *)nd_db_sqlite_handle(nd_store_db(s)), NULL, NULL);
	nd_store_close(s);
}

int main(int argc, char **argv)
{
	char dir[2048], db[2048 + 16], fix[2048 + 32], file[2048 + 64];

	if (argc < 3) {
		fprintf(stderr, "usage: test_nd_ingest TMPDIR SRCDIR\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/nd_ingest.XXXXXX", argv[1]);
	if (!mkdtemp(dir)) {
		perror(dir);
		return 2;
	}
	snprintf(db, sizeof(db), "%s/t.db", dir);
	snprintf(fix, sizeof(fix), "%s/tests/fixtures/error853", argv[2]);
	snprintf(file, sizeof(file), "%s/NPS01-Security.evtx", fix);
	test_ingest_paths(db, fix);
	test_ingest_paths_missing(db);
	test_ingest_file_chunk_lookup_fails(db, file);
	return check_report();
}
