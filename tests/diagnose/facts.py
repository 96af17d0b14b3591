"""The facts of an incident (schema version 12): a JSON column of its
incidents row, read through the view incident_facts as the table of
version 11 read. A value with quotes, backslashes, newlines, control bytes,
non-ASCII and invalid UTF-8 comes back from the view byte for byte, from
the column as JSON, and the same in what diagnose prints and what report
reads back; a position without a fact stays empty; a version 11 database's
facts (a table of their own) move into the incidents rows, each at its
position."""
import json
import sqlite3

from harness import Test

t = Test()
NPS, C1, C2 = 'NPS01.lab.example', 'CLIENT01.lab.example', 'CLIENT02.lab.example'
HOSTILE = 'EAP "TLS" \\ C:\\new\nline\ttab\r\x01\x1f\x7f caf\u00e9 \u202e\u2028 \U0001F600 ]],[['
POLICY = '["not", "json"] \\u0041'
INVALID = b'bad \xff\xc3( utf-8 \x00'[:-2]  # invalid bytes, no NUL


def facts():
    """Returns the view's rows as (incident_id, pos, name, hex(value))."""
    return t.q("SELECT incident_id, pos, name, hex(value) FROM incident_facts ORDER BY incident_id, pos")


def json_facts(doc):
    """Returns [(id, [(name, value)])] of a json document's incidents."""
    return [(i['id'], [(f['name'], f['value']) for f in i['facts']]) for i in doc['incidents']]


s = t.fresh()
# revocation-check-failed: facts nps.AuthenticationType, nps.EAPType, nps.NetworkPolicyName
s.client_failure(C1, 'LAB\\alice', 853, '2025-03-14T09:00:05Z')
s.nps(6273, NPS, 'LAB\\alice', '2025-03-14T09:00:04Z', reason=258, eap=HOSTILE, policy=POLICY)
s.client_failure(C2, 'LAB\\bob', 853, '2025-03-14T09:10:05Z')
bob = s.nps(6273, NPS, 'LAB\\bob', '2025-03-14T09:10:04Z', reason=258, eap='x', policy='y')
s.close()
db = sqlite3.connect(t.db)
# bob: no AuthenticationType (position 1 empty), an EAPType that is not UTF-8 (field 12 and 13 of the
# event, in its fields column and its typed row)
db.execute("UPDATE nps_audit_events SET authentication_type = NULL, eap_type = CAST(? AS TEXT) WHERE event_ref = ?",
           (INVALID, bob))
db.execute("UPDATE event_rows SET fields = json_set(json_remove(fields, '$.\"12\"'), '$.\"13\"', CAST(? AS TEXT))"
           " WHERE id = ?", (INVALID, bob))
db.commit()
db.close()
printed = t.diagnose_json()
rows = facts()
hx = lambda v: v.encode('utf-8').hex().upper()
t.check('the view gives each value back byte for byte', rows,
        [(1, 1, 'nps.AuthenticationType', hx('PEAP')), (1, 2, 'nps.EAPType', hx(HOSTILE)),
         (1, 3, 'nps.NetworkPolicyName', hx(POLICY)),
         (2, 2, 'nps.EAPType', INVALID.hex().upper()), (2, 3, 'nps.NetworkPolicyName', hx('y'))])
column = t.q("SELECT CAST(facts AS BLOB) FROM incidents ORDER BY id")
t.check('the column of alice is a JSON array of [name, value]', json.loads(column[0][0].decode('utf-8')),
        [['nps.AuthenticationType', 'PEAP'], ['nps.EAPType', HOSTILE], ['nps.NetworkPolicyName', POLICY]])
t.check('a position without a fact is null', column[1][0].startswith(b'[null,["nps.EAPType","bad \xff\xc3( utf-8"]'),
        True)
