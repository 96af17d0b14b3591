#include "nd_incidents.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nd_db.h"
#include "nd_db_sqlite.h"
#include "nd_escape.h"
#include "nd_clock.h"
#include "nd_fields.h"
#include "nd_random.h"
#include "nd_time.h"

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
/* How the names of a renewal's new tables begin (then its id). */
#define NEW_INCIDENTS "incidents_new_"
#define NEW_EVENTS "incident_events_new_"
/* The renewals under way, one row each (nd_incidents_renew): its id and
 * when it last committed a part (ms since 1970), in a SQLite file. */
#define RENEWALS_SQL "CREATE TABLE IF NOT EXISTS diagnose_renewals(id TEXT PRIMARY KEY, beat INTEGER NOT NULL);\n"
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

/* Returns 1 when c is JSON white space, else 0. */
static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Returns s past its JSON white space. */
static const char *skip_ws(const char *s)
{
	while (is_ws(*s))
		s++;
	return s;
}

/* Reads the element of a fact's pair after the [ or comma at *p, a JSON
 * string, into out and moves *p past it. Returns 0, or -1 when it is no
 * string (a number, null, a bare word, an array: not what the column holds,
 * docs/diagnose.md), is missing, or when out of memory. */
static int pair_string(const char **p, nd_buf *out)
{
	int null;

	return *skip_ws(skip_ws(*p) + 1) == '"' && nd_fields_next(p, out, &null) == 1 ? 0 : -1;
}

int nd_incidents_fact_next(const char **p, nd_buf *name, nd_buf *value)
{
	const char *s = skip_ws(*p);

	/* at the array's [ (the first call), a comma after an element, or its
	 * ]: after an element only a comma or the ] (a [ there would open
	 * the array again) */
	while (*s == '[' || *s == ',') {
		int open = *s == '[';

		s = skip_ws(s + 1);
		if (open && *s == ']')
			break;
		if (strncmp(s, "null", 4) == 0) {
			s = skip_ws(s + 4);
			if (*s != ',' && *s != ']')
				return -1;
			continue;
		}
		if (*s != '[' || pair_string(&s, name) != 0 || *(s = skip_ws(s)) != ',' ||
		    pair_string(&s, value) != 0 || *(s = skip_ws(s)) != ']' ||
		    (*skip_ws(s + 1) != ',' && *skip_ws(s + 1) != ']'))
			return -1;
		*p = s + 1;
		return 1;
	}
	*p = s;
	return *s == ']' && !*skip_ws(s + 1) ? 0 : -1;
}

