/* nd_radix: a stable sort by integer keys in linear time, for the big
 * arrays of a diagnosis (a million attempts, candidates, incidents):
 * sorting 8-byte (key, position) pairs and moving each element of the
 * real array once costs a fraction of qsort's comparisons and copies of
 * 40- to 80-byte structures, and its scratch is what glibc's qsort takes
 * for them (16 bytes an element).
 *
 * An order on several keys is made by sorting on each, least significant
 * first (each sort keeps the order of equal keys), then moving the
 * elements once: nd_radix_sort_by does it for an array and a key function
 * of 64-bit keys (each sorted as its low half, then its high half unless
 * every key has the same).
 */
#ifndef ND_RADIX_H
#define ND_RADIX_H

#include <stddef.h>
#include <stdint.h>

/* A 32-bit key and the position of its element (fewer than 4G elements). */
typedef struct nd_radix_item {
	uint32_t key;
	uint32_t at;
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

/* Finds the order of base[0..n) (each size bytes, fewer than 4G elements)
 * by the keys 0 .. nkeys - 1 of each element (key), elements whose keys
 * are all equal in their order, without moving them: (*order)[i].at is
 * the position of the i-th. With spare (not NULL) also gives the scratch
 * the sort used (room for n items) instead of freeing it. Returns 0 with
 * *order (and *spare) allocated (free them), or -1 when out of memory or
 * n is 4G or more (both NULL). */
int nd_radix_order(const void *base, size_t n, size_t size, unsigned nkeys, nd_radix_key_fn key, const void *ctx,
		   nd_radix_item **order, nd_radix_item **spare);

/* Sorts base[0..n) (each size bytes, fewer than 4G elements) by the keys
 * 0 .. nkeys - 1 of each element (key), elements whose keys are all
 * equal in their order. Returns 0, or -1 when out of memory or n is
 * 4G or more (base unchanged). */
int nd_radix_sort_by(void *base, size_t n, size_t size, unsigned nkeys, nd_radix_key_fn key, const void *ctx);

#endif
