#!/bin/sh
# kill -9 during appends, into PostgreSQL: as tests/tail/crash.sh, BATCHES
# times a batch is appended and `tail` started and killed with SIGKILL
# after 0-60 ms; a last round catches up: 0 lost, 0 twice.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
. "$SRC/tests/pg/lib.sh"
newdb nd_crash
L=$T/Security.evtx
BATCHES=${BATCHES:-30}
{ header NPS01.lab.example Security; noise_desc 2025-03-14T00:00:00Z 10; } > "$T/0.desc"
"$EVTXWRITE" --live -o "$L" "$T/0.desc"
seed=12345
kills=0
b=1
while [ $b -le $BATCHES ]; do
	at=$(printf '2025-03-14T%02d:%02d' $((b / 60 + 2)) $((b % 60)))
	{ header NPS01.lab.example Security; noise_desc "$at:00Z" 100; nps_desc "u$b" "$at:00.5Z" 10; } > "$T/b.desc"
	"$EVTXWRITE" --append -o "$L" "$T/b.desc" || fail "append $b"
	"$NPSDIAG" tail --db "$PG" --interval 0.01 "$L" > /dev/null 2>&1 &
	pid=$!
	seed=$(((seed * 1103515245 + 12345) % 2147483648))
	ms=$((seed / 65536 % 61))
	sleep "$(printf '0.%03d' $ms)"
	if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
	wait $pid 2>/dev/null
	b=$((b + 1))
done
"$NPSDIAG" tail --once --db "$PG" "$L" > /dev/null 2> "$T/err" || { fail "final round"; cat "$T/err" >&2; }
want=$((BATCHES * 10))
got=$(pq "SELECT count(*) FROM events WHERE event_id = 6273")
distinct=$(pq "SELECT count(DISTINCT record_id) FROM events WHERE event_id = 6273")
echo "$kills kills; $want records written, $got stored, $((want - distinct)) lost, $((got - distinct)) twice"
if [ "$kills" -ge $((BATCHES * 2 / 3)) ]; then ok; else fail "only $kills kills"; fi
eq "lost" $((want - distinct)) 0
eq "twice" $((got - distinct)) 0
eq "ten per user" "$(pq "SELECT count(*) FROM (SELECT subject_user_name FROM nps_decisions GROUP BY 1 HAVING count(*) = 10) d")" $BATCHES
finish
