"""npsdiag cert without the network: chains in every export format,
ordered by issuer, described, and the findings that explain NPS reasons:
the Error-853 chain (issuing CA without CDP, as Intune Cloud PKI issues
it), a leaf without CDP (template) vs a short-lived Entra Conditional
Access leaf, no Client Authentication, an incomplete chain, an expired
element, an EC key."""
import time

from pki import Pki, Test, findings

t = Test('chain')
p = Pki(t)
now = time.time()

# The chain of the Error-853 fixture's user (LAB\rdeckard, tests/fixtures/error853): the
# issuing CA has no CDP, the leaf has one.
p.root('root', 'Lab Cloud PKI Root CA')
p.issuing_ca('ica', 'Lab Cloud PKI Issuing CA', 'root', eku='clientAuth,serverAuth')
p.leaf('rdeckard', 'rdeckard', 'ica', upn='rdeckard@lab.example', cdp=['http://pki.lab.example/ica.crl'])

# Three files in no particular order: DER leaf, PEM CA, PEM root.
rc, d = t.cert_json('root.pem', 'rdeckard.cer', 'ica.pem')
t.check('853 chain: exit status 1 (an error finding)', rc, 1)
certs = d.get('certificates', [])
t.check('ordered leaf, issuing CA, root', [(c['role'], c['subject']) for c in certs],
        [('leaf', 'CN=rdeckard'), ('issuing CA', 'CN=Lab Cloud PKI Issuing CA'), ('root CA', 'CN=Lab Cloud PKI Root CA')])
t.check('issuer links', [c['issuer_index'] for c in certs], [1, 2, 2])
leaf = certs[0] if certs else {}
t.check('leaf UPN', leaf.get('upn'), ['rdeckard@lab.example'])
t.check('leaf EKU', leaf.get('eku'), ['Client Authentication (1.3.6.1.5.5.7.3.2)'])
t.check('leaf CDP', leaf.get('cdp'), ['http://pki.lab.example/ica.crl'])
t.check('leaf OCSP and CA issuers', (leaf.get('ocsp'), leaf.get('ca_issuers')),
        (['http://ocsp.lab.example/ocsp'], ['http://pki.lab.example/issuing.cer']))
t.check('leaf key', leaf.get('key'), 'RSA 2048')
t.check('leaf valid', (leaf.get('validity'), leaf.get('short_lived')), ('valid', False))
nocdp = findings(d, 'issuing-ca-no-cdp')
t.check('one issuing-ca-no-cdp finding', len(nocdp), 1)
f = nocdp[0] if nocdp else {}
t.check('it names the issuing CA certificate', (f.get('certificate'), f.get('subject')),
        (1, 'CN=Lab Cloud PKI Issuing CA'))
t.check('it names the missing CDP and 853/258', ('no CRL distribution point' in f.get('message', ''),
                                                 f.get('signature'), f.get('cause')),
        (True, '853/258', 'revocation-check-failed'))
t.check('it names the thumbprint', certs[1]['sha1'] in f.get('message', '') if len(certs) > 1 else False, True)
t.check('its fix names IgnoreNoRevocationCheck', 'IgnoreNoRevocationCheck' in (f.get('fix') or ''), True)
t.check('no other error', sorted(x['id'] for x in d.get('findings', []) if x['severity'] == 'error'),
        ['issuing-ca-no-cdp'])
t.check('root must be trusted (note)', [x['certificate'] for x in findings(d, 'root-must-be-trusted')], [2])
t.check('summary', d.get('summary', {}).get('errors'), 1)

# The same chain as a PKCS#7 .p7b (DER and PEM) and as one PEM bundle.
t.openssl('crl2pkcs7', '-nocrl', '-certfile', 'rdeckard.pem', '-certfile', 'root.pem', '-certfile', 'ica.pem',
          '-outform', 'DER', '-out', 'chain.p7b')
t.openssl('crl2pkcs7', '-nocrl', '-certfile', 'ica.pem', '-certfile', 'rdeckard.pem', '-certfile', 'root.pem',
          '-out', 'chain-pem.p7b')
with open(t.path('bundle.pem'), 'w') as out:
    for n in ('root', 'ica', 'rdeckard'):
        out.write(open(t.path(n + '.pem')).read())
    out.write(open(t.path('rdeckard.key')).read())  # a key block among the certificates is skipped
for form in ('chain.p7b', 'chain-pem.p7b', 'bundle.pem'):
    rc, d2 = t.cert_json(form)
    t.check(form + ': same chain', [c['sha1'] for c in d2.get('certificates', [])], [c['sha1'] for c in certs])
    t.check(form + ': same finding', [x['id'] for x in findings(d2, 'issuing-ca-no-cdp')], ['issuing-ca-no-cdp'])
# Duplicates (the .p7b and the files) count once.
rc, d2 = t.cert_json('chain.p7b', 'rdeckard.cer', 'root.pem')
t.check('duplicates dropped', len(d2.get('certificates', [])), 3)

# The text output says the same, for a person.
rc, out, err = t.cert('rdeckard.cer', 'ica.pem', 'root.pem')
t.check('text: exit status 1', rc, 1)
t.check('text: finding line', '  error   issuing-ca-no-cdp (certificate 1, 853/258, cause revocation-check-failed)' in out, True)
t.check('text: names the CA', 'the issuing CA certificate "CN=Lab Cloud PKI Issuing CA"' in out, True)
t.check('text: UPN line', '  upn         rdeckard@lab.example' in out, True)
t.check('text: summary', 'summary: 3 certificates, 1 errors' in out, True)

