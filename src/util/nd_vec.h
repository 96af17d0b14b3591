/* nd_vec: growing arrays by doubling, so that appending n elements one by
 * one costs O(n) copies in all (realloc by one element would be O(n^2)). */
#ifndef ND_VEC_H
#define ND_VEC_H

#include <stdlib.h>

/* Makes room in the array *pv (of *cap elements of size bytes) for at
 * least n elements, doubling its capacity as needed; new room is not
 * initialised. Returns 0, or -1 when out of memory (the array is kept). */
static inline int nd_vec_reserve(void *pv, size_t *cap, size_t n, size_t size)
{
	void **v = pv, *nv;
	size_t c = *cap ? *cap : 16;

	if (n <= *cap)
		return 0;
	while (c < n)
		c *= 2;
	if (c > (size_t)-1 / size || !(nv = realloc(*v, c * size)))
		return -1;
	*v = nv;
	*cap = c;
	return 0;
}

/* Shrinks the array *pv of n elements of size bytes (capacity *cap) to n
 * elements, giving back the room doubling left. Returns nothing: an array
 * that cannot shrink stays as it is. */
static inline void nd_vec_fit(void *pv, size_t *cap, size_t n, size_t size)
{
	void **v = pv, *nv;

	if (n && n < *cap && (nv = realloc(*v, n * size))) {
		*v = nv;
		*cap = n;
	}
}

#endif
