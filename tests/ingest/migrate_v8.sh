#!/bin/sh
# Schema steps 9 and 10 (version 8 -> 10; step 10 makes events a view over event_rows in SQLite): a
# version 8 database written by the previous npsdiag (schema-v8.sql:
# `sqlite3 .dump` of its ingest of the fixtures below, from the source tree,
# code tables left out), with rows changed by hand, is migrated by the first
# command that opens it. Every column of events and of the views reads as
# before, the typed tables' foreign keys and the indexes follow the rows into
# event_rows, every table, diagnose and the reports are what a new ingest of
# the same files gives, and events can still be written as a table: INSERT,
# UPDATE and DELETE change event_rows, keywords and time_created written as
# text read back as written.
. "$(dirname "$0")/lib.sh"
FILES=$MIGRATE_FIXTURES
for f in $FILES; do need "$SRC/$f"; done
NEW=$T/new.db
V8="id, family, provider, event_id, qualifiers, version, level, task, keywords, time_created, ts, record_id, channel,
	computer, user_sid, \"binary\", source_id, file_offset, written_ts, names_ref, fields, keyword_bits, keywords_text,
	time_text"
events="SELECT $V8 FROM events ORDER BY id"
views="SELECT event_ref, time_created, ts, computer, event_id, coid, user_name, connection_name, code, code_text
	FROM client_failures ORDER BY event_ref;
	SELECT event_ref, time_created, ts, computer, event_id, decision, subject_user_name, fq_subject_user_name,
	calling_station_id, nas_identifier, client_name, client_ip_address, network_policy_name, authentication_type,
	eap_type, reason_code, reason FROM nps_decisions ORDER BY event_ref;
	SELECT event_ref, pos, quote(name), hex(value) FROM event_fields ORDER BY event_ref, pos"
export NPSDIAG_HOST=nps01

sqlite3 -batch "$DB" <"$(dirname "$0")/schema-v8.sql"
q "$events" >"$T/v8"
q "$views" >"$T/v8.views"
eq "the version 8 database" "$(q "SELECT value FROM meta WHERE key = 'schema_version'") $(wc -l <"$T/v8")" "8 70"
"$NPSDIAG" diagnose --db "$DB" --format json >"$T/migrated.json" 2>"$T/err"
rc=$?
eq "diagnose on the version 8 database (1: incidents found)" "$rc" 1
eq "migrated to version 13" "$(q "SELECT value FROM meta WHERE key = 'schema_version'")" 13
eq "event_rows a table, events a view" "$(q "SELECT group_concat(name || ' ' || type, ', ') FROM (SELECT name, type
	FROM sqlite_schema WHERE name IN ('events', 'event_rows') ORDER BY name)")" "event_rows table, events view"
q "$events" >"$T/v9"
if cmp -s "$T/v8" "$T/v9"; then ok; else fail "events differ after the migration"; diff "$T/v8" "$T/v9" | head -5 >&2; fi
q "$views" >"$T/v9.views"
if cmp -s "$T/v8.views" "$T/v9.views"; then ok; else fail "the views differ after the migration"; fi
eq "the indexes follow the rows" "$(q "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema
	WHERE tbl_name = 'event_rows' AND type = 'index' AND sql IS NOT NULL ORDER BY name)")" \
	"events_by_event_id events_by_ts events_of_nps_text"
eq "the typed tables refer to event_rows" "$(q "SELECT count(*) FROM sqlite_schema s, pragma_foreign_key_list(s.name) k
	WHERE s.type = 'table' AND k.\"from\" = 'event_ref' AND k.\"table\" = 'event_rows'")" 5
eq "foreign keys hold" "$(q "PRAGMA foreign_key_check")" ""

same_as_new_ingest md html csv
for t in events event_rows field_names nps_audit_events ras_client_events capi2_events; do
	eq "$t as a new ingest writes it" "$(q "SELECT * FROM $t ORDER BY 1" | md5sum)" "$(DB=$NEW q "SELECT * FROM $t ORDER BY 1" | md5sum)"
done

# events written as a table: through the view into event_rows.
q "INSERT INTO events(family, provider, event_id, keywords, time_created, ts, record_id, channel, computer)
	VALUES('kdc', 'Kdcsvc', 39, '0x8000000000000000', '2025-03-14T09:12:43.5Z', 17419410000000000, 1, 'System', 'DC1');
	INSERT INTO events(family, provider, event_id, keyword_bits, ts, record_id, channel, computer)
	VALUES('kdc', 'Kdcsvc', 40, 36028797018963968, 17419410000000000, 2, 'System', 'DC1')"
eq "inserted, texts as written" "$(q "SELECT event_id, keywords, quote(keyword_bits), time_created FROM events
	WHERE computer = 'DC1' ORDER BY id")" "39|0x8000000000000000|NULL|2025-03-14T09:12:43.5Z
40|0x0080000000000000|36028797018963968|2025-03-14T08:30:00.0000000Z"
q "UPDATE events SET ts = ts + 10000000 WHERE computer = 'DC1' AND event_id = 40;
	UPDATE events SET keywords = '0x10' WHERE computer = 'DC1' AND event_id = 40;
	UPDATE events SET time_created = '2025-03-14T09:12:44Z', keyword_bits = 1 WHERE computer = 'DC1' AND event_id = 39"
eq "updated" "$(q "SELECT event_id, keywords, quote(keyword_bits), time_created, quote(time_text) FROM events
	WHERE computer = 'DC1' ORDER BY id")" "39|0x0000000000000001|1|2025-03-14T09:12:44Z|'2025-03-14T09:12:44Z'
40|0x10|NULL|2025-03-14T08:30:01.0000000Z|NULL"
q "DELETE FROM events WHERE computer = 'DC1' AND event_id = 39"
eq "deleted" "$(q "SELECT group_concat(event_id) FROM event_rows WHERE computer = 'DC1'")" 40
eq "a typed row needs its event" "$(q "PRAGMA foreign_keys = ON; INSERT INTO nps_service_events(event_ref) VALUES(99999)" 2>&1 |
	grep -c 'FOREIGN KEY constraint failed')" 1
finish
