#include "nd_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_crc32.h"
#include "nd_family.h"
#include "nd_db.h"
#include "nd_fields.h"
#include "nd_incidents.h"
#include "nd_record.h"

/* The columns of the sources table: a source is a path read on a host
 * (nd_host.h), so that machines reading the same path into one database
 * keep their own rows and checkpoints. */
#define SOURCES_COLUMNS                                                                                                \
	"  id INTEGER PRIMARY KEY,\n"                                                                                  \
	"  path TEXT NOT NULL,\n"                                                                                      \
	"  size INTEGER, mtime INTEGER,\n"                                                                             \
	"  first_ingest TEXT, last_ingest TEXT,\n"                                                                     \
	"  records INTEGER DEFAULT 0, wanted INTEGER DEFAULT 0, stored INTEGER DEFAULT 0,\n"                           \
	"  duplicates INTEGER DEFAULT 0, skipped INTEGER DEFAULT 0, errors INTEGER DEFAULT 0,\n"                       \
	"  warnings INTEGER DEFAULT 0,\n"                                                                              \
	"  last_record_id INTEGER,\n"                                                                                  \
	"  host TEXT NOT NULL DEFAULT '',\n"                                                                           \
	"  UNIQUE(host, path)"

/* ts as the text of time_created, "YYYY-MM-DDTHH:MM:SS.fffffffZ", in
 * SQLite: what nd_time_format writes for ts from 0 to ND_SCHEMA_TIME_MAX. */
#define TIME_TEXT_SQL                                                                                                  \
	"strftime('%Y-%m-%dT%H:%M:%S', ts / 10000000, 'unixepoch') || '.' ||"                                          \
	" substr(CAST(10000000 + ts % 10000000 AS TEXT), 2) || 'Z'"

/* keyword_bits as the text of keywords, "0x" and 16 lower-case hex digits,
 * in SQLite (nd_store.c writes them so). */
#define KEYWORDS_TEXT_SQL "printf('0x%016x', keyword_bits)"

/* The columns of the table of the events, `computed` after task: in
 * SQLite the table is event_rows, without keywords and time_created, which
 * the view events computes (from the integer keyword_bits and from ts,
 * unless keywords_text or time_text holds a text they do not give back),
 * so that no INSERT computes them; PostgreSQL stores both in the table
 * events (no virtual columns before version 18). */
#define EVENTS_COLUMNS(computed, more)                                                                                 \
	"  id INTEGER PRIMARY KEY,\n"                                                                                  \
	"  family TEXT NOT NULL,\n"                                                                                    \
	"  provider TEXT NOT NULL,\n"                                                                                  \
	"  event_id INTEGER NOT NULL,\n"                                                                               \
	"  qualifiers INTEGER, version INTEGER, level INTEGER, task INTEGER,\n" computed                               \
	"  ts INTEGER NOT NULL,\n"                                                                                     \
	"  record_id INTEGER NOT NULL,\n"                                                                              \
	"  channel TEXT NOT NULL,\n"                                                                                   \
	"  computer TEXT NOT NULL,\n"                                                                                  \
	"  user_sid TEXT,\n"                                                                                           \
	"  \"binary\" TEXT,\n"                                                                                         \
	"  source_id INTEGER REFERENCES sources(id),\n"                                                                \
	"  file_offset INTEGER,\n"                                                                                     \
	"  written_ts INTEGER,\n"                                                                                      \
	"  names_ref INTEGER REFERENCES field_names(id),\n"                                                            \
	"  fields TEXT,\n" more "  UNIQUE(computer, channel, record_id, ts)"
#define EVENTS_SQLITE EVENTS_COLUMNS("", "  keyword_bits INTEGER, keywords_text TEXT, time_text TEXT,\n")
#define EVENTS_PG EVENTS_COLUMNS("  keywords TEXT,\n  time_created TEXT NOT NULL,\n", "")
/* SQLite's table events of schema version 8 (made by step 8, changed into
 * event_rows by step 10): both columns virtual, which SQLite 3.40 computes
 * on every INSERT too. */
#define EVENTS_V8_SQLITE                                                                                               \
	EVENTS_COLUMNS("  keywords TEXT GENERATED ALWAYS AS (CASE WHEN keyword_bits IS NULL THEN keywords_text"        \
		       " ELSE " KEYWORDS_TEXT_SQL " END) VIRTUAL,\n"                                                   \
		       "  time_created TEXT GENERATED ALWAYS AS (coalesce(time_text, " TIME_TEXT_SQL ")) VIRTUAL,\n", \
		       "  keyword_bits INTEGER, keywords_text TEXT, time_text TEXT,\n")

/* The columns event_rows and the view events share, after task and after
 * fields. */
#define EVENT_ROWS_HEAD "id, family, provider, event_id, qualifiers, version, level, task"
#define EVENT_ROWS_TAIL                                                                                                \
	"ts, record_id, channel, computer, user_sid, \"binary\", source_id, file_offset, written_ts, names_ref, fields"

/* SQLite's view events: the columns of event_rows in the order of the
 * table of schema version 8, keywords and time_created computed; an
 * INSERT, UPDATE or DELETE on it changes event_rows, a keywords or
 * time_created written kept as keywords_text or time_text (as written). */
