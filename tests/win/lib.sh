# Shared helpers of the wine tests (sourced after tests/ingest/lib.sh). The environment gives
# NPSDIAG_WIN_EXE, WINE and WINEPREFIX besides NPSDIAG, EVTXWRITE and SRC (tests/win.cmake).
export WINEPREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
[ -x "$WINE" ] || { echo "SKIP: no wine at $WINE"; exit 77; }
[ -f "$NPSDIAG_WIN_EXE" ] || { fail "no $NPSDIAG_WIN_EXE"; finish; }

# One wineserver for the whole test, kept 60 s after its last client. The one wine starts by itself
# quits as the last program ends (Debian's wrapper gives it -p0), and a program starting just then may
# find it going away ("a wine server seems to be running, but I cannot connect to it": wine's status 1).
# A server already running is kept; wineboot (prefix.sh) makes the prefix in the folder made here.
mkdir -p "$WINEPREFIX"
"${WINE%/*}/wineserver" -p60 </dev/null >/dev/null 2>&1

# The rules from the same relative path on both sides: a diagnosis names the rule file it used.
cp -R "$SRC/rules" "$T/rules"
export NPSDIAG_RULES=rules

# win ARGS...: runs npsdiag.exe under wine (in the current directory, which wine maps to Z:); its exit
# status is npsdiag.exe's, 3 for an abort, which also fails the test: exit status 3 (npsdiag.exe's handler
# of a fatal exception, nd_console_win.c, or the C runtime's abort()), or wine's own report of one (an
# exception before the handler, or an older npsdiag.exe: wine then gives the low byte of the exception's
# code as the status, 0 for a function wine lacks). The standard error is kept in $T/win.err and goes on
# once the program has ended: after its standard output, the same order every run when both go to one file
# (a copy through a pipe could come out before or after lines of the standard output).
win() {
	"$WINE" "$NPSDIAG_WIN_EXE" "$@" 2>"$T/win.err"
	win_rc=$?
	cat "$T/win.err" >&2
	if [ "$win_rc" -eq 3 ] || grep -q '^wine: \(Unhandled\|Unimplemented function\|Call from\)' "$T/win.err"; then
		[ "${WIN_MAY_ABORT:-}" = 1 ] || fail "npsdiag.exe $1 aborted: $(grep -m 1 '^npsdiag: fatal\|^wine: ' "$T/win.err")"
		return 3
	fi
	return "$win_rc"
}
# win_may_abort ARGS...: win for a call that may meet a function wine lacks (an abort is no failure).
win_may_abort() {
	WIN_MAY_ABORT=1
	win "$@"
	set -- $?
	WIN_MAY_ABORT=
	return "$1"
}
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
