"""evtxwrite read back by two independent readers: for each description
(DESC.desc beside DESC.evtx), every record the description asks for must
be in the file, in time order with consecutive record ids, and both
libevtx (evtxexport -f xml) and python-evtx must read every field written:
provider, event id, qualifiers, version, level, task, opcode, keywords,
time, process and thread, channel, computer, user SID, each Data (name and
value, in order) and Binary, and for a `userdata` event the attributes and
leaf texts of its UserData by their paths.

    readback.py DESC.desc...      (EVTXEXPORT may name evtxexport)

Exit status 1 on a difference, 77 when a reader is missing."""
import base64
import datetime
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.append('/usr/lib/python3/dist-packages')
try:
    import Evtx.Evtx as evtx
except ImportError:
    print('SKIP: python3-evtx is not installed')
    sys.exit(77)
EVTXEXPORT = os.environ.get('EVTXEXPORT') or shutil.which('evtxexport')
if not EVTXEXPORT:
    print('SKIP: evtxexport (libevtx-utils) is not installed')
    sys.exit(77)

NS = '{http://schemas.microsoft.com/win/2004/08/events/event}'
EPOCH = datetime.datetime(1970, 1, 1)


def unescape(v):
    """Resolves the description's escapes: \\\\ \\n \\t \\r \\s \\u{HEX} \\x{HEX}."""
    simple = {'\\': '\\', 'n': '\n', 't': '\t', 'r': '\r', 's': ' '}
    return re.sub(r'\\([\\ntrs]|[ux]\{([0-9A-Fa-f]+)\})',
                  lambda m: simple[m.group(1)] if m.group(2) is None else chr(int(m.group(2), 16)), v)


def ticks(text):
    """Returns 100 ns ticks since 1970 of 2025-03-14T09:00:00.1234567Z."""
    base, _, frac = text.rstrip('Z').partition('.')
    dt = datetime.datetime.strptime(base, '%Y-%m-%dT%H:%M:%S')
    return int((dt - EPOCH).total_seconds()) * 10**7 + int((frac + '0000000')[:7])


def duration(text):
    m = re.fullmatch(r'(\d+)(ms|s|m|h)', text)
    return int(m.group(1)) * {'ms': 10**4, 's': 10**7, 'm': 60 * 10**7, 'h': 3600 * 10**7}[m.group(2)]


def expected(path):
    """Returns the records a description asks for, in the order evtxwrite writes them."""
    computer = channel = None
    first = 1
    events = []
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        key, _, rest = line.strip().partition(' ')
        rest = rest.strip()
        if not line.startswith((' ', '\t')):
            if key == 'computer':
                computer = rest
            elif key == 'channel':
                channel = rest
            elif key == 'first-record':
                first = int(rest)
            elif key == 'event':
                provider, _, eid = rest.rpartition(' ')
                events.append({'provider': provider.strip(), 'id': int(eid), 'computer': computer,
                               'channel': channel, 'data': [], 'level': 4, 'repeat': (1, 0)})
            continue
        ev = events[-1]
        if key == 'data':
            name, _, value = rest.partition('=')
            name = name.strip()
            typ = 'string'
            if ':' in name:
                name, typ = name.split(':')
            if name:
                name = name.replace('/+', '/').lstrip('+')  # "+B" starts a new B; the element is B
            ev['data'].append((name or None, typ, unescape(value.strip())))
        elif key == 'time':
            ev['times'] = [ticks(t) for t in rest.split()]
        elif key == 'repeat':
            n, _, step = rest.split()
            ev['repeat'] = (int(n), duration(step))
        elif key in ('level', 'version', 'task', 'opcode', 'qualifiers', 'pid', 'tid'):
            ev[key] = int(rest, 0)
        elif key == 'keywords':
            ev[key] = int(rest, 16)
        elif key == 'binary':
            ev[key] = rest.upper()
        else:
            ev[key] = rest
    copies = []
    for i, ev in enumerate(events):
        n, step = ev['repeat']
        for t in ev['times']:
            for k in range(n):
                copies.append((t + k * step, len(copies), ev))
    copies.sort(key=lambda c: (c[0], c[1]))
    return [dict(ev, time=t, record=first + i) for i, (t, _, ev) in enumerate(copies)]


def libevtx_shift(text):
    """libevtx 20181227 renders a character outside the BMP 0x3FF too low
    (U+1F600 as U+1F201; npsdiag undoes it, see parsers/evtx/evtx_decode.c)."""
    return ''.join(chr(ord(c) - 0x3FF) if ord(c) >= 0x10000 else c for c in text)


def same_value(typ, got, want, reader):
    """Compares a Data value as the reader rendered it with the written one."""
    if reader == 'libevtx':
        want = libevtx_shift(want)
    if typ in ('u8', 'u16', 'u32', 'u64', 'hex32', 'hex64'):
        try:
            return int(got, 0) == int(want, 0)
        except (TypeError, ValueError):
            return False
    if typ == 'guid':
        return (got or '').upper() == want.upper()
    if typ == 'filetime':
        return (got or '')[:19] == want[:19]
    return (got or '') == want.replace('\r\n', '\n').replace('\r', '\n')


