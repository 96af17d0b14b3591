#include "nd_slots.h"

#include <stdlib.h>

size_t nd_slots_size(size_t count)
{
	size_t n = 1024;

	if (count >= UINT32_MAX) /* a slot holds an index + 1 in 32 bits */
		return 0;
	while (n < count * 2)
		n *= 2;
	return n;
}

int nd_slots_make(nd_slots *s, size_t count)
{
	size_t n = nd_slots_size(count);
	uint32_t *v;

	if (!n || !(v = calloc(n, sizeof(*v))))
		return -1;
	free(s->v);
	s->v = v;
	s->n = n;
	return 0;
}

void nd_slots_free(nd_slots *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
