#!/bin/sh
# SQLite stays behind the store's nd_db API: no C source or header outside
# src/store (tests/ and tools/ aside) includes <sqlite3.h> or calls
# sqlite3_*, and inside src/store only the SQLite backend (nd_db_sqlite.c
# and its WAL checkpointer, nd_db_sqlite_ckpt.[ch]) does. Prints the
# offending lines and fails when one does.
#   sqlite_confined.sh SOURCE_DIR
set -eu
top=$1
cd "$top"
bad=$(find . -path ./tests -prune -o -path ./tools -prune -o -path './build*' -prune -o -path ./.git -prune -o \
	\( -name '*.c' -o -name '*.h' \) -print |
	grep -vE '^\./src/store/(nd_db_sqlite\.c|nd_db_sqlite_ckpt\.[ch])$' |
	xargs grep -nE '#[[:space:]]*include[[:space:]]*[<"]sqlite3\.h[>"]|\bsqlite3_[a-z0-9_]+[[:space:]]*\(' || true)
# The check can fail: the backend itself must be found by the same pattern.
grep -qE '#[[:space:]]*include[[:space:]]*<sqlite3\.h>' src/store/nd_db_sqlite.c || { echo "sqlite_confined: the pattern misses nd_db_sqlite.c"; exit 1; }
if [ -n "$bad" ]; then
	echo "SQLite used outside its backend (use nd_db.h):"
	echo "$bad"
	exit 1
fi
echo "sqlite_confined: ok"
