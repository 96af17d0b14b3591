/* Unit tests of src/store/nd_schema: the schema script, the recorded
 * state of a database, the table-driven upgrade. Databases in memory. */
#include <string.h>

#include "check.h"
#include "nd_db_sqlite.h"
#include "nd_family.h"
#include "nd_schema.h"
#include "nd_time.h"

/* The script names every family's table and the views. */
static void test_schema_sql(void)
{
	const nd_family *const *f;
	nd_buf b = {0};

	CHECK(nd_schema_sql(&b, ND_DB_SQLITE) == 0 && b.data);
	for (f = nd_families(); *f; f++)
		if ((*f)->table)
			CHECK(b.data && strstr(b.data, (*f)->table) != NULL);
	CHECK(b.data && strstr(b.data, "CREATE VIEW IF NOT EXISTS nps_decisions") != NULL);
	nd_buf_free(&b);
}

/* State and upgrade: new (0) -> current; an unknown CRC is not current; a
 * newer or negative version cannot be upgraded from. */
static void test_schema_state_upgrade(void)
{
	nd_db *db = NULL;
	int ro;
	int version = -1, current = -1;
	nd_error err;

	CHECK(nd_db_sqlite_open(&db, ":memory:", 0, &ro, &err) == 0);
	CHECK(nd_schema_state(db, &version, &current, &err) == 0 && version == 0 && current == 0);
	CHECK(nd_schema_upgrade(db, 0, &err) == 0);
	CHECK(nd_schema_state(db, &version, &current, &err) == 0 && version == ND_SCHEMA_VERSION && current == 1);
	CHECK(nd_schema_upgrade(db, ND_SCHEMA_VERSION, &err) == 0);
	CHECK(nd_db_exec(db, "UPDATE meta SET value='0' WHERE key='schema_crc'", "test", &err) == 0);
	CHECK(nd_schema_state(db, &version, &current, &err) == 0 && version == ND_SCHEMA_VERSION && current == 0);
	CHECK(nd_schema_upgrade(db, ND_SCHEMA_VERSION, &err) == 0);
	CHECK(nd_schema_state(db, &version, &current, &err) == 0 && current == 1);
	CHECK(nd_db_exec(db, "UPDATE meta SET value='99' WHERE key='schema_version'", "test", &err) == 0);
	CHECK(nd_schema_state(db, &version, &current, &err) == 0 && version == 99 && current == 0);
	CHECK(nd_schema_upgrade(db, 99, &err) == -1);
	CHECK(strstr(err.message, "no migration from schema version 99") != NULL);
	CHECK(nd_schema_upgrade(db, -1, &err) == -1);
	nd_db_close(db);
}

/* Step 3 -> 4: a version-3 database (sources without last_record_id)
 * gains the column and keeps its rows. */
static void test_schema_upgrade_last_record_id(void)
{
	nd_db *db = NULL;
	nd_stmt *st = NULL;
	int ro;
	int version = -1, current = -1;
	nd_error err;

	CHECK(nd_db_sqlite_open(&db, ":memory:", 0, &ro, &err) == 0);
	CHECK(nd_schema_upgrade(db, 0, &err) == 0);
	CHECK(nd_db_exec(db, "INSERT INTO sources(path) VALUES('a.evtx')", "test", &err) == 0);
	CHECK(nd_db_exec(db, "ALTER TABLE sources DROP COLUMN last_record_id", "test", &err) == 0);
	CHECK(nd_db_exec(db, "UPDATE meta SET value='3' WHERE key='schema_version'", "test", &err) == 0);
	CHECK(nd_schema_state(db, &version, &current, &err) == 0 && version == 3 && current == 0);
	CHECK(nd_schema_upgrade(db, 3, &err) == 0);
	CHECK(nd_schema_state(db, &version, &current, &err) == 0 && version == ND_SCHEMA_VERSION && current == 1);
	CHECK(nd_db_exec(db, "UPDATE sources SET last_record_id=7 WHERE path='a.evtx'", "test", &err) == 0);
	CHECK(nd_db_prepare(db, "SELECT last_record_id FROM sources", 0, &st, "test", &err) == 0);
	CHECK(nd_db_step(st, "test", &err) == 1 && nd_db_column_int64(st, 0) == 7);
	nd_db_finalize(st);
	nd_db_close(db);
}

