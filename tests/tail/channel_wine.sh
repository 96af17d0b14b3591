#!/bin/sh
# tail --channel in npsdiag.exe under wine (label wine, tests/win.cmake): wine has no Event Log
# subscriptions, so --channel fails there; the channel source itself runs
# through the replay feed: the renderings of the diagnose fixtures give the Linux build's events and
# `diagnose --format json`, and npsdiag.exe killed (SIGKILL to wine) between transactions of a
# round resumes after the stored bookmark: every rendering taken once, 0 lost, 0 twice.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
. "$SRC/tests/win/lib.sh"
need "$EVTXCONVERT"
cd "$T" || exit 1
mkdir replay
for f in "$FIX/diagnose/"*.evtx; do
	ch=$(basename "$f" .evtx)
	mkdir "replay/$ch"
	"$EVTXCONVERT" xml "$f" > "replay/$ch/events.xml" || fail "evtxconvert $f"
	set -- "$@" --channel "$ch"
done
"$NPSDIAG" tail --once --db linux.db --channel-replay replay "$@" >/dev/null 2>&1 || fail "Linux tail"
win tail --once --db win.db --channel-replay replay "$@" >/dev/null 2>err || { fail "wine tail"; cat err >&2; }
eq "events" "$(count win.db)" "$(count linux.db)"
"$NPSDIAG" diagnose --db linux.db --format json >l.json
win diagnose --db win.db --format json >w.json
same "diagnose --format json" w.json l.json
eq "bookmarks" "$(sqlite3 -batch -noheader win.db "SELECT group_concat(bookmark, '') FROM channel_bookmarks")" \
	"$(sqlite3 -batch -noheader linux.db "SELECT group_concat(bookmark, '') FROM channel_bookmarks")"

# The Event Log API under wine: not there (Debian 12's wine aborts on EvtCreateBookmark, newer ones
# fail it with ERROR_CALL_NOT_IMPLEMENTED): tail fails and stores nothing.
win_may_abort tail --once --db api.db --channel Security >/dev/null 2>err
rc=$?
if [ "$rc" -ne 0 ]; then ok; else fail "--channel under wine: exit status 0"; fi
# wine 8.0's abort: npsdiag.exe's handler names it and exits 3 (wine alone gave 0 after a thread had ended)
if grep -q 'unimplemented function' err; then
	eq "--channel under wine: an abort's exit status" "$rc" 3
	contains "--channel under wine: the abort named" err "npsdiag: fatal exception 0x80000100 at "
fi
eq "--channel under wine: nothing stored" "$(sqlite3 -batch -noheader api.db "SELECT count(*) FROM events" 2>/dev/null || echo 0)" 0

# Killed in a round of 6,000 renderings (six transactions), then run again.
mkdir -p big/Security
awk 'BEGIN {
	for (i = 1; i <= 6000; i++)
		printf "<Event><System><Provider Name=\"Microsoft-Windows-Security-Auditing\"/><EventID>6273</EventID>" \
		       "<TimeCreated SystemTime=\"2025-03-16T%02d:%02d:%02d.5Z\"/><EventRecordID>%d</EventRecordID>" \
		       "<Channel>Security</Channel><Computer>NPS07.lab.example</Computer></System><EventData>" \
		       "<Data Name=\"SubjectUserName\">w%d</Data><Data Name=\"ReasonCode\">16</Data></EventData></Event>\n",
		       int(i / 3600), int(i / 60) % 60, i % 60, i, i
}' > big/Security/events.xml
win_bg tail --db kill.db --interval 0.05 --channel-replay big --channel Security >/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do
	n=$(sqlite3 -batch -noheader kill.db "SELECT records FROM sources WHERE path = 'replay:Security'" 2>/dev/null)
	[ "${n:-0}" -gt 0 ] && break
	sleep 0.05
	i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
n=$(sqlite3 -batch -noheader kill.db "SELECT records FROM sources WHERE path = 'replay:Security'" 2>/dev/null)
echo "killed with ${n:-0} of 6000 renderings taken"
win tail --once --db kill.db --channel-replay big --channel Security >/dev/null 2>err || { fail "the run after the kill"; cat err >&2; }
eq "every rendering taken once" "$(sqlite3 -batch -noheader kill.db "SELECT records FROM sources WHERE path = 'replay:Security'")" 6000
eq "stored once each" "$(sqlite3 -batch -noheader kill.db "SELECT count(*) || ' ' || count(DISTINCT record_id) FROM events")" "6000 6000"
eq "integrity" "$(sqlite3 -batch -noheader kill.db "PRAGMA integrity_check")" ok
finish
