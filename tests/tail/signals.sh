#!/bin/sh
# Signals: SIGHUP reloads the rules (a broken rules directory keeps the old
# ones, with a message); SIGINT and SIGTERM stop tail after its round with
# a summary and exit status 0; a reader (diagnose) works while tail holds
# the database; a path that does not exist (yet) is named.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
{ header NPS01.lab.example Security; nps_desc alice 2025-03-14T01:00:00Z 3; } > "$T/a.desc"
"$EVTXWRITE" --live -o "$T/Security.evtx" "$T/a.desc"
mkdir "$T/rules"
"$NPSDIAG" tail --db "$DB" --rules "$T/rules" --interval 0.1 "$T/Security.evtx" > "$T/out" 2> "$T/err" &
pid=$!
wait_for "$T/out" "alice" 10 || fail "no incident line"
"$NPSDIAG" diagnose --db "$DB" --format json > "$T/diag" 2> "$T/diag.err"
if [ $? -le 1 ]; then ok; else fail "diagnose while tail runs:"; cat "$T/diag.err" >&2; fi
contains "diagnose reads the incident" "$T/diag" "alice@lab.example"

kill -HUP $pid
wait_for "$T/err" "rules reloaded" 5 || fail "SIGHUP: no reload"
printf 'this is not a rule\n' > "$T/rules/broken.rules"
kill -HUP $pid
wait_for "$T/err" "rules not reloaded, the old ones stay" 5 || fail "SIGHUP with broken rules"
contains "broken rule named" "$T/err" "broken.rules:1"
kill -INT $pid
wait $pid
eq "exit status after SIGINT" "$?" 0
contains "summary" "$T/err" "npsdiag: tail stopped:"

"$NPSDIAG" tail --db "$DB" --interval 0.1 "$T/Security.evtx" > "$T/out2" 2> "$T/err2" &
pid=$!
wait_for "$T/err2" "following" 10 || fail "restart"
sleep 0.3
kill -TERM $pid
wait $pid
eq "exit status after SIGTERM" "$?" 0
eq "a restart announces nothing old" "$(wc -l < "$T/out2")" 0

"$NPSDIAG" tail --once --db "$DB" "$T/not-there.evtx" > /dev/null 2> "$T/err3"
contains "a missing path is named" "$T/err3" "not-there.evtx: No such file or directory; following it when it appears"
finish
