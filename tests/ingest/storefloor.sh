#!/bin/sh
# tools/storefloor stores a database's events again, row for row, into a new
# one (the benchmark of SQLite's own cost under nd_store_event): every
# events, event_fields and typed row comes out the same; -e stores the
# events rows without their typed rows; -x runs SQL on the new database
# first; -b N stores as an ingest's batches do; -w puts the typed values in
# event_rows.
. "$(dirname "$0")/lib.sh"
[ -n "${STOREFLOOR:-}" ] || { echo "SKIP: no storefloor"; exit 77; }
need "$FIX/error853" "$FIX/enterprise" "$FIX/capi2"
ingest "$FIX/error853" "$FIX/enterprise" "$FIX/capi2"
eq "ingest" "$rc" 0
n=$(q "SELECT count(*) FROM events")

# dump DB: every stored view and typed table, in id order
dump() {
	for t in events event_fields nps_audit_events ras_client_events capi2_events nps_service_events \
		remote_access_events; do
		sqlite3 -batch -noheader "$1" "SELECT * FROM $t ORDER BY 1, 2"
	done
}

"$STOREFLOOR" "$DB" "$T/floor.db" >"$T/floor.out" 2>"$T/err"
eq "storefloor" "$?" 0
contains "all stored" "$T/floor.out" "events read: $n, stored: $n"
contains "bytes per event" "$T/floor.out" "bytes per event: "
dump "$DB" >"$T/a"
dump "$T/floor.db" >"$T/b"
if [ -s "$T/a" ] && cmp -s "$T/a" "$T/b"; then ok; else fail "the stored rows differ"; fi

# -b: in batches as an ingest stores (7: the last one partly empty, typed
# batches of several tables partly empty)
"$STOREFLOOR" -b 7 "$DB" "$T/b.db" >"$T/b.out" 2>"$T/err"
eq "storefloor -b" "$?" 0
contains "-b: all stored" "$T/b.out" "events read: $n, stored: $n"
dump "$T/b.db" >"$T/c"
if cmp -s "$T/a" "$T/c"; then ok; else fail "-b: the stored rows differ"; fi
# -w: the typed values in the events' own rows
"$STOREFLOOR" -b 4 -w "$DB" "$T/w.db" >"$T/w.out" 2>"$T/err"
eq "storefloor -w" "$?" 0
eq "-w: no typed rows" "$(sqlite3 "$T/w.db" "SELECT count(*) FROM nps_audit_events")" 0
col=$(sqlite3 "$T/w.db" "SELECT group_concat(name) FROM pragma_table_info('event_rows')
	WHERE name LIKE 't%\_reason\_code' ESCAPE '\\'")
eq "-w: the typed values in event_rows" "$(sqlite3 "$T/w.db" "SELECT count($col) FROM event_rows")" \
	"$(q "SELECT count(reason_code) FROM nps_audit_events")"

"$STOREFLOOR" -e -x "DROP INDEX events_by_ts" "$DB" "$T/e.db" >"$T/e.out" 2>"$T/err"
eq "storefloor -e -x" "$?" 0
eq "-e: no typed rows" "$(sqlite3 "$T/e.db" "SELECT count(*) FROM nps_audit_events")" 0
eq "-e: every event" "$(sqlite3 "$T/e.db" "SELECT count(*) FROM events")" "$n"
eq "-x ran" "$(sqlite3 "$T/e.db" "SELECT count(*) FROM sqlite_master WHERE name = 'events_by_ts'")" 0

"$STOREFLOOR" "$DB" "$T/floor.db" >"$T/out" 2>"$T/err"
[ $? -eq 2 ] && ok || fail "an existing database is refused"
finish
