/* nd_db_sqlite_ckpt: checkpoints the WAL of a SQLite connection that
 * writes a lot (an ingest) on a thread and a connection of its own, so
 * that the thread that stores no longer copies the WAL into the database
 * file (reading it back, writing it, syncing both: 30-50 ms of CPU per
 * 100,000 records at 50 % NPS, about 4 % of the storing thread). Part of
 * the SQLite backend: used by nd_db_sqlite.c only.
 *
 * It replaces the connection's automatic checkpoint (at 1000 WAL pages, as
 * SQLite's default) with a request to the thread after the commit that
 * passes it; a checkpoint is a passive one (it never waits for or stops
 * the writer, and is as safe against a crash as SQLite's own). When the
 * thread falls behind and the WAL reaches ND_DB_SQLITE_CKPT_MAX pages,
 * the writer waits, after its commit, for the checkpoint to finish, so
 * that its next transaction starts the WAL again from its beginning: the
 * WAL file stays bounded, as with the automatic checkpoint. */
#ifndef ND_DB_SQLITE_CKPT_H
#define ND_DB_SQLITE_CKPT_H

#include <sqlite3.h>

/* WAL pages after which a checkpoint is asked for (SQLite's default
 * automatic checkpoint), and at which the writer waits for it. */
#define ND_DB_SQLITE_CKPT_PAGES 1000
#define ND_DB_SQLITE_CKPT_MAX (4 * ND_DB_SQLITE_CKPT_PAGES)

typedef struct nd_db_sqlite_ckpt nd_db_sqlite_ckpt;

/* Has the WAL of the database file that writer, a connection in WAL mode,
 * has open checkpointed from now on by a thread with a connection of its
 * own (started with the first checkpoint; when it cannot be, writer
 * checkpoints as before). Returns the checkpointer, or NULL when out of
 * memory (writer then keeps its automatic checkpoint). */
nd_db_sqlite_ckpt *nd_db_sqlite_ckpt_start(sqlite3 *writer);

/* Stops the thread, closes its connection and gives writer back its
 * automatic checkpoint; NULL does nothing. Call before closing writer.
 * Returns nothing. */
void nd_db_sqlite_ckpt_stop(nd_db_sqlite_ckpt *c);

#endif