def userdata_fields(elem, path, out):
    """The fields of a UserData element as npsdiag names them: Path/@attr
    for each attribute, Path for the text of a leaf that has text or no
    attributes (parsers/xml/event_xml.h)."""
    for child in elem:
        name = child.tag.rpartition('}')[2]
        p = path + '/' + name if path else name
        for a, v in child.attrib.items():
            if not a.startswith('xmlns'):
                out.append((p + '/@' + a.rpartition('}')[2], v))
        if len(child):
            userdata_fields(child, p, out)
        elif child.text or not child.attrib:
            out.append((p, (child.text or '').replace('\r\n', '\n').replace('\r', '\n')))
    return out


def parse(xml_text):
    """Returns the fields of one rendered event."""
    root = ET.fromstring(xml_text)
    s = root.find(NS + 'System')
    g = lambda tag: s.find(NS + tag)
    eid = g('EventID')
    exe = g('Execution')
    sec = g('Security')
    data = root.find(NS + 'EventData')
    values = [(d.get('Name'), (d.text or '').replace('\r\n', '\n').replace('\r', '\n'))
              for d in data.findall(NS + 'Data')] if data is not None else []
    if len(values) == 1 and values[0][0] is None and values[0][1].startswith('<string>'):
        values = [(None, v) for v in re.findall(r'<string>(.*?)</string>\n', values[0][1], re.S)]
    user = root.find(NS + 'UserData')
    if user is not None and len(user):
        values = userdata_fields(user[0], '', [])
    binary = data.find(NS + 'Binary') if data is not None else None
    return {'provider': g('Provider').get('Name'), 'id': int(eid.text), 'qualifiers': eid.get('Qualifiers') or None,
            'version': getattr(g('Version'), 'text', None), 'level': g('Level').text, 'task': g('Task').text,
            'opcode': getattr(g('Opcode'), 'text', None), 'keywords': g('Keywords').text,
            'time': g('TimeCreated').get('SystemTime'), 'record': int(g('EventRecordID').text),
            'pid': exe.get('ProcessID') or None, 'tid': exe.get('ThreadID') or None,
            'channel': g('Channel').text, 'computer': g('Computer').text,
            'user': (sec.get('UserID') or None) if sec is not None else None,
            'data': values, 'binary': binary.text if binary is not None else None}


def libevtx_records(path):
    out = subprocess.run([EVTXEXPORT, '-f', 'xml', path], capture_output=True, text=True).stdout
    return [parse(m) for m in re.findall(r'<Event xmlns=.*?</Event>', out, re.S)]


def python_evtx_records(path):
    with evtx.Evtx(path) as log:
        return [parse(r.xml()) for r in log.records()]


def compare(reader, got, want, problems):
    """Appends to problems each field of a record read back differently."""
    def differ(what, g, w):
        problems.append('%s: record %d: %s: read %r, wrote %r' % (reader, want['record'], what, g, w))
    for key in ('provider', 'id', 'computer', 'channel', 'record'):
        if got[key] != want[key]:
            differ(key, got[key], want[key])
    for key in ('level', 'version', 'task', 'opcode', 'qualifiers', 'pid', 'tid', 'keywords'):
        if key in want and (got[key] is None or int(got[key], 0) != want[key]):
            differ(key, got[key], want[key])
    t = got['time'].replace(' ', 'T').rstrip('Z')
    base, _, frac = t.partition('.')
    dt = datetime.datetime.strptime(base, '%Y-%m-%dT%H:%M:%S')
    read = int((dt - EPOCH).total_seconds()) * 10**7 + int((frac + '0000000')[:7])
    # python-evtx goes through a float and is off by a few microseconds.
    if abs(read - want['time']) > (100 if reader == 'python-evtx' else 0):
        differ('time', got['time'], want['time'])
    if want.get('user') and got['user'] != want['user']:
        differ('user', got['user'], want['user'])
    if got['data'] == [(None, '')] and not want['data']:
        got['data'] = []  # python-evtx shows an empty string array as one empty Data
    if len(got['data']) != len(want['data']):
        differ('Data count', len(got['data']), len(want['data']))
    for (gname, gval), (wname, typ, wval) in zip(got['data'], want['data']):
        if gname != wname or not same_value(typ, gval, wval, reader):
            differ('Data %s' % (wname or '#'), (gname, gval), (wname, wval))
    if 'binary' in want:
        b = got['binary'] or ''
        if reader == 'python-evtx':
            b = base64.b64decode(b).hex().upper()
        if b.upper() != want['binary']:
            differ('Binary', b, want['binary'])


def main():
    problems = []
    total = 0
    for desc in sys.argv[1:]:
        path = desc[:-len('.desc')] + '.evtx'
        want = expected(desc)
        for reader, read in (('libevtx', libevtx_records), ('python-evtx', python_evtx_records)):
            got = read(path)
            if len(got) != len(want):
                problems.append('%s: %s: %d records read, %d written' % (reader, path, len(got), len(want)))
            for g, w in zip(got, want):
                compare(reader, g, w, problems)
        total += len(want)
    for p in problems[:50]:
        print(p)
    print('%d records in %d files, %d differences' % (total, len(sys.argv) - 1, len(problems)))
    sys.exit(1 if problems or not total else 0)


main()
