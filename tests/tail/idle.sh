#!/bin/sh
# An idle tail reads nothing again: a log with records and a log whose
# chunks hold none yet (pre-allocated, all zero) are each ingested once,
# then only checked (stat and the newest and next chunk's CRC) round after
# round. sources.last_ingest moves on every ingest, so it must stay at
# first_ingest while nothing is written.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
D=$T/logs
mkdir "$D"
{ header NPS01.lab.example Security; nps_desc a 2025-03-14T01:00:00Z 5; } > "$T/a.desc"
"$EVTXWRITE" --live -o "$D/Security.evtx" "$T/a.desc"
{ head -c 4096 "$D/Security.evtx"; head -c 65536 /dev/zero; } > "$D/Empty.evtx"
"$NPSDIAG" tail --db "$DB" --interval 0.1 "$D" > "$T/out" 2> "$T/err" &
pid=$!
sleep 2.5
kill -TERM $pid
wait $pid
eq "tail exit" "$?" 0
eq "records stored" "$(q "SELECT count(*) FROM events")" 5
eq "each file ingested once" "$(q "SELECT count(*) FROM sources WHERE last_ingest = first_ingest")" 2
rounds=$(sed -n 's/.*tail stopped: \([0-9]*\) round.*/\1/p' "$T/err")
[ "${rounds:-0}" -ge 5 ] && ok || fail "only ${rounds:-0} rounds in 2.5 s"
finish
