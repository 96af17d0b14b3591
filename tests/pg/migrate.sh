#!/bin/sh
# Schema steps 3-7 and 12 on PostgreSQL: a database put back into the version 2
# layout (the event_fields table, no fields columns, no field_names, no
# sources.last_record_id, no channel_bookmarks, sources keyed by path
# alone) is migrated by the next command that opens it, and gives the same
# event_fields rows and the same diagnose --format json as before; its
# sources keep their ids and checkpoints (host ''), and the next ingest on
# this machine takes them over and reads nothing again. Step 12: the
# facts of a version 11 database (a table of their own) move into the
# incidents rows, each at its position (one left empty by hand), and read
# the same through the view incident_facts; report says the same.
# (tests/ingest/migrate_v2.sh migrates a version 2 SQLite database written
# by the previous npsdiag itself.)
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/pg/lib.sh"
newdb nd_migrate
rows="SELECT event_ref, pos, coalesce(name, '(null)'), md5(value) FROM event_fields ORDER BY event_ref, pos"
"$NPSDIAG" ingest --db "$PG" "$FIX/error853"/*.evtx "$FIX/capi2"/*.evtx "$FIX/nasty"/*.evtx >/dev/null 2>&1 ||
	fail "ingest"
pq "$rows" >"$T/v3"
sources=$(pq "SELECT count(*) FROM sources")
stored=$(pq "SELECT sum(stored) FROM sources")
"$NPSDIAG" diagnose --db "$PG" --format json | sed 's/"generated":"[^"]*",//' >"$T/before.json"
pq "CREATE TABLE event_fields_v2 AS SELECT * FROM event_fields; DROP VIEW event_fields;
	ALTER TABLE event_fields_v2 RENAME TO event_fields; ALTER TABLE events DROP COLUMN names_ref, DROP COLUMN fields;
	DROP TABLE field_names; ALTER TABLE sources DROP COLUMN last_record_id; DROP TABLE channel_bookmarks;
	ALTER TABLE sources DROP CONSTRAINT sources_host_path_key, DROP COLUMN host, ADD UNIQUE(path);
	UPDATE meta SET value = '2' WHERE key = 'schema_version'" >/dev/null
pq "$rows" >"$T/v2"
if cmp -s "$T/v2" "$T/v3"; then ok; else fail "the version 2 table was not made from the view"; fi
"$NPSDIAG" diagnose --db "$PG" --format json 2>"$T/err" | sed 's/"generated":"[^"]*",//' >"$T/after.json"
eq "migrated to version 13" "$(pq "SELECT value FROM meta WHERE key = 'schema_version'")" 13
eq "event_fields is a view again" "$(pq "SELECT count(*) FROM pg_views WHERE viewname = 'event_fields'")" 1
pq "$rows" >"$T/migrated"
if cmp -s "$T/v2" "$T/migrated"; then ok; else fail "event_fields rows differ after the migration"; diff "$T/v2" "$T/migrated" | head -5 >&2; fi
if [ -s "$T/after.json" ] && cmp -s "$T/before.json" "$T/after.json"; then ok; else
	fail "diagnose --format json differs after the migration"
	cat "$T/err" >&2
fi
eq "sources kept, with host ''" "$(pq "SELECT count(*), count(*) FILTER (WHERE host = '') FROM sources")" \
	"$sources|$sources"
NPSDIAG_HOST=nps01 "$NPSDIAG" ingest --db "$PG" "$FIX/error853"/*.evtx "$FIX/capi2"/*.evtx "$FIX/nasty"/*.evtx \
	>"$T/out" 2>&1 || fail "ingest after the migration"
eq "the next ingest took the sources over" "$(pq "SELECT count(*), count(*) FILTER (WHERE host = 'nps01') FROM sources")" \
	"$sources|$sources"
eq "and read nothing again (nothing stored, no duplicates met)" \
	"$(pq "SELECT sum(stored), sum(duplicates) FROM sources")" "$stored|0"
facts="SELECT incident_id, pos, name, md5(value) FROM incident_facts ORDER BY incident_id, pos"
"$NPSDIAG" report --db "$PG" --format json --no-timestamp >"$T/r12" 2>&1 || fail "report"
pq "$facts" >"$T/f12"
pq "CREATE TABLE incident_facts_v11 AS SELECT * FROM incident_facts; DROP VIEW incident_facts;
	ALTER TABLE incident_facts_v11 RENAME TO incident_facts; ALTER TABLE incidents DROP COLUMN facts;
	UPDATE meta SET value = '11' WHERE key = 'schema_version'" >/dev/null
"$NPSDIAG" report --db "$PG" --format json --no-timestamp >"$T/r11" 2>"$T/err" || fail "report on version 11"
eq "migrated from 11 to 13" "$(pq "SELECT value FROM meta WHERE key = 'schema_version'")" 13
if [ -s "$T/f12" ] && pq "$facts" | cmp -s - "$T/f12"; then ok; else fail "incident_facts differs after step 12"; fi
if cmp -s "$T/r11" "$T/r12"; then ok; else fail "report differs after step 12"; cat "$T/err" >&2; fi
pq "CREATE TABLE incident_facts_v11 AS SELECT * FROM incident_facts; DROP VIEW incident_facts;
	ALTER TABLE incident_facts_v11 RENAME TO incident_facts; ALTER TABLE incidents DROP COLUMN facts;
	DELETE FROM incident_facts WHERE (incident_id, pos) = (SELECT incident_id, 1 FROM incident_facts
	 GROUP BY incident_id HAVING count(*) > 1 ORDER BY incident_id LIMIT 1);
	UPDATE meta SET value = '11' WHERE key = 'schema_version'" >/dev/null
pq "$facts" >"$T/gap"
"$NPSDIAG" report --db "$PG" --format json --no-timestamp >/dev/null 2>"$T/err" || fail "report on version 11 (a gap)"
if [ "$(wc -l <"$T/gap")" -lt "$(wc -l <"$T/f12")" ] && pq "$facts" | cmp -s - "$T/gap"; then ok; else
	fail "a position left empty moved after step 12"
fi
finish