/* A database whose meta cannot be read is an error, not version 0. */
static void test_schema_state_bad(void)
{
	nd_db *db = NULL;
	int ro;
	int version, current;
	nd_error err;

	CHECK(nd_db_sqlite_open(&db, ":memory:", 0, &ro, &err) == 0);
	CHECK(nd_db_exec(db, "CREATE TABLE meta(k TEXT)", "test", &err) == 0);
	CHECK(nd_schema_state(db, &version, &current, &err) == -1);
	CHECK(strstr(err.message, "meta") != NULL);
	nd_db_close(db);
}

/* SQLite computes time_created from ts as nd_time_format writes it, for
 * every ts from 0 to ND_SCHEMA_TIME_MAX (the ends, leap days, 7 fraction
 * digits, a pseudo-random sample), so that ingest stores no text there;
 * past the ends it does not, and a stored time_text is given back as it
 * is. */
static void test_schema_time_computed(void)
{
	static const int64_t fixed[] = {0, 1, 9999999, 10000000, 951782400LL * 10000000 + 1234567,
					4107542400LL * 10000000, 253402300799LL * 10000000, ND_SCHEMA_TIME_MAX};
	nd_db *db = NULL;
	nd_stmt *ins = NULL, *get = NULL;
	uint64_t x = 0x9e3779b97f4a7c15u;
	char want[ND_TIME_ISO_SIZE];
	const char *got;
	int ro, i, same = 0;
	nd_error err;

	CHECK(nd_db_sqlite_open(&db, ":memory:", 0, &ro, &err) == 0);
	CHECK(nd_schema_upgrade(db, 0, &err) == 0);
	CHECK(nd_db_prepare(db,
			    "INSERT INTO " ND_SCHEMA_EVENT_ROWS
			    "(family, provider, event_id, ts, record_id, channel, computer, time_text)"
			    " VALUES('kdc', 'p', 1, ?, 1, 'c', 'h', ?)",
			    0, &ins, "test", &err) == 0);
	CHECK(nd_db_prepare(db, "SELECT time_created FROM events WHERE id = last_insert_rowid()", 0, &get, "test",
			    &err) == 0);
	for (i = 0; i < 10000 + 10; i++) {
		int64_t ts = i < 8 ? fixed[i] : (int64_t)((x = x * 6364136223846793005u + 1442695040888963407u) >> 1) %
							   (ND_SCHEMA_TIME_MAX + 1);

		if (i == 8) /* past the end: SQLite gives another text */
			ts = ND_SCHEMA_TIME_MAX + 1;
		else if (i == 9) /* before 1970 */
			ts = -1;
		nd_db_reset(ins);
		nd_db_clear(ins);
		nd_time_format(ts, want);
		nd_db_reset(get);
		CHECK(nd_db_bind_int64(ins, 1, ts, "test", &err) == 0);
		if (nd_db_step(ins, "test", &err) != 0 || nd_db_step(get, "test", &err) != 1)
			break;
		got = nd_db_column_text(get, 0);
		if ((got && strcmp(got, want) == 0) == (i != 8 && i != 9))
			same++;
		else
			fprintf(stderr, "ts %lld: time_created %s, nd_time_format %s\n", (long long)ts,
				got ? got : "NULL", want);
	}
	CHECK(same == 10000 + 10);
	nd_db_reset(ins);
	CHECK(nd_db_bind_int64(ins, 1, -2, "test", &err) == 0 &&
	      nd_db_bind_text(ins, 2, nd_time_format(-2, want), "test", &err) == 0);
	nd_db_reset(get);
	CHECK(nd_db_step(ins, "test", &err) == 0 && nd_db_step(get, "test", &err) == 1 && nd_db_column_text(get, 0));
	CHECK_STR(nd_db_column_text(get, 0), "1969-12-31T23:59:59.9999998Z");
	nd_db_finalize(ins);
	nd_db_finalize(get);
	nd_db_close(db);
}

int main(void)
{
	test_schema_sql();
	test_schema_state_upgrade();
	test_schema_upgrade_last_record_id();
	test_schema_state_bad();
	test_schema_time_computed();
	return check_report();
}
