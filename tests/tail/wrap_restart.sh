#!/bin/sh
# A log that wraps while no tail runs (issue 9, item 14): the last record id
# tail read from each log is kept in the store (sources.last_record_id), so
# a restarted tail still names the records a wrap overwrote before they
# were read. A restart after a wrap that lost nothing, or after the log was
# cleared (ids start again), names none.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
D=$T/logs
mkdir "$D"
count() { q "SELECT count(*) FROM events WHERE event_id = 6273" 2>/dev/null; }
last_read() { q "SELECT last_record_id FROM sources WHERE path LIKE '%/Wrap.evtx'" 2>/dev/null; }
# run N LAST ERR: starts tail, waits (up to 20 s) until the database holds
# N denials and LAST as the last record id read (written after the
# events), stops it; its stderr goes to ERR.
run() {
	"$NPSDIAG" tail --db "$DB" --interval 0.1 "$D" > "$T/out" 2> "$3" &
	pid=$!
	i=0
	while { [ "$(count)" != "$1" ] || [ "$(last_read)" != "$2" ]; } && [ $i -lt 400 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -TERM $pid
	wait $pid
	eq "tail exit ($3)" "$?" 0
	eq "denials after the run ($3)" "$(count)" "$1"
	eq "the last record id read, stored ($3)" "$(last_read)" "$2"
}

denials 1000 w 2025-03-14T03:00:00Z 300 > "$T/w.desc"
"$EVTXWRITE" -o "$D/Wrap.evtx" "$T/w.desc"
chunks=$(( ($(stat -c %s "$D/Wrap.evtx") - 4096) / 65536 ))
run 300 1299 "$T/err1"

# While no tail runs, the oldest chunk is overwritten by records 1300-1319:
# nothing lost.
denials 1300 x 2025-03-14T04:00:00Z 20 > "$T/x.desc"
"$EVTXWRITE" -o "$T/x.evtx" "$T/x.desc"
dd if="$T/x.evtx" of="$D/Wrap.evtx" bs=4096 skip=1 seek=1 count=16 conv=notrunc 2>/dev/null
run 320 1319 "$T/err2"
eq "after a wrap that lost nothing: none named" "$(grep -c 'overwritten before' "$T/err2")" 0

# While no tail runs, every chunk is overwritten by records 5000-5299:
# records 1320 to 4999 were written and overwritten unread.
denials 5000 y 2025-03-14T05:00:00Z 300 > "$T/y.desc"
"$EVTXWRITE" -o "$T/y.evtx" "$T/y.desc"
eq "the new records fill as many chunks" "$(( ($(stat -c %s "$T/y.evtx") - 4096) / 65536 ))" "$chunks"
dd if="$T/y.evtx" of="$D/Wrap.evtx" bs=4096 skip=1 seek=1 conv=notrunc 2>/dev/null
run 620 5299 "$T/err3"
contains "the records lost while no tail ran are named" "$T/err3" \
	"Wrap.evtx: log wrapped faster than it was polled: records 1320 to 4999 (3680) were overwritten before they were read"
eq "named once" "$(grep -c 'overwritten before' "$T/err3")" 1

# While no tail runs, the log is cleared: ids start again at 1.
denials 1 z 2025-03-14T06:00:00Z 50 > "$T/z.desc"
"$EVTXWRITE" -o "$T/z.evtx" "$T/z.desc"
cat "$T/z.evtx" > "$D/Wrap.evtx"
run 670 50 "$T/err4"
eq "after a clear: none named" "$(grep -c 'overwritten before' "$T/err4")" 0
finish
