"""The one-line views: `diagnose --brief` prints the line tail prints for
each incident (open ones first), then the summary; `diagnose --format
ecs` prints one valid JSON object per incident and finding with the ECS
members docs/results-json.md lists; every JSONL line carries @timestamp,
key and host."""
import json
import os
import re

from harness import SRC, Test

t = Test()
for fixture in ('error853', 'diagnose'):
    if os.path.exists(t.db):
        os.remove(t.db)
    rc, tail, err = t.run('tail', '--once', os.path.join(SRC, 'tests', 'fixtures', fixture))
    t.check('%s: tail --once (%s)' % (fixture, err.strip()[-200:]), rc, 0)
    rc, lines, err = t.run('diagnose', '--format', 'jsonl')
    objs = [json.loads(x) for x in lines.splitlines()]
    t.check('%s: jsonl lines carry @timestamp, key, host' % fixture,
            [k for x in objs for k in ('@timestamp', 'key', 'host') if k not in x], [])
    t.check('%s: every line has its stable key (hex, distinct)' % fixture,
            ([x['key'] for x in objs if not re.fullmatch(r'[0-9a-f]{12,}', x['key'] or '')],
             len({x['key'] for x in objs})), ([], len(objs)))
    t.check('%s: @timestamp is the last time, UTC' % fixture,
            [x['id'] for x in objs if x['@timestamp'] != x['last'] or not x['@timestamp'].endswith('Z')], [])
    t.check('%s: host of an incident is its client, of a finding its host' % fixture,
            [x['host'] for x in objs],
            [x['nps_server'] if x['kind'] == 'finding' else (x['client'] or x['vpn_server'] or x['nps_server'])
             for x in objs])

    rc, brief, err = t.run('diagnose', '--brief')
    t.check('%s: --brief exit (incidents shown)' % fixture, rc, 1)
    head, _, summary = brief.partition('\nsummary by cause:\n')
    t.check('%s: --brief one line per incident' % fixture, len(head.splitlines()), len(objs))
    t.check('%s: --brief lines are the tail lines' % fixture, sorted(head.splitlines()), sorted(tail.splitlines()))
    t.check('%s: --brief open incidents first' % fixture,
            [l.split(' [')[-1] for l in head.splitlines()],
            ['%s, %s]' % (x['cause']['id'], x['cause']['confidence']) for x in objs])
    t.check('%s: --brief ends with the summary' % fixture, summary.count(' - ') >= 1, True)

    rc, ecs, err = t.run('diagnose', '--format', 'ecs')
    t.check('%s: ecs exit' % fixture, rc, 1)
    docs = []
    for n, line in enumerate(ecs.splitlines()):
        try:
            docs.append(json.loads(line))
        except ValueError as e:
            t.check('%s: ecs line %d is JSON (%s)' % (fixture, n, e), False, True)
    t.check('%s: ecs one line per incident' % fixture, len(docs), len(objs))
    for d, x in zip(docs, objs):
        what = '%s ecs #%d' % (fixture, x['id'])
        t.check(what + ': top-level members',
                sorted(k for k in ('@timestamp', 'message', 'ecs', 'event', 'host', 'rule', 'npsdiag') if k not in d), [])
        t.check(what + ': @timestamp', d['@timestamp'], x['last'])
        t.check(what + ': event', (d['event']['kind'], d['event']['module'], isinstance(d['event']['category'], list),
                                   d['event']['outcome']),
                ('alert', 'npsdiag', True, 'unknown' if x['kind'] == 'finding' else 'failure'))
        t.check(what + ': rule', (d['rule']['id'], d['rule']['name']), (x['cause']['id'], x['cause']['title']))
        t.check(what + ': host.name', d['host']['name'], x['host'])
        t.check(what + ': npsdiag id, key, count', (d['npsdiag']['id'], d['npsdiag']['key'], d['npsdiag']['count']),
                (x['id'], x['key'], x['count']))
        t.check(what + ': no nulls outside npsdiag',
                [k for k, v in d.items() if k != 'npsdiag' and (v is None or (isinstance(v, dict) and None in v.values()))], [])
        if x['kind'] == 'incident' and x['user']:
            t.check(what + ': user.name', x['user'].endswith(d['user']['name']), True)
        if x['client']:
            t.check(what + ': source', d['source']['address'], x['client'])
        if x['client_error']:
            t.check(what + ': error.code', d['error']['code'], str(x['client_error']['code']))
        t.check(what + ': message names the cause', x['cause']['id'] in d['message'], True)

# Two rules shared one title; every cause title is distinct now.
titles = {}
for name in os.listdir(os.path.join(SRC, 'rules')):
    if name.endswith('.rules'):
        cause = None
        for line in open(os.path.join(SRC, 'rules', name), encoding='utf-8'):
            if line.startswith('[cause '):
                cause = line.strip()[7:-1]
            elif line.startswith('title = '):
                titles.setdefault(line[8:].strip(), []).append(cause)
t.check('distinct cause titles', {k: v for k, v in titles.items() if len(v) > 1}, {})
t.finish()
