#!/bin/sh
# Compressed and archived inputs (issue 12 item 4, docs/inputs.md): the
# Error-853 scenario as zip, 7z, tar (plain, gzip, bzip2, xz, zstd) and as
# single compressed files is stored as from its .evtx, member by member
# ("ARCHIVE!MEMBER"), and gives the same diagnosis; ingesting an archive
# again, or the loose .evtx after it, stores nothing twice; an archive in an
# archive, XML and JSON members, the standard input; spooled EVTX members
# leave no temporary file behind.
. "$SRC/tests/ingest/lib.sh"
S=$FIX/error853
need "$S/CLIENT01-Application.evtx" "$S/NPS01-Security.evtx" "$S/NPS01-System.evtx" "$ARCHWRITE"
mkdir "$T/tmp"
TMPDIR=$T/tmp
export TMPDIR

# snapshot DB: what must be equal whatever the input was.
snapshot() {
	sqlite3 -batch -noheader "$1" "SELECT provider, event_id, computer, channel, record_id, time_created, version
		FROM events ORDER BY 1, 2, 3, 4, 5; SELECT * FROM client_failures ORDER BY ts;
		SELECT * FROM nps_decisions ORDER BY ts;"
}
# same WHAT DB: checks DB's events and diagnosis against the .evtx ones.
same() {
	snapshot "$2" > "$T/got.snap"
	if cmp -s "$T/evtx.snap" "$T/got.snap"; then ok; else fail "$1: stored events differ"; diff "$T/evtx.snap" "$T/got.snap" | head >&2; fi
	"$NPSDIAG" diagnose --db "$2" --format json > "$T/got.json"
	if cmp -s "$T/evtx.json" "$T/got.json"; then ok; else fail "$1: diagnosis differs"; diff "$T/evtx.json" "$T/got.json" | head >&2; fi
}

DB=$T/evtx.db
ingest "$S"
eq "evtx ingest" "$rc" 0
snapshot "$DB" > "$T/evtx.snap"
"$NPSDIAG" diagnose --db "$DB" --format json > "$T/evtx.json"
contains "the scenario is diagnosed" "$T/evtx.json" revocation-check-failed

