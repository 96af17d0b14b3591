#include "nd_intern.h"

#include <stdlib.h>
#include <string.h>

#include "nd_sort.h"
#include "nd_vec.h"

uint64_t nd_intern_hash(const char *s)
{
	uint64_t h = 14695981039346656037u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211u;
	return h;
}

/* Doubles the slot table (or, after nd_intern_drop_index, makes one with
 * room for every id) and re-inserts every id. Returns 0, or -1 when out of
 * memory. */
static int grow(nd_intern *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 1024, i;
	uint32_t *slots;

	while (n < 2 * (t->n + 1))
		n *= 2;
	slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -1;
	for (i = 0; i < t->n; i++) {
		size_t at = (size_t)nd_intern_hash(t->v[i]) & (n - 1);

		while (slots[at])
			at = (at + 1) & (n - 1);
		slots[at] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	return 0;
}

uint32_t nd_intern_add(nd_intern *t, const char *s)
{
	size_t at;
	const char *copy;

	if ((t->n + 1) * 2 > t->nslots && (t->n >= UINT32_MAX - 1 || grow(t) != 0))
		return UINT32_MAX;
	for (at = (size_t)nd_intern_hash(s) & (t->nslots - 1); t->slots[at]; at = (at + 1) & (t->nslots - 1))
		if (strcmp(t->v[t->slots[at] - 1], s) == 0)
			return t->slots[at] - 1;
	if (nd_vec_reserve(&t->v, &t->cap, t->n + 1, sizeof(*t->v)) != 0 || !(copy = nd_strpool_add(t->pool, s)))
		return UINT32_MAX;
	t->v[t->n] = copy;
	t->slots[at] = (uint32_t)++t->n;
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
	for (i = 0; i < t->nslots; i++)
		if (t->slots[i])
			t->slots[i] = map[t->slots[i] - 1] + 1;
	free(e);
	return 0;
}

void nd_intern_drop_index(nd_intern *t)
{
	free(t->slots);
	t->slots = NULL;
	t->nslots = 0;
}

void nd_intern_free(nd_intern *t)
{
	free(t->v);
	free(t->slots);
	t->v = NULL;
	t->slots = NULL;
	t->n = t->cap = t->nslots = 0;
}
