"""The Error-853 done-when of issue 14: the Error-853 fixture plus its
user's certificate chain (made here: the issuing CA without CDP, as Intune
Cloud PKI issues it) gives an incident that names the issuing CA
certificate and its missing CDP (`diagnose --cert`, text and JSON); the
chain of another user, or a chain whose CAs all have a CDP, attaches
nothing."""
import glob
import json
import os
import subprocess

from pki import NPSDIAG, Pki, Test

SRC = os.environ['SRC']
t = Test('incident')
p = Pki(t)
p.root('root', 'Lab Cloud PKI Root CA')
p.issuing_ca('ica', 'Lab Cloud PKI Issuing CA', 'root', eku='clientAuth,serverAuth')
p.leaf('rdeckard', 'rdeckard', 'ica', upn='rdeckard@lab.example', cdp=['http://pki.lab.example/ica.crl'])
p.leaf('alice', 'alice', 'ica', upn='alice@lab.example', cdp=['http://pki.lab.example/ica.crl'])
p.root('root2', 'Lab Root CA')
p.issuing_ca('ica2', 'Lab Issuing CA', 'root2', cdp='http://pki.lab.example/root2.crl')
p.leaf('rdeckard2', 'rdeckard', 'ica2', upn='rdeckard@lab.example', cdp=['http://pki.lab.example/ica2.crl'])

db = t.path('e853.db')
r = subprocess.run([NPSDIAG, 'ingest', '--quiet', '--db', db] +
                   sorted(glob.glob(os.path.join(SRC, 'tests/fixtures/error853/*.evtx'))), capture_output=True)
t.check('ingest the Error-853 fixture', r.returncode, 0)


def diagnose(*certs, fmt='json'):
    args = [NPSDIAG, 'diagnose', '--db', db, '--format', fmt]
    for c in certs:
        args += ['--cert', t.path(c)]
    r = subprocess.run(args, capture_output=True, timeout=120)
    out = r.stdout.decode('utf-8', 'replace')
    if fmt != 'json':
        return r.returncode, out
    try:
        return r.returncode, json.loads(out)
    except ValueError:
        print('not JSON (%d): %s %s' % (r.returncode, out[:300], r.stderr[:300]))
        return r.returncode, {}


def cert_facts(doc):
    inc = [i for i in doc.get('incidents', []) if i.get('cause', {}).get('id') == 'revocation-check-failed']
    return [(f['name'], f['value']) for i in inc for f in i.get('facts', []) if f['name'].startswith('cert.')]


rc, doc = diagnose('rdeckard.cer', 'ica.pem', 'root.pem')
t.check('diagnose --cert: status 1 (incidents)', rc, 1)
facts = cert_facts(doc)
print('facts: %r' % facts)
t.check('one certificate fact: the issuing CA without CDP', [n for n, v in facts], ['cert.issuing-ca-no-cdp'])
v = facts[0][1] if facts else ''
t.check('it names the issuing CA certificate', 'issuing CA certificate "CN=Lab Cloud PKI Issuing CA"' in v, True)
t.check('and its missing CDP', 'has no CRL distribution point' in v, True)
rc, text = diagnose('ica.pem', 'root.pem', 'rdeckard.cer', fmt='text')
t.check('text shows the fact', 'cert.issuing-ca-no-cdp: the issuing CA certificate "CN=Lab Cloud PKI Issuing CA"' in text,
        True)

rc, doc = diagnose('alice.cer', 'ica.pem', 'root.pem')
t.check('another user\'s chain: nothing attached', cert_facts(doc), [])
rc, doc = diagnose('rdeckard2.cer', 'ica2.pem', 'root2.pem')
t.check('a chain whose CAs have a CDP: nothing attached', cert_facts(doc), [])
rc, doc = diagnose()
t.check('no --cert: no certificate fact', cert_facts(doc), [])
r = subprocess.run([NPSDIAG, 'diagnose', '--db', db, '--cert', t.path('nothing.pem')], capture_output=True)
t.check('an unreadable chain file: status 2', r.returncode, 2)
t.done()
