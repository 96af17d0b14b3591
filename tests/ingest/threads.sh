#!/bin/sh
# Chunks decoded on 4 threads, or on threads started on demand (the
# default), make the same database as on 1: every
# table, row for row (events in the same order, so with the same ids),
# apart from the times of the runs. Inputs: every fixture, a log of
# many chunks where NPS decisions and noise alternate, and a domain
# controller's log of more than 64 chunks that keeps a few records only
# (big enough for the default threads to start at once and filter).
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/tail/lib.sh"
need "$FIX/error853/NPS01-Security.evtx"
mkdir "$T/in"
cp -R "$FIX"/* "$T/in/"
# text/: real renderings for tail_channel, two with the invalid times their sanitising left.
rm -rf "$T/in/text"
{
	header NPS01.lab.example Security
	nps_desc a 2025-03-14T01:00:00Z 400
	noise_desc 2025-03-14T02:00:00Z 600
	nps_desc b 2025-03-14T03:00:00Z 400
} > "$T/big.desc"
"$EVTXWRITE" -o "$T/in/big.evtx" "$T/big.desc" || fail "write"
{
	header DC01.lab.example Security
	nps_desc c 2025-03-14T01:00:00Z 5
	noise_desc 2025-03-14T02:00:00Z 20000
	nps_desc d 2025-03-14T09:00:00Z 5
} > "$T/dc.desc"
"$EVTXWRITE" -o "$T/in/dc.evtx" "$T/dc.desc" || fail "write dc"

# dump DB: every table but sources, then the sources without their run times.
dump() {
	for t in $(sqlite3 -batch -noheader "$1" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'sources' ORDER BY name"); do
		echo "== $t"
		sqlite3 -batch -noheader "$1" "SELECT * FROM \"$t\" ORDER BY 1, 2"
	done
	sqlite3 -batch -noheader "$1" "SELECT id, path, size, mtime, records, wanted, stored, duplicates, skipped, errors, warnings FROM sources ORDER BY id"
}
# d: the default, threads started by the first chunk that keeps many records
for n in 1 4 d; do
	a="--threads $n"
	[ "$n" = d ] && a=""
	"$NPSDIAG" ingest $a --db "$T/t$n.db" "$T/in" >"$T/out$n" 2>"$T/err$n"
	eq "ingest with $n threads" "$?" 0
	dump "$T/t$n.db" > "$T/dump$n"
done
eq "events stored" "$(sqlite3 "$T/t4.db" "SELECT count(*) > 800 FROM events")" 1
eq "more than 64 chunks in dc.evtx" "$(sqlite3 "$T/t4.db" "SELECT count(*) > 64 FROM source_chunks c JOIN sources s ON s.id = c.source_id WHERE s.path LIKE '%dc.evtx'")" 1
eq "several chunks of big.evtx" "$(sqlite3 "$T/t4.db" "SELECT count(*) > 10 FROM source_chunks c JOIN sources s ON s.id = c.source_id WHERE s.path LIKE '%big.evtx'")" 1
if cmp -s "$T/dump1" "$T/dump4"; then ok; else fail "1 and 4 threads: databases differ"; diff "$T/dump1" "$T/dump4" | head -20 >&2; fi
eq "same output" "$(cat "$T/out4")" "$(cat "$T/out1")"
eq "same problems, in the same order" "$(cat "$T/err4")" "$(cat "$T/err1")"
if cmp -s "$T/dump1" "$T/dumpd"; then ok; else fail "1 and default threads: databases differ"; fi
eq "same problems, default threads" "$(cat "$T/errd")" "$(cat "$T/err1")"

# Again after a touch (the file's mark no longer matches): the workers read
# and walk every chunk and find each one stored with the same fingerprint.
touch "$T/in/big.evtx" "$T/in/dc.evtx"
for n in 1 4; do
	before=$(sqlite3 "$T/t$n.db" "SELECT count(*), max(id) FROM events")
	"$NPSDIAG" ingest --threads $n --db "$T/t$n.db" "$T/in/big.evtx" "$T/in/dc.evtx" >"$T/again$n" 2>&1
	eq "touched, ingest with $n threads" "$?" 0
	eq "touched, $n threads: no event added" "$(sqlite3 "$T/t$n.db" "SELECT count(*), max(id) FROM events")" "$before"
done
eq "touched: every chunk unchanged" "$(grep -c ': 0 records, 0 kept (0 new, 0 already stored), 0 skipped, 0 errors, [0-9]* chunks unchanged' "$T/again4")" 2
eq "touched: same output" "$(cat "$T/again4")" "$(cat "$T/again1")"

# The libevtx path (every record handed back to the reading thread) too.
for n in 1 4; do
	"$NPSDIAG" ingest --decoder libevtx --threads $n --db "$T/l$n.db" "$T/in" >/dev/null 2>&1
	dump "$T/l$n.db" > "$T/ldump$n"
done
if cmp -s "$T/ldump1" "$T/ldump4"; then ok; else fail "--decoder libevtx, 1 and 4 threads: databases differ"; fi

"$NPSDIAG" ingest --threads 0 --db "$T/t0.db" "$T/in" >/dev/null 2>&1
eq "--threads 0 refused" "$?" 2
finish