t.check('json_valid', t.q("SELECT json_valid(facts) FROM incidents ORDER BY id"), [(1,), (1,)])
rc, out, err = t.run('report', '--format', 'json', '--no-timestamp')
t.check('report json (%s)' % err.strip(), rc, 0)
t.check('diagnose prints the facts report reads back', json_facts(json.loads(out)), json_facts(printed))
t.check('the facts printed', json_facts(printed),
        [(1, [('nps.AuthenticationType', 'PEAP'), ('nps.EAPType', HOSTILE), ('nps.NetworkPolicyName', POLICY)]),
         (2, [('nps.EAPType', 'bad \ufffd\ufffd( utf-8'), ('nps.NetworkPolicyName', 'y')])])

# Schema step 12: a version 11 database keeps its facts in a table of their own; the first command that
# opens it moves them into the incidents rows, each at its position, and incident_facts becomes a view.
formats = {fmt: t.run('report', '--format', fmt, '--no-timestamp')[1] for fmt in ('json', 'text', 'md', 'csv', 'html')}
db = sqlite3.connect(t.db)
db.executescript("BEGIN; DROP VIEW incident_facts;"
                 " CREATE TABLE incident_facts(incident_id INTEGER NOT NULL, pos INTEGER NOT NULL,"
                 "  name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(incident_id, pos)) WITHOUT ROWID;"
                 " INSERT INTO incident_facts SELECT i.id, f.key + 1, json_extract(f.value, '$[0]'),"
                 "  json_extract(f.value, '$[1]') FROM incidents i, json_each(i.facts) f WHERE f.type = 'array';"
                 " ALTER TABLE incidents DROP COLUMN facts;"
                 " UPDATE meta SET value = '11' WHERE key = 'schema_version'; COMMIT;")
db.close()
t.check('the version 11 table holds the rows', facts(), rows)
rc, out, err = t.run('report', '--format', 'json', '--no-timestamp')
t.check('report on the version 11 database (%s)' % err.strip(), rc, 0)
t.check('migrated to version 13', t.q("SELECT value FROM meta WHERE key = 'schema_version'"), [('13',)])
t.check('incident_facts a view again', t.q("SELECT type FROM sqlite_schema WHERE name = 'incident_facts'"),
        [('view',)])
t.check('every fact with its incident, at its position', facts(), rows)
t.check('the column as diagnose writes it', t.q("SELECT CAST(facts AS BLOB) FROM incidents ORDER BY id"), column)
for fmt, before in formats.items():
    t.check('report %s after the migration' % fmt, t.run('report', '--format', fmt, '--no-timestamp')[1], before)
rc, _, err = t.run('diagnose')
t.check('diagnose after it (%s)' % err.strip(), rc in (0, 1), True)
t.check('the next run writes the same facts', facts(), rows)

# A column written by hand that is no array of facts: report shows it whole as one fact, not a failed report.
db = sqlite3.connect(t.db)
db.execute("UPDATE incidents SET facts = '[[\"a\",\"b\",\"c\"' WHERE id = 2")
db.commit()
db.close()
rc, out, err = t.run('report', '--format', 'json', '--no-timestamp')
t.check('report with a facts column that is no array (%s)' % err.strip(), rc, 0)
t.check('that column shown whole', [f for i, f in json_facts(json.loads(out)) if i == 2],
        [[('facts (not a JSON array of [name, value])', '[["a","b","c"')]])
t.check('the other incident keeps its facts', [f for i, f in json_facts(json.loads(out)) if i == 1],
        [f for i, f in json_facts(printed) if i == 1])

# A NUL inside the column: the text read stops there, so report shows the column as no array, not the
# facts before the NUL as if they were all.
db = sqlite3.connect(t.db)
db.execute("UPDATE incidents SET facts = ? WHERE id = 2", ('[["a","b"]]\x00,["c","d"]]',))
db.commit()
db.close()
t.check('the column holds the NUL', t.q("SELECT length(CAST(facts AS BLOB)) FROM incidents WHERE id = 2"), [(23,)])
rc, out, err = t.run('report', '--format', 'json', '--no-timestamp')
t.check('report with a NUL in a facts column (%s)' % err.strip(), rc, 0)
t.check('that column shown as no array, up to the NUL', [f for i, f in json_facts(json.loads(out)) if i == 2],
        [[('facts (not a JSON array of [name, value])', '[["a","b"]]')]])
t.finish()
