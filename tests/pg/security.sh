#!/bin/sh
# A connection URI with a password is refused with a pointer to .pgpass,
# and no message repeats the password or the connection string.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/pg/lib.sh"
newdb nd_security
"$NPSDIAG" ingest --db "postgresql://postgres:s3cretpw@127.0.0.1/nd_security" "$FIX/diagnose/NPS01-Security.evtx" > "$T/out" 2> "$T/err"
eq "password refused: exit" $? 2
contains "points to .pgpass" "$T/err" ".pgpass"
if grep -q s3cretpw "$T/err" "$T/out"; then fail "the password is printed"; else ok; fi
"$NPSDIAG" diagnose --db "postgresql:///nd_security?host=$PGDIR&user=postgres&password=s3cretpw" > "$T/out" 2> "$T/err"
eq "password as a parameter refused: exit" $? 2
if grep -q s3cretpw "$T/err" "$T/out"; then fail "the password is printed"; else ok; fi
# An error names host and database only, never the options.
"$NPSDIAG" ingest --db "postgresql:///nd_nosuch?host=$PGDIR&user=postgres&application_name=zzopt" "$FIX/diagnose/NPS01-Security.evtx" > "$T/out" 2> "$T/err"
eq "no such database: exit" $? 2
contains "names the database" "$T/err" "postgresql://localhost/nd_nosuch"
if grep -q zzopt "$T/err"; then fail "the connection string is printed"; else ok; fi
# pg: takes the PG* environment.
PGHOST=$PGDIR PGUSER=postgres PGDATABASE=nd_security "$NPSDIAG" ingest --db pg: "$FIX/diagnose/NPS01-Security.evtx" > "$T/out" 2> "$T/err"
eq "pg: ingest" $? 0
"$NPSDIAG" ingest --db "$DB" "$FIX/diagnose/NPS01-Security.evtx" > /dev/null 2>&1
eq "pg: stored" "$(pq "SELECT count(*) FROM events")" "$(q "SELECT count(*) FROM events")"
finish
