/* nd_strpool: strings copied into large blocks that never move, freed all
 * at once; so that loading a million events does not cost a million
 * mallocs, and pointers into the pool stay valid while it grows. */
#ifndef ND_STRPOOL_H
#define ND_STRPOOL_H

#include <stddef.h>

typedef struct nd_strpool_block nd_strpool_block;

typedef struct nd_strpool {
	nd_strpool_block *head; /* the block being filled, linked to the older ones */
} nd_strpool;

/* Copies s (n bytes, no NUL needed) into the pool with a NUL. Returns the
 * copy, or NULL when out of memory. */
const char *nd_strpool_addn(nd_strpool *p, const char *s, size_t n);

/* Copies the string s into the pool. Returns the copy, or NULL when out of
 * memory. */
const char *nd_strpool_add(nd_strpool *p, const char *s);

/* Frees every string of the pool. Returns nothing. */
void nd_strpool_free(nd_strpool *p);

#endif
