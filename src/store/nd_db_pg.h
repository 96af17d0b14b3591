/* nd_db_pg: the PostgreSQL backend of nd_db, the only file that talks to
 * libpq (docs/fleet.md). A database named "postgresql://..." (a libpq URI)
 * or "pg:" (the PG* environment and ~/.pgpass) is a PostgreSQL one. */
#ifndef ND_DB_PG_H
#define ND_DB_PG_H

#include "nd_db.h"
#include "nd_error.h"

/* Returns 1 when name names a PostgreSQL database ("postgresql://",
 * "postgres://" or "pg:"), else 0. */
int nd_db_pg_is(const char *name);

/* Connects to the PostgreSQL database name. A URI carrying a password is
 * refused (credentials belong in ~/.pgpass or $PGPASSFILE), and no message
 * repeats the connection string: the database is named by its host and
 * database only (nd_db_name). Returns 0 with *db set, or -1 with err set
 * and *db NULL. */
int nd_db_pg_open(nd_db **db, const char *name, nd_error *err);

#endif
