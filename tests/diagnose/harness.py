"""Shared helpers of the diagnose tests: a fresh database, running npsdiag,
checks with a tally. The environment gives NPSDIAG (the binary) and SRC
(the source tree), see tests/diagnose.cmake."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

from seed import Seeder

NPSDIAG = os.environ['NPSDIAG']
SRC = os.environ['SRC']


class Test:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='npsdiag-diagnose.')
        self.db = os.path.join(self.dir, 'test.db')
        self.passed = self.failed = 0

    def fresh(self):
        """Creates an empty database with the schema and returns a Seeder on it."""
        if os.path.exists(self.db):
            os.remove(self.db)
        # diagnose never creates a database; ingest does, even when it finds
        # nothing to read (it then says so and exits 1).
        empty = os.path.join(self.dir, 'nothing')
        os.makedirs(empty, exist_ok=True)
        self.run('ingest', '--quiet', empty)
        return Seeder(self.db)

    def run(self, *args, env=None):
        """Runs npsdiag CMD [--db DB] ARGS (explain takes no database); returns (status, stdout, stderr)."""
        cmd = [NPSDIAG, args[0]] + ([] if args[0] == 'explain' else ['--db', self.db]) + list(args[1:])
        e = dict(os.environ, NO_COLOR='1', **(env or {}))
        p = subprocess.run(cmd, capture_output=True, env=e)
        return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')

    def diagnose_json(self, *args):
        rc, out, err = self.run('diagnose', '--format', 'json', *args)
        self.check('diagnose exit status (%s)' % err.strip(), rc in (0, 1), True)
        return json.loads(out)

    def q(self, sql, *params):
        db = sqlite3.connect(self.db)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def check(self, what, got, want):
        if got == want:
            self.passed += 1
        else:
            self.failed += 1
            print('FAIL: %s: got %r, want %r' % (what, got, want), file=sys.stderr)

    def pairs(self):
        """Returns {client event id: nps event id or None} over all incidents."""
        rows = self.q("SELECT c.event_ref, n.event_ref FROM incident_events c LEFT JOIN incident_events n"
                      " ON n.incident_id = c.incident_id AND n.attempt = c.attempt AND n.role = 'nps-decision'"
                      " WHERE c.role = 'client-failure'")
        return dict(rows)

    def cause_of(self, client_ref):
        rows = self.q("SELECT i.cause_id FROM incidents i JOIN incident_events e ON e.incident_id = i.id"
                      " WHERE e.event_ref = ? AND e.role IN ('client-failure', 'nps-decision')", client_ref)
        return rows[0][0] if rows else None

    def finish(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        print('%d passed, %d failed' % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)
