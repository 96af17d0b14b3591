/* nd_sort: qsort that accepts an empty (possibly NULL) array, which qsort
 * itself does not, and membership in an array of pointers sorted by
 * address or of integers sorted by value. */
#ifndef ND_SORT_H
#define ND_SORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Sorts n elements of size bytes at base with cmp. Returns nothing. */
static inline void nd_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* qsort: int64_t ascending. Returns -1, 0 or 1. */
static inline int nd_i64_order(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return a < b ? -1 : a > b;
}

/* Sorts v[0..n) ascending. Returns nothing. */
static inline void nd_sort_i64(int64_t *v, size_t n)
{
	nd_sort(v, n, sizeof(*v), nd_i64_order);
}

/* Returns the index of the first of v[0..n) (pointers in ascending
 * address order) not below p, n when there is none. */
static inline size_t nd_lower_ptr(const void *const *v, size_t n, const void *p)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((uintptr_t)v[mid] < (uintptr_t)p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Returns 1 if p is one of v[0..n), pointers in ascending address order,
 * else 0. */
static inline int nd_sorted_has_ptr(const void *const *v, size_t n, const void *p)
{
	size_t lo = nd_lower_ptr(v, n, p);

	return lo < n && v[lo] == p;
}

/* Defines `static size_t name(const type *v, size_t n, type x)`: the
 * index of the first of v[0..n) (ascending) not below x, n when there is
 * none; and `static int has(const type *v, size_t n, type x)`: 1 if x is
 * one of v[0..n), else 0. */
#define ND_SORTED_SEARCH(name, has, type)                                                                              \
	static inline size_t name(const type *v, size_t n, type x)                                                     \
	{                                                                                                              \
		size_t lo = 0, hi = n;                                                                                 \
                                                                                                                       \
		while (lo < hi) {                                                                                      \
			size_t mid = lo + (hi - lo) / 2;                                                               \
                                                                                                                       \
			if (v[mid] < x)                                                                                \
				lo = mid + 1;                                                                          \
			else                                                                                           \
				hi = mid;                                                                              \
		}                                                                                                      \
		return lo;                                                                                             \
	}                                                                                                              \
	static inline int has(const type *v, size_t n, type x)                                                         \
	{                                                                                                              \
		size_t i = name(v, n, x);                                                                              \
                                                                                                                       \
		return i < n && v[i] == x;                                                                             \
	}

ND_SORTED_SEARCH(nd_lower_i64, nd_sorted_has_i64, int64_t)
ND_SORTED_SEARCH(nd_lower_u32, nd_sorted_has_u32, uint32_t)

#endif
