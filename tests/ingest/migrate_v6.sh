#!/bin/sh
# Schema step 7 (version 6 -> 7, one copy of each value): a version 6
# database written by the previous npsdiag (schema-v6.sql: `sqlite3 .dump`
# of its ingest of the fixtures below, from the source tree, code tables
# left out) is migrated by the first command that opens it. Its event_fields
# view then gives exactly the rows it gave before, events.fields keeps only
# what the typed rows do not give back, and every table, diagnose and the
# reports are what a new ingest of the same files gives (which makes a file
# of 16 KiB pages; the migrated one keeps its 4 KiB). A typed value that
# differs from its field (a row changed by hand) keeps the field's value.
. "$(dirname "$0")/lib.sh"
FILES=$MIGRATE_FIXTURES
for f in $FILES; do need "$SRC/$f"; done
NEW=$T/new.db
rows="SELECT event_ref, pos, quote(name), typeof(value), hex(value) FROM event_fields ORDER BY event_ref, pos"
export NPSDIAG_HOST=nps01

sqlite3 -batch "$DB" <"$(dirname "$0")/schema-v6.sql"
cp "$DB" "$T/hand.db"
q "$rows" >"$T/v6"
eq "the version 6 database" "$(q "SELECT value FROM meta WHERE key = 'schema_version'") $(wc -l <"$T/v6")" "6 1242"
eq "its NPS events keep every value in fields" "$(q "SELECT count(*) FROM events WHERE family = 'nps_audit' AND fields LIKE '[%'")" 16
"$NPSDIAG" diagnose --db "$DB" --format json >"$T/migrated.json" 2>"$T/err"
rc=$?
eq "diagnose on the version 6 database (1: incidents found)" "$rc" 1
eq "migrated to version 13" "$(q "SELECT value FROM meta WHERE key = 'schema_version'")" 13
eq "no fields left as an array" "$(q "SELECT count(*) FROM events WHERE fields LIKE '[%'")" 0
eq "NPS events: only what no column holds" "$(q "SELECT count(fields), sum(length(fields)) FROM events WHERE family = 'nps_audit'")" "4|50"
q "$rows" >"$T/v7"
if cmp -s "$T/v6" "$T/v7"; then ok; else fail "event_fields rows differ after the migration"; diff "$T/v6" "$T/v7" | head -5 >&2; fi

same_as_new_ingest md html csv
eq "a new file has 16 KiB pages" "$(DB=$NEW q "PRAGMA page_size")" 16384
eq "a migrated file keeps its pages" "$(q "PRAGMA page_size")" 4096
DB=$NEW q "$rows" >"$T/new"
if cmp -s "$T/v6" "$T/new"; then ok; else fail "event_fields rows differ from a new ingest"; fi
for t in events field_names nps_audit_events ras_client_events capi2_events; do
	eq "$t as a new ingest writes it" "$(q "SELECT * FROM $t ORDER BY 1" | md5sum)" "$(DB=$NEW q "SELECT * FROM $t ORDER BY 1" | md5sum)"
done

# A typed column changed by hand: the field keeps its own value.
DB=$T/hand.db
q "UPDATE nps_audit_events SET eap_type = 'changed', reason_code = 7 WHERE event_ref = (SELECT min(event_ref)
	FROM nps_audit_events a JOIN events e ON e.id = a.event_ref WHERE e.event_id = 6273)"
"$NPSDIAG" diagnose --db "$DB" --format json >/dev/null 2>"$T/err"
eq "migrated to version 13 (changed by hand)" "$(q "SELECT value FROM meta WHERE key = 'schema_version'")" 13
q "$rows" >"$T/hand"
if cmp -s "$T/v6" "$T/hand"; then ok; else fail "event_fields rows differ after the migration (changed by hand)"; fi
eq "the changed values stay in fields" "$(q "SELECT json_extract(fields, '\$.\"22\"') || ' ' ||
	json_type(fields, '\$.\"24\"') FROM events WHERE id = (SELECT min(event_ref) FROM nps_audit_events
	WHERE eap_type = 'changed')")" "Microsoft: Smart Card or other certificate text"
finish
