#include "nd_slots.h"

#include <stdlib.h>

int nd_slots_make(nd_slots *s, size_t count)
{
	size_t n = 1024;
	uint32_t *v;

	if (count >= UINT32_MAX) /* a slot holds an index + 1 in 32 bits */
		return -1;
	while (n < count * 2)
		n *= 2;
	if (!(v = calloc(n, sizeof(*v))))
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
