#!/bin/sh
# libevtx, libbfio, libarchive, libpq, libcurl and libcrypto are loaded on
# first use (docs/internals.md, "Libraries loaded on use"): an ingest of an
# .evtx that our decoder reads into SQLite and a diagnose without
# certificates map none of them (the dynamic loader's own log,
# LD_DEBUG=files, names every file it maps), `--decoder libevtx` maps
# libevtx and libbfio, a .gz libarchive, a certificate libcrypto (cert_fetch
# and the pg tests show libcurl and libpq working when loaded). glibc only:
# skipped elsewhere.
. "$(dirname "$0")/lib.sh"
E=$FIX/error853/NPS01-Security.evtx
need "$E"
LD_DEBUG=files "$NPSDIAG" version >/dev/null 2>"$T/probe"
grep -q 'file=libc\.so' "$T/probe" || { echo "SKIP: no glibc loader log (LD_DEBUG)"; exit 77; }

LD_DEBUG=files "$NPSDIAG" ingest --db "$DB" "$E" >"$T/out" 2>"$T/log"
eq "evtx ingest" "$?" 0
for lib in libevtx libbfio libarchive libpq libcurl libcrypto; do
	if grep -q "file=$lib\.so" "$T/log"; then fail "an .evtx ingest mapped $lib"; else ok; fi
done
LD_DEBUG=files "$NPSDIAG" ingest --decoder libevtx --db "$T/libevtx.db" "$E" >"$T/out" 2>"$T/log"
eq "evtx ingest with libevtx" "$?" 0
contains "--decoder libevtx maps libevtx" "$T/log" "file=libevtx.so"
contains "--decoder libevtx maps libbfio" "$T/log" "file=libbfio.so"
eq "libevtx's events" "$(sqlite3 "$T/libevtx.db" 'SELECT count(*) FROM events')" "$(q 'SELECT count(*) FROM events')"
# A libevtx that is there but cannot be loaded (here: not a library) is named with its own reason,
# not the next name's, and the ingest fails with the file named, storing nothing.
mkdir "$T/badlib"
printf 'not a library' >"$T/badlib/libevtx.so.1"
printf 'not a library' >"$T/badlib/libevtx.so"
LD_LIBRARY_PATH="$T/badlib" "$NPSDIAG" ingest --decoder libevtx --db "$T/bad.db" "$E" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -ne 0 ] && ok || fail "--decoder libevtx without a loadable libevtx: exit status 0"
contains "the library named" "$T/err" "need libevtx.so.1, which cannot be loaded"
contains "its own reason" "$T/err" "badlib/libevtx.so.1"
contains "the file named" "$T/err" "NPS01-Security.evtx"
eq "nothing stored" "$(sqlite3 "$T/bad.db" 'SELECT count(*) FROM events' 2>/dev/null || echo 0)" 0
LD_DEBUG=files "$NPSDIAG" diagnose --db "$DB" >"$T/out" 2>"$T/log"
[ "$?" -le 1 ] && ok || fail "diagnose failed"
if grep -q "file=libcrypto\.so" "$T/log"; then fail "a diagnose without certificates mapped libcrypto"; else ok; fi
if command -v readelf >/dev/null; then
	for lib in libcrypto libevtx libbfio; do
		if readelf -d "$NPSDIAG" | grep NEEDED | grep -q $lib; then fail "npsdiag needs $lib"; else ok; fi
	done
fi

gzip -c "$E" >"$T/Security.evtx.gz"
LD_DEBUG=files "$NPSDIAG" ingest --db "$T/gz.db" "$T/Security.evtx.gz" >"$T/out" 2>"$T/log"
eq "gz ingest" "$?" 0
contains "a .gz maps libarchive" "$T/log" "file=libarchive.so"
eq "the .gz's events" "$(sqlite3 "$T/gz.db" 'SELECT count(*) FROM events')" "$(q 'SELECT count(*) FROM events')"
if grep -q "file=libpq\.so" "$T/log"; then fail "a .gz ingest mapped libpq"; else ok; fi

if command -v openssl >/dev/null; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=lazy -days 2 \
		-keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null || fail "openssl req"
	LD_DEBUG=files "$NPSDIAG" cert "$T/cert.pem" >"$T/out" 2>"$T/log"
	[ "$?" -le 1 ] && ok || fail "cert failed"
	contains "a certificate maps libcrypto" "$T/log" "file=libcrypto.so"
	contains "the certificate read" "$T/out" "CN=lazy"
fi
finish
