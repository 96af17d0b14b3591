# Shared helpers of the wine tests (sourced after tests/ingest/lib.sh). The environment gives
# NPSDIAG_WIN_EXE, WINE and WINEPREFIX besides NPSDIAG, EVTXWRITE and SRC (tests/win.cmake).
export WINEPREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
[ -x "$WINE" ] || { echo "SKIP: no wine at $WINE"; exit 77; }
[ -f "$NPSDIAG_WIN_EXE" ] || { fail "no $NPSDIAG_WIN_EXE"; finish; }

# The rules from the same relative path on both sides: a diagnosis names the rule file it used.
cp -R "$SRC/rules" "$T/rules"
export NPSDIAG_RULES=rules

# win ARGS...: runs npsdiag.exe under wine (in the current directory, which wine maps to Z:).
win() { "$WINE" "$NPSDIAG_WIN_EXE" "$@"; }
# win_bg ARGS... &: the same as a background job whose $! is wine itself, so that a `kill -9 $!` kills
# npsdiag.exe. A background `win ... &` is a subshell that waits for wine: killing it leaves wine running
# on, still holding the database's lock.
win_bg() { exec "$WINE" "$NPSDIAG_WIN_EXE" "$@"; }
# same WHAT FILE1 FILE2: checks that two outputs are byte-identical.
same() {
	if cmp -s "$2" "$3"; then ok; else
		fail "$1: $2 and $3 differ"
		diff "$2" "$3" | head -n 20 >&2
	fi
}
# count DB: the events in a database.
count() { sqlite3 -batch -noheader "$1" "SELECT count(*) FROM events"; }
