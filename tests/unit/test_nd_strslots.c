/* Unit tests of nd_strslots: the sizes (at least 1024, a power of two at
 * least twice the strings), when a table is full, finding what was put in
 * (strings whose hashes are all equal, or equal in the bits that place
 * them but not in the 32 bits kept: the probe goes on past the others)
 * and the empty slot for what was not, the string a look-up compares
 * fetched ahead (the probe kept within the table: ASan), and freeing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "nd_strslots.h"

#define N 3000

/* Returns the hash of string number i: all the same (collide 2), the
 * same low 32 bits with other high ones (collide 1), or spread. */
static uint64_t hash_of(size_t i, int collide)
{
	if (collide == 2)
		return 0x1234567812345678u;
	if (collide == 1)
		return (uint64_t)(i + 1) << 32 | 0x5a5au;
	return (i + 1) * 0x9E3779B97F4A7C15u;
}

/* Puts the strings s[0 .. N) into t (made anew as they fill it) and
 * checks that each is found with its index and that others are not.
 * Returns nothing. */
static void fill(nd_strslots *t, char (*s)[16], int collide)
{
	size_t i, k;

	for (i = 0; i < N; i++) {
		nd_strslot *at;

		if (nd_strslots_full(t, i + 1)) {
			CHECK(nd_strslots_make(t, i + 1) == 0);
			CHECK(t->n >= 1024 && t->n >= 2 * (i + 1) && (t->n & (t->n - 1)) == 0);
			for (k = 0; k < i; k++)
				nd_strslots_put(nd_strslots_find(t, hash_of(k, collide), s[k]), hash_of(k, collide), s[k],
						(uint32_t)k);
		}
		nd_strslots_prefetch(t, hash_of(i, collide));
		nd_strslots_prefetch_string(t, hash_of(i, collide)); /* not there: nothing, or another's */
		at = nd_strslots_find(t, hash_of(i, collide), s[i]);
		CHECK(at->s == NULL); /* not there yet */
		nd_strslots_put(at, hash_of(i, collide), s[i], (uint32_t)i);
	}
	for (i = 0; i < N; i++) {
		const nd_strslot *at;

		nd_strslots_prefetch_string(t, hash_of(i, collide));
		at = nd_strslots_find(t, hash_of(i, collide), s[i]);
		CHECK(at->s == s[i] && at->i == i);
	}
	/* an equal string elsewhere finds the one put in; another string does not */
	CHECK(nd_strslots_find(t, hash_of(7, collide), "k7")->s == s[7]);
	CHECK(nd_strslots_find(t, hash_of(7, collide), "k7x")->s == NULL);
	CHECK(nd_strslots_find(t, hash_of(N, collide), "other")->s == NULL);
}

int main(void)
{
	static char s[N][16];
	nd_strslots t = {0};
	size_t i;
	int collide;

	for (i = 0; i < N; i++)
		snprintf(s[i], sizeof(s[i]), "k%zu", i);
	CHECK(nd_strslots_full(&t, 1)); /* not made yet */
	CHECK(nd_strslots_make(&t, 1) == 0 && t.n == 1024 && !nd_strslots_full(&t, 512) && nd_strslots_full(&t, 513));
	CHECK(nd_strslots_make(&t, (size_t)UINT32_MAX) == -1 && t.n == 1024); /* unchanged */
	for (collide = 0; collide < 3; collide++) {
		nd_strslots_free(&t);
		fill(&t, s, collide);
	}
	nd_strslots_free(&t);
	CHECK(t.v == NULL && t.n == 0);
	nd_strslots_free(&t); /* twice is fine */
	return check_report();
}
