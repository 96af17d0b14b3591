#include "nd_strslots.h"

#include <stdlib.h>

#include "nd_hugemem.h"
#include "nd_slots.h"

int nd_strslots_make(nd_strslots *t, size_t count)
{
	size_t n = nd_slots_size(count); /* the same sizes as nd_slots' */
	nd_strslot *v;

	if (!n || !(v = nd_hugemem_calloc(n, sizeof(*v))))
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
