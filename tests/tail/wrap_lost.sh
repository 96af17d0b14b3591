#!/bin/sh
# A log that wraps faster than tail polls (issue 9, item 14): when every
# chunk of a followed log was overwritten between two rounds, the records
# between the last one read and the oldest one now in the file were lost,
# and the notice names them. A wrap that lost nothing (the oldest chunk
# overwritten by the records that follow the last one read) names none.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
case $(uname -m) in
x86_64) sleeping='^(35|230) ' ;;
aarch64) sleeping='^(101|115) ' ;;
*) echo "SKIP: no syscall numbers for $(uname -m)"; exit 77 ;;
esac
D=$T/logs
mkdir "$D"
denials() { # FIRST-RECORD USER TIME N: a Security description
	printf 'computer NPS01.lab.example\nchannel Security\nfirst-record %s\n' "$1"
	nps_desc "$2" "$3" "$4"
}
count() { q "SELECT count(*) FROM events WHERE event_id = 6273" 2>/dev/null; }
# settle N: waits (up to 10 s) until the database holds N denials.
settle() {
	i=0
	while [ "$(count)" != "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
}
# pause: stops the tail between two rounds (asleep in nanosleep), so that a
# change made before resume is seen whole by one round.
pause() {
	i=0
	while [ $i -lt 100 ]; do
		kill -STOP $pid
		sleep 0.02
		grep -Eq "$sleeping" /proc/$pid/syscall && return 0
		kill -CONT $pid
		sleep 0.03
		i=$((i + 1))
	done
	fail "could not pause the tail between rounds"
}
resume() { kill -CONT $pid; }

denials 1000 w 2025-03-14T03:00:00Z 300 > "$T/w.desc"
"$EVTXWRITE" -o "$D/Wrap.evtx" "$T/w.desc"
chunks=$(( ($(stat -c %s "$D/Wrap.evtx") - 4096) / 65536 ))
"$NPSDIAG" tail --db "$DB" --interval 0.2 "$D" > "$T/out" 2> "$T/err" &
pid=$!
settle 300
eq "first read: records 1000-1299 in $chunks chunks" "$(count)" 300

# The oldest chunk overwritten by records 1300-1319: nothing lost.
denials 1300 x 2025-03-14T04:00:00Z 20 > "$T/x.desc"
"$EVTXWRITE" -o "$T/x.evtx" "$T/x.desc"
pause
dd if="$T/x.evtx" of="$D/Wrap.evtx" bs=4096 skip=1 seek=1 count=16 conv=notrunc 2>/dev/null
resume
settle 320
eq "after a wrap that lost nothing" "$(count)" 320

# Every chunk overwritten by records 5000-5299 between two rounds: records
# 1320 to 4999 were written and overwritten unread.
denials 5000 y 2025-03-14T05:00:00Z 300 > "$T/y.desc"
"$EVTXWRITE" -o "$T/y.evtx" "$T/y.desc"
eq "the new records fill as many chunks" "$(( ($(stat -c %s "$T/y.evtx") - 4096) / 65536 ))" "$chunks"
pause
dd if="$T/y.evtx" of="$D/Wrap.evtx" bs=4096 skip=1 seek=1 conv=notrunc 2>/dev/null
resume
settle 620
eq "after the wrap that lost records: the new ones arrive" "$(count)" 620
kill -TERM $pid
wait $pid
eq "tail exit" "$?" 0
contains "the lost records are named" "$T/err" \
	"Wrap.evtx: log wrapped faster than it was polled: records 1320 to 4999 (3680) were overwritten before they were read"
eq "one loss reported (not the harmless wrap)" "$(grep -c 'overwritten before' "$T/err")" 1
finish
