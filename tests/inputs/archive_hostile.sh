#!/bin/sh
# Hostile archives (issue 12 item 4, docs/inputs.md): bombs stop at the
# limits with the archive named, the members before them kept; member names
# that climb out of a folder or hold control characters are printed escaped
# and never used as paths; encrypted members are named and skipped;
# truncated and corrupt archives name the archive and member, the members
# before kept; archives nested too deep, a 7z on the standard input and an
# archive holding nothing readable are named.
. "$SRC/tests/ingest/lib.sh"
S=$FIX/error853
need "$S/CLIENT01-Application.evtx" "$S/NPS01-Security.evtx" "$S/NPS01-System.evtx" "$ARCHWRITE"
mkdir "$T/tmp" "$T/a" "$T/a/sub"
TMPDIR=$T/tmp
export TMPDIR
A=$T/a

python3 - "$A" "$S" <<'PY' || fail "python could not write the hostile archives"
import gzip, io, sys, zipfile
a, s = sys.argv[1], sys.argv[2]
sec = open(s + "/NPS01-Security.evtx", "rb").read()
sysl = open(s + "/NPS01-System.evtx", "rb").read()
many = b"A" * (1 << 20)
# A gzip bomb: 100 MiB of one letter, about 1000 times smaller.
with gzip.open(a + "/bomb.gz", "wb", 9) as g:
    for _ in range(100):
        g.write(many)
