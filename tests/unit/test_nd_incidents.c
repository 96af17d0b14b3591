/* Unit tests of nd_incidents: the previous run's keys read back
 * (nd_incidents_keys: two scans merged by incident id), and the index
 * incident_events_by_event dropped by the clear and made again after the
 * rows (nd_incidents_finish, which puts the connection's cache_size back
 * after sorting with a larger one), the files written back from the
 * clear until the transaction ends, by commit or rollback (on a system
 * that can write back), a renewal (new tables committed part by part,
 * then put in place), and an incident's facts column
 * (nd_incidents_fact_put) read back byte for byte through the view
 * incident_facts and in C (nd_incidents_fact_next). Usage: test_nd_incidents TMP_DIR SRC_DIR. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "nd_clock.h"
#include "nd_db.h"
#include "nd_db_sqlite.h"
#include "nd_incidents.h"
#include "nd_store.h"
#include "nd_writeback.h"

/* What the callback saw, one line per row. */
typedef struct seen {
	char text[1024];
	int stop_after; /* 0: never stop */
	int n;
} seen;

/* nd_incidents_key_fn: appends the row to ctx. Returns 0, or -1 once
 * stop_after rows are seen. */
static int put(void *ctx, const nd_incident_key_row *row, nd_error *err)
{
	seen *s = ctx;
	size_t len = strlen(s->text);

	snprintf(s->text + len, sizeof(s->text) - len, "%lld %s %lld %lld %lld %d;", (long long)row->id, row->key,
		 (long long)row->first_ts, (long long)row->ref, (long long)row->attempt, row->client);
	if (s->stop_after && ++s->n >= s->stop_after)
		return nd_error_set(err, "stopped");
	return 0;
}

/* Returns the integer the query q gives on db, -999 when it fails or gives no row. */
static int64_t one_int(nd_db *db, const char *q)
{
	nd_stmt *st = NULL;
	int64_t v = -999;

	if (nd_db_prepare(db, q, 0, &st, "t", NULL) == 0 && nd_db_step(st, "t", NULL) == 1)
		v = nd_db_column_int64(st, 0);
	nd_db_finalize(st);
	return v;
}

/* Returns 1 when the index incident_events_by_event exists, else 0. */
static int has_index(nd_db *db)
{
	return (int)one_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'incident_events_by_event'");
}

/* Returns the connection's cache_size setting. */
static int64_t cache_size(nd_db *db)
{
	return one_int(db, "PRAGMA cache_size");
}

/* Incidents with and without keys and events, events of every role, an
 * event of no incident: the keyed incidents' client failures, decisions
 * and findings, by incident then event. */
