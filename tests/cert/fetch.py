"""npsdiag cert --fetch: the CRL behind each CDP, served by an HTTP server
this test starts on 127.0.0.1 (no other address): fresh, listing the leaf,
expired, about to expire, missing, signed by another CA, not a CRL, a
redirect to a file:// URL, a server that never answers (bounded by
--timeout); LDAP URLs are reported as not fetched."""
import functools
import http.server
import os
import shutil
import socket
import threading
import time

from pki import Pki, Test, findings

for var in ('http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'):
    os.environ.pop(var, None)

t = Test('fetch')
p = Pki(t)
www = t.path('www')
os.makedirs(www)


class Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.path == '/redirect.crl':
            self.send_response(302)
            self.send_header('Location', 'file:///etc/passwd')
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Handler, directory=www))
threading.Thread(target=server.serve_forever, daemon=True).start()
base = 'http://127.0.0.1:%d' % server.server_address[1]
# A server that takes connections and never answers.
silent = socket.socket()
silent.bind(('127.0.0.1', 0))
silent.listen(8)
silent_url = 'http://127.0.0.1:%d/ica.crl' % silent.getsockname()[1]

now = time.time()
p.root('root', 'Lab Root CA')
p.issuing_ca('ica', 'Lab Issuing CA', 'root', cdp=base + '/root.crl')
ldap = 'ldap:///CN=Lab%20Issuing%20CA?certificateRevocationList?base?objectClass=cRLDistributionPoint'
p.leaf('alice', 'alice', 'ica', upn='alice@lab.example', cdp=[base + '/ica.crl', ldap])
p.leaf('bob', 'bob', 'ica', upn='bob@lab.example', cdp=[base + '/ica.crl'])


def publish(ca, name, der=True, last=None, nxt=None):
    p.crl(ca, name, der=der, last=last, nxt=nxt)
    shutil.move(t.path(name), os.path.join(www, name))


def run(leaf, *extra):
    return t.cert_json('--fetch', '--timeout', '5', *extra, leaf + '.pem', 'ica.pem', 'root.pem')


publish('root', 'root.crl', der=False)  # PEM
publish('ica', 'ica.crl')  # DER
rc, d = run('alice')
t.check('fresh CRLs: exit status 0', rc, 0)
crls = [c.get('crl', []) for c in d.get('certificates', [])]
t.check('leaf CRLs: HTTP fetched, LDAP not', [(r['url'].split(':')[0], r['fetched'], r['state']) for r in crls[0]],
        [('http', True, 'current, does not list the certificate'), ('ldap', False, 'not fetched (LDAP)')])
t.check('leaf CRL signature verified', (crls[0][0].get('signature'), crls[0][0].get('issuer_match')), (True, True))
t.check('issuing CA CRL from the root (PEM)', [(r['fetched'], r.get('revoked')) for r in crls[1]], [(True, False)])
t.check('LDAP noted', [x['severity'] for x in findings(d, 'crl-ldap-not-fetched')], ['note'])
t.check('no error or warning', [x['id'] for x in d.get('findings', []) if x['severity'] != 'note'], [])

# The CRL lists bob.
p.revoke('ica', 'bob')
publish('ica', 'ica.crl')
rc, d = run('bob')
t.check('revoked: exit status 1', rc, 1)
t.check('revoked: finding on the leaf', [(x['certificate'], x['cause']) for x in findings(d, 'revoked')],
        [(0, 'client-certificate-expired-or-revoked')])
rc, d = run('alice')
t.check('alice is not listed', findings(d, 'revoked'), [])

# Expired, and about to expire.
publish('ica', 'ica.crl', last=now - 14 * 86400, nxt=now - 7 * 86400)
rc, d = run('alice')
t.check('expired CRL: 853/259', [(x['certificate'], x['signature']) for x in findings(d, 'crl-expired')],
        [(0, '853/259')])
t.check('expired CRL: state', d['certificates'][0]['crl'][0]['state'] if d.get('certificates') else None, 'expired')
publish('ica', 'ica.crl', last=now - 6 * 86400, nxt=now + 3600)
rc, d = run('alice')
t.check('CRL expiring within a day: warning', [x['severity'] for x in findings(d, 'crl-expiring')], ['warning'])
t.check('CRL expiring: exit status 0', rc, 0)

# Missing (404): the only HTTP CDP of the leaf, so an error (259).
os.unlink(os.path.join(www, 'ica.crl'))
rc, d = run('alice')
f = findings(d, 'crl-unreachable')
t.check('404: unreachable error', [(x['certificate'], x['severity'], x['cause']) for x in f],
        [(0, 'error', 'crl-offline')])
t.check('404: says why', '404' in (f[0]['message'] if f else ''), True)

# Signed by another CA: the root's CRL where the issuing CA's should be.
shutil.copy(os.path.join(www, 'root.crl'), os.path.join(www, 'ica.crl'))
rc, d = run('alice')
t.check('CRL of another issuer', [x['certificate'] for x in findings(d, 'crl-bad-signature')], [0])

# Not a CRL.
with open(os.path.join(www, 'ica.crl'), 'w') as fh:
    fh.write('<html>proxy login</html>\n')
rc, d = run('alice')
f = findings(d, 'crl-unreachable')
t.check('not a CRL', 'not a CRL' in (f[0]['message'] if f else ''), True)

# A redirect to file:// is not followed; a silent server is given up on in time.
p.leaf('carol', 'carol', 'ica', upn='carol@lab.example', cdp=[base + '/redirect.crl', silent_url])
start = time.time()
rc, d = t.cert_json('--fetch', '--timeout', '1', 'carol.pem', 'ica.pem', 'root.pem')
took = time.time() - start
f = findings(d, 'crl-unreachable')
t.check('redirect to file:// and silent server: two unreachable errors', [x['severity'] for x in f],
        ['error', 'error'])
t.check('--timeout 1 bounds the silent server (%.1f s)' % took, took < 20, True)
t.check('the file was not read', 'root:' in str(d), False)

# Without --fetch, nothing is downloaded.
rc, d = t.cert_json('alice.pem', 'ica.pem', 'root.pem')
t.check('no fetch: no crl member', 'crl' in (d.get('certificates') or [{}])[0], False)
rc, out, err = t.cert('--fetch', '--timeout', 'x', 'alice.pem')
t.check('bad --timeout: usage', rc, 2)

server.shutdown()
silent.close()
t.done()
