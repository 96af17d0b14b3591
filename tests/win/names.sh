#!/bin/sh
# File names npsdiag.exe must take from the command line and from a directory walk: non-ASCII (Latin,
# Greek, CJK, an emoji outside the BMP), spaces, absolute Z:\ paths with backslashes and a path longer
# than MAX_PATH (260). The source name is stored as UTF-8. Without --db, run from the system directory
# (a service), the database goes to %ProgramData%\npsdiag.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/win/lib.sh"
S=$FIX/error853/NPS01-Security.evtx
need "$S"
cd "$T" || exit 1
"$NPSDIAG" ingest --quiet --db "$T/linux.db" "$S" >/dev/null
want=$(count "$T/linux.db")

nonascii="Journal données ΝΠΣ 日本 😀.evtx"
cp "$S" "$nonascii"
win ingest --quiet --db one.db "$nonascii" >/dev/null 2>err || { fail "non-ASCII name"; cat err >&2; }
eq "non-ASCII name: events" "$(count one.db)" "$want"
eq "non-ASCII name: stored as UTF-8" "$(sqlite3 -batch -noheader one.db "SELECT count(*) FROM sources WHERE path LIKE '%日本 😀.evtx'")" 1

mkdir -p "Ordner ü/Ελληνικά"
cp "$S" "Ordner ü/Ελληνικά/Sécurité.evtx"
win ingest --quiet --db walk.db "Ordner ü" >/dev/null 2>err || { fail "non-ASCII directory"; cat err >&2; }
eq "non-ASCII directory walk: events" "$(count walk.db)" "$want"

# Z:\...\file with backslashes: wine maps Z: to /.
winpath="Z:$(pwd | tr / '\\')\\Ordner ü\\Ελληνικά\\Sécurité.evtx"
win ingest --quiet --db abs.db "$winpath" >/dev/null 2>err || { fail "absolute Windows path"; cat err >&2; }
eq "absolute Windows path: events" "$(count abs.db)" "$want"

long=$(printf 'a-rather-long-folder-name-for-the-test-%02d/' 1 2 3 4 5 6 7)
mkdir -p "$long"
cp "$S" "${long}Security.evtx"
[ "$(printf '%s' "$(pwd)/${long}Security.evtx" | wc -c)" -gt 260 ] || fail "the long path is not longer than 260"
win ingest --quiet --db long.db "${long}Security.evtx" >/dev/null 2>err || { fail "long path"; cat err >&2; }
eq "path longer than MAX_PATH: events" "$(count long.db)" "$want"

# No --db, started in the system directory as a service or a SYSTEM task is: the database goes to
# %ProgramData%\npsdiag.
unset NPSDIAG_DB
cp "$S" "$T/svc.evtx"
(cd "$WINEPREFIX/drive_c/windows/system32" && NPSDIAG_RULES="Z:$T/rules" win ingest --quiet "$T/svc.evtx") >/dev/null 2>err || { fail "ingest from system32"; cat err >&2; }
eq "default database of a service" "$(count "$WINEPREFIX/drive_c/ProgramData/npsdiag/npsdiag.db")" "$want"
rm -rf "$WINEPREFIX/drive_c/ProgramData/npsdiag"
[ ! -e "$WINEPREFIX/drive_c/windows/system32/npsdiag.db" ] || fail "a database was written to system32"

"$NPSDIAG" ingest --quiet --db missing-l.db "nicht da ü.evtx" >/dev/null 2>&1
want=$?
win ingest --quiet --db missing.db "nicht da ü.evtx" >/dev/null 2>err
eq "a missing file fails as on Linux" "$?" "$want"
[ "$want" -ne 0 ] || fail "the Linux build did not fail on a missing file"
contains "a missing file is named in UTF-8" err "nicht da ü.evtx"
finish
