#include "nd_strslots.h"

#include <stdlib.h>

int nd_strslots_make(nd_strslots *t, size_t count)
{
	size_t n = 1024;
	nd_strslot *v;

	if (count >= UINT32_MAX) /* an index in 32 bits */
		return -1;
	while (n < count * 2)
		n *= 2;
	if (!(v = calloc(n, sizeof(*v))))
		return -1;
	free(t->v);
	t->v = v;
	t->n = n;
	return 0;
}

void nd_strslots_free(nd_strslots *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}
