#include "nd_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_crc32.h"
#include "nd_family.h"
#include "nd_db.h"

static const char core_sql[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);\n"
	"CREATE TABLE IF NOT EXISTS sources(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  path TEXT NOT NULL UNIQUE,\n"
	"  size INTEGER, mtime INTEGER,\n"
	"  first_ingest TEXT, last_ingest TEXT,\n"
	"  records INTEGER DEFAULT 0, wanted INTEGER DEFAULT 0, stored INTEGER DEFAULT 0,\n"
	"  duplicates INTEGER DEFAULT 0, skipped INTEGER DEFAULT 0, errors INTEGER DEFAULT 0,\n"
	"  warnings INTEGER DEFAULT 0);\n"
	"CREATE TABLE IF NOT EXISTS source_chunks(\n"
	"  source_id INTEGER NOT NULL REFERENCES sources(id),\n"
	"  chunk_offset INTEGER NOT NULL,\n"
	"  fingerprint INTEGER NOT NULL,\n"
	"  PRIMARY KEY(source_id, chunk_offset)) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS events(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  family TEXT NOT NULL,\n"
	"  provider TEXT NOT NULL,\n"
	"  event_id INTEGER NOT NULL,\n"
	"  qualifiers INTEGER, version INTEGER, level INTEGER, task INTEGER, keywords TEXT,\n"
	"  time_created TEXT NOT NULL,\n"
	"  ts INTEGER NOT NULL,\n"
	"  record_id INTEGER NOT NULL,\n"
	"  channel TEXT NOT NULL,\n"
	"  computer TEXT NOT NULL,\n"
	"  user_sid TEXT,\n"
	"  \"binary\" TEXT,\n"
	"  source_id INTEGER REFERENCES sources(id),\n"
	"  file_offset INTEGER,\n"
	"  written_ts INTEGER,\n"
	"  UNIQUE(computer, channel, record_id, ts));\n"
	"CREATE INDEX IF NOT EXISTS events_by_ts ON events(ts);\n"
	"CREATE INDEX IF NOT EXISTS events_by_event_id ON events(event_id, ts);\n"
	"CREATE TABLE IF NOT EXISTS event_fields(\n"
	"  event_ref INTEGER NOT NULL REFERENCES events(id),\n"
	"  pos INTEGER NOT NULL,\n"
	"  name TEXT,\n"
	"  value TEXT NOT NULL,\n"
	"  PRIMARY KEY(event_ref, pos)) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS nps_reason_codes(\n"
	"  code INTEGER PRIMARY KEY, symbol TEXT, meaning TEXT NOT NULL, category TEXT,\n"
	"  reason_text TEXT, underlying_status TEXT, notes TEXT, sources TEXT);\n"
	"CREATE TABLE IF NOT EXISTS ras_error_codes(\n"
	"  code INTEGER PRIMARY KEY, hex TEXT, symbol TEXT, meaning TEXT NOT NULL, relevance TEXT,\n"
	"  typical_causes TEXT, related_reasons TEXT, sources TEXT);\n";

static const char views_sql[] =
	"CREATE VIEW IF NOT EXISTS client_failures AS\n"
	"  SELECT e.id AS event_ref, e.time_created, e.ts, e.computer, e.event_id, r.coid, r.user_name,\n"
	"         r.connection_name, r.code, r.code_text, c.symbol AS code_symbol, c.meaning AS code_meaning\n"
	"  FROM events e JOIN ras_client_events r ON r.event_ref = e.id\n"
	"  LEFT JOIN ras_error_codes c ON c.code = r.code\n"
	"  WHERE e.event_id IN (20220, 20227);\n"
	"CREATE VIEW IF NOT EXISTS nps_decisions AS\n"
	"  SELECT e.id AS event_ref, e.time_created, e.ts, e.computer, e.event_id,\n"
	"         CASE e.event_id WHEN 6272 THEN 'granted' WHEN 6273 THEN 'denied' WHEN 6274 THEN 'discarded'\n"
	"           WHEN 6275 THEN 'accounting-discarded' WHEN 6276 THEN 'quarantined' WHEN 6277 THEN 'probation'\n"
	"           WHEN 6278 THEN 'granted-full' WHEN 6279 THEN 'locked-out' WHEN 6280 THEN 'unlocked' END AS decision,\n"
	"         a.subject_user_name, a.fq_subject_user_name, a.calling_station_id, a.nas_identifier,\n"
	"         a.client_name, a.client_ip_address, a.network_policy_name, a.authentication_type, a.eap_type,\n"
	"         a.reason_code, a.reason, c.symbol AS reason_symbol, c.meaning AS reason_meaning,\n"
	"         c.category AS reason_category\n"
	"  FROM events e JOIN nps_audit_events a ON a.event_ref = e.id\n"
	"  LEFT JOIN nps_reason_codes c ON c.code = a.reason_code;\n";

/* Appends a NUL-terminated string to b. Returns 0, or -1 when out of
 * memory. */
static int put(nd_buf *b, const char *s)
{
	return nd_buf_append(b, s, strlen(s));
}

