#!/bin/sh
# tail diagnoses round by round, rewriting only the incidents that changed
# (nd_diagnose_again): after rounds that add a paired failure, a client
# failure alone and then its NPS denial (the cause changes), a failure
# older than those before it (later incidents move up one id) and more
# attempts of an incident (it grows), the stored results are row for row
# what a full `diagnose` of the same database writes, and each change was
# announced once.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
L=$T/logs
mkdir "$L"
{ header NPS01.lab.example Security; noise_desc 2025-03-14T08:00:00Z 5; } > "$T/noise.desc"
"$EVTXWRITE" --live -o "$L/Security.evtx" "$T/noise.desc" || fail "write Security"
{ header CLIENT01.lab.example Application; client_desc rdeckard 2025-03-14T08:00:00.000000Z 809; } > "$T/c0.desc"
"$EVTXWRITE" --live -o "$L/Application.evtx" "$T/c0.desc" || fail "write Application"

"$NPSDIAG" tail --db "$DB" --interval 1 "$L" > "$T/out" 2> "$T/err" &
pid=$!
wait_for "$T/err" "Application.evtx: following" 20 || fail "tail did not start"

# append N|C DESC-BODY-FILE: appends to the NPS (N) or client (C) log.
append() {
	if [ "$1" = N ]; then
		{ header NPS01.lab.example Security; cat "$2"; } > "$2.desc"
		"$EVTXWRITE" --append -o "$L/Security.evtx" "$2.desc" || fail "append $2"
	else
		{ header CLIENT01.lab.example Application; cat "$2"; } > "$2.desc"
		"$EVTXWRITE" --append -o "$L/Application.evtx" "$2.desc" || fail "append $2"
	fi
}

# Round 1: a paired failure.
nps_desc pris 2025-03-14T09:00:00Z > "$T/r1n"
client_desc pris 2025-03-14T09:00:01Z 853 > "$T/r1c"
append N "$T/r1n"
append C "$T/r1c"
wait_for "$T/out" "LAB\\pris failed: NPS could not check revocation" 20 || fail "round 1: no line"
# Round 2: a client failure alone, then round 3: its NPS denial.
client_desc roy 2025-03-14T10:00:01Z 853 > "$T/r2c"
append C "$T/r2c"
wait_for "$T/out" "LAB\\roy failed:" 20 || fail "round 2: no line"
nps_desc roy 2025-03-14T10:00:00Z > "$T/r3n"
append N "$T/r3n"
wait_for "$T/out" "LAB\\roy failed: NPS could not check revocation" 20 || fail "round 3: no new cause"
# Round 4: a failure older than every other (later incidents move up an id).
nps_desc leon 2025-03-14T08:30:00Z > "$T/r4n"
client_desc leon 2025-03-14T08:30:01Z 853 > "$T/r4c"
append N "$T/r4n"
append C "$T/r4c"
wait_for "$T/out" "LAB\\leon failed: NPS could not check revocation" 20 || fail "round 4: no line"
# Round 5: pris fails twice more (the incident grows).
nps_desc pris 2025-03-14T09:05:00Z 2 > "$T/r5n"
{ client_desc pris 2025-03-14T09:05:01Z 853; client_desc pris 2025-03-14T09:05:02Z 853; } > "$T/r5c"
append N "$T/r5n"
append C "$T/r5c"
i=0
while [ "$(grep -c 'LAB\\pris failed' "$T/out")" -lt 2 ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
eq "pris announced again when grown" "$(grep -c 'LAB\\pris failed' "$T/out")" 2
sleep 2.5 # a round with nothing new
kill -TERM $pid
wait $pid
eq "exit status after SIGTERM" "$?" 0

# The same database diagnosed in full from here writes the same rows.
dump() {
	sqlite3 -batch -noheader "$1" "SELECT * FROM incidents ORDER BY id; SELECT '--';
		SELECT * FROM incident_events ORDER BY incident_id, event_ref, role; SELECT '--';
		SELECT * FROM incident_facts ORDER BY incident_id, pos; SELECT '--';
		SELECT * FROM incident_keys ORDER BY incident_id;"
}
dump "$DB" > "$T/tail.rows"
cp "$DB" "$T/full.db"
"$NPSDIAG" diagnose --db "$T/full.db" --format jsonl > /dev/null 2>&1
[ $? -le 1 ] || fail "full diagnose"
dump "$T/full.db" > "$T/full.rows"
if cmp -s "$T/tail.rows" "$T/full.rows"; then ok; else fail "tail's results differ from a full run's"; diff "$T/tail.rows" "$T/full.rows" >&2; fi
eq "incidents" "$(q "SELECT count(*) FROM incidents WHERE kind = 'incident'")" 4
eq "no line twice" "$(sort "$T/out" | uniq -d | wc -l)" 0
finish
