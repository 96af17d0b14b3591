#!/bin/sh
# Bulk loading: the rows of plain INSERTs wait in batches and go to the
# server as COPY or pipelined with the next statement (nd_db_pg.c). The
# same file ingested into SQLite and PostgreSQL stores the same values,
# byte for byte (tabs, newlines, backslashes, blanks, U+2400, long text,
# across several full batches), and a row that the server refuses when its
# batch is sent fails the ingest and stores nothing of its transaction.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
. "$SRC/tests/pg/lib.sh"
newdb nd_bulk
# odd USER TIME N: NPS denials whose text fields hold what COPY escapes.
odd() {
	cat <<DESC
event Microsoft-Windows-Security-Auditing 6273
  guid {54849625-5478-4994-A5BA-3E3B0328C30D}
  time $2
  version 1
  data SubjectUserSid:sid = S-1-0-0
  data SubjectUserName = $1@lab.example
  data FullyQualifiedSubjectUserName = LAB\\\\$1
  data CallingStationID = tab\\there\\nnew line\\r\\ncrlf
  data NASIdentifier = \\\\N
  data ClientName = \\s\\s$1 \\\\ back\\\\slash\\s
  data NetworkPolicyName = nul\\u{2400}sign \\u{1F600} caf\\u{E9}
  data AuthenticationType =
  data EAPType = $(printf '%0500d' 0)
  data ReasonCode = 258
  repeat $3 every 1s
DESC
}
{ header NPS01.lab.example Security; odd alice 2025-03-14T01:00:00Z 2000; nps_desc bob 2025-03-14T02:00:00Z 1000;
	noise_desc 2025-03-14T03:00:00Z 500; } > "$T/a.desc"
"$EVTXWRITE" -o "$T/a.evtx" "$T/a.desc" || fail "evtxwrite"
"$NPSDIAG" ingest --db "$DB" "$T/a.evtx" > /dev/null 2>&1 || fail "ingest into SQLite"
"$NPSDIAG" ingest --db "$PG" "$T/a.evtx" > /dev/null 2> "$T/err" || { fail "ingest into PostgreSQL"; cat "$T/err" >&2; }
eq "events" "$(pq "SELECT count(*) FROM events")" 3000
fields="SELECT e.record_id, f.pos, f.name, f.value FROM event_fields f JOIN events e ON e.id = f.event_ref
	ORDER BY e.record_id, f.pos"
eq "the same fields" "$(pq "$fields" | md5sum)" "$(q "$fields" | md5sum)"
eq "a tab, CR and LF kept" "$(pq "SELECT count(*) FROM event_fields WHERE value = E'tab\there\nnew line\r\ncrlf'")" 2000
eq "a backslash-N is text, not NULL" "$(pq "SELECT count(*) FROM event_fields WHERE value = E'\\\\N'")" 2000
typed="SELECT e.record_id, a.reason_code, a.fq_subject_user_name, a.calling_station_id FROM nps_audit_events a
	JOIN events e ON e.id = a.event_ref ORDER BY e.record_id"
eq "the same typed rows" "$(pq "$typed" | md5sum)" "$(q "$typed" | md5sum)"
# again: nothing new (idempotent), and diagnose writes its results in batches too
"$NPSDIAG" ingest --db "$PG" "$T/a.evtx" > /dev/null 2>&1 || fail "ingest again"
eq "nothing twice" "$(pq "SELECT count(*) FROM events")" 3000
"$NPSDIAG" diagnose --db "$DB" --format json | sed 's/"generated":"[^"]*",//' > "$T/lite.json"
"$NPSDIAG" diagnose --db "$PG" --format json 2> "$T/err" | sed 's/"generated":"[^"]*",//' > "$T/pg.json"
if cmp -s "$T/lite.json" "$T/pg.json"; then ok; else fail "diagnose json differs"; cat "$T/err" >&2; fi
# a row refused when its batch is sent (a typed row, pipelined) fails the
# ingest; nothing of the transaction stays
pq "ALTER TABLE nps_audit_events ADD CONSTRAINT no_999 CHECK (reason_code <> 999)"
{ header NPS02.lab.example Security; nps_desc carol 2025-03-15T01:00:00Z 50; } |
	sed 's/ReasonCode = 258/ReasonCode = 999/' > "$T/b.desc"
"$EVTXWRITE" -o "$T/b.evtx" "$T/b.desc" || fail "evtxwrite b"
"$NPSDIAG" ingest --db "$PG" "$T/b.evtx" > /dev/null 2> "$T/err" && fail "a refused typed row: ingest succeeded"
contains "the server's reason" "$T/err" "no_999"
eq "nothing of it stored" "$(pq "SELECT count(*) FROM events WHERE computer = 'NPS02.lab.example'")" 0
# the same for a batch sent with COPY (event_fields, while it is a table)
if [ "$(pq "SELECT relkind FROM pg_class WHERE relname = 'event_fields'")" = r ]; then
	pq "ALTER TABLE event_fields ADD CONSTRAINT no_boom CHECK (value <> 'BOOM')"
	{ header NPS03.lab.example Security; nps_desc dave 2025-03-16T01:00:00Z 300; } |
		sed 's/NASIdentifier = VPN01/NASIdentifier = BOOM/' > "$T/c.desc"
	"$EVTXWRITE" -o "$T/c.evtx" "$T/c.desc" || fail "evtxwrite c"
	"$NPSDIAG" ingest --db "$PG" "$T/c.evtx" > /dev/null 2> "$T/err" && fail "a refused field: ingest succeeded"
	contains "the server's reason (COPY)" "$T/err" "no_boom"
	eq "nothing of it stored (COPY)" "$(pq "SELECT count(*) FROM events WHERE computer = 'NPS03.lab.example'")" 0
fi
finish
