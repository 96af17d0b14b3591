#!/bin/sh
# Every table and column of the database is named in docs/*.md.
. "$(dirname "$0")/lib.sh"
need "$FIX/error853"
ingest "$FIX/error853"
eq "ingest" "$rc" 0
for t in $(q "SELECT name FROM sqlite_schema WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' ORDER BY 1"); do
	if grep -q "\`$t\`" "$SRC"/docs/*.md; then ok; else fail "table $t is not documented in docs/"; fi
	for c in $(q "SELECT name FROM pragma_table_info('$t')"); do
		if grep -q "\`$c\`" "$SRC"/docs/*.md || grep -qw "$c" "$SRC"/docs/*.md; then ok; else fail "column $t.$c is not documented in docs/"; fi
	done
done
finish
