"""The mixed fixture set tests/fixtures/diagnose (EVTX files written by
tools/evtxwrite from the descriptions beside them, see README.md there):
ingest, diagnose, and check the cause and the pairing of every scenario."""
import json
import os
import sys

from harness import SRC, Test

fixture = os.path.join(SRC, 'tests', 'fixtures', 'diagnose')
expect = os.path.join(fixture, 'expected.json')
if not os.path.isfile(expect):
    print('SKIP: %s is missing' % expect)
    sys.exit(77)
t = Test()
rc, out, err = t.run('ingest', fixture)
t.check('ingest (%s)' % err.strip(), rc, 0)
want = json.load(open(expect))
d = t.diagnose_json(*want.get('args', []))
got = [{'user': i['user'], 'client': i['client'], 'cause': i['cause']['id'], 'match': i['match'],
        'count': i['count'], 'paired': i['paired']} for i in d['incidents']]
for w in want['incidents']:
    t.check('incident %s' % w['cause'], w in got, True)
    if w not in got:
        print('    have: %s' % [g for g in got if g['cause'] == w['cause'] or g['user'] == w['user']])
t.check('no other incidents', len(got), len(want['incidents']))
t.check('findings', sorted(f['cause']['id'] for f in d['findings']), sorted(want['findings']))
t.check('resolved by the later grant', sorted(i['user'] for i in d['incidents'] if i['status'] == 'resolved'), ['LAB\\bob'])
bob = [i for i in d['incidents'] if i['user'] == 'LAB\\bob']
t.check('skewed pair (client 95 s ahead)', [round(a['delta_s'], 1) for i in bob for a in i['attempts']], [95.5])
t.check('every EVTX file ingested', sorted(r[0].rsplit('/', 1)[-1] for r in t.q('SELECT path FROM sources')),
        ['CLIENTS-ForwardedEvents.evtx', 'DC01-System.evtx', 'NPS01-Security.evtx', 'NPS01-System.evtx'])
t.finish()