static const char events_view_sqlite[] =
	"CREATE VIEW IF NOT EXISTS events AS\n"
	"  SELECT " EVENT_ROWS_HEAD ",\n"
	"         CASE WHEN keyword_bits IS NULL THEN keywords_text ELSE " KEYWORDS_TEXT_SQL " END AS keywords,\n"
	"         coalesce(time_text, " TIME_TEXT_SQL ") AS time_created,\n"
	"         " EVENT_ROWS_TAIL ", keyword_bits, keywords_text, time_text\n"
	"  FROM event_rows;\n"
	"CREATE TRIGGER IF NOT EXISTS events_insert INSTEAD OF INSERT ON events BEGIN\n"
	"  INSERT INTO event_rows(" EVENT_ROWS_HEAD ", " EVENT_ROWS_TAIL ", keyword_bits, keywords_text, time_text)\n"
	"  VALUES(NEW.id, NEW.family, NEW.provider, NEW.event_id, NEW.qualifiers, NEW.version, NEW.level, NEW.task,\n"
	"   NEW.ts, NEW.record_id, NEW.channel, NEW.computer, NEW.user_sid, NEW.\"binary\", NEW.source_id,\n"
	"   NEW.file_offset, NEW.written_ts, NEW.names_ref, NEW.fields, NEW.keyword_bits,\n"
	"   CASE WHEN NEW.keyword_bits IS NULL THEN coalesce(NEW.keywords_text, NEW.keywords) END,\n"
	"   coalesce(NEW.time_text, NEW.time_created));\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS events_update INSTEAD OF UPDATE ON events BEGIN\n"
	"  UPDATE event_rows SET id = NEW.id, family = NEW.family, provider = NEW.provider, event_id = NEW.event_id,\n"
	"   qualifiers = NEW.qualifiers, version = NEW.version, level = NEW.level, task = NEW.task, ts = NEW.ts,\n"
	"   record_id = NEW.record_id, channel = NEW.channel, computer = NEW.computer, user_sid = NEW.user_sid,\n"
	"   \"binary\" = NEW.\"binary\", source_id = NEW.source_id, file_offset = NEW.file_offset,\n"
	"   written_ts = NEW.written_ts, names_ref = NEW.names_ref, fields = NEW.fields,\n"
	"   keyword_bits = CASE WHEN NEW.keywords IS OLD.keywords THEN NEW.keyword_bits END,\n"
	"   keywords_text = CASE WHEN NEW.keywords IS OLD.keywords THEN NEW.keywords_text ELSE NEW.keywords END,\n"
	"   time_text = CASE WHEN NEW.time_created IS OLD.time_created THEN NEW.time_text ELSE NEW.time_created END\n"
	"  WHERE id = OLD.id;\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS events_delete INSTEAD OF DELETE ON events BEGIN\n"
	"  DELETE FROM event_rows WHERE id = OLD.id;\n"
	"END;\n";

static const char core_head_sql[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);\n"
	"CREATE TABLE IF NOT EXISTS sources(\n" SOURCES_COLUMNS ");\n"
	"CREATE TABLE IF NOT EXISTS channel_bookmarks(\n"
	"  source_id INTEGER NOT NULL PRIMARY KEY REFERENCES sources(id),\n"
	"  bookmark TEXT NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS source_chunks(\n"
	"  source_id INTEGER NOT NULL REFERENCES sources(id),\n"
	"  chunk_offset INTEGER NOT NULL,\n"
	"  fingerprint INTEGER NOT NULL,\n"
	"  PRIMARY KEY(source_id, chunk_offset)) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS field_names(id INTEGER PRIMARY KEY, crc INTEGER, names TEXT NOT NULL);\n"
	"CREATE INDEX IF NOT EXISTS field_names_by_crc ON field_names(crc);\n";

static const char core_tail_sql[] =
	"CREATE TABLE IF NOT EXISTS nps_reason_codes(\n"
	"  code INTEGER PRIMARY KEY, symbol TEXT, meaning TEXT NOT NULL, category TEXT,\n"
	"  reason_text TEXT, underlying_status TEXT, notes TEXT, sources TEXT);\n"
	"CREATE TABLE IF NOT EXISTS ras_error_codes(\n"
	"  code INTEGER PRIMARY KEY, hex TEXT, symbol TEXT, meaning TEXT NOT NULL, relevance TEXT,\n"
	"  typical_causes TEXT, related_reasons TEXT, sources TEXT);\n";

/* The views over the events and their typed rows, in two pieces: the
 * computed decision of nps_decisions goes between them, COLLATE "C" in
 * PostgreSQL (byte order, as every text column there: a CASE of literals
 * has the database's default collation otherwise). */
static const char *const views_sql[] = {
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
	"           WHEN 6278 THEN 'granted-full' WHEN 6279 THEN 'locked-out' WHEN 6280 THEN 'unlocked' END",
	/* COLLATE "C" in PostgreSQL */
	" AS decision,\n"
	"         a.subject_user_name, a.fq_subject_user_name, a.calling_station_id, a.nas_identifier,\n"
	"         a.client_name, a.client_ip_address, a.network_policy_name, a.authentication_type, a.eap_type,\n"
	"         a.reason_code, a.reason, c.symbol AS reason_symbol, c.meaning AS reason_meaning,\n"
	"         c.category AS reason_category\n"
	"  FROM events e JOIN nps_audit_events a ON a.event_ref = e.id\n"
	"  LEFT JOIN nps_reason_codes c ON c.code = a.reason_code;\n"};

/* event_fields, one row per field: a row per name of the event's
 * field_names row, its value from events.fields (the values the typed row
 * does not give back, by position) or else from the typed column of its
 * name (typed_value); in SQLite an INSERT into it appends a field to its
 * event, so that scripts written for the table of schema version 2 still
 * work. */
