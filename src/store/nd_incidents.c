#include "nd_incidents.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nd_db.h"
#include "nd_db_sqlite.h"
#include "nd_escape.h"
#include "nd_fields.h"
#include "nd_random.h"

/* The result tables, created in the database (T "", I "") or, for a store
 * that cannot be written, as TEMP tables (T "TEMP ", I "temp.") that live
 * in memory for this connection only and shadow any stored results. They
 * have no foreign keys: the writer links only events and causes it has,
 * and a check per row (a delete of the previous results, above all) cost
 * a fifth of the run. An incident's key is a column of its row, and
 * incident_keys a view of it (a table of its own was a sixth of the rows
 * a diagnosis inserts); so are its facts (a JSON array of [name, value],
 * null where a position has none) and incident_facts (a table of its own
 * was a third of the rows, and of what inserting them cost). */
#define BY_EVENT_SQL "incident_events_by_event ON incident_events(event_ref);\n"
/* The page cache, in KiB, while incident_events_by_event is made (nd_incidents_index). */
#define INDEX_CACHE_KB "16000"
/* The columns of incidents and incident_events, and of the new tables of a
 * renewal (nd_incidents_renew), which take their names. */
#define INCIDENTS_COLUMNS \
	"(\n" \
	"  id INTEGER PRIMARY KEY,\n" \
	"  kind TEXT NOT NULL,\n" \
	"  cause_id TEXT NOT NULL,\n" \
	"  confidence TEXT NOT NULL,\n" \
	"  match TEXT NOT NULL,\n" \
	"  identity TEXT, user_name TEXT, client TEXT, vpn_server TEXT, nps_server TEXT,\n" \
	"  client_error INTEGER, nps_event_id INTEGER, nps_reason INTEGER,\n" \
	"  count INTEGER NOT NULL, paired INTEGER NOT NULL,\n" \
	"  first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,\n" \
	"  first_time TEXT NOT NULL, last_time TEXT NOT NULL,\n" \
	"  status TEXT NOT NULL, resolved_ts INTEGER, resolved_time TEXT,\n" \
	"  key TEXT, facts TEXT)"
#define INCIDENT_EVENTS_COLUMNS \
	"(\n" \
	"  incident_id INTEGER NOT NULL,\n" \
	"  event_ref INTEGER NOT NULL,\n" \
	"  role TEXT NOT NULL,\n" \
	"  attempt INTEGER,\n" \
	"  delta_ticks INTEGER,\n" \
	"  PRIMARY KEY(incident_id, event_ref, role)) WITHOUT ROWID"
/* How the names of a renewal's new tables begin (then its id), as a LIKE
 * pattern ('\\' escapes). */
#define NEW_INCIDENTS "incidents_new_"
#define NEW_EVENTS "incident_events_new_"
#define NEW_LIKE "(name LIKE 'incidents\\_new\\_%' ESCAPE '\\' OR name LIKE 'incident\\_events\\_new\\_%' ESCAPE '\\')"
#define RESULTS_SQL(T, I) \
	"CREATE " T "TABLE IF NOT EXISTS causes(\n" \
	"  cause_id TEXT PRIMARY KEY,\n" \
	"  kind TEXT NOT NULL,\n" \
	"  title TEXT NOT NULL,\n" \
	"  confidence TEXT NOT NULL,\n" \
	"  explanation TEXT NOT NULL,\n" \
	"  rule_file TEXT NOT NULL,\n" \
	"  rule_line INTEGER NOT NULL);\n" \
	"CREATE " T "TABLE IF NOT EXISTS cause_steps(\n" \
	"  cause_id TEXT NOT NULL,\n" \
	"  step INTEGER NOT NULL,\n" \
	"  text TEXT NOT NULL,\n" \
	"  PRIMARY KEY(cause_id, step)) WITHOUT ROWID;\n" \
	"CREATE " T "TABLE IF NOT EXISTS cause_commands(\n" \
	"  cause_id TEXT NOT NULL,\n" \
	"  step INTEGER NOT NULL,\n" \
	"  pos INTEGER NOT NULL,\n" \
	"  command TEXT NOT NULL,\n" \
	"  PRIMARY KEY(cause_id, step, pos)) WITHOUT ROWID;\n" \
	"CREATE " T "TABLE IF NOT EXISTS cause_sources(\n" \
	"  cause_id TEXT NOT NULL,\n" \
	"  pos INTEGER NOT NULL,\n" \
	"  source TEXT NOT NULL,\n" \
	"  PRIMARY KEY(cause_id, pos)) WITHOUT ROWID;\n" \
	"CREATE " T "TABLE IF NOT EXISTS incidents" INCIDENTS_COLUMNS ";\n" \
	"CREATE " T "TABLE IF NOT EXISTS incident_events" INCIDENT_EVENTS_COLUMNS ";\n" \
	"CREATE INDEX IF NOT EXISTS " I BY_EVENT_SQL \
	"CREATE " T "TABLE IF NOT EXISTS diagnose_meta(key TEXT PRIMARY KEY, value TEXT);\n"

