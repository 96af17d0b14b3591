/* nd_incidents: the tables where `diagnose` keeps its results (causes and
 * their remediation, incidents and findings, the evidence events of each,
 * the facts shown, the key of each incident, the run's parameters),
 * documented in docs/diagnose.md. They belong to diagnose, not to ingest:
 * they are created on the first diagnose run and replaced as a whole on
 * every run. */
#ifndef ND_INCIDENTS_H
#define ND_INCIDENTS_H

#include <stdint.h>

#include "nd_buf.h"
#include "nd_db.h"
#include "nd_error.h"
#include "nd_store.h"

/* The view incident_keys (T "" or "TEMP "): each incident's key, a column
 * of its incidents row since schema version 11. */
#define ND_INCIDENT_KEYS_VIEW(T)                                                                                     \
	"CREATE " T "VIEW IF NOT EXISTS incident_keys AS SELECT id AS incident_id, key FROM incidents\n"               \
	"  WHERE key IS NOT NULL;\n"

/* The view incident_facts: a row per fact of incidents.facts (since schema
 * version 12), pos from 1 (the position in the array; a null holds a
 * position without a fact). SQLite's (T "" or "TEMP ") and PostgreSQL's. */
#define ND_INCIDENT_FACTS_VIEW_SQLITE(T)                                                                             \
	"CREATE " T "VIEW IF NOT EXISTS incident_facts AS SELECT i.id AS incident_id, f.key + 1 AS pos,\n"             \
	"  json_extract(f.value, '$[0]') AS name, json_extract(f.value, '$[1]') AS value\n"                            \
	"  FROM incidents i, json_each(i.facts) f WHERE f.type = 'array';\n"
#define ND_INCIDENT_FACTS_VIEW_PG                                                                                     \
	"CREATE VIEW IF NOT EXISTS incident_facts AS SELECT i.id AS incident_id, f.pos,\n"                             \
	"  (f.e ->> 0) COLLATE \"C\" AS name, (f.e ->> 1) COLLATE \"C\" AS value\n"                                    \
	"  FROM incidents i\n"                                                                                         \
	"  CROSS JOIN LATERAL json_array_elements(CAST(i.facts AS json)) WITH ORDINALITY AS f(e, pos)\n"               \
	"  WHERE json_typeof(f.e) = 'array';\n"

/* Appends fact name = value, at position pos (from 1), to the facts
 * column of an incident being built in b (empty: no fact yet), which
 * holds *n positions: a null at each position between (none when pos is
 * not past them: the next position), the pair as a JSON array of two
 * strings escaped as SQLite's json functions escape (nd_escape_json_sql:
 * the view gives the same bytes back); sets *n to its position. End the
 * column with nd_incidents_facts_end. Returns 0, or -1 when out of
 * memory. */
int nd_incidents_fact_put(nd_buf *b, size_t *n, size_t pos, const char *name, const char *value);

/* Ends the facts column built in b: its text is b->data, or none (NULL)
 * when b is empty. Returns 0, or -1 when out of memory. */
int nd_incidents_facts_end(nd_buf *b);

/* Reads the next fact of the facts column whose text is at *p (from its
 * start, then where the previous call left *p) into name and value,
 * passing over the positions without a fact: what the view incident_facts
 * gives, without SQL's JSON functions (a fifth of what `report` cost at
 * 100k). Returns 1, 0 past the last, or -1 when the text is not such an
 * array (an element neither null nor a pair of two JSON strings, text
 * after the array) or out of memory. */
int nd_incidents_fact_next(const char **p, nd_buf *name, nd_buf *value);

/* Returns the length of text, a facts column nd_incidents_fact_next read
 * to its end without error, up to its last element (the white space after
 * it left out), or 0 when it has no element (an empty array): what a fact
 * appended after the others keeps of it. */
size_t nd_incidents_facts_kept(const char *text);

/* Makes the views incident_keys and incident_facts of the stored
 * incidents where they are missing. Returns 0, or -1 with err set. */
int nd_incidents_views(nd_db *db, nd_error *err);

/* Begins the transaction of a diagnosis run (end it with nd_store_commit
 * or nd_store_rollback) and creates the result tables if needed (empty
 * them with nd_incidents_clear once the previous keys are read): in the
 * database, or, when the store cannot be written (evidence on
 * read-only media), in memory for this connection only, shadowing any
 * results stored earlier. Returns 0, or -1 with err set. */
int nd_incidents_begin(nd_store *s, nd_error *err);

/* Empties the result tables, inside the run's transaction; in a SQLite
 * file also drops the index incident_events_by_event, which the writer
 * makes again with nd_incidents_index once the new rows are in (sorting
 * them once costs less than keeping the index row by row: docs/diagnose.md),
 * and has the files written back while the run writes (nd_db_sqlite_write_behind)
 * until its transaction ends (nd_store_commit, nd_store_rollback), on
 * whichever thread ends it. Returns 0, or -1 with err set. */
int nd_incidents_clear(nd_store *s, nd_error *err);

