#!/bin/sh
# `explain` in npsdiag.exe under wine: the rules found beside the executable, the same text as the
# Linux build's for client codes (decimal, hex) and NPS reason codes, and the same refusal of garbage.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/win/lib.sh"
# Each program's own rules, beside it (explain prints no rule path).
unset NPSDIAG_RULES
for args in "0x800B0109" "13801" "reason 16" "reason 258" "853"; do
	# shellcheck disable=SC2086
	win explain $args >"$T/w" 2>&1
	wrc=$?
	# shellcheck disable=SC2086
	"$NPSDIAG" explain $args >"$T/l" 2>&1
	eq "explain $args: exit status" "$wrc" "$?"
	same "explain $args" "$T/w" "$T/l"
done
contains "explain 853 under wine names the error" "$T/w" "ERROR_EAP_USER_CERT_INVALID"
win explain no-such-code >"$T/w" 2>&1
eq "explain of garbage fails" "$?" 2
finish
