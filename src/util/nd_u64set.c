#include "nd_u64set.h"

#include <stdlib.h>
#include <string.h>

#include "nd_hash.h"

/* Returns the first slot to look at for v in a table of n slots (a power
 * of two): v mixed under the process's key (nd_hash_word), for values
 * need not be spread in their low bits and may be chosen by an
 * attacker. */
static size_t slot_of(uint64_t v, size_t n)
{
	return (size_t)nd_hash_word(v) & (n - 1);
}

/* Doubles the table and puts every value in again. Returns 0, or -1 when
 * out of memory. */
static int grow(nd_u64set *s)
{
	size_t n = s->nslots ? s->nslots * 2 : 1024, i;
	uint64_t *slots;

	if (n > (size_t)-1 / sizeof(*slots) || !(slots = calloc(n, sizeof(*slots))))
		return -1;
	for (i = 0; i < s->nslots; i++) {
		size_t at;

		if (!s->slots[i])
			continue;
		for (at = slot_of(s->slots[i], n); slots[at]; at = (at + 1) & (n - 1))
			;
		slots[at] = s->slots[i];
	}
	free(s->slots);
	s->slots = slots;
	s->nslots = n;
	return 0;
}

int nd_u64set_add(nd_u64set *s, uint64_t v)
{
	size_t at;

	if (!v) {
		s->zero = 1;
		return 0;
	}
	if ((s->n + 1) * 2 > s->nslots && grow(s) != 0)
		return -1;
	for (at = slot_of(v, s->nslots); s->slots[at]; at = (at + 1) & (s->nslots - 1))
		if (s->slots[at] == v)
			return 0;
	s->slots[at] = v;
	s->n++;
	return 0;
}

int nd_u64set_has(const nd_u64set *s, uint64_t v)
{
	size_t at;

	if (!v)
		return s->zero;
	if (!s->nslots)
		return 0;
	for (at = slot_of(v, s->nslots); s->slots[at]; at = (at + 1) & (s->nslots - 1))
		if (s->slots[at] == v)
			return 1;
	return 0;
}

void nd_u64set_free(nd_u64set *s)
{
	free(s->slots);
	memset(s, 0, sizeof(*s));
}