# A zip whose second member is a bomb that looks like an .evtx (so that
# it is read, spooled: a member passed over in a zip is skipped without
# being inflated): the first member is kept.
with zipfile.ZipFile(a + "/bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("NPS01-Security.evtx", sec)
    with z.open("bomb.evtx", "w") as m:
        m.write(sec[:4096])
        for _ in range(100):
            m.write(many)
# Names that climb out of a folder, with an escape sequence.
with zipfile.ZipFile(a + "/sub/names.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("../../evil.evtx", sysl)
    z.writestr("/etc/\x1b[31mred.evtx", sysl)
    z.writestr("notes.txt", "collected on NPS01\n")
# Encrypted members: the flag a zip encrypter sets (libarchive reads it
# from the local and central headers), beside a plain member.
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
    z.writestr("secret.evtx", sec)
    z.writestr("NPS01-System.evtx", sysl)
data = bytearray(buf.getvalue())
for sig, flag in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
    i = data.find(sig)  # the first member's headers
    data[i + flag] |= 1
open(a + "/enc.zip", "wb").write(bytes(data))
# A gzip that is not one past its magic.
open(a + "/corrupt.gz", "wb").write(b"\x1f\x8b\x08\x00" + b"not deflate data at all" * 40)
# A zip without members, and a gzip of text no parser reads.
open(a + "/empty.zip", "wb").write(b"PK\x05\x06" + b"\0" * 18)
with gzip.open(a + "/notes.gz", "wb") as g:
    g.write(b"collected on NPS01\n")
PY

# Bombs.
ingest "$A/bomb.gz"
eq "gz bomb: exit" "$rc" 1
contains "gz bomb: stopped" "$T/err" "bomb.gz: the archive expands more than 500 times its compressed size (a zip bomb?)"
DB=$T/bomb.db
ingest "$A/bomb.zip"
eq "zip bomb: exit" "$rc" 1
contains "zip bomb: member named" "$T/err" "bomb.zip!bomb.evtx: the archive expands more than 500 times"
contains "zip bomb: the member before kept" "$T/out" "bomb.zip!NPS01-Security.evtx: 578 records, 8 kept (8 new"
eq "zip bomb: stored" "$(q "SELECT count(*) FROM events")" 8

# Names are text: printed escaped, stored as the source's name, never a path.
DB=$T/names.db
ingest "$A/sub/names.zip"
eq "names: exit" "$rc" 0
contains "names: climbing name read" "$T/out" "names.zip!../../evil.evtx: 67 records, 2 kept (2 new"
contains "names: escape shown escaped" "$T/out" 'names.zip!/etc/\x1b[31mred.evtx: 67 records, 2 kept (0 new'
if grep -q "$(printf '\033')" "$T/out" "$T/err"; then fail "names: a raw escape character was printed"; else ok; fi
contains "names: other file passed over" "$T/err" "names.zip!notes.txt: not a format npsdiag reads; passed over"
eq "names: nothing written outside" "$(ls -A "$T" | grep -c evil)" 0
eq "names: sources" "$(q "SELECT count(*) FROM sources WHERE path LIKE '%names.zip!../../evil.evtx'")" 1

# Encrypted members.
DB=$T/enc.db
ingest "$A/enc.zip"
eq "encrypted: exit" "$rc" 1
contains "encrypted: named" "$T/err" "enc.zip!secret.evtx: encrypted, skipped (decrypt the archive first)"
contains "encrypted: counted" "$T/out" "enc.zip!secret.evtx: not ingested"
contains "encrypted: the plain member read" "$T/out" "enc.zip!NPS01-System.evtx: 67 records, 2 kept (2 new"

# Truncated: cut inside the second member of a tar.gz and of a zip.
"$ARCHWRITE" tar gzip "$A/e.tar.gz" "$S/CLIENT01-Application.evtx" "$S/NPS01-Security.evtx" || fail "write tar.gz"
"$ARCHWRITE" zip none "$A/e.zip" "$S/CLIENT01-Application.evtx" "$S/NPS01-Security.evtx" || fail "write zip"
for arc in e.tar.gz e.zip; do
	head -c 20000 "$A/$arc" > "$A/cut-$arc"
	DB=$T/cut-$arc.db
	ingest "$A/cut-$arc"
	eq "cut $arc: exit" "$rc" 1
	contains "cut $arc: the first member kept" "$T/out" "cut-$arc!CLIENT01-Application.evtx: 119 records, 17 kept (17 new"
	contains "cut $arc: the member named" "$T/err" "npsdiag: error: $A/cut-$arc!NPS01-Security.evtx: "
	contains "cut $arc: the archive named, after which member" "$T/err" "(after member NPS01-Security.evtx)"
	eq "cut $arc: stored" "$(q "SELECT count(*) FROM events WHERE channel = 'Application'")" 17
done

# Corrupt, empty, nothing readable.
DB=$T/other.db
ingest "$A/corrupt.gz"
eq "corrupt: exit" "$rc" 1
contains "corrupt: named" "$T/err" "npsdiag: error: $A/corrupt.gz"
ingest "$A/empty.zip"
eq "empty zip: exit" "$rc" 1
contains "empty zip: named" "$T/err" "empty.zip: no member of this archive is in a format npsdiag reads"
ingest "$A/notes.gz"
eq "notes.gz: exit" "$rc" 1
contains "notes.gz: member passed over" "$T/err" "notes.gz!notes: not a format npsdiag reads; passed over"

# Nesting: four archives deep, the innermost is not opened.
"$ARCHWRITE" zip none "$A/n1.zip" "$S/NPS01-System.evtx" || fail "write n1"
"$ARCHWRITE" zip none "$A/n2.zip" "$A/n1.zip" || fail "write n2"
"$ARCHWRITE" tar gzip "$A/n3.tgz" "$A/n2.zip" || fail "write n3"
"$ARCHWRITE" zip none "$A/n4.zip" "$A/n3.tgz" || fail "write n4"
DB=$T/nest.db
ingest "$A/n3.tgz"
eq "three deep: exit" "$rc" 0
contains "three deep: read" "$T/out" "n3.tgz!n2.zip!n1.zip!NPS01-System.evtx: 67 records"
ingest "$A/n4.zip"
eq "four deep: exit" "$rc" 1
contains "four deep: named" "$T/err" "n4.zip!n3.tgz!n2.zip!n1.zip: an archive nested 3 levels deep, skipped"

# 7z needs random access: refused on the standard input, with a reason.
"$ARCHWRITE" 7z none "$A/e.7z" "$S/NPS01-System.evtx" || fail "write 7z"
cat "$A/e.7z" | "$NPSDIAG" ingest --db "$DB" - >"$T/out" 2>"$T/err"
eq "7z on stdin: exit" "$?" 1
contains "7z on stdin: named" "$T/err" "npsdiag: error: -"

eq "no temporary file left behind" "$(ls -A "$T/tmp")" ""
finish
