#!/bin/sh
# Benchmark: npsdiag ingest of large Security logs against libevtx's own
# evtxexport and cat on the same files, measured in the same run (machines
# here are noisy: quote the ratios and CPU times, with the load average the
# script prints).
#
#   tools/bench-ingest.sh [RECORDS] [RUNS] [PERCENT...]
#       RECORDS  records per file (default 100000)
#       RUNS     runs of each quick measurement, the best kept (default 3)
#       PERCENT  NPS share of the records of each file (default: 0.3 50)
#   environment:
#       BUILD=DIR      the build tree whose tools/evtxwrite writes the files
#                      (default build/, configured RelWithDebInfo and built
#                      if it has no npsdiag or evtxwrite)
#       NPSDIAG=PATH   the npsdiag to measure (default BUILD/npsdiag)
#       OLD=PATH       an older npsdiag: its ingest CPU and database bytes
#                      too (e.g. one built from the commit before a change)
#       LIBEVTX=1      also time ingest --decoder libevtx (slow)
#       EVTXEXPORT_LIMIT=S  stop evtxexport after S seconds and extrapolate
#                      its wall and CPU time from the records it rendered
#                      (it takes minutes per 100,000 records)
#       TMPDIR         where the files go (1M records are about 1 GB each;
#                      one file at a time, deleted after)
#
# Writes with evtxwrite, from tools/bench-security.desc, one Security.evtx
# per PERCENT: that share NPS 6272/6273, the rest 4624/4688/4625 noise
# (60/20/20) as on a domain controller (0.3) or a dedicated NPS server
# (50). Per file it measures, with /usr/bin/time (wall, user+sys CPU, peak
# RSS):
#   cat FILE > /dev/null                 reading the bytes, the floor (best of RUNS)
#   evtxexport -f xml FILE > /dev/null   every record decoded and rendered (once)
#   npsdiag ingest --threads 1           filter, our decoder, store, one thread
#   npsdiag ingest                       the same, chunks decoded on one thread per core
#   npsdiag ingest again                 the unchanged file again (its mark: not read; best of RUNS)
# and the database bytes per stored event (after a WAL checkpoint, the code
# tables left out). Each ingest is compared with evtxexport in wall time and
# in CPU time: on a loaded machine only the CPU ratio means much.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
records=${1:-100000}
runs=${2:-3}
[ $# -ge 2 ] && shift 2 || set --
[ $# -gt 0 ] || set -- 0.3 50
b=${BUILD:-$top/build}
npsdiag=${NPSDIAG:-$b/npsdiag}
[ -x "$npsdiag" ] && [ -x "$b/tools/evtxwrite" ] ||
	{ cmake -S "$top" -B "$b" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null && cmake --build "$b" -j2 >/dev/null; }
w=$(mktemp -d "${TMPDIR:-/tmp}/npsdiag-bench.XXXXXX")
trap 'rm -rf "$w"' EXIT

# make PERCENT: writes $w/f.evtx with RECORDS records, PERCENT % of them NPS.
make() {
	nps=$(awk "BEGIN { printf \"%d\", $records * $1 / 100 + 0.5 }")
	rest=$((records - nps))
	sed -e "s/@4624@/$((rest * 6 / 10))/; s/@4688@/$((rest * 2 / 10))/" \
		-e "s/@4625@/$((rest - rest * 6 / 10 - rest * 2 / 10))/; s/@6273@/$(((nps + 1) / 2))/; s/@6272@/$((nps / 2))/" \
		"$top/tools/bench-security.desc" >"$w/f.desc"
	"$b/tools/evtxwrite" -o "$w/f.evtx" "$w/f.desc"
}

# timed CMD...: runs CMD (output to /dev/null, exit status 0 or 1) and sets
# wall (from the clock: time's is in 10 ms steps), cpu (user + sys) and rss
# (MB).
timed() {
	s=$(date +%s.%N)
	/usr/bin/time -f '%U %S %M' -o "$w/time" "$@" >/dev/null 2>"$w/err" ||
		[ $? -eq 1 ] || { cat "$w/err" >&2; exit 1; }
	e=$(date +%s.%N)
	wall=$(awk "BEGIN { print $e - $s }")
	set -- $(tail -n 1 "$w/time")
	cpu=$(awk "BEGIN { print $1 + $2 }")
	rss=$(($3 / 1024))
}

# best CMD...: timed, RUNS times, keeping the best wall (and its CPU).
best() {
	bw=""
	i=0
	while [ "$i" -lt "$runs" ]; do
		timed "$@"
		if [ -z "$bw" ] || awk "BEGIN { exit !($wall < $bw) }"; then
			bw=$wall
			bc=$cpu
		fi
		i=$((i + 1))
	done
	wall=$bw
	cpu=$bc
}

# fresh: removes the benchmark database.
fresh() { rm -f "$w/b.db" "$w/b.db-wal" "$w/b.db-shm"; }

# bytes_per: sets kept (events stored) and per (the database bytes per
# stored event, after a checkpoint, not counting the code tables).
bytes_per() {
	sqlite3 "$w/b.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	kept=$(sqlite3 "$w/b.db" "SELECT count(*) FROM events")
	per=$(sqlite3 "$w/b.db" "SELECT sum(pgsize) / max($kept, 1) FROM dbstat
		WHERE name NOT IN ('ras_error_codes', 'nps_reason_codes')")
}

# row NAME: prints the last measurement against cat and evtxexport, in wall
# time and in CPU time (the ratio that holds on a loaded machine).
row() {
	printf '  %-26s %9.3f s wall %9.3f s CPU %5d MB  %8.1fx evtxexport (CPU: %.1fx) %7.1fx cat\n' "$1" "$wall" \
		"$cpu" "$rss" "$(awk "BEGIN { print $te / ($wall > 0 ? $wall : 0.001) }")" \
		"$(awk "BEGIN { print $tec / ($cpu > 0 ? $cpu : 0.001) }")" "$(awk "BEGIN { print $wall / $tc }")"
}

echo "load before: $(uptime)"
for pct in "$@"; do
	make "$pct"
	file=$w/f.evtx
	cat "$file" >/dev/null # page cache warm
	echo "$pct % NPS: $records records, $(($(stat -c %s "$file") / 1048576)) MB ($(uptime | sed 's/.*load/load/'))"
	best sh -c "cat '$file' > /dev/null"
	tc=$wall
	printf '  %-26s %9.3f s wall %9.3f s CPU\n' "cat" "$tc" "$cpu"
	if [ -n "${EVTXEXPORT_LIMIT:-}" ]; then
		# evtxexport for at most that many seconds, its time extrapolated
		# from the records it rendered.
		s=$(date +%s.%N)
		n=$( (/usr/bin/time -f '%U %S' -o "$w/time" timeout "$EVTXEXPORT_LIMIT" evtxexport -f xml "$file" \
			2>/dev/null || true) | grep -c '^<Event ' || true)
		e=$(date +%s.%N)
		set -- $(tail -n 1 "$w/time")
		te=$(awk "BEGIN { print ($e - $s) * $records / ($n > 0 ? $n : 1) }")
		tec=$(awk "BEGIN { print ($1 + $2) * $records / ($n > 0 ? $n : 1) }")
		printf '  %-26s %9.3f s wall %9.3f s CPU (extrapolated: %d records rendered in %.1f s)\n' \
			"evtxexport -f xml" "$te" "$tec" "$n" "$(awk "BEGIN { print $e - $s }")"
	else
		timed evtxexport -f xml "$file"
		te=$wall
		tec=$cpu
		printf '  %-26s %9.3f s wall %9.3f s CPU\n' "evtxexport -f xml" "$te" "$cpu"
	fi
	if [ "${LIBEVTX:-0}" = 1 ]; then
		fresh
		timed "$npsdiag" ingest --quiet --decoder libevtx --db "$w/b.db" "$file"
		row "ingest --decoder libevtx"
	fi
	if [ -n "${OLD:-}" ]; then
		fresh
		timed "$OLD" ingest --quiet --db "$w/b.db" "$file"
		row "ingest (OLD)"
		bytes_per
		echo "  OLD database: $per bytes per stored event, $kept stored"
	fi
	fresh
	timed "$npsdiag" ingest --quiet --threads 1 --db "$w/b.db" "$file"
	row "ingest --threads 1"
	fresh
	timed "$npsdiag" ingest --quiet --db "$w/b.db" "$file"
	row "ingest (threads: $(nproc))"
	bytes_per
	echo "  database: $per bytes per stored event, $kept stored"
	best "$npsdiag" ingest --quiet --db "$w/b.db" "$file"
	printf '  %-26s %9.4f s wall %9.4f s CPU\n' "ingest again (unchanged)" "$wall" "$cpu"
	timed "$npsdiag" version
	printf '  %-26s %9.4f s wall %9.4f s CPU\n' "npsdiag version (start)" "$wall" "$cpu"
	fresh
	rm -f "$file"
done
echo "load after: $(uptime)"
