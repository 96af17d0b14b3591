#!/bin/sh
# Benchmark: npsdiag ingest of the same events as .evtx, as event XML
# (a wevtutil /f:xml stream), as Winlogbeat/ECS JSON lines and gzip-compressed (the .evtx spooled
# from the archive, the JSON lines streamed from it), measured in the same run, with peak memory
# (issue 12: a large export is streamed, never read into memory).
#
#   tools/bench-inputs.sh [RECORDS]      (default 1000000 records)
#
# Writes a Security.evtx of RECORDS records with evtxwrite (the mix of
# bench-ingest.sh: 1 in 100 an NPS 6272/6273, the rest noise), converts it
# with evtxconvert, and times one ingest of each into a new database.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
records=${1:-1000000}
b=${BUILD:-$top/build}
[ -x "$b/npsdiag" ] && [ -x "$b/tools/evtxconvert" ] || { cmake -S "$top" -B "$b" >/dev/null && cmake --build "$b" -j2 >/dev/null; }
w=$(mktemp -d "${TMPDIR:-/tmp}/npsdiag-bench.XXXXXX")
trap 'rm -rf "$w"' EXIT

per=$((records / 100))
sed -e "s/@4624@/$((per * 60))/; s/@4688@/$((per * 20))/; s/@4625@/$((per * 19))/; s/@6273@/$(((per + 1) / 2))/; s/@6272@/$((per / 2))/" \
	"$top/tools/bench-security.desc" > "$w/bench.desc"
"$b/tools/evtxwrite" -o "$w/Security.evtx" "$w/bench.desc"
"$b/tools/evtxconvert" xml "$w/Security.evtx" > "$w/Security.xml"
"$b/tools/evtxconvert" ecs "$w/Security.evtx" > "$w/Security.jsonl"
gzip -1 -c "$w/Security.evtx" > "$w/Security.evtx.gz"
gzip -1 -c "$w/Security.jsonl" > "$w/Security.jsonl.gz"

# run NAME FILE: one timed ingest into a new database; prints time, rate, peak RSS.
run() {
	rm -f "$w/b.db"*
	cat "$2" > /dev/null
	s=$(date +%s.%N)
	mem=$( { /usr/bin/time -f %M "$b/npsdiag" ingest --quiet --db "$w/b.db" "$2" >/dev/null; } 2>&1 | tail -1)
	e=$(date +%s.%N)
	t=$(awk "BEGIN { print $e - $s }")
	printf '%-8s %5d MB  %7.2f s  %8d records/s  %4d MB/s  peak RSS %d MB  kept %s\n' "$1" \
		$(($(stat -c %s "$2") / 1048576)) "$t" "$(awk "BEGIN { printf \"%d\", $records / $t }")" \
		"$(awk "BEGIN { printf \"%d\", $(stat -c %s "$2") / 1048576 / $t }")" $((mem / 1024)) \
		"$(sqlite3 "$w/b.db" "SELECT count(*) FROM events")"
}
echo "records: $records"
run evtx "$w/Security.evtx"
run xml "$w/Security.xml"
run jsonl "$w/Security.jsonl"
run evtx.gz "$w/Security.evtx.gz"
run jsonl.gz "$w/Security.jsonl.gz"
