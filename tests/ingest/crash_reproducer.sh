#!/bin/sh
# A log whose record has an empty <EventID/> once crashed ingest and tail
# (SIGSEGV in the event XML parser): now ingest names the file and the
# record, goes on, and stores the records of the other files of the run;
# tail --once survives it too.
. "$(dirname "$0")/lib.sh"
BAD=$SRC/tests/fuzz/regress/evtx-empty-eventid-segv.evtx
need "$BAD" "$FIX/error853/NPS01-Security.evtx"
ingest "$BAD" "$FIX/error853/NPS01-Security.evtx"
eq "ingest exit (1: a record had an error)" "$rc" 1
contains "error names file and record" "$T/err" "evtx-empty-eventid-segv.evtx: record 1 at offset 0x1200: event XML: bad EventID"
eq "the other file's records are stored" "$(q "SELECT count(*) > 0 FROM events e JOIN sources s ON s.id = e.source_id WHERE s.path LIKE '%NPS01-Security.evtx'")" 1
eq "nothing stored from the bad record" "$(q "SELECT count(*) FROM events e JOIN sources s ON s.id = e.source_id WHERE s.path LIKE '%segv.evtx'")" 0
eq "the error is counted" "$(q "SELECT errors FROM sources WHERE path LIKE '%segv.evtx'")" 1
"$NPSDIAG" tail --once --db "$T/tail.db" "$BAD" > "$T/out" 2> "$T/err"
rc=$?
[ "$rc" -lt 128 ] && ok || fail "tail --once died with status $rc"
finish
