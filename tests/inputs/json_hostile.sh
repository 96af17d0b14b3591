#!/bin/sh
# Hostile JSON (issue 12): a cut line, a cut array, deep nesting, a huge
# string, invalid UTF-8, an escaped NUL, a BOM in the middle and objects
# that are not events are read as far as they are readable, named where
# they are not, and never crash (the CI runs this under ASan and UBSan).
. "$SRC/tests/ingest/lib.sh"
S=$FIX/error853
need "$S/NPS01-Security.evtx"
"$EVTXCONVERT" ecs "$S/NPS01-Security.evtx" > "$T/sec.jsonl"
"$EVTXCONVERT" winevent "$S/NPS01-Security.evtx" > "$T/sec16.json"
grep '"event_id":"6273"' "$T/sec.jsonl" | head -1 > "$T/one.jsonl"
good=$(cat "$T/one.jsonl")
lines=$(wc -l < "$T/sec.jsonl")

# A line cut in the middle of a string, then whole lines: only it is lost.
{
	head -n 3 "$T/sec.jsonl"
	sed -n 4p "$T/sec.jsonl" | head -c 300
	printf '\n'
	tail -n +5 "$T/sec.jsonl"
} > "$T/cutline.jsonl"
ingest "$T/cutline.jsonl"
eq "cut line: exit" "$rc" 1
contains "cut line: named" "$T/err" "$T/cutline.jsonl: value 4 (line 4): a line end inside a string; skipped"
eq "cut line: the others read" "$(q "SELECT records FROM sources")" "$lines"

# The file cut in the middle of its last line.
DB=$T/cutend.db
head -c $(( $(stat -c %s "$T/sec.jsonl") - 100 )) "$T/sec.jsonl" > "$T/cutend.jsonl"
ingest "$T/cutend.jsonl"
eq "cut end: exit" "$rc" 1
contains "cut end: named" "$T/err" "the input ends inside it; skipped"
eq "cut end: the others read" "$(q "SELECT records FROM sources")" "$lines"

# A ConvertTo-Json array (UTF-16) cut at an odd byte: what came before is
# kept, the break is named.
DB=$T/cutarray.db
head -c $(( $(stat -c %s "$T/sec16.json") / 2 + 1 )) "$T/sec16.json" > "$T/cutarray.json"
ingest "$T/cutarray.json"
eq "cut array: exit" "$rc" 1
contains "cut array: named" "$T/err" "the rest of the array cannot be read"
read_before=$(q "SELECT records FROM sources")
if [ "$read_before" -gt 100 ]; then ok; else fail "cut array: the events before the cut were not read ($read_before)"; fi

# Deep nesting (100,000 levels), then a good line.
DB=$T/deep.db
{
	printf '{"winlog":{"event_data":{"x":'
	yes '[' | head -n 100000 | tr -d '\n'
	printf '\n%s\n' "$good"
} > "$T/deep.jsonl"
ingest "$T/deep.jsonl"
eq "deep: exit" "$rc" 1
contains "deep: named" "$T/err" "value 1 (line 1): nesting too deep; skipped"
eq "deep: the next line read" "$(q "SELECT count(*) FROM events WHERE event_id = 6273")" 1

# A huge string (6 MiB in one value): named, memory bounded, the next line read.
DB=$T/huge.db
{
	printf '{"winlog":{"event_data":{"x":"'
	head -c 6291456 /dev/zero | tr '\0' 'A'
	printf '"}}}\n%s\n' "$good"
} > "$T/huge.jsonl"
ingest "$T/huge.jsonl"
eq "huge: exit" "$rc" 1
contains "huge: named" "$T/err" "value 1 (line 1): larger than 4 MiB; skipped"
eq "huge: the next line read" "$(q "SELECT count(*) FROM events WHERE event_id = 6273")" 1

# Invalid UTF-8 and an escaped NUL in the user name: stored as U+FFFD and
# U+2400, the event kept.
DB=$T/utf8.db
printf '%s\n' "$good" | sed 's/"SubjectUserName":"[^"]*"/"SubjectUserName":"a\\u0000b\xff\xfec"/' > "$T/utf8.jsonl"
ingest "$T/utf8.jsonl"
eq "utf8: exit" "$rc" 0
eq "utf8: stored" "$(q "SELECT hex(subject_user_name) FROM nps_decisions")" "61E2908062EFBFBDEFBFBD63"

