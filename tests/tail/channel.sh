#!/bin/sh
# tail --channel's path from an event's XML rendering to the store, through
# the replay feed (the Windows Event Log API is not there under Linux or
# Wine): the real renderings of tests/fixtures/text/ and those evtxconvert
# makes from every .evtx fixture, one channel per file, give the same
# events and fields as ingesting the same renderings as files, every kept
# event of the .evtx is there, and `diagnose --format json` on the channel
# database is the one of the ingested .evtx. On Linux, --channel without
# --channel-replay fails and says it needs Windows.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/tail/lib.sh"
need "$EVTXCONVERT" "$FIX/text/nps-6273-v1-and-4402.xml"

# dump DB: every event with its fields, in one order, without the source.
dump() {
	sqlite3 -batch -noheader "$1" "SELECT e.family, e.provider, e.event_id, e.qualifiers, e.version, e.level, e.task,
		e.keywords, e.time_created, e.ts, e.record_id, e.channel, e.computer, e.user_sid, e.\"binary\",
		(SELECT group_concat(pos || '=' || coalesce(name, '') || '=' || value, '|')
		 FROM (SELECT * FROM event_fields f WHERE f.event_ref = e.id ORDER BY pos))
		FROM events e ORDER BY e.computer, e.channel, e.record_id, e.ts"
}

# Each fixture folder on its own (the same events appear in several).
for d in text blastradius capi2 diagnose enterprise error853 layouts nasty; do
	R=$T/$d
	rm -rf "$R"
	set --
	if [ "$d" = text ]; then
		# The sanitised v2 samples as Windows rendered them before: their
		# date put back where the sanitising replaced it, the cut 6272
		# closed.
		mkdir -p "$R/Security"
		cp "$FIX/text/nps-6273-v1-and-4402.xml" "$R/Security/"
		sed 's/SystemTime="X* /SystemTime="2025-03-14T/; s/\(T[0-9:.]*\)"/\1Z"/' \
			"$FIX/text/nps-6273-v2-sanitised.xml" > "$R/Security/6273-v2.xml"
		{ sed 's/SystemTime="X* /SystemTime="2025-03-14T/; s/\(T[0-9:.]*\)"/\1Z"/' \
			"$FIX/text/nps-6272-v2-sanitised.xml"; echo '</Event>'; } > "$R/Security/6272-v2.xml"
		set -- --channel Security
	else
		for f in "$FIX/$d/"*.evtx; do
			ch=$(basename "$f" .evtx)
			mkdir -p "$R/$ch"
			"$EVTXCONVERT" xml "$f" > "$R/$ch/events.xml" || fail "$d: evtxconvert $f"
			set -- "$@" --channel "$ch"
		done
	fi
	"$NPSDIAG" tail --once --db "$T/$d-channel.db" --channel-replay "$R" "$@" > "$T/out" 2> "$T/err" ||
		{ fail "$d: tail"; cat "$T/err" >&2; }
	contains "$d: following" "$T/err" "replay:"
	"$NPSDIAG" ingest --db "$T/$d-xml.db" "$R" > /dev/null 2>&1 || fail "$d: ingest of the renderings"
	dump "$T/$d-channel.db" > "$T/$d-channel.txt"
	dump "$T/$d-xml.db" > "$T/$d-xml.txt"
	n=$(wc -l < "$T/$d-channel.txt")
	if [ "$n" -gt 0 ] && cmp -s "$T/$d-channel.txt" "$T/$d-xml.txt"; then ok; else
		fail "$d: the channel stored other events than ingest ($n)"; diff "$T/$d-channel.txt" "$T/$d-xml.txt" | head >&2
	fi
	if [ "$d" != text ]; then
		"$NPSDIAG" ingest --db "$T/$d-evtx.db" "$FIX/$d/"*.evtx > /dev/null 2>&1 || fail "$d: ingest of the .evtx"
		eq "$d: every kept event of the .evtx" "$n" \
			"$(sqlite3 -batch -noheader "$T/$d-evtx.db" "SELECT count(*) FROM events")"
		eq "$d: channel rows" "$(sqlite3 -batch -noheader "$T/$d-channel.db" \
			"SELECT count(*) FROM sources s JOIN channel_bookmarks b ON b.source_id = s.id
			 WHERE s.path LIKE 'replay:%' AND s.errors = 0 AND s.duplicates = 0")" "$(ls "$FIX/$d/"*.evtx | wc -l)"
	fi
	echo "$d: $n events"
done

# The real samples: the 6273 v1 (reason 7), the 4402 and the two v2.
DB=$T/text-channel.db
eq "real 6273 v1" "$(q "SELECT reason_code FROM nps_decisions WHERE event_id = 6273 AND computer LIKE 'ADMIN-PDC%'")" 7
eq "real 4402" "$(q "SELECT count(*) FROM events WHERE event_id = 4402 AND family = 'nps_service'")" 1
eq "real v2" "$(q "SELECT count(*) FROM events e JOIN nps_audit_events a ON a.event_ref = e.id WHERE e.version = 2")" 2

# Same diagnosis as from the .evtx files.
"$NPSDIAG" diagnose --db "$T/diagnose-channel.db" --format json > "$T/channel.json" 2> /dev/null
"$NPSDIAG" diagnose --db "$T/diagnose-evtx.db" --format json > "$T/evtx.json" 2> /dev/null
if [ -s "$T/channel.json" ] && cmp -s "$T/channel.json" "$T/evtx.json"; then ok; else
	fail "diagnose json differs"; diff "$T/channel.json" "$T/evtx.json" | head -c 2000 >&2
fi

# Not Windows: the Event Log API is not there, and the error says so.
"$NPSDIAG" tail --once --db "$T/win.db" --channel Security > "$T/out" 2> "$T/err"
eq "--channel on Linux: exit status" $? 2
contains "--channel on Linux: says why" "$T/err" "only on Windows"
# Usage: --channel-replay needs --channel.
"$NPSDIAG" tail --once --db "$T/win.db" --channel-replay "$T/text" > "$T/out" 2> "$T/err"
eq "--channel-replay alone: exit status" $? 2
finish
