#!/bin/sh
# A full disk (issue 9, item 15): the database lives on a small tmpfs that
# is filled while tail follows a growing log. Tail reports the full disk,
# keeps running, and when space returns resumes by itself: every record
# appended meanwhile is stored once and diagnosed. Needs root (mount); skips
# otherwise.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
M=$T/small
mkdir "$M"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=8m npsdiag-test "$M" 2>/dev/null; then
	echo "SKIP: cannot mount a tmpfs here"
	exit 77
fi
pid=
trap '[ -n "$pid" ] && kill -CONT $pid 2>/dev/null && kill -TERM $pid 2>/dev/null; wait; umount "$M"; rm -rf "$T"' EXIT
DB=$M/test.db
D=$T/logs
mkdir "$D"
denials() { # FIRST-RECORD USER TIME N: a Security description
	printf 'computer NPS01.lab.example\nchannel Security\nfirst-record %s\n' "$1"
	nps_desc "$2" "$3" "$4"
}
count() { q "SELECT count(*) || '/' || count(DISTINCT record_id) FROM events WHERE event_id = 6273" 2>/dev/null; }
# settle N: waits (up to 20 s) until the database holds N denials.
settle() {
	i=0
	while [ "$(count)" != "$1/$1" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
}
# wait_for FILE TEXT: waits (up to 20 s) until FILE holds TEXT.
wait_for() {
	i=0
	while ! grep -qF -- "$2" "$1" && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
}

denials 1 a 2025-03-14T01:00:00Z 20 > "$T/a.desc"
"$EVTXWRITE" --live -o "$D/Security.evtx" "$T/a.desc"
"$NPSDIAG" tail --db "$DB" --interval 0.2 "$D" > "$T/out" 2> "$T/err" &
pid=$!
settle 20
eq "before the disk is full" "$(count)" 20/20

# Fill the file system, then append 200 records for other users.
dd if=/dev/zero of="$M/filler" bs=4096 2>/dev/null
denials 21 b 2025-03-14T02:00:00Z 200 > "$T/b.desc"
"$EVTXWRITE" --append -o "$D/Security.evtx" "$T/b.desc"
wait_for "$T/err" "waiting for space"
contains "the full disk is reported" "$T/err" "npsdiag: $DB: full ("
contains "with its cause" "$T/err" "database or disk is full); waiting for space, nothing is lost"
if kill -0 $pid 2>/dev/null; then ok; else fail "tail exited on a full disk"; fi
eq "nothing stored while full" "$(count)" 20/20
sleep 1.5
eq "reported once while it lasts" "$(grep -c 'waiting for space' "$T/err")" 1

# Space returns: tail resumes by itself and loses nothing.
rm "$M/filler"
settle 220
eq "after space returned: every record once" "$(count)" 220/220
wait_for "$T/err" "following resumed"
contains "the resume is reported" "$T/err" "npsdiag: $DB: there is space again; following resumed"
wait_for "$T/out" "b@lab.example"
contains "what arrived meanwhile is diagnosed" "$T/out" "b@lab.example"
kill -TERM $pid
wait $pid
eq "tail exit" "$?" 0
pid=
finish
