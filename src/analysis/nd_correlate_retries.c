#include "nd_correlate_retries.h"

#include <stdlib.h>
#include <string.h>

#include "nd_hash.h"
#include "nd_sort.h"
#include "nd_vec.h"

uint64_t nd_correlate_retries_hash(const nd_client_failure *f)
{
	uint64_t h = (uint64_t)f->host * 0xbf58476d1ce4e5b9ULL, x, y;

	if (f->coid_guid) {
		memcpy(&x, f->coid.guid, sizeof(x));
		memcpy(&y, f->coid.guid + sizeof(x), sizeof(y));
		h ^= x * 0x94d049bb133111ebULL ^ y;
	} else {
		h ^= nd_hash_str(f->coid.text);
	}
	h = (h ^ h >> 31) * 0x94d049bb133111ebULL;
	return h ^ h >> 29;
}

size_t nd_correlate_retries_slots(size_t n)
{
	size_t size;

	for (size = 16; size < 2 * n; size *= 2)
		;
	return size;
}

/* Returns 1 if failures a and b (both with a CoId) are of one attempt:
 * the same client and CoId, else 0. */
static int same_attempt(const nd_client_failure *a, const nd_client_failure *b)
{
	return a->host == b->host && nd_analysis_coid_cmp(a, b) == 0;
}

/* qsort: failures by client, CoId, then index (time). */
static int by_attempt(const void *pa, const void *pb)
{
	const nd_retry_at *a = pa, *b = pb;
	int c;

	if (a->f->host != b->f->host)
		return a->f->host < b->f->host ? -1 : 1;
	if ((c = nd_analysis_coid_cmp(a->f, b->f)) != 0)
		return c;
	return a->at < b->at ? -1 : a->at > b->at;
}

/* Finds the attempts of f[0..n) (as nd_correlate_retries_find) by sorting
 * the failures with a CoId. Returns 0, or -1 when out of memory. */
static int find_sorted(nd_correlate_retries *t, const nd_client_failure *const *f, size_t n, uint32_t *first)
{
	size_t i, k, m = 0;

	if (nd_vec_reserve(&t->sorted, &t->cap_sorted, n, sizeof(*t->sorted)) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		first[i] = (uint32_t)i;
		if (nd_analysis_has_coid(f[i]))
			t->sorted[m++] = (nd_retry_at){f[i], (uint32_t)i};
	}
	nd_sort(t->sorted, m, sizeof(*t->sorted), by_attempt);
	for (i = 0; i < m; i = k)
		for (k = i + 1; k < m && same_attempt(t->sorted[i].f, t->sorted[k].f); k++)
			first[t->sorted[k].at] = t->sorted[i].at;
	return 0;
}

/* Finds the attempts of f[0..n) (as nd_correlate_retries_find) through
 * the hash table, counting the probes. Returns 0, 1 when they pass the
 * bound (first is then partly set), or -1 when out of memory. */
static int find_hashed(nd_correlate_retries *t, const nd_client_failure *const *f, size_t n, uint32_t *first)
{
	size_t size = nd_correlate_retries_slots(n), budget = ND_CORRELATE_RETRY_PROBES * n + 16, probes = 0, i, at;
	int rc = 0;

	if (nd_vec_reserve(&t->slots, &t->cap_slots, size, sizeof(*t->slots)) != 0)
		return -1;
	memset(t->slots, 0, size * sizeof(*t->slots));
	for (i = 0; i < n && rc == 0; i++) {
		first[i] = (uint32_t)i;
		if (!nd_analysis_has_coid(f[i]))
			continue;
		for (at = (size_t)nd_correlate_retries_hash(f[i]) & (size - 1);; at = (at + 1) & (size - 1)) {
			if (probes == budget) {
				rc = 1;
				break;
			}
			probes++;
			if (!t->slots[at]) {
				t->slots[at] = (uint32_t)i + 1;
				break;
			}
			if (same_attempt(f[t->slots[at] - 1], f[i])) {
				first[i] = t->slots[at] - 1;
				break;
			}
		}
	}
	t->probes += probes;
	return rc;
}

int nd_correlate_retries_find(nd_correlate_retries *t, const nd_client_failure *const *f, size_t n, uint32_t *first)
{
	int rc;

	if (n >= UINT32_MAX)
		return -1;
	if (!t->sort_only && (rc = find_hashed(t, f, n, first)) <= 0)
		return rc;
	t->sorts += !t->sort_only;
	return find_sorted(t, f, n, first);
}

void nd_correlate_retries_free(nd_correlate_retries *t)
{
	free(t->slots);
	free(t->sorted);
	memset(t, 0, sizeof(*t));
}
