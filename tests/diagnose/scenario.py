"""The mixed scenario of the diagnose tests: several users and hosts in one
set of logs, a client whose clock runs 95 s ahead of NPS, UPN and
DOMAIN\\user forms, client errors with no NPS event, NPS denials with no
client log, and server findings. SCENARIO lists the events; EXPECTED the
incidents diagnose must report (user, client, cause, match, count, paired)
with --skew 120. causes.py seeds it into a database."""

NPS = 'NPS01.lab.example'
DC = 'DC01.lab.example'

# (kind, host, time, args): kind is client (user, code), nps (event, user, domain, fq, reason, eap),
# service (event, name, value, column), kdc (event), connected (user).
SCENARIO = [
    ('service', NPS, '2025-03-14T07:00:01Z', (4421, 'Mode', 'Audit', 'mode')),
    # alice: revocation check (853 + 258), UPN at NPS, DOMAIN\user at the client; two attempts.
    ('nps', NPS, '2025-03-14T09:00:00.200Z', (6273, 'alice@lab.example', 'LAB', 'LAB\\alice', 258, None)),
    ('client', 'CLIENT01.lab.example', '2025-03-14T09:00:01.100Z', ('LAB\\alice', 853)),
    ('nps', NPS, '2025-03-14T09:05:00.200Z', (6273, 'alice@lab.example', 'LAB', 'LAB\\alice', 258, None)),
    ('client', 'CLIENT01.lab.example', '2025-03-14T09:05:00.900Z', ('LAB\\alice', 853)),
    # bob on CLIENT02 (clock 95 s ahead): password wrong (691 + 16, MSCHAPv2), then granted.
    ('nps', NPS, '2025-03-14T09:00:00.500Z', (6273, 'LAB\\bob', 'LAB', 'LAB\\bob', 16, 'Microsoft: Secured password (EAP-MSCHAP v2)')),
    ('client', 'CLIENT02.lab.example', '2025-03-14T09:01:36.000Z', ('LAB\\bob', 691)),
    ('nps', NPS, '2025-03-14T09:10:00.000Z', (6272, 'LAB\\bob', 'LAB', 'LAB\\bob', None, None)),
    ('connected', 'CLIENT02.lab.example', '2025-03-14T09:11:35.500Z', ('LAB\\bob',)),
    # carol: strong certificate mapping (853 + 16 + KDC 39 on the DC).
    ('kdc', DC, '2025-03-14T09:20:00.100Z', (39,)),
    ('nps', NPS, '2025-03-14T09:20:00.300Z', (6273, 'carol@lab.example', 'LAB', 'LAB\\carol', 16, None)),
    ('client', 'CLIENT03.lab.example', '2025-03-14T09:20:01.000Z', ('LAB\\carol', 853)),
    # dave: no matching network policy (48) and no client log at all.
    ('nps', NPS, '2025-03-14T09:30:00Z', (6273, 'dave@lab.example', 'LAB', 'LAB\\dave', 48, None)),
    # erin: dial-in denied (65, client 812).
    ('nps', NPS, '2025-03-14T09:40:00.000Z', (6273, 'erin@lab.example', 'LAB', 'LAB\\erin', 65, None)),
    ('client', 'CLIENT04.lab.example', '2025-03-14T09:40:00.800Z', ('LAB\\erin', 812)),
    # frank: method mismatch (812 + 66).
    ('nps', NPS, '2025-03-14T09:50:00.000Z', (6273, 'frank@lab.example', 'LAB', 'LAB\\frank', 66, None)),
    ('client', 'CLIENT05.lab.example', '2025-03-14T09:50:00.600Z', ('LAB\\frank', 812)),
    # device tunnels: 13801 and 13806 never reach NPS; user SYSTEM.
    ('client', 'CLIENT06.lab.example', '2025-03-14T10:00:00Z', ('SYSTEM', 13801)),
    ('client', 'CLIENT07.lab.example', '2025-03-14T10:01:00Z', ('SYSTEM', 13806)),
    # grace: 809 (no answer), then 868 (name does not resolve) from home.
    ('client', 'CLIENT08.lab.example', '2025-03-14T10:10:00Z', ('LAB\\grace', 809)),
    ('client', 'CLIENT08.lab.example', '2025-03-14T10:20:00Z', ('LAB\\grace', 868)),
    # heidi: no connection request policy (49).
    ('nps', NPS, '2025-03-14T10:30:00.000Z', (6273, 'heidi@lab.example', 'LAB', 'LAB\\heidi', 49, None)),
    ('client', 'CLIENT09.lab.example', '2025-03-14T10:30:00.700Z', ('LAB\\heidi', 812)),
    # ivan: untrusted client CA (265), and 13868 (IKE policy) later.
    ('nps', NPS, '2025-03-14T10:40:00.000Z', (6273, 'ivan@lab.example', 'LAB', 'LAB\\ivan', 265, None)),
    ('client', 'CLIENT10.lab.example', '2025-03-14T10:40:00.500Z', ('LAB\\ivan', 853)),
    ('client', 'CLIENT10.lab.example', '2025-03-14T10:45:00Z', ('LAB\\ivan', 13868)),
    # judy: 812 + 258 (Entra CA) and the NPS no-DC finding.
    ('nps', NPS, '2025-03-14T10:50:00.000Z', (6273, 'judy@lab.example', 'LAB', 'LAB\\judy', 258, None)),
    ('client', 'CLIENT11.lab.example', '2025-03-14T10:50:00.400Z', ('LAB\\judy', 812)),
    ('service', NPS, '2025-03-14T11:00:00Z', (4402, 'Domain', 'lab.example', 'domain')),
    ('nps', NPS, '2025-03-14T11:00:01.000Z', (6273, 'kim@lab.example', 'LAB', 'LAB\\kim', 259, None)),
    ('client', 'CLIENT12.lab.example', '2025-03-14T11:00:01.900Z', ('LAB\\kim', 853)),
]

