/* nd_schema: the SQL that creates the store's tables, built from the fixed
 * core tables and the typed tables the families describe. */
#ifndef ND_SCHEMA_H
#define ND_SCHEMA_H

#include "nd_buf.h"

#define ND_SCHEMA_VERSION 1

/* Appends the whole schema (CREATE ... IF NOT EXISTS) to b. Returns 0, or
 * -1 when out of memory. */
int nd_schema_sql(nd_buf *b);

#endif
