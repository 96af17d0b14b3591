/* nd_store_prep: what storing an event needs that its fields and binary
 * alone decide, worked out ahead into its record (nd_record.prepared) on
 * whichever thread has the record, so that the thread that stores only
 * looks up and binds: the key of its field names (nd_fields_names_key),
 * how each typed column is bound (the field it takes, a code parsed), and
 * the values its typed row does not give back (nd_fields_encode_rest).
 * An EVTX read prepares each record on the thread that decoded it
 * (nd_evtx_sink.prepare); nd_store_event prepares what was not.
 *
 * Each thread has its own nd_store_prep: the layouts (which field each
 * typed column takes, which column gives back each field) of the field
 * names it met last, a few per family, so memory does not grow with the
 * events. */
#ifndef ND_STORE_PREP_H
#define ND_STORE_PREP_H

#include <stddef.h>
#include <stdint.h>

#include "nd_family.h"
#include "nd_record.h"

typedef struct nd_store_prep nd_store_prep;

/* How a typed column of an event is bound. */
enum { ND_STORE_COL_NULL, ND_STORE_COL_TEXT, ND_STORE_COL_CODE };

typedef struct nd_store_col {
	int kind;      /* ND_STORE_COL_* */
	int32_t pos;   /* ND_STORE_COL_TEXT: the field whose value it takes */
	uint32_t code; /* ND_STORE_COL_CODE: the value */
} nd_store_col;

/* An event's prepared values, pointing into its record. */
typedef struct nd_store_prepared {
	const char *key;          /* the key of its field names (nd_fields_names_key) */
	size_t key_len;           /* 0 when it has no fields */
	const char *rest;         /* the values its typed row does not give back, as JSON; NULL for none */
	const nd_store_col *cols; /* one per typed column of the family */
} nd_store_prepared;

/* Returns a new nd_store_prep, or NULL when out of memory. */
nd_store_prep *nd_store_prep_new(void);

/* Frees p; NULL does nothing. Returns nothing. */
void nd_store_prep_free(nd_store_prep *p);

/* Works out into ev->prepared what storing ev as an event of family fam
 * needs, with the layouts of p. Returns 0, or -1 when out of memory
 * (ev->prepared is then empty). */
int nd_store_prep_record(nd_store_prep *p, const nd_family *fam, nd_record *ev);

/* Reads ev's prepared values for family fam into *out. Returns 1, or 0
 * when ev->prepared holds none for fam (not prepared, or changed since). */
int nd_store_prep_get(const nd_record *ev, const nd_family *fam, nd_store_prepared *out);

#endif
