#!/bin/sh
# A log that grows between runs, the way Windows grows a live .evtx (dirty
# header with stale counters, pre-extended empty chunks, a chunk header
# that lags its records, a torn last record): each ingest adds exactly the
# records written since the last one, never a torn one, never one twice.
. "$(dirname "$0")/lib.sh"
L=$T/Security.evtx
# batch N START: a description of N pairs of a 4624 (noise) and an NPS
# denial half a second later, one pair per second from START (HH:MM:SS).
batch() {
	cat <<DESC
computer NPS01.lab.example
channel Security
first-record 100
event Microsoft-Windows-Security-Auditing 6273
  guid {54849625-5478-4994-A5BA-3E3B0328C30D}
  time 2025-03-14T$2.5000000Z
  version 2
  keywords 0x8010000000000000
  data SubjectUserName = user$2@lab.example
  data FullyQualifiedSubjectUserName = LAB\\\\user
  data ReasonCode = 16
  data Reason = Authentication failed due to a user credentials mismatch.
  repeat $1 every 1s
event Microsoft-Windows-Security-Auditing 4624
  guid {54849625-5478-4994-A5BA-3E3B0328C30D}
  time 2025-03-14T$2.0000000Z
  version 2
  data TargetUserName = SYSTEM
  repeat $1 every 1s
DESC
}
n() { q "SELECT count(*) || '/' || count(DISTINCT record_id) FROM events WHERE event_id = 6273"; }

batch 10 08:00:00 > "$T/a.desc"
"$EVTXWRITE" --live -o "$L" "$T/a.desc" || fail "write live file"
ingest "$L"
eq "first run" "$rc" 0
eq "first 10" "$(n)" 10/10

batch 5 08:10:00 > "$T/b.desc"
"$EVTXWRITE" --append --stale-chunk-header -o "$L" "$T/b.desc" || fail "append"
ingest "$L"
eq "second run" "$rc" 0
eq "5 more behind a stale chunk header" "$(n)" 15/15

# A torn last record (a 6273): stored only once the writer has finished it.
batch 3 08:20:00 > "$T/c.desc"
"$EVTXWRITE" --append --torn 60 -o "$L" "$T/c.desc" || fail "append torn"
ingest "$L"
eq "torn run" "$rc" 0
eq "the two whole 6273s of the torn batch" "$(n)" 17/17
# The writer finishes the torn record, then goes on across chunk boundaries.
cat > "$T/d.desc" <<DESC
event Microsoft-Windows-Security-Auditing 6273
  guid {54849625-5478-4994-A5BA-3E3B0328C30D}
  time 2025-03-14T08:20:02.5000000Z
  version 2
  keywords 0x8010000000000000
  data SubjectUserName = user08:20:02@lab.example
  data FullyQualifiedSubjectUserName = LAB\\\\user
  data ReasonCode = 16
  data Reason = Authentication failed due to a user credentials mismatch.
DESC
batch 400 08:30:00 | tail -n +4 >> "$T/d.desc"
"$EVTXWRITE" --append -o "$L" "$T/d.desc" || fail "append over the torn record"
ingest "$L"
eq "run after the torn record was finished" "$rc" 0
eq "the finished record and 400 more across chunk boundaries" "$(n)" 418/418
eq "the finished record" "$(q "SELECT count(*) FROM events WHERE event_id = 6273 AND time_created = '2025-03-14T08:20:02.5000000Z'")" 1
eq "record ids: every other one (4624s between), none twice" "$(q "SELECT max(record_id) - min(record_id) + 1 FROM events WHERE event_id = 6273")" 835
eq "several chunks" "$(q "SELECT count(*) > 2 FROM source_chunks")" 1

ingest "$L"
eq "again: nothing new" "$(n)" 418/418
contains "again: summary" "$T/out" "(0 new"
finish
