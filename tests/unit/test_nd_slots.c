/* Unit tests of nd_slots: the sizes (at least 1024, a power of two at
 * least twice the elements), when a table is full, finding what was put
 * in (elements whose hashes collide included: the probe goes on past
 * the others) and the empty slot for what was not, and freeing. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "nd_slots.h"

/* nd_slots_is_fn: element i of the values (ctx[0]) is the value *ctx[1]. */
static int value_is(const void *ctx, uint32_t i)
{
	const uint64_t *const *x = ctx;

	return x[0][i] == *x[1];
}

/* Returns the slot of value v among values in s, hashed by hash (every
 * value the same hash when collide). */
static uint32_t *slot(const nd_slots *s, const uint64_t *values, uint64_t v, int collide)
{
	const uint64_t *ctx[2] = {values, &v};

	return nd_slots_find(s, collide ? 7 : v * 0x9E3779B97F4A7C15u >> 20, value_is, ctx);
}

/* Puts the n values in s (made anew as they fill it) and checks that each
 * is found and that others are not. Returns nothing. */
static void fill(nd_slots *s, const uint64_t *values, size_t n, int collide)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t *at;
		size_t k;

		if (nd_slots_full(s, i + 1)) {
			CHECK(nd_slots_make(s, i + 1) == 0);
			for (k = 0; k < i; k++)
				*slot(s, values, values[k], collide) = (uint32_t)k + 1;
		}
		at = slot(s, values, values[i], collide);
		CHECK(*at == 0); /* not there yet */
		*at = (uint32_t)i + 1;
	}
	for (i = 0; i < n; i++)
		CHECK(*slot(s, values, values[i], collide) == i + 1);
	CHECK(*slot(s, values, 1, collide) == 0 && *slot(s, values, (uint64_t)(n + 1) << 32, collide) == 0);
}

int main(void)
{
	nd_slots s = {0};
	uint64_t *values = malloc(5000 * sizeof(*values));
	size_t i;

	CHECK(values != NULL);
	if (!values)
		return check_report();
	CHECK(nd_slots_full(&s, 0) == 0 && nd_slots_full(&s, 1) == 1); /* none made: room for nothing */
	CHECK(nd_slots_make(&s, 0) == 0 && s.n == 1024 && nd_slots_full(&s, 512) == 0 && nd_slots_full(&s, 513) == 1);
	for (i = 0; i < 1024; i++)
		CHECK(s.v[i] == 0);
	CHECK(nd_slots_make(&s, 513) == 0 && s.n == 2048);
	CHECK(nd_slots_make(&s, 3000) == 0 && s.n == 8192); /* a power of two, at least twice */
	for (i = 0; i < 5000; i++)
		values[i] = (uint64_t)(i + 1) << 32; /* alike in their low bits */
	fill(&s, values, 5000, 0);
	CHECK(s.n >= 10000 && (s.n & (s.n - 1)) == 0);
	nd_slots_free(&s);
	CHECK(s.v == NULL && s.n == 0 && nd_slots_full(&s, 1) == 1);
	fill(&s, values, 300, 1); /* every hash the same: one long probe */
	nd_slots_free(&s);
	nd_slots_free(&s); /* twice: nothing to free */
	free(values);
	return check_report();
}
