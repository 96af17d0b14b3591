#!/bin/sh
# The least-privilege recipe of docs/fleet.md, run as written: the owner
# makes the tables, roles.sql (the docs' sql block, this very text) makes
# the writer and reader roles and their logins; then the writer nps01
# ingests, tails and diagnoses, the reader analyst reports (the same
# report as the owner's), and every write of the reader is refused.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
. "$SRC/tests/pg/lib.sh"
# psql_as USER SQL-FILE|-: runs SQL in the database npsdiag as USER.
psql_as() { "$PGBIN/psql" -h "$PGDIR" -U "$1" -d npsdiag -v ON_ERROR_STOP=1 -qtAX -f "$2"; }
# clean: drops the recipe's database and roles (global to the server).
clean() {
	"$PGBIN/dropdb" -h "$PGDIR" -U postgres --if-exists npsdiag
	for r in nps01 analyst npsdiag_writer npsdiag_reader npsdiag_owner; do
		"$PGBIN/psql" -h "$PGDIR" -U postgres -d postgres -qtAX -c "DROP ROLE IF EXISTS $r"
	done
}
clean
"$PGBIN/createuser" -h "$PGDIR" -U postgres npsdiag_owner || fail "createuser"
"$PGBIN/createdb" -h "$PGDIR" -U postgres -O npsdiag_owner npsdiag || fail "createdb"
OWNER="postgresql:///npsdiag?host=$PGDIR&user=npsdiag_owner"
W="postgresql:///npsdiag?host=$PGDIR&user=nps01"
R="postgresql:///npsdiag?host=$PGDIR&user=analyst"
PGNAME=npsdiag
mkdir "$T/empty"
"$NPSDIAG" tail --once --db "$OWNER" "$T/empty" > /dev/null 2> "$T/err" ||
	{ fail "owner's tail round"; cat "$T/err" >&2; }
eq "the owner's tail round makes the tables" "$(pq "SELECT count(*) FROM pg_tables
	WHERE tablename IN ('events', 'incidents', 'diagnose_meta') AND tableowner = 'npsdiag_owner'")" 3
awk '/^```sql$/ { f = 1; next } /^```$/ { f = 0 } f' "$SRC/docs/fleet.md" > "$T/roles.sql"
grep -q 'CREATE ROLE analyst' "$T/roles.sql" || fail "no roles.sql in docs/fleet.md"
psql_as postgres "$T/roles.sql" > "$T/out" 2>&1 || { fail "roles.sql"; cat "$T/out" >&2; }

# the writer: ingest, diagnose, a tail round
"$NPSDIAG" ingest --db "$W" "$FIX/diagnose"/*.evtx > /dev/null 2> "$T/err" ||
	{ fail "writer ingest"; cat "$T/err" >&2; }
n=$(pq "SELECT count(*) FROM events")
[ "$n" -gt 0 ] && ok || fail "writer ingest stored nothing"
"$NPSDIAG" diagnose --db "$W" > /dev/null 2> "$T/err"
[ $? -le 1 ] && ok || { fail "writer diagnose"; cat "$T/err" >&2; }
[ "$(pq "SELECT count(*) FROM incidents")" -gt 0 ] && ok || fail "writer diagnose stored no incidents"
{ header NPS09.lab.example Security; nps_desc tailed 2025-03-20T01:00:00Z 5; } > "$T/t.desc"
"$EVTXWRITE" -o "$T/t.evtx" "$T/t.desc"
"$NPSDIAG" tail --once --db "$W" "$T/t.evtx" > /dev/null 2> "$T/err" || { fail "writer tail"; cat "$T/err" >&2; }
eq "writer tail stored" "$(pq "SELECT count(*) FROM events WHERE computer = 'NPS09.lab.example'")" 5
n=$(pq "SELECT count(*) FROM events")

# the reader: the owner's report, and no write
"$NPSDIAG" report --db "$OWNER" --format csv --no-timestamp -o "$T/owner.csv" 2> "$T/err" || fail "owner report"
"$NPSDIAG" report --db "$R" --format csv --no-timestamp -o "$T/reader.csv" 2> "$T/err" ||
	{ fail "reader report"; cat "$T/err" >&2; }
[ -s "$T/reader.csv" ] && cmp -s "$T/owner.csv" "$T/reader.csv" && ok || fail "reader report differs from the owner's"
"$NPSDIAG" ingest --db "$R" "$FIX/enterprise"/*.evtx > /dev/null 2> "$T/err" && fail "reader ingest succeeded"
contains "reader ingest refused" "$T/err" "permission denied"
"$NPSDIAG" diagnose --db "$R" > /dev/null 2> "$T/err"
[ $? -eq 2 ] && ok || fail "reader diagnose stored results"
contains "reader diagnose refused" "$T/err" "permission denied"
echo "DELETE FROM events" | psql_as analyst - > "$T/out" 2>&1 && fail "reader DELETE succeeded"
contains "reader DELETE refused" "$T/out" "permission denied"
eq "nothing changed by the reader" "$(pq "SELECT count(*) FROM events")" "$n"
clean
finish
