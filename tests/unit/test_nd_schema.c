/* Unit tests of src/store/nd_schema: the schema script, the recorded
 * state of a database, the table-driven upgrade. Databases in memory. */
#include <string.h>

#include "check.h"
#include "nd_db_sqlite.h"
#include "nd_family.h"
#include "nd_schema.h"

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
	CHECK(nd_db_exec(db, "UPDATE meta SET value='9' WHERE key='schema_version'", "test", &err) == 0);
	CHECK(nd_schema_state(db, &version, &current, &err) == 0 && version == 9 && current == 0);
	CHECK(nd_schema_upgrade(db, 9, &err) == -1);
	CHECK(strstr(err.message, "no migration from schema version 9") != NULL);
	CHECK(nd_schema_upgrade(db, -1, &err) == -1);
	nd_db_close(db);
}

/* Step 2 -> 3: a version-2 database (sources without last_record_id)
 * gains the column and keeps its rows. */
static void test_schema_upgrade_from_2(void)
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
	CHECK(nd_db_exec(db, "UPDATE meta SET value='2' WHERE key='schema_version'", "test", &err) == 0);
	CHECK(nd_schema_state(db, &version, &current, &err) == 0 && version == 2 && current == 0);
	CHECK(nd_schema_upgrade(db, 2, &err) == 0);
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

int main(void)
{
	test_schema_sql();
	test_schema_state_upgrade();
	test_schema_upgrade_from_2();
	test_schema_state_bad();
	return check_report();
}
