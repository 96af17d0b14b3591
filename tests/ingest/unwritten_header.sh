#!/bin/sh
# A live log caught between the service's record writes and its header
# write: a chunk whose 512-byte header is still zero but whose records are
# framed behind it. Ingest reads its records by their framing (with a
# warning naming the chunk), with our decoder and with libevtx (which gets a
# rebuilt header on a private copy), and stores exactly what the complete
# log gives; once the header appears, nothing is stored twice.
. "$(dirname "$0")/lib.sh"
GOOD=$FIX/error853/NPS01-Security.evtx
need "$GOOD"
LOG=$T/NPS01-Security.evtx
cp "$GOOD" "$LOG"
# Zero the header of the third chunk (file offset 4096 + 2 * 65536).
dd if=/dev/zero of="$LOG" bs=512 count=1 seek=$(((4096 + 2 * 65536) / 512)) conv=notrunc 2>/dev/null
"$NPSDIAG" ingest --db "$T/good.db" "$GOOD" >/dev/null 2>&1
want=$(sqlite3 "$T/good.db" "SELECT count(*) FROM events")
for dec in fast libevtx; do
	DB=$T/$dec.db
	ingest --decoder $dec "$LOG"
	eq "$dec: exit (0: a warning only)" "$rc" 0
	contains "$dec: warning names the chunk" "$T/err" "chunk at offset 0x21000: header not written yet, records read by their framing"
	eq "$dec: every event of the complete log" "$(q "SELECT count(*) FROM events")" "$want"
	eq "$dec: the same events" "$(q "ATTACH '$T/good.db' AS g; SELECT count(*) FROM g.events x WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.record_id = x.record_id AND e.ts = x.ts)")" 0
done
# The header is written: the chunk is read again and nothing doubles.
DB=$T/fast.db
cp "$GOOD" "$LOG"
ingest "$LOG"
eq "header written: exit" "$rc" 0
eq "header written: nothing stored twice" "$(q "SELECT count(*) FROM events")" "$want"
finish
