/* nd_intern: distinct strings to small integer ids, so that the analysis
 * compares identities as integers. Strings are copied once into a pool;
 * ids are first handed out in arrival order, then nd_intern_rank renumbers
 * them in byte order of the strings, so that comparing two ranked ids
 * compares their strings. The index hashes with nd_hash (keyed: strings
 * chosen to collide cannot make interning quadratic) and holds each
 * string's pointer (nd_strslots: a look-up reads the slot and the string,
 * not the table of ids in between). */
#ifndef ND_INTERN_H
#define ND_INTERN_H

#include <stddef.h>
#include <stdint.h>

#include "nd_strslots.h"
#include "nd_strpool.h"

typedef struct nd_intern {
	const char **v; /* the strings by id */
	size_t n, cap;
	nd_strslots slots; /* the ids by string */
	nd_strpool *pool; /* where the copies go (not owned) */
} nd_intern;

/* Interns s (NUL-terminated), copying it into t->pool the first time.
 * Returns its id, or UINT32_MAX when out of memory. */
uint32_t nd_intern_add(nd_intern *t, const char *s);

/* Returns the hash of s (NUL-terminated) for nd_intern_add_hashed, the
 * slot it will be looked for in fetched into the cache meanwhile: a
 * caller with other work before the look-up hides the slot's cache miss
 * (at 1M x 1M most of a look-up's time). */
uint64_t nd_intern_hash(const nd_intern *t, const char *s);

/* nd_intern_add of s, whose hash nd_intern_hash gave (t may have
 * changed since). Returns its id, or UINT32_MAX when out of memory. */
uint32_t nd_intern_add_hashed(nd_intern *t, const char *s, uint64_t h);

/* Renumbers the ids in byte order of the strings: t->v is sorted and
 * map[old id] (t->n elements, allocated by the caller) receives each new
 * id. Returns 0, or -1 when out of memory (the ids are then unchanged). */
int nd_intern_rank(nd_intern *t, uint32_t *map);

/* Frees the index that finds the id of a string: the strings keep their
 * ids (t->v), and the next nd_intern_add builds it again. Returns
 * nothing. */
void nd_intern_drop_index(nd_intern *t);

/* Frees the table (not the pool). Returns nothing. */
void nd_intern_free(nd_intern *t);

#endif
