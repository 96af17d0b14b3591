#!/bin/sh
# NPS text accounting logs (issue 12 item 3): the Error-853 scenario with
# the NPS decisions taken from a DTS, IAS or ODBC log instead of the
# Security log gives the same diagnosis; the same decision from both logs is
# stored once, in either order; local times need --tz or are inferred from
# the Security log's decisions; requests join their decisions; the documented
# example lines of ../shared/reference/nps-text-logs.md are read.
. "$SRC/tests/ingest/lib.sh"
S=$FIX/error853
need "$S/CLIENT01-Application.evtx" "$S/NPS01-Security.evtx" "$S/NPS01-System.evtx"

# summary DB: the parts of the diagnosis that must not depend on where the decisions came from.
summary() {
	"$NPSDIAG" diagnose --db "$1" --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
for i in sorted(d["incidents"], key=lambda i: i["user"]):
    print(i["user"], i["cause"]["id"], i["cause"]["confidence"], i.get("count"), i.get("paired"), i.get("match"),
          (i.get("client_error") or {}).get("code"), (i.get("nps_decision") or {}).get("reason"))'
}

DB=$T/evtx.db
ingest "$S"
eq "evtx ingest" "$rc" 0
summary "$DB" > "$T/evtx.sum"
contains "the scenario is diagnosed" "$T/evtx.sum" "LAB\\rdeckard revocation-check-failed confirmed 5 5 client+nps 853 258"
decisions=$(q "SELECT count(*) FROM nps_decisions")

for fmt in dts ias odbc; do
	mkdir "$T/$fmt"
	"$EVTXCONVERT" $fmt "$S/NPS01-Security.evtx" > "$T/$fmt/IN250314.log" || fail "$fmt: convert"
	DB=$T/$fmt.db
	ingest --tz +01:00 "$S/CLIENT01-Application.evtx" "$S/NPS01-System.evtx" "$T/$fmt/IN250314.log"
	eq "$fmt: exit" "$rc" 0
	contains "$fmt: zone shown" "$T/out" "NPS text log times read in zone +01:00"
	eq "$fmt: decisions" "$(q "SELECT count(*) FROM nps_decisions")" "$decisions"
	eq "$fmt: from the text log" "$(q "SELECT DISTINCT e.family || '|' || e.provider FROM nps_decisions d
		JOIN events e ON e.id = d.event_ref")" "nps_text|NPS-TextLog"
	# Times: the Security log's, to the text log's resolution (DTS ms, IAS/ODBC s).
	eq "$fmt: times in UTC" "$(q "SELECT min(time_created) FROM nps_decisions WHERE decision = 'denied'")" \
		"$(sqlite3 -batch -noheader "$T/evtx.db" "SELECT substr(min(time_created), 1, $([ $fmt = dts ] && echo 23 || echo 19))
			FROM nps_decisions WHERE decision = 'denied'")$([ $fmt = dts ] && echo 0000Z || echo .0000000Z)"
	eq "$fmt: columns" "$(q "SELECT DISTINCT fq_subject_user_name || '|' || reason_code || '|' || nas_identifier || '|' ||
		client_name || '|' || network_policy_name || '|' || authentication_type FROM nps_decisions
		WHERE decision = 'denied'")" 'LAB\rdeckard|258|VPN01|VPN01|AOVPN User Tunnel|EAP'
	summary "$DB" > "$T/$fmt.sum"
	if cmp -s "$T/evtx.sum" "$T/$fmt.sum"; then ok; else fail "$fmt: diagnosis differs"; diff "$T/evtx.sum" "$T/$fmt.sum" >&2; fi

	# Mixed: whichever log comes second adds no decision (after a
	# diagnosis, whose results reference the stored ones).
	ingest "$S/NPS01-Security.evtx"
	eq "$fmt then Security: exit" "$rc" 0
	eq "$fmt then Security: one decision each" "$(q "SELECT count(*) || '|' || group_concat(DISTINCT e.family)
		FROM nps_decisions d JOIN events e ON e.id = d.event_ref")" "$decisions|nps_text"
	contains "$fmt then Security: counted as already stored" "$T/out" "8 kept (0 new, 8 already stored)"
	DB=$T/evtx.db
	ingest --tz +01:00 "$T/$fmt/IN250314.log"
	eq "Security then $fmt: nothing new" "$(q "SELECT count(*) FROM nps_decisions")" "$decisions"
	contains "Security then $fmt: counted as already stored" "$T/out" "(0 new,"
