#!/bin/sh
# Server restarts (pg_ctl restart -m fast: connections killed) while
# `tail` waits between rounds, while a tail round is in its transaction, and
# while `ingest` writes: tail keeps following (it connects again on its
# next command and runs the rolled-back round again, api_retry), ingest
# completes by itself; nothing is lost, nothing stored twice.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
. "$SRC/tests/pg/lib.sh"
newdb nd_restart

# wait_denials N TENTHS: waits up to TENTHS tenths of a second until N
# denials (6273) are stored.
wait_denials() {
	i=0
	while [ "$(pq "SELECT count(*) FROM events WHERE event_id = 6273" 2>/dev/null)" != "$1" ] && [ $i -lt "$2" ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# wait_transaction: waits up to 10 s until another connection to the
# database has a transaction open. Returns 1 on timeout.
wait_transaction() {
	i=0
	while [ "$(pq "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL
		AND pid <> pg_backend_pid()")" = 0 ]; do
		[ $i -lt 200 ] || return 1
		sleep 0.05
		i=$((i + 1))
	done
}
L=$T/Security.evtx
{ header NPS01.lab.example Security; noise_desc 2025-03-14T00:00:00Z 10; nps_desc u0 2025-03-14T01:00:00Z 10; } \
	> "$T/0.desc"
"$EVTXWRITE" --live -o "$L" "$T/0.desc"
"$NPSDIAG" tail --db "$PG" --interval 0.05 "$L" > /dev/null 2> "$T/tail.err" &
pid=$!
wait_denials 10 100
sleep 2 # the first round's diagnosis is written
sh "$SRC/tests/pg/server.sh" restart "$PGDIR" || fail "restart"
for b in 1 2 3; do
	{ header NPS01.lab.example Security; nps_desc "u$b" "2025-03-14T0$((b + 1)):00:00Z" 10; } > "$T/b.desc"
	"$EVTXWRITE" --append -o "$L" "$T/b.desc" || fail "append $b"
	sleep 0.5
done
wait_denials 40 300
eq "tail is still running" "$(kill -0 $pid 2>/dev/null && echo yes)" yes
eq "stored across the restart" "$(pq "SELECT count(*) FROM events WHERE event_id = 6273")" 40
# in a round: a big append, the restart once tail's transaction is open
{ header NPS01.lab.example Security; nps_desc big 2025-03-14T06:00:00Z 4000; } > "$T/b.desc"
"$EVTXWRITE" --append -o "$L" "$T/b.desc" || fail "big append"
wait_transaction && ok || fail "tail's round never opened a transaction"
sh "$SRC/tests/pg/server.sh" restart "$PGDIR" || fail "restart in a round"
{ header NPS01.lab.example Security; nps_desc u4 2025-03-14T08:00:00Z 10; } > "$T/b.desc"
"$EVTXWRITE" --append -o "$L" "$T/b.desc" || fail "append after"
wait_denials 4050 600
eq "tail is still running after a restart in a round" "$(kill -0 $pid 2>/dev/null && echo yes)" yes
kill -TERM $pid 2>/dev/null
wait $pid
eq "stored across the restart in a round, once" \
	"$(pq "SELECT count(*), count(DISTINCT (computer, record_id)) FROM events WHERE event_id = 6273")" "4050|4050"
if grep -v ': following$\|: tail stopped:' "$T/tail.err" | grep -q .; then
	fail "tail wrote errors"
	cat "$T/tail.err" >&2
else
	ok
fi
# ingest: a big file, the server restarted while it writes (the tables
# made first: a restart while a new database's schema is made fails the
# opening, which is not run again).
newdb nd_restart2
mkdir "$T/empty"
"$NPSDIAG" tail --once --db "$PG" "$T/empty" > /dev/null 2>&1 || fail "make the tables"
{ header NPS02.lab.example Security; noise_desc 2025-03-14T00:00:00Z 2000; nps_desc big 2025-03-14T05:00:00Z 3000; } \
	> "$T/big.desc"
"$EVTXWRITE" -o "$T/big.evtx" "$T/big.desc"
"$NPSDIAG" ingest --db "$PG" "$T/big.evtx" > /dev/null 2> "$T/err" &
ipid=$!
eq "ingest is writing" "$(wait_transaction && kill -0 $ipid 2>/dev/null && echo yes)" yes
sh "$SRC/tests/pg/server.sh" restart "$PGDIR" || fail "restart 2"
wait $ipid
irc=$?
eq "ingest through the restart: exit" $irc 0
[ $irc -eq 0 ] || cat "$T/err" >&2
eq "all stored once" "$(pq "SELECT count(*), count(DISTINCT record_id) FROM events WHERE event_id = 6273")" "3000|3000"
eq "and their fields" "$(pq "SELECT count(DISTINCT event_ref) FROM event_fields")" 3000
finish
