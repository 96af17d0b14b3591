#!/bin/sh
# The store opens without writing: a database this user cannot write (file
# mode 0444 in a directory it cannot write either, as on read-only media)
# still gives its report and its diagnosis (in memory), while writers fail with a clear message and the
# file stays as it was; a database from a newer npsdiag is refused, naming
# the file and both versions, and left alone.
. "$(dirname "$0")/lib.sh"
need "$FIX/error853"
# as_user CMD...: runs CMD as a user to whom write protection applies.
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || { echo "SKIP: root without setpriv"; exit 77; }
	as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	chmod 755 "$T"
else
	as_user() { "$@"; }
fi
ingest "$FIX/error853"
eq "ingest" "$rc" 0
"$NPSDIAG" diagnose --db "$DB" > /dev/null
mkdir "$T/ro" "$T/fresh"
cp "$DB" "$T/ro/x.db"
cp "$DB" "$T/fresh/x.db"
sqlite3 "$T/fresh/x.db" "DROP TABLE diagnose_meta"
chmod 0444 "$T/ro/x.db" "$T/fresh/x.db"
chmod 0555 "$T/ro" "$T/fresh"
sum=$(md5sum < "$T/ro/x.db")

as_user "$NPSDIAG" report --db "$T/ro/x.db" --format md > "$T/r.md" 2> "$T/err"
eq "read-only: report" "$?" 0
contains "read-only: the report" "$T/r.md" "NPS could not check revocation"
as_user "$NPSDIAG" report --db "$T/ro/x.db" --format json > "$T/r.json" 2> "$T/err"
eq "read-only: report --format json" "$?" 0
contains "read-only: the json report" "$T/r.json" '"revocation-check-failed"'
as_user "$NPSDIAG" ingest --db "$T/ro/x.db" "$FIX/error853" > "$T/out" 2> "$T/err"
eq "read-only: ingest refused" "$?" 2
contains "read-only: ingest says why" "$T/err" "$T/ro/x.db: the database is read-only"
# Issue 13, item 1: evidence on read-only media is diagnosed in memory.
as_user "$NPSDIAG" diagnose --db "$T/ro/x.db" > "$T/out" 2> "$T/err"
eq "read-only: diagnose in memory" "$?" 1
contains "read-only: diagnose names the cause" "$T/out" "revocation-check-failed"
as_user "$NPSDIAG" report --db "$T/fresh/x.db" --format md > "$T/out" 2> "$T/err"
eq "read-only, never diagnosed: report diagnoses in memory" "$?" 0
contains "read-only, never diagnosed: the report" "$T/out" "NPS could not check revocation"
eq "read-only, never diagnosed: the file is unchanged" "$(sqlite3 "$T/fresh/x.db" \
	"SELECT count(*) FROM sqlite_schema WHERE name = 'diagnose_meta'")" 0
eq "read-only: the file is unchanged" "$(md5sum < "$T/ro/x.db")" "$sum"
eq "read-only: no WAL files left" "$(ls "$T/ro")" "x.db"

cp "$DB" "$T/new.db"
sqlite3 "$T/new.db" "UPDATE meta SET value = '99' WHERE key = 'schema_version'"
for cmd in "ingest --db $T/new.db $FIX/error853" "report --db $T/new.db" "diagnose --db $T/new.db"; do
	# shellcheck disable=SC2086
	"$NPSDIAG" $cmd > "$T/out" 2> "$T/err"
	eq "newer schema: ${cmd%% *} refused" "$?" 2
	contains "newer schema: ${cmd%% *} says why" "$T/err" \
		"$T/new.db: the database has schema version 99, newer than this npsdiag knows (1)"
done
eq "newer schema: left as it was" "$(sqlite3 "$T/new.db" "SELECT value FROM meta WHERE key = 'schema_version'")" 99
finish
