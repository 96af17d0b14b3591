/* nd_strslots: the index of strings kept elsewhere (the interned strings,
 * the hosts): open addressing as nd_slots, but each slot holds the string
 * itself (a pointer), 32 bits of its hash and its index. A look-up reads
 * the slot and, only when those hash bits match, the string: with
 * nd_slots it read the slot, the caller's array for the pointer, then
 * the string, three cache misses in a row once the table outgrows the
 * cache (at 1M x 1M the 50k users' names). 16 bytes a slot, at least
 * 1024 slots, a power of two at least twice the strings; fewer than 4G.
 * Hash the strings with nd_hash (keyed per process): event strings are
 * attacker-controlled. */
#ifndef ND_STRSLOTS_H
#define ND_STRSLOTS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct nd_strslot {
	const char *s; /* NULL: empty */
	uint32_t tag;  /* the hash's high 32 bits */
	uint32_t i;    /* the string's index */
} nd_strslot;

typedef struct nd_strslots {
	nd_strslot *v;
	size_t n; /* a power of two, 0 before the first nd_strslots_make */
} nd_strslots;

/* Makes t anew, empty, with room for count strings. Returns 0, or -1 when
 * out of memory or count is 4G or more (t is then unchanged). */
int nd_strslots_make(nd_strslots *t, size_t count);

/* Returns 1 if t has no room for count strings (nd_strslots_make them
 * anew), else 0. */
static inline int nd_strslots_full(const nd_strslots *t, size_t count)
{
	return count * 2 > t->n;
}

/* Fetches the first slot the string of hash h is looked for in into the
 * cache, for a look-up a little later (t must have been made). Returns
 * nothing. */
static inline void nd_strslots_prefetch(const nd_strslots *t, uint64_t h)
{
	__builtin_prefetch(&t->v[(size_t)h & (t->n - 1)]);
}

/* Fetches into the cache the string that nd_strslots_find of hash h in t
 * (made) compares first: the one of the first slot whose tag matches
 * (the slot read now, fetched ahead with nd_strslots_prefetch), so that
 * the string's cache miss overlaps with others. Returns nothing. */
static inline void nd_strslots_prefetch_string(const nd_strslots *t, uint64_t h)
{
	size_t at = (size_t)h & (t->n - 1);
	uint32_t tag = (uint32_t)(h >> 32);

	while (t->v[at].s && t->v[at].tag != tag)
		at = (at + 1) & (t->n - 1);
	if (t->v[at].s)
		__builtin_prefetch(t->v[at].s);
}

/* Returns the slot of string s of hash h in t (made): the one holding
 * it (s equal, strcmp), else the empty one where it goes
 * (nd_strslots_put). */
static inline nd_strslot *nd_strslots_find(const nd_strslots *t, uint64_t h, const char *s)
{
	size_t at = (size_t)h & (t->n - 1);
	uint32_t tag = (uint32_t)(h >> 32);

	while (t->v[at].s && (t->v[at].tag != tag || strcmp(t->v[at].s, s) != 0))
		at = (at + 1) & (t->n - 1);
	return &t->v[at];
}

/* Puts string s (a copy that outlives t) of hash h and index i into
 * slot, an empty one nd_strslots_find gave for it. Returns nothing. */
static inline void nd_strslots_put(nd_strslot *slot, uint64_t h, const char *s, uint32_t i)
{
	slot->s = s;
	slot->tag = (uint32_t)(h >> 32);
	slot->i = i;
}

/* Frees t and empties it. Returns nothing. */
void nd_strslots_free(nd_strslots *t);

#endif
