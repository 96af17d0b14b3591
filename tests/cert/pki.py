"""A small PKI made with the openssl command for the cert tests: roots,
issuing CAs with and without CDP, leaves of every kind, CRLs fresh,
expired and listing a leaf. Everything lives in one temporary directory
under the build tree."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

NPSDIAG = os.environ.get('NPSDIAG', '')
OPENSSL = os.environ.get('OPENSSL') or shutil.which('openssl') or ''
if not OPENSSL or not os.path.exists(OPENSSL):
    print('SKIP: no openssl command')
    sys.exit(77)

UPN_OID = '1.3.6.1.4.1.311.20.2.3'


def asn1_time(t):
    """unix seconds as the YYYYMMDDHHMMSSZ openssl ca takes."""
    return time.strftime('%Y%m%d%H%M%SZ', time.gmtime(t))


class Test:
    """Counts checks; exits 1 at the end when one failed."""

    def __init__(self, name):
        base = os.environ.get('CERT_TMP') or tempfile.gettempdir()
        os.makedirs(base, exist_ok=True)
        self.dir = tempfile.mkdtemp(prefix=name + '-', dir=base)
        self.failed = 0

    def check(self, what, got, want):
        if got != want:
            self.failed += 1
            print('FAIL %s: got %r, want %r' % (what, got, want))
        else:
            print('ok   %s' % what)

    def path(self, name):
        return os.path.join(self.dir, name)

    def openssl(self, *args, stdin=None):
        r = subprocess.run([OPENSSL] + list(args), cwd=self.dir, input=stdin, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError('openssl %s: %s' % (' '.join(args), r.stderr))
        return r.stdout

    def cert(self, *args):
        """Runs npsdiag cert; returns (status, stdout, stderr)."""
        r = subprocess.run([NPSDIAG, 'cert'] + list(args), cwd=self.dir, capture_output=True, timeout=120)
        return r.returncode, r.stdout.decode('utf-8', 'replace'), r.stderr.decode('utf-8', 'replace')

    def cert_json(self, *args):
        """Runs npsdiag cert --format json; returns (status, document)."""
        rc, out, err = self.cert('--format', 'json', *args)
        try:
            return rc, json.loads(out)
        except ValueError:
            print('not JSON (status %d): %s %s' % (rc, out[:500], err))
            return rc, {}

    def done(self):
        if self.failed:
            print('%d checks failed; files in %s' % (self.failed, self.dir))
            sys.exit(1)
        shutil.rmtree(self.dir, ignore_errors=True)
        sys.exit(0)


class Pki:
    """Keys and certificates in t.dir: name.key, name.pem (and name.cer, DER)."""

    def __init__(self, t):
        self.t = t

    def key(self, name, kind='rsa'):
        if kind == 'ec':
            self.t.openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', name + '.key')
        else:
            self.t.openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', name + '.key')

    def root(self, name, cn, cdp=None):
        self.key(name)
        ext = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']
        if cdp:
            ext += ['-addext', 'crlDistributionPoints=URI:' + cdp]
        self.t.openssl('req', '-x509', '-new', '-key', name + '.key', '-subj', '/CN=' + cn, '-days', '3650',
                       '-out', name + '.pem', *ext)
        self.ca_config(name)
        return name + '.pem'

    def ca_config(self, name):
        """An openssl ca configuration for CA name (to issue with set dates, revoke, make CRLs)."""
        d = self.t.dir
        for f, text in ((name + '.index', ''), (name + '.crlnum', '01\n')):
            with open(os.path.join(d, f), 'w') as fh:
                fh.write(text)
        with open(os.path.join(d, name + '.cnf'), 'w') as fh:
            fh.write('[ca]\ndefault_ca = ca\n[ca]\n'
                     'database = %(d)s/%(n)s.index\nnew_certs_dir = %(d)s\ncertificate = %(d)s/%(n)s.pem\n'
                     'private_key = %(d)s/%(n)s.key\nserial = %(d)s/%(n)s.serial\ncrlnumber = %(d)s/%(n)s.crlnum\n'
                     'default_md = sha256\ndefault_days = 365\ndefault_crl_days = 7\npolicy = pol\n'
                     'unique_subject = no\ncopy_extensions = none\n[pol]\ncommonName = supplied\n'
                     % {'d': d, 'n': name})
        with open(os.path.join(d, name + '.serial'), 'w') as fh:
            fh.write('%032x\n' % (int.from_bytes(os.urandom(15), 'big') | 1))

    def ext_file(self, name, lines):
        path = self.t.path(name + '.ext')
        with open(path, 'w') as fh:
            fh.write('[x]\n' + '\n'.join(lines) + '\n')
        return path

    def issue(self, name, cn, ca, lines, kind='rsa', start=None, end=None):
        """Issues name.pem (and name.cer, DER) for cn from CA ca with the extension lines."""
        self.key(name, kind)
        self.t.openssl('req', '-new', '-key', name + '.key', '-subj', '/CN=' + cn, '-out', name + '.csr')
        ext = self.ext_file(name, lines)
        now = time.time()
        self.t.openssl('ca', '-config', ca + '.cnf', '-batch', '-notext', '-in', name + '.csr', '-out', name + '.pem',
                       '-extfile', ext, '-extensions', 'x',
                       '-startdate', asn1_time(start if start is not None else now - 3600),
                       '-enddate', asn1_time(end if end is not None else now + 365 * 86400))
        self.t.openssl('x509', '-in', name + '.pem', '-outform', 'DER', '-out', name + '.cer')
        return name + '.pem'

    def issuing_ca(self, name, cn, root, cdp=None, eku=None):
        lines = ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign',
                 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid']
        if cdp:
            lines.append('crlDistributionPoints=URI:' + cdp)
        if eku:
            lines.append('extendedKeyUsage=' + eku)
        self.issue(name, cn, root, lines, end=time.time() + 5 * 365 * 86400)
        self.ca_config(name)
        return name + '.pem'

    def leaf(self, name, cn, ca, eku='clientAuth', upn=None, dns=None, cdp=None, kind='rsa', start=None, end=None):
        lines = ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment',
                 'authorityKeyIdentifier=keyid']
        if eku:
            lines.append('extendedKeyUsage=' + eku)
        san = []
        if upn:
            san.append('otherName:%s;UTF8:%s' % (UPN_OID, upn))
        if dns:
            san.append('DNS:' + dns)
        if san:
            lines.append('subjectAltName=' + ','.join(san))
        if cdp:
            lines.append('crlDistributionPoints=' + ','.join('URI:' + u for u in cdp))
            lines.append('authorityInfoAccess=OCSP;URI:http://ocsp.lab.example/ocsp,'
                         'caIssuers;URI:http://pki.lab.example/issuing.cer')
        return self.issue(name, cn, ca, lines, kind=kind, start=start, end=end)

    def revoke(self, ca, name):
        self.t.openssl('ca', '-config', ca + '.cnf', '-revoke', name + '.pem')

    def crl(self, ca, out, der=True, last=None, nxt=None):
        """Writes the CRL of ca to out (DER or PEM), valid now for 7 days unless last/nxt are given."""
        args = ['ca', '-config', ca + '.cnf', '-gencrl', '-out', out + '.tmp']
        if last is not None:
            args += ['-crl_lastupdate', asn1_time(last), '-crl_nextupdate', asn1_time(nxt)]
        self.t.openssl(*args)
        self.t.openssl('crl', '-in', out + '.tmp', '-outform', 'DER' if der else 'PEM', '-out', out)
        os.unlink(self.t.path(out + '.tmp'))
        return out


def findings(doc, fid=None):
    return [f for f in doc.get('findings', []) if fid is None or f['id'] == fid]
