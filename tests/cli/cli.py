"""The command line as a Windows admin uses it (issue 13, items 1-5): no
silent empty results, filters that take what people paste, errors that name
the option, the value and what was expected, explain for any pasted code,
the causes list, times in a chosen zone, and per-command help that the man
page cannot drift from. Messages and exit statuses are asserted."""
import json
import os
import re
import shutil
import subprocess
import tempfile

from harness import Test, NPSDIAG, SRC

t = Test()


def run(*args, cwd=None, env=None):
    """Runs npsdiag ARGS as given (no --db added); returns (status, stdout, stderr)."""
    e = dict(os.environ, NO_COLOR='1', **(env or {}))
    e.pop('NPSDIAG_DB', None)
    p = subprocess.run([NPSDIAG] + list(args), capture_output=True, cwd=cwd, env=e)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def incidents(*args):
    """The incidents and findings diagnose --format json selects with ARGS."""
    rc, out, err = t.run('diagnose', '--format', 'json', *args)
    if rc not in (0, 1):
        t.check('diagnose %s (%s)' % (' '.join(args), err.strip()), rc, 1)
        return []
    d = json.loads(out)
    return [i['cause']['id'] for i in d['incidents'] + d['findings']]


# 1. No silent empty results: the default database in a fresh directory.
cwd = tempfile.mkdtemp(prefix='npsdiag-cli.')
for cmd in ('diagnose', 'report'):
    rc, out, err = run(cmd, cwd=cwd)
    t.check('%s without a database: exit 2' % cmd, rc, 2)
    t.check('%s without a database: names it, suggests ingest (%s)' % (cmd, err.strip()),
            'npsdiag.db: no such database: ingest logs into it first' in err, True)
    t.check('%s without a database: not created' % cmd, os.listdir(cwd), [])

rc, out, err = t.run('ingest', '--quiet', os.path.join(SRC, 'tests', 'fixtures', 'error853'))
t.check('ingest the fixture (%s)' % err.strip(), rc, 0)
ALL = ['revocation-check-failed', 'server-certificate-expiring']
t.check('everything', sorted(incidents()), sorted(set(incidents())))
every = incidents()

# 2. Filters. --user: every form of the identity, any case.
for user in ('LAB\\rdeckard', 'lab\\RDECKARD', 'rdeckard', 'rdeckard@lab.example', 'RDeckard@LAB.EXAMPLE',
             'lab.example\\rdeckard'):
    t.check('--user %s' % user, incidents('--user', user), ['revocation-check-failed'])
for user in ('rdeck', 'OTHER\\rdeckard', 'bob', 'rdeckard@other.example'):
    t.check('--user %s: no match' % user, incidents('--user', user), [])
t.check('--user-regex', incidents('--user-regex', '^lab\\\\r'), ['revocation-check-failed'])
# --host: client, VPN or NPS server, full name or first label, any case.
for host in ('CLIENT01', 'client01.lab.example', 'vpn01'):
    t.check('--host %s' % host, incidents('--host', host), ['revocation-check-failed'])
t.check('--host nps01: the incident and the finding', len(incidents('--host', 'nps01')), len(every))
t.check('--host nobody', incidents('--host', 'nobody'), [])
# JSON echoes every active filter (and null for those not given).
rc, out, err = t.run('diagnose', '--format', 'json', '--user-regex', '^lab\\\\r', '--host', 'vpn01', '--user', 'RDeckard',
                     '--since', '7d', '--until', '2025-03-14', '--cause', 'revocation-check-failed')
t.check('json parameters: every filter echoed', json.loads(out)['parameters'],
        {'window_s': 5, 'skew_s': 2, 'gap_s': 3600, 'user': 'RDeckard', 'since': '7d', 'until': '2025-03-14',
         'cause': 'revocation-check-failed', 'user_regex': '^lab\\\\r', 'host': 'vpn01'})
rc, out, err = t.run('report', '--format', 'json', '--host', 'NPS01')
t.check('report json parameters', [json.loads(out)['parameters'][k] for k in ('user', 'user_regex', 'host')],
        [None, None, 'NPS01'])
# --since/--until: what people paste.
t.check('--since date and time, space', len(incidents('--since', '2025-03-14 09:30')), 1)
t.check('--since with an offset', len(incidents('--since', '2025-03-14 10:30:00+01:00')), 1)
t.check('--since with an offset, before all', len(incidents('--since', '2025-03-14 07:00+01:00')), len(every))
t.check('--until a date: its end', len(incidents('--until', '2025-03-14')), len(every))
t.check('--until the day before', incidents('--until', '2025-03-13'), [])
t.check('--since 1h: back from the newest stored event', len(incidents('--since', '1h')), 1)
t.check('--since 7d', len(incidents('--since', '7d')), len(every))
t.check('--since in --tz', len(incidents('--tz', 'Europe/Berlin', '--since', '2025-03-14 10:30')), 1)
t.check('--since in --tz, one hour later', len(incidents('--tz', 'Europe/Berlin', '--since', '2025-03-14 11:30')), 0)

