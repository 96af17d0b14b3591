#!/bin/sh
# tail --channel under kill -9, through the replay feed: 40 times a batch
# of renderings (6273 denials, every fourth a 4624 logon of no interest;
# four batches of 2500, so that a round commits several transactions of
# ND_CHANNEL_BATCH) lands in the channel, `tail --channel` is started and
# killed with SIGKILL after a varying delay (0-1.2 s: before, during or
# after its round or its diagnosis), and the next batch follows. At the end one more round catches
# up. Every rendering must have been taken exactly once (the source's
# records count, committed with the bookmark), every denial stored once,
# the bookmark must stand at the last record, and the database must pass
# SQLite's integrity check.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
R=$T/replay
mkdir -p "$R/Security"
BATCHES=40

# batch FROM TO: the renderings of record ids FROM to TO.
batch() {
	awk -v from="$1" -v to="$2" 'BEGIN {
		for (i = from; i <= to; i++) {
			t = sprintf("2025-03-14T%02d:%02d:%02d.5Z", 8 + int(i / 3600) % 12, int(i / 60) % 60, i % 60)
			printf "<Event xmlns='\''http://schemas.microsoft.com/win/2004/08/events/event'\''><System>"
			if (i % 4 == 0) {
				printf "<Provider Name='\''Microsoft-Windows-Security-Auditing'\''/><EventID>4624</EventID>"
				printf "<TimeCreated SystemTime='\''%s'\''/><EventRecordID>%d</EventRecordID><Channel>Security</Channel>", t, i
				printf "<Computer>NPS01.lab.example</Computer></System><EventData><Data Name='\''TargetUserName'\''>SYSTEM</Data>"
			} else {
				printf "<Provider Name='\''Microsoft-Windows-Security-Auditing'\''/><EventID>6273</EventID><Version>2</Version>"
				printf "<TimeCreated SystemTime='\''%s'\''/><EventRecordID>%d</EventRecordID><Channel>Security</Channel>", t, i
				printf "<Computer>NPS01.lab.example</Computer></System><EventData><Data Name='\''SubjectUserName'\''>u%d@lab.example</Data>", i
				printf "<Data Name='\''FullyQualifiedSubjectUserName'\''>LAB\\u%d</Data><Data Name='\''NASIdentifier'\''>VPN01</Data>", i
				printf "<Data Name='\''ReasonCode'\''>16</Data>"
			}
			printf "</EventData></Event>\r\n"
		}
	}'
}

seed=4242
kills=0
partial=0
prev=0
last=0
b=1
while [ $b -le $BATCHES ]; do
	n=50
	[ $((b % 10)) -eq 5 ] && n=2500
	batch $((last + 1)) $((last + n)) > "$R/Security/.new"
	mv "$R/Security/.new" "$R/Security/$(printf '%03d' $b).xml"
	last=$((last + n))
	"$NPSDIAG" tail --db "$DB" --interval 0.01 --channel-replay "$R" --channel Security > /dev/null 2>&1 &
	pid=$!
	seed=$(((seed * 1103515245 + 12345) % 2147483648))
	ms=$((seed / 65536 % 1201))
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
	wait $pid 2>/dev/null
	# Killed after some transactions of its round and before the others.
	taken=$(q "SELECT records FROM sources WHERE path = 'replay:Security'" 2>/dev/null)
	[ -n "$taken" ] && [ "$taken" -gt "$prev" ] && [ "$taken" -lt "$last" ] && partial=$((partial + 1))
	prev=${taken:-0}
	b=$((b + 1))
done
"$NPSDIAG" tail --once --db "$DB" --channel-replay "$R" --channel Security > /dev/null 2> "$T/err" ||
	{ fail "final round"; cat "$T/err" >&2; }
kept=$(awk -v n="$last" 'BEGIN { print n - int(n / 4) }')
got=$(q "SELECT count(*) FROM events WHERE event_id = 6273")
distinct=$(q "SELECT count(DISTINCT record_id) FROM events WHERE event_id = 6273")
taken=$(q "SELECT records FROM sources WHERE path = 'replay:Security'")
echo "$kills kills ($partial between two transactions of a round); $last renderings, $taken taken;" \
	"$kept denials, $got stored, $((kept - distinct)) lost, $((got - distinct)) twice"
if [ "$kills" -ge 30 ]; then ok; else fail "only $kills kills"; fi
eq "every rendering taken once" "$taken" "$last"
eq "lost" $((kept - distinct)) 0
eq "twice" $((got - distinct)) 0
eq "counts" "$(q "SELECT wanted || ' ' || skipped || ' ' || errors || ' ' || duplicates || ' ' || stored FROM sources
	WHERE path = 'replay:Security'")" "$kept $((last - kept)) 0 0 $kept"
q "SELECT bookmark FROM channel_bookmarks" > "$T/bm"
contains "bookmark at the last record" "$T/bm" "RecordId='$last'"
eq "integrity" "$(q "PRAGMA integrity_check")" ok
finish
