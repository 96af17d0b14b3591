#include "nd_schema.h"

#include <string.h>

#include "nd_family.h"

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
	"  binary TEXT,\n"
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
