#!/bin/sh
# Every layout of tests/fixtures/layouts is read by field name: 6273 in
# versions 1 (27 fields) and 2 (26), 6272 v2, 6274 v0, a 6273 with its
# fields shuffled; 20227 error codes in decimal, negative and hex forms;
# 20220 and 20226; RemoteAccess 20271 with its code in <Binary>; NPS 4402
# and 13.
. "$(dirname "$0")/lib.sh"
S=$FIX/layouts
need "$S/NPS02-Security.evtx" "$S/CLIENT02-Application.evtx" "$S/VPN02-System.evtx"

ingest "$S"
eq "exit status" "$rc" 0
a() { q "SELECT $1 FROM nps_audit_events a JOIN events e ON e.id = a.event_ref WHERE $2"; }

eq "6273 v1: 27 fields" "$(q "SELECT count(*) FROM event_fields f JOIN events e ON e.id = f.event_ref WHERE e.event_id = 6273 AND e.version = 1")" 27
eq "6273 v1 by name" "$(a "subject_user_name || '|' || fq_subject_user_name || '|' || machine_inventory || '|' || reason_code || '|' || account_session_identifier" "e.version = 1")" \
	'erin@corp.example|CORP\erin|10.0.22631 x64|258|3332'
eq "6273 v2: 26 fields" "$(q "SELECT count(*) FROM event_fields f JOIN events e ON e.id = f.event_ref WHERE e.event_id = 6273 AND e.version = 2 AND e.record_id = (SELECT min(record_id) FROM events WHERE event_id = 6273 AND version = 2)")" 26
eq "6273 v2 by name (no MachineInventory)" \
	"$(a "coalesce(machine_inventory, 'NULL') || '|' || authentication_type || '|' || calling_station_id || '|' || reason_code || '|' || logging_result" "e.version = 2 AND a.subject_user_name = 'frank'")" \
	'NULL|PAP|198.51.100.200|16|Accounting information was written to the local log file.'
eq "6272 v2 grant" "$(q "SELECT decision || '|' || subject_user_name || '|' || coalesce(reason_code, 'NULL') FROM nps_decisions WHERE event_id = 6272")" \
	'granted|host/LAPTOP7.corp.example|NULL'
eq "6272 quarantine state" "$(a "quarantine_state" "e.event_id = 6272")" 'Full Access'
eq "6274 discarded" "$(q "SELECT decision || '|' || reason_code || '|' || subject_user_name FROM nps_decisions WHERE event_id = 6274")" \
	'discarded|9|gina@corp.example'
eq "shuffled 6273 by name" \
	"$(a "subject_user_name || '|' || fq_subject_user_name || '|' || reason_code || '|' || nas_identifier || '|' || coalesce(machine_inventory, 'NULL')" "a.subject_user_name LIKE 'hank%'")" \
	'hank@corp.example|CORP\hank|48|VPN02|NULL'
eq "unknown field kept in event_fields" "$(q "SELECT value FROM event_fields WHERE name = 'SomethingNew'")" 'future field'
eq "reason codes joined" "$(q "SELECT group_concat(reason_code || '=' || coalesce(reason_symbol, '') || '/' || reason_category, ' ') FROM (SELECT * FROM nps_decisions WHERE reason_code IS NOT NULL ORDER BY ts)")" \
	'258=/revocation 16=IAS_AUTH_FAILURE/auth 9=/extension 48=IAS_NO_POLICY_MATCH/policy'

# Client error codes: decimal, negative decimal and hex are the same code.
eq "20227 code forms" "$(q "SELECT group_concat(code_text || '=' || code || '=' || code_symbol, ' ') FROM (SELECT * FROM client_failures WHERE event_id = 20227 ORDER BY ts)")" \
	'853=853=ERROR_EAP_USER_CERT_INVALID -2146762487=2148204809=CERT_E_UNTRUSTEDROOT 0x800B0109=2148204809=CERT_E_UNTRUSTEDROOT'
eq "20220 device error" "$(q "SELECT connection_name || '|' || code FROM client_failures WHERE event_id = 20220")" 'Contoso VPN|809'
eq "20226 disconnect reason" "$(q "SELECT user_name || '|' || code FROM ras_client_events r JOIN events e ON e.id = r.event_ref WHERE e.event_id = 20226")" 'CORP\erin|829'

# RRAS and NPS service events.
eq "20271 binary error code" "$(q "SELECT user_name || '|' || remote_address || '|' || error_code FROM remote_access_events")" 'CORP\erin|198.51.100.200|853'
eq "4402 domain" "$(q "SELECT s.domain FROM nps_service_events s JOIN events e ON e.id = s.event_ref WHERE e.event_id = 4402")" corp.example
eq "13 client address" "$(q "SELECT s.client_address FROM nps_service_events s JOIN events e ON e.id = s.event_ref WHERE e.event_id = 13")" 10.9.9.9
eq "qualifiers kept" "$(q "SELECT qualifiers FROM events WHERE event_id = 4402")" 49152
finish
