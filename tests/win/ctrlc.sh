#!/bin/sh
# Ctrl-C on Windows (src/platform/nd_signals_win.c, SetConsoleCtrlHandler): wine turns a SIGINT to the
# process into CTRL_C_EVENT for the console control handlers (its ntdll starts kernelbase's
# CtrlRoutine in a new thread), as a console delivers Ctrl-C on Windows. npsdiag.exe tail, interrupted
# so while it takes a round of 6,000 renderings (six transactions), stops as on Linux after a SIGINT:
# it finishes the round's transactions, prints its summary and exits 0, with what it stored whole; the
# run after it resumes after the stored bookmark: the renderings added meanwhile taken, each once.
# Ctrl-Break and closing the console reach the same handler, but wine has no way to send them here
# (docs/windows.md).
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/win/lib.sh"
cd "$T" || exit 1
mkdir -p big/Security
# gen FROM TO: renderings of 6273 events with record ids FROM..TO.
gen() {
	awk -v from="$1" -v to="$2" 'BEGIN {
	for (i = from; i <= to; i++)
		printf "<Event><System><Provider Name=\"Microsoft-Windows-Security-Auditing\"/><EventID>6273</EventID>" \
		       "<TimeCreated SystemTime=\"2025-03-16T%02d:%02d:%02d.5Z\"/><EventRecordID>%d</EventRecordID>" \
		       "<Channel>Security</Channel><Computer>NPS07.lab.example</Computer></System><EventData>" \
		       "<Data Name=\"SubjectUserName\">w%d</Data><Data Name=\"ReasonCode\">16</Data></EventData></Event>\n",
		       int(i / 3600), int(i / 60) % 60, i % 60, i, i
	}'
}
gen 1 6000 > big/Security/events.xml
taken() { sqlite3 -batch -noheader int.db "SELECT records FROM sources WHERE path = 'replay:Security'" 2>/dev/null; }

# A background job of a non-interactive shell starts with SIGINT ignored, and wine leaves an ignored
# SIGINT ignored (no CTRL_C_EVENT then): start it with the default disposition.
env --default-signal=INT true 2>/dev/null || { echo "SKIP: env has no --default-signal (coreutils 9)"; exit 77; }
env --default-signal=INT "$WINE" "$NPSDIAG_WIN_EXE" tail --db int.db --interval 0.05 --channel-replay big \
	--channel Security >out 2>err &
pid=$!
# Interrupted once the first transaction is committed, while the round goes on.
i=0
while [ $i -lt 1200 ] && kill -0 $pid 2>/dev/null; do
	[ "$(taken)" -gt 0 ] 2>/dev/null && break
	sleep 0.05
	i=$((i + 1))
done
kill -INT $pid
# Wine's CtrlRoutine thread runs the handler; tail stops after its transaction.
i=0
while [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 $pid 2>/dev/null; then
	fail "npsdiag.exe still runs 60 s after SIGINT (CTRL_C_EVENT)"
	kill -9 $pid
fi
wait $pid
eq "exit status after Ctrl-C" $? 0
contains "the summary is printed" err "npsdiag: tail stopped:"
n=$(taken)
echo "interrupted with ${n:-0} of 6000 renderings taken"
eq "what was taken is stored: no transaction left half done" \
	"$(sqlite3 -batch -noheader int.db "SELECT count(*) FROM events")" "${n:-0}"
eq "the bookmark is the last one stored" \
	"$(sqlite3 -batch -noheader int.db "SELECT bookmark LIKE '%RecordId=''${n:-0}''%' FROM channel_bookmarks")" 1
# 500 more while it was stopped; the next run resumes after its bookmark.
gen 6001 6500 >> big/Security/events.xml
win tail --once --db int.db --channel-replay big --channel Security >/dev/null 2>err2 || { fail "the run after Ctrl-C"; cat err2 >&2; }
eq "every rendering taken once" "$(taken)" 6500
eq "stored once each" "$(sqlite3 -batch -noheader int.db "SELECT count(*) || ' ' || count(DISTINCT record_id) FROM events")" "6500 6500"
eq "integrity" "$(sqlite3 -batch -noheader int.db "PRAGMA integrity_check")" ok
finish
