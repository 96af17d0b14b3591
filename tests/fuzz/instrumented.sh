#!/bin/sh
# The fuzz build instruments the code under test, not only the harness
# (issue 9 item 3): the walk target must see the coverage points of the
# EVTX layer (~460; the harness file alone has ~20).
#   instrumented.sh FUZZ_WALK_LIBFUZZER MIN
d=$(mktemp -d "${TMPDIR:-/tmp}/npsdiag-fuzz.XXXXXX")
trap 'rm -rf "$d"' EXIT
n=$("$1" -runs=0 "$d" 2>&1 | sed -n 's/.*Loaded 1 modules *(\([0-9]*\) inline 8-bit counters).*/\1/p')
echo "coverage points: ${n:-none} (at least $2 wanted)"
[ -n "$n" ] && [ "$n" -ge "$2" ]