static void test_keys(nd_store *s)
{
	nd_db *db = nd_store_db(s);
	seen got;
	nd_error err;

	CHECK(nd_incidents_begin(s, &err) == 0);
	CHECK(nd_db_exec(db,
			 "INSERT INTO incidents(id, kind, cause_id, confidence, match, count, paired, first_ts, last_ts,"
			 " first_time, last_time, status, key) VALUES"
			 " (1, 'incident', 'c', 'likely', 'client+nps', 1, 1, 100, 100, 'x', 'x', 'open', 'k1'),"
			 " (2, 'incident', 'c', 'likely', 'client-only', 1, 0, 200, 200, 'x', 'x', 'open', NULL),"
			 " (3, 'incident', 'c', 'likely', 'client-only', 1, 0, 300, 300, 'x', 'x', 'open', 'k3'),"
			 " (4, 'incident', 'c', 'likely', 'client+nps', 2, 1, 400, 400, 'x', 'x', 'open', 'k4'),"
			 " (5, 'finding', 'f', 'likely', 'server', 1, 0, 500, 500, 'x', 'x', 'open', 'k5'),"
			 " (7, 'incident', 'c', 'likely', 'client-only', 1, 0, 700, 700, 'x', 'x', 'open', NULL);"
			 "INSERT INTO incident_events(incident_id, event_ref, role, attempt, delta_ticks) VALUES"
			 " (1, 10, 'client-failure', 1, NULL), (1, 5, 'nps-decision', 1, 3), (1, 7, 'context', NULL, NULL),"
			 " (1, 9, 'resolution', NULL, NULL), (2, 8, 'client-failure', 1, NULL),"
			 " (4, 20, 'nps-decision', 2, NULL), (4, 3, 'client-failure', 1, NULL),"
			 " (5, 30, 'finding', 1, NULL), (6, 40, 'client-failure', 1, NULL),"
			 " (7, 50, 'client-failure', 1, NULL), (8, 60, 'client-failure', 1, NULL);",
			 "rows", &err) == 0);
	memset(&got, 0, sizeof(got));
	CHECK(nd_incidents_keys(s, put, &got, &err) == 0);
	CHECK_STR(got.text, "1 k1 100 5 1 0;1 k1 100 10 1 1;4 k4 400 3 1 1;4 k4 400 20 2 0;5 k5 500 30 1 0;");

	/* the callback stops the read */
	memset(&got, 0, sizeof(got));
	got.stop_after = 2;
	CHECK(nd_incidents_keys(s, put, &got, &err) == -1);
	CHECK_STR(got.text, "1 k1 100 5 1 0;1 k1 100 10 1 1;");
	CHECK_STR(err.message, "stopped");

	/* the clear drops the index, nd_incidents_finish makes it again */
	CHECK(has_index(db) == 1);
	CHECK(nd_db_sqlite_writing_behind(db) == 0);
	CHECK(nd_incidents_clear(s, &err) == 0);
	CHECK(has_index(db) == 0);
	CHECK(nd_db_sqlite_writing_behind(db) == nd_writeback_supported());
	memset(&got, 0, sizeof(got));
	CHECK(nd_incidents_keys(s, put, &got, &err) == 0);
	CHECK_STR(got.text, "");
	CHECK(nd_db_exec(db, "PRAGMA cache_size=-1234", "t", &err) == 0);
	CHECK(nd_incidents_finish(s, &err) == 0);
	CHECK(has_index(db) == 1);
	CHECK(cache_size(db) == -1234);
	CHECK(nd_incidents_finish(s, &err) == 0); /* there already */
	CHECK(cache_size(db) == -1234);
	/* the write-back lasts until the transaction ends, here by its commit */
	CHECK(nd_db_sqlite_writing_behind(db) == nd_writeback_supported());
	CHECK(nd_store_commit(s, &err) == 0);
	CHECK(nd_db_sqlite_writing_behind(db) == 0);
}

/* Facts with quotes, backslashes, a newline, control bytes, DEL,
 * non-ASCII and invalid UTF-8, a position left empty: the column as JSON
 * escaped as SQLite escapes, and the view's rows the same bytes at the
 * same positions. */
