/* nd_sort: qsort that accepts an empty (possibly NULL) array, which qsort
 * itself does not. */
#ifndef ND_SORT_H
#define ND_SORT_H

#include <stdlib.h>

/* Sorts n elements of size bytes at base with cmp. Returns nothing. */
static inline void nd_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

#endif