# 3. Errors name the option, the value and what was expected.
for args, msg in [
        (('--since', '1h3'), "npsdiag diagnose: --since '1h3': expected YYYY-MM-DD[ HH:MM[:SS]]"),
        (('--until', '2025-02-30'), "npsdiag diagnose: --until '2025-02-30': expected YYYY-MM-DD"),
        (('--tz', 'Mars/Olympus'), "npsdiag diagnose: --tz 'Mars/Olympus': expected an IANA zone name"),
        (('--window', 'x'), "npsdiag diagnose: --window 'x': expected seconds from above 0 to 3600"),
        (('--format', 'xml'), "npsdiag diagnose: --format 'xml': expected text, json, jsonl or ecs"),
        (('--frobnicate',), "npsdiag diagnose: unknown option --frobnicate (npsdiag diagnose --help lists"),
        (('--since',), "npsdiag diagnose: --since needs a value"),
        (('--cause', 'no-such'), "npsdiag diagnose: --cause 'no-such': no such cause; expected one of:")]:
    rc, out, err = t.run('diagnose', *args)
    t.check('%s: exit 2' % ' '.join(args), rc, 2)
    t.check('%s: message (%s)' % (' '.join(args), err.strip()[:200]), err.startswith(msg), True)
    t.check('%s: not the bare usage' % ' '.join(args), 'usage:' in err, False)
rc, out, err = t.run('diagnose', '--cause', 'no-such')
t.check('unknown --cause lists the ids', '  revocation-check-failed (confirmed): ' in err, True)
rc, out, err = t.run('report', '--since', 'yesterday')
t.check('report --since yesterday', (rc, err.startswith("npsdiag report: --since 'yesterday': expected")), (2, True))
rc, out, err = run('ingest', '--tz', 'Europe/Berlin', 'logs', cwd=cwd)
t.check('ingest --tz Europe/Berlin: the NPS text log zone is an offset',
        (rc, err.strip(), os.listdir(cwd)),
        (2, "npsdiag ingest: --tz 'Europe/Berlin': expected UTC or an offset such as +01:00 or -05:00 (the NPS "
            "servers' zone)", []))
rc, out, err = t.run('report', '-o', os.path.join(cwd, 'no-such-dir', 'r.html'))
t.check('report -o into a missing folder: says why', (rc, err.strip()),
        (2, 'npsdiag report: %s: cannot create the report: No such file or directory' %
         os.path.join(cwd, 'no-such-dir', 'r.html')))
rc, out, err = run('tail', '--interval', '0')
t.check('tail --interval 0', (rc, err.strip()), (2, "npsdiag tail: --interval '0': expected seconds from 0.01 to 86400"))

# causes: the loaded rules' ids, titles, confidence and needs.
rc, out, err = run('causes')
t.check('causes: exit 0 (%s)' % err.strip(), rc, 0)
t.check('causes: the revocation cause', 'revocation-check-failed (confirmed, incident)' in out, True)
t.check('causes: what it needs', 'revocation-check-failed (confirmed, incident)\n'
        '    NPS could not check revocation of the client certificate chain\n'
        '    needs: client error 853; NPS 6273 reason 258\n' in out, True)
rc, out, err = run('causes', '--format', 'tsv')
rows = [r.split('\t') for r in out.splitlines()]
t.check('causes tsv: header', rows[0], ['id', 'confidence', 'kind', 'title', 'needs'])
t.check('causes tsv: five columns', {len(r) for r in rows}, {5})
t.check('causes tsv: every cause once', len({r[0] for r in rows[1:]}), len(rows) - 1)
t.check('causes: the count', re.search(r'^(\d+) causes', run('causes')[1], re.M).group(1), str(len(rows) - 1))

# 4. explain.
for args, want in [
        (('-2146762487',), 'CERT_E_UNTRUSTEDROOT'),
        (('80092013',), 'CRYPT_E_REVOCATION_OFFLINE'),
        (('0x800704C9',), 'ERROR_CONNECTION_REFUSED'),
        (('0xC000006D',), 'STATUS_LOGON_FAILURE'),
        (('0x80090325',), 'SEC_E_UNTRUSTED_ROOT'),
        (('853',), 'revocation-check-failed'),
        (('reason', '16'), 'IAS_AUTH_FAILURE'),
        (('--rules', os.path.join(SRC, 'rules'), '-2146762487'), 'CERT_E_UNTRUSTEDROOT')]:
    rc, out, err = run('explain', *args)
    t.check('explain %s (%s)' % (' '.join(args), err.strip()), (rc, want in out), (0, True))