/* Empties the result tables (the TEMP ones when they exist: they come
 * first in name resolution); CAUSES_CLEAR_SQL the small ones alone. */
#define CAUSES_CLEAR_SQL \
	"DELETE FROM cause_sources; DELETE FROM cause_commands; DELETE FROM cause_steps; DELETE FROM causes;\n" \
	"DELETE FROM diagnose_meta;\n"
static const char clear_sql[] = "DELETE FROM incident_events; DELETE FROM incidents;\n" CAUSES_CLEAR_SQL;

static const char stored_sql[] = RESULTS_SQL("", "");
/* Foreign keys cannot reach from TEMP tables to the stored events. */
static const char memory_sql[] = "PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=OFF;\n" RESULTS_SQL(
	"TEMP ", "temp.") ND_INCIDENT_KEYS_VIEW("TEMP ") ND_INCIDENT_FACTS_VIEW_SQLITE("TEMP ");

/* Makes the view name from sql where it is missing: PostgreSQL has no
 * CREATE VIEW IF NOT EXISTS, and its CREATE OR REPLACE VIEW needs the
 * view's owner, which the role of a collector (docs/fleet.md) is not.
 * Returns 0, or -1 with err set. */
static int view(nd_db *db, const char *name, const char *sql, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc;

	if (nd_db_prepare(db,
			  nd_db_dialect_of(db) == ND_DB_POSTGRESQL
				  ? "SELECT 1 FROM pg_catalog.pg_views WHERE schemaname = current_schema()"
				    " AND viewname = ?"
				  : "SELECT 1 FROM sqlite_schema WHERE type = 'view' AND name = ?",
			  0, &st, "results tables", err) != 0 ||
	    nd_db_bind_text(st, 1, name, "results tables", err) != 0) {
		nd_db_finalize(st);
		return -1;
	}
	rc = nd_db_step(st, "results tables", err);
	nd_db_finalize(st);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return nd_db_exec_ddl(db, sql, "results tables", err);
}

int nd_incidents_fact_put(nd_buf *b, size_t *n, size_t pos, const char *name, const char *value)
{
	size_t nulls = pos > *n + 1 ? pos - *n - 1 : 0, k = strlen(name), v = strlen(value);
	char *o;

	/* nulls, the separators, the brackets and both strings escaped, each byte as \u00XX at worst */
	if (nulls > SIZE_MAX / 8 || k > SIZE_MAX / 16 || v > SIZE_MAX / 16 ||
	    nd_buf_reserve(b, 5 * nulls + 6 * (k + v) + 8) != 0)
		return -1;
	o = b->data + b->len;
	*o++ = b->len ? ',' : '[';
	for (*n += nulls + 1; nulls; nulls--) {
		memcpy(o, "null,", 5);
		o += 5;
	}
	*o++ = '[';
	o = nd_escape_json_sql(o, name, k);
	*o++ = ',';
	o = nd_escape_json_sql(o, value, v);
	*o++ = ']';
	*o = '\0';
	b->len = (size_t)(o - b->data);
	return 0;
}

int nd_incidents_facts_end(nd_buf *b)
{
	return b->len ? nd_buf_append(b, "]", 1) : 0;
}

/* Returns s past its JSON white space. */
static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

