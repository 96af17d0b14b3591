#!/bin/sh
# A FIFO named on the command line (or found in a directory) never hangs
# ingest or tail (issue 9 item 7): ingest names it and exits at once with
# status 1; a FIFO inside a directory is never opened, so a directory holding
# only a FIFO yields nothing readable, which is named (status 1, issue 12);
# tail names it once and goes on.
. "$SRC/tests/ingest/lib.sh"
command -v mkfifo >/dev/null || { echo "SKIP: no mkfifo"; exit 77; }
mkfifo "$T/pipe.evtx"
mkdir "$T/dir" && mkfifo "$T/dir/inner.evtx"

start=$(date +%s)
timeout 10 "$NPSDIAG" ingest --db "$DB" "$T/pipe.evtx" >"$T/out" 2>"$T/err"
eq "ingest of a FIFO: exit status" "$?" 1
contains "ingest names the FIFO" "$T/err" "$T/pipe.evtx: not a regular file (a FIFO)"

timeout 10 "$NPSDIAG" ingest --db "$DB" "$T/dir" >"$T/out" 2>"$T/err"
eq "ingest of a directory holding a FIFO: exit status" "$?" 1
contains "nothing read from it" "$T/out" "total: 0 files"
contains "the directory named" "$T/err" "$T/dir: no file in this directory is in a format npsdiag reads"

timeout 10 "$NPSDIAG" tail --once --db "$DB" "$T/pipe.evtx" >"$T/out" 2>"$T/err"
eq "tail --once of a FIFO: exit status" "$?" 0
contains "tail names the FIFO" "$T/err" "$T/pipe.evtx: not a regular file"
elapsed=$(( $(date +%s) - start ))
if [ "$elapsed" -lt 8 ]; then ok; else fail "FIFO runs took ${elapsed}s"; fi
finish
