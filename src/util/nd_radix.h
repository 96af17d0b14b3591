/* nd_radix: a stable sort of (key, position) pairs by a 64-bit key, in
 * linear time, for the big arrays of a diagnosis (a million attempts,
 * candidates, incidents): sorting 16-byte pairs and moving each element
 * of the real array once costs a fraction of qsort's comparisons and
 * copies of 40- to 80-byte structures.
 *
 * An order on several keys is made by sorting on each, least significant
 * first (each sort keeps the order of equal keys), then moving the
 * elements once (nd_radix_permute):
 *
 *     for (i = 0; i < n; i++) v[i] = (nd_radix_item){minor(i), i};
 *     nd_radix_sort(v, tmp, n);
 *     for (i = 0; i < n; i++) v[i].key = major(v[i].at);
 *     nd_radix_sort(v, tmp, n);
 *     nd_radix_permute(base, n, size, v);
 *
 * which nd_radix_sort_by does for an array and a key function.
 */
#ifndef ND_RADIX_H
#define ND_RADIX_H

#include <stddef.h>
#include <stdint.h>

/* A key and the position of its element (fewer than 4G elements). */
typedef struct nd_radix_item {
	uint64_t key;
	uint32_t at;
	uint32_t spare; /* free for the caller between sorts */
} nd_radix_item;

/* Returns x as a key that sorts as x does among int64_t values. */
static inline uint64_t nd_radix_i64(int64_t x)
{
	return (uint64_t)x ^ ((uint64_t)1 << 63);
}

/* Sorts v[0..n) by key, keeping the order of equal keys, with tmp (room
 * for n items) as scratch. Returns nothing. */
void nd_radix_sort(nd_radix_item *v, nd_radix_item *tmp, size_t n);

/* Moves the elements of base[0..n) (each size bytes) so that the one at
 * v[i].at comes to i (v a permutation, as nd_radix_sort leaves it); v's
 * positions are overwritten. Returns 0, or -1 when out of memory (base
 * unchanged). */
int nd_radix_permute(void *base, size_t n, size_t size, nd_radix_item *v);

/* The k-th key (0: the most significant) of element e, as its order
 * wants it (ctx: what the caller passes along). */
typedef uint64_t (*nd_radix_key_fn)(const void *e, unsigned k, const void *ctx);

/* Sorts base[0..n) (each size bytes) by the keys 0 .. nkeys - 1 of each
 * element (key), elements whose keys are all equal in their order.
 * Returns 0, or -1 when out of memory (base unchanged). */
int nd_radix_sort_by(void *base, size_t n, size_t size, unsigned nkeys, nd_radix_key_fn key, const void *ctx);

#endif