int nd_incidents_fact_next(const char **p, nd_buf *name, nd_buf *value)
{
	const char *s = skip_ws(*p);
	int null;

	/* at the array's [ (the first call), a comma after an element, or its ] */
	while (*s == '[' || *s == ',') {
		int open = *s == '[';

		s = skip_ws(s + 1);
		if (open && *s == ']')
			break;
		if (strncmp(s, "null", 4) == 0) {
			s = skip_ws(s + 4);
			continue;
		}
		if (*s != '[' || nd_fields_next(&s, name, &null) != 1 || nd_fields_next(&s, value, &null) != 1 ||
		    *(s = skip_ws(s)) != ']')
			return -1;
		*p = s + 1;
		return 1;
	}
	*p = s;
	return *s == ']' && !*skip_ws(s + 1) ? 0 : -1;
}

int nd_incidents_views(nd_db *db, nd_error *err)
{
	return view(db, "incident_keys", ND_INCIDENT_KEYS_VIEW(""), err) ||
			       view(db, "incident_facts",
				    nd_db_dialect_of(db) == ND_DB_POSTGRESQL ? ND_INCIDENT_FACTS_VIEW_PG
									     : ND_INCIDENT_FACTS_VIEW_SQLITE(""),
				    err)
		       ? -1
		       : 0;
}

int nd_incidents_begin(nd_store *s, nd_error *err)
{
	nd_db *db = nd_store_db(s);

	/* A transaction on the TEMP tables alone writes nothing to the file. */
	if (nd_store_readonly(s))
		return nd_db_exec(db, memory_sql, "results tables", err) != 0 ? -1 : nd_db_begin(db, err);
	if (nd_store_begin(s, err) != 0)
		return -1;
	/* Concurrent runs (several tails, diagnose) take turns. */
	if (nd_db_lock(db, ND_STORE_LOCK_DIAGNOSE, err) == 0 &&
	    nd_db_exec_ddl(db, stored_sql, "results tables", err) == 0 && nd_incidents_views(db, err) == 0)
		return 0;
	nd_store_rollback(s);
	return -1;
}

/* Returns 1 when a full rewrite of the results builds incident_events_by_event
 * after the rows (a SQLite file: nd_incidents_clear drops it), else 0 (the
 * TEMP tables of a read-only store; PostgreSQL, where the role of a
 * collector does not own the index). */
static int index_after(nd_store *s)
{
	return nd_db_dialect_of(nd_store_db(s)) == ND_DB_SQLITE && !nd_store_readonly(s);
}

int nd_incidents_clear(nd_store *s, nd_error *err)
{
	nd_db *db = nd_store_db(s);

	if (!index_after(s))
		return nd_db_exec(db, clear_sql, "results tables", err);
	/* A full rewrite writes every page of the results (440 MB at 1M x
	 * 1M), which SQLite syncs only at its commit and checkpoint: written
	 * back meanwhile, until the transaction ends (nd_store_commit and
	 * nd_store_rollback stop it). */
	nd_db_sqlite_write_behind(db);
	if (nd_db_exec(db, "DROP INDEX IF EXISTS incident_events_by_event;", "results tables", err))
		return -1;
	return nd_db_exec(db, clear_sql, "results tables", err);
}

/* Sets *v to the integer PRAGMA name of db gives. Returns 0, or -1 with
 * err set. */
static int pragma_int(nd_db *db, const char *name, int64_t *v, nd_error *err)
{
	nd_stmt *st = NULL;
	char sql[64];
	int rc = -1;

	snprintf(sql, sizeof(sql), "PRAGMA %s", name);
	if (nd_db_prepare(db, sql, 0, &st, "results tables", err) != 0 ||
	    (rc = nd_db_step(st, "results tables", err)) != 1) {
		nd_db_finalize(st);
		return rc == 0 ? nd_error_set(err, "results tables: PRAGMA %s gave no row", name) : -1;
	}
	*v = nd_db_column_int64(st, 0);
	nd_db_finalize(st);
	return 0;
}

/* Runs head, name (quoted), tail: name is a table's, of letters, digits
 * and underscores (any other is skipped). Returns 0, or -1 with err set. */
