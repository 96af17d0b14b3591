#!/bin/sh
# JSON inputs (issue 12 item 2): the Error-853 scenario converted from its
# .evtx fixtures to Winlogbeat/ECS JSON lines, evtx_dump JSON lines and a
# PowerShell 5.1 ConvertTo-Json array (UTF-16LE) is stored as from .evtx and
# gives the same diagnosis; mixed with the .evtx nothing is stored twice;
# "-" reads the standard input. ConvertTo-Json's 6272/6273 (manifest
# events with unnamed Properties) are named by the field order of their
# version (src/model/fam_nps_audit.c) and pair as from .evtx.
. "$SRC/tests/ingest/lib.sh"
S=$FIX/error853
need "$S/CLIENT01-Application.evtx" "$S/NPS01-Security.evtx" "$S/NPS01-System.evtx"

# snapshot DB [TIME]: what must be equal whatever the input format was;
# TIME, when given, is the SQL for the event time (ConvertTo-Json keeps
# milliseconds), and the result tables are then only counted.
snapshot() {
	sqlite3 -batch -noheader "$1" "SELECT provider, event_id, computer, channel, record_id, ${2:-time_created}, version
		FROM events ORDER BY 1, 2, 3, 4, 5;"
	if [ -n "${2:-}" ]; then
		sqlite3 -batch -noheader "$1" "SELECT count(*) FROM client_failures; SELECT count(*) FROM nps_decisions;"
	else
		sqlite3 -batch -noheader "$1" "SELECT * FROM client_failures ORDER BY ts; SELECT * FROM nps_decisions ORDER BY ts;"
	fi
}
# verdicts DB: the diagnosis without its times (and the client-NPS time
# difference to 0.01 s: ConvertTo-Json keeps milliseconds).
verdicts() {
	"$NPSDIAG" diagnose --db "$1" --format json | sed 's/"[0-9T:.-]*Z"/T/g; s/\("delta_s":-\{0,1\}[0-9]*\.[0-9][0-9]\)[0-9]*/\1/g'
}

DB=$T/evtx.db
ingest "$S"
eq "evtx ingest" "$rc" 0
snapshot "$DB" > "$T/evtx.snap"
snapshot "$DB" "substr(time_created, 1, 23)" > "$T/evtx.ms.snap"
"$NPSDIAG" diagnose --db "$DB" --format json > "$T/evtx.json"
verdicts "$DB" > "$T/evtx.verdicts"
contains "the scenario is diagnosed" "$T/evtx.json" revocation-check-failed

