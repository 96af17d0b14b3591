#!/bin/sh
# A PostgreSQL database whose default collation is not byte order (ICU
# "en", or en_US.UTF-8 from the C library: what most installations
# have) diagnoses as SQLite does. The analysis looks computer names up by
# binary search and merges dials by host and CoId in byte order (strcmp);
# under "en", `ORDER BY computer` puts a-b, ab, vpn_a, VPN-B, Vpn.c in
# another order (case and punctuation weigh less), so lookups missed.
# The hosts: the Error-853 scenario's client log under five names that
# order differently, its NPS log under two, every name in both orders.
# Also: every text column of the schema, the result tables too, is
# COLLATE "C", and so are the text columns of the views, the computed ones
# too (event_fields.name, nps_decisions.decision); the migration to version 9
# gives an existing database's columns that collation (its indexes still used for ORDER BY
# computer), and the one to version 13 the computed columns of its event views.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/pg/lib.sh"
PGNAME=nd_collate
"$PGBIN/dropdb" -h "$PGDIR" -U postgres --if-exists $PGNAME
if ! "$PGBIN/createdb" -h "$PGDIR" -U postgres --template=template0 --locale-provider=icu --icu-locale=en \
	--locale=C.UTF-8 $PGNAME 2> "$T/err"; then
	loc=$(locale -a | grep -i '^en_US\.utf-\?8$' | head -n 1)
	[ -n "$loc" ] || { echo "SKIP: the server has neither ICU ($(cat "$T/err")) nor an en_US.UTF-8 locale"; exit 77; }
	"$PGBIN/createdb" -h "$PGDIR" -U postgres --template=template0 --locale="$loc" $PGNAME || exit 1
fi
PG="postgresql:///$PGNAME?host=$PGDIR&user=postgres"
# the premise: the database orders these names otherwise than bytes do
names="VPN-B vpn_a Vpn.c a-b ab"
eq "a collation that is not byte order" \
	"$(pq "SELECT string_agg(n, ' ' ORDER BY n) FROM unnest(string_to_array('$names', ' ')) n")" "a-b ab vpn_a VPN-B Vpn.c"
for h in $names; do
	sed "s/^computer .*/computer $h/" "$FIX/error853/CLIENT01-Application.desc" > "$T/$h.desc"
	"$EVTXWRITE" -o "$T/$h.evtx" "$T/$h.desc" || fail "evtxwrite $h"
done
for h in nps-01 NPS_02; do
	sed "s/^computer .*/computer $h/" "$FIX/error853/NPS01-Security.desc" > "$T/$h.desc"
	"$EVTXWRITE" -o "$T/$h.evtx" "$T/$h.desc" || fail "evtxwrite $h"
