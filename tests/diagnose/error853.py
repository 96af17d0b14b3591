"""The Error-853 fixture (tests/fixtures/error853): ingest, then diagnose
names the revocation-check cause for LAB\\rdeckard with the
IgnoreNoRevocationCheck remediation, links each 20227 to its own 6273, and
reports the 4421 Blast-RADIUS finding separately."""
import os
import sys

from harness import SRC, Test

fixture = os.path.join(SRC, 'tests', 'fixtures', 'error853')
if not os.path.isdir(fixture):
    print('SKIP: %s is missing' % fixture)
    sys.exit(77)
t = Test()
rc, out, err = t.run('ingest', fixture)
t.check('ingest (%s)' % err.strip(), rc, 0)
d = t.diagnose_json()

inc = [i for i in d['incidents'] if i['user'] == 'LAB\\rdeckard']
t.check('one incident for LAB\\rdeckard', len(inc), 1)
i = inc[0] if inc else {}
t.check('cause', i.get('cause', {}).get('id'), 'revocation-check-failed')
t.check('confidence', i.get('cause', {}).get('confidence'), 'confirmed')
t.check('codes', (i.get('client_error', {}).get('code'), i.get('nps_decision', {}).get('reason')), (853, 258))
t.check('attempts and pairs', (i.get('count'), i.get('paired'), i.get('match')), (5, 5, 'client+nps'))
commands = [c for step in i.get('cause', {}).get('remediation', []) for c in step['commands']]
t.check('IgnoreNoRevocationCheck remediation',
        any('IgnoreNoRevocationCheck' in c and 'RasMan\\PPP\\EAP\\13' in c and 'DWord' in c for c in commands), True)
t.check('restart NPS', 'Restart-Service IAS' in commands, True)

# Every 20227 is linked to a 6273 of its own, 0-5 s before it.
rows = t.q("SELECT c.event_ref, n.event_ref, n.delta_ticks, ec.event_id, en.event_id FROM incident_events c"
           " JOIN events ec ON ec.id = c.event_ref"
           " LEFT JOIN incident_events n ON n.incident_id = c.incident_id AND n.attempt = c.attempt"
           "  AND n.role = 'nps-decision' LEFT JOIN events en ON en.id = n.event_ref WHERE c.role = 'client-failure'")
t.check('5 client failures linked', len(rows), 5)
t.check('each to a 6273', sorted(set(r[4] for r in rows)), [6273])
t.check('each to its own 6273', len(set(r[1] for r in rows)), 5)
t.check('6273 before the failure, within the window', all(0 <= r[2] <= 50000000 for r in rows), True)
t.check('stored events are all 20227', sorted(set(r[3] for r in rows)), [20227])

# The 4421 is a finding, not an incident.
t.check('Blast-RADIUS finding', [(f['cause']['id'], f['nps_server'], f['match']) for f in d['findings']],
        [('blast-radius-hardening-not-enforced', 'NPS01.lab.example', 'server')])
t.check('finding evidence is the 4421', [e['event_id'] for f in d['findings'] for e in f['evidence']], [4421])
t.check('no incident for the 4421', [x['cause']['id'] for x in d['incidents'] if 'blast' in x['cause']['id']], [])
t.check('netsh remediation', any('netsh nps set requiremsgauth' in c for f in d['findings']
                                  for s in f['cause']['remediation'] for c in s['commands']), True)
t.finish()
