"""The mixed scenario (scenario.py) seeded into a database: every incident
has the expected cause and pairing, findings are separate, bob's incident
is resolved by his later grant."""
from harness import Test
from scenario import ARGS, EXPECTED, FINDINGS, RESOLVED, SCENARIO

t = Test()
s = t.fresh()
for kind, host, when, a in SCENARIO:
    if kind == 'client':
        s.client_failure(host, a[0], a[1], when)
    elif kind == 'connected':
        s.client(20225, host, a[0], when)
    elif kind == 'nps':
        kw = {'eap': a[5]} if a[5] else {}
        s.nps(a[0], host, a[1], when, reason=a[4], domain=a[2], fq=a[3], **kw)
    elif kind == 'service':
        s.service(a[0], host, when, a[1], a[2], a[3])
    else:
        s.kdc(a[0], host, when)
s.close()

d = t.diagnose_json(*ARGS)
got = [{'user': i['user'], 'client': i['client'], 'cause': i['cause']['id'], 'match': i['match'],
        'count': i['count'], 'paired': i['paired']} for i in d['incidents']]
for w in EXPECTED:
    t.check('incident %s %s' % (w['user'], w['cause']), w in got, True)
    if w not in got:
        print('    have: %s' % [g for g in got if g['user'] == w['user']])
t.check('no other incidents', len(got), len(EXPECTED))
t.check('findings', sorted(f['cause']['id'] for f in d['findings']), sorted(FINDINGS))
t.check('resolved', sorted(i['user'] for i in d['incidents'] if i['status'] == 'resolved'), RESOLVED)
carol = [i for i in d['incidents'] if i['user'] == 'LAB\\carol']
t.check('KDC 39 linked as context', [e['event_id'] for i in carol for e in i['evidence'] if e['role'] == 'context'], [39])
bob = [i for i in d['incidents'] if i['user'] == 'LAB\\bob'][0]
t.check('skewed pair delta', round(bob['attempts'][0]['delta_s'], 1), 95.5)
t.finish()
