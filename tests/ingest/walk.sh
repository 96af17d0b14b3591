#!/bin/sh
# The directory walk (issue 9, item 13): a symbolic link to an .evtx file is
# followed; everything skipped is named through the problem messages. Errors
# (exit status 1), as they may hide a log: a dangling *.evtx link, a link
# loop, a directory deeper than 32 levels, a path longer than 4096 bytes, an
# entry that cannot be examined. Warnings: a link to a directory (not
# followed), a FIFO named *.evtx, a dangling link of another name. The logs
# around them are read.
. "$(dirname "$0")/lib.sh"
S=$FIX/error853
need "$S/CLIENT01-Application.evtx" "$S/NPS01-Security.evtx"
mkdir -p "$T/in/sub" "$T/elsewhere/dir"
cp "$S/CLIENT01-Application.evtx" "$T/in/a-plain.evtx"
cp "$S/NPS01-Security.evtx" "$T/elsewhere/target.evtx"
cp "$S/NPS01-Security.evtx" "$T/elsewhere/dir/in-linked-dir.evtx"
ln -s ../elsewhere/target.evtx "$T/in/b-link.evtx"
ln -s ../elsewhere/none.evtx "$T/in/c-dangling.evtx"
ln -s d-loop2.evtx "$T/in/d-loop1.evtx"
ln -s d-loop1.evtx "$T/in/d-loop2.evtx"
ln -s ../elsewhere/dir "$T/in/e-linked-dir"
mkfifo "$T/in/f-fifo.evtx"
ln -s ../elsewhere/none "$T/in/g-dangling-not-a-log"

# 33 levels below the named directory; the log at the bottom is skipped.
d=$T/in/deep
i=0
while [ $i -lt 33 ]; do d=$d/$i; i=$((i + 1)); done
mkdir -p "$d"
cp "$S/CLIENT01-Application.evtx" "$d/deep.evtx"

# A path over 4096 bytes: directories of 200-byte names, made one level at a
# time (the whole path is too long for mkdir -p).
long=$(printf '%0200d' 0)
mkdir "$T/in/long"
(
	cd "$T/in/long" || exit 1
	i=0
	while [ $i -lt 20 ]; do mkdir "$long" && cd "$long" || exit 1; i=$((i + 1)); done
	cp "$S/CLIENT01-Application.evtx" "$long.evtx"
)

ingest "$T/in"
eq "exit status with skipped logs" "$rc" 1
contains "the plain log is read" "$T/out" "$T/in/a-plain.evtx:"
contains "the linked log is read" "$T/out" "$T/in/b-link.evtx:"
contains "dangling link named" "$T/err" "$T/in/c-dangling.evtx: a dangling symbolic link, skipped"
contains "link loop named" "$T/err" "$T/in/d-loop1.evtx: a symbolic link: Too many levels of symbolic links, skipped"
contains "linked directory named" "$T/err" "$T/in/e-linked-dir: a symbolic link to a directory (not followed), skipped"
contains "FIFO named" "$T/err" "$T/in/f-fifo.evtx: not a regular file, skipped"
contains "a dangling link of any name is named" "$T/err" "$T/in/g-dangling-not-a-log: a dangling symbolic link, skipped"
# in/deep is level 1, in/deep/31 level 33.
contains "deep directory named" "$T/err" \
	"$T/in/deep/0/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/18/19/20/21/22/23/24/25/26/27/28/29/30/31: a directory nested deeper than 32 levels, skipped"
contains "long path named" "$T/err" "the path is longer than 4096 bytes, at entry: $long.evtx, skipped"
eq "the linked directory's log was not read" "$(q "SELECT count(*) FROM sources WHERE path LIKE '%in-linked-dir%'")" 0
eq "logs read: plain and linked" "$(q "SELECT count(*) FROM sources")" 2

# An entry that cannot be examined: a directory that may be listed but not
# searched (as an unprivileged user when run as root).
mkdir "$T/perm" && cp "$S/CLIENT01-Application.evtx" "$T/perm/x.evtx"
chmod 444 "$T/perm"
chmod 777 "$T"
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$NPSDIAG" ingest --db "$T/perm.db" "$T/perm" \
			>"$T/out" 2>"$T/err"
		rc=$?
	else
		rc=skip
	fi
else
	"$NPSDIAG" ingest --db "$T/perm.db" "$T/perm" >"$T/out" 2>"$T/err"
	rc=$?
fi
chmod 755 "$T/perm"
if [ "$rc" != skip ]; then
	eq "unexaminable entry exit" "$rc" 1
	contains "unexaminable entry named" "$T/err" "$T/perm/x.evtx: cannot read the entry: Permission denied, skipped"
fi
finish
