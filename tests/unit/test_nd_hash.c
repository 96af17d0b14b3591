/* Unit tests of nd_hash: SipHash-1-3 against known values (Python 3.11's
 * hash of bytes is SipHash-1-3, with PYTHONHASHSEED=0 under the zero key;
 * the others from a reference implementation checked against it and
 * against the SipHash paper's SipHash-2-4 vector), the process's key drawn
 * once (the same from another thread), a hash going on part by part, and
 * the hash of a sequence of strings. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "nd_hash.h"

/* A thread's view of the process's key. */
static void *key_seen(void *out)
{
	*(const nd_hash_key **)out = nd_hash_key_of_process();
	return NULL;
}

int main(void)
{
	static const nd_hash_key zero = {0, 0}, paper = {0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
	const nd_hash_key *k, *other = NULL;
	pthread_t t;

	CHECK(nd_hash_keyed(&zero, "a", 1) == 0x407448d2b89b1813ULL);
	CHECK(nd_hash_keyed(&zero, "abc", 3) == 0xc03bc3a0042630f2ULL);
	CHECK(nd_hash_keyed(&zero, "abcdefgh", 8) == 0x3f7b849c0b8e35eaULL); /* one whole word */
	CHECK(nd_hash_keyed(&zero, "abcdefghijklmno", 15) == 0x1fd27a29b0e9dc7aULL);
	CHECK(nd_hash_keyed(&paper, "", 0) == 0xabac0158050fc4dcULL);
	CHECK(nd_hash_keyed(&paper, "a", 1) == 0x1c2697ab786a6237ULL);
	CHECK(nd_hash_keyed(&paper, "abcdefg", 7) == 0x639b490caba831bbULL);
	CHECK(nd_hash_keyed(&paper, "abcdefgh", 8) == 0x12d8c08c2ee9e620ULL);
	CHECK(nd_hash_keyed(&paper, "lab.example\\alice", 17) == 0xfffdc25311ea9c61ULL);

	/* One key per process, from any thread; not the zero key. */
	k = nd_hash_key_of_process();
	CHECK(k == nd_hash_key_of_process() && (k->k0 | k->k1) != 0);
	CHECK(pthread_create(&t, NULL, key_seen, &other) == 0 && pthread_join(t, NULL) == 0);
	CHECK(other == k);
	CHECK(nd_hash_str("lab.example\\alice") == nd_hash_keyed(k, "lab.example\\alice", 17));
	CHECK(nd_hash_str("") == nd_hash_more(0, "", 0));
	/* Part by part: each part's length counts, so the cut matters. */
	CHECK(nd_hash_more(nd_hash_str("ab"), "c", 1) != nd_hash_more(nd_hash_str("a"), "bc", 2));
	CHECK(nd_hash_more(nd_hash_str("ab"), "c", 1) == nd_hash_more(nd_hash_str("ab"), "c", 1));
	CHECK(nd_hash_word(1) != nd_hash_word(2) && nd_hash_word(7) == nd_hash_word(7));

	/* A sequence of strings: the same sequence the same hash, another cut,
	 * an empty string more or trailing zero bytes another (each string's
	 * length counts); ending leaves the state as it was. */
	{
		static const char *const seq[][3] = {{"ab", "c", NULL},      {"a", "bc", NULL},
						     {"ab", "c", ""},        {"ab", "c\0", NULL},
						     {"abcdefgh", "", NULL}, {"abcdefgh\0", NULL, NULL}};
		static const size_t len[][3] = {{2, 1, 0}, {1, 2, 0}, {2, 1, 0}, {2, 2, 0}, {8, 0, 0}, {9, 0, 0}};
		uint64_t h[6];
		size_t i, j;

		for (i = 0; i < 6; i++) {
			nd_hash_state st;

			nd_hash_begin(&st);
			for (j = 0; j < 3 && seq[i][j]; j++)
				nd_hash_add(&st, seq[i][j], len[i][j]);
			h[i] = nd_hash_end(&st);
			CHECK(h[i] == nd_hash_end(&st));
			nd_hash_begin(&st);
			for (j = 0; j < 3 && seq[i][j]; j++)
				nd_hash_add(&st, seq[i][j], len[i][j]);
			CHECK(h[i] == nd_hash_end(&st));
		}
		for (i = 0; i < 6; i++)
			for (j = i + 1; j < 6; j++)
				CHECK(h[i] != h[j]);
	}
	return check_report();
}
