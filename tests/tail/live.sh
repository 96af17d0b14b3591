#!/bin/sh
# Done-when test of `tail`: a 6273 (258) and the matching 20227 (853)
# appended to two live logs produce the revocation diagnosis line; the
# reverse order (the client's failure first) too. Prints the time from
# append to the printed line (two polling intervals is the target; it is
# measured here, not asserted: a loaded machine or a sanitizer build may
# take longer, and speed is judged in tools/, not in tests).
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
L=$T/logs
mkdir "$L"
INTERVAL=1
{ header NPS01.lab.example Security; noise_desc 2025-03-14T08:00:00Z 50; } > "$T/noise.desc"
"$EVTXWRITE" --live -o "$L/Security.evtx" "$T/noise.desc" || fail "write Security"
{ header CLIENT01.lab.example Application; client_desc rdeckard 2025-03-14T08:00:00.000000Z 809; } > "$T/c0.desc"
"$EVTXWRITE" --live -o "$L/Application.evtx" "$T/c0.desc" || fail "write Application"

"$NPSDIAG" tail --db "$DB" --interval $INTERVAL "$L" > "$T/out" 2> "$T/err" &
pid=$!
wait_for "$T/err" "Application.evtx: following" 10 || fail "tail did not start"
sleep 1

# NPS first, then the client 1.5 s later (log time), appended at once.
{ header NPS01.lab.example Security; nps_desc rdeckard 2025-03-14T09:12:42.5Z; } > "$T/n1.desc"
{ header CLIENT01.lab.example Application; client_desc rdeckard 2025-03-14T09:12:44Z 853; } > "$T/c1.desc"
t0=$(now_ms)
"$EVTXWRITE" --append --stale-chunk-header -o "$L/Security.evtx" "$T/n1.desc"
"$EVTXWRITE" --append -o "$L/Application.evtx" "$T/c1.desc"
if wait_for "$T/out" "LAB\\rdeckard failed: NPS could not check revocation" 20; then
	echo "append to diagnosis line: $(($(now_ms) - t0)) ms (interval 1000 ms; target: two intervals)"
	ok
else
	fail "no revocation line within 20 s"; cat "$T/out" "$T/err" >&2
fi
contains "the line" "$T/out" "(853/258) client CLIENT01.lab.example nps NPS01.lab.example [revocation-check-failed, confirmed]"

# The reverse: alice's client failure arrives a round before her NPS denial.
{ header CLIENT01.lab.example Application; client_desc alice 2025-03-14T09:30:01Z 853; } > "$T/c2.desc"
"$EVTXWRITE" --append -o "$L/Application.evtx" "$T/c2.desc"
sleep 2.2
{ header NPS01.lab.example Security; nps_desc alice 2025-03-14T09:30:00Z; } > "$T/n2.desc"
"$EVTXWRITE" --append -o "$L/Security.evtx" "$T/n2.desc"
wait_for "$T/out" "LAB\\alice failed: NPS could not check revocation" 4 || { fail "alice not paired after her NPS event"; cat "$T/out" >&2; }

kill -TERM $pid
wait $pid
eq "exit status after SIGTERM" "$?" 0
contains "summary" "$T/err" "npsdiag: tail stopped:"
eq "no line twice" "$(sort "$T/out" | uniq -d | wc -l)" 0
eq "noise not stored" "$(q "SELECT count(*) FROM events WHERE event_id = 4624")" 0
finish
