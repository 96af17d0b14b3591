"""npsdiag report on the Error-853 fixture in every format: each names the
revocation cause, the user and the IgnoreNoRevocationCheck command; the
CSV has its fixed header and parses; the JSON parses; the same database
gives the same bytes; the filters apply; hostile values (the nasty
fixture) come out as text in HTML, Markdown and CSV."""
import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys

from harness import SRC, Test

t = Test()
rc, out, err = t.run('ingest', os.path.join(SRC, 'tests', 'fixtures', 'error853'))
t.check('ingest (%s)' % err.strip(), rc, 0)

# report runs the diagnosis itself when the database has none yet.
rc, html, err = t.run('report', '--no-timestamp')
t.check('html exit (%s)' % err.strip(), rc, 0)
t.check('html is one page', html.startswith('<!DOCTYPE html>') and html.rstrip().endswith('</html>'), True)
t.check('html: cause', 'NPS could not check revocation of the client certificate chain' in html, True)
t.check('html: user', 'LAB\\rdeckard' in html, True)
t.check('html: remediation command', "-Name IgnoreNoRevocationCheck -PropertyType DWord -Value 1" in html, True)
t.check('html: findings section with 4421', 'id="findings"' in html and 'Blast-RADIUS' in html, True)
t.check('html: timeline svg', '<svg' in html and 'NPS01.lab.example</text>' in html, True)
t.check('html: self-contained', re.search(r'(src|href)\s*=\s*"(https?:)?//', html) is None and '<script' not in html, True)
t.check('html: five evidence pairs', html.count('client-failure #'), 5)

rc, md, err = t.run('report', '--format', 'md', '--no-timestamp')
t.check('md exit', rc, 0)
t.check('md: title and cause', md.startswith('# VPN and RADIUS incidents') and 'revocation-check-failed' in md, True)
t.check('md: command in a code block', "```\n   New-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\RasMan\\PPP\\EAP\\13' -Name IgnoreNoRevocationCheck" in md, True)
t.check('md: user escaped for markdown', 'LAB\\\\rdeckard' in md, True)

rc, text, err = t.run('report', '--format', 'csv')
t.check('csv exit', rc, 0)
rows = list(csv.reader(io.StringIO(text, newline='')))
t.check('csv header', rows[0][:8], ['id', 'kind', 'cause', 'title', 'confidence', 'match', 'user', 'identity'])
t.check('csv rows: one incident, one finding', [r[2] for r in rows[1:]], ['revocation-check-failed', 'blast-radius-hardening-not-enforced'])
t.check('csv codes', (rows[1][6], rows[1][11], rows[1][14], rows[1][16]), ('LAB\\rdeckard', '853', '258', '5'))
t.check('csv CRLF records', text.count('\r\n'), 3)

p = subprocess.run([os.environ['NPSDIAG'], 'report', '--db', t.db, '--format', 'csv', '--bom'], capture_output=True)
t.check('--bom for Excel', p.stdout[:3] + p.stdout[3:5], b'\xef\xbb\xbfid')
rc, js, err = t.run('report', '--format', 'json')
t.check('json parses', json.loads(js)['incidents'][0]['cause']['id'], 'revocation-check-failed')

rc, again, err = t.run('report', '--no-timestamp')
t.check('deterministic', again == html, True)
rc, stamped, err = t.run('report', env={'SOURCE_DATE_EPOCH': '1741944000'})
t.check('generation time from SOURCE_DATE_EPOCH', 'Generated 2025-03-14T09:20:00Z' in stamped, True)
rc, none, err = t.run('report', '--format', 'csv', '--cause', 'no-such-cause')
t.check('unknown cause refused with the ids', (rc, none, 'revocation-check-failed' in err), (2, '', True))
rc, none, err = t.run('report', '--format', 'csv', '--cause', 'revocation-check-failed-any-client-error')
t.check('cause filter', none.count('\r\n'), 1)
rc, some, err = t.run('report', '--format', 'csv', '--user-regex', 'rdeck', '--since', '2025-03-14T09:00:00Z')
t.check('user and time filter', [r[2] for r in list(csv.reader(io.StringIO(some, newline='')))[1:]], ['revocation-check-failed'])
rc, out, err = t.run('report', '--user-regex', '(')
t.check('bad pattern named', rc == 2 and "--user-regex '(': bad pattern" in err, True)
out_path = os.path.join(t.dir, 'r.html')
rc, out, err = t.run('report', '-o', out_path, '--no-timestamp')
t.check('-o writes the file', open(out_path, encoding='utf-8').read() == html, True)

# Hostile values: the nasty fixture's user names and fields.
os.remove(t.db)
t.run('ingest', os.path.join(SRC, 'tests', 'fixtures', 'nasty'))
# Invisible characters (issue 9 item 10) in a user name: shown as \u{NNNN} in
# HTML, Markdown and CSV, as \uXXXX in JSON, never raw.
hidden = '\u061c\u200b\u200c\u200d\u2028\u2029\ufeff\u2060\u2064\u202e\u2067\x85'
shown = '\\u{061c}\\u{200b}\\u{200c}\\u{200d}\\u{2028}\\u{2029}\\u{feff}\\u{2060}\\u{2064}\\u{202e}\\u{2067}\\x85'
db = sqlite3.connect(t.db)
db.execute("UPDATE ras_client_events SET user_name = ? WHERE user_name = ?", ('LAB\\J\u00fcrgen' + hidden, 'LAB\\J\u00fcrgen.M\u00fcller'))
db.commit()
db.close()
for fmt in ('html', 'md', 'csv', 'json'):
    rc, doc, err = t.run('report', '--format', fmt, '--no-timestamp')
    t.check('%s: no raw invisible character' % fmt, [c for c in hidden if c in doc], [])
    t.check('%s: invisible characters shown' % fmt,
            ('\\u061c\\u200b\\u200c\\u200d\\u2028\\u2029\\ufeff\\u2060\\u2064\\u202e\\u2067\\u0085' if fmt == 'json' else shown)
            in doc, True)
    if fmt == 'json':
        t.check('json: the same string', 'LAB\\J\u00fcrgen' + hidden in [i['user'] for i in json.loads(doc)['incidents']],
                True)
rc, html, err = t.run('report', '--no-timestamp')
t.check('nasty html exit (%s)' % err.strip(), rc, 0)
t.check('no raw markup from events', re.search(r'<script|<img|<b>"quoted', html) is None, True)
t.check('markup shown as text', '&lt;script&gt;alert(1)&lt;/script&gt;' in html and '&quot;&gt;&lt;img src=x onerror=alert(2)&gt;' in html, True)
t.check('bidi and control characters visible', '\\x0a' in html or '\\x0d' in html, True)
rc, md, err = t.run('report', '--format', 'md', '--no-timestamp')
t.check('no raw markup in markdown', re.search(r'<script|<img', md) is None and '&lt;script&gt;' in md, True)
rc, text, err = t.run('report', '--format', 'csv')
rows = list(csv.reader(io.StringIO(text, newline='')))
t.check('csv parses with hostile values', all(len(r) == len(rows[0]) for r in rows), True)
users = [r[6] for r in rows[1:]]
t.check('csv keeps the values', 'LAB\\"><img src=x onerror=alert(2)>' in users, True)
t.check('csv guards formula starters', "'-" in users, True)
t.check('an unreadable client code stays empty, not 0', [r[11] for r in rows[1:] if r[6] == "'-"], [''])
t.finish()
