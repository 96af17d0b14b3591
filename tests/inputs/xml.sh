#!/bin/sh
# Event XML (issue 12 item 1): the Error-853 scenario converted from its
# .evtx fixtures to a wevtutil stream, an <Events> document with
# RenderingInfo and the same in UTF-16 is stored exactly as from .evtx and
# gives the same diagnosis; mixed with the .evtx in one database nothing is
# stored twice; "-" reads the standard input.
. "$SRC/tests/ingest/lib.sh"
S=$FIX/error853
need "$S/CLIENT01-Application.evtx" "$S/NPS01-Security.evtx" "$S/NPS01-System.evtx"

# snapshot DB: what must be equal whatever the input format was.
snapshot() {
	sqlite3 -batch -noheader "$1" "SELECT provider, event_id, computer, channel, record_id, time_created, version
		FROM events ORDER BY 1, 2, 3, 4, 5;
		SELECT * FROM client_failures ORDER BY ts; SELECT * FROM nps_decisions ORDER BY ts;"
}

DB=$T/evtx.db
ingest "$S"
eq "evtx ingest" "$rc" 0
snapshot "$DB" > "$T/evtx.snap"
"$NPSDIAG" diagnose --db "$DB" --format json > "$T/evtx.json"
contains "the scenario is diagnosed" "$T/evtx.json" revocation-check-failed

for fmt in xml events utf16; do
	mkdir "$T/$fmt"
	for f in "$S"/*.evtx; do
		# Named .log: the content decides, never the name.
		"$EVTXCONVERT" $fmt "$f" > "$T/$fmt/$(basename "$f" .evtx).log" || fail "$fmt: convert $f"
	done
	DB=$T/$fmt.db
	ingest "$T/$fmt"/*.log
	eq "$fmt: exit" "$rc" 0
	contains "$fmt: all kept" "$T/out" "total: 3 files (0 failed), 764 records, 27 kept (27 new), 737 skipped, 0 errors"
	snapshot "$DB" > "$T/$fmt.snap"
	if cmp -s "$T/evtx.snap" "$T/$fmt.snap"; then ok; else fail "$fmt: stored events differ from the .evtx ones"; diff "$T/evtx.snap" "$T/$fmt.snap" | head >&2; fi
	"$NPSDIAG" diagnose --db "$DB" --format json > "$T/$fmt.json"
	if cmp -s "$T/evtx.json" "$T/$fmt.json"; then ok; else fail "$fmt: diagnosis differs from the .evtx one"; fi
done
head -c 2 "$T/utf16/NPS01-Security.log" | od -An -tx1 | grep -q "ff fe" && ok || fail "utf16 sample has no BOM"

# Mixed formats in one database: the XML after the .evtx adds nothing, and
# the .evtx after the XML adds nothing.
DB=$T/evtx.db
ingest "$T/events"
eq "xml after evtx: exit" "$rc" 0
contains "xml after evtx: nothing new" "$T/out" "27 kept (0 new)"
DB=$T/xml.db
ingest "$S"
contains "evtx after xml: nothing new" "$T/out" "27 kept (0 new)"
eq "evtx after xml: one decision each" "$(q "SELECT count(*) FROM nps_decisions")" \
	"$(sqlite3 -batch -noheader "$T/evtx.db" "SELECT count(*) FROM nps_decisions")"

# The standard input.
DB=$T/stdin.db
cat "$T/xml/NPS01-Security.log" | "$NPSDIAG" ingest --db "$DB" - >"$T/out" 2>"$T/err"
eq "stdin: exit" "$?" 0
contains "stdin: read" "$T/out" "-: 578 records, 8 kept (8 new"
# EVTX on the standard input is spooled to a temporary file (tests/inputs/archive.sh).
cat "$S/NPS01-Security.evtx" | "$NPSDIAG" ingest --db "$DB" - >"$T/out" 2>"$T/err"
eq "stdin evtx: exit" "$?" 0
contains "stdin evtx: read, nothing new" "$T/out" "-: 578 records, 8 kept (0 new"

# The real exports of ../shared/corpus/text: an <Events> document with a
# classic NPS 4402 and a 6273 version 1; the sanitised samples (a date
# replaced by XXXX, a cut document) are named, not stored.
if [ -d "$SHARED/corpus/text" ]; then
	DB=$T/corpus.db
	ingest "$SHARED/corpus/text"
	eq "corpus: exit (sanitised samples are errors)" "$rc" 1
	eq "corpus: stored" "$(q "SELECT group_concat(provider || '/' || event_id || '/' || ifnull(version, '-'), ' ') FROM
		(SELECT * FROM events ORDER BY event_id)")" "NPS/4402/- Microsoft-Windows-Security-Auditing/6273/1"
	eq "corpus: 6273 decoded" "$(q "SELECT reason_code || '|' || subject_user_name FROM nps_decisions")" "7|abusby"
	contains "corpus: bad time named" "$T/err" 'nps-6273-v2-sanitised.xml: event 1: event XML: bad TimeCreated SystemTime'
	contains "corpus: cut document named" "$T/err" 'nps-6272-v2-sanitised.xml: event 1: the input ends inside it'
fi
finish
