#include "nd_radix.h"

#include <stdlib.h>
#include <string.h>

/* How many elements ahead a key's element is fetched: after the first
 * sort the elements are read in an order of their own, each from memory. */
#define AHEAD 16

/* Returns the key k of the element at v[i] (of base b, each size bytes),
 * fetching the element of v[i + AHEAD] meanwhile (GCC, Clang). */
static inline uint64_t key_at(const unsigned char *b, size_t size, const nd_radix_item *v, size_t i, size_t n,
			      unsigned k, nd_radix_key_fn key, const void *ctx)
{
#if defined(__GNUC__)
	if (i + AHEAD < n)
		__builtin_prefetch(b + (size_t)v[i + AHEAD].at * size);
#else
	(void)n;
#endif
	return key(b + (size_t)v[i].at * size, k, ctx);
}

void nd_radix_sort(nd_radix_item *v, nd_radix_item *tmp, size_t n)
{
	size_t count[4][256], i, d, at;
	nd_radix_item *from = v, *to = tmp, *t;

	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++) {
		uint32_t k = v[i].key;

		count[0][k & 255]++;
		count[1][(k >> 8) & 255]++;
		count[2][(k >> 16) & 255]++;
		count[3][k >> 24]++;
	}
	for (d = 0; d < 4; d++) {
		size_t sum = 0, c;

		/* A byte every key has alike orders nothing: skipped (the high
		 * bytes of small numbers). */
		if (n < 2 || count[d][(v[0].key >> (8 * d)) & 255] == n)
			continue;
		for (i = 0; i < 256; i++) {
			c = count[d][i];
			count[d][i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++) {
			at = count[d][(from[i].key >> (8 * d)) & 255]++;
			to[at] = from[i];
		}
		t = from;
		from = to;
		to = t;
	}
	if (from != v)
		memcpy(v, from, n * sizeof(*v));
}

int nd_radix_permute(void *base, size_t n, size_t size, nd_radix_item *v)
{
	unsigned char *b = base, *spare = malloc(size ? size : 1);
	size_t i, j, k;

	if (!spare)
		return -1;
	/* Follows each cycle of the permutation once, with one element aside;
	 * a placed position is marked by at == its own index. */
	for (i = 0; i < n; i++) {
		if (v[i].at == i)
			continue;
		memcpy(spare, b + i * size, size);
		for (j = i;; j = k) {
			k = v[j].at;
			v[j].at = (uint32_t)j;
			if (k == i) {
				memcpy(b + j * size, spare, size);
				break;
			}
			memcpy(b + j * size, b + k * size, size);
		}
	}
	free(spare);
	return 0;
}

/* Puts the elements of base[0..n) (each size bytes, at most 8) in the
 * order of v (the one at v[i].at to i) through to (room for n of them).
 * Returns nothing. */
static void gather(unsigned char *base, size_t n, size_t size, const nd_radix_item *v, unsigned char *to)
{
	size_t i;

	if (size == sizeof(uint32_t)) /* positions: a copy of a constant size, inlined */
		for (i = 0; i < n; i++)
			memcpy(to + i * sizeof(uint32_t), base + (size_t)v[i].at * sizeof(uint32_t), sizeof(uint32_t));
	else
		for (i = 0; i < n; i++)
			memcpy(to + i * size, base + (size_t)v[i].at * size, size);
	memcpy(base, to, n * size);
}

int nd_radix_order(const void *base, size_t n, size_t size, unsigned nkeys, nd_radix_key_fn key, const void *ctx,
		   nd_radix_item **order, nd_radix_item **spare)
{
	const unsigned char *b = base;
	nd_radix_item *v, *tmp;
	size_t i;
	unsigned k;

	*order = NULL;
	if (spare)
		*spare = NULL;
	if (n > UINT32_MAX) /* an item's position counts in 32 bits */
		return -1;
	v = malloc((n + 1) * sizeof(*v));
	tmp = malloc((n + 1) * sizeof(*tmp));
	if (!v || !tmp) {
		free(v);
		free(tmp);
		return -1;
	}
	for (i = 0; i < n; i++)
		v[i].at = (uint32_t)i;
	for (k = nkeys; n > 1 && k-- > 0;) {
		uint64_t first = key_at(b, size, v, 0, n, k, key, ctx);
		int high = 0; /* a key's high half differs from the first's */

		for (i = 0; i < n; i++) {
			uint64_t x = key_at(b, size, v, i, n, k, key, ctx);

			high |= (x >> 32) != (first >> 32);
			v[i].key = (uint32_t)x;
		}
		nd_radix_sort(v, tmp, n);
		if (!high)
			continue;
		for (i = 0; i < n; i++)
			v[i].key = (uint32_t)(key_at(b, size, v, i, n, k, key, ctx) >> 32);
		nd_radix_sort(v, tmp, n);
	}
	*order = v;
	if (spare)
		*spare = tmp;
	else
		free(tmp);
	return 0;
}

int nd_radix_sort_by(void *base, size_t n, size_t size, unsigned nkeys, nd_radix_key_fn key, const void *ctx)
{
	nd_radix_item *v, *tmp;
	int rc;

	if (n < 2)
		return 0;
	if (nd_radix_order(base, n, size, nkeys, key, ctx, &v, &tmp) != 0)
		return -1;
	/* Small elements gathered in order into the spare items, copied back;
	 * bigger ones moved along the cycles of the permutation (a gather
	 * into a copy of the array, its reads fetched ahead, took a fifth of
	 * the time for the incidents at 1M, but its 64 MB came on top of the
	 * run's peak). */
	if (size <= sizeof(*tmp)) {
		gather(base, n, size, v, (unsigned char *)tmp);
		rc = 0;
	} else {
		rc = nd_radix_permute(base, n, size, v);
	}
	free(tmp);
	free(v);
	return rc;
}
