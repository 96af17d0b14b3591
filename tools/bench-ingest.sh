#!/bin/sh
# Benchmark: npsdiag ingest of large Security logs, with our own decoder
# (--decoder fast, the default) and with libevtx alone (--decoder libevtx),
# against libevtx's own evtxexport and cat on the same files, measured in
# the same run (machines here are noisy: quote the ratios, not the seconds).
#
#   tools/bench-ingest.sh [RECORDS] [RUNS]      (default 100000 records, 3 runs)
#
# Builds build/ (RelWithDebInfo) if needed and writes with evtxwrite, from
# tools/bench-security.desc, two Security.evtx of RECORDS records each:
#   1 %  NPS: 1 in 100 an NPS 6272/6273, the rest 4624/4625/4688 noise as
#             on a busy server that also does other things
#   50 % NPS: half of them NPS decisions, as on a dedicated NPS server
# and a third with the same noise and 2 NPS events (skipping alone). Then
# it times, best of RUNS, for each file:
#   cat FILE > /dev/null                        reading the bytes, the floor
#   evtxexport -f xml FILE > /dev/null          every record decoded and rendered
#   npsdiag ingest --decoder libevtx            filter, libevtx decodes the kept records, store
#   npsdiag ingest --threads 1                  filter, our decoder, store, one thread
#   npsdiag ingest (--decoder fast)             the same, chunks decoded on one thread per core
#   npsdiag ingest again                        the unchanged file again (its mark: not read)
# and prints the times, the ratios, npsdiag's peak memory and the database
# bytes per stored event.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
records=${1:-100000}
runs=${2:-3}
b=$top/build
npsdiag=$b/npsdiag
[ -x "$npsdiag" ] && [ -x "$b/tools/evtxwrite" ] || { cmake -S "$top" -B "$b" >/dev/null && cmake --build "$b" -j"$(nproc)" >/dev/null; }
w=$(mktemp -d "${TMPDIR:-/tmp}/npsdiag-bench.XXXXXX")
trap 'rm -rf "$w"' EXIT

per=$((records / 100))
# make NAME N4624 N4688 N4625 N6273 N6272: writes $w/NAME.evtx.
make() {
	sed -e "s/@4624@/$2/; s/@4688@/$3/; s/@4625@/$4/; s/@6273@/$5/; s/@6272@/$6/" \
		"$top/tools/bench-security.desc" > "$w/$1.desc"
	"$b/tools/evtxwrite" -o "$w/$1.evtx" "$w/$1.desc"
}
# Per 100 records: 60 4624, 20 4688, 19 4625, 1 NPS decision (6273 and 6272 alternating).
make nps1 $((per * 60)) $((per * 20)) $((per * 19)) $(((per + 1) / 2)) $((per / 2))
# Per 100 records: 30 4624, 10 4688, 10 4625, 50 NPS decisions.
make nps50 $((per * 30)) $((per * 10)) $((per * 10)) $((per * 25)) $((per * 25))
# The same noise as nps1 with 2 NPS events in all: what skipping alone costs.
make noise $((per * 60)) $((per * 20)) $((per * 20)) 1 1

# best CMD...: the best wall time of RUNS runs of CMD, in seconds.
best() {
	bt=""
	i=0
	while [ "$i" -lt "$runs" ]; do
		rm -f "$w/b.db" "$w/b.db-wal" "$w/b.db-shm"
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s.%N)
		t=$(awk "BEGIN { print $e - $s }")
		if [ -z "$bt" ] || awk "BEGIN { exit !($t < $bt) }"; then bt=$t; fi
		i=$((i + 1))
	done
	echo "$bt"
}
# mb FILE SECONDS: MB/s.
mb() { awk "BEGIN { printf \"%d\", $(stat -c %s "$1") / 1048576 / $2 }"; }

for f in nps1 nps50; do
	file=$w/$f.evtx
	cat "$file" >/dev/null # page cache warm for all
	tc=$(best sh -c "cat '$file' > /dev/null")
	te=$(best sh -c "evtxexport -f xml '$file' > /dev/null")
	tl=$(best "$npsdiag" ingest --quiet --decoder libevtx --db "$w/b.db" "$file")
	t1=$(best "$npsdiag" ingest --quiet --decoder fast --threads 1 --db "$w/b.db" "$file")
	tf=$(best "$npsdiag" ingest --quiet --decoder fast --db "$w/b.db" "$file")
	rm -f "$w/b.db"*
	mem=$( { /usr/bin/time -f %M "$npsdiag" ingest --quiet --db "$w/b.db" "$file" >/dev/null; } 2>&1 | tail -1)
	kept=$(sqlite3 "$w/b.db" "SELECT count(*) FROM events")
	sqlite3 "$w/b.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	bytes=$(stat -c %s "$w/b.db")
	# again: the unchanged file into the same database, best of RUNS.
	ta=""
	i=0
	while [ "$i" -lt "$runs" ]; do
		s=$(date +%s.%N)
		"$npsdiag" ingest --quiet --db "$w/b.db" "$file" >/dev/null 2>&1
		e=$(date +%s.%N)
		t=$(awk "BEGIN { print $e - $s }")
		if [ -z "$ta" ] || awk "BEGIN { exit !($t < $ta) }"; then ta=$t; fi
		i=$((i + 1))
	done
	rm -f "$w/b.db"*
	printf '%s: %d records, %d MB, %s kept\n' "$f" "$records" $(($(stat -c %s "$file") / 1048576)) "$kept"
	printf '  cat (read only)          : %8.3f s\n' "$tc"
	printf '  evtxexport -f xml        : %8.3f s\n' "$te"
	printf '  ingest --decoder libevtx : %8.3f s   (%.1fx faster than evtxexport; %s MB/s)\n' "$tl" \
		"$(awk "BEGIN { print $te / $tl }")" "$(mb "$file" "$tl")"
	printf '  ingest --threads 1       : %8.3f s   (%.1fx faster than --decoder libevtx, %.1fx than evtxexport; %s MB/s)\n' \
		"$t1" "$(awk "BEGIN { print $tl / $t1 }")" "$(awk "BEGIN { print $te / $t1 }")" "$(mb "$file" "$t1")"
	printf '  ingest (threads: %d)      : %8.3f s   (%.1fx faster than --decoder libevtx, %.1fx than evtxexport, %.1fx cat; %s MB/s; peak RSS %d MB)\n' \
		"$(nproc)" "$tf" "$(awk "BEGIN { print $tl / $tf }")" "$(awk "BEGIN { print $te / $tf }")" \
		"$(awk "BEGIN { print $tf / $tc }")" "$(mb "$file" "$tf")" $((mem / 1024))
	printf '  ingest again (unchanged) : %8.4f s\n' "$ta"
	printf '  database                 : %d bytes, %d per stored event\n' "$bytes" $((bytes / (kept > 0 ? kept : 1)))
done
ts=$(best "$npsdiag" ingest --quiet --db "$w/b.db" "$w/noise.evtx")
printf 'noise only: ingest %.3f s (skipping only: %s MB/s)\n' "$ts" "$(mb "$w/noise.evtx" "$ts")"