static const char *const fields_view_sqlite[] = {
	"CREATE VIEW IF NOT EXISTS event_fields AS\n"
	"  SELECT e.id AS event_ref, k.key AS pos, k.value AS name,\n"
	"         coalesce(json_extract(e.fields, '$.\"' || k.key || '\"'), ",
	/* typed_value */
	") AS value\n"
	"  FROM events e JOIN field_names n ON n.id = e.names_ref JOIN json_each(n.names) k",
	/* nd_fields_typed_joins */
	";\n"
	"CREATE TRIGGER IF NOT EXISTS event_fields_insert INSTEAD OF INSERT ON event_fields BEGIN\n"
	"  SELECT RAISE(ABORT, 'event_fields: insert the fields of a stored event in pos order from 0, with a value')\n"
	"   WHERE NEW.value IS NULL OR NOT EXISTS (SELECT 1 FROM events e WHERE e.id = NEW.event_ref\n"
	"     AND coalesce((SELECT json_array_length(names) FROM field_names WHERE id = e.names_ref), 0) = NEW.pos);\n"
	"  INSERT INTO field_names(names) SELECT x FROM (SELECT json_insert(coalesce((SELECT names FROM field_names\n"
	"     WHERE id = e.names_ref), '[]'), '$[#]', CAST(NEW.name AS TEXT)) AS x FROM events e WHERE e.id = NEW.event_ref)\n"
	"   WHERE NOT EXISTS (SELECT 1 FROM field_names WHERE names = x);\n"
	"  UPDATE event_rows SET names_ref = (SELECT id FROM field_names WHERE names = json_insert(coalesce((SELECT\n"
	"     names FROM field_names WHERE id = event_rows.names_ref), '[]'), '$[#]', CAST(NEW.name AS TEXT))\n"
	"     ORDER BY id LIMIT 1),\n"
	"   fields = json_set(coalesce(fields, '{}'), '$.\"' || NEW.pos || '\"', CAST(NEW.value AS TEXT))\n"
	"   WHERE id = NEW.event_ref;\n"
	"END;\n"};

/* PostgreSQL's event_fields: the name, out of JSON, COLLATE "C" (byte
 * order, as every text column there). */
static const char *const fields_view_pg[] = {
	"CREATE VIEW IF NOT EXISTS event_fields AS\n"
	"  SELECT e.id AS event_ref, k.pos - 1 AS pos, k.name COLLATE \"C\" AS name,\n"
	"         coalesce(CAST(e.fields AS json) ->> CAST(k.pos - 1 AS text), ",
	") AS value\n"
	"  FROM events e JOIN field_names n ON n.id = e.names_ref\n"
	"  CROSS JOIN LATERAL json_array_elements_text(CAST(n.names AS json)) WITH ORDINALITY AS k(name, pos)",
	";\n"};

/* Appends to b the value of an event_fields row from the typed columns,
 * the name being `name`: per family, the column of the name
 * (nd_family_column_of), a code as decimal text; NULL for none. The typed
 * table T is joined as t_T. Returns 0, or -1 when out of memory. */
static int typed_value(nd_buf *b, const char *name)
{
	const nd_family *const *f;
	int rc = nd_buf_printf(b, "CASE e.family");

	for (f = nd_families(); *f && rc == 0; f++) {
		const nd_family *fam = *f;
		size_t i;

		if (!fam->table)
			continue;
		rc = nd_buf_printf(b, " WHEN '%s' THEN CASE %s", fam->name, name);
		for (i = 0; i < fam->ncolumns && rc == 0; i++) {
			const char *spec = fam->columns[i].field;

			/* each name of the column's field that leads to it */
			while (*spec && rc == 0) {
				const char *bar = strchr(spec, '|');
				size_t n = bar ? (size_t)(bar - spec) : strlen(spec);
				char one[128];

				if (n < sizeof(one)) {
					memcpy(one, spec, n);
					one[n] = '\0';
					if (nd_family_column_of(fam, one) == (int)i)
						rc = fam->columns[i].type == ND_COL_TEXT
							 ? nd_buf_printf(b, " WHEN '%s' THEN t_%s.%s", one, fam->table,
									 fam->columns[i].name)
							 : nd_buf_printf(b, " WHEN '%s' THEN CAST(t_%s.%s AS TEXT)", one,
									 fam->table, fam->columns[i].name);
				}
				spec += n + (bar ? 1 : 0);
			}
		}
		rc = rc || nd_buf_printf(b, " END");
	}
	return rc || nd_buf_printf(b, " END");
}

/* Appends the event_fields view of dialect to b. Returns 0, or -1 when out
 * of memory. */
static int fields_view(nd_buf *b, nd_db_dialect dialect)
{
	const char *const *v = dialect == ND_DB_POSTGRESQL ? fields_view_pg : fields_view_sqlite;

	return nd_buf_append(b, v[0], strlen(v[0])) ||
	       typed_value(b, dialect == ND_DB_POSTGRESQL ? "k.name" : "k.value") ||
	       nd_buf_append(b, v[1], strlen(v[1])) || nd_fields_typed_joins(b) || nd_buf_append(b, v[2], strlen(v[2]));
}

/* Appends a NUL-terminated string to b. Returns 0, or -1 when out of
 * memory. */
static int put(nd_buf *b, const char *s)
{
	return nd_buf_append(b, s, strlen(s));
}

/* The families whose events have a partial index: an ingest of the NPS
 * Security log asks whether the text log's decisions are there for every
 * decision it stores (nd_decision_once); the index costs nothing for the
 * events of other families. */
static const char *const indexed_families[] = {"nps_text", NULL};

int nd_schema_family_indexed(const char *family)
{
	const char *const *f;

	for (f = indexed_families; *f; f++)
		if (strcmp(*f, family) == 0)
			return 1;
	return 0;
}

int nd_schema_sql(nd_buf *b, nd_db_dialect dialect)
{
	const char *rows = dialect == ND_DB_POSTGRESQL ? "events" : ND_SCHEMA_EVENT_ROWS;
	const nd_family *const *f;
	size_t i;

	if (put(b, core_head_sql) ||
	    nd_buf_printf(b, "CREATE TABLE IF NOT EXISTS %s(\n%s);\n%s", rows,
			  dialect == ND_DB_POSTGRESQL ? EVENTS_PG : EVENTS_SQLITE,
			  dialect == ND_DB_POSTGRESQL ? "" : events_view_sqlite) ||
	    nd_buf_printf(b,
			  "CREATE INDEX IF NOT EXISTS events_by_ts ON %s(ts);\n"
			  "CREATE INDEX IF NOT EXISTS events_by_event_id ON %s(event_id, ts);\n",
			  rows, rows) ||
	    put(b, core_tail_sql))
		return -1;
	for (i = 0; indexed_families[i]; i++)
		if (nd_buf_printf(b, "CREATE INDEX IF NOT EXISTS events_of_%s ON %s(ts) WHERE family = '%s';\n",
				  indexed_families[i], rows, indexed_families[i]))
			return -1;
	for (f = nd_families(); *f; f++) {
		const nd_family *fam = *f;

		if (!fam->table)
			continue;
		if (put(b, "CREATE TABLE IF NOT EXISTS ") || put(b, fam->table) ||
		    put(b, "(\n  event_ref INTEGER PRIMARY KEY REFERENCES ") || put(b, rows) || put(b, "(id)"))
			return -1;
		for (i = 0; i < fam->ncolumns; i++)
			if (put(b, ",\n  ") || put(b, fam->columns[i].name) ||
			    put(b, fam->columns[i].type == ND_COL_TEXT ? " TEXT" : " INTEGER"))
				return -1;
		if (put(b, ");\n"))
			return -1;
	}
	return put(b, views_sql[0]) || put(b, dialect == ND_DB_POSTGRESQL ? " COLLATE \"C\"" : "") ||
	       put(b, views_sql[1]) || fields_view(b, dialect);
}

