#!/bin/sh
# Benchmark: `npsdiag ingest` of one Security log into SQLite and into a
# local PostgreSQL server, measured in the same run (quote the ratio, not
# the seconds: machines here are shared).
#
#   tools/bench-pg.sh [RECORDS] [RUNS]      (default 100000 records, 3 runs)
#
# Writes, with evtxwrite from tools/bench-security.desc, a Security.evtx
# of RECORDS records, half of them NPS decisions (a dedicated NPS server:
# the heaviest case for the store), under $TMPDIR/pg (default /tmp/pg),
# starts a throw-away server there with tests/pg/server.sh (a Unix socket,
# fsync=off: like SQLite's WAL with synchronous=NORMAL, a commit does not
# wait for the disk), and times, best of RUNS, each into a new database:
#   npsdiag ingest --db FILE.db             SQLite
#   npsdiag ingest --db postgresql:///...   PostgreSQL
# printing wall time, npsdiag's CPU time (user+sys), the server's CPU time
# (its backends, from the postmaster's reaped children) and the ratio.
# Everything it wrote is removed at the end.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
records=${1:-100000}
runs=${2:-3}
b=$top/build
npsdiag=$b/npsdiag
[ -x "$npsdiag" ] && [ -x "$b/tools/evtxwrite" ] ||
	{ cmake -S "$top" -B "$b" >/dev/null && cmake --build "$b" -j2 >/dev/null; }
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
mkdir -p "${TMPDIR:-/tmp}/pg"
w=$(mktemp -d "${TMPDIR:-/tmp}/pg/bench.XXXXXX")
chmod 755 "$w"
srv=$w/srv
trap 'sh "$top/tests/pg/server.sh" stop "$srv" >/dev/null 2>&1; rm -rf "$w"' EXIT

per=$((records / 100))
sed -e "s/@4624@/$((per * 30))/; s/@4688@/$((per * 10))/; s/@4625@/$((per * 10))/; s/@6273@/$((per * 25))/;
	s/@6272@/$((per * 25))/" "$top/tools/bench-security.desc" > "$w/nps50.desc"
"$b/tools/evtxwrite" -o "$w/nps50.evtx" "$w/nps50.desc"
rm -f "$w/nps50.desc"
sh "$top/tests/pg/server.sh" start "$srv" >/dev/null
pm=$(head -n 1 "$srv/data/postmaster.pid")
uri="postgresql:///bench?host=$srv&user=postgres"

# server_cpu: the CPU seconds of the server's finished backends so far.
server_cpu() { awk -v t="$(getconf CLK_TCK)" '{ print ($16 + $17) / t }' "/proc/$pm/stat"; }
# run DB: one timed ingest into DB; prints "wall cpu server-cpu".
run() {
	c0=$(server_cpu)
	/usr/bin/time -f '%e %U %S' -o "$w/time" "$npsdiag" ingest --quiet --db "$1" "$w/nps50.evtx" >/dev/null
	# the backend ends and is reaped (a big ingest's backend may take a while)
	while pgrep -P "$pm" -f ' bench ' >/dev/null; do sleep 0.1; done
	sleep 0.2
	c1=$(server_cpu)
	awk -v c0="$c0" -v c1="$c1" '{ printf "%.3f %.3f %.3f\n", $1, $2 + $3, c1 - c0 }' "$w/time"
}
# best KIND: the run with the best wall time of RUNS into new databases.
best() {
	bt=""
	i=0
	while [ "$i" -lt "$runs" ]; do
		if [ "$1" = sqlite ]; then
			rm -f "$w/b.db" "$w/b.db-wal" "$w/b.db-shm"
			r=$(run "$w/b.db")
		else
			"$bin/dropdb" -h "$srv" -U postgres --if-exists bench
			"$bin/createdb" -h "$srv" -U postgres bench
			r=$(run "$uri")
		fi
		if [ -z "$bt" ] || awk -v a="$r" -v b="$bt" 'BEGIN { split(a, x); split(b, y); exit !(x[1] < y[1]) }'; then
			bt=$r
		fi
		i=$((i + 1))
	done
	echo "$bt"
}

cat "$w/nps50.evtx" >/dev/null
s=$(best sqlite)
p=$(best pg)
kept=$("$bin/psql" -h "$srv" -U postgres -d bench -qtAX -c "SELECT count(*) FROM events")
printf '%d records (%d MB), %s stored, best of %d, load %s\n' "$records" $(($(stat -c %s "$w/nps50.evtx") / 1048576)) \
	"$kept" "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "$s" | awk '{ printf "  SQLite     : %8.3f s wall, %8.3f s CPU\n", $1, $2 }'
echo "$p" | awk '{ printf "  PostgreSQL : %8.3f s wall, %8.3f s CPU, server %8.3f s CPU\n", $1, $2, $3 }'
awk -v s="$s" -v p="$p" 'BEGIN { split(s, x); split(p, y);
	printf "  PostgreSQL / SQLite: %.2fx wall, %.2fx client CPU, %.2fx client+server CPU\n",
		y[1] / x[1], y[2] / x[2], (y[2] + y[3]) / x[2] }'
