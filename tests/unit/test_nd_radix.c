/* Unit tests of nd_radix: sorting keys that differ in any byte (and in
 * none) keeps equal keys in their order, a two-key order made of two
 * sorts, signed keys, the empty array and one element, moving the
 * elements of an array by the sorted positions, the same through a key
 * function, and the order through a key function without moving them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nd_radix.h"

/* An element as a diagnosis sorts them: two keys and a payload. */
typedef struct elem {
	int64_t major;
	uint32_t minor;
	char payload[44];
} elem;

/* nd_radix_key_fn: key 0 of an elem is its major, key 1 its minor. */
static uint64_t elem_key(const void *p, unsigned k, const void *ctx)
{
	const elem *x = p;

	(void)ctx;
	return k == 0 ? nd_radix_i64(x->major) : (uint64_t)x->minor << 40; /* both halves, then only the high one */
}

/* Fills e[0..n) with keys and its position in its payload. Returns nothing. */
static void fill(elem *e, size_t n, unsigned long long *s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		e[i].major = (int64_t)(check_xorshift(s) % 50) - 25;
		e[i].minor = (uint32_t)(check_xorshift(s) % 7);
		e[i].payload[0] = (char)(i % 128);
		e[i].payload[43] = (char)(i / 128);
	}
}

/* Returns 1 if e[0..n) is by major, minor, then former position, else 0. */
static int elems_sorted(const elem *e, size_t n)
{
	size_t i;
	int ok = 1;

	for (i = 1; i < n; i++) {
		size_t a = (size_t)(unsigned char)e[i - 1].payload[0] + 128 * (size_t)e[i - 1].payload[43];
		size_t b = (size_t)(unsigned char)e[i].payload[0] + 128 * (size_t)e[i].payload[43];

		ok &= e[i - 1].major < e[i].major ||
		      (e[i - 1].major == e[i].major &&
		       (e[i - 1].minor < e[i].minor || (e[i - 1].minor == e[i].minor && a < b)));
	}
	return ok;
}

/* Returns 1 if v[0..n) is by key, equal keys by position, else 0. */
static int sorted_stable(const nd_radix_item *v, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (v[i - 1].key > v[i].key || (v[i - 1].key == v[i].key && v[i - 1].at > v[i].at))
			return 0;
	return 1;
}

int main(void)
{
	enum { N = 5000 };
	nd_radix_item *v = malloc(N * sizeof(*v)), *tmp = malloc(N * sizeof(*tmp));
	elem *e = malloc(N * sizeof(*e));
	unsigned long long s = 88172645463325252ULL;
	size_t i, shift;
	int ok;

	CHECK(v && tmp && e);
	/* Keys that differ only in one byte, in every byte, or not at all. */
	for (shift = 0; shift <= 32; shift += 8) {
		for (i = 0; i < N; i++)
			v[i] = (nd_radix_item){shift == 32 ? 7 : (uint32_t)(check_xorshift(&s) % 5) << shift | 3, (uint32_t)i};
		nd_radix_sort(v, tmp, N);
		CHECK(sorted_stable(v, N));
	}
	for (i = 0; i < N; i++)
		v[i] = (nd_radix_item){(uint32_t)(check_xorshift(&s) % 300) * 0x01010101u, (uint32_t)i};
	nd_radix_sort(v, tmp, N);
	CHECK(sorted_stable(v, N));
	/* Signed keys sort as the numbers do. */
	CHECK(nd_radix_i64(-1) < nd_radix_i64(0) && nd_radix_i64(INT64_MIN) < nd_radix_i64(-5));
	CHECK(nd_radix_i64(5) < nd_radix_i64(INT64_MAX) && nd_radix_i64(-5) < nd_radix_i64(5));
	/* Two keys: major, then minor, then position; then the elements moved. */
	fill(e, N, &s);
	for (i = 0; i < N; i++)
		v[i] = (nd_radix_item){e[i].minor, (uint32_t)i};
	nd_radix_sort(v, tmp, N);
	for (i = 0; i < N; i++)
		v[i].key = (uint32_t)(e[v[i].at].major + 25);
	nd_radix_sort(v, tmp, N);
	CHECK(nd_radix_permute(e, N, sizeof(*e), v) == 0);
	for (i = 0, ok = 1; i < N; i++)
		ok &= v[i].at == i;
	CHECK(ok); /* the positions are overwritten */
	CHECK(elems_sorted(e, N));
	/* The same with a key function. */
	fill(e, N, &s);
	CHECK(nd_radix_sort_by(e, N, sizeof(*e), 2, elem_key, NULL) == 0 && elems_sorted(e, N));
	/* The order alone: the elements stay where they are, and taken in
	 * that order they are sorted; the spare scratch is given. */
	fill(e, N, &s);
	{
		elem *copy = malloc(N * sizeof(*copy)), *in_order = malloc(N * sizeof(*in_order));
		nd_radix_item *order = NULL, *spare = NULL;

		CHECK(copy && in_order);
		if (copy && in_order) {
			memcpy(copy, e, N * sizeof(*e));
			CHECK(nd_radix_order(e, N, sizeof(*e), 2, elem_key, NULL, &order, &spare) == 0 && order && spare);
			CHECK(memcmp(copy, e, N * sizeof(*e)) == 0);
			for (i = 0; order && i < N; i++)
				in_order[i] = e[order[i].at];
			CHECK(order && elems_sorted(in_order, N));
			free(order);
			free(spare);
			/* One element and none: the order of what there is. */
			CHECK(nd_radix_order(e, 1, sizeof(*e), 2, elem_key, NULL, &order, NULL) == 0 && order &&
			      order[0].at == 0);
			free(order);
			CHECK(nd_radix_order(NULL, 0, sizeof(*e), 2, elem_key, NULL, &order, &spare) == 0 && order && spare);
			free(order);
			free(spare);
		}
		free(copy);
		free(in_order);
	}
	CHECK(nd_radix_sort_by(e, 1, sizeof(*e), 2, elem_key, NULL) == 0);
	CHECK(nd_radix_sort_by(NULL, 0, sizeof(*e), 2, elem_key, NULL) == 0);
	/* Empty and single arrays. */
	nd_radix_sort(NULL, NULL, 0);
	CHECK(nd_radix_permute(NULL, 0, sizeof(*e), NULL) == 0);
	v[0] = (nd_radix_item){42, 0};
	nd_radix_sort(v, tmp, 1);
	CHECK(v[0].key == 42 && v[0].at == 0);
	free(v);
	free(tmp);
	free(e);
	return check_report();
}
