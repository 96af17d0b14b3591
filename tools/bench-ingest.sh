#!/bin/sh
# Benchmark: npsdiag ingest of a large Security log against libevtx's own
# evtxexport on the same file, measured in the same run (machines here are
# noisy: quote the ratio, not the seconds).
#
#   tools/bench-ingest.sh [RECORDS] [RUNS]      (default 100000 records, 3 runs)
#
# Builds build/ (RelWithDebInfo) if needed, writes a Security.evtx of
# RECORDS records with evtxwrite (1 in 100 an NPS 6272/6273, the rest
# 4624/4625/4688 noise as on a busy NPS server), then times, best of RUNS:
#   evtxexport -f xml FILE > /dev/null     every record decoded and rendered
#   npsdiag ingest --db NEW.db FILE        filter, decode the 1 %, store
#   npsdiag ingest of the same noise without NPS events: skipping alone
#   cat FILE > /dev/null                   reading the bytes, the floor
# and prints the times, their ratio and npsdiag's peak memory.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
records=${1:-100000}
runs=${2:-3}
b=$top/build
[ -x "$b/npsdiag" ] && [ -x "$b/tools/evtxwrite" ] || { cmake -S "$top" -B "$b" >/dev/null && cmake --build "$b" -j"$(nproc)" >/dev/null; }
w=$(mktemp -d "${TMPDIR:-/tmp}/npsdiag-bench.XXXXXX")
trap 'rm -rf "$w"' EXIT

# The mix per 100 records: 60 4624, 20 4688, 19 4625, 1 NPS decision (6273 and 6272 alternating).
per=$((records / 100))
sed -e "s/@4624@/$((per * 60))/; s/@4688@/$((per * 20))/; s/@4625@/$((per * 19))/; s/@6273@/$(((per + 1) / 2))/; s/@6272@/$((per / 2))/" \
	"$top/tools/bench-security.desc" > "$w/bench.desc"
"$b/tools/evtxwrite" -o "$w/Security.evtx" "$w/bench.desc"
# The same noise with 2 NPS events in all: what skipping alone costs.
sed -e "s/@4624@/$((per * 60))/; s/@4688@/$((per * 20))/; s/@4625@/$((per * 20))/; s/@6273@/1/; s/@6272@/1/" \
	"$top/tools/bench-security.desc" > "$w/noise.desc"
"$b/tools/evtxwrite" -o "$w/Noise.evtx" "$w/noise.desc"
size=$(stat -c %s "$w/Security.evtx")

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
cat "$w/Security.evtx" >/dev/null # page cache warm for both
tc=$(best sh -c "cat '$w/Security.evtx' > /dev/null")
te=$(best sh -c "evtxexport -f xml '$w/Security.evtx' > /dev/null")
tn=$(best "$b/npsdiag" ingest --quiet --db "$w/b.db" "$w/Security.evtx")
ts=$(best "$b/npsdiag" ingest --quiet --db "$w/b.db" "$w/Noise.evtx")
rm -f "$w/b.db"*
mem=$( { /usr/bin/time -f %M "$b/npsdiag" ingest --quiet --db "$w/b.db" "$w/Security.evtx" >/dev/null; } 2>&1 | tail -1)
kept=$(sqlite3 "$w/b.db" "SELECT count(*) FROM events")
printf 'file: %d records, %d MB, %s kept\n' "$records" $((size / 1048576)) "$kept"
printf 'cat (read only)   : %8.3f s\n' "$tc"
printf 'evtxexport -f xml : %8.3f s\n' "$te"
printf 'npsdiag, no NPS   : %8.3f s   (skipping only: %s MB/s)\n' "$ts" \
	"$(awk "BEGIN { printf \"%d\", $(stat -c %s "$w/Noise.evtx") / 1048576 / $ts }")"
printf 'npsdiag ingest    : %8.3f s   (%.1fx faster than evtxexport; %s MB/s; peak RSS %d MB)\n' "$tn" \
	"$(awk "BEGIN { print $te / $tn }")" "$(awk "BEGIN { printf \"%d\", $size / 1048576 / $tn }")" $((mem / 1024))
