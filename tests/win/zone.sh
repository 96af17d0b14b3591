#!/bin/sh
# --tz on Windows (src/platform/nd_localtime_win.c): UTC and fixed offsets show times and read
# --since/--until as the Linux build does, byte for byte; --local takes Windows' own zone; an IANA name,
# which Windows has no database for, is refused as on Linux an unknown zone is, each refusal saying what
# its platform takes.
. "$SRC/tests/ingest/lib.sh"
. "$SRC/tests/win/lib.sh"
need "$FIX/diagnose/NPS01-Security.evtx"
cd "$T" || exit 1
"$NPSDIAG" ingest --quiet --db l.db "$FIX"/diagnose/*.evtx >/dev/null 2>&1
"$NPSDIAG" diagnose --db l.db --format json >/dev/null
for tz in UTC +05:30 -03:00; do
	"$NPSDIAG" report --db l.db --format md --no-timestamp --tz "$tz" --since "2025-03-14 08:00" -o "l$tz.md"
	win report --db l.db --format md --no-timestamp --tz "$tz" --since "2025-03-14 08:00" -o "w$tz.md"
	eq "report --tz $tz: exit" $? 0
	same "report --tz $tz --since a local time" "w$tz.md" "l$tz.md"
done
grep -q '+05:30' "w+05:30.md" && ok || fail "report --tz +05:30 shows no +05:30 time"
win report --db l.db --format md --no-timestamp --local -o local.md 2>err
eq "report --local: exit" $? 0
contains "report --local names the zone" local.md "local time ("
"$NPSDIAG" report --db l.db --format md --tz No/Such_Zone >/dev/null 2>lerr
want=$?
win report --db l.db --format md --tz Europe/Berlin >/dev/null 2>err
eq "an IANA name refused as an unknown zone is on Linux" $? "$want"
[ "$want" -ne 0 ] || fail "the Linux build took an unknown zone"
# Each refusal offers what its own platform takes (src/platform's nd_localtime_zone_names).
contains "the Windows refusal offers local, not IANA names" err \
	"--tz 'Europe/Berlin': expected local (Windows' own zone; Windows has no IANA zone names), UTC or +HH:MM"
contains "the Linux refusal offers IANA names" lerr \
	"--tz 'No/Such_Zone': expected an IANA zone name (Europe/Berlin), UTC or +HH:MM"
win tail --tz Europe/Berlin x.evtx >/dev/null 2>err
eq "tail --tz Europe/Berlin: exit" $? 2
contains "tail's refusal too" err "npsdiag tail: --tz 'Europe/Berlin': expected local (Windows' own zone"
finish