/* Writes the fields of one event (ev) into its row ref. Returns 0, or -1
 * with err set. */
static int put_fields(nd_db *db, nd_stmt *st, nd_fields_names *c, int64_t ref, const nd_record *ev, nd_error *err)
{
	nd_buf values = {0};
	int64_t id;
	int rc;

	if (nd_fields_encode(&values, ev->fields, ev->nfields, 0) != 0)
		rc = nd_error_set(err, "out of memory");
	else
		rc = nd_fields_names_of(c, db, ev->fields, ev->nfields, &id, err) ||
			     nd_db_bind_int64(st, 1, id, "events", err) ||
			     nd_db_bind_text(st, 2, values.data, "events", err) ||
			     nd_db_bind_int64(st, 3, ref, "events", err) || nd_db_step(st, "events", err) < 0
			 ? -1
			 : 0;
	nd_buf_free(&values);
	return rc;
}

/* Step 2 -> 3: the rows of the event_fields table become each event's
 * fields column and field_names rows (nd_fields.h), in one pass in event
 * and position order, written as ingest writes them; then the table goes
 * and the schema script makes the view of the same name. A new database
 * (no such table) is left to the schema script. Returns 0, or -1 with err
 * set. */
static int fields_to_column(nd_db *db, nd_error *err)
{
	nd_fields_names names = {0};
	nd_stmt *rd = NULL, *wr = NULL;
	nd_record ev;
	int64_t ref = 0;
	int rc = nd_db_has_table(db, "event_fields", err);

	if (rc <= 0)
		return rc;
	nd_record_init(&ev);
	if (nd_db_exec_ddl(db,
			   "CREATE TABLE IF NOT EXISTS field_names(id INTEGER PRIMARY KEY, crc INTEGER, names TEXT NOT NULL);"
			   " ALTER TABLE events ADD COLUMN names_ref INTEGER REFERENCES field_names(id);"
			   " ALTER TABLE events ADD COLUMN fields TEXT;",
			   "schema migration", err) ||
	    nd_db_prepare(db, "SELECT event_ref, name, value FROM event_fields ORDER BY event_ref, pos", 0, &rd,
			  "event_fields", err) ||
	    nd_db_prepare(db, "UPDATE events SET names_ref = ?, fields = ? WHERE id = ?", 0, &wr, "events", err))
		goto fail;
	while ((rc = nd_db_step(rd, "event_fields", err)) == 1) {
		int64_t r = nd_db_column_int64(rd, 0);
		const char *value = nd_db_column_text(rd, 2);

		if (r != ref && ev.nfields) {
			if (put_fields(db, wr, &names, ref, &ev, err) != 0)
				goto fail;
			nd_record_reset(&ev);
		}
		ref = r;
		if (nd_record_add_field(&ev, nd_db_column_text(rd, 1), value ? value : "", value ? strlen(value) : 0)) {
			nd_error_set(err, "out of memory");
			goto fail;
		}
	}
	if (rc < 0 || (ev.nfields && put_fields(db, wr, &names, ref, &ev, err) != 0) ||
	    nd_db_exec_ddl(db, "DROP TABLE event_fields;", "schema migration", err))
		goto fail;
	rc = 0;
	goto done;
fail:
	rc = -1;
done:
	nd_db_finalize(rd);
	nd_db_finalize(wr);
	nd_fields_names_free(&names);
	nd_record_reset(&ev);
	return rc;
}

/* Step 5 -> 6: sources are keyed by host and path; the rows of an older
 * database get host '' (read before hosts were told apart: the first
 * machine that reads the same path again takes its row over, nd_store.h).
 * PostgreSQL changes the table in place; SQLite cannot drop a UNIQUE
 * constraint, so the table is made again with the same ids (the caller
 * turned foreign keys off: the events, chunks and bookmarks that point at
 * the ids stay as they are). Returns 0, or -1 with err set. */
static int sources_by_host(nd_db *db, nd_error *err)
{
	if (nd_db_dialect_of(db) == ND_DB_POSTGRESQL)
		return nd_db_exec_ddl(db,
				      "ALTER TABLE sources ADD COLUMN host TEXT NOT NULL DEFAULT '';"
				      " ALTER TABLE sources DROP CONSTRAINT IF EXISTS sources_path_key;"
				      " ALTER TABLE sources ADD UNIQUE(host, path);",
				      "schema migration", err);
	return nd_db_exec_ddl(db,
			      "CREATE TABLE sources_v6(\n" SOURCES_COLUMNS ");\n"
			      "INSERT INTO sources_v6(id, path, size, mtime, first_ingest, last_ingest, records, wanted,"
			      " stored, duplicates, skipped, errors, warnings, last_record_id, host)"
			      " SELECT id, path, size, mtime, first_ingest, last_ingest, records, wanted, stored,"
			      " duplicates, skipped, errors, warnings, last_record_id, '' FROM sources;\n"
			      "DROP TABLE sources;\n"
			      "ALTER TABLE sources_v6 RENAME TO sources;",
			      "schema migration", err);
}

