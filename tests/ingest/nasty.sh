#!/bin/sh
# Values that break naive code (tests/fixtures/nasty): markup, quotes,
# printf directives, SQL, non-ASCII and non-BMP characters, '-', empty,
# control characters and a 9599-character value are stored exactly as
# written: python-evtx, an independent reader, must see the same values.
. "$(dirname "$0")/lib.sh"
F=$FIX/nasty/NPS03-nasty.evtx
need "$F"

ingest "$F"
eq "exit status" "$rc" 0
eq "all six kept" "$(q "SELECT count(*) FROM events")" 6
# hexv SQL-WHERE: the hex of the value of the event_fields row matching it.
hexv() { q "SELECT hex(value) FROM event_fields f JOIN events e ON e.id = f.event_ref WHERE $1"; }
# hexs TEXT: the hex of TEXT as UTF-8.
hexs() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | tr 'a-f' 'A-F'; }

eq "markup user name" "$(hexv "e.record_id = 1 AND f.name = 'SubjectUserName'")" "$(hexs '<script>alert(1)</script>')"
eq "quotes and SQL" "$(hexv "e.record_id = 1 AND f.name = 'CallingStationID'")" "$(hexs "' OR 1=1; --")"
eq "printf directives" "$(hexv "e.record_id = 1 AND f.name = 'Reason'")" "$(hexs '%n%s%x%p %1 %%1833 {0}')"
eq "non-BMP characters (libevtx's shift undone)" "$(hexv "e.record_id = 2 AND f.name = 'FullyQualifiedSubjectUserName'")" \
	"$(hexs 'LAB\田中太郎')F09F9880F09F92A9"
eq "non-ASCII user" "$(q "SELECT subject_user_name FROM nps_decisions WHERE reason_code = 258")" 'Jürgen.Müller@lab.example'
eq "empty value" "$(hexv "e.record_id = 3 AND f.name = 'SubjectUserName'")" ""
eq "empty is empty, not NULL" "$(q "SELECT count(*) FROM event_fields f JOIN events e ON e.id = f.event_ref WHERE e.record_id = 3 AND f.name = 'SubjectUserName' AND f.value = ''")" 1
eq "control characters" "$(hexv "e.record_id = 3 AND f.name = 'CallingStationID'")" "$(hexs 'line1')0A$(hexs 'line2')09$(hexs 'tab')0D$(hexs 'cr')"
eq "9599-character value" "$(q "SELECT length(reason) || '|' || substr(reason, 1, 16) || '|' || substr(reason, -15) FROM nps_decisions WHERE reason_code = 48")" \
	'9599|0000-ABCDEFGHIJ |0599-ABCDEFGHIJ'
eq "classic markup user" "$(q "SELECT user_name FROM client_failures WHERE coid LIKE '%1}'")" 'LAB\"><img src=x onerror=alert(2)>'
eq "unparseable code kept as text" "$(q "SELECT coalesce(code, 'NULL') || '|' || code_text FROM client_failures WHERE coid LIKE '%3}'")" 'NULL|not-a-number'

if PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 "$SRC/tests/ingest/oracle.py" "$F" "$DB" >"$T/oracle" 2>&1; then ok; else
	fail "python-evtx reads other values:"; cat "$T/oracle" >&2; fi
finish
