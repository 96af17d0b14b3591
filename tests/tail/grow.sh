#!/bin/sh
# A writer grows a live log in the background, as Windows does (header
# counters stale, chunk headers lagging, torn last records finished on the
# next append), while `tail` follows it with a short interval: at the end
# exactly the written 6273s are stored, once each, in record order.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
L=$T/Security.evtx
{ header NPS01.lab.example Security; noise_desc 2025-03-14T00:00:00Z 10; } > "$T/0.desc"
"$EVTXWRITE" --live -o "$L" "$T/0.desc"
"$NPSDIAG" tail --db "$DB" --interval 0.05 "$L" > "$T/out" 2> "$T/err" &
pid=$!

# 40 batches, minute b: 20 logons, then 10 denials of user u<b>. Every
# third batch leaves the chunk header stale; every fourth is torn in its
# last denial, which the next append writes again, whole, first.
fin=""
b=1
while [ $b -le 40 ]; do
	at=$(printf '2025-03-14T01:%02d' $b)
	{
		header NPS01.lab.example Security
		[ -n "$fin" ] && nps_desc "u$fin" "$(printf '2025-03-14T01:%02d:39.5Z' "$fin")"
		noise_desc "$at:00Z" 20
		nps_desc "u$b" "$at:30.5Z" 10
	} > "$T/b.desc"
	opts=""
	[ $((b % 3)) -eq 0 ] && opts="--stale-chunk-header"
	fin=""
	if [ $((b % 4)) -eq 0 ]; then
		opts="$opts --torn 50"
		fin=$b
	fi
	"$EVTXWRITE" --append $opts -o "$L" "$T/b.desc" || fail "append $b"
	sleep 0.03
	b=$((b + 1))
done
{ header NPS01.lab.example Security; nps_desc "u$fin" "$(printf '2025-03-14T01:%02d:39.5Z' "$fin")"; } > "$T/b.desc"
"$EVTXWRITE" --append -o "$L" "$T/b.desc" || fail "last append"
# Wait for tail to catch up (up to 30 s: slow under sanitizers and load).
i=0
while [ "$(q "SELECT count(*) FROM events WHERE event_id = 6273" 2>/dev/null)" != 400 ] && [ $i -lt 600 ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -TERM $pid
wait $pid
eq "tail exit" "$?" 0
eq "every denial once" "$(q "SELECT count(*) || '/' || count(DISTINCT record_id) FROM events WHERE event_id = 6273")" 400/400
q "SELECT 'incomplete: ' || subject_user_name || ' ' || count(*) FROM nps_decisions GROUP BY 1 HAVING count(*) <> 10" >&2
eq "ten per user" "$(q "SELECT count(*) FROM (SELECT subject_user_name FROM nps_decisions GROUP BY 1 HAVING count(*) = 10)")" 40
eq "record ids grow with time" "$(q "SELECT count(*) FROM (SELECT record_id < lag(record_id) OVER (ORDER BY ts) AS back FROM events WHERE event_id = 6273) WHERE back")" 0
eq "no torn record stored" "$(q "SELECT count(*) FROM nps_decisions WHERE reason_code IS NOT 258 OR subject_user_name NOT LIKE 'u%@lab.example'")" 0
eq "no noise" "$(q "SELECT count(*) FROM events WHERE event_id = 4624")" 0
finish
