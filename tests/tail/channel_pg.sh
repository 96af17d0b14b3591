#!/bin/sh
# tail --channel into PostgreSQL (label pg): the bookmark table and its
# upsert on the other backend. The renderings of the diagnose fixtures are
# replayed into a PostgreSQL database and into SQLite: the same diagnose
# JSON; then batches of renderings land while `tail --channel-replay` is
# killed with SIGKILL at varying moments: every rendering taken once, 0
# lost, 0 twice, the bookmark at the last record.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
. "$SRC/tests/pg/lib.sh"
need "$EVTXCONVERT"
newdb nd_channel
R=$T/replay
for f in "$FIX/diagnose/"*.evtx; do
	ch=$(basename "$f" .evtx)
	mkdir -p "$R/$ch"
	"$EVTXCONVERT" xml "$f" > "$R/$ch/events.xml" || fail "evtxconvert $f"
	set -- "$@" --channel "$ch"
done
"$NPSDIAG" tail --once --db "$PG" --channel-replay "$R" "$@" > /dev/null 2> "$T/err" || { fail "pg tail"; cat "$T/err" >&2; }
"$NPSDIAG" tail --once --db "$PG" --channel-replay "$R" "$@" > /dev/null 2> "$T/err" || fail "pg tail again"
contains "resumed after the stored bookmark" "$T/err" "from just after its stored bookmark"
"$NPSDIAG" tail --once --db "$DB" --channel-replay "$R" "$@" > /dev/null 2>&1 || fail "sqlite tail"
"$NPSDIAG" diagnose --db "$PG" --format json > "$T/pg.json" 2> /dev/null
"$NPSDIAG" diagnose --db "$DB" --format json > "$T/sqlite.json" 2> /dev/null
if [ -s "$T/pg.json" ] && cmp -s "$T/pg.json" "$T/sqlite.json"; then ok; else fail "diagnose json differs"; fi
eq "bookmarks" "$(pq "SELECT count(*) FROM channel_bookmarks")" 4

# Under kill -9: batches of 6273 denials in channel Live.
mkdir -p "$R/Live"
last=0
kills=0
seed=99
b=1
while [ $b -le 12 ]; do
	n=300
	[ $((b % 4)) -eq 0 ] && n=2200
	awk -v from=$((last + 1)) -v to=$((last + n)) 'BEGIN {
		for (i = from; i <= to; i++)
			printf "<Event><System><Provider Name=\"Microsoft-Windows-Security-Auditing\"/><EventID>6273</EventID>" \
			       "<TimeCreated SystemTime=\"2025-03-15T%02d:%02d:%02d.5Z\"/><EventRecordID>%d</EventRecordID>" \
			       "<Channel>Security</Channel><Computer>NPS09.lab.example</Computer></System><EventData>" \
			       "<Data Name=\"SubjectUserName\">p%d</Data><Data Name=\"ReasonCode\">16</Data></EventData></Event>\n",
			       int(i / 3600) % 24, int(i / 60) % 60, i % 60, i, i
	}' > "$R/Live/.new"
	mv "$R/Live/.new" "$R/Live/$(printf '%03d' $b).xml"
	last=$((last + n))
	"$NPSDIAG" tail --db "$PG" --interval 0.01 --channel-replay "$R" --channel Live > /dev/null 2>&1 &
	pid=$!
	seed=$(((seed * 1103515245 + 12345) % 2147483648))
	ms=$((seed / 65536 % 1501))
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
	wait $pid 2>/dev/null
	b=$((b + 1))
done
"$NPSDIAG" tail --once --db "$PG" --channel-replay "$R" --channel Live > /dev/null 2> "$T/err" ||
	{ fail "final round"; cat "$T/err" >&2; }
taken=$(pq "SELECT records FROM sources WHERE path = 'replay:Live'")
got=$(pq "SELECT count(*) FROM events WHERE computer = 'NPS09.lab.example'")
distinct=$(pq "SELECT count(DISTINCT record_id) FROM events WHERE computer = 'NPS09.lab.example'")
echo "$kills kills; $last renderings, $taken taken, $got stored, $((last - distinct)) lost, $((got - distinct)) twice"
[ "$kills" -ge 8 ] && ok || fail "only $kills kills"
eq "every rendering taken once" "$taken" "$last"
eq "lost" $((last - distinct)) 0
eq "twice" $((got - distinct)) 0
pq "SELECT b.bookmark FROM channel_bookmarks b JOIN sources s ON s.id = b.source_id WHERE s.path = 'replay:Live'" > "$T/bm"
contains "bookmark at the last record" "$T/bm" "RecordId='$last'"
finish
