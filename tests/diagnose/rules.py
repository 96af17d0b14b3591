"""Rule files: file:line errors for broken files and bad PCRE2 patterns,
override of a shipped rule by cause id, disabling, field patterns."""
import os

from harness import Test

t = Test()
rules = os.path.join(t.dir, 'rules')
os.mkdir(rules)


def rule_file(text):
    for name in os.listdir(rules):
        os.remove(os.path.join(rules, name))
    with open(os.path.join(rules, 'local.rules'), 'w') as f:
        f.write(text)


HEAD = '[cause my-cause]\ntitle = T\nconfidence = likely\nexplanation = E\nstep = S\n'

s = t.fresh()
n = s.nps(6273, 'NPS01.lab.example', 'alice@lab.example', '2025-03-14T09:00:00Z', reason=258, domain='LAB',
          fq='LAB\\alice', eap='Microsoft: Secured password (EAP-MSCHAP v2)')
a = s.client_failure('CLIENT01.lab.example', 'LAB\\alice', 853, '2025-03-14T09:00:01Z')
s.close()

for text, line, what in [
        (HEAD + 'client.error = 853\nnps.reasons = 258\n', 7, 'unknown key: nps.reasons'),
        (HEAD + 'client.error = 853\nmatch = nps.EAPType ~ (unclosed\n', 7, 'bad pattern "(unclosed" at offset 9'),
        (HEAD + 'client.error = 85x3\n', 6, 'not a code: 85x3'),
        (HEAD + 'client.error = 853\nconfidence = sure\n', 7, 'confidence is confirmed, likely or possible'),
        ('[cause x]\ntitle = T\nconfidence = likely\nexplanation = E\nclient = present\n', 1, 'cause x has no step'),
        (HEAD + 'client = present\n' + HEAD + 'client = present\n', 7, 'cause my-cause is already defined at'),
        ('title = T\n', 1, 'expected a [cause ID] header'),
        (HEAD + 'command = x\n  continued\nbogus line\n', 8, 'expected key = value'),
        (HEAD + 'match = client.UserName ~ x\n', 1, 'an incident rule needs a client or nps condition'),
]:
    rule_file(text)
    rc, out, err = t.run('diagnose', '--rules', rules)
    t.check('broken rule exit status (%s)' % what, rc, 2)
    t.check('broken rule message (%s)' % what, ('local.rules:%d: ' % line) in err and what in err, True)
    if what not in err:
        print('    stderr: ' + err.strip())

# Override: the same cause id replaces the shipped rule.
rule_file('[cause revocation-check-failed]\ntitle = Local title for 853+258\nconfidence = confirmed\n'
          'client.error = 853\nnps.reason = 258\nexplanation = local\nstep = local step\n')
d = t.diagnose_json('--rules', rules)
t.check('override: title', [i['cause']['title'] for i in d['incidents']], ['Local title for 853+258'])
t.check('override: rule file', d['incidents'][0]['cause']['rule'].endswith('local.rules:1'), True)

# Disabled: the next best rule takes over.
rule_file('[cause revocation-check-failed]\ndisabled = yes\ntitle = x\nconfidence = likely\nexplanation = x\n'
          'client.error = 853\nstep = x\n')
d = t.diagnose_json('--rules', rules)
t.check('disabled: next rule', [i['cause']['id'] for i in d['incidents']], ['revocation-check-failed-any-client-error'])

# A field pattern (PCRE2, case-insensitive by (?i)) makes a local rule more specific.
rule_file(HEAD.replace('my-cause', 'mschap-with-258') + 'client.error = 853\nnps.reason = 258\n'
          'match = nps.EAPType ~ (?i)mschap\nmatch = client.ConnectionName !~ ^Device\nfact = nps.EAPType\n')
d = t.diagnose_json('--rules', rules)
t.check('pattern rule chosen', [i['cause']['id'] for i in d['incidents']], ['mschap-with-258'])
t.check('fact shown', d['incidents'][0]['facts'], [{'name': 'nps.EAPType', 'value': 'Microsoft: Secured password (EAP-MSCHAP v2)'}])
rule_file(HEAD.replace('my-cause', 'mschap-with-258') + 'client.error = 853\nnps.reason = 258\n'
          'match = nps.EAPType ~ ^EAP-TLS$\n')
d = t.diagnose_json('--rules', rules)
t.check('pattern not matching', [i['cause']['id'] for i in d['incidents']], ['revocation-check-failed'])

# A missing --rules directory is an error.
rc, out, err = t.run('diagnose', '--rules', os.path.join(t.dir, 'nope'))
t.check('missing rules dir', (rc, 'nope' in err), (2, True))

# explain names the causes whose rules match a code.
rc, out, err = t.run('explain', '853')
t.check('explain 853 lists causes', ('revocation-check-failed' in out, 'strong-certificate-mapping' in out), (True, True))
rc, out, err = t.run('explain', 'reason', '258')
t.check('explain reason 258 lists causes', 'entra-ca-short-lived-certificate' in out, True)
t.finish()
