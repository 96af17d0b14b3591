"""An empty database is refused: diagnose and report name the file, suggest
ingest and exit 2 (issue 13, item 1; `diagnose` once printed "nothing to
report" and exited 0, which read like a clean bill of health). A database
holding only events that judge nothing succeeds with nothing to report in
every format (issue 9, item 2: clang's UBSan aborted on pointer arithmetic
over the NULL result arrays; the sanitizer build runs this)."""
import json
import os

from harness import Test

t = Test()
t.fresh().close()
for cmd in ('diagnose', 'report'):
    rc, out, err = t.run(cmd)
    t.check('%s on no events: exit status' % cmd, rc, 2)
    t.check('%s on no events: names the file and suggests ingest (%s)' % (cmd, err.strip()),
            t.db + ' holds no events' in err and 'npsdiag ingest --db ' + t.db in err, True)
    t.check('%s on no events: nothing on stdout' % cmd, out, '')
os.remove(t.db)
for cmd in ('diagnose', 'report'):
    rc, out, err = t.run(cmd)
    t.check('%s on a missing database: exit status' % cmd, rc, 2)
    t.check('%s on a missing database: says so (%s)' % (cmd, err.strip()),
            t.db + ': no such database: ingest logs into it first' in err, True)
    t.check('%s on a missing database: not created' % cmd, os.path.exists(t.db), False)

s = t.fresh()
s.client(20225, 'CLIENT01.lab.example', 'LAB\\alice', '2025-03-14T09:00:00Z')
s.close()
rc, out, err = t.run('diagnose')
t.check('text: exit status (%s)' % err.strip(), rc, 0)
t.check('text: nothing to report', 'nothing to report' in out, True)
rc, out, err = t.run('diagnose', '--format', 'json')
t.check('json: exit status (%s)' % err.strip(), rc, 0)
d = json.loads(out)
t.check('json: no incidents, findings or summary', (d['incidents'], d['findings'], d['summary']), ([], [], []))
rc, out, err = t.run('diagnose', '--format', 'jsonl', '--user', 'alice', '--cause', 'revocation-check-failed')
t.check('jsonl with filters: exit status (%s)' % err.strip(), (rc, out), (0, ''))
for fmt in ('html', 'md', 'csv', 'json'):
    rc, out, err = t.run('report', '--format', fmt, '--no-timestamp')
    t.check('report %s: exit status (%s)' % (fmt, err.strip()), rc, 0)
    t.check('report %s: output' % fmt, len(out) > 0, True)
t.check('no incident rows', t.q('SELECT count(*) FROM incidents'), [(0,)])
t.finish()
