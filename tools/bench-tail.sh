#!/bin/sh
# Benchmark: how long `npsdiag tail` takes to print the diagnosis line of a
# new failure on a database of fleet size (issue 11: within two polling
# intervals whatever the size).
#
#   tools/bench-tail.sh [N [INTERVAL_S [ROUNDS]]]   (default 300000 2 3)
#
# Writes the database of size N as tools/bench-diagnose.sh does (N client
# failures and N NPS decisions), then follows two live logs written by
# evtxwrite (an NPS Security log and a client Application log) with
# `npsdiag tail --interval INTERVAL_S`, and ROUNDS times appends an NPS
# 6273 (258) and the matching RasClient 20227 (853) of a new user, newer
# than everything stored (as a live failure is), and prints the
# milliseconds from the append to the printed line, with the ratio to the
# interval and the CPU milliseconds tail used meanwhile (on a shared
# machine the wall time says more about the neighbours). Build:
# build-bench/ (RelWithDebInfo), or BENCH_BUILD. BENCH_DB: a database of
# size N made before by `tools/bench-diagnose.sh --make DB N`, copied
# instead of made (two builds compared on one; at 1M making takes minutes).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=${BENCH_BUILD:-$top/build-bench}
[ -x "$b/npsdiag" ] && [ -x "$b/tools/evtxwrite" ] ||
	{ cmake -S "$top" -B "$b" >/dev/null && cmake --build "$b" -j2 --target npsdiag evtxwrite >/dev/null; }
n=${1:-300000}
interval=${2:-2}
rounds=${3:-3}
NPSDIAG=$b/npsdiag
EVTXWRITE=$b/tools/evtxwrite
SRC=$top
. "$top/tests/ingest/lib.sh"
. "$top/tests/tail/lib.sh"
export NPSDIAG_RULES="$top/rules"

if [ -n "${BENCH_DB:-}" ]; then
	cp "$BENCH_DB" "$DB" # made before (bench-diagnose.sh --make): tail writes into its copy
	sync "$DB"           # at rest, as --make leaves it: the first full diagnosis would write the copy
else
	BENCH_BUILD=$b sh "$top/tools/bench-diagnose.sh" --make "$DB" "$n"
fi
L=$T/logs
mkdir "$L"
{ header NPS01.lab.example Security; noise_desc 2025-03-14T08:00:00Z 5; } > "$T/noise.desc"
"$EVTXWRITE" --live -o "$L/Security.evtx" "$T/noise.desc"
# The log's first event is newer than the database's (as a live one is):
# dated before them it would become incident #1 and renumber every other.
{ header CLIENT01.lab.example Application; client_desc bench0 2025-04-20T09:00:00.000000Z 809; } > "$T/c0.desc"
"$EVTXWRITE" --live -o "$L/Application.evtx" "$T/c0.desc"

# cpu_ms: the CPU milliseconds (user + system) tail has used so far.
hz=$(getconf CLK_TCK)
cpu_ms() { awk -v hz="$hz" '{ sub(/^.*\) /, ""); printf "%d\n", ($12 + $13) * 1000 / hz }' "/proc/$pid/stat"; }

t0=$(now_ms)
"$NPSDIAG" tail --db "$DB" --interval "$interval" "$L" > "$T/out" 2> "$T/err" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; rm -rf "$T"' EXIT
wait_for "$T/err" "Application.evtx: following" 3600 || { cat "$T/err" >&2; exit 1; }
echo "N=$n: tail started (first full diagnosis) in $(($(now_ms) - t0)) ms"
# The first round reads the logs as they are: measured from its line on.
wait_for "$T/out" "LAB\\bench0 failed:" 3600 || { cat "$T/err" >&2; exit 1; }
echo "N=$n: first round (the logs as they were) done at $(($(now_ms) - t0)) ms"
r=1 # not i: wait_for uses it
while [ "$r" -le "$rounds" ]; do
	sleep "$interval"
	{ header NPS01.lab.example Security; nps_desc bench$r "2025-04-20T09:1$r:42.5Z"; } > "$T/n$r.desc"
	{ header CLIENT01.lab.example Application; client_desc bench$r "2025-04-20T09:1$r:44Z" 853; } > "$T/c$r.desc"
	c0=$(cpu_ms)
	t0=$(now_ms)
	"$EVTXWRITE" --append -o "$L/Security.evtx" "$T/n$r.desc"
	"$EVTXWRITE" --append -o "$L/Application.evtx" "$T/c$r.desc"
	if wait_for "$T/out" "LAB\\bench$r failed:" 3600; then
		ms=$(($(now_ms) - t0))
		echo "round $r: append to line $ms ms = $(awk "BEGIN { printf \"%.1f\", $ms / ($interval * 1000) }") intervals," \
			"tail's CPU meanwhile $(($(cpu_ms) - c0)) ms"
	else
		echo "round $r: no line" >&2
	fi
	r=$((r + 1))
done
