#!/bin/sh
# Ingesting the same files again adds nothing; a copy of a file under
# another name adds nothing either; the second run skips unchanged chunks.
. "$(dirname "$0")/lib.sh"
S=$FIX/error853
need "$S/NPS01-Security.evtx"

ingest "$S"
eq "first run" "$rc" 0
n1=$(q "SELECT count(*) || '/' || (SELECT count(*) FROM event_fields) FROM events")
ingest "$S"
eq "second run" "$rc" 0
eq "same events and fields after a second run" "$(q "SELECT count(*) || '/' || (SELECT count(*) FROM event_fields) FROM events")" "$n1"
contains "second run reads nothing again" "$T/out" "chunks unchanged"
contains "second run: nothing new" "$T/out" "(0 new"

mkdir "$T/copy" && cp "$S/NPS01-Security.evtx" "$T/copy/renamed-forwarded.evtx"
ingest "$T/copy"
eq "copy run" "$rc" 0
eq "same events after ingesting a copy" "$(q "SELECT count(*) || '/' || (SELECT count(*) FROM event_fields) FROM events")" "$n1"
contains "copy: recognized as stored" "$T/out" "already stored"
finish
