#!/bin/sh
# Every fixture folder ingested by npsdiag.exe under wine and by the Linux build: the same events, and
# `diagnose --format json` and `report --format html` byte for byte the same. The same relative paths
# on both sides, as they appear in the output.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/win/lib.sh"
cp -R "$FIX" "$T/fixtures"
cd "$T" || exit 1
for dir in fixtures/*/; do
	set -- "$dir"*.evtx
	[ -f "$1" ] || continue
	name=$(basename "$dir")
	"$NPSDIAG" ingest --quiet --db "linux-$name.db" "$dir" >/dev/null 2>"err-l" || fail "$name: Linux ingest"
	win ingest --quiet --db "win-$name.db" "$dir" >/dev/null 2>"err-w" || { fail "$name: wine ingest"; cat err-w >&2; }
	eq "$name: events" "$(count "win-$name.db")" "$(count "linux-$name.db")"
	"$NPSDIAG" diagnose --db "linux-$name.db" --format json >"diag-l-$name.json"
	win diagnose --db "win-$name.db" --format json >"diag-w-$name.json"
	same "$name: diagnose --format json" "diag-w-$name.json" "diag-l-$name.json"
	"$NPSDIAG" report --db "linux-$name.db" --format html --no-timestamp -o "report-l-$name.html"
	win report --db "win-$name.db" --format html --no-timestamp -o "report-w-$name.html"
	same "$name: report --format html" "report-w-$name.html" "report-l-$name.html"
	# The Windows database read by the Linux build: the file format is the same.
	"$NPSDIAG" diagnose --db "win-$name.db" --format json >"diag-x-$name.json"
	same "$name: Linux diagnose of the wine database" "diag-x-$name.json" "diag-l-$name.json"
done
[ "$passed" -ge 28 ] || fail "only $passed checks (4 a folder): fixture folders missing?"
finish
