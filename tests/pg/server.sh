#!/bin/sh
# A throw-away PostgreSQL server for the pg tests (a ctest fixture):
#   server.sh start DIR   initdb in DIR/data, listen on a Unix socket in DIR only
#   server.sh stop DIR    stop it and remove DIR
# Exits 77 (skip) when Debian's PostgreSQL binaries are absent. initdb
# refuses to run as root, so as root the server runs as `nobody` in a
# directory made for it. Clients connect with
# postgresql:///npsdiag?host=DIR (see env.sh).
set -u
cmd=$1
dir=$2
bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
	echo "skipped: PostgreSQL server binaries not installed (apt-get install postgresql)"
	exit 77
fi
as() {
	if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}
case $cmd in
start)
	rm -rf "$dir"
	mkdir -p "$dir" || exit 1
	[ "$(id -u)" = 0 ] && chown nobody "$dir"
	as "$bin/initdb" -A trust -U postgres -D "$dir/data" > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
	as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c max_connections=50" \
		start > /dev/null || { cat "$dir/server.log"; exit 1; }
	as "$bin/createdb" -h "$dir" -U postgres npsdiag || exit 1
	echo "PostgreSQL $("$bin/postgres" -V | sed 's/^[^0-9]*\([0-9.]*\).*/\1/') at $dir"
	;;
restart)
	# -l again: without it the restarted server logs nowhere, and pg_retry,
	# which reads the serialization failures out of server.log, fails
	# whenever ctest runs it after pg_restart
	as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart > /dev/null
	;;
stop)
	[ -d "$dir/data" ] && as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop > /dev/null
	rm -rf "$dir"
	;;
esac
