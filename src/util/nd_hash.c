/* nd_hash: SipHash-1-3 (Aumasson and Bernstein; one compression round a
 * word, three to finish), under a key drawn once per process. */
#include "nd_hash.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "nd_bytes.h"
#include "nd_random.h"

static nd_hash_key process_key;
static pthread_once_t process_once = PTHREAD_ONCE_INIT;

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

/* One SipRound over the state v0..v3. */
#define SIPROUND                                                                                                       \
	do {                                                                                                           \
		v0 += v1;                                                                                              \
		v1 = ROTL(v1, 13);                                                                                     \
		v1 ^= v0;                                                                                              \
		v0 = ROTL(v0, 32);                                                                                     \
		v2 += v3;                                                                                              \
		v3 = ROTL(v3, 16);                                                                                     \
		v3 ^= v2;                                                                                              \
		v0 += v3;                                                                                              \
		v3 = ROTL(v3, 21);                                                                                     \
		v3 ^= v0;                                                                                              \
		v2 += v1;                                                                                              \
		v1 = ROTL(v1, 17);                                                                                     \
		v1 ^= v2;                                                                                              \
		v2 = ROTL(v2, 32);                                                                                     \
	} while (0)

/* One compression round of m into v0..v3. */
#define COMPRESS(m)                                                                                                    \
	do {                                                                                                           \
		v3 ^= (m);                                                                                             \
		SIPROUND;                                                                                              \
		v0 ^= (m);                                                                                             \
	} while (0)

/* The state v0..v3 of SipHash under the key words k0, k1. */
#define SIP_INIT(k0, k1)                                                                                               \
	uint64_t v0 = (k0) ^ 0x736f6d6570736575ULL, v1 = (k1) ^ 0x646f72616e646f6dULL;                                \
	uint64_t v2 = (k0) ^ 0x6c7967656e657261ULL, v3 = (k1) ^ 0x7465646279746573ULL

/* The last rounds of SipHash-1-3 over v0..v3, its value into out. */
#define SIP_FINISH(out)                                                                                                \
	do {                                                                                                           \
		v2 ^= 0xff;                                                                                            \
		SIPROUND;                                                                                              \
		SIPROUND;                                                                                              \
		SIPROUND;                                                                                              \
		(out) = v0 ^ v1 ^ v2 ^ v3;                                                                             \
	} while (0)

/* Returns SipHash-1-3 of p[0..n) under the key words k0, k1. */
static uint64_t siphash13(uint64_t k0, uint64_t k1, const void *p, size_t n)
{
	SIP_INIT(k0, k1);
	uint64_t m, b = (uint64_t)n << 56;
	const uint8_t *in = p, *end = in + (n & ~(size_t)7);
	size_t i;

	for (; in != end; in += 8) {
		m = nd_le64(in);
		COMPRESS(m);
	}
	if ((n & 7) && n >= 8) /* the last bytes as the top of the word that ends with them */
		b |= nd_le64(in + (n & 7) - 8) >> (64 - 8 * (n & 7));
	else
		for (i = 0; i < (n & 7); i++)
			b |= (uint64_t)in[i] << (8 * i);
	COMPRESS(b);
	SIP_FINISH(m);
	return m;
}

uint64_t nd_hash_keyed(const nd_hash_key *k, const void *p, size_t n)
{
	return siphash13(k->k0, k->k1, p, n);
}

/* pthread_once: draws the process's key; without a random source, from
 * the clocks and the addresses the loader chose (less, but not a constant
 * an attacker knows). */
static void draw_key(void)
{
	nd_hash_key k;
	uint64_t t[4];

	if (nd_random(&k, sizeof(k)) == 0) {
		process_key = k;
		return;
	}
	t[0] = (uint64_t)time(NULL);
	t[1] = (uint64_t)clock();
	t[2] = (uint64_t)(uintptr_t)&k;
	t[3] = (uint64_t)(uintptr_t)&process_key;
	process_key.k0 = siphash13(t[2], t[3], t, sizeof(t));
	process_key.k1 = siphash13(t[3], t[2], t, sizeof(t));
}

const nd_hash_key *nd_hash_key_of_process(void)
{
	pthread_once(&process_once, draw_key);
	return &process_key;
}

uint64_t nd_hash_more(uint64_t h, const void *p, size_t n)
{
	const nd_hash_key *k = nd_hash_key_of_process();

	return siphash13(k->k0 ^ h, k->k1, p, n);
}

uint64_t nd_hash_str(const char *s)
{
	const nd_hash_key *k = nd_hash_key_of_process();

	return siphash13(k->k0, k->k1, s, strlen(s));
}

void nd_hash_begin(nd_hash_state *s)
{
	const nd_hash_key *k = nd_hash_key_of_process();
	SIP_INIT(k->k0, k->k1);

	s->v0 = v0;
	s->v1 = v1;
	s->v2 = v2;
	s->v3 = v3;
}

void nd_hash_add(nd_hash_state *s, const void *p, size_t n)
{
	uint64_t v0 = s->v0, v1 = s->v1, v2 = s->v2, v3 = s->v3, m = 0;
	const uint8_t *in = p, *end = in + (n & ~(size_t)7);
	size_t i;

	for (; in != end; in += 8) {
		m = nd_le64(in);
		COMPRESS(m);
	}
	if (n & 7) {
		for (m = 0, i = 0; i < (n & 7); i++)
			m |= (uint64_t)in[i] << (8 * i);
		COMPRESS(m);
	}
	m = (uint64_t)n; /* read from the end, the lengths cut the words into the strings again */
	COMPRESS(m);
	s->v0 = v0;
	s->v1 = v1;
	s->v2 = v2;
	s->v3 = v3;
}

uint64_t nd_hash_end(const nd_hash_state *s)
{
	uint64_t v0 = s->v0, v1 = s->v1, v2 = s->v2, v3 = s->v3, h;

	SIP_FINISH(h);
	return h;
}

uint64_t nd_hash_word(uint64_t v)
{
	const nd_hash_key *k = nd_hash_key_of_process();

	v = (v ^ k->k0) * 0xbf58476d1ce4e5b9ULL;
	v = (v ^ (v >> 31) ^ k->k1) * 0x94d049bb133111ebULL;
	return v ^ (v >> 29);
}
