/* Unit tests of nd_correlate_retries (the attempts among an identity's
 * client failures): CoIds crafted to collide in its hash table (texts and
 * GUIDs, as an attacker could log them) find the same attempts as the
 * sort, with a bounded number of probes, in nd_correlate too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_fixture.h"
#include "check.h"
#include "nd_correlate.h"
#include "nd_correlate_retries.h"

#define C1 "CLIENT01.lab.example"
#define C2 "CLIENT02.lab.example"
#define N 1000

/* The random CoIds: xorshift64. Returns a number below n. */
static unsigned rnd(unsigned n)
{
	static unsigned long long x = 0x9e3779b97f4a7c15ULL;

	return (unsigned)(check_xorshift(&x) % n);
}

/* Writes into buf (40 bytes) a CoId for host h: a GUID as RasClient logs
 * it or another text, every other one; crafted (collide) to fall into the
 * first 8 slots of the table for N failures, else any. Returns nothing. */
static void make_coid(nd_analysis_data *d, uint32_t h, int collide, unsigned k, char *buf)
{
	nd_client_failure f;

	memset(&f, 0, sizeof(f));
	f.host = h;
	do {
		if (k % 2)
			snprintf(buf, 40, "{%08X-0000-4000-8000-%012X}", rnd(1u << 31), rnd(1u << 30));
		else
			snprintf(buf, 40, "attempt-%u-%u", k, rnd(1u << 30));
		nd_analysis_set_coid(d, &f, buf);
	} while (collide && (nd_correlate_retries_hash(&f) & (nd_correlate_retries_slots(N) - 1)) >= 8);
}

/* Adds N failures of one user to d: CoIds crafted to collide (or not),
 * every fifth a retry of an earlier one on its host, some on a second
 * client with a CoId of the first (another attempt), some without a
 * CoId. Returns nothing. */
static void add_failures(nd_analysis_data *d, int collide)
{
	char coid[40];
	unsigned i;

	for (i = 0; i < N; i++) {
		const char *host = i % 7 == 3 ? C2 : C1;

		if (i % 5 == 4 && i > 10) {
			const nd_client_failure *was = &d->clients[rnd(i)];
			char buf[ND_COID_TEXT];
			const char *text = nd_analysis_coid(was, buf);

			fx_client(d, d->hosts[i % 11 == 4 ? (was->host + 1) % 2 : was->host], "LAB\\alice", 853, i,
				  text);
		} else if (i % 13 == 6) {
			fx_client(d, host, "LAB\\alice", 853, i, NULL);
		} else {
			make_coid(d, (uint32_t)nd_analysis_host(d, host), collide, i, coid);
			fx_client(d, host, "LAB\\alice", 853, i, coid);
		}
	}
}

/* Sets want[i] to the first failure of f[i]'s attempt, comparing each
 * with every earlier one. Returns nothing. */
static void naive(const nd_client_failure *const *f, size_t n, uint32_t *want)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		want[i] = (uint32_t)i;
		for (j = 0; j < i && nd_analysis_has_coid(f[i]); j++)
			if (nd_analysis_has_coid(f[j]) && f[j]->host == f[i]->host &&
			    nd_analysis_coid_cmp(f[j], f[i]) == 0) {
				want[i] = (uint32_t)j;
				break;
			}
	}
}

/* Returns the slots an unbounded linear probe of the table would look at
 * for f[0..n) (first: their attempts): what the failures cost without the
 * bound. */
static size_t unbounded_probes(const nd_client_failure *const *f, size_t n, const uint32_t *first)
{
	size_t size = nd_correlate_retries_slots(n), probes = 0, i, at;
	char *used = calloc(size, 1);

	for (i = 0; used && i < n; i++) {
		if (!nd_analysis_has_coid(f[i]))
			continue;
		for (at = nd_correlate_retries_hash(f[i]) & (size - 1); used[at]; at = (at + 1) & (size - 1))
			probes++;
		probes++;
		used[at] = first[i] == i;
	}
	free(used);
	return probes;
}

/* One block of N failures, crafted to collide or not: the attempts found
 * equal the naive ones and the sort's; probes stay within the bound; the
 * crafted block is sorted, and would cost quadratic probes unbounded.
 * Returns nothing (checks). */
static void one_block(int collide)
{
	static const char *const hosts[] = {C1, C2, NULL};
	const nd_client_failure *f[N];
	uint32_t want[N], got[N], sorted[N];
	nd_correlate_retries t, s;
	nd_analysis_data d;
	size_t i, retries = 0;

	fx_init(&d, hosts);
	add_failures(&d, collide);
	for (i = 0; i < N; i++)
		f[i] = &d.clients[i];
	naive(f, N, want);
	memset(&t, 0, sizeof(t));
	memset(&s, 0, sizeof(s));
	s.sort_only = 1;
	CHECK(nd_correlate_retries_find(&t, f, N, got) == 0);
	CHECK(nd_correlate_retries_find(&s, f, N, sorted) == 0);
	CHECK(memcmp(got, want, sizeof(want)) == 0);
	CHECK(memcmp(sorted, want, sizeof(want)) == 0);
	for (i = 0; i < N; i++)
		retries += want[i] != i;
	CHECK(retries > N / 8);
	CHECK(t.probes <= ND_CORRELATE_RETRY_PROBES * N + 16);
	CHECK(t.sorts == (size_t)collide);
	if (collide)
		CHECK(unbounded_probes(f, N, want) > 50 * (size_t)N);
	else
		CHECK(unbounded_probes(f, N, want) < 3 * (size_t)N);
	nd_correlate_retries_free(&t);
	nd_correlate_retries_free(&s);
	nd_analysis_data_free(&d);
}

/* nd_correlate on the crafted block: as many attempts as the naive count,
 * each retry of the attempt's client and CoId. Returns nothing (checks). */
static void through_correlate(void)
{
	static const char *const hosts[] = {C1, C2, "NPS01.lab.example", NULL};
	const nd_client_failure *f[N];
	uint32_t want[N];
	nd_correlate_params p = {5, 2, NULL, 0, NULL, 0, 0, NULL, 0};
	nd_analysis_data d;
	nd_correlation c;
	nd_error err;
	size_t i, k, attempts = 0;

	fx_init(&d, hosts);
	add_failures(&d, 1);
	for (i = 0; i < N; i++)
		f[i] = &d.clients[i];
	naive(f, N, want);
	for (i = 0; i < N; i++)
		attempts += want[i] == i;
	CHECK(nd_correlate(&d, &p, &c, &err) == 0);
	CHECK(c.n == attempts && c.nretries == N - attempts);
	for (i = 0; i < c.n; i++)
		for (k = 0; k < c.attempts[i].nretries; k++) {
			const nd_client_failure *a = &d.clients[c.attempts[i].client],
						*r = &d.clients[c.retries[c.attempts[i].retry + k]];

			CHECK(a->host == r->host && nd_analysis_coid_cmp(a, r) == 0 && a->ts < r->ts);
		}
	nd_correlation_free(&c);
	nd_analysis_data_free(&d);
}

int main(void)
{
	one_block(0);
	one_block(1);
	through_correlate();
	return check_report();
}