done
"$NPSDIAG" ingest --db "$DB" "$T"/*.evtx > /dev/null 2>&1 || fail "ingest into SQLite"
"$NPSDIAG" ingest --db "$PG" "$T"/*.evtx > /dev/null 2> "$T/err" || { fail "ingest into PostgreSQL"; cat "$T/err" >&2; }
# same_diagnosis WHAT: diagnose --format json and report --format csv of
# PostgreSQL are SQLite's.
same_diagnosis() {
	"$NPSDIAG" diagnose --db "$DB" --format json | sed 's/"generated":"[^"]*",//' > "$T/lite.json"
	"$NPSDIAG" diagnose --db "$PG" --format json 2> "$T/err" | sed 's/"generated":"[^"]*",//' > "$T/pg.json"
	[ -s "$T/pg.json" ] || { fail "$1: diagnose"; cat "$T/err" >&2; }
	if cmp -s "$T/lite.json" "$T/pg.json"; then ok; else
		fail "$1: diagnose json differs from SQLite's"
		tr ',' '\n' < "$T/lite.json" > "$T/lite.lines"
		tr ',' '\n' < "$T/pg.json" > "$T/pg.lines"
		diff "$T/lite.lines" "$T/pg.lines" | head -20 >&2
	fi
	"$NPSDIAG" report --db "$DB" --format csv --no-timestamp -o "$T/lite.csv"
	"$NPSDIAG" report --db "$PG" --format csv --no-timestamp -o "$T/pg.csv" 2> "$T/err" || fail "$1: report"
	if cmp -s "$T/lite.csv" "$T/pg.csv"; then ok; else fail "$1: report csv differs"; diff "$T/lite.csv" "$T/pg.csv" | head -10 >&2; fi
}
same_diagnosis "new database"
# text columns not byte-ordered: none, in the tables of the schema and the result tables, nor in
# the views (incident_facts' name and value, event_fields.name, which come out of JSON, and
# nps_decisions.decision, a CASE of literals, say COLLATE "C").
notc="SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
	JOIN pg_collation l ON l.oid = a.attcollation
	WHERE c.relnamespace = current_schema()::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
	AND (c.relkind = 'r' OR c.relname IN ('incident_facts', 'incident_keys', 'event_fields', 'nps_decisions',
	'client_failures')) AND l.collname <> 'C' AND c.relname <> 'other_app'"
eq "every text column byte-ordered" "$(pq "$notc")" 0
# computed_byte_order WHAT: the computed text columns of the event views
# order and compare bytes (under "en", NASIdentifier comes first and
# 'denied' < 'Z').
computed_byte_order() {
	eq "$1: event_fields.name in byte order" "$(pq "SELECT string_agg(name, ' ' ORDER BY name)
		FROM (SELECT DISTINCT name FROM event_fields WHERE name LIKE 'NASI%') d")" \
		"NASIPv4Address NASIPv6Address NASIdentifier"
	eq "$1: nps_decisions.decision compared byte by byte" \
		"$(pq "SELECT count(*) FROM nps_decisions WHERE decision < 'Z'") $(pq "SELECT count(*) > 0 FROM nps_decisions")" "0 t"
}
computed_byte_order "new database"
# an older database: its text columns in the database's collation (its
# views in the way of a change of collation), schema version 8
pq "DROP VIEW event_fields; DROP VIEW client_failures; DROP VIEW nps_decisions; DROP VIEW incident_keys; DROP VIEW incident_facts" > /dev/null
pq "SELECT format('ALTER TABLE %I ALTER COLUMN %I TYPE text COLLATE \"default\";', table_name, column_name)
	FROM information_schema.columns WHERE table_schema = current_schema() AND data_type = 'text'" > "$T/alter.sql"
"$PGBIN/psql" -h "$PGDIR" -U postgres -d $PGNAME -qtAX -v ON_ERROR_STOP=1 -f "$T/alter.sql" > /dev/null ||
	fail "back to the database's collation"
pq "UPDATE meta SET value = '8' WHERE key = 'schema_version'" > /dev/null
# another application's table in the same schema, with a view on it: left as it is
pq "CREATE TABLE other_app(name text); CREATE VIEW other_view AS SELECT name FROM other_app" > /dev/null
[ "$(pq "$notc")" -gt 50 ] && ok || fail "the old layout: text columns in the database's collation"
"$NPSDIAG" ingest --db "$DB" "$FIX/error853/NPS01-Security.evtx" > /dev/null 2>&1
"$NPSDIAG" ingest --db "$PG" "$FIX/error853/NPS01-Security.evtx" > /dev/null 2> "$T/err" || { fail "ingest after"; cat "$T/err" >&2; }
same_diagnosis "migrated database"
eq "migrated to version 13" "$(pq "SELECT value FROM meta WHERE key = 'schema_version'")" 13
eq "migrated: every text column byte-ordered" "$(pq "$notc")" 0
computed_byte_order "migrated database"
# the three event views, incident_keys and incident_facts (made by diagnose) and other_view
eq "the views made again" "$(pq "SELECT count(*) FROM pg_views WHERE schemaname = current_schema()")" 6
eq "another application's column keeps its collation" \
	"$(pq "SELECT l.collname FROM pg_attribute a JOIN pg_collation l ON l.oid = a.attcollation
		WHERE a.attrelid = 'other_app'::regclass AND a.attname = 'name'")" default
# a version 12 database: the computed columns of its event views in the
# database's collation, as the previous npsdiag made them
for v in event_fields nps_decisions; do
	def=$(pq "SELECT pg_get_viewdef('$v')" | sed 's/ COLLATE "C"//')
	pq "DROP VIEW $v; CREATE VIEW $v AS $def" > /dev/null || fail "$v as version 12 made it"
done
pq "UPDATE meta SET value = '12' WHERE key = 'schema_version'" > /dev/null
[ "$(pq "$notc")" = 2 ] && ok || fail "version 12: two computed columns in the database's collation"
"$NPSDIAG" ingest --db "$PG" "$FIX/error853/NPS01-Security.evtx" > /dev/null 2> "$T/err" || { fail "ingest after 12"; cat "$T/err" >&2; }
eq "migrated from 12 to 13" "$(pq "SELECT value FROM meta WHERE key = 'schema_version'")" 13
eq "migrated from 12: every text column byte-ordered" "$(pq "$notc")" 0
computed_byte_order "migrated from 12"
same_diagnosis "migrated from 12"
pq "SET enable_seqscan = off; EXPLAIN SELECT DISTINCT computer FROM events ORDER BY 1" > "$T/plan"
if grep -q "Index Only Scan using events_computer_channel_record_id_ts_key" "$T/plan" && ! grep -q "Sort" "$T/plan"; then ok; else
	fail "ORDER BY computer does not read the unique index in order"
	cat "$T/plan" >&2
fi
finish
