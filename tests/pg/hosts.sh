#!/bin/sh
# Sources are keyed by host and path (schema version 6): two NPS servers
# (NPSDIAG_HOST nps01 and nps02) tail the same path, each its own log,
# round after round while both logs grow, into one PostgreSQL database and
# into one SQLite database. Each host keeps its own sources row and
# checkpoints: each round reads what it would read with the database to
# itself (the records and duplicates of a host's round alone into a
# database of its own), nothing is lost or stored twice, and each row
# holds its own log's last record id. Then a SQLite database put back into the version 5
# layout (sources keyed by path) migrates: same ids, checkpoints and
# events, host '' until this machine's next ingest takes its rows over.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
. "$SRC/tests/pg/lib.sh"
newdb nd_hosts
ROUNDS=3
L=$T/winevt/Security.evtx
mkdir -p "$T/winevt"

# sql DB SQL: a query on the PostgreSQL ($PG) or the SQLite database.
sql() { if [ "$1" = "$PG" ]; then pq "$2"; else DB=$1 q "$2"; fi; }

# tail1 DB H R: host nps0H's tail round R over its log, seen at path $L.
tail1() {
	cp "$T/nps0$2.evtx" "$L"
	NPSDIAG_HOST=nps0$2 "$NPSDIAG" tail --once --db "$1" "$L" >/dev/null 2>"$T/err" || { fail "round $3 of nps0$2"; cat "$T/err" >&2; }
	if grep -v ': following$\|: tail stopped:\|: tail done:' "$T/err" | grep -q .; then
		fail "round $3 of nps0$2 noticed"
		head -3 "$T/err" >&2
	else
		ok
	fi
}

# round DB H R: round R of host nps0H into DB and into its own database.
round() {
	tail1 "$1" "$2" "$3"
	tail1 "$T/alone$2.db" "$2" "$3"
	eq "round $3 of nps0$2: records and duplicates read as alone" \
		"$(sql "$1" "SELECT records, duplicates FROM sources WHERE host = 'nps0$2' AND path = '$L'")" \
		"$(sql "$T/alone$2.db" "SELECT records, duplicates FROM sources")"
}

# two_hosts DB: both hosts' rounds into DB, then the checks.
two_hosts() {
	rm -f "$T"/alone*
	for h in 1 2; do
		{ header "NPS0$h.lab.example" Security; noise_desc 2025-03-14T00:00:00Z $((h * 30)); } >"$T/0.desc"
		"$EVTXWRITE" --live -o "$T/nps0$h.evtx" "$T/0.desc"
	done
	r=1
	while [ $r -le $ROUNDS ]; do
		for h in 1 2; do
			at=$(printf '2025-03-14T0%d:%02d' $h $r)
			{ header "NPS0$h.lab.example" Security; noise_desc "$at:00Z" 120; nps_desc "h${h}u$r" "$at:00.5Z" 10; } >"$T/b.desc"
			"$EVTXWRITE" --append -o "$T/nps0$h.evtx" "$T/b.desc" || fail "append $h/$r"
			round "$1" $h $r
		done
		r=$((r + 1))
	done
	want=$((2 * ROUNDS * 10))
	got=$(sql "$1" "SELECT count(*) FROM events WHERE event_id = 6273")
	distinct=$(sql "$1" "SELECT count(*) FROM (SELECT DISTINCT computer, record_id FROM events WHERE event_id = 6273) d")
	eq "$2: lost" $((want - distinct)) 0
	eq "$2: twice" $((got - distinct)) 0
	eq "$2: one source per host" "$(sql "$1" "SELECT host FROM sources WHERE path = '$L' ORDER BY host" | tr '\n' ' ')" \
		"nps01 nps02 "
	eq "$2: checkpoints of each" "$(sql "$1" "SELECT count(DISTINCT source_id) FROM source_chunks")" 2
	for h in 1 2; do
		last=$(( (h * 30) + ROUNDS * (120 + 10) ))
		eq "$2: nps0$h's last record id" \
			"$(sql "$1" "SELECT last_record_id FROM sources WHERE host = 'nps0$h'")" $last
		eq "$2: nps0$h's events" "$(sql "$1" "SELECT sum(stored) FROM sources WHERE host = 'nps0$h'")" \
			"$(sql "$1" "SELECT count(*) FROM events WHERE computer = 'NPS0$h.lab.example'")"
	done
}

two_hosts "$PG" PostgreSQL
two_hosts "$DB" SQLite

# The version 5 layout of sources (path alone UNIQUE), as npsdiag 5 made it.
q "PRAGMA foreign_keys=OFF; BEGIN;
CREATE TABLE sources_v5(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, size INTEGER, mtime INTEGER,
  first_ingest TEXT, last_ingest TEXT, records INTEGER DEFAULT 0, wanted INTEGER DEFAULT 0, stored INTEGER DEFAULT 0,
  duplicates INTEGER DEFAULT 0, skipped INTEGER DEFAULT 0, errors INTEGER DEFAULT 0, warnings INTEGER DEFAULT 0,
  last_record_id INTEGER);
INSERT INTO sources_v5 SELECT id, path, size, mtime, first_ingest, last_ingest, records, wanted, stored, duplicates,
  skipped, errors, warnings, last_record_id FROM sources WHERE host = 'nps01';
DELETE FROM source_chunks WHERE source_id NOT IN (SELECT id FROM sources_v5);
DELETE FROM events WHERE source_id NOT IN (SELECT id FROM sources_v5);
DELETE FROM nps_audit_events WHERE event_ref NOT IN (SELECT id FROM events);
DROP TABLE sources; ALTER TABLE sources_v5 RENAME TO sources;
UPDATE meta SET value = '5' WHERE key = 'schema_version'; COMMIT;"
before=$(q "SELECT id, path, last_record_id, stored FROM sources; SELECT count(*), sum(fingerprint) FROM source_chunks;
	SELECT count(*) FROM events")
"$NPSDIAG" diagnose --db "$DB" --format json >/dev/null 2>"$T/err"
[ $? -le 1 ] && ok || { fail "diagnose on the version 5 database"; cat "$T/err" >&2; }
eq "migrated to version 13" "$(q "SELECT value FROM meta WHERE key = 'schema_version'")" 13
eq "sources, checkpoints and events kept" "$(q "SELECT id, path, last_record_id, stored FROM sources;
	SELECT count(*), sum(fingerprint) FROM source_chunks; SELECT count(*) FROM events")" "$before"
eq "host ''" "$(q "SELECT count(*) FROM sources WHERE host = ''")" 1
eq "foreign keys hold" "$(q "PRAGMA foreign_key_check")" ""
eq "integrity" "$(q "PRAGMA integrity_check")" ok
cp "$T/nps01.evtx" "$L"
NPSDIAG_HOST=nps01 "$NPSDIAG" tail --once --db "$DB" "$L" >/dev/null 2>"$T/err" || { fail "tail after the migration"; cat "$T/err" >&2; }
eq "nps01's next round took its row over and read nothing again" \
	"$(q "SELECT host, duplicates, stored FROM sources")" "nps01|0|$(q "SELECT count(*) FROM events")"
finish