# A healthy chain: CA with CDP; only notes, exit status 0.
p.issuing_ca('ica2', 'Lab Issuing CA 2', 'root', cdp='http://pki.lab.example/root.crl')
p.leaf('bob', 'bob', 'ica2', upn='bob@lab.example', cdp=['http://pki.lab.example/ica2.crl'])
rc, d = t.cert_json('bob.pem', 'ica2.pem', 'root.pem')
t.check('healthy chain: exit status 0', rc, 0)
t.check('healthy chain: no error or warning', [x['id'] for x in d.get('findings', []) if x['severity'] != 'note'], [])

# A certificate of another chain is listed as such.
rc, d = t.cert_json('bob.pem', 'ica2.pem', 'root.pem', 'ica.pem')
t.check('unrelated CA last', [c['role'] for c in d.get('certificates', [])],
        ['leaf', 'issuing CA', 'root CA', 'not in the chain'])

# Leaf without CDP from a normal template vs a short-lived Entra CA one.
p.leaf('nocdp', 'carol', 'ica2', upn='carol@lab.example')
rc, d = t.cert_json('nocdp.pem', 'ica2.pem', 'root.pem')
t.check('leaf without CDP: template finding', [(x['id'], x['severity']) for x in findings(d, 'leaf-no-cdp')],
        [('leaf-no-cdp', 'error')])
p.root('entra', 'Microsoft VPN root CA gen 1')
p.leaf('entraleaf', 'dave@lab.example', 'entra', upn='dave@lab.example', start=now - 300, end=now + 3300)
rc, d = t.cert_json('entraleaf.pem', 'entra.pem')
t.check('short-lived leaf: exit status 0', rc, 0)
t.check('short-lived leaf: validity', d['certificates'][0]['validity'] if d.get('certificates') else None,
        'valid, short-lived')
f = findings(d, 'leaf-short-lived-no-cdp')
t.check('short-lived leaf: 812/258 by design', [(x['severity'], x['signature']) for x in f],
        [('note', '812/258')])
t.check('short-lived leaf: IgnoreNoRevocationCheck', 'IgnoreNoRevocationCheck' in (f[0]['fix'] if f else ''), True)
t.check('short-lived leaf: no template finding', findings(d, 'leaf-no-cdp'), [])

# No Client Authentication (a server certificate), EC key, DNS name.
p.leaf('server', 'vpn.lab.example', 'ica2', eku='serverAuth', dns='vpn.lab.example',
       cdp=['http://pki.lab.example/ica2.crl'], kind='ec')
rc, d = t.cert_json('server.cer', 'ica2.pem', 'root.pem')
t.check('no client auth: finding', [x['certificate'] for x in findings(d, 'leaf-no-client-auth')], [0])
leaf = d['certificates'][0] if d.get('certificates') else {}
t.check('EC key', leaf.get('key'), 'EC 256 (prime256v1)')
t.check('DNS SAN', leaf.get('dns'), ['vpn.lab.example'])
t.check('EKU', leaf.get('eku'), ['Server Authentication (1.3.6.1.5.5.7.3.1)'])

# A CA whose EKUs leave out Client Authentication.
p.issuing_ca('ica3', 'Lab Server-only CA', 'root', cdp='http://pki.lab.example/root.crl', eku='serverAuth')
p.leaf('erin', 'erin', 'ica3', upn='erin@lab.example', cdp=['http://pki.lab.example/ica3.crl'])
rc, d = t.cert_json('erin.pem', 'ica3.pem', 'root.pem')
t.check('CA EKU without client auth', [x['certificate'] for x in findings(d, 'ca-eku-no-client-auth')], [1])

# Expired leaf; the same chain judged at a later time (--at).
p.leaf('old', 'frank', 'ica2', upn='frank@lab.example', cdp=['http://pki.lab.example/ica2.crl'],
       start=now - 2 * 365 * 86400, end=now - 86400)
rc, d = t.cert_json('old.pem', 'ica2.pem', 'root.pem')
t.check('expired leaf', [(x['certificate'], x['severity']) for x in findings(d, 'expired')], [(0, 'error')])
t.check('expired leaf: validity', d['certificates'][0]['validity'] if d.get('certificates') else None, 'expired')
later = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now + 2 * 365 * 86400))
rc, d = t.cert_json('--at', later, 'bob.pem', 'ica2.pem', 'root.pem')
t.check('--at two years on: the leaf expired', [x['certificate'] for x in findings(d, 'expired')], [0])

# Incomplete chain: the leaf alone.
rc, d = t.cert_json('bob.pem')
t.check('incomplete chain', [(x['id'], x['signature']) for x in findings(d, 'chain-incomplete')],
        [('chain-incomplete', '265 / 0x800B0109')])

# A certificate whose issuer name matches but whose signature does not.
p.root('fake', 'Lab Cloud PKI Root CA')  # same name, other key
rc, d = t.cert_json('ica.pem', 'fake.pem')
t.check('signature mismatch', [x['certificate'] for x in findings(d, 'bad-signature')], [0])

# Usage errors.
rc, out, err = t.cert()
t.check('no file: usage', rc, 2)
rc, out, err = t.cert('--format', 'xml', 'bob.pem')
t.check('bad format: usage', rc, 2)
t.done()
