#!/bin/sh
# Benchmark: npsdiag diagnose at fleet scale (issue 11), against a full scan
# of the same stored events measured in the same run (machines here are
# noisy: quote the ratio as well as the seconds).
#
#   tools/bench-diagnose.sh [N...]      (default 100000 300000 1000000)
#   tools/bench-diagnose.sh --make DB N (only writes the database DB of size N;
#                                        tools/bench-tail.sh uses it)
#
# For each N, writes a database straight through SQL (no EVTX): N client
# failures (RasClient 20227) and N NPS decisions for N/20 users, one client
# computer each, over 30 days; 70 % of the failures have a denial 0.4-3.4 s
# before (reason 16 / 258 / 48 with client 691 / 853 / 812), the others are
# 809 or 853 with no decision; the other 30 % of the decisions are grants
# at unrelated times. Fields as ingest stores them (the ones rules read:
# each event's field_names list; its fields column holds them up to schema
# version 6, from 7 on the typed row gives every one of them back, so the
# column is NULL).
# Then times, with peak RSS:
#   sqlite3 DB 'SELECT ... FROM events'                          the scan (fields included)
#   npsdiag diagnose --db DB --format jsonl > /dev/null          results stored, every incident printed
#   the same again                                               a second run: the previous results
#                                                                read (their keys) and replaced
# and prints wall and CPU (user + system) seconds, peak RSS, the ratio of
# the first run's CPU to the scan's, the second run's wall and RSS, and the
# exponent fitted over the sizes (t ~ N^k from the smallest and the
# largest, on the first run's CPU seconds: wall time on a shared machine
# says more about the neighbours). Build: build-bench/ (RelWithDebInfo).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=${BENCH_BUILD:-$top/build-bench}
[ -x "$b/npsdiag" ] || { cmake -S "$top" -B "$b" >/dev/null && cmake --build "$b" -j2 >/dev/null; }
command -v sqlite3 >/dev/null || { echo "bench-diagnose: sqlite3 (the command) is needed" >&2; exit 1; }
w=$(mktemp -d "${TMPDIR:-/tmp}/npsdiag-bench.XXXXXX")
trap 'rm -rf "$w"' EXIT
[ $# -gt 0 ] || set -- 100000 300000 1000000

# make DB N: the database of size N.
make() {
	"$b/npsdiag" ingest --db "$1" - </dev/null >/dev/null 2>&1 || true # only creates the database
	# the time's text: time_created is computed from schema version 8 on (docs/schema.md)
	tc=$(sqlite3 "$1" "SELECT CASE WHEN CAST(value AS INTEGER) >= 8 THEN 'time_text' ELSE 'time_created' END
		FROM meta WHERE key = 'schema_version'")
	sqlite3 "$1" >/dev/null <<EOF
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE k(k INTEGER PRIMARY KEY);
WITH RECURSIVE s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s WHERE k + 1 < $2) INSERT INTO k SELECT k FROM s;
CREATE TEMP TABLE f AS SELECT k, k % max($2 / 20, 1) AS u,
  17419428000000000 + k * (2592000 * 10000000 / $2) AS ts,
  CASE WHEN k % 10 < 7 THEN (CASE k % 3 WHEN 0 THEN 691 WHEN 1 THEN 853 ELSE 812 END)
       ELSE (CASE k % 2 WHEN 0 THEN 809 ELSE 853 END) END AS code,
  CASE k % 3 WHEN 0 THEN 16 WHEN 1 THEN 258 ELSE 48 END AS reason FROM k;
-- whether events.fields holds every value (schema version 6 and older)
CREATE TEMP TABLE v AS SELECT CAST(value AS INTEGER) < 7 AS arrays FROM meta WHERE key = 'schema_version';
-- the field name lists (nd_fields): a client failure's, a grant's, a denial's
INSERT INTO field_names(id, crc, names) VALUES
  (1, NULL, '["CoId","UserName","ConnectionName","ErrorCode"]'),
  (2, NULL, '["SubjectUserName","SubjectDomainName","FullyQualifiedSubjectUserName","NASPortType","NetworkPolicyName","AuthenticationType","EAPType"]'),
  (3, NULL, '["SubjectUserName","SubjectDomainName","FullyQualifiedSubjectUserName","NASPortType","NetworkPolicyName","AuthenticationType","EAPType","ReasonCode"]');
-- client failures: ids 1 .. N
INSERT INTO events(id, family, provider, event_id, $tc, ts, record_id, channel, computer, names_ref, fields)
  SELECT k + 1, 'rasclient', 'RasClient', 20227, 'x', ts, k, 'Application', printf('CLIENT%06d.lab.example', u), 1,
    CASE WHEN (SELECT arrays FROM v) THEN json_array(printf('{%08d-0000-0000-0000-000000000000}', k),
      printf('LAB\\u%06d', u), 'Always On VPN', CAST(code AS TEXT)) END FROM f;
INSERT INTO ras_client_events(event_ref, coid, user_name, connection_name, code, code_text)
  SELECT k + 1, printf('{%08d-0000-0000-0000-000000000000}', k), printf('LAB\\u%06d', u), 'Always On VPN', code, code
  FROM f;
-- NPS decisions: ids N + 1 .. 2N; a denial before 70 % of the failures, else a grant elsewhere
CREATE TEMP TABLE n AS SELECT k, CASE WHEN k % 10 < 7 THEN u ELSE (k * 13) % max($2 / 20, 1) END AS u,
  CASE WHEN k % 10 < 7 THEN ts - 4000000 - (k * 37) % 31 * 1000000 ELSE ts + 10000000000 END AS ts,
  CASE WHEN k % 10 < 7 THEN 6273 ELSE 6272 END AS ev, reason FROM f;
INSERT INTO events(id, family, provider, event_id, $tc, ts, record_id, channel, computer, names_ref, fields)
  SELECT $2 + k + 1, 'nps_audit', 'Microsoft-Windows-Security-Auditing', ev, 'x', ts, k, 'Security',
    'NPS01.lab.example', CASE ev WHEN 6273 THEN 3 ELSE 2 END,
    CASE WHEN NOT (SELECT arrays FROM v) THEN NULL
      WHEN ev = 6273 THEN json_array(printf('u%06d@lab.example', u), 'LAB', printf('LAB\\u%06d', u), 'Virtual',
        'AOVPN User Tunnel', 'EAP', 'Microsoft: Smart Card or other certificate', CAST(reason AS TEXT))
      ELSE json_array(printf('u%06d@lab.example', u), 'LAB', printf('LAB\\u%06d', u), 'Virtual',
        'AOVPN User Tunnel', 'EAP', 'Microsoft: Smart Card or other certificate') END FROM n;
INSERT INTO nps_audit_events(event_ref, subject_user_name, subject_domain_name, fq_subject_user_name,
    nas_identifier, nas_port_type, client_name, authentication_type, eap_type, network_policy_name, reason_code)
  SELECT $2 + k + 1, printf('u%06d@lab.example', u), 'LAB', printf('LAB\\u%06d', u), 'VPN01', 'Virtual', 'VPN01',
    'EAP', 'Microsoft: Smart Card or other certificate', 'AOVPN User Tunnel', CASE ev WHEN 6273 THEN reason END
  FROM n;
COMMIT;
-- as ingest leaves it (journal_mode OFF above took it out of WAL mode)
PRAGMA journal_mode = WAL;
EOF
	# at rest before anything is timed, as a store ingested earlier is:
	# written with synchronous=OFF, its pages (632 MB at 1M) would still be
	# dirty, and diagnose's first sync of the file would write them all
	sync "$1"
}

# timed CMD...: runs CMD, output to /dev/null; prints "wall cpu peak-RSS-MB"
# (exit status 1 is diagnose's "incidents found").
timed() {
	rc=0
	/usr/bin/time -f '%e %U %S %M' -o "$w/time" "$@" >/dev/null 2>"$w/err" || rc=$?
	[ "$rc" -le 1 ] || { cat "$w/err" >&2; exit 1; }
	tail -n 1 "$w/time" | awk '{ printf "%s %.2f %.0f\n", $1, $2 + $3, $4 / 1024 }'
}

if [ "${1:-}" = --make ]; then
	make "$2" "$3"
	exit 0
fi

printf '%9s | %7s %7s %5s | %7s %7s %5s %6s | %7s %5s\n' N scan_s cpu_s MB diag_s cpu_s MB ratio again_s MB
first_n=""
first_t=""
for n in "$@"; do
	rm -f "$w/b.db" "$w/b.db-wal" "$w/b.db-shm"
	make "$w/b.db" "$n"
	set -- $(timed sqlite3 "$w/b.db" "SELECT count(*), total(ts), sum(length(computer)), sum(length(fields)) FROM events;")
	scan="$1 $2 $3"
	scan_cpu=$2
	set -- $(timed env NPSDIAG_RULES="$top/rules" "$b/npsdiag" diagnose --db "$w/b.db" --format jsonl)
	diag="$1 $2 $3"
	diag_cpu=$2
	set -- $(timed env NPSDIAG_RULES="$top/rules" "$b/npsdiag" diagnose --db "$w/b.db" --format jsonl)
	again="$1 $3"
	printf '%9s | %7s %7s %5s | %7s %7s %5s %6.1f | %7s %5s\n' "$n" $scan $diag \
		"$(awk "BEGIN { print $diag_cpu / ($scan_cpu > 0 ? $scan_cpu : 0.01) }")" $again
	[ -n "$first_n" ] || { first_n=$n; first_t=$diag_cpu; }
	last_n=$n
	last_t=$diag_cpu
done
if [ "$first_n" != "$last_n" ]; then
	awk "BEGIN { printf \"fitted exponent (diagnose CPU): %.2f\\n\", log($last_t / $first_t) / log($last_n / $first_n) }"
fi
