#include "nd_intern.h"

#include <stdlib.h>
#include <string.h>

#include "nd_hash.h"
#include "nd_sort.h"
#include "nd_vec.h"

/* The string an id is looked up for, in t. */
typedef struct lookup {
	const nd_intern *t;
	const char *s;
} lookup;

/* nd_slots_is_fn: id i of x->t is the string x->s. */
static int is_string(const void *ctx, uint32_t i)
{
	const lookup *x = ctx;

	return strcmp(x->t->v[i], x->s) == 0;
}

/* Returns the slot of s in t's index: the one holding its id, else the
 * empty one where it goes. */
static uint32_t *slot_of(const nd_intern *t, const char *s)
{
	lookup x = {t, s};

	return nd_slots_find(&t->slots, nd_hash_str(s), is_string, &x);
}

/* nd_slots_is_fn: no id is the one looked for (the ids put back in a new
 * index are of distinct strings: the first empty slot is theirs). */
static int is_none(const void *ctx, uint32_t i)
{
	(void)ctx;
	(void)i;
	return 0;
}

/* Makes the index anew with room for one more id (after
 * nd_intern_drop_index, for every id) and puts every id in. Returns 0, or
 * -1 when out of memory. */
static int grow(nd_intern *t)
{
	size_t i;

	if (nd_slots_make(&t->slots, t->n + 1) != 0)
		return -1;
	for (i = 0; i < t->n; i++)
		*nd_slots_find(&t->slots, nd_hash_str(t->v[i]), is_none, NULL) = (uint32_t)i + 1;
	return 0;
}

uint32_t nd_intern_add(nd_intern *t, const char *s)
{
	uint32_t *slot;
	const char *copy;

	if (nd_slots_full(&t->slots, t->n + 1) && (t->n >= UINT32_MAX - 1 || grow(t) != 0))
		return UINT32_MAX;
	if (*(slot = slot_of(t, s)))
		return *slot - 1;
	if (nd_vec_reserve(&t->v, &t->cap, t->n + 1, sizeof(*t->v)) != 0 || !(copy = nd_strpool_add(t->pool, s)))
		return UINT32_MAX;
	t->v[t->n] = copy;
	*slot = (uint32_t)++t->n;
	return (uint32_t)t->n - 1;
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
		if (t->slots.v[i])
			t->slots.v[i] = map[t->slots.v[i] - 1] + 1;
	free(e);
	return 0;
}

void nd_intern_drop_index(nd_intern *t)
{
	nd_slots_free(&t->slots);
}

void nd_intern_free(nd_intern *t)
{
	free(t->v);
	nd_slots_free(&t->slots);
	t->v = NULL;
	t->n = t->cap = 0;
}
