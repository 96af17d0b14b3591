#!/bin/sh
# npsdiag.exe killed (SIGKILL to wine: no chance to clean up) while it ingests six large logs, then run
# again: the database holds exactly the events of a Linux ingest (none lost, none twice) and passes
# SQLite's integrity check.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
. "$SRC/tests/win/lib.sh"
cd "$T" || exit 1
# Six logs (each committed on its own, and in batches of chunks): a kill after the first commit lands
# in the middle.
mkdir big
for i in 1 2 3 4 5 6; do
	{ header NPS0$i.lab.example Security; noise_desc 2025-03-1${i}T00:00:00Z 2000; nps_desc u$i 2025-03-1${i}T02:00:00Z 6000; } >big.desc
	"$EVTXWRITE" -o big/NPS0$i-Security.evtx big.desc || fail "evtxwrite"
done
"$NPSDIAG" ingest --quiet --db linux.db big >/dev/null
want=$(count linux.db)
[ "$want" -gt 0 ] || fail "the Linux ingest stored nothing"

win_bg ingest --quiet --db win.db big >/dev/null 2>&1 &
pid=$!
# Wait until it has committed something, then kill it.
i=0
while [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do
	n=$(sqlite3 -batch -noheader win.db "SELECT count(*) FROM events" 2>/dev/null || echo 0)
	[ "${n:-0}" -gt 0 ] && break
	sleep 0.1
	i=$((i + 1))
done
if kill -9 $pid 2>/dev/null; then
	wait $pid 2>/dev/null
	n=$(count win.db)
	echo "killed with $n of $want events stored"
	# Nothing more is stored: npsdiag.exe itself is dead, not only a shell that waited for it.
	sleep 1
	eq "events a second after the kill" "$(count win.db)" "$n"
	[ "$n" -lt "$want" ] || echo "note: everything was stored before the kill"
else
	echo "note: npsdiag.exe finished before the kill"
fi
win ingest --quiet --db win.db big >/dev/null 2>err || { fail "the run after the kill"; cat err >&2; }
eq "events after the kill and a second run" "$(count win.db)" "$want"
eq "integrity" "$(sqlite3 -batch -noheader win.db "PRAGMA integrity_check")" ok
"$NPSDIAG" diagnose --db linux.db --format json >l.json
win diagnose --db win.db --format json >w.json
same "diagnose after resume" w.json l.json
finish
