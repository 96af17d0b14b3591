#!/bin/sh
# npsdiag ingest --decoder fast and --decoder libevtx store the same thing:
# every fixture is ingested both ways and the stored events, their fields,
# client failures and NPS decisions are compared; --verbose counts the
# records each decoder decoded.
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/npsdiag-decoder.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for d in fast libevtx; do
	"$NPSDIAG" ingest --db "$T/$d.db" --decoder "$d" --verbose "$SRC"/tests/fixtures/*/*.evtx >"$T/$d.out" 2>"$T/$d.err"
	rc=$?
	[ "$rc" -eq 0 ] || fail "--decoder $d: exit status $rc: $(cat "$T/$d.err")"
done
# sources hold the clock of the run: compare the events and what hangs off them.
for t in events event_fields client_failures nps_decisions; do
	a=$(sqlite3 "$T/fast.db" "SELECT * FROM $t ORDER BY 1")
	b=$(sqlite3 "$T/libevtx.db" "SELECT * FROM $t ORDER BY 1")
	[ -n "$a" ] || fail "table $t is empty"
	[ "$a" = "$b" ] || fail "table $t differs between --decoder fast and --decoder libevtx"
done
grep -q ': decoder: [1-9][0-9]* records decoded fast, 0 by libevtx$' "$T/fast.out" || fail "--verbose: no fast count"
if grep ': decoder: ' "$T/fast.out" | grep -qv ' 0 by libevtx$'; then fail "the fast path refused fixture records"; fi
grep -q ': decoder: 0 records decoded fast, [1-9][0-9]* by libevtx$' "$T/libevtx.out" || fail "--verbose: no libevtx count"
"$NPSDIAG" ingest --db "$T/x.db" --decoder other "$SRC"/tests/fixtures/nasty/NPS03-nasty.evtx >/dev/null 2>&1
[ $? -eq 2 ] || fail "--decoder other is not a usage error"
[ "$fails" -eq 0 ] && echo "ok" && exit 0
exit 1
