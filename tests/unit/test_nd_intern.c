/* Unit tests of nd_intern: distinct strings to ids, and ids renumbered
 * in byte order of the strings; strings crafted to collide under the
 * unkeyed FNV-1a it once hashed with (as an attacker could log them as
 * user names) stay in short probe runs and get the ids a plain reference
 * gives. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nd_intern.h"

#define CRAFTED 4000
#define FNV_PRIME 1099511628211u

/* Returns FNV-1a of s going on from h (14695981039346656037 to start):
 * the hash nd_intern used before it was keyed. */
static uint64_t fnv1a(uint64_t h, const char *s)
{
	while (*s)
		h = (h ^ (unsigned char)*s++) * FNV_PRIME;
	return h;
}

/* Writes into buf (32 bytes) a string, different for each i, whose
 * FNV-1a is 0x5a5a in its low 16 bits: every table of up to 65,536 slots
 * indexed by the low bits of that hash puts them all at one place. Low
 * bits of a product depend on low bits only: three bytes x1, x2, y after
 * a prefix are solved for (y is then given by the target). Returns
 * nothing. */
static void craft(unsigned i, char *buf)
{
	uint64_t inv = FNV_PRIME, a, h, want;
	unsigned x1, x2;
	int k;

	for (k = 0; k < 6; k++) /* Newton: the inverse of the prime modulo 2^64 */
		inv *= 2 - FNV_PRIME * inv;
	want = (0x5a5a * inv) & 0xffff; /* the hash before the last multiply */
	snprintf(buf, 32, "u%05u.", i);
	a = fnv1a(14695981039346656037u, buf);
	for (x1 = 1; x1 < 256; x1++)
		for (x2 = 1; x2 < 256; x2++) {
			h = (((a ^ x1) * FNV_PRIME) ^ x2) * FNV_PRIME;
			if (((h ^ want) & 0xff00) == 0 && ((h ^ want) & 0xff) != 0) {
				size_t n = strlen(buf);

				buf[n] = (char)x1;
				buf[n + 1] = (char)x2;
				buf[n + 2] = (char)((h ^ want) & 0xff);
				buf[n + 3] = '\0';
				return;
			}
		}
	buf[0] = '\0'; /* no solution for this prefix (the checks below fail) */
}

/* Returns the sum over the runs of consecutive used slots of t's index of
 * 1 + 2 + ... + length (what finding a string at the end of each costs,
 * whatever the hash), and the longest in *longest. */
static uint64_t probe_cost(const nd_intern *t, size_t *longest)
{
	uint64_t cost = 0;
	size_t i, run = 0;

	*longest = 0;
	for (i = 0; i <= t->slots.n; i++) {
		if (i < t->slots.n && t->slots.v[i].s) {
			run++;
			continue;
		}
		cost += (uint64_t)run * (run + 1) / 2;
		if (run > *longest)
			*longest = run;
		run = 0;
	}
	return cost;
}

/* Interns the crafted strings, then each again in another order: ids in
 * arrival order, the same id for the same string, each id's string the
 * one given (as a plain reference would), in short probe runs. Returns
 * nothing. */
static void crafted(void)
{
	static char s[CRAFTED][32];
	nd_strpool pool = {0};
	nd_intern t = {.pool = &pool};
	unsigned long long x = 0x2545f4914f6cdd1dULL;
	size_t i, longest;
	uint64_t cost;

	for (i = 0; i < CRAFTED; i++) {
		craft((unsigned)i, s[i]);
		CHECK((fnv1a(14695981039346656037u, s[i]) & 0xffff) == 0x5a5a);
	}
	for (i = 0; i < CRAFTED; i++)
		CHECK(nd_intern_add(&t, s[i]) == i);
	CHECK(t.n == CRAFTED);
	for (i = 0; i < CRAFTED; i++) {
		size_t j = (size_t)(check_xorshift(&x) % CRAFTED);

		CHECK(nd_intern_add(&t, s[j]) == j && strcmp(t.v[j], s[j]) == 0);
	}
	CHECK(t.n == CRAFTED);
	/* Unkeyed: one run of all 4000 (cut in two by the table's end: a cost
	 * of 4,308,916, the longest run 2554). Keyed, with at most half of the
	 * 8192 slots used, the runs stay short. */
	cost = probe_cost(&t, &longest);
	CHECK(cost <= 8 * CRAFTED && longest <= 100);
	if (cost > 8 * CRAFTED || longest > 100)
		fprintf(stderr, "probe cost %llu, longest run %zu\n", (unsigned long long)cost, longest);
	nd_intern_free(&t);
	nd_strpool_free(&pool);
}