int nd_schema_sql(nd_buf *b)
{
	const nd_family *const *f;
	size_t i;

	if (put(b, core_sql) != 0)
		return -1;
	for (f = nd_families(); *f; f++) {
		const nd_family *fam = *f;

		if (!fam->table)
			continue;
		if (put(b, "CREATE TABLE IF NOT EXISTS ") || put(b, fam->table) ||
		    put(b, "(\n  event_ref INTEGER PRIMARY KEY REFERENCES events(id)"))
			return -1;
		for (i = 0; i < fam->ncolumns; i++)
			if (put(b, ",\n  ") || put(b, fam->columns[i].name) ||
			    put(b, fam->columns[i].type == ND_COL_TEXT ? " TEXT" : " INTEGER"))
				return -1;
		if (put(b, ");\n"))
			return -1;
	}
	return put(b, views_sql);
}

/* The schema's history: step i turns a database of version i into version
 * i + 1; the schema script then adds whatever tables and views are
 * missing. Version 1 is the first layout, so its step has nothing to change
 * (a new database is version 0). A new layout appends its step here and
 * raises ND_SCHEMA_VERSION. */
static const char *const migrations[] = {
	"", /* 0 -> 1: a new database, made by the schema script */
	/* 1 -> 2: the result tables go; the next diagnose makes them again
	 * without foreign keys and with incident_keys (nd_incidents). */
	"DROP TABLE IF EXISTS incident_facts; DROP TABLE IF EXISTS incident_events; DROP TABLE IF EXISTS incidents;"
	" DROP TABLE IF EXISTS cause_sources; DROP TABLE IF EXISTS cause_commands; DROP TABLE IF EXISTS cause_steps;"
	" DROP TABLE IF EXISTS causes; DROP TABLE IF EXISTS diagnose_meta;",
	/* 2 -> 3: where the tail of each Windows event log channel stands (its
	 * bookmark, nd_channel), written with the events it covers. source_id
	 * is the channel's sources row; no REFERENCES: on a new database this
	 * step runs before the schema script makes sources, which PostgreSQL
	 * refuses. */
	"CREATE TABLE IF NOT EXISTS channel_bookmarks(\n"
	"  source_id INTEGER NOT NULL PRIMARY KEY,\n"
	"  bookmark TEXT NOT NULL);",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == ND_SCHEMA_VERSION,
	       "one migration step per schema version");

/* Returns the CRC of the schema script in b. */
static uint32_t script_crc(const nd_buf *b)
{
	return nd_crc32(0, (const uint8_t *)b->data, b->len);
}

/* Reads the meta value of key into a (NUL-terminated, possibly cut) out of
 * size n; an absent key leaves "". Returns 0, or -1 with err set. */
static int meta_get(nd_db *db, const char *key, char *out, size_t n, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc;

	out[0] = '\0';
	if (nd_db_prepare(db, "SELECT value FROM meta WHERE key=?", 0, &st, "meta", err) ||
	    nd_db_bind_text(st, 1, key, "meta", err)) {
		nd_db_finalize(st);
		return -1;
	}
	rc = nd_db_step(st, "meta", err);
	if (rc == 1 && nd_db_column_text(st, 0))
		snprintf(out, n, "%s", nd_db_column_text(st, 0));
	nd_db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int nd_schema_state(nd_db *db, int *version, int *current, nd_error *err)
{
	char v[32], crc[16];
	nd_buf script = {0};
	int has_meta, ok;

	*version = 0;
	*current = 0;
	has_meta = nd_db_has_table(db, "meta", err);
	if (has_meta <= 0)
		return has_meta;
	if (meta_get(db, "schema_version", v, sizeof(v), err) || meta_get(db, "schema_crc", crc, sizeof(crc), err))
		return -1;
	*version = atoi(v);
	if (*version != ND_SCHEMA_VERSION)
		return 0;
	if (nd_schema_sql(&script) != 0)
		return nd_error_set(err, "out of memory");
	snprintf(v, sizeof(v), "%08x", (unsigned)script_crc(&script));
	ok = strcmp(v, crc) == 0;
	nd_buf_free(&script);
	*current = ok;
	return 0;
}

/* Sets the meta value of key. Returns 0, or -1 with err set. */
static int meta_put(nd_db *db, const char *key, const char *value, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc = nd_db_prepare(
		     db, "INSERT INTO meta(key,value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
		     0, &st, "meta", err) ||
			 nd_db_bind_text(st, 1, key, "meta", err) || nd_db_bind_text(st, 2, value, "meta", err) ||
			 nd_db_step(st, "meta", err) < 0
		     ? -1
		     : 0;

	nd_db_finalize(st);
	return rc;
}

int nd_schema_upgrade(nd_db *db, int from, nd_error *err)
{
	nd_buf script = {0};
	char v[16], crc[16];
	int i, rc;

	if (from < 0 || from > ND_SCHEMA_VERSION)
		return nd_error_set(err, "database: no migration from schema version %d", from);
	for (i = from; i < ND_SCHEMA_VERSION; i++)
		if (nd_db_exec_ddl(db, migrations[i], "schema migration", err) != 0)
			return nd_error_prefix(err, "from version %d", i);
	if (nd_schema_sql(&script) != 0)
		return nd_error_set(err, "out of memory");
	snprintf(v, sizeof(v), "%d", ND_SCHEMA_VERSION);
	snprintf(crc, sizeof(crc), "%08x", (unsigned)script_crc(&script));
	rc = nd_db_exec_ddl(db, script.data, "schema", err) || meta_put(db, "schema_version", v, err) ||
		     meta_put(db, "schema_crc", crc, err)
		 ? -1
		 : 0;
	nd_buf_free(&script);
	return rc;
}