static void test_facts(nd_store *s)
{
	static const char *const value[] = {"say \"hi\" \\ C:\\x\n\t\r\x01\x1f\x7f caf\xc3\xa9 \xe2\x80\xae",
					    "bad \xff\xc3( utf-8", "[\"x\",null]"};
	static const char *const bad[] = {"", "{}", "[1]", "[[\"a\"]]", "[[\"a\",\"b\",\"c\"]]", "[[\"a\",\"b\"]",
					  "[[\"a\",\"b\"],]", "[[\"a\",\"b\"]] x", "[[\"a\",[]]]", "[[\"a\",\"b",
					  "[[\"a\",1]]", "[[1,\"b\"]]", "[[\"a\",null]]", "[[a,b]]", "[[\"a\" \"b\"]]",
					  "[[\"a\",\"b\"][]", "[null[]", "[[\"a\",\"b\"],null[]", "[null[[\"a\",\"b\"]]",
					  "[[\"a\",\"b\"][[\"c\",\"d\"]]"};
	nd_db *db = nd_store_db(s);
	nd_stmt *st = NULL;
	nd_buf b = {0}, name = {0}, val = {0};
	nd_error err;
	size_t n = 0, k = 0;
	const char *p;
	int rc;

	CHECK(nd_incidents_facts_end(&b) == 0);
	CHECK(b.len == 0); /* none: the column NULL */
	CHECK(nd_incidents_fact_put(&b, &n, 1, "nps.A", value[0]) == 0);
	CHECK(nd_incidents_fact_put(&b, &n, 3, "clock", value[1]) == 0); /* position 2 empty */
	CHECK(nd_incidents_fact_put(&b, &n, 3, "n\"ame", value[2]) == 0); /* not past them: the next */
	CHECK(n == 4);
	CHECK(nd_incidents_facts_end(&b) == 0);
	CHECK_STR(b.data, "[[\"nps.A\",\"say \\\"hi\\\" \\\\ C:\\\\x\\n\\t\\r\\u0001\\u001f\x7f caf\xc3\xa9 \xe2\x80\xae\"],"
			  "null,[\"clock\",\"bad \xff\xc3( utf-8\"],[\"n\\\"ame\",\"[\\\"x\\\",null]\"]]");
	/* read back in C as the view reads it, also as others write JSON */
	for (p = b.data, k = 0; (rc = nd_incidents_fact_next(&p, &name, &val)) == 1; k++)
		if (k < 3) {
			CHECK_STR(name.data, k == 0 ? "nps.A" : k == 1 ? "clock" : "n\"ame");
			CHECK_STR(val.data, value[k]);
		}
	CHECK(rc == 0 && k == 3);
	p = " [ null , [ \"a\" , \"\\u00e9\\ud83d\\ude00\\/\" ] ,null] ";
	CHECK(nd_incidents_fact_next(&p, &name, &val) == 1);
	CHECK_STR(name.data, "a");
	CHECK_STR(val.data, "\xc3\xa9\xf0\x9f\x98\x80/");
	CHECK(nd_incidents_fact_next(&p, &name, &val) == 0);
	p = "[]";
	CHECK(nd_incidents_fact_next(&p, &name, &val) == 0);
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		p = bad[k];
		while ((rc = nd_incidents_fact_next(&p, &name, &val)) == 1)
			;
		CHECK(rc == -1);
	}
	nd_buf_free(&name);
	nd_buf_free(&val);

	/* or by its rollback */
	CHECK(nd_incidents_begin(s, &err) == 0);
	CHECK(nd_incidents_clear(s, &err) == 0);
	CHECK(nd_db_sqlite_writing_behind(db) == nd_writeback_supported());
	nd_store_rollback(s);
	CHECK(nd_db_sqlite_writing_behind(db) == 0);

	CHECK(nd_incidents_begin(s, &err) == 0);
	CHECK(nd_incidents_clear(s, &err) == 0);
	CHECK(nd_db_prepare(db,
			    "INSERT INTO incidents(id, kind, cause_id, confidence, match, count, paired, first_ts, last_ts,"
			    " first_time, last_time, status, facts) VALUES"
			    " (1, 'incident', 'c', 'likely', 'client-only', 1, 0, 100, 100, 'x', 'x', 'open', ?),"
			    " (2, 'incident', 'c', 'likely', 'client-only', 1, 0, 200, 200, 'x', 'x', 'open', NULL)",
			    0, &st, "t", &err) == 0);
	CHECK(nd_db_bind_text(st, 1, b.data, "t", &err) == 0);
	CHECK(nd_db_step(st, "t", &err) == 0);
	nd_db_finalize(st);
	CHECK(nd_db_prepare(db, "SELECT incident_id, pos, name, value FROM incident_facts ORDER BY incident_id, pos", 0,
			    &st, "t", &err) == 0);
	for (k = 0; st && nd_db_step(st, "t", &err) == 1; k++) {
		if (k >= 3)
			continue;
		CHECK(nd_db_column_int64(st, 0) == 1);
		CHECK(nd_db_column_int64(st, 1) == (k ? (int64_t)k + 2 : 1));
		CHECK_STR(nd_db_column_text(st, 2), k == 0 ? "nps.A" : k == 1 ? "clock" : "n\"ame");
		CHECK_STR(nd_db_column_text(st, 3), value[k]);
	}
	CHECK(k == 3);
	nd_db_finalize(st);
	CHECK(nd_store_commit(s, &err) == 0);
	nd_buf_free(&b);
}

/* Inserts incident id (cause cause) and an event of it into the tables the
 * rows of a rewrite go to (nd_incidents_target). Returns 0, or -1. */
