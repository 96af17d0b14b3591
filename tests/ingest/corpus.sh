#!/bin/sh
# Every real-world file in ../shared/corpus/real is read without a crash or
# sanitizer report; each file gets a summary line, and the records found
# match what libevtx 20181227 can list (MANIFEST.tsv). Skips without the corpus.
. "$(dirname "$0")/lib.sh"
C=$SHARED/corpus
need "$C/MANIFEST.tsv" "$C/real"

ingest "$C/real"
# 1 = some inputs had problems (the corpus is dirty on purpose); 2 would be a failure of npsdiag.
if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then ok; else fail "exit status $rc"; cat "$T/err" >&2; fi
if grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$T/err"; then fail "sanitizer report"; cat "$T/err" >&2; else ok; fi
files=$(tail -n +2 "$C/MANIFEST.tsv" | wc -l)
eq "a summary line per file" "$(grep -c "^$C/real/.*: [0-9]* records, " "$T/out")" "$files"
contains "a total line" "$T/out" "total: $files files"
eq "sources rows" "$(q "SELECT count(*) FROM sources")" "$files"
# Every problem names its file.
if grep -v "^npsdiag: \(error\|warning\): $C/real/" "$T/err" | grep -q .; then fail "a message does not name its file"; cat "$T/err" >&2; else ok; fi

# Records walked >= records libevtx parses normally, for every file.
tail -n +2 "$C/MANIFEST.tsv" | while IFS="	" read -r file size sha repo path commit lic ok_n unparsed rec_ok rec_unparsed; do
	got=$(q "SELECT records FROM sources WHERE path = '$C/$file'")
	if [ "${got:-0}" -ge "$ok_n" ]; then echo ok; else echo "FAIL: $file: $got records walked, libevtx lists $ok_n" >&2; fi
done > "$T/cmp"
eq "records found vs libevtx" "$(grep -c '^ok$' "$T/cmp")" "$files"

# Bad chunk signature named with its offset.
contains "bad chunk reported" "$T/err" "sample_with_a_bad_chunk_magic.evtx: chunk at offset 0x61000: bad signature"
finish
