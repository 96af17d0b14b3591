"""report --cert: the Error-853 fixture with the certificate chain of its
user (made here with the openssl command: the issuing CA has no CDP, as
Intune Cloud PKI issues it) names the issuing CA certificate and its
missing CDP in the incident, in a certificate section of the HTML and
Markdown reports and in the JSON document, with the incident it explains;
formats without a certificate section and unreadable files are refused.
A chain is one user's: the same chain issued to another user explains no
incident, in the report and in `diagnose --cert` alike (one rule)."""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.environ['SRC'], 'tests', 'cert'))
from harness import SRC, Test  # noqa: E402
import pki  # noqa: E402  (exits 77 without the openssl command)

t = Test()
ct = pki.Test('report-cert')
p = pki.Pki(ct)
p.root('root', 'Lab Cloud PKI Root CA')
p.issuing_ca('ica', 'Lab Cloud PKI Issuing CA', 'root', eku='clientAuth,serverAuth')
p.leaf('rdeckard', 'rdeckard', 'ica', upn='rdeckard@lab.example', cdp=['http://pki.lab.example/ica.crl'])
p.leaf('pbatty', 'pbatty', 'ica', upn='pbatty@lab.example', cdp=['http://pki.lab.example/ica.crl'])
certs = ['--cert', ct.path('rdeckard.cer'), '--cert', ct.path('ica.pem'), '--cert', ct.path('root.pem')]
other = ['--cert', ct.path('pbatty.cer'), '--cert', ct.path('ica.pem'), '--cert', ct.path('root.pem')]

rc, out, err = t.run('ingest', os.path.join(SRC, 'tests', 'fixtures', 'error853'))
t.check('ingest', rc, 0)
rc, page, err = t.run('report', '--no-timestamp', *certs)
t.check('html with --cert (%s)' % err.strip(), rc, 0)
section = page[page.find('<section id="certificates">'):]
section = section[:section.find('</section>')]
t.check('html: a certificate section', len(section) > 0, True)
t.check('html: it names the issuing CA and its missing CDP',
        'issuing-ca-no-cdp' in section and 'CN=Lab Cloud PKI Issuing CA' in section
        and 'has no CRL distribution point' in section, True)
t.check('html: the finding explains incident #1', '<strong>Explains:</strong> <a href="#incident-1">#1</a>' in section,
        True)
t.check('html: the chain, leaf first', section.find('CN=rdeckard') < section.find('<h3>2. issuing CA'), True)
card = page[page.find('<details id="incident-1"'):]
card = card[:card.find('</details>')]
t.check('html: the incident names the issuing CA certificate',
        '<tr><th>Certificate</th>' in card and 'CN=Lab Cloud PKI Issuing CA' in card, True)
t.check('html: the finding that explains nothing says so', 'no incident of this selection' in section, True)

rc, md, err = t.run('report', '--format', 'md', '--no-timestamp', *certs)
t.check('md with --cert', rc, 0)
t.check('md: certificate section and the incident row',
        '## Certificates' in md and '**issuing-ca-no-cdp**' in md and '| Certificate | error: ' in md, True)
t.check('md: the chain table names the missing CDP', '| 2 | issuing CA | CN=Lab Cloud PKI Issuing CA' in md
        and '| **none** |' in md, True)

rc, js, err = t.run('report', '--format', 'json', *certs)
t.check('json with --cert', rc, 0)
doc = json.loads(js)
c = doc.get('certificates') or {}
t.check('json: the chain document', [x['role'] for x in c.get('chain', {}).get('certificates', [])],
        ['leaf', 'issuing CA', 'root CA'])
ex = {x['id']: (x['incidents'], x['first']) for x in c.get('explains', [])}
t.check('json: issuing-ca-no-cdp explains incident 1', ex.get('issuing-ca-no-cdp'), (1, [1]))
t.check('json: explains follows the findings', [x['id'] for x in c.get('explains', [])],
        [f['id'] for f in c.get('chain', {}).get('findings', [])])
rc, js, err = t.run('report', '--format', 'json', *other)
c = json.loads(js).get('certificates') or {}
ex = {x['id']: x['incidents'] for x in c.get('explains', [])}
t.check("json: another user's chain explains no incident", ex.get('issuing-ca-no-cdp'), 0)
rc, js, err = t.run('diagnose', '--format', 'json', *other)
t.check("diagnose --cert with another user's chain: no cert fact",
        'cert.issuing-ca-no-cdp' in js, False)
rc, js, err = t.run('diagnose', '--format', 'json', *certs)
t.check("diagnose --cert with the user's chain: the cert fact", 'cert.issuing-ca-no-cdp' in js, True)
rc, js, err = t.run('report', '--format', 'json')
t.check('json without --cert: no certificates member', 'certificates' in json.loads(js), False)
rc, page2, err = t.run('report', '--no-timestamp')
t.check('html without --cert: no certificate section', 'id="certificates"' in page2, False)

rc, out, err = t.run('report', '--format', 'csv', *certs)
t.check('csv refuses --cert', (rc, 'not into csv' in err), (2, True))
with open(os.path.join(t.dir, 'junk.cer'), 'wb') as f:
    f.write(b'\x30\x82\xff\xff junk')
rc, out, err = t.run('report', '--cert', os.path.join(t.dir, 'junk.cer'))
t.check('an unreadable certificate file: exit 2 naming it (%s)' % err.strip(), (rc, 'junk.cer' in err), (2, True))
shutil.rmtree(ct.dir, ignore_errors=True)
t.finish()
