#!/bin/sh
# Readers beside a busy writer: while `tail` follows a log that grows fast,
# `report`, `diagnose`, `ingest` of an unchanged file and a starting
# `tail --once` run again and again against the same database and must
# never fail (they wait for the write lock instead of meeting "database is
# locked"). Prints the runs and failures.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
L=$T/Security.evtx
{ header NPS01.lab.example Security; nps_desc u0 2025-03-14T00:00:00.5Z 5; } > "$T/0.desc"
"$EVTXWRITE" --live -o "$L" "$T/0.desc"
{ header CLIENT01.lab.example Application; client_desc u0 2025-03-14T00:00:02Z 853; } > "$T/c.desc"
"$EVTXWRITE" -o "$T/Application.evtx" "$T/c.desc"
"$NPSDIAG" ingest --db "$DB" "$T/Application.evtx" > /dev/null 2>&1 || fail "first ingest"

"$NPSDIAG" tail --db "$DB" --interval 0.02 "$L" > /dev/null 2> "$T/tail.err" &
tpid=$!
wait_for "$T/tail.err" "following" 10 || fail "tail did not start"

# The writer: batches of denials and noise as fast as evtxwrite goes, with
# a pause now and then so that tail has a backlog to catch up on.
(
	b=1
	while [ ! -e "$T/stop" ] && [ $b -le 400 ]; do
		at=$(printf '2025-03-14T%02d:%02d' $((1 + b / 60)) $((b % 60)))
		{ header NPS01.lab.example Security; noise_desc "$at:00Z" 30; nps_desc "u$b" "$at:30.5Z" 20; } > "$T/b.desc"
		"$EVTXWRITE" --append -o "$L" "$T/b.desc" || echo "append $b failed" >> "$T/writer.err"
		[ $((b % 25)) -eq 0 ] && sleep 0.5
		b=$((b + 1))
	done
) &
wpid=$!

runs=0
fails=0
end=$(($(date +%s) + 15))
while [ "$(date +%s)" -lt $end ]; do
	for cmd in report diagnose ingest tail; do
		case $cmd in
		report) "$NPSDIAG" report --db "$DB" --format json -o "$T/r.json" > /dev/null 2> "$T/cmd.err" ;;
		diagnose) "$NPSDIAG" diagnose --db "$DB" --format json > /dev/null 2> "$T/cmd.err" ;;
		ingest) "$NPSDIAG" ingest --db "$DB" "$T/Application.evtx" > /dev/null 2> "$T/cmd.err" ;;
		tail) "$NPSDIAG" tail --once --db "$DB" "$T/Application.evtx" > /dev/null 2> "$T/cmd.err" ;;
		esac
		rc=$?
		runs=$((runs + 1))
		if [ $rc -ge 2 ]; then
			fails=$((fails + 1))
			echo "$cmd exited $rc: $(head -c 300 "$T/cmd.err")" >&2
		fi
	done
done
touch "$T/stop"
wait $wpid
kill -TERM $tpid
wait $tpid
eq "tail exit" "$?" 0
echo "readers: $runs runs, $fails failed; stored $(q "SELECT count(*) FROM events WHERE event_id = 6273") denials"
eq "reader failures" "$fails" 0
[ -e "$T/writer.err" ] && fail "writer: $(cat "$T/writer.err")"
[ "$runs" -ge 8 ] || fail "only $runs reader runs"
finish
