#!/bin/sh
# Transactions PostgreSQL rolls back for a concurrent writer are run again
# (api_retry), provoked here under REPEATABLE READ (PGOPTIONS), where they
# fail with SQLSTATE 40001 instead of waiting:
#  - ingest: another session holds an uncommitted copy of the file's first
#    event; when it commits, the ingest's insert of that event fails
#    ("could not serialize access"), runs again and stores the rest once;
#  - diagnose: another session holds the diagnosis lock and rewrites a
#    result row while the diagnose waits for it: the diagnose, whose
#    snapshot predates that commit, fails and runs again.
# The server's log must show the failures, and the outcome no trace of them.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
. "$SRC/tests/pg/lib.sh"
LOG=$PGDIR/server.log
serial() { grep -c 'could not serialize access' "$LOG"; }
RR='-c default_transaction_isolation=repeatable\ read'
# SQL that waits (up to 60 s) until another session of this database waits
# for a lock (the server is shared with the other pg tests, run in parallel)
WAITER="DO \$\$BEGIN FOR i IN 1..600 LOOP EXIT WHEN EXISTS (SELECT 1 FROM pg_locks l
	JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database());
	PERFORM pg_sleep(0.1); END LOOP; END\$\$;"
# held SQL: waits (up to 30 s) until the count SQL gives is not 0.
held() {
	i=0
	while [ "$(pq "$1")" = 0 ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
newdb nd_retry
{ header NPS07.lab.example Security; nps_desc held 2025-03-21T01:00:00Z 300; } > "$T/a.desc"
"$EVTXWRITE" -o "$T/a.evtx" "$T/a.desc"
"$NPSDIAG" ingest --db "$DB" "$T/a.evtx" > /dev/null 2>&1 || fail "ingest into SQLite"
first=$(q "SELECT family, provider, event_id, quote(time_created), ts, record_id, quote(channel), quote(computer)
	FROM events ORDER BY id LIMIT 1" | tr '|' ,)
mkdir "$T/empty"
"$NPSDIAG" tail --once --db "$PG" "$T/empty" > /dev/null 2>&1 || fail "make the tables"
s0=$(serial)
# the holding session commits once the ingest waits for its row (or after 60 s)
printf "BEGIN;\nINSERT INTO events(family, provider, event_id, time_created, ts, record_id, channel, computer)
	VALUES('%s', '%s', %s);\n%s\nCOMMIT;\n" \
	"$(echo "$first" | cut -d, -f1)" "$(echo "$first" | cut -d, -f2)" "$(echo "$first" | cut -d, -f3-)" \
	"$WAITER" > "$T/hold.sql"
"$PGBIN/psql" -h "$PGDIR" -U postgres -d "$PGNAME" -qtAX -v ON_ERROR_STOP=1 -f "$T/hold.sql" > "$T/hold.out" 2>&1 &
hold=$!
held "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'events'
	AND l.mode = 'RowExclusiveLock' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
PGOPTIONS=$RR "$NPSDIAG" ingest --db "$PG" "$T/a.evtx" > /dev/null 2> "$T/err" || { fail "ingest"; cat "$T/err" >&2; }
wait $hold || { fail "the holding session"; cat "$T/hold.out" >&2; }
[ "$(serial)" -gt "$s0" ] && ok || fail "ingest: no serialization failure provoked"
eq "ingest: all stored once" "$(pq "SELECT count(*), count(DISTINCT record_id) FROM events")" "300|300"
eq "ingest: fields of all but the held copy" "$(pq "SELECT count(DISTINCT event_ref) FROM event_fields")" 299

"$NPSDIAG" ingest --db "$PG" "$FIX/diagnose"/*.evtx > /dev/null 2>&1 || fail "ingest fixtures"
"$NPSDIAG" diagnose --db "$PG" --format json 2> "$T/err" | sed 's/"generated":"[^"]*",//' > "$T/one.json"
[ -s "$T/one.json" ] || { fail "diagnose"; cat "$T/err" >&2; }
s0=$(serial)
# a session takes the diagnosis lock, waits for the diagnose to wait for it,
# rewrites a result row as it is and commits: the diagnose's snapshot is
# older than that row
printf "BEGIN;\nSELECT pg_advisory_xact_lock(%d);\n%s\nUPDATE diagnose_meta SET value = value;\nCOMMIT;\n" \
	$((0x6e640002)) "$WAITER" > "$T/hold.sql"
"$PGBIN/psql" -h "$PGDIR" -U postgres -d "$PGNAME" -qtAX -v ON_ERROR_STOP=1 -f "$T/hold.sql" > "$T/hold.out" 2>&1 &
hold=$!
held "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
	AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
PGOPTIONS=$RR "$NPSDIAG" diagnose --db "$PG" > /dev/null 2> "$T/err"
[ $? -le 1 ] && ok || { fail "diagnose"; cat "$T/err" >&2; }
wait $hold || { fail "the holding session 2"; cat "$T/hold.out" >&2; }
[ "$(serial)" -gt "$s0" ] && ok || fail "diagnose: no serialization failure provoked"
"$NPSDIAG" report --db "$PG" --format json 2> "$T/err" | sed 's/"generated":"[^"]*",//' > "$T/after.json"
if cmp -s "$T/one.json" "$T/after.json"; then ok; else fail "results after concurrent diagnoses differ"; fi
finish
