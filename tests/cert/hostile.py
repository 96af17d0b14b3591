"""npsdiag cert on hostile input (run under ASan+UBSan in CI): empty,
random and truncated DER, a tampered signature, broken PEM, a file over the size limit, deeply
nested PKCS#7 and BER, a certificate with thousands of SAN names, and
control characters in a UPN, which must come out escaped."""
import json
import os
import random

from pki import Pki, Test, findings

t = Test('hostile')
p = Pki(t)
rnd = random.Random(14)


def write(name, data):
    with open(t.path(name), 'wb') as fh:
        fh.write(data)
    return name


def der(tag, content):
    n = len(content)
    if n < 0x80:
        head = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
        head = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + head + content


SIGNED_DATA = der(0x06, bytes([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]))


def nested_pkcs7(depth):
    """A ContentInfo whose SignedData holds a ContentInfo ... depth times."""
    inner = der(0x30, der(0x06, bytes([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01])))
    for _ in range(depth):
        sd = der(0x30, der(0x02, b'\x01') + der(0x31, b'') + inner + der(0x31, b''))
        inner = der(0x30, SIGNED_DATA + der(0xa0, sd))
    return inner


p.root('root', 'Lab Root CA')
p.leaf('leaf', 'leaf', 'root', upn='leaf@lab.example', cdp=['http://pki.lab.example/root.crl'])
cert = open(t.path('leaf.cer'), 'rb').read()
bad = {
    'empty.cer': b'',
    'random.cer': bytes(rnd.getrandbits(8) for _ in range(4096)),
    'truncated.cer': cert[:len(cert) // 2],
    'broken.pem': b'-----BEGIN CERTIFICATE-----\n!!!!not base64!!!!\n-----END CERTIFICATE-----\n',
    'unterminated.pem': b'-----BEGIN CERTIFICATE-----\n' + b'QUFB' * 1000,
    'nested.p7b': nested_pkcs7(3000),
    'ber-deep.der': b'\x30\x80' * 200000,
    'length.der': b'\x30\x84\xff\xff\xff\xff' + b'\x00' * 64,
}
for name, data in sorted(bad.items()):
    write(name, data)
    rc, out, err = t.cert(name)
    t.check('%s: refused with status 2' % name, (rc, 'npsdiag: ' in err and name in err), (2, True))
t.openssl('crl2pkcs7', '-nocrl', '-outform', 'DER', '-out', 'empty.p7b')
rc, out, err = t.cert('empty.p7b')
t.check('a .p7b without certificates: status 2', (rc, 'no certificate' in err), (2, True))
with open(t.path('huge.cer'), 'wb') as fh:
    fh.truncate(17 * 1024 * 1024)
rc, out, err = t.cert('huge.cer')
t.check('huge.cer: refused as too large', (rc, 'larger than' in err), (2, True))
# A certificate whose signature was tampered with reads, and is named.
write('flipped.cer', cert[:-1] + bytes([cert[-1] ^ 0xff]))
rc, d = t.cert_json('flipped.cer', 'root.pem')
t.check('tampered signature: named', [x['certificate'] for x in findings(d, 'bad-signature')], [0])

# A bad file among good ones fails the run and names it.
rc, out, err = t.cert('leaf.cer', 'random.cer', 'root.pem')
t.check('good and bad files: status 2 naming the bad one', (rc, 'random.cer' in err), (2, True))

# Thousands of SAN names.
p.issue('many', 'many', 'root', ['basicConstraints=CA:FALSE', 'extendedKeyUsage=clientAuth',
                                 'subjectAltName=' + ','.join('DNS:host%d.lab.example' % i for i in range(5000))])
rc, d = t.cert_json('many.pem', 'root.pem')
t.check('5000 SAN names read', len((d.get('certificates') or [{}])[0].get('dns', [])), 5000)

# Control characters in a UPN and in the subject (openssl's configuration
# takes bytes as Latin-1, so a bidi override cannot be made this way).
evil = 'evil\x1b[2J\x07\x7f@lab.example'
p.issue('evil', 'evil\x1b]0;pwned\x07', 'root', ['basicConstraints=CA:FALSE', 'extendedKeyUsage=clientAuth',
                                                'subjectAltName=otherName:1.3.6.1.4.1.311.20.2.3;UTF8:' + evil])
rc, out, err = t.cert('evil.pem', 'root.pem')
t.check('text: exit status 0 or 1', rc in (0, 1), True)
t.check('text: no raw ESC, BEL or DEL', any(c in out for c in '\x1b\x07\x7f'), False)
t.check('text: UPN escaped', 'evil\\x1b[2J\\x07\\x7f@lab.example' in out, True)
rc, out, err = t.cert('--format', 'json', 'evil.pem', 'root.pem')
t.check('json: no raw control characters', any(ord(c) < 0x20 and c != '\n' for c in out), False)
try:
    d = json.loads(out)
except ValueError:
    d = {}
t.check('json: UPN round-trips', (d.get('certificates') or [{}])[0].get('upn'), [evil])
t.done()
