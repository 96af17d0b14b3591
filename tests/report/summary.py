"""The summary table the HTML and Markdown reports start with (issue 13,
item 6): one row per cause, in the JSON summary's order, with its title,
confidence, users named, hosts, attempts, open incidents and links to its
first incident cards (open ones first, "and N more" past five), every
figure equal to what the JSON document of the same database says. On the
enterprise fixture (nine causes, one incident resolved) and on seven users
failing with the same cause."""
import html
import json
import os
import re

from harness import SRC, Test

t = Test()


def expected():
    """The rows the JSON document implies: [(cause, confidence, users, hosts, attempts, open, links, more)]."""
    rc, out, err = t.run('diagnose', '--format', 'json')
    d = json.loads(out)
    rows = []
    for s in d['summary']:
        mine = [i for i in d['incidents'] + d['findings'] if i['cause']['id'] == s['cause']]
        first = [i['id'] for i in mine if i['status'] == 'open'] + [i['id'] for i in mine if i['status'] != 'open']
        users = len({i['identity'] for i in mine if i['identity']}) if s['kind'] == 'incident' else '-'
        opened = sum(i['status'] == 'open' for i in mine) if s['kind'] == 'incident' else '-'
        rows.append((s['cause'], s['confidence'], str(users), str(len({i['host'].lower() for i in mine})),
                     str(s['attempts']), str(opened), ['#%d' % n for n in first[:5]], max(0, len(mine) - 5)))
    return rows


def html_rows(page):
    """The rows of the HTML summary table, as expected() gives them."""
    table = re.search(r'<table class="summary">(.*?)</table>', page, re.S).group(1)
    heads = re.findall(r'<th>([^<]*)</th>', table)
    rows = []
    for tr in re.findall(r'<tr><td>(.*?)</tr>', table, re.S):
        cause = re.search(r'href="#cause-([^"]+)"', tr).group(1)
        conf = re.search(r'<span class="badge (\w+)">', tr).group(1)
        nums = [html.unescape(x) for x in re.findall(r'<td class="num" data-label="\w+">([^<]*)</td>', tr)]
        links = re.findall(r'<a href="#incident-\d+">(#\d+)</a>', tr)
        more = re.search(r' and (\d+) more</td>', tr)
        rows.append((cause, conf, nums[0], nums[1], nums[2].replace(' event(s)', ''), nums[3], links,
                     int(more.group(1)) if more else 0))
    return heads, rows


def md_rows(doc):
    """The rows of the Markdown summary table, as expected() gives them."""
    part = doc.split('\n## Summary\n', 1)[1].split('\n## ', 1)[0]
    lines = [l for l in part.splitlines() if l.startswith('|')]
    heads = [c.strip() for c in lines[0].strip('|').split('|')]
    rows = []
    for l in lines[2:]:
        c = [x.strip() for x in l.strip('|').split('|')]
        more = re.search(r' and (\d+) more$', c[6])
        rows.append((re.search(r'\(([a-z0-9-]+)\)$', c[0]).group(1), c[1], c[2], c[3], c[4], c[5],
                     re.findall(r'#\d+', c[6]), int(more.group(1)) if more else 0))
    return heads, rows


def check(name):
    want = expected()
    rc, page, err = t.run('report', '--no-timestamp')
    t.check('%s: html (%s)' % (name, err.strip()), rc, 0)
    heads, rows = html_rows(page)
    t.check('%s: html summary columns' % name, heads,
            ['Cause', 'Confidence', 'Users', 'Hosts', 'Attempts', 'Open', 'Incidents'])
    t.check('%s: html summary rows' % name, rows, want)
    t.check('%s: html summary first, before the fixes' % name,
            page.index('<table class="summary">') < page.index('id="causes"'), True)
    t.check('%s: every linked card exists' % name,
            [n for r in rows for n in r[6] if 'id="incident-%s"' % n[1:] not in page], [])
    rc, doc, err = t.run('report', '--format', 'md', '--no-timestamp')
    heads, rows = md_rows(doc)
    t.check('%s: md summary columns' % name, heads,
            ['Cause', 'Confidence', 'Users', 'Hosts', 'Attempts', 'Open', 'Incidents'])
    t.check('%s: md summary rows' % name, rows, want)
    return want


rc, out, err = t.run('ingest', '--quiet', os.path.join(SRC, 'tests', 'fixtures', 'enterprise'))
t.check('ingest enterprise (%s)' % err.strip(), rc, 0)
want = check('enterprise')
t.check('enterprise: nine causes, one with a resolved incident', (len(want), [r[0] for r in want if r[5] == '0']),
        (9, ['nps-account-lockout']))

os.remove(t.db)
s = t.fresh()
for i in range(7):
    s.client_failure('CLIENT%02d.lab.example' % (i % 3), 'LAB\\user%d' % i, 809, '2025-03-14T09:%02d:10.5Z' % (i * 2))
s.close()
want = check('seven users')
t.check('seven users: one cause, five links and 2 more', [(r[2], r[3], r[4], len(r[6]), r[7]) for r in want],
        [('7', '3', '7', 5, 2)])
t.finish()
