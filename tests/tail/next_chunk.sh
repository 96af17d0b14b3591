#!/bin/sh
# A record that starts a new chunk while the file's size and mtime stay
# as they were: the log is pre-extended (the size does not move) and
# Windows updates the mtime of an open log lazily (over SMB, much later).
# tail must still find it: its cheap check looks at the chunk after the
# newest one too. tail is stopped (SIGSTOP) while the record is written
# and the mtime put back, so that no round sees the file in between.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
L=$T/Security.evtx
# 89 denials fill the first chunk: the 90th does not fit.
{ header NPS01.lab.example Security; nps_desc a 2025-03-14T01:00:00Z 89; } > "$T/a.desc"
"$EVTXWRITE" --live -o "$L" "$T/a.desc"
"$NPSDIAG" tail --db "$DB" --interval 0.1 "$L" > "$T/out" 2> "$T/err" &
pid=$!
count() { q "SELECT count(*) FROM events WHERE event_id = 6273" 2>/dev/null; }
i=0
while [ "$(count)" != 89 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
eq "first chunk stored" "$(count)" 89
sleep 0.5 # a few rounds: the chunk is settled
cp "$L" "$T/before.evtx"
kill -STOP $pid
touch -r "$L" "$T/stamp"
printf 'computer NPS01.lab.example\nchannel Security\nfirst-record 90\n' > "$T/b.desc"
nps_desc b 2025-03-14T02:00:00Z >> "$T/b.desc"
"$EVTXWRITE" --append -o "$L" "$T/b.desc"
touch -r "$T/stamp" "$L"
kill -CONT $pid
eq "the new record went to the second chunk only" \
	"$(cmp -l "$T/before.evtx" "$L" | awk '{ print int(($1 - 1 - 4096) / 65536) }' | uniq)" 1
eq "size unchanged" "$(stat -c %s "$L")" "$(stat -c %s "$T/before.evtx")"
i=0
while [ "$(count)" != 90 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
eq "the record in the new chunk is stored" "$(count)" 90
kill -TERM $pid
wait $pid
eq "tail exit" "$?" 0
finish
