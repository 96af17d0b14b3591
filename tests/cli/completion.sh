#!/bin/bash
# The bash completion (tools/completion/npsdiag.bash) completes commands,
# each command's options as its --help lists them, --cause ids from
# `npsdiag causes`, and the --format values each command accepts.
set -u
. "$SRC/tools/completion/npsdiag.bash"
passed=0
failed=0
# complete WORDS...: completes the last word; sets REPLY to the sorted candidates.
complete_words() {
	COMP_WORDS=("$NPSDIAG" "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	_npsdiag
	REPLY=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
}
# has WHAT WORD: checks that WORD is a candidate.
has() {
	case " $REPLY" in
	*" $2 "*) passed=$((passed + 1)) ;;
	*) echo "FAIL: $1: '$2' not in: $REPLY" >&2; failed=$((failed + 1)) ;;
	esac
}
# eq WHAT GOT WANT: checks equality.
eq() { if [ "$2" = "$3" ]; then passed=$((passed + 1)); else echo "FAIL: $1: got '$2', want '$3'" >&2; failed=$((failed + 1)); fi; }

complete_words di
eq "commands" "$REPLY" "diagnose "
complete_words ""
has "all commands" causes
has "all commands" explain
complete_words diagnose --us
eq "diagnose options" "$REPLY" "--user --user-regex "
complete_words report --lo
eq "report --local" "$REPLY" "--local "
complete_words diagnose --cause revocation-check
has "--cause ids" revocation-check-failed
has "--cause ids" revocation-check-failed-any-client-error
complete_words report --format ""
eq "report formats" "$REPLY" "csv html json md "
complete_words explain ""
eq "explain words" "$REPLY" "event reason "
complete_words diagnose --tz Europe/Berl
has "--tz zones" Europe/Berlin
complete_words ingest --tz E
eq "ingest --tz: no zone names (it takes UTC or an offset)" "$REPLY" " "
complete_words tail --t
eq "tail --tz" "$REPLY" "--tz "
# Each command's --format words are the ones the program accepts: those its
# error for a bad --format lists.
for cmd in diagnose report tail causes cert; do
	want=$("$NPSDIAG" $cmd --format '?' x 2>&1 | sed -n "s/.*expected //p" | tr -d ',' | sed 's/ or / /' | tr ' ' '\n' |
		sort | tr '\n' ' ')
	complete_words $cmd --format ""
	eq "$cmd --format words" "$REPLY" "$want"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