/* Rewrites the fields of the events that sql selects (id, fields as a
 * JSON array, the names of field_names, then the text of each typed column
 * of fam, a code as decimal) as the values their typed row does not give
 * back (nd_fields_encode_rest); fam NULL: no typed row, every value. Returns
 * 0, or -1 with err set. */
static int fields_rest_of(nd_db *db, const char *sql, const nd_family *fam, nd_error *err)
{
	const char *typed[64];
	nd_stmt *rd = NULL, *wr = NULL;
	nd_buf name = {0}, value = {0}, rest = {0};
	nd_record ev;
	int *col = NULL;
	int rc;

	nd_record_init(&ev);
	if (nd_db_prepare(db, sql, 0, &rd, "events", err) ||
	    nd_db_prepare(db, "UPDATE events SET fields = ? WHERE id = ?", 0, &wr, "events", err))
		goto fail;
	while ((rc = nd_db_step(rd, "events", err)) == 1) {
		const char *v = nd_db_column_text(rd, 1), *n = nd_db_column_text(rd, 2);
		int nnull, vnull, more;
		size_t i;

		nd_record_reset(&ev);
		while (v && (more = nd_fields_next(&v, &value, &vnull)) == 1) {
			int named = n && nd_fields_next(&n, &name, &nnull) == 1 && !nnull;

			if (nd_record_add_field(&ev, named ? (name.data ? name.data : "") : NULL,
						value.data ? value.data : "", value.len) != 0) {
				nd_error_set(err, "out of memory");
				goto fail;
			}
		}
		if (v && more < 0) {
			nd_error_set(err, "database: events %lld: fields is not a JSON array",
				     (long long)nd_db_column_int64(rd, 0));
			goto fail;
		}
		free(col);
		if (!(col = malloc((ev.nfields ? ev.nfields : 1) * sizeof(*col)))) {
			nd_error_set(err, "out of memory");
			goto fail;
		}
		for (i = 0; i < ev.nfields; i++)
			col[i] = fam ? nd_family_column_of(fam, ev.fields[i].name) : -1;
		for (i = 0; fam && i < fam->ncolumns && i < sizeof(typed) / sizeof(typed[0]); i++)
			typed[i] = nd_db_column_text(rd, 3 + (int)i);
		nd_db_reset(wr);
		nd_db_clear(wr);
		if (nd_fields_encode_rest(&rest, ev.fields, ev.nfields, fam ? col : NULL, typed) != 0) {
			nd_error_set(err, "out of memory");
			goto fail;
		}
		if ((rest.len && nd_db_bind_text(wr, 1, rest.data, "events", err)) ||
		    nd_db_bind_int64(wr, 2, nd_db_column_int64(rd, 0), "events", err) || nd_db_step(wr, "events", err) < 0)
			goto fail;
	}
	if (rc == 0)
		goto done;
fail:
	rc = -1;
done:
	nd_db_finalize(rd);
	nd_db_finalize(wr);
	nd_buf_free(&name);
	nd_buf_free(&value);
	nd_buf_free(&rest);
	nd_record_reset(&ev);
	free(col);
	return rc;
}

/* Step 6 -> 7: one copy of each value. events.fields keeps only the values
 * the event's typed row does not give back, as a JSON object by position
 * (nd_fields_encode_rest), compared with what the typed row holds, so that
 * nothing is lost; the event_fields view goes, and the schema script makes
 * it again to read the rest from the typed columns. Rows whose fields is
 * not a JSON array (already in this form) are left as they are. Returns 0,
 * or -1 with err set. */
static int fields_rest(nd_db *db, nd_error *err)
{
	const nd_family *const *f;
	int rc = nd_db_exec_ddl(db, "DROP VIEW IF EXISTS event_fields;", "schema migration", err);

	for (f = nd_families(); *f && rc == 0; f++) {
		const nd_family *fam = *f;
		nd_buf sql = {0};
		size_t i;

		if (!fam->table || fam->ncolumns > 64)
			continue;
		rc = nd_buf_printf(&sql, "SELECT e.id, e.fields, n.names");
		for (i = 0; i < fam->ncolumns && rc == 0; i++)
			rc = fam->columns[i].type == ND_COL_BINARY_LE32
				     ? nd_buf_printf(&sql, ", NULL")
				     : nd_buf_printf(&sql, ", CAST(t.%s AS TEXT)", fam->columns[i].name);
		rc = rc || nd_buf_printf(&sql,
					 " FROM events e JOIN field_names n ON n.id = e.names_ref JOIN %s t ON t.event_ref = e.id"
					 " WHERE e.family = '%s' AND e.fields LIKE '[%%' ORDER BY e.id",
					 fam->table, fam->name);
		rc = rc ? nd_error_set(err, "out of memory") : fields_rest_of(db, sql.data, fam, err);
		nd_buf_free(&sql);
	}
	return rc || fields_rest_of(db,
				    "SELECT e.id, e.fields, n.names FROM events e LEFT JOIN field_names n"
				    " ON n.id = e.names_ref WHERE e.fields LIKE '[%' ORDER BY e.id",
				    NULL, err);
}

/* The keywords text of an events row read as "0x" and 16 hex digits, an
 * integer (nonsense where it is not such a text: compared after), digit by
 * digit. */
#define HEX_DIGIT(pos, shift) "((instr('0123456789abcdef', substr(keywords, " #pos ", 1)) - 1) << " #shift ")"
#define KEYWORDS_PARSED_SQL                                                                                            \
	"(" HEX_DIGIT(3, 60) "|" HEX_DIGIT(4, 56) "|" HEX_DIGIT(5, 52) "|" HEX_DIGIT(6, 48) "|" HEX_DIGIT(7, 44)      \
	"|" HEX_DIGIT(8, 40) "|" HEX_DIGIT(9, 36) "|" HEX_DIGIT(10, 32) "|" HEX_DIGIT(11, 28) "|" HEX_DIGIT(12, 24)  \
	"|" HEX_DIGIT(13, 20) "|" HEX_DIGIT(14, 16) "|" HEX_DIGIT(15, 12) "|" HEX_DIGIT(16, 8) "|" HEX_DIGIT(17, 4)  \
	"|" HEX_DIGIT(18, 0) ")"

