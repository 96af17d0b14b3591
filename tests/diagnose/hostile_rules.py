"""Rules against hostile field values (issue 9, item 9): a correct pattern
fires on a 6000-character field (the default JIT stack could not run it);
a catastrophic pattern against 300 hostile events stops at the match limit
within a second instead of costing ~0.1 s per event, and its error is
reported with the rule's file:line, the field and what happened, never
folded into "no match"."""
import os
import time

from harness import Test

t = Test()
rules = os.path.join(t.dir, 'rules')
os.mkdir(rules)


def rule_file(pattern):
    with open(os.path.join(rules, 'local.rules'), 'w') as f:
        f.write('# hostile\n[cause policy-pattern]\ntitle = Policy pattern\nconfidence = confirmed\n'
                'nps.event = 6273\nnps.reason = 48\nmatch = nps.NetworkPolicyName ~ %s\n'
                'explanation = E\nstep = S\n' % pattern)


s = t.fresh()
s.nps(6273, 'NPS01.lab.example', 'alice@lab.example', '2025-03-14T09:00:00Z', reason=48, policy='ab' * 3000)
s.close()
rule_file('^(?:a|b)*$')
d = t.diagnose_json('--rules', rules)
t.check('6000-character field: the rule fires', [i['cause']['id'] for i in d['incidents']], ['policy-pattern'])

s = t.fresh()
for i in range(300):
    s.nps(6273, 'NPS01.lab.example', 'user%d@lab.example' % i, '2025-03-14T09:%02d:%02dZ' % (i // 60, i % 60),
          reason=48, policy='a' * 40 + 'b')
s.close()
rule_file('^(a+)+$')
start = time.monotonic()
rc, out, err = t.run('diagnose', '--rules', rules)
took = time.monotonic() - start
t.check('catastrophic pattern: fast (%.2f s)' % took, took < 5, True)
t.check('catastrophic pattern: an error, not "no match" (%s)' % err.strip(), rc, 2)
t.check('catastrophic pattern: names rule, field and limit (%s)' % err.strip(),
        'local.rules:2: cause policy-pattern: match nps.NetworkPolicyName ~ ^(a+)+$: ' in err and 'limit' in err,
        True)
t.finish()