A=$T/a
mkdir "$A"
"$ARCHWRITE" zip none "$A/e.zip" "$S"/*.evtx || fail "write zip"
"$ARCHWRITE" 7z none "$A/e.7z" "$S"/*.evtx || fail "write 7z"
"$ARCHWRITE" tar none "$A/e.tar" "$S"/*.evtx || fail "write tar"
for z in gzip bzip2 xz zstd; do
	"$ARCHWRITE" tar $z "$A/e.tar.$z" "$S"/*.evtx || fail "write tar $z"
done
for arc in e.zip e.7z e.tar e.tar.gzip e.tar.bzip2 e.tar.xz e.tar.zstd; do
	DB=$T/$arc.db
	ingest "$A/$arc"
	eq "$arc: exit" "$rc" 0
	contains "$arc: members named" "$T/out" "$A/$arc!NPS01-Security.evtx: 578 records, 8 kept (8 new"
	contains "$arc: all read" "$T/out" "total: 3 files (0 failed), 764 records, 27 kept (27 new), 737 skipped, 0 errors"
	same "$arc" "$DB"
done

# Each log compressed on its own: the member is named after the file.
for z in gzip bzip2 xz zstd; do
	mkdir "$A/$z"
	for f in "$S"/*.evtx; do
		"$ARCHWRITE" raw $z "$A/$z/$(basename "$f").$z" "$f" || fail "write $z"
	done
	DB=$T/$z.db
	ingest "$A/$z"
	eq "$z: exit" "$rc" 0
	contains "$z: all read" "$T/out" "total: 3 files (0 failed), 764 records, 27 kept (27 new)"
	same "$z" "$DB"
done
mv "$A/gzip/NPS01-Security.evtx.gzip" "$A/gzip/NPS01-Security.evtx.gz"
ingest "$A/gzip/NPS01-Security.evtx.gz"
contains "gz: the member is the file without .gz" "$T/out" "NPS01-Security.evtx.gz!NPS01-Security.evtx: 578 records"

# Idempotency: the archive again, the loose .evtx after it, the archive
# after the loose .evtx: nothing is stored twice.
DB=$T/e.zip.db
ingest "$A/e.zip"
contains "zip again: its chunks are known" "$T/out" "e.zip!NPS01-Security.evtx: 0 records, 0 kept (0 new, 0 already stored), 0 skipped, 0 errors, 7 chunks unchanged"
ingest "$S"
contains "loose after zip: nothing new" "$T/out" "27 kept (0 new)"
DB=$T/evtx.db
ingest "$A/e.tar.xz"
contains "tar.xz after loose: nothing new" "$T/out" "27 kept (0 new)"
eq "one source per member" "$(q "SELECT count(*) FROM sources WHERE path LIKE '%e.tar.xz!%'")" 3
eq "stored once" "$(q "SELECT count(*) FROM events")" 27

# The content decides, not the name; an archive in a folder is read.
mkdir "$T/folder"
cp "$A/e.tar.zstd" "$T/folder/logs.bin"
DB=$T/folder.db
ingest "$T/folder"
eq "folder: exit" "$rc" 0
same "archive found in a folder" "$DB"

# An archive in an archive: a zip holding a tar.gz and a .gz.
"$ARCHWRITE" zip none "$A/nest.zip" "$A/e.tar.gzip" "$A/gzip/NPS01-Security.evtx.gz" || fail "write nest.zip"
DB=$T/nest.db
ingest "$A/nest.zip"
eq "nested: exit" "$rc" 0
contains "nested: tar.gz members" "$T/out" "nest.zip!e.tar.gzip!NPS01-Security.evtx: 578 records, 8 kept (8 new"
contains "nested: gz member" "$T/out" "nest.zip!NPS01-Security.evtx.gz!NPS01-Security.evtx: 578 records, 8 kept (0 new"
same "nested" "$DB"

# Members in the other formats: event XML and ECS JSON lines, in a tar.xz.
mkdir "$T/conv"
for f in "$S"/*.evtx; do
	b=$(basename "$f" .evtx)
	"$EVTXCONVERT" xml "$f" > "$T/conv/$b.xml" || fail "convert $f"
	"$EVTXCONVERT" ecs "$f" > "$T/conv/$b.jsonl" || fail "convert $f"
done
"$ARCHWRITE" tar xz "$A/text.tar.xz" "$T/conv"/*.xml "$T/conv"/*.jsonl || fail "write text.tar.xz"
DB=$T/text.db
ingest "$A/text.tar.xz"
eq "text members: exit" "$rc" 0
contains "text members: xml" "$T/out" "text.tar.xz!NPS01-Security.xml: 578 records, 8 kept (8 new"
contains "text members: json" "$T/out" "text.tar.xz!NPS01-Security.jsonl: 578 records, 8 kept (0 new"
same "text members" "$DB"

# The standard input: an archive, and a bare .evtx (spooled like a member).
DB=$T/stdin.db
cat "$A/e.tar.bzip2" | "$NPSDIAG" ingest --db "$DB" - >"$T/out" 2>"$T/err"
eq "stdin archive: exit" "$?" 0
contains "stdin archive: members named" "$T/out" "-!NPS01-Security.evtx: 578 records, 8 kept (8 new"
same "stdin archive" "$DB"
DB=$T/stdin-evtx.db
for f in "$S"/*.evtx; do
	cat "$f" | "$NPSDIAG" ingest --db "$DB" - >"$T/out" 2>"$T/err" || fail "stdin evtx $f"
done
contains "stdin evtx: read" "$T/out" "-: 67 records, 2 kept (2 new"
same "stdin evtx" "$DB"

eq "no temporary file left behind" "$(ls -A "$T/tmp")" ""
finish
