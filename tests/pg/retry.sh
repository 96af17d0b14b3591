#!/bin/sh
# Transactions PostgreSQL rolls back for a concurrent writer are run again
# (api_retry), provoked here under REPEATABLE READ (PGOPTIONS), where they
# fail with SQLSTATE 40001 instead of waiting:
#  - ingest: another session holds an uncommitted copy of the file's first
#    event; when it commits, the ingest's insert of that event fails
#    ("could not serialize access"), runs again and stores the rest once;
#  - diagnose: two runs at once replace the same result rows; the second,
#    whose snapshot predates the first's commit, fails and runs again.
# The server's log must show the failures, and the outcome no trace of them.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
. "$SRC/tests/pg/lib.sh"
LOG=$PGDIR/server.log
serial() { grep -c 'could not serialize access' "$LOG"; }
RR='-c default_transaction_isolation=repeatable\ read'
newdb nd_retry
{ header NPS07.lab.example Security; nps_desc held 2025-03-21T01:00:00Z 300; } > "$T/a.desc"
"$EVTXWRITE" -o "$T/a.evtx" "$T/a.desc"
"$NPSDIAG" ingest --db "$DB" "$T/a.evtx" > /dev/null 2>&1 || fail "ingest into SQLite"
first=$(q "SELECT family, provider, event_id, quote(time_created), ts, record_id, quote(channel), quote(computer)
	FROM events ORDER BY id LIMIT 1" | tr '|' ,)
mkdir "$T/empty"
"$NPSDIAG" tail --once --db "$PG" "$T/empty" > /dev/null 2>&1 || fail "make the tables"
s0=$(serial)
printf "BEGIN;\nINSERT INTO events(family, provider, event_id, time_created, ts, record_id, channel, computer)
	VALUES('%s', '%s', %s);\nSELECT pg_sleep(3);\nCOMMIT;\n" \
	"$(echo "$first" | cut -d, -f1)" "$(echo "$first" | cut -d, -f2)" "$(echo "$first" | cut -d, -f3-)" > "$T/hold.sql"
"$PGBIN/psql" -h "$PGDIR" -U postgres -d "$PGNAME" -qtAX -v ON_ERROR_STOP=1 -f "$T/hold.sql" > "$T/hold.out" 2>&1 &
hold=$!
sleep 1
PGOPTIONS=$RR "$NPSDIAG" ingest --db "$PG" "$T/a.evtx" > /dev/null 2> "$T/err" || { fail "ingest"; cat "$T/err" >&2; }
wait $hold || { fail "the holding session"; cat "$T/hold.out" >&2; }
[ "$(serial)" -gt "$s0" ] && ok || fail "ingest: no serialization failure provoked"
eq "ingest: all stored once" "$(pq "SELECT count(*), count(DISTINCT record_id) FROM events")" "300|300"
eq "ingest: fields of all but the held copy" "$(pq "SELECT count(DISTINCT event_ref) FROM event_fields")" 299

"$NPSDIAG" ingest --db "$PG" "$FIX/diagnose"/*.evtx > /dev/null 2>&1 || fail "ingest fixtures"
"$NPSDIAG" diagnose --db "$PG" --format json 2> "$T/err" | sed 's/"generated":"[^"]*",//' > "$T/one.json"
[ -s "$T/one.json" ] || { fail "diagnose"; cat "$T/err" >&2; }
s0=$(serial)
i=0
while [ $i -lt 5 ] && [ "$(serial)" -eq "$s0" ]; do
	PGOPTIONS=$RR "$NPSDIAG" diagnose --db "$PG" > /dev/null 2> "$T/err1" &
	p1=$!
	PGOPTIONS=$RR "$NPSDIAG" diagnose --db "$PG" > /dev/null 2> "$T/err2" &
	p2=$!
	wait $p1
	r1=$?
	wait $p2
	r2=$?
	[ $r1 -le 1 ] && [ $r2 -le 1 ] && ok || { fail "concurrent diagnoses: exit $r1 $r2"; cat "$T/err1" "$T/err2" >&2; }
	i=$((i + 1))
done
[ "$(serial)" -gt "$s0" ] && ok || fail "diagnose: no serialization failure provoked in $i tries"
"$NPSDIAG" report --db "$PG" --format json 2> "$T/err" | sed 's/"generated":"[^"]*",//' > "$T/after.json"
if cmp -s "$T/one.json" "$T/after.json"; then ok; else fail "results after concurrent diagnoses differ"; fi
finish
