#!/bin/sh
# Install: `cmake --install` into a prefix, the prefix moved elsewhere, and
# the moved npsdiag still finds its rules (relative to itself, no
# $NPSDIAG_RULES) from another working directory: ingest + diagnose of the
# Error-853 fixture name revocation-check-failed. Then a program built
# against the installed header and library through pkg-config opens a
# session and diagnoses through the public API. Environment: BUILD (the
# build tree), SRC, CC, CFLAGS (the sanitizer flags of the build, if any).
. "$SRC/tests/ingest/lib.sh"
need "$FIX/error853/NPS01-Security.evtx"
command -v pkg-config >/dev/null || { echo "SKIP: no pkg-config"; exit 77; }
unset NPSDIAG_RULES NPSDIAG_DB

cmake --install "$BUILD" --prefix "$T/first" >"$T/install.out" 2>&1
eq "cmake --install" "$?" 0
mv "$T/first" "$T/moved"
P=$T/moved
for f in bin/npsdiag include/npsdiag.h share/npsdiag/rules/codes/ras-error-codes.tsv; do
	if [ -e "$P/$f" ]; then ok; else fail "$f not installed"; fi
done
lib=$(find "$P" -name libnpsdiag.a)
pc=$(find "$P" -name npsdiag.pc)
if [ -n "$lib" ] && [ -n "$pc" ]; then ok; else fail "libnpsdiag.a or npsdiag.pc not installed"; fi
eq "one library" "$(find "$P" -name '*.a' | wc -l)" 1
if grep -q "$SRC/rules" "$P/bin/npsdiag"; then fail "the source tree's rules path is in the installed binary"; else ok; fi

mkdir "$T/elsewhere" && cd "$T/elsewhere" || exit 1
"$P/bin/npsdiag" ingest --db here.db "$FIX/error853" >"$T/out" 2>"$T/err"
eq "moved ingest" "$?" 0
"$P/bin/npsdiag" diagnose --db here.db --format json >"$T/diag" 2>"$T/err"
eq "moved diagnose (incidents found)" "$?" 1
contains "moved diagnose names the cause" "$T/diag" '"id":"revocation-check-failed"'
"$P/bin/npsdiag" explain 853 >"$T/explain" 2>"$T/err"
contains "moved explain finds the code tables" "$T/explain" "ERROR_EAP_USER_CERT_INVALID"

PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
flags=$(pkg-config --cflags --libs --static npsdiag)
eq "pkg-config" "$?" 0
# shellcheck disable=SC2086 # flags are words
"$CC" $CFLAGS -o "$P/bin/api_demo" "$SRC/tests/api/api_demo.c" $flags 2>"$T/cc.err"
if [ $? -eq 0 ]; then ok; else fail "api_demo does not build against the installed library:"; cat "$T/cc.err" >&2; fi
"$P/bin/api_demo" api.db "$FIX/error853" >"$T/api.json" 2>"$T/api.err"
if [ $? -eq 0 ]; then ok; else fail "api_demo:"; cat "$T/api.err" >&2; fi
contains "api_demo diagnosed through the API" "$T/api.json" '"id":"revocation-check-failed"'
finish
