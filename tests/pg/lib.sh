# Shared helpers of the pg tests (sourced after tests/ingest/lib.sh): a
# fresh database on the fixture's server, in $PG (a libpq URI without
# password), and pq SQL to query it.
[ -S "$PGDIR/.s.PGSQL.5432" ] || { echo "SKIP: no PostgreSQL server (pg_server_start skipped)"; exit 77; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
# newdb NAME: (re)creates database NAME and sets PG to its URI.
newdb() {
	"$PGBIN/dropdb" -h "$PGDIR" -U postgres --if-exists "$1" && "$PGBIN/createdb" -h "$PGDIR" -U postgres "$1" ||
		{ echo "cannot create database $1"; exit 1; }
	PG="postgresql:///$1?host=$PGDIR&user=postgres"
	PGNAME=$1
}
# pq SQL: runs a query on the test's PostgreSQL database.
pq() { "$PGBIN/psql" -h "$PGDIR" -U postgres -d "$PGNAME" -qtAX -c "$1"; }
