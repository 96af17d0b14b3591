#!/bin/sh
# Archived and piped inputs on Windows (parsers/archive, nd_file_win's spool): the Error-853 scenario as a
# .zip and a .tar.gz, and on the standard input (`-`) as a .tar.gz and as bare .evtx files, which
# npsdiag.exe spools to a temporary file (GetTempFileNameW, deleted on close) as the Linux build does
# under $TMPDIR. Each: the same summary and members as the Linux build, and `diagnose --format json`
# byte for byte the Linux build's; no temporary file is left in wine's %TEMP%.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/win/lib.sh"
need "$FIX/error853/NPS01-Security.evtx" "$ARCHWRITE"
mkdir "$T/s" && cp "$FIX"/error853/*.evtx "$T/s/" || exit 1
cd "$T" || exit 1
"$ARCHWRITE" zip none e.zip s/*.evtx || fail "write e.zip"
"$ARCHWRITE" tar gzip e.tar.gz s/*.evtx || fail "write e.tar.gz"
temps() { find "$WINEPREFIX/drive_c" -iname 'nds*.tmp' 2>/dev/null | wc -l; }
before=$(temps)

# both NAME ARGS...: ingests ARGS with each build into NAME-l.db and NAME-w.db (the standard input is
# $in when set); checks the exit status, the summary line and the diagnosis.
both() {
	name=$1
	shift
	"$NPSDIAG" ingest --db "$name-l.db" "$@" <"${in:-/dev/null}" >"$name-l.out" 2>"$name-l.err"
	eq "$name: Linux exit" $? 0
	win ingest --db "$name-w.db" "$@" <"${in:-/dev/null}" >"$name-w.out" 2>"$name-w.err"
	set -- $?
	eq "$name: npsdiag.exe exit" "$1" 0
	[ "$1" -eq 0 ] || sed "s/^/  $name-w.err: /" "$name-w.err" >&2
	grep '^total:' "$name-l.out" >"$name-l.total"
	grep '^total:' "$name-w.out" >"$name-w.total"
	[ -s "$name-l.total" ] || fail "$name: no summary from the Linux build"
	same "$name: the summary" "$name-w.total" "$name-l.total"
	"$NPSDIAG" diagnose --db "$name-l.db" --format json >"$name-l.json"
	win diagnose --db "$name-w.db" --format json >"$name-w.json"
	same "$name: diagnose --format json" "$name-w.json" "$name-l.json"
}

for arc in e.zip e.tar.gz; do
	both "$arc" "$arc"
	contains "$arc: members named" "$arc-w.out" "$arc!NPS01-Security.evtx: 578 records, 8 kept (8 new"
	contains "$arc: all read" "$arc-w.out" "total: 3 files (0 failed), 764 records, 27 kept (27 new)"
done
contains "the scenario is diagnosed" e.zip-w.json revocation-check-failed

in=e.tar.gz both stdin-tgz -
contains "stdin .tar.gz: members named" stdin-tgz-w.out "-!NPS01-Security.evtx: 578 records, 8 kept (8 new"
# Bare .evtx on the standard input: spooled to a temporary file, one after the other into one database.
for f in s/*.evtx; do
	in=$f both stdin-evtx -
done
contains "stdin .evtx: read" stdin-evtx-w.out "-: 67 records, 2 kept (2 new"
eq "stdin .evtx: every event" "$(count stdin-evtx-w.db)" "$(count e.zip-w.db)"
eq "no temporary file left in wine's %TEMP%" "$(temps)" "$before"
finish
