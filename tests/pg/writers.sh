#!/bin/sh
# Many writers, one database: WRITERS `tail` processes, each following the
# Security log of its own NPS server, run at once while the logs grow in
# BATCHES batches; each also diagnoses after every round (serialised by
# the advisory lock). At the end: 0 lost, 0 twice, every source with its
# own checkpoints. Prints the time and the rate.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
. "$SRC/tests/pg/lib.sh"
newdb nd_writers
WRITERS=${WRITERS:-4}
BATCHES=${BATCHES:-15}
PER=${PER:-20}
w=1
while [ $w -le $WRITERS ]; do
	{ header "NPS0$w.lab.example" Security; noise_desc 2025-03-14T00:00:00Z 10; } > "$T/0.desc"
	"$EVTXWRITE" --live -o "$T/nps$w.evtx" "$T/0.desc"
	w=$((w + 1))
done
start=$(date +%s.%N)
w=1
while [ $w -le $WRITERS ]; do
	"$NPSDIAG" tail --db "$PG" --interval 0.05 "$T/nps$w.evtx" > /dev/null 2> "$T/tail$w.err" &
	eval "pid$w=$!"
	w=$((w + 1))
done
b=1
while [ $b -le $BATCHES ]; do
	at=$(printf '2025-03-14T%02d:%02d' $((b / 60 + 2)) $((b % 60)))
	w=1
	while [ $w -le $WRITERS ]; do
		{ header "NPS0$w.lab.example" Security; noise_desc "$at:00Z" 50; nps_desc "w${w}u$b" "$at:00.5Z" $PER; } > "$T/b.desc"
		"$EVTXWRITE" --append -o "$T/nps$w.evtx" "$T/b.desc" || fail "append $w/$b"
		w=$((w + 1))
	done
	sleep 0.1
	b=$((b + 1))
done
w=1
while [ $w -le $WRITERS ]; do
	eval "pid=\$pid$w"
	kill -TERM "$pid" 2> /dev/null
	wait "$pid"
	w=$((w + 1))
done
for w in $(seq 1 $WRITERS); do
	"$NPSDIAG" tail --once --db "$PG" "$T/nps$w.evtx" > /dev/null 2> "$T/err" || { fail "final round $w"; cat "$T/err" >&2; }
done
end=$(date +%s.%N)
want=$((WRITERS * BATCHES * PER))
got=$(pq "SELECT count(*) FROM events WHERE event_id = 6273")
distinct=$(pq "SELECT count(*) FROM (SELECT DISTINCT computer, record_id FROM events WHERE event_id = 6273) d")
echo "$WRITERS writers, $BATCHES batches of $PER: $want written, $got stored, $((want - distinct)) lost, $((got - distinct)) twice;" \
	"$(echo "$end - $start" | bc) s"
eq "lost" $((want - distinct)) 0
eq "twice" $((got - distinct)) 0
eq "sources" "$(pq "SELECT count(*) FROM sources")" $WRITERS
eq "checkpoints of each source" "$(pq "SELECT count(DISTINCT source_id) FROM source_chunks")" $WRITERS
for w in $(seq 1 $WRITERS); do
	if grep -v ': following$\|: tail stopped:' "$T/tail$w.err" | grep -q .; then
		fail "tail $w wrote errors"
		head -5 "$T/tail$w.err" >&2
	else
		ok
	fi
done
"$NPSDIAG" diagnose --db "$PG" --format json > "$T/d.json" 2> "$T/err"
[ $? -le 1 ] && ok || { fail "diagnose"; cat "$T/err" >&2; }
eq "one incident per user" "$(grep -o '"identity":"lab.example' "$T/d.json" | wc -l)" $((WRITERS * BATCHES))
finish
