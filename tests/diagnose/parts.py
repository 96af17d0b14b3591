"""diagnose --format jsonl (with a second core) stores the rows its printer
built, handed to the storing thread in chunks of 4096 parts (an incident
each here: ND_RESULT_FEED_INCIDENTS), and a renewal (a second run in WAL mode)
commits its new tables every 32,768 incidents (ND_INCIDENTS_PART), counted
chunk by chunk; --format json stores without the feed, incident by
incident. On the benchmark's database at 40,000 x 40,000
(tools/bench-diagnose.sh --make: 40,000 incidents, so ten chunks, the last
one short, and two parts), a first and a second run each way store the
same rows, and jsonl prints one line an incident. With one processor
diagnose stores before it prints, without the feed: skipped there."""
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys

from harness import NPSDIAG, SRC, Test

N = 40000
if not shutil.which('sqlite3'):
    print('SKIP: the sqlite3 command is needed to make the database')
    sys.exit(77)
if (os.cpu_count() or 1) < 2:
    print('SKIP: one processor: diagnose --format jsonl uses no feed')
    sys.exit(77)
t = Test()
made = os.path.join(t.dir, 'made.db')
p = subprocess.run(['sh', os.path.join(SRC, 'tools', 'bench-diagnose.sh'), '--make', made, str(N)],
                   env=dict(os.environ, BENCH_BUILD=os.path.dirname(NPSDIAG)), capture_output=True)
t.check('the database is made (%s)' % p.stderr.decode('utf-8', 'replace').strip(), p.returncode, 0)


def tables(db):
    """Returns the number of rows of the result tables and a hash of them, in order."""
    c = sqlite3.connect(db)
    try:
        out = []
        for x in ('incidents', 'incident_events'):
            h, n = hashlib.sha256(), 0
            for row in c.execute('SELECT * FROM %s ORDER BY 1, 2, 3' % x):
                h.update(repr(row).encode())
                n += 1
            out.append((n, h.hexdigest()))
        return out
    finally:
        c.close()


stored = {}
for way in ('jsonl', 'json'):
    t.db = os.path.join(t.dir, way + '.db')
    shutil.copyfile(made, t.db)
    for run in ('first', 'second'):
        rc, out, err = t.run('diagnose', '--format', way)
        t.check('%s, %s run (%s)' % (way, run, err.strip()), rc, 1)
        stored[way, run] = tables(t.db)
        if way == 'jsonl':
            t.check('%s run: a line an incident' % run, len(out.splitlines()), stored[way, run][0][0])
    t.check('%s: no renewal left behind' % way, t.q('SELECT count(*) FROM diagnose_renewals'), [(0,)])
    t.check('%s: no new tables left behind' % way,
            t.q("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'incident%new%'"), [(0,)])

n = stored['json', 'first'][0][0]
t.check('more incidents than a part and a chunk hold', n > 32768 + 4096, True)
t.check('evidence for every incident', stored['json', 'first'][1][0] >= n, True)
t.check('the first runs store the same rows', stored['jsonl', 'first'] == stored['json', 'first'], True)
t.check('the second runs store the same rows', stored['jsonl', 'second'] == stored['json', 'second'], True)
t.check('a second run stores what the first did', stored['jsonl', 'second'] == stored['jsonl', 'first'], True)
t.finish()