static int exec_named(nd_db *db, const char *head, const char *name, const char *tail, nd_error *err)
{
	nd_buf sql = {0};
	const char *c;
	int rc;

	for (c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
			return 0;
	if (nd_buf_append(&sql, head, strlen(head)) || nd_buf_append(&sql, "\"", 1) ||
	    nd_buf_append(&sql, name, strlen(name)) || nd_buf_append(&sql, "\"", 1) ||
	    nd_buf_append(&sql, tail, strlen(tail) + 1)) {
		nd_buf_free(&sql);
		return nd_error_set(err, "out of memory");
	}
	rc = nd_db_exec(db, sql.data, "results tables", err);
	nd_buf_free(&sql);
	return rc;
}

/* Appends to out the texts of the first column of the rows the query q
 * gives, each NUL-terminated (read whole before the schema they come from
 * changes: it cannot under a running query). Returns 0, or -1 with err set
 * (out then to be freed). */
static int texts_of(nd_db *db, const char *q, nd_buf *out, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc;

	if (nd_db_prepare(db, q, 0, &st, "results tables", err) != 0)
		return -1;
	while ((rc = nd_db_step(st, "results tables", err)) == 1) {
		const char *t = nd_db_column_text(st, 0);

		if (t && nd_buf_append(out, t, strlen(t) + 1) != 0) {
			rc = nd_error_set(err, "out of memory");
			break;
		}
	}
	nd_db_finalize(st);
	return rc;
}

/* Drops each table the query q names. Returns 0, or -1 with err set. */
static int drop_each(nd_db *db, const char *q, nd_error *err)
{
	nd_buf names = {0};
	size_t at;
	int rc = texts_of(db, q, &names, err);

	for (at = 0; rc == 0 && at < names.len; at += strlen(names.data + at) + 1)
		rc = exec_named(db, "DROP TABLE IF EXISTS ", names.data + at, "", err);
	nd_buf_free(&names);
	return rc;
}

/* Sets name to the name of a renewal's new table (prefix, then its id).
 * Returns name. */
static char *new_name(const nd_store_renewal *r, const char *prefix, char name[64])
{
	snprintf(name, 64, "%s%s", prefix, r->id);
	return name;
}

int nd_incidents_renew(nd_store *s, nd_error *err)
{
	nd_db *db = nd_store_db(s);
	nd_store_renewal *r = nd_store_renewal_of(s);
	unsigned char id[8];
	char name[64];
	int64_t secure;
	size_t i;

	if (!index_after(s) || !nd_db_sqlite_in_wal(db))
		return nd_incidents_clear(s, err);
	if (pragma_int(db, "secure_delete", &secure, err) != 0)
		return -1;
	if (nd_random(id, sizeof(id)) != 0)
		return nd_error_set(err, "results tables: no random bytes to name the new tables");
	r->active = 1;
	r->secure_delete = (int)secure;
	for (i = 0; i < sizeof(id); i++)
		snprintf(r->id + 2 * i, 3, "%02x", id[i]);
	/* The old tables are dropped at the end, and the new ones a run
	 * killed before left now: their pages go to the free list, not
	 * overwritten with zeros (SECURE_DELETE, Debian's default, would
	 * write every page of them once more). */
	if (nd_db_exec(db, "PRAGMA secure_delete=FAST", "results tables", err) != 0 ||
	    drop_each(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND " NEW_LIKE, err) != 0 ||
	    exec_named(db, "CREATE TABLE ", new_name(r, NEW_INCIDENTS, name), INCIDENTS_COLUMNS, err) != 0 ||
	    exec_named(db, "CREATE TABLE ", new_name(r, NEW_EVENTS, name), INCIDENT_EVENTS_COLUMNS, err) != 0)
		return -1;
	/* Each part's pages are copied into the database file by a thread of
	 * its own while the next part is written (nd_db_sqlite_ckpt.h), and
	 * written back to the disk as they come (nd_incidents_clear). */
	nd_db_sqlite_checkpoint_behind(db);
	nd_db_sqlite_write_behind(db);
	return 0;
}

const char *nd_incidents_target(nd_store *s, int events, char name[64])
{
	nd_store_renewal *r = nd_store_renewal_of(s);

	if (!r->active || !r->id[0])
		return events ? "incident_events" : "incidents";
	return new_name(r, events ? NEW_EVENTS : NEW_INCIDENTS, name);
}

int nd_incidents_commit_part(nd_store *s, nd_error *err)
{
	nd_store_renewal *r = nd_store_renewal_of(s);
	nd_db *db = nd_store_db(s);
	nd_stmt *st = NULL;
	char inc[64], ev[64];
	int rc;

	if (!r->active || !r->id[0])
		return 0;
	if (nd_db_commit(db, err) != 0 || nd_db_begin(db, err) != 0)
		return -1;
	/* Another full diagnosis of the store that began meanwhile dropped them (its own replace them). */
	if (nd_db_prepare(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN (?, ?)", 0, &st,
			  "results tables", err) != 0 ||
	    nd_db_bind_text(st, 1, new_name(r, NEW_INCIDENTS, inc), "results tables", err) != 0 ||
	    nd_db_bind_text(st, 2, new_name(r, NEW_EVENTS, ev), "results tables", err) != 0 ||
	    (rc = nd_db_step(st, "results tables", err)) < 0) {
		nd_db_finalize(st);
		return -1;
	}
	rc = rc == 1 && nd_db_column_int64(st, 0) == 2;
	nd_db_finalize(st);
	return rc ? 0
		  : nd_error_set(err, "results tables: another diagnosis of this database began meanwhile; its"
				      " results replace this run's");
}

/* Puts a renewal's new tables in place of incidents and incident_events,
 * with the indexes and triggers of their own that users made on those
 * (the views of both are made again by the caller), and empties the
 * small tables, all in the last transaction. Returns 0, or -1 with err
 * set. */
static int renewal_swap(nd_store *s, nd_error *err)
{
	nd_store_renewal *r = nd_store_renewal_of(s);
	nd_db *db = nd_store_db(s);
	nd_buf kept = {0};
	char name[64];
	size_t at;
	/* indexes and triggers of the user's on the old tables: made again on the new ones */
	int rc = texts_of(db,
			  "SELECT sql FROM sqlite_schema WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
			  " AND tbl_name IN ('incidents', 'incident_events') AND name <> 'incident_events_by_event'",
			  &kept, err);
	/* legacy_alter_table: the renames neither check nor rewrite the
	 * views, which name incidents and incident_events as the new tables
	 * are called once renamed (a view of the user's included). */
	if (rc != 0 ||
	    nd_db_exec(db,
		       CAUSES_CLEAR_SQL "DROP VIEW IF EXISTS incident_keys; DROP VIEW IF EXISTS incident_facts;\n"
				       "DROP TABLE IF EXISTS incident_events; DROP TABLE IF EXISTS incidents;\n"
				       "PRAGMA legacy_alter_table=ON;",
		       "results tables", err) != 0) {
		nd_buf_free(&kept);
		return -1;
	}
	rc = exec_named(db, "ALTER TABLE ", new_name(r, NEW_INCIDENTS, name), " RENAME TO incidents", err) ||
			     exec_named(db, "ALTER TABLE ", new_name(r, NEW_EVENTS, name), " RENAME TO incident_events", err)
		     ? -1
		     : 0;
	if (nd_db_exec(db, "PRAGMA legacy_alter_table=OFF", "results tables", rc ? NULL : err) != 0)
		rc = -1;
	for (at = 0; rc == 0 && at < kept.len; at += strlen(kept.data + at) + 1)
		rc = nd_db_exec(db, kept.data + at, "results tables", err);
	nd_buf_free(&kept);
	if (rc == 0)
		r->id[0] = '\0'; /* renamed: a rollback now gives them their names back, for the next renewal to drop */
	return rc;
}

int nd_incidents_finish(nd_store *s, nd_error *err)
{
	nd_store_renewal *r = nd_store_renewal_of(s);
	nd_db *db = nd_store_db(s);
	char sql[64];
	int64_t cache;
	int rc, renewed = r->active && r->id[0];

	if (!index_after(s))
		return 0;
	if (renewed && renewal_swap(s, err) != 0)
		return -1;
	/* SQLite's sorter keeps as many bytes in memory as the page cache
	 * holds (2 MB by default) before it writes a sorted run to a temporary
	 * file: INDEX_CACHE_KB for the sort alone (fewer runs to write and
	 * merge), the connection's own setting put back after it. */
	if (pragma_int(db, "cache_size", &cache, err) != 0)
		return -1;
	snprintf(sql, sizeof(sql), "PRAGMA cache_size=%lld", (long long)cache);
	rc = nd_db_exec(db, "PRAGMA cache_size=-" INDEX_CACHE_KB, "results tables", err) == 0 &&
			     nd_db_exec(db, "CREATE INDEX IF NOT EXISTS " BY_EVENT_SQL, "results tables", err) == 0
		     ? 0
		     : -1;
	if (nd_db_exec(db, sql, "results tables", rc ? NULL : err) != 0)
		rc = -1;
	return rc || (renewed && nd_incidents_views(db, err)) ? -1 : 0;
}

void nd_incidents_renew_end(nd_store *s, int committed)
{
	nd_store_renewal *r = nd_store_renewal_of(s);
	nd_db *db = nd_store_db(s);
	char sql[64], name[64];
	nd_error ignored;

	/* Rolled back after a part was committed: the new tables go (a
	 * killed run's are dropped by the next renewal). */
	if (!committed && r->id[0] && nd_db_begin(db, &ignored) == 0) {
		if (exec_named(db, "DROP TABLE IF EXISTS ", new_name(r, NEW_INCIDENTS, name), "", &ignored) ||
		    exec_named(db, "DROP TABLE IF EXISTS ", new_name(r, NEW_EVENTS, name), "", &ignored) ||
		    nd_db_commit(db, &ignored))
			nd_db_rollback(db);
	}
	snprintf(sql, sizeof(sql), "PRAGMA secure_delete=%d", r->secure_delete);
	nd_db_exec(db, sql, "results tables", &ignored);
	memset(r, 0, sizeof(*r));
}

int nd_incidents_keyed(nd_store *s, int *any, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc;

	if (nd_db_prepare(nd_store_db(s), "SELECT 1 FROM incidents WHERE key IS NOT NULL LIMIT 1", 0, &st,
			  "incident keys", err) != 0)
		return -1;
	rc = nd_db_step(st, "incident keys", err);
	nd_db_finalize(st);
	*any = rc == 1;
	return rc < 0 ? -1 : 0;
}

int nd_incidents_keys(nd_store *s, nd_incidents_key_fn fn, void *ctx, nd_error *err)
{
	/* Two scans in id order, merged here: a join looked each incident's
	 * events up by its id (at 1M incidents 2.4 CPU s in the sqlite3 shell,
	 * the two scans 1.3). */
	nd_stmt *inc = NULL, *ev = NULL;
	nd_incident_key_row row;
	int rc = -1, at = 0; /* at: 1 on an incident, 0 before the first, -1 past the last */

	memset(&row, 0, sizeof(row));
	if (nd_db_prepare(nd_store_db(s), "SELECT id, key, first_ts FROM incidents WHERE key IS NOT NULL ORDER BY id", 0,
			  &inc, "incident keys", err) ||
	    nd_db_prepare(nd_store_db(s),
			  "SELECT incident_id, event_ref, COALESCE(attempt, 0), role = 'client-failure'"
			  " FROM incident_events WHERE role IN ('client-failure', 'nps-decision', 'finding')"
			  " ORDER BY incident_id, event_ref",
			  0, &ev, "incident keys", err))
		goto out;
	while ((rc = nd_db_step(ev, "incident keys", err)) == 1) {
		int64_t id = nd_db_column_int64(ev, 0);

		while (at == 0 || (at == 1 && row.id < id)) { /* to the event's incident, or past it */
			if ((at = nd_db_step(inc, "incident keys", err)) < 0)
				goto out;
			at = at ? 1 : -1;
			if (at == 1) {
				row.id = nd_db_column_int64(inc, 0);
				row.key = nd_db_column_text(inc, 1);
				row.first_ts = nd_db_column_int64(inc, 2);
				if (!row.key) { /* not NULL (the WHERE): SQLite ran out of memory */
					rc = nd_error_set(err, "out of memory");
					goto out;
				}
			}
		}
		if (at < 0) { /* no incident with a key after this one */
			rc = 0;
			break;
		}
		if (row.id != id) /* an incident without a key */
			continue;
		row.ref = nd_db_column_int64(ev, 1);
		row.attempt = nd_db_column_int64(ev, 2);
		row.client = nd_db_column_int64(ev, 3) != 0;
		if ((rc = fn(ctx, &row, err)) != 0)
			break;
	}
out:
	nd_db_finalize(inc);
	nd_db_finalize(ev);
	return rc ? -1 : 0;
}
