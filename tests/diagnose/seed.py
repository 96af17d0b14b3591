"""Seeds an npsdiag database with events for the diagnose tests.

The database must exist with its schema (any npsdiag command that opens
it, e.g. `npsdiag diagnose --db FILE`, creates it). Each event goes into
events, event_fields and its family's typed table as ingest would store
it, so that the tests can pin exact times, users and hosts without EVTX
files. Used as a module by the test scripts:

    from seed import Seeder
    s = Seeder(path)
    s.client_failure('CLIENT01.lab.example', 'LAB\\alice', 853, '2025-03-14T09:00:05Z')
    s.nps(6273, 'NPS01.lab.example', 'alice@lab.example', '2025-03-14T09:00:04Z', reason=258,
          domain='LAB', fq='LAB\\alice')
    s.close()
"""
import datetime
import sqlite3
import uuid

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def ticks(iso):
    """Returns the 100 ns ticks since 1970 of an ISO time like 2025-03-14T09:00:05.5Z."""
    base, _, frac = iso.rstrip('Z').partition('.')
    dt = datetime.datetime.strptime(base, '%Y-%m-%dT%H:%M:%S').replace(tzinfo=datetime.timezone.utc)
    return int((dt - EPOCH).total_seconds()) * 10000000 + int((frac + '0000000')[:7])


def iso(t):
    """Returns the 7-digit ISO text of ticks."""
    dt = EPOCH + datetime.timedelta(seconds=t // 10000000)
    return dt.strftime('%Y-%m-%dT%H:%M:%S') + '.%07dZ' % (t % 10000000)


def at(base, seconds):
    """Returns the ISO time seconds (a float) after the ISO time base."""
    return iso(ticks(base) + int(round(seconds * 10000000)))


class Seeder:
    def __init__(self, path):
        self.db = sqlite3.connect(path)
        self.record = 1000

    def event(self, family, provider, event_id, computer, channel, when, fields, typed=None):
        """Stores one event; fields is a list of (name, value); typed is (table, {column: value})."""
        self.record += 1
        t = ticks(when)
        # the table under the view events: lastrowid does not see a row inserted through the view
        cur = self.db.execute(
            'INSERT INTO event_rows(family, provider, event_id, time_text, ts, record_id, channel, computer)'
            ' VALUES(?,?,?,?,?,?,?,?)', (family, provider, event_id, iso(t), t, self.record, channel, computer))
        ref = cur.lastrowid
        for pos, (name, value) in enumerate(fields):
            self.db.execute('INSERT INTO event_fields(event_ref, pos, name, value) VALUES(?,?,?,?)',
                            (ref, pos, name, value))
        if typed:
            table, cols = typed
            names = ['event_ref'] + list(cols)
            self.db.execute('INSERT INTO %s(%s) VALUES(%s)' % (table, ','.join(names), ','.join('?' * len(names))),
                            [ref] + list(cols.values()))
        return ref

    def client(self, event_id, computer, user, when, code=None, coid=None, server=None):
        """A RasClient event: 20227 failure (code), 20225 connected, 20223 device (server)."""
        coid = coid or '{%s}' % str(uuid.uuid5(uuid.NAMESPACE_DNS, '%s%s%d' % (computer, when, event_id))).upper()
        fields = [('CoId', coid), ('UserName', user), ('ConnectionName', 'Always On VPN')]
        cols = {'coid': coid, 'user_name': user, 'connection_name': 'Always On VPN'}
        if code is not None:
            fields.append(('ErrorCode', str(code)))
            cols.update(code=code, code_text=str(code))
        if server is not None:
            fields.append(('ServerAddress', server))
            cols['server_address'] = server
        return self.event('rasclient', 'RasClient', event_id, computer, 'Application', when, fields,
                          ('ras_client_events', cols))

    def client_failure(self, computer, user, code, when, coid=None):
        return self.client(20227, computer, user, when, code=code, coid=coid)

    def nps(self, event_id, computer, user, when, reason=None, domain='-', fq='-', nas='VPN01',
            calling='192.0.2.77', auth='PEAP', eap='Microsoft: Smart Card or other certificate', policy='AOVPN User Tunnel'):
        """A Security-Auditing 6272/6273/6274 NPS decision."""
        data = [('SubjectUserSid', 'S-1-0-0'), ('SubjectUserName', user), ('SubjectDomainName', domain),
                ('FullyQualifiedSubjectUserName', fq), ('CalledStationID', '192.0.2.10'),
                ('CallingStationID', calling), ('NASIdentifier', nas), ('NASPortType', 'Virtual'),
                ('ClientName', nas), ('ClientIPAddress', '192.0.2.20'),
                ('ProxyPolicyName', 'Use Windows authentication for all users'), ('NetworkPolicyName', policy),
                ('AuthenticationType', auth), ('EAPType', eap)]
        cols = {'subject_user_name': user, 'subject_domain_name': domain, 'fq_subject_user_name': fq,
                'calling_station_id': calling, 'nas_identifier': nas, 'client_name': nas,
                'network_policy_name': policy, 'authentication_type': auth, 'eap_type': eap}
        if reason is not None:
            data.append(('ReasonCode', str(reason)))
            cols['reason_code'] = reason
        return self.event('nps_audit', 'Microsoft-Windows-Security-Auditing', event_id, computer, 'Security', when,
                          data, ('nps_audit_events', cols))

    def service(self, event_id, computer, when, name, value, column):
        """An NPS service event with one named field (4421 Mode, 4402 Domain, 13/18 ClientAddress)."""
        return self.event('nps_service', 'NPS', event_id, computer, 'System', when, [(name, value)],
                          ('nps_service_events', {column: value}))

    def kdc(self, event_id, computer, when):
        return self.event('kdc', 'Kdcsvc', event_id, computer, 'System', when, [])

    def close(self):
        self.db.commit()
        self.db.close()
