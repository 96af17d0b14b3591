#!/bin/sh
# A server restart while `tail` waits between rounds: tail connects again
# on its next round and nothing is lost (a restart in the middle of a
# round still ends tail with an error; its restart resumes). A restart during `ingest` fails it with
# a clear error; running it again completes it.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
. "$SRC/tests/pg/lib.sh"
newdb nd_restart
L=$T/Security.evtx
{ header NPS01.lab.example Security; noise_desc 2025-03-14T00:00:00Z 10; nps_desc u0 2025-03-14T01:00:00Z 10; } > "$T/0.desc"
"$EVTXWRITE" --live -o "$L" "$T/0.desc"
"$NPSDIAG" tail --db "$PG" --interval 0.05 "$L" > /dev/null 2> "$T/tail.err" &
pid=$!
i=0
while [ "$(pq "SELECT count(*) FROM events WHERE event_id = 6273" 2>/dev/null)" != 10 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 2 # the first round's diagnosis is written
sh "$SRC/tests/pg/server.sh" restart "$PGDIR" || fail "restart"
for b in 1 2 3; do
	{ header NPS01.lab.example Security; nps_desc "u$b" "2025-03-14T0$((b + 1)):00:00Z" 10; } > "$T/b.desc"
	"$EVTXWRITE" --append -o "$L" "$T/b.desc" || fail "append $b"
	sleep 0.5
done
sleep 1
eq "tail is still running" "$(kill -0 $pid 2>/dev/null && echo yes)" yes
kill -TERM $pid 2>/dev/null
wait $pid
eq "stored across the restart" "$(pq "SELECT count(*) FROM events WHERE event_id = 6273")" 40
if grep -v ': following$\|: tail stopped:' "$T/tail.err" | grep -q .; then
	fail "tail wrote errors"
	cat "$T/tail.err" >&2
else
	ok
fi
# ingest: a big file, the server restarted while it writes.
newdb nd_restart2
{ header NPS02.lab.example Security; noise_desc 2025-03-14T00:00:00Z 2000; nps_desc big 2025-03-14T05:00:00Z 3000; } > "$T/big.desc"
"$EVTXWRITE" -o "$T/big.evtx" "$T/big.desc"
"$NPSDIAG" ingest --db "$PG" "$T/big.evtx" > /dev/null 2> "$T/err" &
ipid=$!
sleep 0.3
sh "$SRC/tests/pg/server.sh" restart "$PGDIR" || fail "restart 2"
wait $ipid
irc=$?
echo "ingest during the restart: exit $irc: $(head -c 300 "$T/err")"
[ $irc -eq 0 ] || contains "clear error" "$T/err" "database"
"$NPSDIAG" ingest --db "$PG" "$T/big.evtx" > /dev/null 2> "$T/err" || { fail "ingest again"; cat "$T/err" >&2; }
eq "all stored once" "$(pq "SELECT count(*), count(DISTINCT record_id) FROM events WHERE event_id = 6273")" "3000|3000"
finish
