#!/bin/sh
# libarchive, libpq and libcurl are loaded on first use (docs/internals.md,
# "Libraries loaded on use"): an ingest of an .evtx into SQLite maps none
# of them (the dynamic loader's own log, LD_DEBUG=files, names every file
# it maps), and a .gz maps libarchive (cert_fetch and the pg tests show the
# other two working when loaded). glibc only: skipped elsewhere.
. "$(dirname "$0")/lib.sh"
E=$FIX/error853/NPS01-Security.evtx
need "$E"
LD_DEBUG=files "$NPSDIAG" version >/dev/null 2>"$T/probe"
grep -q 'file=libc\.so' "$T/probe" || { echo "SKIP: no glibc loader log (LD_DEBUG)"; exit 77; }

LD_DEBUG=files "$NPSDIAG" ingest --db "$DB" "$E" >"$T/out" 2>"$T/log"
eq "evtx ingest" "$?" 0
for lib in libarchive libpq libcurl; do
	if grep -q "file=$lib\.so" "$T/log"; then fail "an .evtx ingest mapped $lib"; else ok; fi
done

gzip -c "$E" >"$T/Security.evtx.gz"
LD_DEBUG=files "$NPSDIAG" ingest --db "$T/gz.db" "$T/Security.evtx.gz" >"$T/out" 2>"$T/log"
eq "gz ingest" "$?" 0
contains "a .gz maps libarchive" "$T/log" "file=libarchive.so"
eq "the .gz's events" "$(sqlite3 "$T/gz.db" 'SELECT count(*) FROM events')" "$(q 'SELECT count(*) FROM events')"
if grep -q "file=libpq\.so" "$T/log"; then fail "a .gz ingest mapped libpq"; else ok; fi
finish