rc, out, err = run('explain', '-2146762487')
t.check('explain -2146762487: says which hex code it is',
        out.startswith('-2146762487 is 0x800B0109 (a 32-bit code written as a signed number)\ncode '), True)
for args in (('--', '-2146762487'), ('--rules', os.path.join(SRC, 'rules'), '--', '-2146762487'), ('--', '853')):
    rc, out, err = run('explain', *args)
    t.check('explain %s (%s)' % (' '.join(args), err.strip()), (rc, 'code ' in out), (0, True))
rc, out, err = run('explain', '--', '--rules')
t.check('explain -- --rules: a code, not an option', (rc, err.startswith("npsdiag explain: code '--rules'")), (2, True))
rc, out, err = run('explain', '0x800704C9')
t.check('explain 0x800704C9: says it wraps 1225', out.startswith('0x800704C9 is HRESULT_FROM_WIN32(1225)'), True)
rc, out, err = run('explain', '80092013')
t.check('explain 80092013: says it was read as hex', out.startswith('80092013 read as hex: 0x80092013'), True)
rc, out, err = run('explain', '16')
t.check('explain 16: an NPS reason, said so',
        (rc, out.startswith('16 is not a RAS error code; it is an NPS reason code')), (0, True))
rc, out, err = run('explain', 'event', '6273')
t.check('explain event 6273', (rc, 'family: nps_audit' in out, 'reads: reason_code' in out), (0, True, True))
rc, out, err = run('explain', 'event', '20227')
t.check('explain event 20227', (rc, 'family: rasclient' in out), (0, True))
rc, out, err = run('explain', 'event', '4624')
t.check('explain event 4624: not kept', (rc, 'npsdiag keeps no event with id 4624' in out), (1, True))
rc, out, err = run('explain', '1h')
t.check('explain 1h', (rc, err.strip()),
        (2, "npsdiag explain: code '1h': expected a code: 853, -2146762487, 0x800B0109 or 80092013"))
rc, out, err = run('explain', '0x7FFFFFF0')
t.check('explain an unknown code', (rc, out.strip()), (1, 'unknown code 0x7FFFFFF0'))

# 5. Time: UTC in data formats, the zone asked for in text, and said.
rc, out, err = t.run('diagnose', '--tz', 'Europe/Berlin')
t.check('text in Europe/Berlin', ('2025-03-14 10:12:44+01:00' in out, 'times in Europe/Berlin' in out), (True, True))
rc, out, err = t.run('report', '--no-timestamp', '--tz', 'Europe/Berlin')
t.check('html report in Europe/Berlin', ('2025-03-14 10:12:44+01:00' in out, 'Times are Europe/Berlin' in out,
                                         '2025-03-14T09:12:44' in out), (True, True, False))
rc, out, err = t.run('report', '--format', 'md', '--tz', 'Europe/Berlin')
t.check('md report in Europe/Berlin', ('2025-03-14 10:12:44+01:00' in out, 'times in Europe/Berlin' in out), (True, True))
rc, out, err = t.run('report', '--format', 'csv', '--tz', 'Europe/Berlin')
t.check('csv stays UTC', '2025-03-14 10:12:44+01:00' in out, False)
rc, out, err = t.run('diagnose', '--local', env={'TZ': 'America/New_York'})
t.check('text in the local zone', ('2025-03-14 05:12:44-04:00' in out, 'times in local time (E' in out), (True, True))
rc, out, err = t.run('diagnose', '--tz', 'Europe/Berlin', '--format', 'json')
t.check('json stays UTC', json.loads(out)['incidents'][0]['first'].endswith('Z'), True)
rc, out, err = t.run('diagnose')
t.check('text defaults to UTC', ('2025-03-14T09:12:44' in out, 'times in' in out), (True, False))
rc, out, err = t.run('diagnose', '--brief', '--tz', 'Europe/Berlin')
t.check('--brief in Europe/Berlin', (out.startswith('2025-03-14 11:06:02+01:00 LAB\\rdeckard failed: '),
                                     out.rstrip().endswith('\ntimes in Europe/Berlin')), (True, True))
# tail: its text lines in the zone asked for (said on stderr), its JSON lines in UTC.
FIXTURE = os.path.join(SRC, 'tests', 'fixtures', 'error853')
tail_db = os.path.join(tempfile.mkdtemp(prefix='npsdiag-tail.'), 'tail.db')