for fmt in ecs evtxdump winevent; do
	mkdir "$T/$fmt"
	for f in "$S"/*.evtx; do
		# Named .log: the content decides, never the name.
		"$EVTXCONVERT" $fmt "$f" > "$T/$fmt/$(basename "$f" .evtx).log" || fail "$fmt: convert $f"
	done
	DB=$T/$fmt.db
	ingest "$T/$fmt"/*.log
	eq "$fmt: exit" "$rc" 0
	contains "$fmt: all kept" "$T/out" "total: 3 files (0 failed), 764 records, 27 kept (27 new), 737 skipped, 0 errors"
	if [ $fmt = winevent ]; then
		snapshot "$DB" "substr(time_created, 1, 23)" > "$T/$fmt.snap"
		want=$T/evtx.ms.snap
	else
		snapshot "$DB" > "$T/$fmt.snap"
		want=$T/evtx.snap
	fi
	if cmp -s "$want" "$T/$fmt.snap"; then ok; else fail "$fmt: stored events differ from the .evtx ones"; diff "$want" "$T/$fmt.snap" | head >&2; fi
	if [ $fmt = winevent ]; then
		# Its unnamed Properties are named by the layouts: the classic
		# 20227 and, by manifest order, the 6272/6273 of version 1.
		verdicts "$DB" > "$T/$fmt.verdicts"
		contains "$fmt: the client's 853 named by its layout" "$T/$fmt.verdicts" '"client_error":{"code":853,'
		contains "$fmt: the 6273 named by its layout" "$T/$fmt.verdicts" '"nps_decision":{"event_id":6273,"reason":258,'
		eq "$fmt: every decision has its typed columns" \
			"$(q "SELECT count(*) || '/' || count(network_policy_name) || '/' || count(fq_subject_user_name) FROM nps_audit_events")" 8/8/8
		if cmp -s "$T/evtx.verdicts" "$T/$fmt.verdicts"; then ok; else fail "$fmt: diagnosis differs from the .evtx one"; diff "$T/evtx.verdicts" "$T/$fmt.verdicts" | head >&2; fi
	else
		"$NPSDIAG" diagnose --db "$DB" --format json > "$T/$fmt.json"
		if cmp -s "$T/evtx.json" "$T/$fmt.json"; then ok; else fail "$fmt: diagnosis differs from the .evtx one"; diff "$T/evtx.json" "$T/$fmt.json" | head >&2; fi
	fi
done
head -c 2 "$T/winevent/NPS01-Security.log" | od -An -tx1 | grep -q "ff fe" && ok || fail "winevent sample has no BOM"

# Mixed formats in one database: JSON after the .evtx adds nothing, and the
# .evtx after JSON adds nothing.
DB=$T/evtx.db
ingest "$T/ecs" "$T/evtxdump"
eq "json after evtx: exit" "$rc" 0
contains "json after evtx: nothing new" "$T/out" "54 kept (0 new)"
DB=$T/ecs.db
ingest "$S"
contains "evtx after json: nothing new" "$T/out" "27 kept (0 new)"
eq "evtx after json: one decision each" "$(q "SELECT count(*) FROM nps_decisions")" \
	"$(sqlite3 -batch -noheader "$T/evtx.db" "SELECT count(*) FROM nps_decisions")"

# Millisecond times (ConvertTo-Json; Winlogbeat's usual @timestamp) are the
# same event as the .evtx's 100 ns ones (nd_event_once), either way round.
mkdir "$T/ecsms"
for f in "$T/ecs"/*.log; do
	sed 's/\("@timestamp":"[^".]*\.[0-9][0-9][0-9]\)[0-9]*Z"/\1Z"/' "$f" > "$T/ecsms/$(basename "$f")"
done
grep -q '"@timestamp":"2025-03-14T08:00:00.100Z"' "$T/ecsms/NPS01-Security.log" && ok || fail "ecs ms: the times were not cut"
DB=$T/evtx.db
ingest "$T/winevent" "$T/ecsms"
eq "ms after evtx: exit" "$rc" 0
contains "ms after evtx: nothing new" "$T/out" "54 kept (0 new)"
eq "ms after evtx: still one row each" "$(q "SELECT count(*) FROM events")" 27
for fmt in winevent ecsms; do
	DB=$T/$fmt-first.db
	ingest "$T/$fmt"
	ingest "$S"
	contains "evtx after $fmt: nothing new" "$T/out" "27 kept (0 new)"
	eq "evtx after $fmt: one row each" "$(q "SELECT count(*) FROM events")" 27
done

# ConvertTo-Json of a 6273 version 2 (24 values, no MachineInventory nor NAS
# addresses: the field order of the real sample in ../shared/corpus/text)
# and of a count no layout has (named nothing rather than guessed).
python3 - "$T" <<'PY' || fail "python could not write the 6273 v2 samples"
import json, sys
v2 = ["S-1-5-21-1-2-3-1105", "LAB\\carol", "LAB", "LAB\\carol", "S-1-0-0", "-", "-", "192.0.2.10",
      "198.51.100.7", "VPN01", 5, 7, "VPN01", "192.0.2.20", "Use Windows authentication for all users",
      "AOVPN User Tunnel", "Windows", "NPS01.lab.example", "EAP", "Microsoft: Smart Card or other certificate",
      "-", "16", "Authentication failed due to a user credentials mismatch.",
      "Accounting information was written to the local log file."]
for n, props in ((24, v2), (23, v2[:20] + v2[21:])):
    ev = {"Id": 6273, "Version": 2, "RecordId": n, "ProviderName": "Microsoft-Windows-Security-Auditing",
          "LogName": "Security", "MachineName": "NPS02.lab.example", "TimeCreated": "/Date(1741943563512)/",
          "Properties": [{"Value": v} for v in props]}
    open("%s/v2-%d.json" % (sys.argv[1], n), "w").write(json.dumps([ev]))
PY
DB=$T/v2.db
ingest "$T/v2-24.json" "$T/v2-23.json"
eq "6273 v2: exit" "$rc" 0
eq "6273 v2: named by its layout" "$(q "SELECT reason_code || '|' || network_policy_name || '|' || nas_port FROM nps_audit_events a JOIN events e ON e.id = a.event_ref WHERE e.record_id = 24")" "16|AOVPN User Tunnel|7"
eq "6273 v2, another count: not named" "$(q "SELECT count(reason_code) FROM nps_audit_events a JOIN events e ON e.id = a.event_ref WHERE e.record_id = 23")" 0

# The standard input.
DB=$T/stdin.db
cat "$T/ecs/NPS01-Security.log" | "$NPSDIAG" ingest --db "$DB" - >"$T/out" 2>"$T/err"
eq "stdin: exit" "$?" 0
contains "stdin: read" "$T/out" "-: 578 records, 8 kept (8 new"
finish
