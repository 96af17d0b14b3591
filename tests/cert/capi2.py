"""The CAPI2 log as certificate evidence (issue 14 item 3): the Error-853
fixture plus NPS01's CAPI2 log (tests/fixtures/capi2) gives an incident
that names the certificate whose revocation check failed and the CDP URL
that could not be fetched, with the CAPI2 events as context; alice's chain
build a second earlier (another leaf) is not rdeckard's evidence; without
the CAPI2 log there is no such fact. With ../shared, the real CAPI2 logs
are read into the capi2 family's table."""
import glob
import json
import os
import sqlite3
import subprocess

from pki import NPSDIAG, Test

SRC = os.environ['SRC']
SHARED = os.environ.get('SHARED', '')
t = Test('capi2')


def npsdiag(*args):
    r = subprocess.run([NPSDIAG] + list(args), cwd=t.dir, capture_output=True, timeout=300)
    return r.returncode, r.stdout.decode('utf-8', 'replace'), r.stderr.decode('utf-8', 'replace')


def diagnose(db, files):
    rc, out, err = npsdiag('ingest', '--quiet', '--db', db, *files)
    t.check('ingest %s: status' % db, (rc, err), (0, ''))
    rc, out, err = npsdiag('diagnose', '--db', db, '--format', 'json')
    t.check('diagnose %s: status 1 (incidents)' % db, rc, 1)
    try:
        return json.loads(out)
    except ValueError:
        print('not JSON: %s %s' % (out[:500], err))
        return {}


def facts(inc):
    return {f['name']: f['value'] for f in inc.get('facts', [])}


error853 = sorted(glob.glob(os.path.join(SRC, 'tests/fixtures/error853/*.evtx')))
capi2 = os.path.join(SRC, 'tests/fixtures/capi2/NPS01-CAPI2.evtx')

doc = diagnose(t.path('with.db'), error853 + [capi2])
incs = [i for i in doc.get('incidents', []) if i.get('cause', {}).get('id') == 'revocation-check-failed']
t.check('one revocation-check-failed incident', len(incs), 1)
inc = incs[0] if incs else {}
cert = facts(inc).get('certificate', '')
print('certificate fact: %s' % cert)
t.check('it names the failing certificate and its error',
        cert.startswith('"Lab Issuing CA": CRYPT_E_REVOCATION_OFFLINE (0x80092013)'), True)
t.check('it names the CDP URL that failed and why',
        '; URL http://pki.lab.example/cdp/Lab%20Root%20CA.crl: ERROR_INTERNET_CANNOT_CONNECT (0x00002EFD)' in cert,
        True)
t.check('it says where it comes from', '(CAPI2 log of NPS01.lab.example, lsass.exe, 0.4 s before the decision)' in cert,
        True)
ctx = [e for e in inc.get('evidence', []) if e.get('role') == 'context']
t.check('the CAPI2 events of the five attempts are context (53, 41, 11, 30 each)',
        sorted(e.get('event_id') for e in ctx), sorted([53, 41, 11, 30] * 5))

# alice's chain build at 09:12:41 is not in rdeckard's incident.
db = sqlite3.connect(t.path('with.db'))
alice = [r[0] for r in db.execute(
    "SELECT e.id FROM events e JOIN capi2_events c ON c.event_ref = e.id"
    " WHERE c.task_id = '{0A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9}'")]
t.check('alice\'s three CAPI2 events are stored', len(alice), 3)
linked = [r[0] for r in db.execute('SELECT event_ref FROM incident_events WHERE role = \'context\'')]
t.check('and none of them is linked', [a for a in alice if a in linked], [])
row = db.execute("SELECT c.subject, c.failing_subject, c.url, c.error, c.error_name, c.process FROM capi2_events c"
                 " JOIN events e ON e.id = c.event_ref WHERE e.event_id = 11 AND c.subject = 'rdeckard@lab.example'"
                 " LIMIT 1").fetchone()
t.check('event 11 typed columns', row, ('rdeckard@lab.example', 'Lab Issuing CA', None, 0x80092013,
                                        'CRYPT_E_REVOCATION_OFFLINE', 'lsass.exe'))
db.close()

# The text output shows the fact too.
rc, out, err = npsdiag('diagnose', '--db', t.path('with.db'))
t.check('text names the URL', 'URL http://pki.lab.example/cdp/Lab%20Root%20CA.crl' in out, True)

doc = diagnose(t.path('without.db'), error853)
incs = [i for i in doc.get('incidents', []) if i.get('cause', {}).get('id') == 'revocation-check-failed']
t.check('without the CAPI2 log: no certificate fact', [facts(i).get('certificate') for i in incs], [None])

# Hostile UserData: 200,000 nested elements and 100,000 siblings in one
# event keep 512 fields (parsers/xml/event_xml.h), no deeper than 8 levels.
with open(t.path('deep.xml'), 'w') as fh:
    fh.write('<Event><System><Provider Name="Microsoft-Windows-CAPI2"/><EventID>11</EventID>'
             '<TimeCreated SystemTime="2025-03-14T09:00:00Z"/><Computer>NPS01</Computer></System>'
             '<UserData><CertGetCertificateChain>' + '<A x="1">' * 200000 + 'v' + '</A>' * 200000 +
             ''.join('<B n="%d"/>' % i for i in range(100000)) + '</CertGetCertificateChain></UserData></Event>')
rc, out, err = npsdiag('ingest', '--quiet', '--db', t.path('deep.db'), t.path('deep.xml'))
t.check('hostile UserData: ingested', (rc, err), (0, ''))
db = sqlite3.connect(t.path('deep.db'))
t.check('hostile UserData: 512 fields, 8 levels at most',
        db.execute("SELECT count(*), max(length(name) - length(replace(name, '/', ''))) FROM event_fields"
                   " WHERE name NOT IN ('Subject', 'Process', 'TaskId', 'ChainRef')").fetchone(), (512, 8))
db.close()

# The real CAPI2 logs of the shared corpus: every event of the family typed.
real = sorted(glob.glob(os.path.join(SHARED, 'corpus/real/*/*CAPI2*.evtx'))) if SHARED else []
if real:
    rc, out, err = npsdiag('ingest', '--quiet', '--db', t.path('real.db'), *real)
    db = sqlite3.connect(t.path('real.db'))
    n = dict(db.execute('SELECT e.event_id, count(*) FROM capi2_events c JOIN events e ON e.id = c.event_ref'
                        ' GROUP BY 1'))
    print('real CAPI2 events by id: %r' % n)
    t.check('real logs: all five ids kept', sorted(n), [11, 30, 41, 53, 90])
    t.check('real logs: every 53 names its URL',
            db.execute("SELECT count(*) FROM capi2_events c JOIN events e ON e.id = c.event_ref"
                       " WHERE e.event_id = 53 AND c.url NOT LIKE 'http%'").fetchone()[0], 0)
    t.check('real logs: the chain that could not check revocation names its CA',
            db.execute("SELECT failing_subject, error_name FROM capi2_events WHERE subject = 'Microsoft Corporation'"
                       " AND failing_subject IS NOT NULL LIMIT 1").fetchone(),
            ('Microsoft Code Signing PCA', 'CRYPT_E_NO_REVOCATION_CHECK'))
    db.close()
else:
    print('skip: no real CAPI2 logs in ../shared')
t.done()
