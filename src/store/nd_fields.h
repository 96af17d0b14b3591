/* nd_fields: the fields of an event in one row (docs/schema.md). An
 * event's values are one JSON array of strings in events.fields; their
 * names, the same for every event of a layout, are one JSON array of
 * strings and nulls in a field_names row that events.names_ref points to,
 * shared by all the events that have them. Both are minified JSON (no
 * spaces; '"', '\' and control characters escaped, everything else as
 * UTF-8), so that SQL reads them (json_each in SQLite,
 * json_array_elements_text in PostgreSQL: the event_fields view) and C
 * reads them with nd_fields_next. */
#ifndef ND_FIELDS_H
#define ND_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "nd_buf.h"
#include "nd_db.h"
#include "nd_error.h"
#include "nd_family.h"
#include "nd_record.h"

/* Writes to out (emptied first) the JSON array of the names (null for an
 * unnamed field) or, when !names, of the values of n fields. Returns 0, or
 * -1 when out of memory. */
int nd_fields_encode(nd_buf *out, const nd_field *f, size_t n, int names);

/* Writes to out (emptied first) the values of the n fields f that a typed
 * row does not give back, as a JSON object from position (decimal text) to
 * value, in position order: {"25":"-"}; out stays empty when the typed row
 * gives back every value. col[k] is the typed column of position k's name
 * (nd_family_column_of) or -1 (col NULL: none), typed[c] the text the typed row gives back
 * for column c (a code as decimal) or NULL. Returns 0, or -1 when out of
 * memory. */
int nd_fields_encode_rest(nd_buf *out, const nd_field *f, size_t n, const int *col, const char *const *typed);

/* Reads the next member of the JSON object of nd_fields_encode_rest at *p
 * (*p at its '{' or after the last member read): its position into *pos
 * and its value into out (emptied first; *null for a JSON null), and moves
 * *p past it. Returns 1 for a member, 0 at the object's end, -1 when the
 * text is not such an object. */
int nd_fields_rest_next(const char **p, size_t *pos, nd_buf *out, int *null);

/* Appends to b, for each typed table T (nd_family), a LEFT JOIN of T as
 * t_T to the events e of its families. Returns 0, or -1 when out of
 * memory. */
int nd_fields_typed_joins(nd_buf *b);

/* Returns the number of typed columns of all families together (the
 * size of the index of nd_fields_typed_columns). */
size_t nd_fields_typed_count(void);

/* Appends to b, as query columns from column at on, the text (a code as
 * decimal) of each typed column one of whose field names want(ctx, name)
 * wants, so that SQLite reads no other: of the typed table table, read as
 * alias, or (table NULL) of every typed table T, read as t_T
 * (nd_fields_typed_joins). Sets index (nd_fields_typed_count entries) to
 * where each typed column is, -1 for not read (nd_fields_typed_index).
 * Returns 0, or -1 when out of memory. */
int nd_fields_typed_columns(nd_buf *b, const char *table, const char *alias, int at,
			    int (*want)(void *ctx, const char *name), void *ctx, int *index);

/* Returns the column of the nd_fields_typed_columns query (its index)
 * that holds column c of family fam's typed table, or -1. */
int nd_fields_typed_index(const int *index, const nd_family *fam, int c);

/* Reads the next element of the JSON array at *p (*p at its '[' or after
 * the last element read) into out as text (emptied first; a number or
 * true/false as written), sets *null for a JSON null, and moves *p past
 * it. Returns 1 for an element, 0 at the array's end, -1 when the text is
 * not a JSON array of scalars. */
int nd_fields_next(const char **p, nd_buf *out, int *null);

/* The field_names rows a writer has used recently, by the names themselves
 * (compared without making their JSON): a fixed number of slots, so memory
 * does not grow with the events. */
#define ND_FIELDS_SLOTS 8

typedef struct nd_fields_names {
	nd_stmt *get, *put; /* prepared on first use */
	nd_buf json;        /* the names of a row not remembered, as JSON */
	nd_buf key;         /* the key of names given without one */
	struct {
		int64_t id; /* 0: empty slot */
		char *key;  /* nd_fields_names_key */
		size_t len;
	} slot[ND_FIELDS_SLOTS];
	size_t next; /* the slot to fill next */
} nd_fields_names;

/* Writes to out (emptied first) the key of the names of n fields f: per
 * field a 0 byte (unnamed) or a 1 byte and the name with its NUL, so that
 * equal keys are equal names. Returns 0, or -1 when out of memory. */
int nd_fields_names_key(nd_buf *out, const nd_field *f, size_t n);

/* Finds or adds, inside the caller's write transaction, the field_names row
 * of the names of n fields f in db (found by the CRC-32 of their JSON).
 * Returns 0 with *id set, or -1 with err set. */
int nd_fields_names_of(nd_fields_names *c, nd_db *db, const nd_field *f, size_t n, int64_t *id, nd_error *err);

/* As nd_fields_names_of, given also the key of the names (len bytes,
 * nd_fields_names_key, made ahead on another thread): a remembered row is
 * found with one comparison. Returns 0 with *id set, or -1 with err set. */
int nd_fields_names_of_key(nd_fields_names *c, nd_db *db, const nd_field *f, size_t n, const char *key, size_t len,
			   int64_t *id, nd_error *err);

/* Forgets the remembered rows (after a rollback, which may have undone
 * their insert). Returns nothing. */
void nd_fields_names_forget(nd_fields_names *c);

/* Forgets the rows and finalizes the statements. Returns nothing. */
void nd_fields_names_free(nd_fields_names *c);

#endif
