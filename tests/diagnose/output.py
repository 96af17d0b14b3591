"""Output: attacker-controlled strings (ESC, newlines, quotes, backslashes,
invalid UTF-8, bidi overrides) are escaped in text and valid in json/jsonl;
filters; exit status."""
import json
import os
import sqlite3
import stat
import subprocess

from harness import Test

t = Test()
s = t.fresh()
evil = 'LAB\\ev"il\x1b[31m\nname\u202e'
# Invisible characters (issue 9 item 10): shown escaped in text, \uXXXX in JSON.
hidden = '\u061c\u200b\u200c\u200d\u2028\u2029\ufeff\u2060\u2064\u2067\x85\U000e0041'
evil += hidden
s.nps(6273, 'NPS01.lab.example', evil, '2025-03-14T09:00:00Z', reason=48, domain='LAB', fq=evil)
s.client_failure('CLIENT01.lab.example', evil, 812, '2025-03-14T09:00:01Z')
s.client_failure('CLIENT02.lab.example', 'LAB\\bob', 809, '2025-03-14T10:00:00Z')
s.service(4421, 'NPS01.lab.example', '2025-03-14T07:00:00Z', 'Mode', 'Audit', 'mode')
s.close()
db = sqlite3.connect(t.db)  # a user name with invalid UTF-8 bytes
ref = db.execute("SELECT max(event_ref) FROM ras_client_events WHERE user_name = 'LAB\\bob'").fetchone()[0]
db.execute("UPDATE ras_client_events SET user_name = CAST(? AS TEXT) WHERE event_ref = ?", (b'LAB\\b\xffo\xc3b', ref))
db.commit()
db.close()

rc, out, err = t.run('diagnose')
t.check('exit status with incidents', rc, 1)
t.check('text: no raw ESC', '\x1b' in out, False)
t.check('text: ESC shown escaped', '\\x1b[31m' in out, True)
t.check('text: newline escaped', '\\x0aname' in out, True)
t.check('text: bidi override escaped', '\\u{202e}' in out, True)
t.check('text: invalid byte shown', 'LAB\\b\\xffo\\xc3b' in out, True)
t.check('text: invisible characters shown escaped',
        '\\u{061c}\\u{200b}\\u{200c}\\u{200d}\\u{2028}\\u{2029}\\u{feff}\\u{2060}\\u{2064}\\u{2067}\\x85\\u{e0041}' in out,
        True)
t.check('text: no raw invisible character', [c for c in hidden if c in out], [])

rc, raw, err = t.run('diagnose', '--format', 'json')
t.check('json: no raw control characters', any(ord(c) < 0x20 and c != '\n' for c in raw), False)
t.check('json: no raw invisible character', [c for c in hidden if c in raw], [])
t.check('json: invisible characters as \\uXXXX', '\\u061c\\u200b' in raw and '\\udb40\\udc41' in raw, True)
d = json.loads(raw)
users = sorted(i['user'] for i in d['incidents'])
t.check('json: strings round-trip', users, sorted([evil, 'LAB\\b\ufffdo\ufffdb']))
t.check('json: findings separate', [f['cause']['id'] for f in d['findings']], ['blast-radius-hardening-not-enforced'])
t.check('json: keys', sorted(d), ['findings', 'incidents', 'npsdiag', 'parameters', 'schema_version', 'summary'])

rc, raw, err = t.run('diagnose', '--format', 'jsonl')
lines = [json.loads(x) for x in raw.splitlines()]
t.check('jsonl: one object per incident and finding', [x['kind'] for x in lines], ['incident', 'incident', 'finding'])

d = t.diagnose_json('--user-regex', '^lab\\\\b')
t.check('--user-regex filter', [i['client'] for i in d['incidents']] + d['findings'], ['CLIENT02.lab.example'])
d = t.diagnose_json('--cause', 'blast-radius-hardening-not-enforced')
t.check('--cause filter', (len(d['incidents']), len(d['findings'])), (0, 1))
d = t.diagnose_json('--since', '2025-03-14T09:30:00Z')
t.check('--since filter', [i['client'] for i in d['incidents']] + [f['id'] for f in d['findings']], ['CLIENT02.lab.example'])
d = t.diagnose_json('--until', '2025-03-14T08:00:00Z')
t.check('--until filter', (len(d['incidents']), len(d['findings'])), (0, 1))
rc, out, err = t.run('diagnose', '--cause', 'account-disabled')
t.check('nothing shown: exit 0', rc, 0)
rc, out, err = t.run('diagnose', '--cause', 'nothing-like-this')
t.check('unknown cause: exit 2, the ids listed', (rc, 'account-disabled (' in err), (2, True))
rc, out, err = t.run('diagnose', '--user-regex', '(')
t.check('bad --user-regex pattern', (rc, 'bad pattern' in err), (2, True))
rc, out, err = t.run('diagnose', '--format', 'xml')
t.check('bad --format', rc, 2)

# Text shows 12 evidence lines and counts the rest (it used to print all but the 13th).
s = t.fresh()
for n in range(15):
    s.client_failure('CLIENT03.lab.example', 'LAB\\carol', 809, '2025-03-14T11:%02d:00Z' % n, coid='{C0%02d}' % n)
s.close()
rc, out, err = t.run('diagnose')
t.check('text: 12 evidence lines, then how many more',
        (out.count('client-failure #'), '... and 3 more (incident_events)' in out), (12, True))
d = t.diagnose_json()
t.check('json: every evidence event and attempt', (len(d['incidents'][0]['evidence']), len(d['incidents'][0]['attempts'])),
        (15, 15))

# A failed write is an error naming the output, whatever the format.
if os.path.exists('/dev/full') and stat.S_ISCHR(os.stat('/dev/full').st_mode):
    for fmt in ('text', 'json', 'jsonl'):
        with open('/dev/full', 'w') as full:
            p = subprocess.run([os.environ['NPSDIAG'], 'diagnose', '--db', t.db, '--format', fmt], stdout=full,
                               stderr=subprocess.PIPE, text=True)
        t.check('%s to a full disk: status 2, output named (%s)' % (fmt, p.stderr.strip()),
                (p.returncode, 'standard output: cannot write: ' in p.stderr), (2, True))
t.finish()
