"""Stable incident keys (issue 11): an incident keeps its key when its
missing half arrives and its cause changes, when an earlier attempt joins
it, and across reruns; a split gives the new part a new key; every output
shows the key beside the positional id; a version 10 database's keys
(a table of their own) move into the incidents rows."""
import json
import re
import sqlite3

from harness import Test
from seed import Seeder

t = Test()
NPS = 'NPS01.lab.example'
C1, C2 = 'CLIENT01.lab.example', 'CLIENT02.lab.example'


def keys():
    """Returns [(id, cause, match, count, key)] of the stored incidents."""
    return t.q("SELECT i.id, i.cause_id, i.match, i.count, k.key FROM incidents i"
               " LEFT JOIN incident_keys k ON k.incident_id = i.id ORDER BY i.id")


s = t.fresh()
alice = s.client_failure(C1, 'LAB\\alice', 853, '2025-03-14T09:00:05Z')
s.client_failure(C2, 'LAB\\bob', 691, '2025-03-14T09:10:00Z')
s.close()
t.run('diagnose')
first = keys()
t.check('two incidents, each with a key of 12 hex digits',
        [bool(re.fullmatch('[0-9a-f]{12}', k or '')) for _, _, _, _, k in first], [True, True])
t.check('the keys differ', first[0][4] != first[1][4], True)
ka, kb = first[0][4], first[1][4]

# The outputs show it beside the positional id.
d = t.diagnose_json()
t.check('json: key after id', [(list(x)[1:3], x['key']) for x in d['incidents']],
        [(['id', 'key'], ka), (['id', 'key'], kb)])
rc, out, err = t.run('diagnose', '--format', 'jsonl')
t.check('jsonl: keys', [json.loads(x)['key'] for x in out.splitlines()], [ka, kb])
rc, out, err = t.run('diagnose')
t.check('text: "incident #1 (KEY)"', ('incident #1 (%s)' % ka in out, 'incident #2 (%s)' % kb in out), (True, True))

# The NPS denial arrives: the client-only incident becomes client+nps, the key stays.
s = Seeder(t.db)
s.nps(6273, NPS, 'alice@lab.example', '2025-03-14T09:00:04Z', reason=258, domain='LAB', fq='LAB\\alice')
s.close()
t.run('diagnose')
now = keys()
t.check('paired later: match changed', now[0][2], 'client+nps')
t.check('paired later: key kept', (now[0][4], now[1][4]), (ka, kb))

# An earlier failure joins alice's incident (its first attempt changes): the key stays; a rerun
# changes nothing.
s = Seeder(t.db)
s.nps(6273, NPS, 'alice@lab.example', '2025-03-14T08:49:59Z', reason=258, domain='LAB', fq='LAB\\alice')
s.client_failure(C1, 'LAB\\alice', 853, '2025-03-14T08:50:00Z')
s.close()
t.run('diagnose')
now = keys()
t.check('earlier attempt joined: count and key', (now[0][3], now[0][4]), (2, ka))
t.run('diagnose')
t.check('rerun: the same keys', keys(), now)

# A shorter gap splits alice's incident: the part with her old first attempt (08:50) keeps the key, the
# part at 09:00 gets a new one.
t.run('diagnose', '--gap', '60')
split = keys()
t.check('split: three incidents', len(split), 3)
t.check('split: the first part keeps the key', split[0][4], ka)
t.check('split: the new part has its own key', split[1][4] not in (ka, kb), True)
t.check('split: bob keeps his', split[2][4], kb)

# Merged again: the merged incident keeps the key of the one that began first.
t.run('diagnose')
t.check('merged: the oldest key', [k for _, _, _, _, k in keys()], [ka, kb])

# A rerun drops incident_events_by_event with the old rows and makes it again after the new ones:
# it is there, and finds an incident by its event.
plan = ' '.join(r[3] for r in t.q("EXPLAIN QUERY PLAN SELECT incident_id FROM incident_events WHERE event_ref = ?",
                                  alice))
t.check('rerun: incident_events_by_event made again (%s)' % plan, 'incident_events_by_event' in plan, True)
t.check('rerun: the incident found by its event', t.q("SELECT i.key FROM incidents i JOIN incident_events e"
                                                      " ON e.incident_id = i.id WHERE e.event_ref = ?", alice),
        [(ka,)])

# Schema step 11: a version 10 database keeps its keys in a table of their own; the first command that
# opens it moves each into its incidents row, incident_keys becomes a view of them, and the next run
# keeps them.
t.check('the key is a column of incidents, incident_keys a view',
        t.q("SELECT type FROM sqlite_schema WHERE name = 'incident_keys'"), [('view',)])
rc, before, err = t.run('report', '--format', 'json', '--no-timestamp')
t.check('report json (%s)' % err.strip(), rc, 0)
stored = keys()
db = sqlite3.connect(t.db)
db.executescript("BEGIN; DROP VIEW incident_keys;"
                 " CREATE TABLE incident_keys(incident_id INTEGER PRIMARY KEY, key TEXT NOT NULL);"
                 " INSERT INTO incident_keys SELECT id, key FROM incidents;"
                 " ALTER TABLE incidents DROP COLUMN key;"
                 " UPDATE meta SET value = '10' WHERE key = 'schema_version'; COMMIT;")
db.close()
rc, after, err = t.run('report', '--format', 'json', '--no-timestamp')
t.check('report on the version 10 database (%s)' % err.strip(), rc, 0)
t.check('migrated to version 13', t.q("SELECT value FROM meta WHERE key = 'schema_version'"), [('13',)])
t.check('the report is the same', after, before)
t.check('every key with its incident', keys(), stored)
t.check('incident_keys a view again', t.q("SELECT type FROM sqlite_schema WHERE name = 'incident_keys'"), [('view',)])
t.run('diagnose')
t.check('the next run keeps the keys', keys(), stored)

# A version 10 database whose incident_keys table was dropped by hand: the
# step still adds the column (else every later diagnose fails on it), and
# the next run gives each incident a key again.
db = sqlite3.connect(t.db)
db.executescript("BEGIN; DROP VIEW incident_keys; ALTER TABLE incidents DROP COLUMN key;"
                 " UPDATE meta SET value = '10' WHERE key = 'schema_version'; COMMIT;")
db.close()
rc, _, err = t.run('report', '--format', 'json', '--no-timestamp')
t.check('report without incident_keys (%s)' % err.strip(), rc, 0)
t.check('migrated to version 13 without incident_keys',
        t.q("SELECT value FROM meta WHERE key = 'schema_version'"), [('13',)])
rc, _, err = t.run('diagnose')
t.check('diagnose after it (%s)' % err.strip(), rc in (0, 1), True)
t.check('every incident has a key again', all(k for _, _, _, _, k in keys()), True)
t.finish()
