#!/bin/sh
# Hostile event XML (issue 12): a truncated document, deep nesting, a huge
# string, invalid UTF-8, a BOM in the middle and a cut UTF-16 file are read
# as far as they are readable, named where they are not, and never crash
# (the CI runs this under ASan and UBSan).
. "$SRC/tests/ingest/lib.sh"
S=$FIX/error853
need "$S/NPS01-Security.evtx"
"$EVTXCONVERT" xml "$S/NPS01-Security.evtx" > "$T/sec.xml"
"$EVTXCONVERT" utf16 "$S/NPS01-Security.evtx" > "$T/sec16.xml"
size=$(stat -c %s "$T/sec.xml")

# Truncated in the middle of an event: the events before it are kept.
head -c $((size / 2)) "$T/sec.xml" > "$T/cut.xml"
ingest "$T/cut.xml"
eq "cut: exit" "$rc" 1
contains "cut: named" "$T/err" "$T/cut.xml: event "
contains "cut: why" "$T/err" "the input ends inside it; skipped"
read_before=$(q "SELECT records FROM sources")
if [ "$read_before" -gt 100 ]; then ok; else fail "cut: the events before the cut were not read ($read_before)"; fi

# UTF-16 cut at an odd byte.
head -c $(( $(stat -c %s "$T/sec16.xml") / 2 + 1 )) "$T/sec16.xml" > "$T/cut16.xml"
ingest "$T/cut16.xml"
eq "cut UTF-16: exit" "$rc" 1
contains "cut UTF-16: named" "$T/err" "$T/cut16.xml: event "

# Deep nesting inside EventData, then a good event.
{
	printf '<Event><System><Provider Name="RasClient"/><EventID Qualifiers="0">20227</EventID>'
	printf '<TimeCreated SystemTime="2025-03-14T09:00:00.0000000Z"/><EventRecordID>1</EventRecordID>'
	printf '<Channel>Application</Channel><Computer>DEEP</Computer></System><EventData>'
	i=0; while [ $i -lt 20000 ]; do printf '<a>'; i=$((i + 1)); done
	printf 'x'
	i=0; while [ $i -lt 20000 ]; do printf '</a>'; i=$((i + 1)); done
	printf '</EventData></Event>\n'
	grep -m1 -A1 "<EventID>6273</EventID>" "$T/sec.xml" | head -2
} > "$T/deep.xml"
ingest "$T/deep.xml"
if [ "$rc" -le 1 ]; then ok; else fail "deep: exit $rc"; fi
eq "deep: the next event read" "$(q "SELECT count(*) FROM events WHERE event_id = 6273")" 1

# A huge string (6 MiB in one value): the event is skipped, named, and the
# next event is read.
DB=$T/huge.db
{
	printf '<Events><Event><System><Provider Name="RasClient"/><EventID>20227</EventID>'
	printf '<TimeCreated SystemTime="2025-03-14T09:00:00.0000000Z"/><EventRecordID>1</EventRecordID>'
	printf '<Channel>Application</Channel><Computer>HUGE</Computer></System><EventData><Data>'
	head -c 6291456 /dev/zero | tr '\0' 'A'
	printf '</Data></EventData></Event>\n'
	grep -m1 -A1 "<EventID>6273</EventID>" "$T/sec.xml" | head -2
	printf '</Events>\n'
} > "$T/huge.xml"
ingest "$T/huge.xml"
eq "huge: exit" "$rc" 1
contains "huge: named" "$T/err" "$T/huge.xml: event 1: larger than 4 MiB; skipped"
eq "huge: the next event read" "$(q "SELECT count(*) FROM events WHERE event_id = 6273")" 1

# Invalid UTF-8 in a value: stored as U+FFFD, valid UTF-8 in the database.
DB=$T/utf8.db
grep -m1 -A1 "<EventID>6273</EventID>" "$T/sec.xml" | head -2 |
	sed 's/rdeckard@lab.example/rd\xff\xc3(eckard\xe2\x82@lab.example/' > "$T/bad8.xml"
ingest "$T/bad8.xml"
eq "invalid UTF-8: exit" "$rc" 0
eq "invalid UTF-8: replaced" "$(q "SELECT hex(subject_user_name) FROM nps_decisions")" \
	"$(printf 'rd\357\277\275\357\277\275(eckard\357\277\275@lab.example' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"

# A BOM in the middle: two exports concatenated, each with its BOM and
# declaration; both are read.
DB=$T/bom.db
"$EVTXCONVERT" events "$S/NPS01-System.evtx" > "$T/sys.xml"
{ printf '\357\273\277'; cat "$T/sys.xml"; printf '\357\273\277'; cat "$T/sec.xml"; } > "$T/twice.xml"
ingest "$T/twice.xml"
eq "BOM in the middle: exit" "$rc" 0
contains "BOM in the middle: both read" "$T/out" "$T/twice.xml: 645 records, 10 kept (10 new"

# Junk between and inside events: an <Event> without EventID, a stray
# </Event>, binary bytes, an unclosed tag; the good events after them count.
DB=$T/junk.db
{
	printf '<Event><System></System></Event></Event>\001\002garbage\n<Event><System><EventID>1'
	printf '</Event>\n'
	cat "$T/sec.xml"
} > "$T/junk.xml"
ingest "$T/junk.xml"
eq "junk: exit" "$rc" 1
contains "junk: no EventID named" "$T/err" "event 1: event XML: event has no <EventID>; skipped"
contains "junk: good events after it" "$T/out" "8 kept (8 new"
finish