done

# Without --tz the times are read as UTC and the file says so; a bad zone is a usage error.
DB=$T/notz.db
ingest "$T/ias/IN250314.log"
eq "no --tz: exit" "$rc" 0
contains "no --tz: warned" "$T/err" "$T/ias/IN250314.log: an NPS text log in local time, read as UTC: give its zone with --tz"
ingest --tz Mars/Olympus "$T/ias/IN250314.log"
eq "bad --tz: exit" "$rc" 2
contains "bad --tz: said" "$T/err" "npsdiag ingest: --tz 'Mars/Olympus': expected UTC or an offset"

# Without --tz, but with the Security log's decisions (ingested before, or
# named in the same run even after the text log, or beside it in a folder):
# the zone is inferred from the paired decisions and said; each decision is
# stored once, at the Security log's time.
for fmt in dts ias odbc; do
	mkdir "$T/infer-$fmt"
	cp "$S"/*.evtx "$T/infer-$fmt/"
	cp "$T/$fmt/IN250314.log" "$T/infer-$fmt/" # read last although it sorts first
	DB=$T/infer-$fmt.db
	ingest "$T/infer-$fmt"
	eq "infer $fmt: exit" "$rc" 0
	contains "infer $fmt: said" "$T/err" "IN250314.log: an NPS text log in local time without --tz: read in zone +01:00, inferred from 8 of its decisions also in the Security log"
	contains "infer $fmt: stored once" "$T/out" "IN250314.log: 8 records, 8 kept (0 new, 8 already stored)"
	eq "infer $fmt: decisions" "$(q "SELECT count(*) FROM nps_decisions")" "$decisions"
done
DB=$T/infer-named.db
ingest "$T/odbc/IN250314.log" "$S"
contains "infer, text log named first: said" "$T/err" "read in zone +01:00, inferred from 8"
eq "infer, text log named first: decisions" "$(q "SELECT count(*) FROM nps_decisions")" "$decisions"

# Broken lines are named with their number; the others are read.
DB=$T/broken.db
{ head -n 2 "$T/odbc/IN250314.log"; printf '"NPS01","IAS",03/14/2025,10:00:00,3,too,few\r\n'; tail -n +3 "$T/odbc/IN250314.log"; } > "$T/broken.log"
ingest --tz +01:00 "$T/broken.log"
eq "broken line: exit" "$rc" 1
contains "broken line: named" "$T/err" "$T/broken.log: line 3: 7 columns, not 66; skipped"
eq "broken line: the rest read" "$(q "SELECT count(*) FROM nps_decisions")" "$decisions"

# Hostile lines: a 2 MiB line, invalid UTF-8, a NUL, an IAS line with a
# dangling attribute and junk attribute ids; the good lines around them count.
DB=$T/hostile.db
{
	head -n 1 "$T/ias/IN250314.log"
	head -c 2097152 /dev/zero | tr '\0' 'A'; printf '\r\n'
	printf '192.0.2.20,u\377\300er,03/14/2025,10:00:00,IAS,NPS01,4136,3,4142,16,4130,LAB\\b\000ob\r\n'
	printf '192.0.2.20,x,03/14/2025,10:00:01,IAS,NPS01,4136,3,4142\r\n'
	printf '192.0.2.20,x,03/14/2025,10:00:02,IAS,NPS01,abc,3,4136,3\r\n'
	tail -n +2 "$T/ias/IN250314.log"
} > "$T/hostile.log"
ingest --tz +01:00 "$T/hostile.log"
eq "hostile: exit" "$rc" 1
contains "hostile: long line named" "$T/err" "$T/hostile.log: line 2: longer than 1 MiB; skipped"
contains "hostile: junk id named" "$T/err" "$T/hostile.log: line 5: attribute 1 is not a number; skipped"
eq "hostile: good lines and the odd ones read" "$(q "SELECT count(*) FROM nps_decisions")" $((decisions + 2))
eq "hostile: invalid UTF-8 and NUL kept visibly" "$(q "SELECT hex(fq_subject_user_name) FROM nps_decisions WHERE reason_code = 16")" \
	"$(printf 'LAB\\b\342\220\200ob' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"

# An Access-Request and its decision joined by their Class: the ODBC and IAS
# decision lines carry no User-Name or Calling-Station-Id, the request does.
python3 - "$T" <<'PY' || fail "python could not write the Class samples"
import sys
t = sys.argv[1]
def odbc(time, packet, user, fq, calling, policy, reason, cls):
    v = [""] * 66
    v[0:5] = ['"NPS01"', '"IAS"', "03/14/2025", time, str(packet)]
    v[5], v[6], v[8] = user, fq, calling
    v[24], v[25], v[26] = policy, reason, cls
    return ",".join(v) + "\r\n"
cls, other = '"311 1 192.0.2.30 03/14/2025 09:40:00 7"', '"311 1 192.0.2.30 03/14/2025 09:40:01 8"'
with open(t + "/class-odbc.log", "w", newline="") as f:
    f.write(odbc("10:40:00", 1, '"carol@lab.example"', "", '"203.0.113.5"', "", "0", cls))
    f.write(odbc("10:40:01", 1, '"dave@lab.example"', "", '"203.0.113.6"', "", "0", other))
    f.write(odbc("10:40:02", 3, "", '"LAB\\carol"', "", '"AOVPN User Tunnel"', "16", cls))
    f.write(odbc("10:40:03", 3, "", '"LAB\\erin"', "", '"AOVPN User Tunnel"', "16", '"311 1 192.0.2.30 x 9"'))
with open(t + "/class-ias.log", "w", newline="") as f:
    f.write("192.0.2.20,frank@lab.example,03/14/2025,10:41:00,IAS,NPS01,31,203.0.113.7,25,311 1 192.0.2.30 03/14/2025 09:41:00 11,4136,1,4142,0\r\n")
    f.write("192.0.2.20,,03/14/2025,10:41:01,IAS,NPS01,4130,LAB\\frank,4149,AOVPN User Tunnel,25,311 1 192.0.2.30 03/14/2025 09:41:00 11,4136,3,4142,16\r\n")
PY
DB=$T/class.db
ingest --tz +01:00 "$T/class-odbc.log" "$T/class-ias.log"
eq "class: exit" "$rc" 0
eq "class: decisions joined to their request" "$(q "SELECT group_concat(d, ' ') FROM (SELECT fq_subject_user_name || '/' ||
	ifnull(subject_user_name, '') || '/' || ifnull(calling_station_id, '') AS d FROM nps_audit_events a
	JOIN events e ON e.id = a.event_ref WHERE e.family = 'nps_text' ORDER BY 1)")" \
	'LAB\carol/carol@lab.example/203.0.113.5 LAB\erin// LAB\frank/frank@lab.example/203.0.113.7'

# The documented examples (nps-text-logs.md), when ../shared is there.
if [ -f "$SHARED/reference/nps-text-logs.md" ]; then
	DB=$T/doc.db
	grep -E '^"NPS01","IAS"' "$SHARED/reference/nps-text-logs.md" > "$T/doc-odbc.log"
	grep -E '^192\.0\.2\.20,' "$SHARED/reference/nps-text-logs.md" > "$T/doc-ias.log"
	grep -E '^<Event><Timestamp' "$SHARED/reference/nps-text-logs.md" > "$T/doc-dts.log"
	ingest --tz +01:00 "$T/doc-odbc.log" "$T/doc-ias.log" "$T/doc-dts.log"
	eq "doc examples: exit" "$rc" 0
	eq "doc examples: decisions" "$(q "SELECT group_concat(d, ' ') FROM (SELECT fq_subject_user_name || '/' || reason_code || '/' ||
		time_created AS d FROM nps_decisions ORDER BY 1)")" \
		'LAB\alice/258/2025-03-14T09:12:43.0000000Z LAB\alice/258/2025-03-14T09:12:43.0000000Z LAB\alice/258/2025-03-14T09:12:43.5120000Z LAB\bob/16/2025-03-14T09:31:02.0000000Z'
fi
finish