/* The views that read the event tables, dropped before a step changes
 * those tables (the schema script makes them again). */
#define DROP_EVENT_VIEWS                                                                                               \
	"DROP VIEW IF EXISTS event_fields; DROP VIEW IF EXISTS client_failures; DROP VIEW IF EXISTS nps_decisions;\n"

/* Returns 1 when the events of db need neither step 8 nor step 10: a
 * PostgreSQL database (its table events stays) or a SQLite one that has
 * event_rows (made by the schema script, or by step 10); 0 when they do; -1
 * with err set. */
static int events_done(nd_db *db, nd_error *err)
{
	return nd_db_dialect_of(db) == ND_DB_POSTGRESQL ? 1 : nd_db_has_table(db, ND_SCHEMA_EVENT_ROWS, err);
}

/* Step 7 -> 8: in SQLite, keywords and time_created are computed, from
 * keyword_bits and ts; an event keeps its text in keywords_text or
 * time_text only where that differs from what they give, so nothing is
 * lost. SQLite cannot make a stored column computed, so the table is made
 * again with the same ids (the caller turned foreign keys off; the views
 * that read it go first, and the schema script makes them and the indexes
 * again). Nothing where events_done. Returns 0, or -1 with err set. */
static int events_computed(nd_db *db, nd_error *err)
{
	int rc = events_done(db, err);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return nd_db_exec_ddl(
		db,
		DROP_EVENT_VIEWS
		"CREATE TABLE events_v8(\n" EVENTS_V8_SQLITE ");\n"
		"INSERT INTO events_v8(id, family, provider, event_id, qualifiers, version, level, task, ts, record_id,"
		" channel, computer, user_sid, \"binary\", source_id, file_offset, written_ts, names_ref, fields,"
		" keyword_bits, keywords_text, time_text)"
		" SELECT id, family, provider, event_id, qualifiers, version, level, task, ts, record_id, channel,"
		" computer, user_sid, \"binary\", source_id, file_offset, written_ts, names_ref, fields,"
		" CASE WHEN keywords IS kw THEN keyword_bits END, CASE WHEN keywords IS kw THEN NULL ELSE keywords END,"
		" CASE WHEN time_created IS (" TIME_TEXT_SQL ") THEN NULL ELSE time_created END"
		" FROM (SELECT *, " KEYWORDS_TEXT_SQL " AS kw FROM (SELECT *, " KEYWORDS_PARSED_SQL " AS keyword_bits"
		" FROM events));\n"
		"DROP TABLE events;\n"
		"ALTER TABLE events_v8 RENAME TO events;",
		"schema migration", err);
}

/* The tables of schema version 8 that step 9 gives byte order, besides
 * the families' typed tables: npsdiag's own, not another application's
 * that shares the schema. */
static const char *const byte_order_tables[] = {
	"meta", "sources", "channel_bookmarks", "source_chunks", "field_names", "events", "nps_reason_codes",
	"ras_error_codes", "causes", "cause_steps", "cause_commands", "cause_sources", "incidents",
	"incident_events", "incident_facts", "diagnose_meta", "incident_keys", NULL};

/* Step 8 -> 9: in PostgreSQL every text column of npsdiag's tables is
 * COLLATE "C", compared and ordered byte by byte as SQLite does: under a
 * database's default collation (en_US.UTF-8, ICU) `ORDER BY computer` put
 * names in another order than the analysis's binary searches and merges
 * (strcmp) expect, and lookups missed. New tables get the collation from
 * the DDL (nd_db_pg.c); this step gives it to the text columns of the
 * tables of byte_order_tables and the typed tables in the current schema
 * that the connection may alter, by table (one rebuild of its indexes),
 * the views that read them dropped first (the schema script makes them
 * again). Another application's tables in the same schema are left as they
 * are. SQLite compares bytes already. Returns 0, or -1 with err set. */
static int text_byte_order(nd_db *db, nd_error *err)
{
	const char *const *t;
	const nd_family *const *f;
	nd_buf sql = {0};
	int rc;

	if (nd_db_dialect_of(db) != ND_DB_POSTGRESQL)
		return 0;
	rc = nd_buf_printf(&sql, "DO $nd$DECLARE t record; BEGIN\n"
				 " FOR t IN SELECT c.relname, string_agg(format('ALTER COLUMN %%I TYPE text COLLATE \"C\"',"
				 "  a.attname), ', ') AS cols FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
				 "  WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'"
				 "  AND c.relname IN ('");
	for (t = byte_order_tables; *t && rc == 0; t++)
		rc = nd_buf_printf(&sql, "%s%s", t == byte_order_tables ? "" : "', '", *t);
	for (f = nd_families(); *f && rc == 0; f++)
		if ((*f)->table)
			rc = nd_buf_printf(&sql, "', '%s", (*f)->table);
	rc = rc || nd_buf_printf(&sql, "')"
				       "  AND pg_has_role(c.relowner, 'USAGE') AND a.attnum > 0 AND NOT a.attisdropped"
				       "  AND a.atttypid = 'text'::regtype AND NOT EXISTS (SELECT 1 FROM pg_collation l"
				       "  WHERE l.oid = a.attcollation AND l.collname = 'C') GROUP BY c.relname\n"
				       " LOOP EXECUTE format('ALTER TABLE %%I ', t.relname) || t.cols; END LOOP;\n"
				       "END$nd$");
	if (rc != 0) {
		nd_buf_free(&sql);
		return nd_error_set(err, "out of memory");
	}
	rc = nd_db_exec_ddl(db,
			    DROP_EVENT_VIEWS,
			    "schema migration", err) ||
	     nd_db_exec(db, sql.data, "schema migration", err);
	nd_buf_free(&sql);
	return rc ? -1 : 0;
}

