#!/bin/sh
# Schema step 3 (version 2 -> 3, one row per event): a version 2 database
# written by the previous npsdiag (schema-v2.sql: `sqlite3 .dump` of its
# ingest of the fixtures below, from the source tree, code tables left out)
# is migrated by the first command that opens it. Its event_fields view
# then gives exactly the rows its table had, and events and diagnose are
# what a new ingest of the same files gives.
. "$(dirname "$0")/lib.sh"
FILES=$MIGRATE_FIXTURES
for f in $FILES; do need "$SRC/$f"; done
NEW=$T/new.db
rows="SELECT event_ref, pos, quote(name), typeof(value), hex(value) FROM event_fields ORDER BY event_ref, pos"

sqlite3 -batch "$DB" <"$(dirname "$0")/schema-v2.sql"
q "$rows" >"$T/v2"
eq "the version 2 database" "$(q "SELECT value FROM meta WHERE key = 'schema_version'") $(wc -l <"$T/v2")" "2 1242"
"$NPSDIAG" diagnose --db "$DB" --format json >"$T/migrated.json" 2>"$T/err"
rc=$?
eq "diagnose on the version 2 database (1: incidents found)" "$rc" 1
eq "migrated to version 13" "$(q "SELECT value FROM meta WHERE key = 'schema_version'")" 13
eq "event_fields is a view" "$(q "SELECT type FROM sqlite_schema WHERE name = 'event_fields'")" view
eq "one field_names row per layout" "$(q "SELECT count(*) = count(DISTINCT names) FROM field_names")" 1
q "$rows" >"$T/v3"
if cmp -s "$T/v2" "$T/v3"; then ok; else fail "event_fields rows differ after the migration"; diff "$T/v2" "$T/v3" | head -5 >&2; fi

same_as_new_ingest
DB=$NEW q "$rows" >"$T/new"
if cmp -s "$T/v2" "$T/new"; then ok; else fail "event_fields rows differ from a new ingest"; fi
for t in events field_names nps_audit_events ras_client_events capi2_events; do
	eq "$t as a new ingest writes it" "$(q "SELECT * FROM $t ORDER BY 1" | md5sum)" "$(DB=$NEW q "SELECT * FROM $t ORDER BY 1" | md5sum)"
done
finish
