#!/bin/sh
# A broken description is refused with file:line and what is wrong, and
# no output is left half-written.
. "$SRC/tests/ingest/lib.sh"
# bad NAME EXPECTED-MESSAGE: writes $T/NAME.desc from stdin, expects failure with the message.
bad() {
	cat > "$T/$1.desc"
	if "$EVTXWRITE" -o "$T/$1.evtx" "$T/$1.desc" 2>"$T/err"; then fail "$1: accepted"; else ok; fi
	contains "$1 message" "$T/err" "$T/$1.desc:$2"
	if [ -e "$T/$1.evtx" ]; then fail "$1: a half-written $1.evtx was left"; else ok; fi
}
printf 'computer H\nchannel C\nevent RasClient\n  time 2025-01-01T00:00:00Z\n' | bad no-id "3: event needs PROVIDER and an EVENTID"
printf 'computer H\nchannel C\nevent RasClient 20227\n  time yesterday\n' | bad bad-time '4: '
printf 'computer H\nchannel C\nevent RasClient 20227\n  time 2025-01-01T00:00:00Z\n  data X:u32 = many\n' | bad bad-u32 '5: '
printf 'computer H\nchannel C\nevent RasClient 20227\n  time 2025-01-01T00:00:00Z\n  frobnicate 1\n' | bad unknown-key '5: '
printf 'computer H\nchannel C\nevent RasClient 20227\n  time 2025-01-01T00:00:00Z\n  data = a\\q\n' | bad bad-escape '5: '
printf 'computer H\nchannel C\nevent RasClient 70000\n  time 2025-01-01T00:00:00Z\n' | bad big-id '3: '
printf 'computer H\nchannel C\nevent P 1\n  guid {54849625-5478-4994-A5BA-3E3B0328C30D}\n  time 2025-01-01T00:00:00Z\n  data Sid:sid = S-1-x\n' | bad bad-sid '3: data Sid: "S-1-x" does not fit its type'
printf 'computer H\nchannel C\nevent P 1\n  time 2025-01-01T00:00:00Z\n  user nobody\n' | bad bad-user '3: user "nobody" is not a SID'
printf 'computer H\nchannel C\nevent P 11\n  time 2025-01-01T00:00:00Z\n  userdata Root\n  data @a = 1\n' | bad userdata-root-attr '6: userdata data are named A/B, A/B/@attr or A/+B/@attr'
printf 'computer H\nchannel C\nevent P 11\n  time 2025-01-01T00:00:00Z\n  userdata Root\n  data A//B = 1\n' | bad userdata-empty-segment '6: userdata data are named'
printf 'computer H\nchannel C\nevent P 11\n  time 2025-01-01T00:00:00Z\n  userdata A/B\n' | bad userdata-root-path '5: userdata needs the name of the payload element'
if "$EVTXWRITE" -o "$T/x.evtx" "$T/does-not-exist.desc" 2>"$T/err"; then fail "missing file accepted"; else ok; fi
contains "missing file named" "$T/err" "does-not-exist.desc"
finish
