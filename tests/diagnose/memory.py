"""diagnose prints from the diagnosis in memory (npsdiag_diagnose_write),
jsonl and ecs while the results are stored on a second thread: what it
prints must be what the stored results say. On the fixtures (connects,
locks, CAPI2 context and other events the diagnosis reads back from the
events table among them) and on a seeded database with logged times that
are not the text of ts: diagnose --format json against report --format
json (read back), jsonl against the json document's objects, and the
stored results of a jsonl run against those of a json run; and in a
rollback journal's mode as in WAL. The results are committed once every
incident is handed to the storing thread, while the last lines are still
being printed."""
import json
import os
import sqlite3
import subprocess
import sys
import time

from harness import NPSDIAG, SRC, Test
from seed import at

fixtures = os.path.join(SRC, 'tests', 'fixtures')
if not os.path.isdir(os.path.join(fixtures, 'error853')):
    print('SKIP: %s is missing' % fixtures)
    sys.exit(77)
t = Test()


def compare(name):
    """Compares what diagnose prints with what it stored, in json and jsonl."""
    rc, printed, err = t.run('diagnose', '--format', 'json')
    t.check('%s: diagnose json (%s)' % (name, err.strip()), rc in (0, 1), True)
    rc, stored, err = t.run('report', '--format', 'json', '--no-timestamp')
    t.check('%s: report json (%s)' % (name, err.strip()), rc, 0)
    t.check('%s: json printed from memory is the stored results' % name, printed, stored)
    doc = json.loads(stored) if stored else {'incidents': [], 'findings': []}
    rc, lines, err = t.run('diagnose', '--format', 'jsonl')
    t.check('%s: diagnose jsonl (%s)' % (name, err.strip()), rc in (0, 1), True)
    objs = [json.loads(x) for x in lines.splitlines()]
    for o in objs:
        o.pop('schema_version', None)
    t.check('%s: jsonl lines are the json objects' % name, objs, doc['incidents'] + doc['findings'])
    rc, again, err = t.run('report', '--format', 'json', '--no-timestamp')
    t.check('%s: a jsonl run stores what a json run stores' % name, again, stored)
    return doc


for name, dirs in (('error853+capi2', ['error853', 'capi2']), ('diagnose', ['diagnose']),
                   ('enterprise', ['enterprise']), ('blastradius', ['blastradius']), ('nasty', ['nasty'])):
    t.fresh()
    rc, out, err = t.run('ingest', '--quiet', *[os.path.join(fixtures, d) for d in dirs])
    t.check('%s: ingest (%s)' % (name, err.strip()), rc, 0)
    doc = compare(name)
    t.check('%s: something to compare' % name, len(doc['incidents']) + len(doc['findings']) > 0, True)

# A database in a rollback journal's mode (ingest makes WAL): the NPS
# decisions are read on a second connection there too, while the first
# holds the diagnosis's write lock; the results are the same.
t.fresh()
rc, out, err = t.run('ingest', '--quiet', os.path.join(fixtures, 'enterprise'))
t.check('rollback journal: ingest (%s)' % err.strip(), rc, 0)
wal = compare('enterprise in WAL')
db = sqlite3.connect(t.db)
mode = db.execute('PRAGMA journal_mode=DELETE').fetchone()[0]
db.close()
t.check('rollback journal: the mode', mode, 'delete')
t.check('rollback journal: the same results', compare('enterprise in a rollback journal'), wal)

# Times logged otherwise than ts gives (time_text: a row written by hand or
# by an older npsdiag), a client failure without a CoId, a connect that
# resolves an incident (read back from the events table).
s = t.fresh()
s.nps(6273, 'NPS01.lab.example', 'LAB\\carol', '2025-03-14T09:00:00Z', reason=16, domain='LAB', fq='LAB\\carol')
s.client_failure('CLIENT01.lab.example', 'LAB\\carol', 691, '2025-03-14T09:00:01Z')
s.client(20225, 'CLIENT01.lab.example', 'LAB\\carol', '2025-03-14T09:05:00Z')
s.client_failure('CLIENT02.lab.example', 'LAB\\dave', 809, '2025-03-14T10:00:00Z')
s.close()
db = sqlite3.connect(t.db)
db.execute("UPDATE events SET time_text = '2025-03-14T10:00:00+01:00' WHERE event_id = 6273")
db.execute("UPDATE ras_client_events SET coid = NULL WHERE user_name = 'LAB\\dave'")
db.commit()
db.close()
doc = compare('logged times')
times = [e['time'] for i in doc['incidents'] for e in i['evidence']]
t.check('the logged time, not the text of ts', '2025-03-14T10:00:00+01:00' in times, True)
t.check('the connect resolves', [i['status'] for i in doc['incidents'] if i['user'] == 'LAB\\carol'], ['resolved'])
t.check('the failure without CoId', [i['count'] for i in doc['incidents'] if i['user'] == 'LAB\\dave'], [1])
# The walk prints the open incidents first: the one open incident here is
# the latest, so once it is printed every incident is with the writer, which
# commits while the resolved ones are printed (from memory: their grants are
# loaded; a connect would be read from the database, after the commit).
# diagnose's output is left unread (its lines fill the pipe) until another
# connection sees the results.
s = t.fresh()
for i in range(400):
    when = at('2025-03-14T08:00:00Z', 60 * i)
    s.client_failure('C%03d.lab.example' % i, 'LAB\\u%03d' % i, 809, when)
    s.nps(6272, 'NPS01.lab.example', 'LAB\\u%03d' % i, at(when, 30), domain='LAB', fq='LAB\\u%03d' % i)
s.client_failure('LAST.lab.example', 'LAB\\last', 809, '2025-03-15T08:00:00Z')
s.close()
p = subprocess.Popen([NPSDIAG, 'diagnose', '--db', t.db, '--format', 'jsonl'], stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL)
stored, deadline = 0, time.time() + 60
while stored != 401 and p.poll() is None and time.time() < deadline:
    try:
        stored = t.q('SELECT count(*) FROM incidents')[0][0]
    except sqlite3.OperationalError:  # no results table yet
        pass
    time.sleep(0.05)
t.check('committed while lines are still printed', (stored, p.poll()), (401, None))
out, _ = p.communicate()
t.check('then every line printed', (p.returncode, len(out.splitlines())), (1, 401))
t.check('that is more than a pipe holds', len(out) > 4 * 65536, True)
t.finish()
