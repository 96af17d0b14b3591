#!/bin/sh
# The same fixtures ingested into SQLite and into PostgreSQL give the same
# `diagnose --format json` (but for the generation time) and the same
# reports; ingesting them again adds nothing.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/pg/lib.sh"
for set in diagnose enterprise; do
	newdb "nd_same_$set"
	rm -f "$DB"
	"$NPSDIAG" ingest --db "$DB" "$FIX/$set"/*.evtx > /dev/null 2>&1
	"$NPSDIAG" ingest --db "$PG" "$FIX/$set"/*.evtx > "$T/out" 2> "$T/err" || { fail "$set: ingest"; cat "$T/err" >&2; }
	"$NPSDIAG" ingest --db "$PG" "$FIX/$set"/*.evtx > /dev/null 2>&1 || fail "$set: ingest again"
	eq "$set: events" "$(pq "SELECT count(*) FROM events")" "$(q "SELECT count(*) FROM events")"
	eq "$set: fields" "$(pq "SELECT count(*) FROM event_fields")" "$(q "SELECT count(*) FROM event_fields")"
	eq "$set: views" "$(pq "SELECT count(*) FROM client_failures") $(pq "SELECT count(*) FROM nps_decisions")" \
		"$(q "SELECT count(*) FROM client_failures") $(q "SELECT count(*) FROM nps_decisions")"
	"$NPSDIAG" diagnose --db "$DB" --format json | sed 's/"generated":"[^"]*",//' > "$T/lite.json"
	"$NPSDIAG" diagnose --db "$PG" --format json 2> "$T/err" | sed 's/"generated":"[^"]*",//' > "$T/pg.json"
	[ -s "$T/pg.json" ] || { fail "$set: diagnose"; cat "$T/err" >&2; }
	if cmp -s "$T/lite.json" "$T/pg.json"; then ok; else fail "$set: diagnose json differs"; diff "$T/lite.json" "$T/pg.json" | head -c 2000 >&2; fi
	for f in csv md; do
		"$NPSDIAG" report --db "$DB" --format $f --no-timestamp -o "$T/lite.$f"
		"$NPSDIAG" report --db "$PG" --format $f --no-timestamp -o "$T/pg.$f" 2> "$T/err" || { fail "$set: report $f"; cat "$T/err" >&2; }
		if cmp -s "$T/lite.$f" "$T/pg.$f"; then ok; else fail "$set: report $f differs"; diff "$T/lite.$f" "$T/pg.$f" | head -20 >&2; fi
	done
done
finish
