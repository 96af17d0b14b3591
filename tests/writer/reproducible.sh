#!/bin/sh
# Every fixture under tests/fixtures is what evtxwrite makes of the
# description beside it, byte for byte: edit the .desc, regenerate with
# tools/make-fixtures.sh, commit both.
. "$SRC/tests/ingest/lib.sh"
n=0
for desc in "$SRC"/tests/fixtures/*/*.desc; do
	evtx=${desc%.desc}.evtx
	"$EVTXWRITE" -o "$T/out.evtx" "$desc" || { fail "$desc: evtxwrite failed"; continue; }
	if cmp -s "$T/out.evtx" "$evtx"; then ok; else fail "$evtx differs from what $desc gives (run tools/make-fixtures.sh)"; fi
	n=$((n + 1))
done
if [ "$n" -ge 7 ]; then ok; else fail "only $n fixtures found"; fi
finish
