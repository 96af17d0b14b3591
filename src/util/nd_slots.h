/* nd_slots: the index of an array kept elsewhere (the correlation's keys;
 * hosts and interned strings have nd_strslots, which keeps part of the
 * hash beside the index; a load's hints and field lists are tables of
 * their own whose slots hold the element, sized by nd_slots_size): open
 * addressing over uint32_t slots, each the index
 * of an element + 1, 0 when empty; at least 1024 slots, a power of two at
 * least twice the elements, so that a probe ends soon. The caller hashes
 * and tells equal elements apart (nd_slots_find); fewer than 4G
 * elements. A probe ends soon only if no one can choose elements that
 * share low bits of their hash: hash anything an event names with
 * nd_hash (keyed per process). */
#ifndef ND_SLOTS_H
#define ND_SLOTS_H

#include <stddef.h>
#include <stdint.h>

typedef struct nd_slots {
	uint32_t *v;
	size_t n; /* a power of two, 0 before the first nd_slots_make */
} nd_slots;

/* Whether the element at index i (of the caller's array, ctx) is the one
 * looked for. Returns 1 or 0. */
typedef int (*nd_slots_is_fn)(const void *ctx, uint32_t i);

/* Makes s anew, empty, with room for count elements (see above). Returns
 * 0, or -1 when out of memory or count is 4G or more (s is then
 * unchanged). */
int nd_slots_make(nd_slots *s, size_t count);

/* Returns the number of slots a table of count elements has (see above;
 * nd_strslots' too), or 0 when count is 4G or more. */
size_t nd_slots_size(size_t count);

/* Returns 1 if s has no room for count elements (nd_slots_make them
 * anew), else 0. */
static inline int nd_slots_full(const nd_slots *s, size_t count)
{
	return count * 2 > s->n;
}

/* Returns the slot of the element of hash h for which is(ctx, index)
 * says 1: the one holding it, else the empty one where it goes (store
 * index + 1 there). s must have been made. */
static inline uint32_t *nd_slots_find(const nd_slots *s, uint64_t h, nd_slots_is_fn is, const void *ctx)
{
	size_t at = (size_t)h & (s->n - 1);

	while (s->v[at] && !is(ctx, s->v[at] - 1))
		at = (at + 1) & (s->n - 1);
	return &s->v[at];
}

/* Frees s and empties it. Returns nothing. */
void nd_slots_free(nd_slots *s);

#endif
