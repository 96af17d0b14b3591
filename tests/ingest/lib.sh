# Shared helpers of the ingest tests (sourced). The environment gives
# NPSDIAG, EVTXWRITE, SRC and SHARED (see tests/ingest.cmake).
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/npsdiag-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
DB=$T/test.db
FIX=$SRC/tests/fixtures
passed=0
failed=0

# fail MSG: records a failed check.
fail() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }
# ok: records a passed check.
ok() { passed=$((passed + 1)); }
# eq WHAT GOT WANT: checks equality.
eq() { if [ "$2" = "$3" ]; then ok; else fail "$1: got '$2', want '$3'"; fi; }
# contains WHAT FILE TEXT: checks that FILE contains TEXT.
contains() { if grep -qF -- "$3" "$2"; then ok; else fail "$1: '$3' not in $2:"; sed 's/^/    /' "$2" >&2; fi; }
# q SQL: runs a query on the test database.
q() { sqlite3 -batch -noheader "$DB" "$1"; }
# ingest ARGS...: runs npsdiag ingest into the test database; sets rc, out, err files.
ingest() {
	"$NPSDIAG" ingest --db "$DB" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
# The fixtures whose ingest by an older npsdiag the schema-vN.sql dumps
# hold (paths from the source tree), for the migrate_vN tests.
MIGRATE_FIXTURES="tests/fixtures/error853/CLIENT01-Application.evtx tests/fixtures/error853/NPS01-Security.evtx
 tests/fixtures/error853/NPS01-System.evtx tests/fixtures/capi2/NPS01-CAPI2.evtx tests/fixtures/nasty/NPS03-nasty.evtx
 tests/fixtures/layouts/CLIENT02-Application.evtx tests/fixtures/layouts/NPS02-Security.evtx
 tests/fixtures/layouts/VPN02-System.evtx"
# same_as_new_ingest [FORMAT...]: ingests $FILES (from $SRC) into $NEW and
# checks that it diagnoses as $DB did ($T/migrated.json, written before) and
# that `report --format FORMAT` of both is the same, the time it was made aside.
same_as_new_ingest() {
	(cd "$SRC" && "$NPSDIAG" ingest --quiet --db "$NEW" $FILES) || fail "ingest of the same files"
	"$NPSDIAG" diagnose --db "$NEW" --format json >"$T/new.json" 2>"$T/err"
	if cmp -s "$T/migrated.json" "$T/new.json"; then ok; else fail "diagnose --format json differs from a new ingest"; fi
	for f in "$@"; do
		"$NPSDIAG" report --db "$DB" --format $f -o "$T/migrated.$f" 2>"$T/err" || fail "report --format $f, migrated"
		"$NPSDIAG" report --db "$NEW" --format $f -o "$T/new.$f" 2>"$T/err" || fail "report --format $f, new"
		for r in migrated new; do
			sed -E 's/([Gg]enerated[^0-9]{0,8})[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/\1/g' "$T/$r.$f" >"$T/$r.$f.x"
		done
		if [ -s "$T/new.$f" ] && cmp -s "$T/migrated.$f.x" "$T/new.$f.x"; then ok; else fail "report --format $f differs"; fi
	done
}
# need FILE...: skips the test (exit 77) when a fixture is missing.
need() { for f in "$@"; do [ -e "$f" ] || { echo "SKIP: $f is missing"; exit 77; }; done; }
# finish: prints the tally and exits with the test's status.
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }
