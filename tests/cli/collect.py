"""Collecting the logs (issue 13, item 8): the Windows commands that the
README's Collect table, docs/collect.md and the HTML report's "Collect more
evidence" section give must keep every event npsdiag reads. What npsdiag
reads comes from the program itself (`npsdiag explain event ID`: each
family's providers, event ids and log); each `wevtutil epl LOG FILE
/q:"XPATH"` command's query is evaluated (the subset of XPath the docs use)
for every (provider, id) of the families of that log. The NPS audit
command, the NPS text log folder, the clock advice and the meaning of the
three confidences are stated, and those are the confidences the rules use."""
import html
import os
import re
import subprocess

from harness import NPSDIAG, SRC, Test

t = Test()

# What npsdiag reads, per family: (log, providers, event ids), from explain.
SEEDS = (6273, 20227, 20255, 4400, 39, 11)
families = {}
for seed in SEEDS:
    p = subprocess.run([NPSDIAG, 'explain', 'event', str(seed)], capture_output=True, text=True)
    t.check('explain event %d (%s)' % (seed, p.stderr.strip()), p.returncode, 0)
    blocks = re.split(r'\n(?=family: )', p.stdout)
    for b in blocks:
        fam = re.search(r'^family: (\S+)', b, re.M)
        what = re.search(r'^what: (.*)$', b, re.M)
        if not fam or not what:
            continue
        head = re.split(r' \(|: ', what.group(1))[0]
        ids = set()
        for a, z in re.findall(r'(?<![\w/])(\d+)(?:-(\d+))?(?!\w)', head):
            ids.update(range(int(a), int(z or a) + 1))
        log = re.search(r'\((?:[^()]*) (Application|Security|System) log\)', what.group(1))
        log = log.group(1) if log else head.split()[0]
        families[fam.group(1)] = (log, re.findall(r'^provider: (\S+)', b, re.M), ids)
t.check('the families npsdiag reads', sorted(families),
        ['capi2', 'kdc', 'nps_audit', 'nps_service', 'rasclient', 'remoteaccess'])
t.check('their logs', {f: v[0] for f, v in families.items()},
        {'capi2': 'Microsoft-Windows-CAPI2/Operational', 'kdc': 'System', 'nps_audit': 'Security',
         'nps_service': 'System', 'rasclient': 'Application', 'remoteaccess': 'System'})
t.check('the NPS decisions are 6272-6280', sorted(families['nps_audit'][2]), list(range(6272, 6281)))


def keeps(query, provider, event_id):
    """Evaluates a wevtutil XPath query (*[System[...]] with Provider[@Name='X' or ...],
    EventID comparisons, and/or, parentheses) for one event; None keeps everything."""
    if query is None:
        return True
    m = re.fullmatch(r"\*\[System\[(.*)\]\]", query)
    if not m:
        raise ValueError('not a System query: ' + query)

    def names(n):
        return '(provider in (%s,))' % ','.join(repr(x.lower()) for x in re.findall(r"@Name='([^']*)'", n.group(1)))
    expr = re.sub(r'Provider\[(.*?)\]', names, m.group(1))
    expr = re.sub(r'(?<![<>!=])=(?!=)', '==', expr.replace('EventID', 'event_id'))
    if re.search(r'[^\w\s()<>=,\'.-]', expr.replace('provider', '').replace('event_id', '')):
        raise ValueError('unexpected XPath: ' + query)
    return eval(expr, {'__builtins__': {}}, {'provider': provider, 'event_id': event_id})


def commands(text):
    """The wevtutil epl commands in text: [(log, query or None)]."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r'wevtutil epl (\S+) \S+(?: /q:"([^"]*)")?', text)]


def check_doc(name, text, fams):
    cmds = commands(text)
    t.check('%s: has export commands' % name, len(cmds) > 0, True)
    for fam in fams:
        log, providers, ids = families[fam]
        lost = [(p, i) for p in providers for i in sorted(ids)
                if not any(c_log == log and keeps(q, p, i) for c_log, q in cmds)]
        t.check('%s: the %s export keeps every %s event npsdiag reads' % (name, log, fam), lost, [])


AUDITPOL = 'auditpol /set /subcategory:"Network Policy Server" /success:enable /failure:enable'
readme = open(os.path.join(SRC, 'README.md'), encoding='utf-8').read()
collect = readme.split('\n## Collect: which logs, from where\n', 1)[-1].split('\n## ', 1)[0]
t.check('README: a Collect section', len(collect) < len(readme) // 2, True)
check_doc('README Collect', collect, sorted(families))
for role in ('VPN client', 'NPS', 'VPN (RRAS)', 'domain controllers'):
    t.check('README Collect: role %s' % role, '\n| %s |' % role in collect, True)
t.check('README Collect: NPS auditing on', AUDITPOL in collect.replace('\n', ' '), True)
t.check('README Collect: the NPS text logs', '%SystemRoot%\\System32\\LogFiles\\IN*.log' in collect, True)

doc = open(os.path.join(SRC, 'docs', 'collect.md'), encoding='utf-8').read()
check_doc('docs/collect.md', doc, sorted(families))
t.check('docs/collect.md: NPS auditing checked and turned on',
        ('auditpol /get /subcategory:"Network Policy Server"' in doc, AUDITPOL in doc), (True, True))
t.check('docs/collect.md: clock advice', ('w32tm /query /status' in doc, '--skew' in doc), (True, True))
t.check('docs/collect.md: the NPS text log folder', '%SystemRoot%\\System32\\LogFiles' in doc, True)
rows = dict(re.findall(r'^\| `(confirmed|likely|possible)` \| (.+) \|$', doc, re.M))
t.check('docs/collect.md: what each confidence means', sorted(rows), ['confirmed', 'likely', 'possible'])
p = subprocess.run([NPSDIAG, 'causes', '--format', 'tsv'], capture_output=True, text=True)
used = {r.split('\t')[1] for r in p.stdout.splitlines()[1:]}
t.check('the rules use only the confidences explained (%s)' % sorted(used), used <= set(rows) and len(used) > 1, True)

# The report's own Collect section: the audit command, the NPS Security
# export that keeps 6272-6280, every role, the clocks and the confidences.
rc, out, err = t.run('ingest', '--quiet', os.path.join(SRC, 'tests', 'fixtures', 'error853'))
rc, page, err = t.run('report', '--no-timestamp')
t.check('report (%s)' % err.strip(), rc, 0)
m = re.search(r'<section id="collect">(.*?)</section>', page, re.S)
t.check('report: a Collect section', m is not None, True)
section = html.unescape(re.sub(r'<[^>]+>', '', m.group(1) if m else ''))
check_doc('report Collect', section, ['nps_audit'])
t.check('report Collect: NPS auditing on', AUDITPOL in section, True)
for words in ('VPN client:', 'NPS servers:', 'VPN (RRAS) servers:', 'Domain controllers:', 'Kdcsvc',
              'Microsoft-Windows-CAPI2/Operational', '%SystemRoot%\\System32\\LogFiles', 'NTP'):
    t.check('report Collect: %s' % words, words in section, True)
for conf in ('confirmed', 'likely', 'possible'):
    t.check('report Collect: what %s means' % conf,
            re.search(r'\b%s\b the codes|\b%s\b several causes' % (conf, conf), section) is not None, True)
t.check('the filter keeps what it should, and not more', (keeps("*[System[(EventID>=6272 and EventID<=6280)]]",
                                                                'x', 6271), keeps("*[System[Provider[@Name='A' or @Name='B']]]", 'b', 1)), (False, True))
t.finish()
