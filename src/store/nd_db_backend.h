/* nd_db_backend: what a database backend gives nd_db (private to the
 * store). A backend's connection and statement structs begin with
 * struct nd_db and struct nd_stmt; nd_db.c dispatches through ops and
 * turns failures into "database: WHAT: message". */
#ifndef ND_DB_BACKEND_H
#define ND_DB_BACKEND_H

#include "nd_buf.h"
#include "nd_db.h"

typedef struct nd_db_ops {
	void (*close)(nd_db *db);
	const char *(*errmsg)(nd_db *db);  /* the message of the last failure */
	nd_db_kind (*kind)(nd_db *db);     /* the kind of the last failure */
	const char *(*full_message)(void); /* the message of a full database or disk */
	const char *(*name)(nd_db *db);
	nd_db_dialect dialect;
	int (*in_transaction)(nd_db *db);
	/* the id of the row the last INSERT added, 0 when it added none; NULL: the backend needs RETURNING */
	int64_t (*inserted)(nd_db *db);
	/* the rows the last INSERT, UPDATE or DELETE changed; NULL: not told */
	int64_t (*changes)(nd_db *db);
	const char *begin_sql; /* begins a write transaction taking the lock */
	const char *table_sql; /* a row when the table named by ?1 exists */
	const char *column_sql; /* a row when the table named by ?1 has the column ?2 */
	const char *lock_sql;  /* takes the transaction-scoped lock ?1, or NULL (writers are serialised) */
	const char *version_sql; /* one value a commit by another connection changes, or NULL: none */
	/* appends the schema SQL sql (SQLite's dialect) in the backend's, NUL-terminated; NULL: as it is */
	int (*ddl)(const char *sql, nd_buf *out);
	/* 0, or -1 with the message in *msg (freed by the caller with free_msg) */
	int (*exec)(nd_db *db, const char *sql, char **msg);
	void (*free_msg)(char *msg);
	int (*prepare)(nd_db *db, const char *sql, unsigned flags, nd_stmt **st); /* 0 or -1 */
	int (*bind_text)(nd_stmt *st, int i, const char *v);                      /* 0 or -1 */
	int (*bind_static)(nd_stmt *st, int i, const char *v); /* without a copy, or NULL: bind_text */
	int (*bind_int64)(nd_stmt *st, int i, int64_t v);
	int (*bind_double)(nd_stmt *st, int i, double v);
	int (*bind_null)(nd_stmt *st, int i);
	/* binds v[0..n) to parameters 1..n (nd_db_bind_values), or NULL: one bind per value */
	int (*bind_values)(nd_stmt *st, const nd_db_value *v, size_t n);
	int (*step)(nd_stmt *st); /* 1 row, 0 done, -1 */
	const char *(*column_text)(nd_stmt *st, int c);
	size_t (*column_bytes)(nd_stmt *st, int c);
	int64_t (*column_int64)(nd_stmt *st, int c);
	double (*column_double)(nd_stmt *st, int c);
	int (*column_null)(nd_stmt *st, int c);
	int (*column_count)(nd_stmt *st);
	void (*reset)(nd_stmt *st);
	void (*clear)(nd_stmt *st);
	void (*finalize)(nd_stmt *st);
} nd_db_ops;

struct nd_db {
	const nd_db_ops *ops;
};

/* The copies nd_db_bind_text_kept keeps of a statement's parameters
 * (nd_db.c). */
typedef struct nd_db_kept nd_db_kept;

struct nd_stmt {
	nd_db *db;
	nd_db_kept *kept; /* set to NULL by nd_db_prepare: the backend need not */
};

#endif
