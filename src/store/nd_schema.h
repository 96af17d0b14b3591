/* nd_schema: the SQL that creates the store's tables, built from the fixed
 * core tables and the typed tables the families describe, and the schema's
 * history: the version a database records in meta and the migration steps
 * that bring an older database up to ND_SCHEMA_VERSION (docs/schema.md). */
#ifndef ND_SCHEMA_H
#define ND_SCHEMA_H

#include "nd_db.h"

#include "nd_buf.h"
#include "nd_error.h"

#define ND_SCHEMA_VERSION 13

/* The last ts (ticks) whose text SQLite computes as nd_time_format writes
 * it (9999-12-31T23:59:59.9999999Z): events.time_created of an event whose
 * ts is from 0 to this is computed, with no events.time_text. */
#define ND_SCHEMA_TIME_MAX 2534023007999999999LL

/* The table that holds the events in SQLite: events is a view over it
 * that computes keywords and time_created, so that no INSERT does. In
 * PostgreSQL events is the table. */
#define ND_SCHEMA_EVENT_ROWS "event_rows"

/* Appends the whole schema (CREATE ... IF NOT EXISTS) to b, in SQLite's
 * dialect except for the statements that differ (the event_fields view).
 * Returns 0, or -1 when out of memory. */
int nd_schema_sql(nd_buf *b, nd_db_dialect dialect);

/* Returns 1 when the events of the family named family have a partial
 * index of their own (events_of_<family>), so that whether there are any
 * is known at once, else 0. */
int nd_schema_family_indexed(const char *family);

/* Reads the schema version a database records (0 for a new one, with no
 * meta table) into *version, and sets *current to 1 when it is
 * ND_SCHEMA_VERSION and its tables were made by this npsdiag's schema
 * script (the script's CRC recorded at the last upgrade matches), so that
 * opening it needs no write. Reads only. Returns 0, or -1 with err set. */
int nd_schema_state(nd_db *db, int *version, int *current, nd_error *err);

/* Brings a database of schema version `from` (0: new) to
 * ND_SCHEMA_VERSION inside the caller's write transaction: runs each
 * migration step from `from` on, then the schema script (CREATE ... IF
 * NOT EXISTS), and records the version and the script's CRC in meta.
 * Returns 0, or -1 with err set. */
int nd_schema_upgrade(nd_db *db, int from, nd_error *err);

#endif
