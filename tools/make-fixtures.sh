#!/bin/sh
# Regenerates every tests/fixtures/*/*.evtx from the .desc beside it with
# evtxwrite (build it first: cmake --build build). The test
# writer_reproducible checks that the committed files are what this gives.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
w=${EVTXWRITE:-$top/build/tools/evtxwrite}
[ -x "$w" ] || { echo "make-fixtures: $w not built (cmake --build build)" >&2; exit 1; }
for desc in "$top"/tests/fixtures/*/*.desc; do
	"$w" -o "${desc%.desc}.evtx" "$desc"
	echo "${desc%.desc}.evtx"
done