ARGS = ['--skew', '120']


def inc(user, client, cause, match, count=1, paired=None):
    return {'user': user, 'client': client, 'cause': cause, 'match': match, 'count': count,
            'paired': count if paired is None and match == 'client+nps' else (paired or 0)}


EXPECTED = [
    inc('LAB\\alice', 'CLIENT01.lab.example', 'revocation-check-failed', 'client+nps', 2),
    inc('LAB\\bob', 'CLIENT02.lab.example', 'bad-credentials', 'client+nps'),
    inc('LAB\\carol', 'CLIENT03.lab.example', 'strong-certificate-mapping', 'client+nps'),
    inc('dave@lab.example', None, 'no-matching-network-policy', 'nps-only'),
    inc('LAB\\erin', 'CLIENT04.lab.example', 'dial-in-denied', 'client+nps'),
    inc('LAB\\frank', 'CLIENT05.lab.example', 'authentication-method-mismatch', 'client+nps'),
    inc('SYSTEM', 'CLIENT06.lab.example', 'ike-credentials-unacceptable', 'client-only'),
    inc('SYSTEM', 'CLIENT07.lab.example', 'ike-no-machine-certificate', 'client-only'),
    inc('LAB\\grace', 'CLIENT08.lab.example', 'vpn-server-unreachable', 'client-only'),
    inc('LAB\\grace', 'CLIENT08.lab.example', 'vpn-server-name-unresolved', 'client-only'),
    inc('LAB\\heidi', 'CLIENT09.lab.example', 'no-matching-connection-request-policy', 'client+nps'),
    inc('LAB\\ivan', 'CLIENT10.lab.example', 'client-ca-untrusted', 'client+nps'),
    inc('LAB\\ivan', 'CLIENT10.lab.example', 'ike-policy-mismatch', 'client-only'),
    inc('LAB\\judy', 'CLIENT11.lab.example', 'entra-ca-short-lived-certificate', 'client+nps'),
    inc('LAB\\kim', 'CLIENT12.lab.example', 'crl-offline', 'client+nps'),
]
FINDINGS = ['blast-radius-hardening-not-enforced', 'nps-no-domain-controller']
RESOLVED = ['LAB\\bob']
