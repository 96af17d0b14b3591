#!/bin/sh
# npsdiag.exe with the PostgreSQL backend under wine: a URI with a password is refused with a pointer
# to .pgpass and the password printed nowhere; then, over TCP to a throw-away server on 127.0.0.1 (wine
# has no Unix sockets), the exe ingests a fixture and its diagnosis is the Linux build's of the same
# database, byte for byte. Skipped (77) when Debian's PostgreSQL server binaries are absent.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/win/lib.sh"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] && [ -x "$bin/initdb" ] || { echo "SKIP: PostgreSQL server binaries not installed"; exit 77; }
cd "$T" || exit 1
win ingest --db "postgresql://postgres:s3cretpw@127.0.0.1/npsdiag" "$FIX/diagnose/NPS01-Security.evtx" >out 2>err
eq "password refused: exit" $? 2
contains "points to .pgpass" err ".pgpass"
if grep -q s3cretpw err out; then fail "the password is printed"; else ok; fi

# initdb refuses to run as root: as root the server runs as nobody.
as() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
mkdir pg && { [ "$(id -u)" != 0 ] || { chmod 711 "$T" && chown nobody pg; }; }
port=$((20000 + $$ % 20000))
as "$bin/initdb" -A trust -U postgres -D pg/data >pg/initdb.log 2>&1 || { cat pg/initdb.log; fail "initdb"; finish; }
as "$bin/pg_ctl" -D pg/data -l pg/server.log -w -t 60 -o "-c listen_addresses=127.0.0.1 -p $port \
	-c unix_socket_directories='$T/pg' -c fsync=off" start >/dev/null || { cat pg/server.log; fail "server"; finish; }
trap 'as "$bin/pg_ctl" -D "$T/pg/data" -m immediate -w stop >/dev/null; rm -rf "$T"' EXIT
"$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres npsdiag || fail "createdb"
uri="postgresql://postgres@127.0.0.1:$port/npsdiag"
win ingest --quiet --db "$uri" "$FIX"/diagnose/*.evtx >out 2>err
eq "wine ingest into PostgreSQL over TCP: exit" $? 0
"$NPSDIAG" ingest --quiet --db linux.db "$FIX"/diagnose/*.evtx >/dev/null 2>&1
eq "events" "$("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d npsdiag -qtAX -c "SELECT count(*) FROM events")" \
	"$(count linux.db)"
win diagnose --db "$uri" --format json >w.json 2>err
rc=$?
"$NPSDIAG" diagnose --db "$uri" --format json >l.json
eq "wine diagnose from PostgreSQL: exit as on Linux (1: incidents)" "$rc" $?
same "diagnose --format json of the same database" w.json l.json
finish