# Two exports concatenated, a BOM before each: both read.
DB=$T/bom.db
{ printf '\357\273\277'; cat "$T/one.jsonl"; printf '\357\273\277'; sed 's/"record_id":[0-9]*/"record_id":1/' "$T/one.jsonl"; } > "$T/bom.jsonl"
ingest "$T/bom.jsonl"
eq "bom: exit" "$rc" 0
eq "bom: both read" "$(q "SELECT count(*) FROM events")" 2

# Objects that are not events, and a value that is not an object: named.
DB=$T/other.db
printf '{"hello":"world"}\n[1]\n{"winlog":{"provider_name":"x"}}\n%s\n' "$good" > "$T/other.jsonl"
ingest "$T/other.jsonl"
eq "other: exit" "$rc" 1
contains "other: not an event" "$T/err" "value 1 (line 1): not an event (no winlog, Event or ProviderName); skipped"
contains "other: no id" "$T/err" "value 3 (line 3): no winlog.event_id; skipped"
eq "other: the event read" "$(q "SELECT count(*) FROM events")" 1

# Text that only starts like JSON (an INI file) is not taken for it.
DB=$T/ini.db
printf '[section]\nkey=value\n' > "$T/desktop.ini"
ingest "$T/desktop.ini"
eq "ini: exit" "$rc" 1
contains "ini: not read" "$T/err" "$T/desktop.ini: not a format npsdiag reads"

# Unwanted JSON lines are passed over from their text (the id key once,
# the line ending in '}'); a line that could mislead that is parsed: a
# 4624 line with the 6273 after it on the same line (two id keys), and the
# 6273 with a value that spells an id key (escaped: not a key).
DB=$T/peek.db
noise=$(grep '"event_id":"4624"' "$T/sec.jsonl" | head -1)
fake=$(printf '%s' "$good" | sed 's/"winlog":{/"winlog":{"note":"\\"event_id\\":\\"4624\\"",/')
printf '%s\n%s %s\n%s\n' "$noise" "$noise" "$good" "$fake" > "$T/peek.jsonl"
grep -q 'note' "$T/peek.jsonl" && ok || fail "peek: the value was not added"
ingest "$T/peek.jsonl"
eq "peek: exit" "$rc" 0
contains "peek: all met, both 6273 kept" "$T/out" "4 records, 2 kept (1 new, 1 already stored), 2 skipped, 0 errors"

# Event data that is missing or not an object (ECS event_data and
# user_data; evtx_dump EventData and UserData): the event is kept without
# those fields. json-c's object loop dereferenced the missing table: a
# crash (SIGSEGV; UBSan under the fuzzer) before 2026-12-01.
DB=$T/shape.db
"$EVTXCONVERT" evtxdump "$S/NPS01-Security.evtx" | grep '"EventID":6273' | head -1 > "$T/dump.json"
dump=$(cat "$T/dump.json")
{
	printf '%s\n' "$good" | sed 's/"event_data":{[^}]*}/"event_data":7/'
	printf '%s\n' "$good" | sed 's/"event_data":{[^}]*}/"user_data":"x"/'
	printf '%s\n' "$dump" | sed 's/"EventData":{[^}]*}/"EventData":null,"UserData":5/'
	printf '%s\n' "$dump" | sed 's/"EventData":{[^}]*}/"UserData":{"x":3}/'
} > "$T/shape.jsonl"
if grep -q '"event_data":7' "$T/shape.jsonl" && grep -q '"UserData":5' "$T/shape.jsonl"; then ok; else
	fail "shape: the edits did not apply"; fi
ingest "$T/shape.jsonl"
eq "shape: exit" "$rc" 0
contains "shape: every line read (one event, four times)" "$T/out" "4 records, 4 kept (1 new, 3 already stored), 0 skipped, 0 errors"
eq "shape: no field from the missing data" "$(q "SELECT count(*) FROM event_fields WHERE name = 'SubjectUserName'")" 0

# Other JSON (npsdiag's own report) in a directory is passed over, as
# something that is not an event export.
DB=$T/dir.db
mkdir "$T/dir"
cp "$T/one.jsonl" "$T/dir/events.jsonl"
printf '{"npsdiag":"0.1.0","incidents":[]}\n' > "$T/dir/report.json"
ingest "$T/dir"
eq "dir: exit" "$rc" 0
contains "dir: report passed over" "$T/err" "$T/dir/report.json: not a format npsdiag reads; passed over"
eq "dir: the export read" "$(q "SELECT count(*) FROM events")" 1
finish
