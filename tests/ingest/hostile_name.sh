#!/bin/sh
# File names are attacker-controlled too (issue 9 item 8): a name holding
# ESC [ 31m, newlines and a forged "total:" line, ingested and tailed,
# reaches the terminal escaped in ingest's summary and progress lines and in
# the problem and notice lines of ingest and tail: no raw control character,
# no forged line.
. "$(dirname "$0")/lib.sh"
export NPSDIAG
need "$FIX/nasty/NPS03-nasty.evtx"

N="$T/x$(printf '\033[31mred\ntotal: 99 files (0 failed), 1 records\nz')"
cp "$FIX/nasty/NPS03-nasty.evtx" "$N.evtx"
printf 'garbage' >"$N.bad.evtx"

# clean NAME FILE: FILE has no control character but its newlines, and no forged line.
clean() {
	if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$2"; then
		fail "$1: raw control characters:"; cat -A "$2" >&2
	else ok; fi
	eq "$1: no forged line" "$(grep -c '^total: 99' "$2")" 0
	eq "$1: no line starts inside the name" "$(grep -c '^z\.' "$2")" 0
}

ingest "$N.evtx" "$N.bad.evtx"
eq "ingest exit status (one file unreadable)" "$rc" 1
clean "ingest stdout" "$T/out"
clean "ingest stderr" "$T/err"
contains "summary names the file escaped" "$T/out" 'x\x1b[31mred\x0atotal: 99 files (0 failed), 1 records\x0az.evtx: 6 records'
contains "failed file named escaped" "$T/out" '\x0az.bad.evtx: not ingested'
contains "problem message escaped" "$T/err" 'npsdiag: error: '
contains "problem message names the file escaped" "$T/err" '\x0az.bad.evtx: not a format npsdiag reads'
eq "one real total line" "$(grep -c '^total: 2 files (1 failed)' "$T/out")" 1

# The progress line is drawn only on a terminal: script(1) gives ingest one.
if command -v script >/dev/null 2>&1; then
	rm -f "$DB"
	F="$N.evtx" D="$DB" script -qc 'exec "$NPSDIAG" ingest --db "$D" "$F" 2>&1 >/dev/null' /dev/null \
		</dev/null >"$T/tty" 2>&1
	tr -d '\r' <"$T/tty" | sed 's/\x1b\[K//g' >"$T/progress"
	contains "progress line names the file escaped" "$T/progress" '[1/1] x\x1b[31mred\x0atotal: 99 files'
	clean "progress line" "$T/progress"
fi

"$NPSDIAG" tail --once --db "$DB" "$N.evtx" "$N.bad.evtx" >"$T/tout" 2>"$T/terr"
eq "tail exit status" "$?" 0
clean "tail stdout" "$T/tout"
clean "tail stderr" "$T/terr"
contains "tail notice escaped" "$T/terr" '\x0az.evtx: following'
contains "tail problem escaped" "$T/terr" 'npsdiag: error: '
contains "tail problem names the file escaped" "$T/terr" '\x0az.bad.evtx: not a format npsdiag reads'
finish