def tail(*args, env=None):
    """tail --once on the fixture into a fresh database; returns (status, stdout, stderr)."""
    if os.path.exists(tail_db):
        os.remove(tail_db)
    return run('tail', '--once', '--db', tail_db, *(args + (FIXTURE,)), env=env)


rc, out, err = tail()
t.check('tail: UTC by default', (rc, out.startswith('2025-03-14T10:06:02.1250000Z LAB\\rdeckard failed: '),
                                 'times in' in err), (0, True, False))
rc, out, err = tail('--tz', 'Europe/Berlin')
t.check('tail --tz Europe/Berlin (%s)' % err.strip()[:200],
        (rc, out.splitlines()[0].startswith('2025-03-14 11:06:02+01:00 LAB\\rdeckard failed: '),
         out.splitlines()[1].startswith('2025-03-14 08:00:01+01:00 NPS01.lab.example finding: ')), (0, True, True))
t.check('tail --tz: the zone said', err.startswith('npsdiag: tail: times in Europe/Berlin\n'), True)
rc, out, err = tail('--local', env={'TZ': 'America/New_York'})
t.check('tail --local', (rc, out.startswith('2025-03-14 06:06:02-04:00 LAB'), 'times in local time (E' in err),
        (0, True, True))
rc, out, err = tail('--tz', '+05:30', '--format', 'jsonl')
t.check('tail --format jsonl stays UTC', (rc, json.loads(out.splitlines()[0])['last'], 'times in' in err),
        (0, '2025-03-14T10:06:02.1250000Z', False))
rc, out, err = run('tail', '--tz', 'Mars/Olympus', '--db', tail_db, FIXTURE)
t.check('tail --tz unknown', (rc, err.startswith("npsdiag tail: --tz 'Mars/Olympus': expected an IANA zone name")),
        (2, True))

# Help: each command has its own, with its options; the man page has them all.
rc, man, err = run('--man')
t.check('--man: a roff page', (rc, man.startswith('.\\" Generated by')), (0, True))
if shutil.which('groff'):
    p = subprocess.run(['groff', '-man', '-ww', '-Tutf8'], input=man.encode(), capture_output=True)
    page = re.sub(r'.\x08|\x1b\[[0-9;]*m', '', p.stdout.decode('utf-8', 'replace'))
    t.check('man page: groff renders it without a warning', (p.returncode, p.stderr.decode().strip()), (0, ''))
    t.check('man page: every command has its section', [c for c in ('ingest', 'explain', 'causes', 'diagnose', 'tail',
                                                                  'report', 'cert') if '\n   ' + c not in page], [])
for cmd in ('ingest', 'explain', 'causes', 'diagnose', 'tail', 'report', 'cert', 'version'):
    rc, out, err = run(cmd, '--help')
    t.check('%s --help: exit 0, its usage' % cmd, (rc, out.startswith('usage: npsdiag ' + cmd)), (0, True))
    for opt in re.findall(r'^  (--[a-z-]+)', out, re.M):
        t.check('%s --help: %s in the man page' % (cmd, opt), '.B \\-\\-' + opt[2:].replace('-', '\\-') in man, True)
rc, out, err = run('diagnose', '--help')
t.check('diagnose --help: defaults and relative times', ('(default 5)' in out, 'newest stored event' in out),
        (True, True))
rc, out, err = run('help', 'report')
t.check('help report', (rc, out.startswith('usage: npsdiag report')), (0, True))

# 2. --user with a device tunnel's machine account, as NPS and admins write it.
s = t.fresh()
s.nps(6273, 'NPS01.lab.example', 'host/CLIENT01.lab.example', '2025-03-14T09:00:00Z', reason=48, domain='LAB',
      fq='LAB\\CLIENT01$')
s.client_failure('CLIENT01.lab.example', 'NT AUTHORITY\\SYSTEM', 812, '2025-03-14T09:00:00.5Z')
s.nps(6273, 'NPS01.lab.example', 'alice@lab.example', '2025-03-14T09:10:00Z', reason=16, domain='LAB', fq='LAB\\alice')
s.close()
device = incidents('--user', 'host/CLIENT01.lab.example')
t.check('device tunnel: one incident', len(device), 1)
# The device named without its "$" (CLIENT01) is the machine account too.
for user in ('HOST/client01.lab.example', 'CLIENT01$', 'lab\\client01$', 'LAB\\CLIENT01$', 'CLIENT01'):
    t.check('--user %s: the machine account' % user, incidents('--user', user), device)
for user in ('host/CLIENT02.lab.example', 'alice$', 'OTHER\\CLIENT01$', 'CLIENT0'):
    t.check('--user %s: not the machine account' % user, [c for c in incidents('--user', user) if c in device], [])
t.check('--user alice: only hers', len(incidents('--user', 'ALICE@lab.example')), 1)
t.finish()
