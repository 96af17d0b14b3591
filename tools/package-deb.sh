#!/bin/sh
# Builds the Debian package from a plain Release build (not the sanitizer
# build), installs it with dpkg -i, runs the installed program from
# /usr/bin (explain 853, the Error-853 demo, the man page, the bash
# completion) and removes it again. CI runs it from `tools/setup.sh test`.
#   tools/package-deb.sh [BUILD_DIR]   (default build-deb/)
# Installing needs root: otherwise the package is built and the install
# check is skipped, saying so.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build-deb}

cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DNPSDIAG_TESTS=OFF >/dev/null
cmake --build "$dir" -j2 >/dev/null
rm -f "$dir"/npsdiag_*.deb
(cd "$dir" && cpack -G DEB >/dev/null)
deb=$(ls "$dir"/npsdiag_*.deb)
echo "package-deb: built $deb"
dpkg-deb --contents "$deb" > "$dir/contents.txt"
grep -q ' ./usr/share/npsdiag/rules/codes/ras-error-codes.tsv$' "$dir/contents.txt" ||
	{ echo "package-deb: the rules are not in the package" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
	echo "package-deb: not root: skipping the dpkg -i install check"
	exit 0
fi
if dpkg-query -W -f='${Status}' npsdiag 2>/dev/null | grep -q "install ok installed"; then
	echo "package-deb: npsdiag is installed already; not replacing it: skipping the install check"
	exit 0
fi

tmp=$(mktemp -d)
cleanup() { dpkg -r npsdiag >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
dpkg -i "$deb" >/dev/null
unset NPSDIAG_RULES NPSDIAG_DB
fail() { echo "package-deb: FAIL: $*" >&2; exit 1; }
cd "$tmp"
/usr/bin/npsdiag explain 853 > explain.txt || fail "npsdiag explain 853 exited $?"
grep -q "revocation-check-failed" explain.txt || fail "explain 853 does not name revocation-check-failed"
/usr/bin/npsdiag ingest --quiet --db demo.db "$top"/tests/fixtures/error853/*.evtx || fail "ingest exited $?"
rc=0
/usr/bin/npsdiag diagnose --db demo.db > diagnose.txt || rc=$?
[ "$rc" -eq 1 ] || fail "diagnose exited $rc, want 1 (incidents found)"
grep -q "revocation-check-failed" diagnose.txt || fail "the demo diagnosis does not name revocation-check-failed"
/usr/bin/npsdiag report --db demo.db -o demo.html || fail "report exited $?"
grep -q "NPS could not check revocation" demo.html || fail "the demo report lacks the cause"
[ -f /usr/share/man/man1/npsdiag.1 ] || fail "no man page"
grep -q '^\.SS diagnose' /usr/share/man/man1/npsdiag.1 || fail "the man page lacks diagnose"
[ -f /usr/share/bash-completion/completions/npsdiag ] || fail "no bash completion"
[ -f /usr/include/npsdiag.h ] || fail "no public header"
echo "package-deb: installed, ran explain 853 and the demo from /usr/bin, removed: ok"
