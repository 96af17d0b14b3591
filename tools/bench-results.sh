#!/bin/sh
# Benchmark: reading and writing the results of one large incident.
#
#   tools/bench-results.sh [ATTEMPTS] [RUNS] [NPSDIAG]
#   (default 25000 attempts, 3 runs, build/npsdiag)
#
# Builds build/ if needed, writes with evtxwrite a client log and an NPS
# Security log holding ATTEMPTS failed attempts of one user (RasClient
# 20227/853, each paired with an NPS 6273 reason 258 1.5 s earlier, 10 s
# apart: one incident of ATTEMPTS attempts), ingests and diagnoses them,
# then times, best of RUNS:
#   npsdiag diagnose --format json              the diagnosis, then every attempt and evidence event
#   npsdiag diagnose --cause none               the diagnosis alone (nothing selected to print)
#   npsdiag report --format json                the same JSON from the stored results, no diagnosis
#   npsdiag report --format html                the page (12 evidence events shown)
# (output to /dev/null) and prints the times and the peak memory of the
# JSON report. With COID_INDEX=1 in the environment it first adds an index
# on ras_client_events(coid), which the schema lacks and without which the
# diagnosis (nd_correlate's lookup of the dialled server by CoId) is
# quadratic in the client failures: that isolates the output's share. `diagnose` always re-runs the diagnosis (src/analysis), so
# its time is the diagnosis plus the output; `report` reads the stored
# results only (src/output). NPSDIAG picks another binary (e.g. a build of
# an older commit) to compare on the same machine.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
attempts=${1:-25000}
b=$top/build
runs=${2:-3}
nd=${3:-$b/npsdiag}
[ -x "$nd" ] && [ -x "$b/tools/evtxwrite" ] || { cmake -S "$top" -B "$b" >/dev/null && cmake --build "$b" -j2 >/dev/null; }
w=$(mktemp -d "${TMPDIR:-/tmp}/npsdiag-bench.XXXXXX")
trap 'rm -rf "$w"' EXIT

# One 20227 block per attempt: each attempt has its own CoId (retries of
# one CoId are one attempt).
awk -v n="$attempts" 'BEGIN {
	print "computer CLIENT01.lab.example\nchannel Application"
	for (i = 0; i < n; i++) {
		s = 9 * 3600 + 1 + 10 * i
		printf "event RasClient 20227\n  time 2025-03-%02dT%02d:%02d:%02d.5000000Z\n", 14 + int(s / 86400), int(s / 3600) % 24, int(s / 60) % 60, s % 60
		printf "  qualifiers 0\n  level 2\n  user S-1-5-21-1004336348-1177238915-682003330-1121\n"
		printf "  data = {7A1C2E44-93B1-4D2F-8F0B-%012d}\n  data = LAB\\\\rdeckard\n  data = Always On VPN\n  data = 853\n", i
	}
}' > "$w/client.desc"
cat > "$w/nps.desc" <<DESC
computer NPS01.lab.example
channel Security
event Microsoft-Windows-Security-Auditing 6273
  guid {54849625-5478-4994-A5BA-3E3B0328C30D}
  time 2025-03-14T09:00:00.0000000Z
  version 1
  task 12552
  keywords 0x8010000000000000
  data SubjectUserSid:sid = S-1-5-21-1004336348-1177238915-682003330-1121
  data SubjectUserName = rdeckard@lab.example
  data SubjectDomainName = LAB
  data FullyQualifiedSubjectUserName = LAB\\\\rdeckard
  data NASIdentifier = VPN01
  data AuthenticationType = EAP
  data EAPType = Microsoft: Smart Card or other certificate
  data ReasonCode = 258
  data Reason = The revocation function was unable to check revocation for the certificate.
  repeat $attempts every 10s
DESC
"$b/tools/evtxwrite" -o "$w/Application.evtx" "$w/client.desc"
"$b/tools/evtxwrite" -o "$w/Security.evtx" "$w/nps.desc"
"$nd" ingest --quiet --db "$w/b.db" "$w/Application.evtx" "$w/Security.evtx" >/dev/null
if [ "${COID_INDEX:-0}" = 1 ]; then
	sqlite3 "$w/b.db" "CREATE INDEX IF NOT EXISTS ras_client_events_by_coid ON ras_client_events(coid)"
fi
"$nd" diagnose --db "$w/b.db" >/dev/null 2>&1 || true

# best CMD...: the best wall time of RUNS runs of CMD, in seconds.
best() {
	bt=""
	i=0
	while [ "$i" -lt "$runs" ]; do
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1 || true
		e=$(date +%s.%N)
		t=$(awk "BEGIN { print $e - $s }")
		if [ -z "$bt" ] || awk "BEGIN { exit !($t < $bt) }"; then bt=$t; fi
		i=$((i + 1))
	done
	echo "$bt"
}
n=$(sqlite3 "$w/b.db" "SELECT group_concat(count) FROM incidents WHERE kind = 'incident'")
tj=$(best "$nd" diagnose --db "$w/b.db" --format json)
ta=$(best "$nd" diagnose --db "$w/b.db" --cause none)
tr=$(best "$nd" report --db "$w/b.db" --format json)
th=$(best "$nd" report --db "$w/b.db" --format html --no-timestamp)
mem=$( { /usr/bin/time -f %M "$nd" report --db "$w/b.db" --format json >/dev/null; } 2>&1 | tail -1)
printf 'incident(s) of %s attempt(s)\n' "$n"
printf 'diagnose --format json : %8.3f s\n' "$tj"
printf 'diagnose --cause none  : %8.3f s (the diagnosis alone)\n' "$ta"
printf 'report --format json   : %8.3f s, peak RSS %d MB\n' "$tr" $((mem / 1024))
printf 'report --format html   : %8.3f s\n' "$th"
