#!/bin/sh
# Bad input: each problem names the file (and chunk/record), the run goes
# on with the other files, what was stored stays stored, and the exit
# status says something failed.
. "$(dirname "$0")/lib.sh"
S=$FIX/error853
need "$S/NPS01-Security.evtx" "$S/CLIENT01-Application.evtx"
good=$S/CLIENT01-Application.evtx
mkdir "$T/in"

printf 'this is not an event log\n' > "$T/in/a-text.evtx"
: > "$T/in/b-empty.evtx"
head -c 2000 "$S/NPS01-Security.evtx" > "$T/in/c-short-header.evtx"
cp "$good" "$T/in/z-good.evtx"

ingest "$T/in"
eq "exit status with bad files" "$rc" 1
contains "not EVTX" "$T/err" "$T/in/a-text.evtx: not a format npsdiag reads"
contains "empty" "$T/err" "$T/in/b-empty.evtx: empty file"
contains "truncated header" "$T/err" "$T/in/c-short-header.evtx: truncated EVTX file"
contains "the good file after them was read" "$T/out" "$T/in/z-good.evtx:"
good_events=$(q "SELECT count(*) FROM events")
if [ "$good_events" -gt 0 ]; then ok; else fail "no events from the good file"; fi

# A file cut inside its last chunk: the records of the chunks before the
# cut are kept.
size=$(stat -c %s "$S/NPS01-Security.evtx")
last=$(( (size - 4096) / 65536 - 1 ))
head -c $((4096 + 65536 * last + 30000)) "$S/NPS01-Security.evtx" > "$T/cut.evtx"
ingest "$T/cut.evtx"
eq "cut file exit" "$rc" 1
contains "cut named" "$T/err" "$(printf '%s: file ends inside the chunk at offset 0x%x' "$T/cut.evtx" $((4096 + 65536 * last)))"
cut_kept=$(q "SELECT count(*) FROM events e JOIN sources s ON s.id = e.source_id WHERE s.path = '$T/cut.evtx'")
if [ "$cut_kept" -gt 0 ]; then ok; else fail "nothing kept from the cut file"; fi

# A chunk with a broken signature and a record with garbage in its Binary XML.
cp "$S/NPS01-Security.evtx" "$T/bad.evtx"
printf 'XXXXXXXX' | dd of="$T/bad.evtx" bs=1 seek=4096 conv=notrunc 2>/dev/null
ingest "$T/bad.evtx"
eq "bad chunk exit" "$rc" 1
contains "bad chunk named" "$T/err" "$T/bad.evtx: chunk at offset 0x1000: bad signature, chunk skipped"
eq "events stored before are still there" "$(q "SELECT count(*) >= $good_events FROM events")" 1

cp "$S/NPS01-Security.evtx" "$T/garbled.evtx"
# Overwrite the Binary XML of the first record (offset 4096+512+24) with 0xff bytes.
head -c 64 /dev/zero | tr '\0' '\377' | dd of="$T/garbled.evtx" bs=1 seek=$((4096 + 512 + 24)) conv=notrunc 2>/dev/null
ingest "$T/garbled.evtx"
if [ "$rc" -le 1 ]; then ok; else fail "garbled: exit $rc"; fi
garbled_kept=$(q "SELECT count(*) FROM events e JOIN sources s ON s.id = e.source_id WHERE s.path = '$T/garbled.evtx'")
# The records after the garbled one still count (as new or already stored).
if grep -q "$T/garbled.evtx: [0-9]* records" "$T/out"; then ok; else fail "garbled: no summary"; fi

# A path that does not exist, next to a good one.
ingest "$T/missing.evtx" "$good"
eq "missing exit" "$rc" 1
contains "missing named" "$T/err" "$T/missing.evtx"
contains "good file after missing one" "$T/out" "$good:"

# An unreadable file inside a directory (as an unprivileged user when run as root).
mkdir "$T/perm" && cp "$good" "$T/perm/locked.evtx" && cp "$good" "$T/perm/open.evtx"
chmod 000 "$T/perm/locked.evtx"
chmod 777 "$T" "$T/perm"
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$NPSDIAG" ingest --db "$T/perm.db" "$T/perm" >"$T/out" 2>"$T/err"
		rc=$?
	else
		rc=skip
	fi
else
	"$NPSDIAG" ingest --db "$T/perm.db" "$T/perm" >"$T/out" 2>"$T/err"
	rc=$?
fi
if [ "$rc" != skip ]; then
	eq "unreadable exit" "$rc" 1
	contains "unreadable named" "$T/err" "$T/perm/locked.evtx: cannot open"
	contains "readable one read" "$T/out" "$T/perm/open.evtx:"
fi

# A database that cannot be opened is a failure of its own (exit 2).
"$NPSDIAG" ingest --db "$T/no/such/dir/x.db" "$good" >/dev/null 2>"$T/err"
eq "bad database exit" "$?" 2
contains "bad database named" "$T/err" "$T/no/such/dir/x.db"
finish
