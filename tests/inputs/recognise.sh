#!/bin/sh
# Recognition by content (issue 12 item 5): a file's first bytes pick its
# parser whatever its name; every file no parser reads is named; ingest
# fails only when a path on the command line, or a whole directory, gives
# nothing readable; a FIFO is never opened.
. "$SRC/tests/ingest/lib.sh"
S=$FIX/error853
need "$S/NPS01-Security.evtx"

mkdir "$T/mixed"
cp "$S/NPS01-Security.evtx" "$T/mixed/security.dat"           # EVTX, odd name
"$EVTXCONVERT" xml "$S/NPS01-System.evtx" > "$T/mixed/system.evtx" # XML named .evtx
printf 'just some notes\n' > "$T/mixed/README.txt"
printf '\211PNG\r\n\032\n' > "$T/mixed/logo.png"
: > "$T/mixed/empty.log"
ingest "$T/mixed"
eq "mixed directory: exit" "$rc" 0
contains "EVTX by content" "$T/out" "$T/mixed/security.dat: 578 records"
contains "XML by content" "$T/out" "$T/mixed/system.evtx: 67 records, 2 kept"
contains "text named" "$T/err" "warning: $T/mixed/README.txt: not a format npsdiag reads; passed over"
contains "binary named" "$T/err" "warning: $T/mixed/logo.png: not a format npsdiag reads; passed over"
contains "empty named" "$T/err" "warning: $T/mixed/empty.log: empty file; passed over"
contains "passed-over files not counted" "$T/out" "total: 2 files (0 failed)"

# Named on the command line, an unreadable format is an error.
ingest "$T/mixed/README.txt" "$T/mixed/security.dat"
eq "named unreadable: exit" "$rc" 1
contains "named unreadable: error" "$T/err" "error: $T/mixed/README.txt: not a format npsdiag reads"
contains "named unreadable: not ingested" "$T/out" "$T/mixed/README.txt: not ingested"

# A directory with nothing readable is an error of its own.
mkdir "$T/junk"
printf 'a,b,c\n' > "$T/junk/table.csv"
ingest "$T/junk"
eq "junk directory: exit" "$rc" 1
contains "junk directory named" "$T/err" "$T/junk: no file in this directory is in a format npsdiag reads"
contains "junk file named" "$T/err" "$T/junk/table.csv: not a format npsdiag reads"

# XML after a UTF-8 BOM, a declaration and a comment; UTF-16BE without a BOM.
printf '\357\273\277<?xml version="1.0"?>\n<!-- exported -->\n' > "$T/bom.xml"
cat "$T/mixed/system.evtx" >> "$T/bom.xml"
ingest "$T/bom.xml"
contains "BOM, declaration, comment" "$T/out" "$T/bom.xml: 67 records, 2 kept"
if command -v iconv >/dev/null; then
	iconv -f UTF-8 -t UTF-16BE "$T/mixed/system.evtx" > "$T/be.xml"
	ingest "$T/be.xml"
	contains "UTF-16BE without BOM" "$T/out" "$T/be.xml: 67 records, 2 kept"
fi

# A FIFO named .xml in a directory is never opened (ingest would hang).
if command -v mkfifo >/dev/null; then
	mkfifo "$T/mixed/pipe.xml"
	timeout 10 "$NPSDIAG" ingest --db "$DB" "$T/mixed" >"$T/out" 2>"$T/err"
	eq "FIFO in directory: exit" "$?" 0
fi
finish
