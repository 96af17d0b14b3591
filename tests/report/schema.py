"""The JSON schema (docs/results-json.md) holds: on each fixture,
`tail --once --format jsonl` (a fresh database: everything is news) and
then `diagnose --format jsonl` on the same database print, for every
incident and finding, objects with the same members and the same JSON
types (tail adds only "news"), every member of every nested object is in
the doc's table for it with the type the doc gives, and no member of a
table is missing. The `diagnose --format json` document is checked the
same way."""
import json
import os
import re

from harness import SRC, Test

TYPES = {'string': str, 'integer': int, 'number': (int, float), 'object': dict, 'array': list}


def doc_tables():
    """Returns {heading: {member: (types, nullable)}} from the doc's member tables."""
    tables, heading, rows = {}, None, None
    for line in open(os.path.join(SRC, 'docs', 'results-json.md'), encoding='utf-8'):
        line = line.rstrip('\n')
        if line.startswith('#'):
            heading, rows = line.lstrip('#').strip(), None
        elif line.startswith('| member | type |'):
            rows = tables.setdefault(heading, {})
        elif rows is not None and line.startswith('| `'):
            cells = [c.strip() for c in line.strip('|').split('|')]
            ty = cells[1]
            nullable = ty.endswith(' or null')
            for name in re.findall(r'`([^`]+)`', cells[0]):
                rows[name] = (TYPES[ty[:-len(' or null')] if nullable else ty], nullable)
        elif not line.startswith('|'):
            rows = None
    return tables


DOC = doc_tables()
# Which table describes the members of a nested object, or the items of an array.
NESTED = {'cause': '`cause`', 'client_error': '`client_error`', 'nps_decision': '`nps_decision`',
          'remediation': 'Remediation step', 'facts': 'Fact entry', 'attempts': 'Attempt entry',
          'evidence': 'Evidence entry', 'parameters': '`parameters`', 'summary': 'Summary entry',
          'incidents': 'The incident object', 'findings': 'The incident object'}
STRING_ARRAYS = ('sources', 'commands')


def conform(t, what, obj, table, extra=()):
    """Checks obj against the doc's table (plus the extra tables' members); returns problems."""
    spec = dict(DOC[table])
    for e in extra:
        spec.update(DOC[e])
    problems = []
    keys = set(obj)
    if table == 'Summary entry':  # "incidents" or "findings", by kind
        spec.pop('findings' if obj.get('kind') == 'incident' else 'incidents')
    for k in sorted(keys - set(spec)):
        problems.append('%s: member %s is not in the doc' % (what, k))
    for k in sorted(set(spec) - keys):
        problems.append('%s: member %s of the doc is missing' % (what, k))
    for k in sorted(keys & set(spec)):
        types, nullable = spec[k]
        v = obj[k]
        if v is None:
            if not nullable:
                problems.append('%s.%s: null, the doc says never' % (what, k))
            continue
        if isinstance(v, bool) or not isinstance(v, types):
            problems.append('%s.%s: %s, the doc says %s' % (what, k, type(v).__name__, types))
            continue
        if k in NESTED and isinstance(v, dict):
            problems += conform(t, what + '.' + k, v, NESTED[k])
        elif k in NESTED and isinstance(v, list):
            for n, item in enumerate(v):
                problems += conform(t, '%s.%s[%d]' % (what, k, n), item, NESTED[k])
        elif k in STRING_ARRAYS and not all(isinstance(s, str) for s in v):
            problems.append('%s.%s: not an array of strings' % (what, k))
    return problems


def shape(v):
    """The JSON type tree of a value: what 'same members, same types' compares."""
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(x) for x in v]
    return type(v).__name__


t = Test()
t.check('doc tables parsed', sorted(k for k in NESTED.values() if k not in DOC), [])
for fixture in ('error853', 'nasty', 'diagnose', 'layouts'):
    if os.path.exists(t.db):
        os.remove(t.db)
    path = os.path.join(SRC, 'tests', 'fixtures', fixture)
    rc, tail_out, err = t.run('tail', '--once', '--format', 'jsonl', path)
    t.check('%s: tail exit (%s)' % (fixture, err.strip()[-200:]), rc, 0)
    rc, diag_out, err = t.run('diagnose', '--format', 'jsonl')
    t.check('%s: diagnose exit' % fixture, rc in (0, 1), True)
    tail_lines = [json.loads(x) for x in tail_out.splitlines()]
    diag_lines = [json.loads(x) for x in diag_out.splitlines()]
    t.check('%s: something to compare' % fixture, len(diag_lines) > 0, True)
    t.check('%s: tail announces every incident once, as new' % fixture,
            sorted((x['id'], x['news']) for x in tail_lines), sorted((x['id'], 'new') for x in diag_lines))
    order = [(x['kind'] == 'finding', x['status'] == 'resolved', x['id']) for x in diag_lines]
    t.check('%s: incidents open first, then resolved, then findings' % fixture, order, sorted(order))
    t.check('%s: @timestamp is the last attempt' % fixture, [x['@timestamp'] for x in diag_lines],
            [x['last'] for x in diag_lines])
    problems = []
    by_id = {x['id']: x for x in diag_lines}
    for x in tail_lines:
        problems += conform(t, '%s tail #%s' % (fixture, x['id']), x, 'The incident object',
                            ('A news line (`tail --format jsonl`)',))
        d = by_id.get(x['id'])
        if d is None:
            continue
        same = dict(x)
        del same['news']
        if shape(same) != shape(d):
            problems.append('%s #%s: tail and diagnose objects differ in members or types' % (fixture, x['id']))
        if same != d:
            problems.append('%s #%s: tail and diagnose objects differ' % (fixture, x['id']))
    for x in diag_lines:
        problems += conform(t, '%s diagnose #%s' % (fixture, x['id']), x, 'The incident object',
                            ('A JSONL line (`diagnose --format jsonl`)',))
        t.check('%s #%s: schema_version first' % (fixture, x['id']), list(x)[0], 'schema_version')
    rc, doc_out, err = t.run('diagnose', '--format', 'json')
    doc = json.loads(doc_out)
    problems += conform(t, '%s document' % fixture, doc, 'The document')
    t.check('%s: document version' % fixture, doc.get('schema_version'), 2)
    t.check('%s: document incidents are the lines' % fixture, doc['incidents'] + doc['findings'],
            [{k: v for k, v in x.items() if k != 'schema_version'} for x in diag_lines])
    t.check('%s: conforms to docs/results-json.md' % fixture, problems, [])

# The checker itself catches a member the doc does not have and a wrong type.
bad = dict(diag_lines[0])
bad['surprise'] = 1
bad['count'] = '5'
t.check('checker catches drift', len(conform(t, 'bad', bad, 'The incident object',
                                             ('A JSONL line (`diagnose --format jsonl`)',))), 2)
t.finish()
