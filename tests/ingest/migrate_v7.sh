#!/bin/sh
# Schema step 8 (version 7 -> 8, keywords and time_created computed): a version 7
# database written by the previous npsdiag (schema-v7.sql: `sqlite3 .dump`
# of its ingest of the fixtures below, from the source tree, code tables
# left out) is migrated by the first command that opens it. Every column it
# had reads as before (time_created too, through the views as well), no
# event keeps a text that ts gives back, and every table, diagnose and the
# reports are what a new ingest of the same files gives. A text that ts
# or keyword_bits does not give back (a row changed by hand, an event
# before 1970) stays.
. "$(dirname "$0")/lib.sh"
FILES=$MIGRATE_FIXTURES
for f in $FILES; do need "$SRC/$f"; done
NEW=$T/new.db
V7="id, family, provider, event_id, qualifiers, version, level, task, keywords, time_created, ts, record_id, channel,
	computer, user_sid, \"binary\", source_id, file_offset, written_ts, names_ref, fields"
events="SELECT $V7 FROM events ORDER BY id"
# (the code tables, empty in the dump, are loaded by the first command)
views="SELECT event_ref, time_created, ts, computer, event_id, coid, user_name, connection_name, code, code_text
	FROM client_failures ORDER BY event_ref;
	SELECT event_ref, time_created, ts, computer, event_id, decision, subject_user_name, fq_subject_user_name,
	calling_station_id, nas_identifier, client_name, client_ip_address, network_policy_name, authentication_type,
	eap_type, reason_code, reason FROM nps_decisions ORDER BY event_ref;
	SELECT event_ref, pos, quote(name), hex(value) FROM event_fields ORDER BY event_ref, pos"
export NPSDIAG_HOST=nps01

sqlite3 -batch "$DB" <"$(dirname "$0")/schema-v7.sql"
cp "$DB" "$T/hand.db"
q "$events" >"$T/v7"
q "$views" >"$T/v7.views"
eq "the version 7 database" "$(q "SELECT value FROM meta WHERE key = 'schema_version'") $(wc -l <"$T/v7")" "7 70"
eq "its view rows (one value holds a line break)" "$(wc -l <"$T/v7.views")" 1271
"$NPSDIAG" diagnose --db "$DB" --format json >"$T/migrated.json" 2>"$T/err"
rc=$?
eq "diagnose on the version 7 database (1: incidents found)" "$rc" 1
eq "migrated to version 13" "$(q "SELECT value FROM meta WHERE key = 'schema_version'")" 13
eq "no text kept that ts or the bits give back" "$(q "SELECT count(*), count(time_text), count(keyword_bits),
	count(keywords_text) FROM events")" "70|0|70|0"
q "$events" >"$T/v8"
if cmp -s "$T/v7" "$T/v8"; then ok; else fail "events differ after the migration"; diff "$T/v7" "$T/v8" | head -5 >&2; fi
q "$views" >"$T/v8.views"
if cmp -s "$T/v7.views" "$T/v8.views"; then ok; else fail "the views differ after the migration"; fi
eq "the indexes made again" "$(q "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema
	WHERE tbl_name = 'event_rows' AND type = 'index' AND sql IS NOT NULL ORDER BY name)")" \
	"events_by_event_id events_by_ts events_of_nps_text"
eq "foreign keys hold" "$(q "PRAGMA foreign_key_check")" ""

same_as_new_ingest md html csv
for t in events field_names nps_audit_events ras_client_events capi2_events; do
	eq "$t as a new ingest writes it" "$(q "SELECT * FROM $t ORDER BY 1" | md5sum)" "$(DB=$NEW q "SELECT * FROM $t ORDER BY 1" | md5sum)"
done
eq "a new ingest keeps no text" "$(DB=$NEW q "SELECT count(time_text) FROM events")" 0

# Texts that ts does not give back: changed by hand, and before 1970.
DB=$T/hand.db
q "UPDATE events SET time_created = '2025-03-14T09:12:43.5Z' WHERE id = 3;
	UPDATE events SET ts = -10000001, time_created = '1969-12-31T23:59:58.9999999Z' WHERE id = 5;
	UPDATE events SET keywords = '0X8010000000000000' WHERE id = 6; UPDATE events SET keywords = NULL WHERE id = 7;
	UPDATE events SET keywords = '0x8010' WHERE id = 8"
q "$events" >"$T/hand7"
"$NPSDIAG" diagnose --db "$DB" --format json >/dev/null 2>"$T/err"
eq "migrated to version 13 (changed by hand)" "$(q "SELECT value FROM meta WHERE key = 'schema_version'")" 13
eq "the two texts kept" "$(q "SELECT group_concat(id || ' ' || time_text, ', ') FROM events WHERE time_text IS NOT NULL")" \
	"3 2025-03-14T09:12:43.5Z, 5 1969-12-31T23:59:58.9999999Z"
eq "the keywords kept" "$(q "SELECT group_concat(id || ' ' || quote(keyword_bits) || ' ' || quote(keywords_text), ', ')
	FROM events WHERE id IN (6, 7, 8, 9, 19)")" "6 NULL '0X8010000000000000', 7 NULL NULL, 8 NULL '0x8010', 9 36028797018963968 NULL, 19 -9218868437227405312 NULL"
q "$events" >"$T/hand8"
if cmp -s "$T/hand7" "$T/hand8"; then ok; else fail "events differ after the migration (changed by hand)"; fi
finish
