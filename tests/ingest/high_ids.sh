#!/bin/sh
# The ids of a batch of stored events (16 to an INSERT) are the last ones
# SQLite handed out only while the highest id is far below INT64_MAX: there
# SQLite picks free ids at random. A database holding an event at id
# INT64_MAX (put there by hand) is stored one event at a time, and every
# typed row still belongs to its own event.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/tail/lib.sh"
{ header NPS01.lab.example Security; nps_desc a 2025-03-14T01:00:00Z 1; } > "$T/a.desc"
{ header NPS02.lab.example Security; nps_desc b 2025-03-14T02:00:00Z 40; } > "$T/b.desc"
"$EVTXWRITE" -o "$T/a.evtx" "$T/a.desc" || fail "write a"
"$EVTXWRITE" -o "$T/b.evtx" "$T/b.desc" || fail "write b"
ingest "$T/a.evtx"
eq "first file" "$rc" 0
q "PRAGMA foreign_keys = OFF; UPDATE event_rows SET id = 9223372036854775807;
   UPDATE nps_audit_events SET event_ref = 9223372036854775807;"
eq "the event at INT64_MAX" "$(q "SELECT max(id) FROM event_rows")" 9223372036854775807
ingest "$T/b.evtx"
eq "second file" "$rc" 0
eq "every event stored" "$(q "SELECT count(*) FROM events WHERE event_id = 6273")" 41
eq "one typed row each" "$(q "SELECT count(*) FROM nps_audit_events")" 41
eq "each typed row with its own event" \
	"$(q "SELECT count(*) FROM nps_audit_events t JOIN events e ON e.id = t.event_ref
	      WHERE e.family = 'nps_audit' AND e.event_id = 6273")" 41
eq "the typed rows of the second file name its computer's events" \
	"$(q "SELECT count(DISTINCT t.event_ref) FROM nps_audit_events t JOIN events e ON e.id = t.event_ref
	      WHERE e.computer = 'NPS02.lab.example'")" 40
finish
