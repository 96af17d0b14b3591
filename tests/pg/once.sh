#!/bin/sh
# Into PostgreSQL the store queues a batch of events and leaves out, in one
# statement, those already stored (src/store/nd_once_sql.h): the same NPS
# decision from the Security log and from a DTS text log is stored once in
# either order, and an export that keeps milliseconds (ECS JSON) is the same
# event as the .evtx's 100 ns one, either way round; the counts say so.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/pg/lib.sh"
S=$FIX/error853
need "$S/CLIENT01-Application.evtx" "$S/NPS01-Security.evtx" "$S/NPS01-System.evtx"
# pgest ARGS...: npsdiag ingest into $PG; output in $T/out.
pgest() { "$NPSDIAG" ingest --db "$PG" "$@" >"$T/out" 2>&1 || { fail "ingest $*"; cat "$T/out" >&2; }; }

mkdir "$T/dts" "$T/ecs" "$T/ecsms"
"$EVTXCONVERT" dts "$S/NPS01-Security.evtx" >"$T/dts/IN250314.log" || fail "convert dts"
for f in "$S"/*.evtx; do
	b=$(basename "$f" .evtx)
	"$EVTXCONVERT" ecs "$f" >"$T/ecs/$b.log" || fail "convert ecs $b"
	sed 's/\("@timestamp":"[^".]*\.[0-9][0-9][0-9]\)[0-9]*Z"/\1Z"/' "$T/ecs/$b.log" >"$T/ecsms/$b.log"
done
grep -q '"@timestamp":"2025-03-14T08:00:00.100Z"' "$T/ecsms/NPS01-Security.log" && ok || fail "the times were not cut"

newdb nd_once_sec
pgest "$S/NPS01-Security.evtx"
decisions=$(pq "SELECT count(*) FROM nps_decisions")
eq "Security log: 8 decisions" "$decisions" 8
pgest --tz +01:00 "$T/dts/IN250314.log"
contains "Security then DTS: counted as already stored" "$T/out" "(0 new, 8 already stored)"
eq "Security then DTS: one decision each" "$(pq "SELECT count(*) || '|' || string_agg(DISTINCT e.family, ',')
	FROM nps_decisions d JOIN events e ON e.id = d.event_ref")" "$decisions|nps_audit"

newdb nd_once_dts
pgest --tz +01:00 "$T/dts/IN250314.log"
pgest "$S/NPS01-Security.evtx"
contains "DTS then Security: counted as already stored" "$T/out" "8 kept (0 new, 8 already stored)"
eq "DTS then Security: one decision each" "$(pq "SELECT count(*) || '|' || string_agg(DISTINCT e.family, ',')
	FROM nps_decisions d JOIN events e ON e.id = d.event_ref")" "$decisions|nps_text"

newdb nd_once_ms
pgest "$S"
events=$(pq "SELECT count(*) FROM events")
pgest "$T/ecsms"
contains "milliseconds after evtx: nothing new" "$T/out" "kept (0 new"
eq "milliseconds after evtx: one row each" "$(pq "SELECT count(*) FROM events")" "$events"
newdb nd_once_ms2
pgest "$T/ecsms"
pgest "$S"
contains "evtx after milliseconds: nothing new" "$T/out" "kept (0 new"
eq "evtx after milliseconds: one row each" "$(pq "SELECT count(*) FROM events")" "$events"
pgest "$S" "$T/ecsms"
eq "both again: one row each" "$(pq "SELECT count(*) FROM events")" "$events"
finish
