#include "nd_intern.h"

#include <stdlib.h>
#include <string.h>

#include "nd_hash.h"
#include "nd_sort.h"
#include "nd_vec.h"

/* Makes the index anew with room for one more id (after
 * nd_intern_drop_index, for every id) and puts every id in. Returns 0, or
 * -1 when out of memory. */
static int grow(nd_intern *t)
{
	size_t i;

	if (nd_strslots_make(&t->slots, t->n + 1) != 0)
		return -1;
	for (i = 0; i < t->n; i++) {
		uint64_t h = nd_hash_str(t->v[i]);

		nd_strslots_put(nd_strslots_find(&t->slots, h, t->v[i]), h, t->v[i], (uint32_t)i);
	}
	return 0;
}

uint64_t nd_intern_hash(const nd_intern *t, const char *s)
{
	uint64_t h = nd_hash_str(s);

	if (t->slots.n)
		nd_strslots_prefetch(&t->slots, h);
	return h;
}

uint32_t nd_intern_add(nd_intern *t, const char *s)
{
	return nd_intern_add_hashed(t, s, nd_hash_str(s));
}

uint32_t nd_intern_add_hashed(nd_intern *t, const char *s, uint64_t h)
{
	nd_strslot *slot;
	const char *copy;

	if (nd_strslots_full(&t->slots, t->n + 1) && (t->n >= UINT32_MAX - 1 || grow(t) != 0))
		return UINT32_MAX;
	if ((slot = nd_strslots_find(&t->slots, h, s))->s)
		return slot->i;
	if (nd_vec_reserve(&t->v, &t->cap, t->n + 1, sizeof(*t->v)) != 0 || !(copy = nd_strpool_add(t->pool, s)))
		return UINT32_MAX;
	t->v[t->n] = copy;
	nd_strslots_put(slot, h, copy, (uint32_t)t->n);
	return (uint32_t)t->n++;
}

/* A string and its id before ranking. */
typedef struct entry {
	const char *s;
	uint32_t id;
} entry;

/* qsort: entries by their strings in byte order. */
static int by_bytes(const void *pa, const void *pb)
{
	return strcmp(((const entry *)pa)->s, ((const entry *)pb)->s);
}

int nd_intern_rank(nd_intern *t, uint32_t *map)
{
	entry *e = malloc((t->n + 1) * sizeof(*e));
	size_t i;

	if (!e)
		return -1;
	for (i = 0; i < t->n; i++)
		e[i] = (entry){t->v[i], (uint32_t)i};
	nd_sort(e, t->n, sizeof(*e), by_bytes);
	for (i = 0; i < t->n; i++) {
		t->v[i] = e[i].s;
		map[e[i].id] = (uint32_t)i;
	}
	for (i = 0; i < t->slots.n; i++)
		if (t->slots.v[i].s)
			t->slots.v[i].i = map[t->slots.v[i].i];
	free(e);
	return 0;
}

void nd_intern_drop_index(nd_intern *t)
{
	nd_strslots_free(&t->slots);
}

void nd_intern_free(nd_intern *t)
{
	free(t->v);
	nd_strslots_free(&t->slots);
	t->v = NULL;
	t->n = t->cap = 0;
}
