/* nd_db_sqlite: the SQLite backend of nd_db, the only file that talks to
 * SQLite (with nd_db_sqlite_ckpt.c, which it starts; it also starts
 * nd_db_sqlite_wb.c). Opening, and what only SQLite has (WAL), are here;
 * everything else goes through nd_db.h. */
#ifndef ND_DB_SQLITE_H
#define ND_DB_SQLITE_H

#include "nd_db.h"
#include "nd_error.h"

/* Opens the SQLite database file at path, creating it unless readonly, with
 * the store's settings (busy wait up to 30 s, synchronous=NORMAL, foreign
 * keys). A file or medium that cannot be written opens read-only, and one
 * whose WAL index cannot be made opens immutable; *ro says whether the
 * result is read-only. Returns 0 with *db set, or -1 with err set and *db
 * NULL. */
int nd_db_sqlite_open(nd_db **db, const char *path, int readonly, int *ro, nd_error *err);

/* Returns 1 when the database of db is in WAL mode, else 0 (also when the
 * mode cannot be read). */
int nd_db_sqlite_in_wal(nd_db *db);

/* Returns 1 when the connection db cannot write its database (opened read
 * only, or read-only media), else 0. */
int nd_db_sqlite_readonly(nd_db *db);

/* Puts the database in WAL mode unless it is already (no transaction may be
 * open). Returns 0, or -1 with err set. */
int nd_db_sqlite_wal(nd_db *db, nd_error *err);

/* Has the WAL of db, a connection in WAL mode that writes, checkpointed
 * from now on by a thread of its own until db is closed
 * (nd_db_sqlite_ckpt.h), unless it is already. Returns 1 when it is, 0
 * when that could not be started (SQLite checkpoints as before). */
int nd_db_sqlite_checkpoint_behind(nd_db *db);

/* Has the database file of db and its WAL written back to the disk from
 * now on while db writes, by a thread of its own until
 * nd_db_sqlite_write_behind_stop or the close of db (nd_db_sqlite_wb.h),
 * unless they are already: for a transaction that writes much, so that
 * the syncs at its commit and checkpoint wait less. Returns 1 when they
 * are, 0 when that could not be started or the system cannot write back
 * (the kernel writes back as before). */
int nd_db_sqlite_write_behind(nd_db *db);

/* Stops what nd_db_sqlite_write_behind started on db, if anything.
 * Returns nothing. */
void nd_db_sqlite_write_behind_stop(nd_db *db);

/* Returns 1 while what nd_db_sqlite_write_behind started on db runs, else
 * 0 (for tests). */
int nd_db_sqlite_writing_behind(nd_db *db);

/* Returns the sqlite3 handle of a SQLite connection (as void *, so that
 * this header needs no <sqlite3.h>), for tests and tools that reach past
 * the API. */
void *nd_db_sqlite_handle(nd_db *db);

#endif