/* Step 9 -> 10: in SQLite, no INSERT computes keywords and time_created:
 * the table events loses both virtual columns (no bytes to rewrite) and
 * becomes event_rows, which the typed tables' foreign keys and the indexes
 * follow (ALTER TABLE RENAME); the views that read it go first, and the
 * schema script makes the view events, which computes both, and the views
 * again. Nothing where events_done. Returns 0, or -1 with err set. */
static int events_view(nd_db *db, nd_error *err)
{
	int rc = events_done(db, err);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return nd_db_exec_ddl(
		db,
		DROP_EVENT_VIEWS
		"ALTER TABLE events DROP COLUMN keywords;\n"
		"ALTER TABLE events DROP COLUMN time_created;\n"
		"ALTER TABLE events RENAME TO event_rows;",
		"schema migration", err);
}

/* What steps 11 and 12 share, each moving a table of the incidents' rows
 * (table) into a TEXT column of incidents (column): adds the column where
 * it is missing and sets *moving when table is still a table. Returns 1
 * when the step goes on (its rows to move, then its view), 0 when there is
 * nothing to do (incidents is no table, or has the column while table is
 * none), or -1 with err set. */
static int column_for(nd_db *db, const char *column, const char *table, int *moving, nd_error *err)
{
	char sql[80];
	int has, rc = nd_db_has_table(db, "incidents", err);

	if (rc <= 0)
		return rc;
	if ((has = nd_db_has_column(db, "incidents", column, err)) < 0 || (*moving = nd_db_has_table(db, table, err)) < 0)
		return -1;
	if (has && !*moving)
		return 0;
	snprintf(sql, sizeof(sql), "ALTER TABLE incidents ADD COLUMN %s TEXT;", column);
	return !has && nd_db_exec_ddl(db, sql, "schema migration", err) != 0 ? -1 : 1;
}

/* Step 10 -> 11: the key of each incident and finding goes into its
 * incidents row (column key) and incident_keys, a table of its own, becomes
 * a view of it: one row fewer per incident for diagnose to insert. Every
 * key stays with its incident. Nothing where incidents is no table (no
 * diagnose ran yet: nd_incidents makes the tables and the view) or already
 * has the column while incident_keys is no table (made so by this version);
 * the column and the view without keys where incident_keys was dropped by
 * hand. Returns 0, or -1 with err set. */
static int incident_key_column(nd_db *db, nd_error *err)
{
	int keys, rc = column_for(db, "key", "incident_keys", &keys, err);

	if (rc <= 0)
		return rc;
	if (keys && nd_db_exec_ddl(db,
				   "UPDATE incidents SET key = coalesce((SELECT k.key FROM incident_keys k"
				   " WHERE k.incident_id = incidents.id), key);\n"
				   "DROP TABLE incident_keys;",
				   "schema migration", err) != 0)
		return -1;
	return nd_db_exec_ddl(db, ND_INCIDENT_KEYS_VIEW(""), "schema migration", err);
}

/* facts_to_column on PostgreSQL: one statement in the server. A round
 * trip per incident and a SELECT that libpq holds whole in memory (1.87M
 * facts at 1M incidents) would keep every collector waiting on the schema
 * lock. Its JSON differs from nd_incidents_fact_put's in white space and
 * in how it escapes, which the view and nd_incidents_fact_next read alike;
 * the next diagnose writes the column again. */
#define PG_FACTS_TO_COLUMN \
	"UPDATE incidents SET facts = f.j FROM (\n" \
	"  SELECT t.incident_id, CAST(json_agg(CASE WHEN x.pos IS NULL THEN NULL" \
	" ELSE json_build_array(x.name, x.value) END ORDER BY g.p) AS text) AS j\n" \
	"  FROM (SELECT incident_id, max(pos) AS m FROM incident_facts GROUP BY incident_id) t\n" \
	"  CROSS JOIN LATERAL generate_series(1, t.m) AS g(p)\n" \
	"  LEFT JOIN incident_facts x ON x.incident_id = t.incident_id AND x.pos = g.p\n" \
	"  GROUP BY t.incident_id) f\n" \
	"  WHERE incidents.id = f.incident_id;"

/* Writes the facts built in json (positions *n) as the facts column of
 * incident id with wr, and empties json. Returns 0, or -1 with err set. */
static int facts_row(nd_stmt *wr, int64_t id, nd_buf *json, size_t *n, nd_error *err)
{
	int rc = nd_incidents_facts_end(json) ? nd_error_set(err, "out of memory")
		 : nd_db_bind_text(wr, 1, json->data, "incidents", err) ||
			 nd_db_bind_int64(wr, 2, id, "incidents", err) || nd_db_step(wr, "incidents", err) < 0
		     ? -1
		     : 0;

	nd_db_reset(wr);
	nd_buf_reset(json);
	*n = 0;
	return rc;
}

/* Writes the facts of the incidents in incident_facts, a table, into
 * their incidents rows (nd_incidents_fact_put), on SQLite. Returns 0, or
 * -1 with err set. */
static int facts_to_column(nd_db *db, nd_error *err)
{
	nd_stmt *rd = NULL, *wr = NULL;
	nd_buf json = {0};
	size_t n = 0;
	int64_t id = 0;
	int rc;

	if (nd_db_prepare(db, "SELECT incident_id, pos, name, value FROM incident_facts ORDER BY incident_id, pos", 0,
			  &rd, "incident_facts", err) ||
	    nd_db_prepare(db, "UPDATE incidents SET facts = ? WHERE id = ?", 0, &wr, "incidents", err)) {
		nd_db_finalize(rd);
		return -1;
	}
	while ((rc = nd_db_step(rd, "incident_facts", err)) >= 0) {
		int64_t next = rc ? nd_db_column_int64(rd, 0) : 0;
		int64_t pos = rc ? nd_db_column_int64(rd, 1) : 0;
		const char *name = rc ? nd_db_column_text(rd, 2) : NULL, *value = rc ? nd_db_column_text(rd, 3) : NULL;

		if (id && next != id && facts_row(wr, id, &json, &n, err) != 0) {
			rc = -1;
			break;
		}
		if (!rc)
			break;
		id = next;
		if (nd_incidents_fact_put(&json, &n, pos > 0 ? (size_t)pos : 0, name ? name : "", value ? value : "")) {
			rc = nd_error_set(err, "out of memory");
			break;
		}
	}
	nd_db_finalize(rd);
	nd_db_finalize(wr);
	nd_buf_free(&json);
	return rc;
}