static int put_incident(nd_store *s, int64_t id, const char *cause)
{
	nd_db *db = nd_store_db(s);
	char name[64], sql[512];
	nd_stmt *st = NULL;
	nd_error err;
	int rc;

	snprintf(sql, sizeof(sql),
		 "INSERT INTO \"%s\"(id, kind, cause_id, confidence, match, user_name, count, paired, first_ts,"
		 " last_ts, first_time, last_time, status, key) VALUES (?1, 'incident', ?2, 'likely', 'client-only',"
		 " 'LAB\\u', 1, 0, 100, 100, 'x', 'x', 'open', 'k' || ?1)",
		 nd_incidents_target(s, 0, name));
	rc = nd_db_prepare(db, sql, 0, &st, "t", &err) || nd_db_bind_int64(st, 1, id, "t", &err) ||
			     nd_db_bind_text(st, 2, cause, "t", &err) || nd_db_step(st, "t", &err) != 0
		     ? -1
		     : 0;
	nd_db_finalize(st);
	snprintf(sql, sizeof(sql), "INSERT INTO \"%s\" VALUES (%lld, %lld, 'client-failure', 1, NULL)",
		 nd_incidents_target(s, 1, name), (long long)id, (long long)id * 10);
	return rc || nd_db_exec(db, sql, "t", &err) ? -1 : 0;
}

/* Counts the tables of renewals (incidents_new_..., incident_events_new_...). */
#define NEW_TABLES_SQL \
	"SELECT count(*) FROM sqlite_schema WHERE name LIKE 'incidents\\_new\\_%' ESCAPE '\\'" \
	" OR name LIKE 'incident\\_events\\_new\\_%' ESCAPE '\\'"

/* Makes, as a killed run would have left them, the tables and the row of
 * renewal id whose last part was committed ago_ms ago. Returns nothing. */
static void other_renewal(nd_db *db, const char *id, int64_t ago_ms)
{
	char sql[512];
	nd_error err;

	snprintf(sql, sizeof(sql),
		 "CREATE TABLE incidents_new_%s(x); CREATE TABLE incident_events_new_%s(x);"
		 " INSERT INTO diagnose_renewals VALUES('%s', %lld);",
		 id, id, id, (long long)(nd_clock_now_ticks() / 10000 - ago_ms));
	CHECK(nd_db_exec(db, sql, "t", &err) == 0);
}

/* A renewal on a store in WAL mode: the rows go to new tables committed
 * part by part while another connection still reads the old results;
 * the last transaction puts them in place with the index, the views, a
 * user's index and view kept; a rollback drops them, before or after the
 * swap; the other writers of the results wait for a renewal with a recent
 * part and drop a killed one's; a renewal dropped meanwhile fails at its
 * next part; result tables with a user's trigger or column, and a
 * rollback-journal store, are cleared instead. */