int main(void)
{
	static const char *const words[] = {"lab.example\\carol", "lab.example\\alice", "",
					    "lab.example\\bob",   "lab.example\\alice", "LAB.example\\alice"};
	nd_strpool pool = {0};
	nd_intern t = {.pool = &pool};
	uint32_t id[6], map[5], many[3000];
	char buf[32];
	size_t i;

	for (i = 0; i < 6; i++)
		id[i] = nd_intern_add(&t, words[i]);
	CHECK(t.n == 5);
	CHECK(id[0] == 0 && id[1] == 1 && id[2] == 2 && id[3] == 3 && id[5] == 4);
	CHECK(id[4] == id[1]);         /* the same string, the same id */
	CHECK(t.v[id[1]] != words[1]); /* a copy in the pool */
	CHECK(nd_intern_rank(&t, map) == 0);
	CHECK_STR(t.v[0], "");
	CHECK_STR(t.v[1], "LAB.example\\alice"); /* byte order: upper case first */
	CHECK_STR(t.v[2], "lab.example\\alice");
	CHECK_STR(t.v[4], "lab.example\\carol");
	CHECK(map[id[0]] == 4 && map[id[1]] == 2 && map[id[2]] == 0 && map[id[3]] == 3 && map[id[5]] == 1);
	/* After ranking, a string finds its new id. */
	CHECK(nd_intern_add(&t, "lab.example\\bob") == 3);
	CHECK(t.n == 5);

	/* Growing keeps every id. */
	for (i = 0; i < 3000; i++) {
		snprintf(buf, sizeof(buf), "k%zu", i);
		many[i] = nd_intern_add(&t, buf);
	}
	CHECK(t.n == 3005);
	for (i = 0; i < 3000; i += 7) {
		snprintf(buf, sizeof(buf), "k%zu", i);
		CHECK(nd_intern_add(&t, buf) == many[i]);
	}
	/* With its index dropped, the next add builds one with room for all
	 * 3005 ids (it once made 1024 slots and looked for a free one for
	 * ever), and every string keeps its id. */
	nd_intern_drop_index(&t);
	CHECK(nd_intern_add(&t, "k2999") == many[2999]);
	CHECK(t.slots.n >= 2 * t.n);
	CHECK(nd_intern_add(&t, "new after the drop") == 3005);
	for (i = 0; i < 3000; i += 11) {
		snprintf(buf, sizeof(buf), "k%zu", i);
		CHECK(nd_intern_add(&t, buf) == many[i]);
	}
	/* A string hashed ahead (nd_intern_hash) is found, or added, as by
	 * nd_intern_add, also when the table grew in between. */
	{
		uint64_t h = nd_intern_hash(&t, "k17"), h2 = nd_intern_hash(&t, "hashed ahead");
		uint32_t at = (uint32_t)t.n;

		CHECK(nd_intern_add_hashed(&t, "k17", h) == many[17]);
		for (i = 0; i < 5000; i++) { /* the index grows */
			snprintf(buf, sizeof(buf), "g%zu", i);
			CHECK(nd_intern_add(&t, buf) == at + i);
		}
		CHECK(nd_intern_add_hashed(&t, "hashed ahead", h2) == at + 5000);
		CHECK(nd_intern_add(&t, "hashed ahead") == at + 5000 && t.n == at + 5001);
	}
	nd_intern_free(&t);
	nd_strpool_free(&pool);
	{ /* hashed before the index is made */
		nd_intern u = {.pool = &pool};
		uint64_t h = nd_intern_hash(&u, "first");

		CHECK(u.slots.n == 0 && nd_intern_add_hashed(&u, "first", h) == 0 && nd_intern_add(&u, "first") == 0);
		nd_intern_free(&u);
		nd_strpool_free(&pool);
	}
	crafted();
	return check_report();
}
