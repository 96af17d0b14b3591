/* nd_db_sqlite_wb: write-behind for a SQLite connection that writes much
 * in one transaction (a full rewrite of the results: 440 MB at 1M x 1M).
 * SQLite syncs what it wrote only at the end: with a rollback journal the
 * database file at the commit, in WAL mode the WAL and then the database
 * file at the checkpoint after the commit; with synchronous=NORMAL nothing
 * before. The kernel keeps the pages in memory until then, so each sync
 * waited for all of them to be written (at 1M x 1M 0.6-1.3 s each, on
 * the thread that commits, while nothing else runs). A thread of its own
 * asks the kernel every ND_DB_SQLITE_WB_MS to start writing both files
 * back (nd_writeback.h), so that the disk writes them while the run still
 * works and the syncs find little left. What SQLite writes, and when it
 * syncs, is unchanged. Part of the SQLite backend: used by nd_db_sqlite.c
 * only. */
#ifndef ND_DB_SQLITE_WB_H
#define ND_DB_SQLITE_WB_H

/* Milliseconds between two rounds of write-back. */
#define ND_DB_SQLITE_WB_MS 100

typedef struct nd_db_sqlite_wb nd_db_sqlite_wb;

/* Starts writing back the database file at path and its WAL (path-wal)
 * every ND_DB_SQLITE_WB_MS, through the descriptors the process's SQLite
 * connections have open on them. Returns the write-behind, or NULL when it
 * could not be started (out of memory, no thread) or the system cannot
 * write back (nd_writeback_supported): then no thread runs. */
nd_db_sqlite_wb *nd_db_sqlite_wb_start(const char *path);

/* Returns the rounds so far in which the write-back of the WAL (wal 1) or
 * of the database file (wal 0) was started (for tests). */
unsigned long nd_db_sqlite_wb_rounds(nd_db_sqlite_wb *w, int wal);

/* Stops the thread at once and frees w; NULL does nothing. Call before the
 * connection closes. Returns nothing. */
void nd_db_sqlite_wb_stop(nd_db_sqlite_wb *w);

#endif
