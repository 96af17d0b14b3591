"""Test oracle: compares what npsdiag stored for the events of an EVTX file
with what python-evtx, an independent reader, finds in the same file.

    oracle.py FILE.evtx DB

For every event stored from FILE (matched by record id) the computer, the
TimeCreated (to the 100 ns), the event id and every EventData value, in
order, must be equal. Prints one line per difference and a tally; exits 1
on a difference, 77 when python-evtx is not installed."""
import re
import sqlite3
import sys
import xml.etree.ElementTree as ET

sys.path.append('/usr/lib/python3/dist-packages')
try:
    import Evtx.Evtx as evtx
except ImportError:
    print('SKIP: python3-evtx is not installed')
    sys.exit(77)

NS = '{http://schemas.microsoft.com/win/2004/08/events/event}'


def norm(s):
    """XML parsing turns CR and CRLF into LF; compare after the same."""
    return (s or '').replace('\r\n', '\n').replace('\r', '\n')


def oracle_events(path):
    """Returns {record id: (computer, time, event id, [values])} as python-evtx reads them."""
    out = {}
    with evtx.Evtx(path) as log:
        for rec in log.records():
            root = ET.fromstring(rec.xml())
            sysn = root.find(NS + 'System')
            rid = int(sysn.find(NS + 'EventRecordID').text)
            t = sysn.find(NS + 'TimeCreated').get('SystemTime')
            data = root.find(NS + 'EventData')
            values = [norm(d.text) for d in data.findall(NS + 'Data')] if data is not None else []
            if len(values) == 1 and values[0].startswith('<string>'):
                # A classic event's string array, which python-evtx renders
                # as one Data of <string>...</string> lines.
                values = re.findall(r'<string>(.*?)</string>\n', values[0], re.S)
            out[rid] = (sysn.find(NS + 'Computer').text, t, int(sysn.find(NS + 'EventID').text), values)
    return out


def main():
    path, db = sys.argv[1], sys.argv[2]
    want = oracle_events(path)
    con = sqlite3.connect(db)
    rows = con.execute('SELECT e.id, e.record_id, e.computer, e.time_created, e.event_id FROM events e'
                       ' JOIN sources s ON s.id = e.source_id WHERE s.path = ? ORDER BY e.record_id',
                       (path,)).fetchall()
    bad = 0
    for ref, rid, computer, t, eid in rows:
        if rid not in want:
            print('record %d: python-evtx does not have it' % rid)
            bad += 1
            continue
        wc, wt, weid, wvalues = want[rid]
        # python-evtx prints 6 fractional digits plus a space, or none.
        wt = wt.strip().replace(' ', 'T') if wt else ''
        got_values = [norm(v) for (v,) in con.execute(
            'SELECT value FROM event_fields WHERE event_ref = ? ORDER BY pos', (ref,))]
        checks = [('computer', computer, wc), ('event id', eid, weid),
                  ('time', t[:19], wt[:19]), ('values', got_values, wvalues)]
        for what, got, exp in checks:
            if got != exp:
                print('record %d: %s: npsdiag %r, python-evtx %r' % (rid, what, got, exp))
                bad += 1
    print('%d events compared, %d differences' % (len(rows), bad))
    sys.exit(1 if bad or not rows else 0)


main()
