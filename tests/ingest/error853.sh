#!/bin/sh
# The Error-853 scenario: every 20227, 6273 and 4421 is stored with the
# right user, codes and times, and nothing of the noise.
. "$(dirname "$0")/lib.sh"
S=$FIX/error853
need "$S/CLIENT01-Application.evtx" "$S/NPS01-Security.evtx" "$S/NPS01-System.evtx"

ingest "$S"
eq "exit status" "$rc" 0
contains "summary" "$T/out" "CLIENT01-Application.evtx"

# Client: five failures of LAB\rdeckard on "Always On VPN" with 853, each with its own CoId.
eq "20227 count" "$(q "SELECT count(*) FROM client_failures WHERE event_id = 20227")" 5
eq "20227 user/connection/code" \
	"$(q "SELECT DISTINCT user_name || '|' || connection_name || '|' || code || '|' || code_symbol FROM client_failures")" \
	'LAB\rdeckard|Always On VPN|853|ERROR_EAP_USER_CERT_INVALID'
eq "distinct CoIds" "$(q "SELECT count(DISTINCT coid) FROM client_failures")" 5
eq "20227 host" "$(q "SELECT DISTINCT computer FROM client_failures")" CLIENT01.lab.example
eq "first failure time" "$(q "SELECT min(time_created) FROM client_failures")" 2025-03-14T09:12:44.0312345Z

# NPS: one 6273 with reason 258 a few seconds before each failure.
eq "6273 count" "$(q "SELECT count(*) FROM nps_decisions WHERE decision = 'denied'")" 5
eq "6273 reason" "$(q "SELECT DISTINCT reason_code || '|' || reason FROM nps_decisions WHERE decision = 'denied'")" \
	'258|The revocation function was unable to check revocation for the certificate.'
eq "6273 user" "$(q "SELECT DISTINCT subject_user_name || '|' || fq_subject_user_name FROM nps_decisions WHERE decision = 'denied'")" \
	'rdeckard@lab.example|LAB\rdeckard'
eq "each failure has a 6273 1-5 s before it" \
	"$(q "SELECT count(*) FROM client_failures c WHERE EXISTS (SELECT 1 FROM nps_decisions n
	      WHERE n.decision = 'denied' AND c.ts - n.ts BETWEEN 10000000 AND 50000000)")" 5
eq "6273 version 1 has MachineInventory" \
	"$(q "SELECT count(*) FROM nps_audit_events a JOIN events e ON e.id = a.event_ref WHERE e.event_id = 6273 AND e.version = 1 AND a.machine_inventory IS NOT NULL")" 5

# Blast-RADIUS: the 4421 from the NPS service.
eq "4421" "$(q "SELECT e.provider || '|' || e.computer || '|' || s.mode FROM events e JOIN nps_service_events s ON s.event_ref = e.id WHERE e.event_id = 4421")" \
	'NPS|NPS01.lab.example|Audit'

# Nothing of the noise: only the families' providers, and not the traps
# (an event 20227 and an event 4421 from other providers, Security 4624/4625/4688).
eq "providers kept" "$(q "SELECT group_concat(provider, ',') FROM (SELECT DISTINCT provider FROM events ORDER BY 1)")" \
	'Microsoft-Windows-Security-Auditing,NPS,RasClient'
eq "no noise ids" "$(q "SELECT count(*) FROM events WHERE event_id IN (4624, 4625, 4688, 7036, 1000, 1033)")" 0
eq "skipped noise" "$(q "SELECT sum(skipped) > 100 FROM sources")" 1
finish