static void test_renewal(const char *tmp)
{
	char path[4096], name[64];
	nd_store *s = NULL, *reader = NULL;
	nd_db *db, *rdb;
	nd_error err;
	uint64_t t;

	snprintf(path, sizeof(path), "%s/renewal.db", tmp);
	remove(path);
	if (nd_store_open(&s, path, &err) != 0) {
		CHECK(0);
		return;
	}
	db = nd_store_db(s);
	/* the previous results, a user's index and view on them */
	CHECK(nd_incidents_begin(s, &err) == 0);
	CHECK(nd_incidents_clear(s, &err) == 0);
	CHECK(put_incident(s, 1, "old") == 0);
	CHECK(nd_incidents_finish(s, &err) == 0);
	CHECK(nd_db_exec(db,
			 "CREATE INDEX mine ON incidents(user_name); CREATE VIEW my_view AS SELECT count(*) AS n FROM"
			 " incidents; PRAGMA secure_delete=1; PRAGMA legacy_alter_table=ON;"
			 " CREATE TABLE IF NOT EXISTS diagnose_renewals(id TEXT"
			 " PRIMARY KEY, beat INTEGER NOT NULL);",
			 "t", &err) == 0);
	CHECK(nd_store_commit(s, &err) == 0);
	CHECK(nd_store_open_readonly(&reader, path, &err) == 0);
	rdb = reader ? nd_store_db(reader) : NULL;

	/* a killed run's renewal (its last part long ago) and one whose last
	 * part was 29.7 s ago: the writer waits until that is stale too, then
	 * drops both */
	other_renewal(db, "00000000000000aa", 3600 * 1000);
	other_renewal(db, "00000000000000bb", ND_INCIDENTS_STALE_MS - 300);
	CHECK(one_int(db, NEW_TABLES_SQL) == 4);
	t = nd_clock_ms();
	CHECK(nd_incidents_begin(s, &err) == 0);
	CHECK(nd_clock_ms() - t >= 200);
	CHECK(one_int(db, NEW_TABLES_SQL) == 0);
	CHECK(one_int(db, "SELECT count(*) FROM diagnose_renewals") == 0);

	CHECK(nd_incidents_renew(s, &err) == 0);
	CHECK(one_int(db, "PRAGMA secure_delete") == 2); /* FAST: dropped pages are not written again */
	CHECK(strncmp(nd_incidents_target(s, 0, name), "incidents_new_", 14) == 0 && strlen(name) == 14 + 16);
	CHECK(strncmp(nd_incidents_target(s, 1, name), "incident_events_new_", 20) == 0);
	CHECK(one_int(db, "SELECT count(*) FROM diagnose_renewals") == 1);
	CHECK(put_incident(s, 1, "new") == 0);
	CHECK(nd_incidents_commit_part(s, &err) == 0);
	CHECK(put_incident(s, 2, "new") == 0);
	CHECK(nd_incidents_commit_part(s, &err) == 0);
	/* committed, not in place: a reader has the old results, with their index */
	if (rdb) {
		CHECK(one_int(rdb, "SELECT count(*) FROM incidents WHERE cause_id = 'old'") == 1);
		CHECK(one_int(rdb, "SELECT count(*) FROM incidents") == 1);
		CHECK(has_index(rdb) == 1);
		CHECK(one_int(rdb, NEW_TABLES_SQL) == 2);
		CHECK(one_int(rdb, "SELECT count(*) FROM diagnose_renewals") == 1);
	}
	CHECK(put_incident(s, 3, "new") == 0);
	CHECK(nd_incidents_finish(s, &err) == 0);
	CHECK_STR(nd_incidents_target(s, 0, name), "incidents");
	CHECK(nd_store_commit(s, &err) == 0);
	CHECK(one_int(db, "PRAGMA secure_delete") == 1); /* the connection's own again */
	CHECK(one_int(db, "PRAGMA legacy_alter_table") == 1); /* so is this (the swap sets it ON) */
	CHECK(nd_db_exec(db, "PRAGMA legacy_alter_table=OFF", "t", &err) == 0);
	if (rdb) {
		CHECK(one_int(rdb, "SELECT count(*) FROM incidents WHERE cause_id = 'new'") == 3);
		CHECK(one_int(rdb, "SELECT count(*) FROM incident_events WHERE event_ref IN (10, 20, 30)") == 3);
		CHECK(one_int(rdb, "SELECT count(*) FROM incident_keys") == 3);
		CHECK(one_int(rdb, "SELECT n FROM my_view") == 3);
		CHECK(has_index(rdb) == 1);
		CHECK(one_int(rdb, "SELECT count(*) FROM sqlite_schema WHERE name = 'mine' AND tbl_name = 'incidents'") ==
		      1);
		CHECK(one_int(rdb, NEW_TABLES_SQL) == 0);
		CHECK(one_int(rdb, "SELECT count(*) FROM diagnose_renewals") == 0);
		CHECK(one_int(rdb, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") == 1);
	}

	/* rolled back after a part was committed, before the swap and after
	 * it: the new tables and the row go, the results stay */
	for (t = 0; t < 2; t++) {
		CHECK(nd_incidents_begin(s, &err) == 0);
		CHECK(nd_incidents_renew(s, &err) == 0);
		CHECK(put_incident(s, 1, "lost") == 0);
		CHECK(nd_incidents_commit_part(s, &err) == 0);
		CHECK(one_int(db, NEW_TABLES_SQL) == 2);
		CHECK(t == 0 || nd_incidents_finish(s, &err) == 0);
		nd_store_rollback(s);
		CHECK(one_int(db, NEW_TABLES_SQL) == 0);
		CHECK(one_int(db, "SELECT count(*) FROM diagnose_renewals") == 0);
		CHECK(one_int(db, "SELECT count(*) FROM incidents WHERE cause_id = 'new'") == 3);
		CHECK(has_index(db) == 1);
		CHECK(one_int(db, "PRAGMA secure_delete") == 1);
		CHECK(one_int(db, "PRAGMA legacy_alter_table") == 0);
	}

	/* stalled until another writer took it for a killed run's (played here
	 * on this connection: the row dropped): it fails at its next part */
	CHECK(nd_incidents_begin(s, &err) == 0);
	CHECK(nd_incidents_renew(s, &err) == 0);
	CHECK(put_incident(s, 1, "first") == 0);
	CHECK(nd_incidents_commit_part(s, &err) == 0);
	CHECK(nd_db_exec(db, "DELETE FROM diagnose_renewals", "t", &err) == 0);
	CHECK(nd_incidents_commit_part(s, &err) == -1);
	CHECK(strstr(err.message, "another writer dropped its unfinished results") != NULL);
	nd_store_rollback(s);
	CHECK(one_int(db, NEW_TABLES_SQL) == 0);
	CHECK(one_int(db, "SELECT count(*) FROM incidents WHERE cause_id = 'new'") == 3);
	nd_store_close(reader);

	/* a user's trigger on the results, a user's column: cleared in the
	 * transaction (a DELETE fires the trigger), no new tables */
	CHECK(nd_db_exec(db,
			 "CREATE TABLE my_log(id); CREATE TRIGGER my_trigger AFTER DELETE ON incidents BEGIN INSERT INTO"
			 " my_log VALUES(old.id); END;",
			 "t", &err) == 0);
	for (t = 0; t < 2; t++) {
		CHECK(nd_incidents_begin(s, &err) == 0);
		CHECK(nd_incidents_renew(s, &err) == 0);
		CHECK_STR(nd_incidents_target(s, 0, name), "incidents");
		CHECK(one_int(db, "SELECT count(*) FROM incidents") == 0);
		CHECK(t == 1 || one_int(db, "SELECT count(*) FROM my_log") == 3);
		CHECK(put_incident(s, 7, "cleared") == 0);
		CHECK(nd_incidents_finish(s, &err) == 0);
		CHECK(nd_store_commit(s, &err) == 0);
		CHECK(one_int(db, "SELECT id FROM incidents WHERE cause_id = 'cleared'") == 7);
		CHECK(t == 1 || nd_db_exec(db, "DROP TRIGGER my_trigger; ALTER TABLE incidents ADD COLUMN note TEXT;",
					   "t", &err) == 0);
	}

	/* a rollback journal: cleared in the transaction, no new tables */
	CHECK(nd_db_exec(db, "ALTER TABLE incidents DROP COLUMN note; PRAGMA journal_mode=DELETE", "t", &err) == 0);
	CHECK(nd_incidents_begin(s, &err) == 0);
	CHECK(nd_incidents_renew(s, &err) == 0);
	CHECK_STR(nd_incidents_target(s, 0, name), "incidents");
	CHECK(one_int(db, "SELECT count(*) FROM incidents") == 0);
	CHECK(has_index(db) == 0);
	CHECK(put_incident(s, 7, "journal") == 0);
	CHECK(nd_incidents_commit_part(s, &err) == 0); /* nothing */
	CHECK(nd_incidents_finish(s, &err) == 0);
	CHECK(nd_store_commit(s, &err) == 0);
	CHECK(one_int(db, "SELECT id FROM incidents WHERE cause_id = 'journal'") == 7);
	CHECK(has_index(db) == 1);
	nd_store_close(s);
}

int main(int argc, char **argv)
{
	char path[4096];
	nd_store *s = NULL;
	nd_error err;

	if (argc != 3) {
		fprintf(stderr, "usage: test_nd_incidents TMP_DIR SRC_DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/incidents.db", argv[1]);
	remove(path);
	CHECK(nd_store_open(&s, path, &err) == 0);
	if (s) {
		test_keys(s);
		test_facts(s);
		nd_store_close(s);
	}
	test_renewal(argv[1]);
	return check_report();
}
