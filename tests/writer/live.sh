#!/bin/sh
# The live-log options: --live leaves the dirty flag set and pre-extends
# the file with empty chunks; --append keeps the header's counters stale;
# --stale-chunk-header leaves a chunk's header behind its records; --torn
# cuts the last record. libevtx must still list the records Windows would
# let it see.
. "$SRC/tests/ingest/lib.sh"
command -v evtxexport >/dev/null || { echo "SKIP: evtxexport is missing"; exit 77; }
cat > "$T/a.desc" <<'DESC'
computer H
channel Application
first-record 50
event RasClient 20227
  time 2025-03-14T09:00:00.0000000Z
  qualifiers 0
  data = {11111111-1111-4111-8111-111111111111}
  data = LAB\\u
  data = VPN
  data = 809
  repeat 5 every 1s
DESC
count() { evtxexport -f xml "$1" 2>/dev/null | grep -c '<EventRecordID>'; }
flags() { od -An -tu4 -j120 -N4 "$1" | tr -d ' '; }
hdr_next() { od -An -tu8 -j24 -N8 "$1" | tr -d ' '; }

"$EVTXWRITE" -o "$T/closed.evtx" "$T/a.desc"
eq "closed: clean flags" "$(flags "$T/closed.evtx")" 0
eq "closed: exact size" "$(stat -c %s "$T/closed.evtx")" $((4096 + 65536))
eq "closed: next record id" "$(hdr_next "$T/closed.evtx")" 55

"$EVTXWRITE" --live -o "$T/live.evtx" "$T/a.desc"
eq "live: dirty" "$(flags "$T/live.evtx")" 1
eq "live: pre-extended to 1 MiB" "$(stat -c %s "$T/live.evtx")" $((4096 + 16 * 65536))
eq "live: 5 records" "$(count "$T/live.evtx")" 5

"$EVTXWRITE" --append --stale-chunk-header -o "$T/live.evtx" "$T/a.desc"
eq "append: header counters stale" "$(hdr_next "$T/live.evtx")" 55
eq "append: chunk header stale (last record id)" "$(od -An -tu8 -j$((4096 + 32)) -N8 "$T/live.evtx" | tr -d ' ')" 54
eq "stale chunk header: libevtx stops at it" "$(evtxexport -f xml "$T/live.evtx" 2>/dev/null | grep -o '<EventRecordID>[0-9]*' | tail -1)" '<EventRecordID>54'
"$NPSDIAG" ingest --db "$DB" "$T/live.evtx" >/dev/null 2>&1
eq "stale chunk header: npsdiag finds the records behind it" "$(q "SELECT count(*) || ' ' || max(record_id) FROM events")" '10 59'

"$EVTXWRITE" --append --torn 40 -o "$T/live.evtx" "$T/a.desc"
eq "torn: the last record is not a record" "$(evtxexport -f xml "$T/live.evtx" 2>/dev/null | grep -o '<EventRecordID>[0-9]*' | tail -1)" '<EventRecordID>63'
"$EVTXWRITE" --append -o "$T/live.evtx" "$T/a.desc"
eq "append over a torn record: ids go on from it" "$(evtxexport -f xml "$T/live.evtx" 2>/dev/null | grep -o '<EventRecordID>[0-9]*' | tail -1)" '<EventRecordID>68'
eq "append over a torn record: 19 records" "$(count "$T/live.evtx")" 19
finish
