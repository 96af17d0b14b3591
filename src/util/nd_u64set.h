/* nd_u64set: a set of 64-bit values (hashes, fingerprints), open
 * addressing, growing by doubling: adding and looking up cost O(1)
 * whatever the size. */
#ifndef ND_U64SET_H
#define ND_U64SET_H

#include <stddef.h>
#include <stdint.h>

typedef struct nd_u64set {
	uint64_t *slots; /* 0 when empty */
	size_t nslots, n;
	int zero; /* 0 is in the set (it cannot be kept in a slot) */
} nd_u64set;

/* Adds v to s. Returns 0, or -1 when out of memory (s is unchanged). */
int nd_u64set_add(nd_u64set *s, uint64_t v);

/* Returns 1 if v is in s, else 0. */
int nd_u64set_has(const nd_u64set *s, uint64_t v);

/* Frees s and empties it. Returns nothing. */
void nd_u64set_free(nd_u64set *s);

#endif
