"""An empty database: diagnose in every format and report in every format
succeed with nothing to report (issue 9, item 2: clang's UBSan aborted on
pointer arithmetic over the NULL result arrays; the sanitizer build runs
this), and so does a database holding only events that judge nothing."""
import json

from harness import Test

t = Test()
t.fresh().close()
rc, out, err = t.run('diagnose')
t.check('text: exit status (%s)' % err.strip(), rc, 0)
t.check('text: nothing to report', 'nothing to report' in out, True)
rc, out, err = t.run('diagnose', '--format', 'json')
t.check('json: exit status (%s)' % err.strip(), rc, 0)
d = json.loads(out)
t.check('json: no incidents, findings or summary', (d['incidents'], d['findings'], d['summary']), ([], [], []))
rc, out, err = t.run('diagnose', '--format', 'jsonl', '--user', 'alice', '--cause', 'x')
t.check('jsonl with filters: exit status (%s)' % err.strip(), (rc, out), (0, ''))
for fmt in ('html', 'md', 'csv', 'json'):
    rc, out, err = t.run('report', '--format', fmt, '--no-timestamp')
    t.check('report %s: exit status (%s)' % (fmt, err.strip()), rc, 0)
    t.check('report %s: output' % fmt, len(out) > 0, True)
t.check('no incident rows', t.q('SELECT count(*) FROM incidents'), [(0,)])
t.finish()