/* Step 11 -> 12: the facts of each incident and finding go into its
 * incidents row (column facts, nd_incidents) and incident_facts, a table
 * of its own, becomes a view of it: a third fewer rows for diagnose to
 * insert. Every fact stays with its incident, at its position. Nothing
 * where incidents is no table (no diagnose ran yet: nd_incidents makes the
 * tables and the views) or already has the column while incident_facts is
 * no table (made so by this version). Returns 0, or -1 with err set. */
static int incident_facts_column(nd_db *db, nd_error *err)
{
	int facts, rc = column_for(db, "facts", "incident_facts", &facts, err);

	if (rc <= 0)
		return rc;
	if (facts && ((nd_db_dialect_of(db) == ND_DB_POSTGRESQL
			       ? nd_db_exec_ddl(db, PG_FACTS_TO_COLUMN, "schema migration", err)
			       : facts_to_column(db, err)) != 0 ||
		      nd_db_exec_ddl(db, "DROP TABLE incident_facts;", "schema migration", err) != 0))
		return -1;
	return nd_incidents_views(db, err);
}

/* Step 12 -> 13: in PostgreSQL the two computed text columns of the event
 * views, event_fields.name and nps_decisions.decision, are COLLATE "C" too
 * (byte order, as step 9 made the columns of the tables). CREATE OR
 * REPLACE VIEW cannot change a column's collation, so the event views go
 * and the schema script makes them again. SQLite compares bytes already.
 * Returns 0, or -1 with err set. */
static int event_views_byte_order(nd_db *db, nd_error *err)
{
	if (nd_db_dialect_of(db) != ND_DB_POSTGRESQL)
		return 0;
	return nd_db_exec_ddl(db, DROP_EVENT_VIEWS, "schema migration", err) ? -1 : 0;
}

/* One step of the schema's history: SQL, or a function when rows must be
 * rewritten. */
typedef struct migration {
	const char *sql;
	int (*run)(nd_db *db, nd_error *err);
} migration;

/* The schema's history: step i turns a database of version i into version
 * i + 1; the schema script then adds whatever tables and views are
 * missing. Version 1 is the first layout, so its step has nothing to change
 * (a new database is version 0). A new layout appends its step here and
 * raises ND_SCHEMA_VERSION. */
static const migration migrations[] = {
	{"", NULL}, /* 0 -> 1: a new database, made by the schema script */
	/* 1 -> 2: the result tables go; the next diagnose makes them again
	 * without foreign keys and with incident_keys (nd_incidents). */
	{"DROP TABLE IF EXISTS incident_facts; DROP TABLE IF EXISTS incident_events; DROP TABLE IF EXISTS incidents;"
	 " DROP TABLE IF EXISTS cause_sources; DROP TABLE IF EXISTS cause_commands; DROP TABLE IF EXISTS cause_steps;"
	 " DROP TABLE IF EXISTS causes; DROP TABLE IF EXISTS diagnose_meta;",
	 NULL},
	/* 2 -> 3: one row per event (issue 10 item 3). */
	{NULL, fields_to_column},
	/* 3 -> 4: the highest record id tail read from each source, so that a
	 * restarted tail names the records a wrap overwrote unread (nd_tail). */
	{"ALTER TABLE sources ADD COLUMN last_record_id INTEGER;", NULL},
	/* 4 -> 5: where the tail of each Windows event log channel stands (its
	 * bookmark, nd_channel), written with the events it covers; source_id
	 * is the channel's sources row. The schema script makes the same table
	 * on a new database. */
	{"CREATE TABLE IF NOT EXISTS channel_bookmarks(\n"
	 "  source_id INTEGER NOT NULL PRIMARY KEY REFERENCES sources(id),\n"
	 "  bookmark TEXT NOT NULL);",
	 NULL},
	/* 5 -> 6: the host in the key of sources (a fleet writing one
	 * database, docs/fleet.md). */
	{NULL, sources_by_host},
	/* 6 -> 7: one copy of each value (issue 10). */
	{NULL, fields_rest},
	/* 7 -> 8: keywords and time_created computed in SQLite (issue 10). */
	{NULL, events_computed},
	/* 8 -> 9: PostgreSQL's text columns in byte order (issue 11). */
	{NULL, text_byte_order},
	/* 9 -> 10: the table event_rows and the view events in SQLite, so that
	 * no INSERT computes keywords and time_created (issue 10). */
	{NULL, events_view},
	/* 10 -> 11: the incident key in the incidents row (issue 11). */
	{NULL, incident_key_column},
	/* 11 -> 12: the incident's facts in the incidents row (issue 11). */
	{NULL, incident_facts_column},
	/* 12 -> 13: the computed text columns of PostgreSQL's event views in
	 * byte order. */
	{NULL, event_views_byte_order},
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
	if (nd_schema_sql(&script, nd_db_dialect_of(db)) != 0)
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
	/* A new database (no sources table) gets the whole layout from the
	 * script: the steps change the tables of an older one. */
	if (from == 0 && (rc = nd_db_has_table(db, "sources", err)) <= 0) {
		if (rc < 0)
			return -1;
		from = ND_SCHEMA_VERSION;
	}
	for (i = from; i < ND_SCHEMA_VERSION; i++)
		if (migrations[i].sql ? nd_db_exec_ddl(db, migrations[i].sql, "schema migration", err)
				      : migrations[i].run(db, err))
			return nd_error_prefix(err, "from version %d", i);
	if (nd_schema_sql(&script, nd_db_dialect_of(db)) != 0)
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
