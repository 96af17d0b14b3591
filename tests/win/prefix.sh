#!/bin/sh
# Makes the wine prefix the other wine tests share, and checks that npsdiag.exe runs in it.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/win/lib.sh"
"$WINE" wineboot --init >"$T/boot" 2>&1
eq "wineboot" "$?" 0
win version >"$T/version"
eq "npsdiag.exe version" "$?" 0
"$NPSDIAG" version >"$T/linux"
same "the same version" "$T/version" "$T/linux"
finish
