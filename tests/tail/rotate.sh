#!/bin/sh
# Rotation and reset while `tail` follows a folder: a log archived (the
# file renamed to Archive-Security-*.evtx and a new Security.evtx started;
# a round may fall between the two steps or not, the report is the same),
# replaced by another file, cleared in place (record ids start again at
# 1), and wrapped (retention overwrote the oldest chunk with new records).
# Each is reported, and the database ends with every record exactly once.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
D=$T/logs
mkdir "$D"
count() { q "SELECT count(*) || '/' || count(DISTINCT record_id || ts) FROM events WHERE event_id = 6273" 2>/dev/null; }
# settle N: waits (up to 10 s) until the database holds N denials.
settle() {
	i=0
	while [ "$(count)" != "$1/$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
}

# Archive: 20 records, then the file is archived and a new log goes on.
denials 1 a 2025-03-14T01:00:00Z 20 > "$T/a.desc"
"$EVTXWRITE" --live -o "$D/Security.evtx" "$T/a.desc"
"$NPSDIAG" tail --db "$DB" --interval 0.1 "$D" > "$T/out" 2> "$T/err" &
pid=$!
settle 20
eq "before archiving" "$(count)" 20/20
mv "$D/Security.evtx" "$D/Archive-Security-2025-03-14-01-00-30-000.evtx"
denials 21 b 2025-03-14T01:01:00Z 5 > "$T/b.desc"
"$EVTXWRITE" --live -o "$T/new.evtx" "$T/b.desc"
mv "$T/new.evtx" "$D/Security.evtx"
settle 25
eq "after archiving: the new records, the archived ones once" "$(count)" 25/25

# Replace: another file is renamed over Security.evtx (a new inode).
denials 26 r 2025-03-14T01:30:00Z 2 > "$T/r.desc"
"$EVTXWRITE" --live -o "$T/new.evtx" "$T/r.desc"
mv "$T/new.evtx" "$D/Security.evtx"
settle 27
eq "after replacing" "$(count)" 27/27

# Clear: the same file (same inode, same size) is rewritten in place and
# starts again at record 1.
denials 1 c 2025-03-14T02:00:00Z 3 > "$T/c.desc"
"$EVTXWRITE" --live -o "$T/cleared.evtx" "$T/c.desc"
eq "cleared log as long as the old one" "$(stat -c %s "$T/cleared.evtx")" "$(stat -c %s "$D/Security.evtx")"
dd if="$T/cleared.evtx" of="$D/Security.evtx" bs=65536 conv=notrunc 2>/dev/null
settle 30
eq "after clearing" "$(count)" 30/30

# Wrap: a log of several chunks whose oldest chunk is overwritten by a
# chunk of newer records.
denials 1000 w 2025-03-14T03:00:00Z 300 > "$T/w.desc"
"$EVTXWRITE" -o "$T/wrap.evtx" "$T/w.desc"
mv "$T/wrap.evtx" "$D/Wrap.evtx"
settle 330
eq "wrap log: $(( ($(stat -c %s "$D/Wrap.evtx") - 4096) / 65536 )) chunks" "$(count)" 330/330
denials 1300 x 2025-03-14T04:00:00Z 20 > "$T/x.desc"
"$EVTXWRITE" -o "$T/new.evtx" "$T/x.desc"
# Its first chunk is overwritten in place by the new file's first chunk.
dd if="$T/new.evtx" of="$D/Wrap.evtx" bs=4096 skip=1 seek=1 count=16 conv=notrunc 2>/dev/null
settle 350
# The overwritten chunk's old records stay stored (history), the new ones arrive.
eq "after wrapping" "$(count)" 350/350
kill -TERM $pid
wait $pid
eq "tail exit" "$?" 0
contains "wrap reported" "$T/err" "log wrapped"
contains "archive reported" "$T/err" "Security.evtx: archived or renamed as $D/Archive-Security-2025-03-14-01-00-30-000.evtx"
contains "new log after the archive" "$T/err" "Security.evtx: a new log was started in its place"
contains "replacement reported" "$T/err" "Security.evtx: replaced by another file"
contains "clear reported" "$T/err" "Security.evtx: log cleared"
eq "the archive is not read as a new file" "$(grep -c 'Archive-Security.*following' "$T/err")" 0
finish
