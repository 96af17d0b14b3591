/* Unit tests of src/store/nd_store: opening without writing when the
 * schema is current, waiting writers, read-only opens, schema versions
 * (new, current, older layout, newer refused), sources and chunks, what a
 * transaction's database may hold, an ingest's unchecked transactions.
 *
 *   test_nd_store TMPDIR [SRCDIR] */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "nd_schema.h"
#include "nd_store.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define VERSION STR(ND_SCHEMA_VERSION) /* this npsdiag's schema version, as text */

/* Runs SQL on a database through its own connection. Returns SQLite's
 * result code. */
static int sql(const char *path, const char *q)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open(path, &db);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, q, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* Reads one text value of a query into out (size n). Returns out. */
static char *value(const char *path, const char *q, char *out, size_t n)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	out[0] = '\0';
	if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/* Returns seconds since some fixed point. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A new database is made at version 1, in WAL mode, with its script CRC. */
static void test_store_open_new(const char *path)
{
	nd_store *s = NULL;
	nd_error err;
	char v[64];

	CHECK(nd_store_open(&s, path, &err) == 0);
	CHECK(s && nd_store_readonly(s) == 0);
	nd_store_close(s);
	CHECK_STR(value(path, "SELECT value FROM meta WHERE key='schema_version'", v, sizeof(v)), VERSION);
	CHECK(strlen(value(path, "SELECT value FROM meta WHERE key='schema_crc'", v, sizeof(v))) == 8);
	CHECK_STR(value(path, "PRAGMA journal_mode", v, sizeof(v)), "wal");
	CHECK_STR(value(path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('events','nps_audit_events',"
			      "'client_failures')",
			v, sizeof(v)),
		  "3");
}

/* A current database opens, read-write and read-only, while another
 * connection holds the write lock: opening writes nothing. */
static void test_store_open_current_no_write(const char *path)
{
	sqlite3 *holder = NULL;
	nd_store *s = NULL, *r = NULL;
	nd_error err;
	double t0;

	CHECK(sqlite3_open(path, &holder) == SQLITE_OK);
	CHECK(sqlite3_exec(holder, "BEGIN IMMEDIATE; INSERT INTO meta VALUES('held','1')", NULL, NULL, NULL) ==
	      SQLITE_OK);
	t0 = now();
	CHECK(nd_store_open(&s, path, &err) == 0);
	CHECK(nd_store_open_readonly(&r, path, &err) == 0);
	CHECK(now() - t0 < 2.0);
	CHECK(r && nd_store_readonly(r) == 1);
	nd_store_close(s);
	nd_store_close(r);
	sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(holder);
}

/* A writer waits for another process's write lock instead of failing at
 * once: a child holds it for 0.3 s, nd_store_begin gets it after. */
static void test_store_begin_waits(const char *path)
{
	nd_store *s = NULL;
	nd_error err;
	int fds[2], status = 0;
	char c = 0;
	pid_t pid;
	double t0;

	CHECK(nd_store_open(&s, path, &err) == 0);
	CHECK(pipe(fds) == 0);
	pid = fork();
	if (pid == 0) {
		struct timespec d = {0, 300000000};
		sqlite3 *holder = NULL;
		int ok = sqlite3_open(path, &holder) == SQLITE_OK &&
			 sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;

		if (write(fds[1], "x", 1) != 1)
			ok = 0;
		nanosleep(&d, NULL);
		sqlite3_exec(holder, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(holder);
		_exit(ok ? 0 : 1);
	}
	CHECK(read(fds[0], &c, 1) == 1);
	t0 = now();
	CHECK(nd_store_begin(s, &err) == 0);
	CHECK(now() - t0 > 0.1);
	CHECK(nd_store_commit(s, &err) == 0);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fds[0]);
	close(fds[1]);
	nd_store_close(s);
}

/* A database from a newer npsdiag is refused, naming file and versions,
 * and left as it was; read-only too. */
static void test_store_open_newer(const char *path)
{
	nd_store *s = NULL;
	nd_error err;
	char v[64];

	CHECK(sql(path, "UPDATE meta SET value='99' WHERE key='schema_version'") == SQLITE_OK);
	CHECK(nd_store_open(&s, path, &err) == -1 && s == NULL);
	CHECK(strstr(err.message, path) != NULL);
	CHECK(strstr(err.message, "schema version 99, newer than this npsdiag knows (" VERSION ")") != NULL);
	CHECK(nd_store_open_readonly(&s, path, &err) == -1 && s == NULL);
	CHECK(strstr(err.message, "schema version 99") != NULL);
	CHECK_STR(value(path, "SELECT value FROM meta WHERE key='schema_version'", v, sizeof(v)), "99");
	CHECK(sql(path, "UPDATE meta SET value='" VERSION "' WHERE key='schema_version'") == SQLITE_OK);
}

/* A version-1 database made before the script CRC was recorded, and
 * missing a table a family added later, is brought up to date once; a
 * read-only open of it reads what it has. */
static void test_store_open_upgrade(const char *path)
{
	nd_store *s = NULL;
	nd_error err;
	char v[64];

	CHECK(sql(path, "DELETE FROM meta WHERE key='schema_crc'; DROP VIEW client_failures;"
			"DROP TABLE ras_client_events") == SQLITE_OK);
	CHECK(nd_store_open_readonly(&s, path, &err) == -1);
	CHECK(strstr(err.message, "ras_client_events") != NULL);
	CHECK(nd_store_open(&s, path, &err) == 0);
	nd_store_close(s);
	CHECK(strlen(value(path, "SELECT value FROM meta WHERE key='schema_crc'", v, sizeof(v))) == 8);
	CHECK_STR(value(path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('ras_client_events',"
			      "'client_failures')",
			v, sizeof(v)),
		  "2");
}

/* Read-only opens: never create, never write, refuse a file without our
 * schema. */
static void test_store_open_readonly(const char *dir, const char *path)
{
	char other[4096 + 16];
	nd_store *s = NULL;
	nd_error err;
	FILE *fp;

	snprintf(other, sizeof(other), "%s/missing.db", dir);
	CHECK(nd_store_open_readonly(&s, other, &err) == -1 && s == NULL);
	CHECK(strstr(err.message, "cannot open database") != NULL);
	snprintf(other, sizeof(other), "%s/empty.db", dir);
	fp = fopen(other, "wb");
	CHECK(fp != NULL);
	if (fp)
		fclose(fp);
	CHECK(nd_store_open_readonly(&s, other, &err) == -1);
	CHECK(strstr(err.message, "not an npsdiag database") != NULL);
	CHECK(nd_store_open_readonly(&s, path, &err) == 0);
	CHECK(nd_store_begin(s, &err) == -1);
	CHECK(strstr(err.message, "the database is read-only") != NULL);
	nd_store_close(s);
}

/* Sources, their last record id (kept when a read names none) and chunk
 * fingerprints round-trip. */
static void test_store_source_chunks(const char *path)
{
	nd_source_stats st = {10, 4, 3, 1, 6, 0, 0, 1, 0, 4294967301u};
	nd_store *s = NULL;
	nd_error err;
	int64_t id = 0, id2 = 0;
	uint64_t last = 0;
	uint32_t fp = 0;
	char v[64];

	CHECK(nd_store_open(&s, path, &err) == 0);
	CHECK(nd_store_begin(s, &err) == 0);
	CHECK(nd_store_source(s, "/logs/a.evtx", 69632, 1700000000, &id, &err) == 0 && id > 0);
	CHECK(nd_store_source(s, "/logs/a.evtx", 69632, 1700000001, &id2, &err) == 0 && id2 == id);
	CHECK(nd_store_source_done(s, id, &st, &err) == 0);
	CHECK(nd_store_source_last_read(s, "/logs/a.evtx", &last, &err) == 0 && last == 4294967301u);
	st.last_read = 0; /* and no new events: stored stays 3 */
	st.stored = 0;
	CHECK(nd_store_source_done(s, id, &st, &err) == 0);
	CHECK(nd_store_source_last_read(s, "/logs/a.evtx", &last, &err) == 0 && last == 4294967301u);
	CHECK(nd_store_chunk_get(s, id, 4096, &fp, &err) == 0);
	CHECK(nd_store_chunk_put(s, id, 4096, 0xDEADBEEFu, &err) == 0);
	CHECK(nd_store_chunk_get(s, id, 4096, &fp, &err) == 1 && fp == 0xDEADBEEFu);
	CHECK(nd_store_chunk_put(s, id + 1000, 4096, 1, &err) == -1); /* no such source */
	CHECK(strstr(err.message, "source_chunks") != NULL);
	CHECK(nd_store_commit(s, &err) == 0);
	CHECK(nd_store_commit(s, &err) == -1);
	nd_store_close(s);
	CHECK_STR(value(path, "SELECT records || '/' || stored || '/' || mtime FROM sources", v, sizeof(v)),
		  "10/3/1700000001");
}

/* An ingest's transaction runs without SQLite's foreign-key checks (its
 * references are nd_store's own) and they are on again after its commit
 * and after its rollback: a chunk of a source that is not there is refused
 * again. */
static void test_store_begin_ingest(const char *path)
{
	nd_store *s = NULL;
	nd_error err;
	int64_t id = 0;

	CHECK(nd_store_open(&s, path, &err) == 0);
	CHECK(nd_store_begin_ingest(s, &err) == 0);
	CHECK(nd_store_source(s, "/logs/c.evtx", 69632, 1700000000, &id, &err) == 0 && id > 0);
	CHECK(nd_store_chunk_put(s, id, 4096, 1, &err) == 0);
	CHECK(nd_store_chunk_put(s, id + 1000, 4096, 1, &err) == 0); /* unchecked */
	nd_store_rollback(s);
	CHECK(nd_store_begin(s, &err) == 0);
	CHECK(nd_store_chunk_put(s, id + 1000, 4096, 1, &err) == -1);
	nd_store_rollback(s);
	CHECK(nd_store_begin_ingest(s, &err) == 0);
	CHECK(nd_store_source(s, "/logs/c.evtx", 69632, 1700000000, &id, &err) == 0 && id > 0);
	CHECK(nd_store_chunk_put(s, id, 4096, 1, &err) == 0);
	CHECK(nd_store_commit(s, &err) == 0);
	CHECK(nd_store_begin(s, &err) == 0);
	CHECK(nd_store_chunk_put(s, id + 1000, 4096, 1, &err) == -1);
	CHECK(strstr(err.message, "source_chunks") != NULL);
	nd_store_rollback(s);
	nd_store_close(s);
	CHECK_STR(value(path, "SELECT count(*) FROM source_chunks WHERE chunk_offset = 4096", (char[16]){0}, 16), "2");
}

/* Stores an event of the family named family, computer C, channel
 * Security and record id rid from source into s. Returns nd_store_event's
 * result. */
static int store_one(nd_store *s, int64_t source, const char *family, uint64_t rid)
{
	const nd_family *const *f;
	nd_record ev;
	nd_error err;
	int rc;

	for (f = nd_families(); *f && strcmp((*f)->name, family) != 0; f++)
		;
	if (!*f)
		return -1;
	nd_record_init(&ev);
	ev.provider = strdup("p");
	ev.computer = strdup("C");
	ev.channel = strdup("Security");
	ev.event_id = 6272;
	ev.time = 130000000000000000 + (int64_t)rid;
	ev.has_time = 1;
	ev.record_id = rid;
	rc = nd_store_event(s, source, *f, &ev, &err);
	nd_record_reset(&ev);
	return rc;
}

/* What a transaction's database may hold: read once, followed through the
 * events stored, read again in the next transaction (another writer may
 * have stored some), always "may" outside one. */
static void test_store_may_hold(const char *path)
{
	nd_store *s = NULL;
	nd_error err;
	int64_t src = 0;

	CHECK(nd_store_open(&s, path, &err) == 0);
	CHECK(nd_store_may_hold_record(s, "C", "Security", 1, &err) == 1); /* no transaction */
	CHECK(nd_store_may_hold_family(s, "nps_text", &err) == 1);
	CHECK(nd_store_begin(s, &err) == 0);
	CHECK(nd_store_may_hold_record(s, "C", "Security", 1, &err) == 0);
	CHECK(nd_store_may_hold_family(s, "nps_text", &err) == 0);
	CHECK(nd_store_may_hold_family(s, "nps_audit", &err) == 1); /* no index of its own: cannot tell */
	CHECK(nd_store_source(s, "/logs/b.evtx", 69632, 1700000000, &src, &err) == 0);
	CHECK(store_one(s, src, "nps_text", 5) == 1);
	CHECK(nd_store_may_hold_family(s, "nps_text", &err) == 1);
	CHECK(nd_store_may_hold_record(s, "C", "Security", 5, &err) == 1);
	CHECK(nd_store_may_hold_record(s, "C", "Security", 3, &err) == 1);
	CHECK(nd_store_may_hold_record(s, "C", "Security", 6, &err) == 0);
	CHECK(nd_store_may_hold_record(s, "c", "Security", 5, &err) == 0); /* another computer */
	CHECK(nd_store_may_hold_record(s, "C", "Security", 6, &err) == 0);
	CHECK(store_one(s, src, "nps_audit", 9) == 1);
	CHECK(nd_store_may_hold_record(s, "C", "Security", 9, &err) == 1);
	CHECK(nd_store_may_hold_record(s, "C", "Security", 10, &err) == 0);
	CHECK(nd_store_commit(s, &err) == 0);
	/* another writer between two transactions */
	CHECK(sql(path, "INSERT INTO events(family, provider, event_id, time_text, ts, record_id, channel, computer)"
			" VALUES('nps_audit', 'p', 6272, '', 1, 20, 'Security', 'C')") == SQLITE_OK);
	CHECK(nd_store_begin(s, &err) == 0);
	CHECK(nd_store_may_hold_record(s, "C", "Security", 20, &err) == 1);
	CHECK(nd_store_may_hold_record(s, "C", "Security", 21, &err) == 0);
	CHECK(nd_store_may_hold_family(s, "nps_text", &err) == 1);
	nd_store_rollback(s);
	nd_store_close(s);
	CHECK_STR(value(path, "SELECT count(*) FROM events", (char[16]){0}, 16), "3");
}

/* Returns the count that q (SELECT count(*) ...) gives on the store's own
 * connection, which sees its open transaction; -1 on failure. */
static int64_t count_in(nd_store *s, const char *q)
{
	nd_stmt *st = NULL;
	nd_error err;
	int64_t n = -1;

	if (nd_db_prepare(nd_store_db(s), q, 0, &st, "count", &err) == 0 && nd_db_step(st, "count", &err) == 1)
		n = nd_db_column_int64(st, 0);
	nd_db_finalize(st);
	return n;
}

/* An ingest's transaction binds events into batches of 16 (2: queued) and
 * runs one when full, when asked (flush, commit) and before a look-up that
 * may find its events; a batch leaves out the events already there, also
 * the second of the same event in one batch, with their typed rows (no
 * typed row of a slot without an event stays); a rollback forgets it. */
static void test_store_batch(const char *path)
{
	nd_store *s = NULL;
	nd_error err;
	int64_t src = 0;
	uint64_t stored = 0, there = 0, r;

	CHECK(nd_store_open(&s, path, &err) == 0);
	/* Debian's SQLite zeroes freed space on every page change unless told
	 * not to (nd_db_sqlite.c) */
	CHECK(count_in(s, "PRAGMA secure_delete") == 0);
	CHECK(nd_store_begin_ingest(s, &err) == 0);
	CHECK(nd_store_source(s, "/logs/batch.evtx", 1, 1, &src, &err) == 0);
	for (r = 1; r <= 20; r++)
		CHECK(store_one(s, src, "nps_audit", r) == 2);
	CHECK(count_in(s, "SELECT count(*) FROM event_rows") == 16);
	CHECK(nd_store_flush(s, &stored, &there, &err) == 0 && stored == 20 && there == 0);
	CHECK(count_in(s, "SELECT count(*) FROM event_rows") == 20);
	/* a new file: the ids are the record ids */
	CHECK(count_in(s, "SELECT count(*) FROM nps_audit_events a JOIN event_rows e ON e.id = a.event_ref"
			  " WHERE e.record_id = e.id") == 20);
	CHECK(store_one(s, src, "nps_audit", 5) == 2);
	CHECK(store_one(s, src, "nps_audit", 21) == 2);
	CHECK(store_one(s, src, "nps_audit", 21) == 2);
	CHECK(store_one(s, src, "nps_audit", 6) == 2);
	CHECK(store_one(s, src, "nps_audit", 22) == 2);
	stored = there = 0;
	CHECK(nd_store_flush(s, &stored, &there, &err) == 0 && stored == 2 && there == 3);
	CHECK(count_in(s, "SELECT count(*) FROM event_rows") == 22);
	/* the typed rows of the slots left empty or already there are gone */
	CHECK(count_in(s, "SELECT count(*) FROM nps_audit_events") == 22);
	CHECK(count_in(s, "SELECT count(*) FROM nps_audit_events a JOIN event_rows e ON e.id = a.event_ref"
			  " WHERE e.record_id = e.id") == 22);
	/* a look-up that may find the batch's events runs it first, and the
	 * events after it are stored one at a time until one cannot be there */
	CHECK(store_one(s, src, "nps_text", 23) == 2);
	CHECK(nd_store_may_hold_family(s, "nps_text", &err) == 1);
	CHECK(count_in(s, "SELECT count(*) FROM event_rows") == 23);
	CHECK(store_one(s, src, "rasclient", 24) == 1);
	CHECK(store_one(s, src, "nps_audit", 25) == 1);
	CHECK(store_one(s, src, "nps_audit", 25) == 0);
	CHECK(count_in(s, "SELECT count(*) FROM ras_client_events WHERE event_ref = 24") == 1);
	CHECK(nd_store_may_hold_record(s, "C", "Security", 26, &err) == 0); /* read */
	CHECK(store_one(s, src, "nps_audit", 26) == 2);
	CHECK(nd_store_may_hold_record(s, "C", "Security", 27, &err) == 0); /* followed: the batch waits */
	CHECK(count_in(s, "SELECT count(*) FROM event_rows") == 25);
	CHECK(nd_store_may_hold_record(s, "C", "Security", 26, &err) == 1);
	CHECK(count_in(s, "SELECT count(*) FROM event_rows") == 26);
	CHECK(count_in(s, "SELECT count(*) FROM nps_audit_events") == 25);
	CHECK(store_one(s, src, "nps_audit", 27) == 1);
	CHECK(nd_store_may_hold_record(s, "C", "Security", 28, &err) == 0);
	CHECK(store_one(s, src, "nps_audit", 28) == 2);
	CHECK(nd_store_commit(s, &err) == 0);
	stored = there = 0;
	CHECK(nd_store_flush(s, &stored, &there, &err) == 0 && stored == 3 && there == 0);
	CHECK(nd_store_begin_ingest(s, &err) == 0);
	CHECK(store_one(s, src, "nps_audit", 29) == 2);
	nd_store_rollback(s);
	/* outside an ingest's transaction an event is stored at once */
	CHECK(nd_store_begin(s, &err) == 0);
	CHECK(store_one(s, src, "nps_audit", 30) == 1);
	CHECK(nd_store_commit(s, &err) == 0);
	/* a full batch whose last slot repeats an event: run when full, the
	 * repeat's typed row gone */
	CHECK(nd_store_begin_ingest(s, &err) == 0);
	for (r = 31; r <= 45; r++)
		CHECK(store_one(s, src, "nps_audit", r) == 2);
	CHECK(store_one(s, src, "nps_audit", 45) == 2);
	CHECK(count_in(s, "SELECT count(*) FROM event_rows") == 44);
	CHECK(count_in(s, "SELECT count(*) FROM nps_audit_events") == 43);
	CHECK(count_in(s, "SELECT count(*) FROM nps_audit_events WHERE event_ref < 0") == 0);
	CHECK(nd_store_commit(s, &err) == 0);
	nd_store_close(s);
	CHECK_STR(value(path, "SELECT count(*) || '/' || max(record_id) FROM events", (char[32]){0}, 32), "44/45");
	CHECK_STR(value(path, "SELECT count(*) FROM nps_audit_events", (char[16]){0}, 16), "43");
}

int main(int argc, char **argv)
{
	char dir[2048], path[2048 + 8];

	if (argc < 2) {
		fprintf(stderr, "usage: test_nd_store TMPDIR\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/nd_store.XXXXXX", argv[1]);
	if (!mkdtemp(dir)) {
		perror(dir);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/t.db", dir);
	test_store_open_new(path);
	test_store_open_current_no_write(path);
	test_store_begin_waits(path);
	test_store_open_newer(path);
	test_store_open_upgrade(path);
	test_store_open_readonly(dir, path);
	test_store_source_chunks(path);
	test_store_may_hold(path);
	test_store_begin_ingest(path);
	snprintf(path, sizeof(path), "%s/b.db", dir);
	test_store_batch(path);
	return check_report();
}