/* Incidents a renewal commits at once (nd_incidents_commit_part): about
 * 14 MB of pages; with --format jsonl up to a chunk of the result feed
 * more (nd_diagnose_store_fed counts whole chunks). */
#define ND_INCIDENTS_PART 32768
/* A renewal that has committed no part for this long is taken for a
 * killed run's (nd_incidents_turn); the others wait ND_INCIDENTS_WAIT_MS
 * between two looks at it. */
#define ND_INCIDENTS_STALE_MS 30000
#define ND_INCIDENTS_WAIT_MS 50
/* The columns of incidents and incident_events. */
#define ND_INCIDENTS_COLUMNS 24
#define ND_INCIDENT_EVENTS_COLUMNS 5
/* Room for the name of a renewal's new table. */
#define ND_INCIDENTS_NAME 64

/* Takes the turn of a writer of the results, inside its transaction (just
 * begun, with the write lock): on PostgreSQL an advisory lock; in a SQLite
 * file, while another connection's renewal (below) has committed a part
 * in the last ND_INCIDENTS_STALE_MS, ends the transaction, waits and
 * begins it again, so that the renewal's parts and its last transaction
 * go first (its results would replace what was written meanwhile);
 * drops the new tables and row of a renewal that has not (a killed run's).
 * nd_incidents_begin takes it; so must any other writer of the result
 * tables. Returns 0, or -1 with err set. */
int nd_incidents_turn(nd_store *s, nd_error *err);

/* Begins a full rewrite of the results, inside the run's transaction. In
 * a SQLite file in WAL mode (every store npsdiag makes) a renewal: the
 * rows go to new tables, committed part by part (nd_incidents_commit_part)
 * while a thread copies each part into the database file
 * (nd_db_sqlite_ckpt.h), and put in place of the old ones in the last
 * transaction (nd_incidents_finish). Readers see the old results until
 * then, as with one transaction, but the WAL holds a part, not all the
 * results, and its copy into the database file no longer waits for the
 * end: at 1M x 1M a single transaction wrote 440 MB to the WAL, read it
 * back to checksum it again, copied it, synced both files and deleted it
 * while nothing else ran. Its row in diagnose_renewals makes the other
 * writers of the results wait between its parts (nd_incidents_turn).
 * Elsewhere (a rollback journal, PostgreSQL, a read-only store's TEMP
 * tables, result tables with columns or triggers of a user's) it is
 * nd_incidents_clear. Returns 0, or -1 with err set. */
int nd_incidents_renew(nd_store *s, nd_error *err);

/* Returns the name of the table the rows of incidents (events 0) or of
 * incident_events (events 1) go to: a renewal's new one, written into
 * name, or the table itself. */
const char *nd_incidents_target(nd_store *s, int events, char name[ND_INCIDENTS_NAME]);

/* During a renewal, commits the rows written so far and begins the next
 * transaction, its row's beat renewed (a renewal stalled for
 * ND_INCIDENTS_STALE_MS may have been dropped as a killed run's: then an
 * error); else nothing. Insert the rows pending first. Returns 0, or -1
 * with err set. */
int nd_incidents_commit_part(nd_store *s, nd_error *err);

/* Ends a full rewrite inside its last transaction, after its rows: puts a
 * renewal's new tables in place of the old ones (empties the causes and
 * diagnose_meta, for the writer to store them after) and makes the index
 * incident_events_by_event that nd_incidents_clear dropped or the new
 * tables lack (nothing when it exists, or where the clear keeps it).
 * Returns 0, or -1 with err set. */
int nd_incidents_finish(nd_store *s, nd_error *err);

/* Ends a renewal when its transaction ends (called by nd_store_commit and
 * nd_store_rollback): rolled back, drops its new tables and row in a
 * transaction of its own; puts PRAGMA secure_delete back. Returns
 * nothing. */
void nd_incidents_renew_end(nd_store *s, int committed);

/* One stored event of a stored incident, with the incident's key. */
typedef struct nd_incident_key_row {
	int64_t id;            /* incidents.id */
	const char *key;
	int64_t first_ts;      /* the incident's */
	int64_t ref;           /* the event: a client failure, an NPS decision or a finding's event */
	int64_t attempt;       /* its attempt number, 1.. (0: none) */
	int client;            /* it is a client failure */
} nd_incident_key_row;

/* Receives one row (valid during the call). Returns 0, or -1 with err set
 * to stop. */
typedef int (*nd_incidents_key_fn)(void *ctx, const nd_incident_key_row *row, nd_error *err);

/* Sets *any to 1 when a stored incident or finding has a key (the
 * previous run's, for nd_incidents_keys), else 0, after
 * nd_incidents_begin. Returns 0, or -1 with err set. */
int nd_incidents_keyed(nd_store *s, int *any, nd_error *err);

/* Calls fn for each event of each stored incident and finding that has a
 * key, by incident id then event ref (the previous run, for nd_keys),
 * after nd_incidents_begin. Returns 0, or -1 with err set. */
int nd_incidents_keys(nd_store *s, nd_incidents_key_fn fn, void *ctx, nd_error *err);

#endif
