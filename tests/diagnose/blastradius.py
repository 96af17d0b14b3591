"""The Blast-RADIUS 4421 finding weighed by evidence (issue 14 item 4).
tests/fixtures/blastradius: NPS02 warns (4421) and also serves MS-CHAPv2
for the NAS 10.0.0.5 (WLC01) and PAP for 10.0.0.9 (SWITCH01, no
NAS-Identifier) besides PEAP for VPN01: blast-radius-exposed with an
"exposed" fact naming those workloads in JSON and text (the HTML report
shows the title; it shows no facts of any incident). NPS03 warns
with no decision in the logs, and the Error-853 NPS01 serves only EAP/PEAP:
both keep blast-radius-hardening-not-enforced, with an "exposed" fact saying
why none."""
import os
import sys

from harness import SRC, Test

fixture = os.path.join(SRC, 'tests', 'fixtures', 'blastradius')
if not os.path.isdir(fixture):
    print('SKIP: %s is missing' % fixture)
    sys.exit(77)
t = Test()
rc, out, err = t.run('ingest', fixture)
t.check('ingest', rc, 0)
d = t.diagnose_json()


def facts(f):
    return {x['name']: x['value'] for x in f.get('facts', [])}


found = {f['nps_server']: f for f in d['findings']}
t.check('one finding per NPS', sorted(found), ['NPS02.lab.example', 'NPS03.lab.example'])
nps02 = found.get('NPS02.lab.example', {'cause': {}})
nps03 = found.get('NPS03.lab.example', {'cause': {}})
t.check('NPS02 exposed', nps02['cause'].get('id'), 'blast-radius-exposed')
t.check('NPS02 exposed workloads, by method and NAS, PEAP left out', facts(nps02).get('exposed'),
        'MS-CHAPv2 from NAS 10.0.0.5 (WLC01), 4 requests; PAP from NAS 10.0.0.9 (SWITCH01), 1 request')
t.check('NPS02 mode still shown', facts(nps02).get('event.Mode'), 'Disable')
t.check('NPS02 evidence is its 4421', [e['event_id'] for e in nps02.get('evidence', [])], [4421])
t.check('NPS03 not exposed', nps03['cause'].get('id'), 'blast-radius-hardening-not-enforced')
t.check('NPS03 says no decision was seen', facts(nps03).get('exposed'),
        'none seen: no NPS decision of this server in the logs')
t.check('the denial is still an incident of its own', [i['cause']['id'] for i in d['incidents']], ['nps-denied-other'])

rc, text, err = t.run('diagnose')
t.check('text names the exposed NAS', 'exposed: MS-CHAPv2 from NAS 10.0.0.5 (WLC01)' in text, True)
rc, html, err = t.run('report', '--no-timestamp')
t.check('html exit (%s)' % err.strip(), rc, 0)
t.check('html has the exposed title', 'serves PAP/CHAP/MS-CHAP requests: exposed' in html, True)

# The Error-853 NPS serves only EAP/PEAP: the finding keeps its cause.
os.remove(t.db)
rc, out, err = t.run('ingest', os.path.join(SRC, 'tests', 'fixtures', 'error853'))
t.check('ingest error853', rc, 0)
d = t.diagnose_json()
t.check('error853: not exploitable today', [(f['cause']['id'], facts(f).get('exposed')) for f in d['findings']],
        [('blast-radius-hardening-not-enforced', 'none: no PAP, CHAP or MS-CHAP in the 8 NPS decisions of this server')])
t.finish()
