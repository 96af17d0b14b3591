#!/bin/sh
# Re-ingest of an unchanged .evtx costs about a stat: the file's mark
# (identity, size, mtime, CRCs of its header, its newest chunk and the
# chunk after it) is kept in source_chunks at chunk_offset 0, the number of
# chunks that read looked at at chunk_offset 1, and a file that still has
# its mark is not read at all (two look-ups, no count of its chunks). Growth, a rewrite and a truncation
# are still noticed, even with the size and mtime put back. A run that
# finds the file unchanged writes nothing.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/tail/lib.sh"
L=$T/Security.evtx
n() { q "SELECT count(*) FROM events WHERE event_id = 6273"; }
mark() { q "SELECT count(*) FROM source_chunks WHERE chunk_offset = 0"; }

# 250 denials: 3 chunks.
{ header NPS01.lab.example Security; nps_desc a 2025-03-14T01:00:00Z 250; } > "$T/a.desc"
"$EVTXWRITE" -o "$L" "$T/a.desc" || fail "write"
ingest "$L"
eq "first run" "$rc" 0
eq "first run: all stored" "$(n)" 250
eq "the file is marked" "$(mark)" 1
eq "with its chunk count" "$(q "SELECT fingerprint FROM source_chunks WHERE chunk_offset = 1")" 3

# The second run writes nothing (so syncs nothing): the database file is
# as it was, byte for byte, and the source's row keeps the figures and the
# time of the run that read the file.
db() { stat -c '%s %y' "$DB"; cksum < "$DB"; q "SELECT last_ingest, records FROM sources"; }
before=$(db)
ingest "$L"
eq "second run" "$rc" 0
contains "second run: nothing read" "$T/out" "0 records, 0 kept"
contains "second run: every chunk unchanged" "$T/out" "3 chunks unchanged"
eq "second run: nothing written" "$(db)" "$before"
eq "second run: the figures of the read kept" "$(q "SELECT records FROM sources")" 250

# A mark without its chunk count (an older npsdiag's): the file is walked
# once more (every chunk unchanged) and marked with the count.
q "DELETE FROM source_chunks WHERE chunk_offset = 1"
ingest "$L"
contains "older mark: every chunk unchanged" "$T/out" "3 chunks unchanged"
eq "older mark: the count stored" "$(q "SELECT fingerprint FROM source_chunks WHERE chunk_offset = 1")" 3

# Proof that the file is not read: the second chunk's signature broken in
# place, size and mtime put back, would be reported by a read.
cp "$L" "$T/good.evtx"
touch -r "$L" "$T/stamp"
printf 'X' | dd of="$L" bs=1 seek=$((4096 + 65536)) conv=notrunc 2>/dev/null
touch -r "$T/stamp" "$L"
ingest "$L"
eq "unchanged by its mark: not read" "$(grep -c "bad signature" "$T/err")" 0
cat "$T/good.evtx" > "$L" # same inode
touch -r "$T/stamp" "$L"

# Growth in the newest chunk, size and mtime put back.
size=$(stat -c %s "$L")
{ printf 'computer NPS01.lab.example\nchannel Security\nfirst-record 251\n'; nps_desc b 2025-03-14T02:00:00Z 3; } > "$T/b.desc"
"$EVTXWRITE" --append -o "$L" "$T/b.desc" || fail "append"
touch -r "$T/stamp" "$L"
eq "size unchanged by the append" "$(stat -c %s "$L")" "$size"
ingest "$L"
eq "grown run" "$rc" 0
eq "growth noticed" "$(n)" 253
ingest "$L"
contains "grown file marked again" "$T/out" "0 records, 0 kept"

# A rewrite: another log of the same size in the same file, mtime put back.
{ header NPS01.lab.example Security; nps_desc c 2025-03-15T01:00:00Z 253; } > "$T/c.desc"
"$EVTXWRITE" -o "$T/c.evtx" "$T/c.desc" || fail "write c"
eq "same size" "$(stat -c %s "$T/c.evtx")" "$(stat -c %s "$L")"
touch -r "$L" "$T/stamp"
cat "$T/c.evtx" > "$L"
touch -r "$T/stamp" "$L"
ingest "$L"
eq "rewritten run" "$rc" 0
eq "rewrite noticed" "$(n)" 506

# A truncation to the header and the first chunk: the file is read again
# (one chunk, unchanged), not taken for the marked one of three chunks.
truncate -s $((4096 + 65536)) "$L"
touch -r "$T/stamp" "$L"
ingest "$L"
eq "truncated run" "$rc" 0
contains "truncation noticed: one chunk looked at" "$T/out" "1 chunks unchanged"
eq "nothing lost" "$(n)" 506

# A smaller log rewritten in place (one chunk): read, marked, and then
# counted as one chunk, not as the three rows source_chunks still holds.
{ header NPS01.lab.example Security; nps_desc d 2025-03-16T01:00:00Z 20; } > "$T/d.desc"
"$EVTXWRITE" -o "$T/d.evtx" "$T/d.desc" || fail "write d"
cat "$T/d.evtx" > "$L"
ingest "$L"
eq "smaller log stored" "$(n)" 526
ingest "$L"
contains "smaller log marked: nothing read" "$T/out" "0 records, 0 kept"
contains "smaller log marked: its one chunk" "$T/out" "1 chunks unchanged"
finish