size_t nd_incidents_facts_kept(const char *text)
{
	const char *open = skip_ws(text), *end = strrchr(text, ']');

	if (!end || *open != '[' || *skip_ws(open + 1) == ']')
		return 0;
	while (end > open && is_ws(end[-1]))
		end--;
	return (size_t)(end - text);
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
	if (nd_incidents_turn(s, err) == 0 && nd_db_exec_ddl(db, stored_sql, "results tables", err) == 0 &&
	    nd_incidents_views(db, err) == 0)
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

/* Sets *v to the integer the query q (a PRAGMA, a count) gives on db.
 * Returns 0, or -1 with err set. */
static int pragma_like(nd_db *db, const char *q, int64_t *v, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc = -1;

	if (nd_db_prepare(db, q, 0, &st, "results tables", err) != 0 ||
	    (rc = nd_db_step(st, "results tables", err)) != 1) {
		nd_db_finalize(st);
		return rc == 0 ? nd_error_set(err, "results tables: %s gave no row", q) : -1;
	}
	*v = nd_db_column_int64(st, 0);
	nd_db_finalize(st);
	return 0;
}

/* Returns the count the query q (one integer) gives, or -1 with err set. */
static int64_t count_of(nd_db *db, const char *q, nd_error *err)
{
	int64_t n;

	return pragma_like(db, q, &n, err) == 0 ? n : -1;
}

/* Returns the time now in ms since 1970, as a renewal's beat. */
static int64_t now_ms(void)
{
	return nd_clock_now_ticks() / (ND_TICKS_PER_SECOND / 1000);
}

/* Returns 1 when id is a renewal's (ND_STORE_RENEWAL_ID hex digits), else 0. */
static int is_id(const char *id)
{
	size_t n = 0;

	for (; id[n]; n++)
		if (!((id[n] >= '0' && id[n] <= '9') || (id[n] >= 'a' && id[n] <= 'f')))
			return 0;
	return n == ND_STORE_RENEWAL_ID;
}

/* Sets name to the name of the new table of renewal id (prefix, then the
 * id). Returns name. */
static char *new_name(const char *id, const char *prefix, char name[ND_INCIDENTS_NAME])
{
	snprintf(name, ND_INCIDENTS_NAME, "%s%s", prefix, id);
	return name;
}

/* Runs head "name" tail, name being a new table's of renewal id. Returns
 * 0, or -1 with err set. */
static int exec_new(nd_db *db, const char *head, const char *id, const char *prefix, const char *tail, nd_error *err)
{
	char name[ND_INCIDENTS_NAME];
	nd_buf sql = {0};
	int rc;

	if (!is_id(id))
		return nd_error_set(err, "results tables: \"%s\" is not a renewal's id", id);
	new_name(id, prefix, name);
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

/* Drops the new tables and the row of renewal id. Returns 0, or -1 with
 * err set. */
static int drop_renewal(nd_db *db, const char *id, nd_error *err)
{
	nd_stmt *st = NULL;
	int rc;

	if (exec_new(db, "DROP TABLE IF EXISTS ", id, NEW_INCIDENTS, "", err) != 0 ||
	    exec_new(db, "DROP TABLE IF EXISTS ", id, NEW_EVENTS, "", err) != 0 ||
	    nd_db_prepare(db, "DELETE FROM diagnose_renewals WHERE id = ?", 0, &st, "results tables", err) != 0)
		return -1;
	rc = nd_db_bind_text(st, 1, id, "results tables", err) == 0 && nd_db_step(st, "results tables", err) == 0
		     ? 0
		     : -1;
	nd_db_finalize(st);
	return rc;
}

/* Looks at the renewals of the store other than its own: *live is set to
 * 1 when one has committed a part in the last ND_INCIDENTS_STALE_MS,
 * else 0, and each other one is dropped (a killed run's: its tables and
 * row). Returns 0, or -1 with err set. */
static int other_renewals(nd_store *s, int *live, nd_error *err)
{
	nd_db *db = nd_store_db(s);
	const char *mine = nd_store_renewal_of(s)->active ? nd_store_renewal_of(s)->id : "";
	nd_stmt *st = NULL;
	nd_buf dead = {0};
	int64_t now = now_ms();
	size_t at;
	int rc;

	*live = 0;
	if ((rc = nd_db_has_table(db, "diagnose_renewals", err)) <= 0)
		return rc;
	if (nd_db_prepare(db, "SELECT id, beat FROM diagnose_renewals", 0, &st, "results tables", err) != 0)
		return -1;
	while ((rc = nd_db_step(st, "results tables", err)) == 1) {
		const char *id = nd_db_column_text(st, 0);
		int64_t beat = nd_db_column_int64(st, 1);

		if (!id || strcmp(id, mine) == 0)
			continue;
		/* a beat ahead of the clock is taken as stale too: the clock was set back */
		if (beat <= now && now - beat < ND_INCIDENTS_STALE_MS)
			*live = 1;
		else if (nd_buf_append(&dead, id, strlen(id) + 1) != 0)
			rc = nd_error_set(err, "out of memory");
		if (rc < 0)
			break;
	}
	nd_db_finalize(st);
	for (at = 0; rc == 0 && at < dead.len; at += strlen(dead.data + at) + 1)
		if (is_id(dead.data + at))
			rc = drop_renewal(db, dead.data + at, err);
	nd_buf_free(&dead);
	return rc;
}

int nd_incidents_turn(nd_store *s, nd_error *err)
{
	int live;

	if (nd_db_lock(nd_store_db(s), ND_STORE_LOCK_DIAGNOSE, err) != 0)
		return -1;
	if (!index_after(s))
		return 0;
	for (;;) {
		if (other_renewals(s, &live, err) != 0)
			return -1;
		if (!live)
			return 0;
		/* lets it commit its parts and put its tables in place */
		nd_store_rollback(s);
		nd_clock_sleep_ms(ND_INCIDENTS_WAIT_MS, NULL);
		if (nd_store_begin(s, err) != 0)
			return -1;
	}
}

/* Returns 1 when the result tables have only the columns and triggers a
 * renewal's new ones take (a user may have added columns or triggers,
 * which only a clear keeps), 0 when not, -1 with err set. */
static int renewable(nd_db *db, nd_error *err)
{
	int64_t inc = count_of(db, "SELECT count(*) FROM pragma_table_info('incidents')", err),
		ev = inc < 0 ? -1 : count_of(db, "SELECT count(*) FROM pragma_table_info('incident_events')", err),
		trig = ev < 0 ? -1
			      : count_of(db,
					 "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
					 " AND tbl_name IN ('incidents', 'incident_events')",
					 err);

	if (trig < 0)
		return -1;
	return inc == ND_INCIDENTS_COLUMNS && ev == ND_INCIDENT_EVENTS_COLUMNS && trig == 0;
}

int nd_incidents_renew(nd_store *s, nd_error *err)
{
	nd_db *db = nd_store_db(s);
	nd_store_renewal *r = nd_store_renewal_of(s);
	unsigned char id[ND_STORE_RENEWAL_ID / 2];
	nd_stmt *st = NULL;
	int64_t secure = 0;
	int ok, rc;
	size_t i;

	if (!index_after(s) || !nd_db_sqlite_in_wal(db) || (ok = renewable(db, err)) == 0)
		return nd_incidents_clear(s, err);
	if (ok < 0 || pragma_like(db, "PRAGMA secure_delete", &secure, err) != 0)
		return -1;
	if (nd_random(id, sizeof(id)) != 0)
		return nd_error_set(err, "results tables: no random bytes to name the new tables");
	memset(r, 0, sizeof(*r));
	r->active = 1;
	r->secure_delete = (int)secure;
	for (i = 0; i < sizeof(id); i++)
		snprintf(r->id + 2 * i, 3, "%02x", id[i]);
	/* The old tables are dropped at the end: their pages go to the free
	 * list, not overwritten with zeros (Debian's SQLite is built with
	 * SECURE_DELETE, which would write every page of them once more). */
	if (nd_db_exec(db, "PRAGMA secure_delete=FAST;" RENEWALS_SQL, "results tables", err) != 0 ||
	    exec_new(db, "CREATE TABLE ", r->id, NEW_INCIDENTS, INCIDENTS_COLUMNS, err) != 0 ||
	    exec_new(db, "CREATE TABLE ", r->id, NEW_EVENTS, INCIDENT_EVENTS_COLUMNS, err) != 0 ||
	    nd_db_prepare(db, "INSERT INTO diagnose_renewals VALUES(?, ?)", 0, &st, "results tables", err) != 0)
		return -1;
	rc = nd_db_bind_text(st, 1, r->id, "results tables", err) == 0 &&
			     nd_db_bind_int64(st, 2, now_ms(), "results tables", err) == 0 &&
			     nd_db_step(st, "results tables", err) == 0
		     ? 0
		     : -1;
	nd_db_finalize(st);
	/* Each part's pages are copied into the database file by a thread of
	 * its own while the next part is written (nd_db_sqlite_ckpt.h), and
	 * written back to the disk as they come (nd_incidents_clear). */
	nd_db_sqlite_checkpoint_behind(db);
	nd_db_sqlite_write_behind(db);
	return rc;
}

const char *nd_incidents_target(nd_store *s, int events, char name[ND_INCIDENTS_NAME])
{
	nd_store_renewal *r = nd_store_renewal_of(s);

	if (!r->active || r->swapped)
		return events ? "incident_events" : "incidents";
	return new_name(r->id, events ? NEW_EVENTS : NEW_INCIDENTS, name);
}

int nd_incidents_commit_part(nd_store *s, nd_error *err)
{
	nd_store_renewal *r = nd_store_renewal_of(s);
	nd_db *db = nd_store_db(s);
	nd_stmt *st = NULL;
	int rc;

	if (!r->active || r->swapped)
		return 0;
	if (nd_db_commit(db, err) != 0)
		return -1;
	/* Other writers of the results wait while the renewal's row has a
	 * recent beat (nd_incidents_turn); one that took it for a killed
	 * run's (no part for ND_INCIDENTS_STALE_MS) dropped it. */
	if (nd_db_begin(db, err) != 0)
		return nd_error_prefix(err, "results tables: after a part was committed");
	if (nd_db_prepare(db, "UPDATE diagnose_renewals SET beat = ? WHERE id = ?", 0, &st, "results tables", err) !=
		    0 ||
	    nd_db_bind_int64(st, 1, now_ms(), "results tables", err) != 0 ||
	    nd_db_bind_text(st, 2, r->id, "results tables", err) != 0 || nd_db_step(st, "results tables", err) != 0) {
		nd_db_finalize(st);
		return -1;
	}
	nd_db_finalize(st);
	rc = nd_db_changes(db) == 1;
	return rc ? 0
		  : nd_error_set(err, "results tables: this run wrote no part for %d s and another writer dropped its"
				      " unfinished results",
				 ND_INCIDENTS_STALE_MS / 1000);
}

/* Makes again, on the new tables, each index of the user's on the old ones
 * (kept: their SQL, NUL-terminated, one after the other). Returns 0, or
 * -1 with err set. */
static int indexes_again(nd_db *db, const nd_buf *kept, nd_error *err)
{
	size_t at;

	for (at = 0; at < kept->len; at += strlen(kept->data + at) + 1) {
		nd_stmt *st = NULL;
		int rc = nd_db_prepare(db, kept->data + at, 0, &st, "results tables", err) == 0 &&
				 nd_db_step(st, "results tables", err) == 0
			 ? 0
			 : -1;

		nd_db_finalize(st);
		if (rc != 0)
			return nd_error_prefix(err, "results tables: making again the index %s", kept->data + at);
	}
	return 0;
}

/* Puts a renewal's new tables in place of incidents and incident_events,
 * with the user's own indexes on those (the views of both are made again
 * by the caller), empties the small tables and ends the renewal's row, all
 * in the last transaction. Returns 0, or -1 with err set. */
static int renewal_swap(nd_store *s, nd_error *err)
{
	nd_store_renewal *r = nd_store_renewal_of(s);
	nd_db *db = nd_store_db(s);
	nd_stmt *st = NULL;
	nd_buf kept = {0};
	int64_t legacy = 0;
	char sql[64];
	int rc;

	if (pragma_like(db, "PRAGMA legacy_alter_table", &legacy, err) != 0 ||
	    nd_db_prepare(db,
			  "SELECT sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
			  " AND tbl_name IN ('incidents', 'incident_events') AND name <> 'incident_events_by_event'",
			  0, &st, "results tables", err) != 0)
		return -1;
	while ((rc = nd_db_step(st, "results tables", err)) == 1) {
		const char *q = nd_db_column_text(st, 0);

		if (q && nd_buf_append(&kept, q, strlen(q) + 1) != 0) {
			rc = nd_error_set(err, "out of memory");
			break;
		}
	}
	nd_db_finalize(st);
	/* legacy_alter_table: the renames neither check nor rewrite the
	 * views, which name incidents and incident_events as the new tables
	 * are called once renamed (a view of the user's included); then the
	 * connection's own setting again. */
	rc = rc != 0 ||
			     nd_db_exec(db,
					CAUSES_CLEAR_SQL "DROP VIEW IF EXISTS incident_keys; DROP VIEW IF EXISTS incident_facts;\n"
							 "DROP TABLE IF EXISTS incident_events; DROP TABLE IF EXISTS incidents;\n"
							 "PRAGMA legacy_alter_table=ON;",
					"results tables", err) != 0 ||
			     exec_new(db, "ALTER TABLE ", r->id, NEW_INCIDENTS, " RENAME TO incidents", err) != 0 ||
			     exec_new(db, "ALTER TABLE ", r->id, NEW_EVENTS, " RENAME TO incident_events", err) != 0
		     ? -1
		     : 0;
	snprintf(sql, sizeof(sql), "PRAGMA legacy_alter_table=%s", legacy ? "ON" : "OFF");
	if (nd_db_exec(db, sql, "results tables", rc ? NULL : err) != 0)
		rc = -1;
	if (rc == 0)
		rc = indexes_again(db, &kept, err);
	nd_buf_free(&kept);
	/* the row goes with the commit (the renewal holds the write lock since its last part) */
	if (rc == 0 && nd_db_prepare(db, "DELETE FROM diagnose_renewals WHERE id = ?", 0, &st, "results tables", err) == 0) {
		rc = nd_db_bind_text(st, 1, r->id, "results tables", err) == 0 &&
				     nd_db_step(st, "results tables", err) == 0
			     ? 0
			     : -1;
		nd_db_finalize(st);
	} else if (rc == 0) {
		rc = -1;
	}
	r->swapped = rc == 0;
	return rc;
}

int nd_incidents_finish(nd_store *s, nd_error *err)
{
	nd_store_renewal *r = nd_store_renewal_of(s);
	nd_db *db = nd_store_db(s);
	char sql[64];
	int64_t cache = 0;
	int rc, renewed = r->active && !r->swapped;

	if (!index_after(s))
		return 0;
	if (renewed && renewal_swap(s, err) != 0)
		return -1;
	/* SQLite's sorter keeps as many bytes in memory as the page cache
	 * holds (2 MB by default) before it writes a sorted run to a temporary
	 * file: INDEX_CACHE_KB for the sort alone (fewer runs to write and
	 * merge), the connection's own setting put back after it. */
	if (pragma_like(db, "PRAGMA cache_size", &cache, err) != 0)
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
	char sql[64];
	nd_error ignored;

	/* Rolled back after a part was committed (before its tables were
	 * renamed, or after: the rollback gave them their names back): they
	 * go with the row, in a transaction of their own; if that fails too,
	 * the next writer drops them once the row's beat is stale. */
	if (!committed && nd_db_begin(db, &ignored) == 0 &&
	    (drop_renewal(db, r->id, &ignored) != 0 || nd_db_commit(db, &ignored) != 0))
		nd_db_rollback(db);
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
	/* The roles that key an incident are told apart by a CASE (-1: a
	 * role of no use here, skipped below); the WHERE leaves out the two
	 * roles npsdiag writes that do not key one, with two compares a row (a
	 * WHERE role IN (...) made SQLite look every row's role up in a table
	 * of its own: at 1M incidents 0.1 CPU s more in the sqlite3 shell),
	 * before a PostgreSQL server sends them. */
	if (nd_db_prepare(nd_store_db(s), "SELECT id, key, first_ts FROM incidents WHERE key IS NOT NULL ORDER BY id", 0,
			  &inc, "incident keys", err) ||
	    nd_db_prepare(nd_store_db(s),
			  "SELECT incident_id, event_ref, COALESCE(attempt, 0), CASE role WHEN 'client-failure' THEN 1"
			  " WHEN 'nps-decision' THEN 0 WHEN 'finding' THEN 0 ELSE -1 END"
			  " FROM incident_events WHERE role <> 'context' AND role <> 'resolution'"
			  " ORDER BY incident_id, event_ref",
			  0, &ev, "incident keys", err))
		goto out;
	while ((rc = nd_db_step(ev, "incident keys", err)) == 1) {
		int64_t id = nd_db_column_int64(ev, 0), role = nd_db_column_int64(ev, 3);

		if (role < 0)
			continue;

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
		row.client = role == 1;
		if ((rc = fn(ctx, &row, err)) != 0)
			break;
	}
out:
	nd_db_finalize(inc);
	nd_db_finalize(ev);
	return rc ? -1 : 0;
}
