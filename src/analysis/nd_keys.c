#include "nd_keys.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_intern.h"
#include "nd_sort.h"
#include "nd_vec.h"

char *nd_keys_make(const char *who, int64_t ref, unsigned n, char out[ND_KEY_MAX])
{
	uint64_t h = 14695981039346656037u;
	char tail[48];
	const char *p;

	snprintf(tail, sizeof(tail), "\x1f%" PRId64 "\x1f%u", ref, n);
	for (p = who; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	for (p = tail; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	snprintf(out, ND_KEY_MAX, "%012" PRIx64, (h ^ (h >> 29)) & 0xffffffffffffu);
	return out;
}

/* An event of an old incident. */
typedef struct owner {
	int64_t ref;
	size_t old;
} owner;

/* qsort: owners by ref. */
static int by_ref(const void *pa, const void *pb)
{
	const owner *a = pa, *b = pb;

	return a->ref < b->ref ? -1 : a->ref > b->ref;
}

/* Returns 1 if incident a began before b (then by key), else 0. */
static int older(const nd_key_incident *a, const nd_key_incident *b)
{
	if (a->first_ts != b->first_ts)
		return a->first_ts < b->first_ts;
	return strcmp(a->key, b->key) < 0;
}

/* Returns 1 if incident x holds event ref, else 0. */
static int holds(const nd_key_incident *x, int64_t ref)
{
	return nd_sorted_has_i64(x->refs, x->nrefs, ref);
}

/* Finds the old incidents each new one shares an event with and, for each
 * old one, its heir: the new incident holding its first event, else the
 * one that begins first. Returns 0 with heir[old] set ((size_t)-1: none),
 * or -1 when out of memory. */
static int find_heirs(const nd_key_incident *old, size_t nold, const nd_key_incident *fresh, size_t nfresh,
		      size_t *heir)
{
	owner *v = NULL;
	size_t i, k, n = 0, cap = 0;

	for (i = 0; i < nold; i++) {
		heir[i] = (size_t)-1;
		for (k = 0; k < old[i].nrefs; k++) {
			if (nd_vec_reserve(&v, &cap, n + 1, sizeof(*v)) != 0) {
				free(v);
				return -1;
			}
			v[n++] = (owner){old[i].refs[k], i};
		}
	}
	nd_sort(v, n, sizeof(*v), by_ref);
	for (i = 0; i < nfresh; i++)
		for (k = 0; k < fresh[i].nrefs; k++) {
			size_t lo = 0, hi = n;

			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (v[mid].ref < fresh[i].refs[k])
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < n && v[lo].ref == fresh[i].refs[k]; lo++) {
				size_t o = v[lo].old, h = heir[o];
				int mine = holds(&fresh[i], old[o].first_ref);

				if (h == (size_t)-1 || (mine && !holds(&fresh[h], old[o].first_ref)) ||
				    (mine == holds(&fresh[h], old[o].first_ref) &&
				     fresh[i].first_ts < fresh[h].first_ts))
					heir[o] = i;
			}
		}
	free(v);
	return 0;
}

/* Finds key in r, adding it (not held) when new. Returns its id, or
 * UINT32_MAX when out of memory. */
static uint32_t ring_id(nd_keyring *r, const char *key)
{
	size_t before = r->ids.n;
	uint32_t id;

	r->ids.pool = &r->pool;
	if ((id = nd_intern_add(&r->ids, key)) == UINT32_MAX ||
	    nd_vec_reserve(&r->live, &r->cap, r->ids.n, sizeof(*r->live)) != 0)
		return UINT32_MAX;
	if (r->ids.n > before)
		r->live[id] = 0;
	return id;
}

void nd_keyring_free(nd_keyring *r)
{
	nd_intern_free(&r->ids);
	nd_strpool_free(&r->pool);
	free(r->live);
	memset(r, 0, sizeof(*r));
}

int nd_keyring_fill(nd_keyring *r, const nd_key_incident *v, size_t n, nd_error *err)
{
	size_t i;

	nd_keyring_free(r);
	for (i = 0; i < n; i++) {
		uint32_t id = ring_id(r, v[i].key);

		if (id == UINT32_MAX)
			return nd_error_set(err, "out of memory");
		r->live[id] = 1;
	}
	return 0;
}

int nd_keys_assign_part(nd_keyring *r, const nd_key_incident *old, size_t nold, nd_key_incident *fresh,
			size_t nfresh, nd_error *err)
{
	size_t *heir = malloc((nold + 1) * sizeof(*heir)), *got = malloc((nfresh + 1) * sizeof(*got)), i;
	unsigned char *passed = calloc(nold + 1, 1);
	uint32_t id;
	int rc = -1;

	if (!heir || !got || !passed || find_heirs(old, nold, fresh, nfresh, heir) != 0)
		goto oom;
	for (i = 0; i < nfresh; i++)
		got[i] = (size_t)-1;
	for (i = 0; i < nold; i++)
		if (heir[i] != (size_t)-1 && (got[heir[i]] == (size_t)-1 || older(&old[i], &old[got[heir[i]]])))
			got[heir[i]] = i;
	for (i = 0; i < nfresh; i++)
		if (got[i] != (size_t)-1) {
			memcpy(fresh[i].key, old[got[i]].key, ND_KEY_MAX);
			passed[got[i]] = 1;
		}
	/* New keys: none that an old incident holds or a new one was given. */
	for (i = 0; i < nfresh; i++) {
		unsigned n = 0;

		if (got[i] != (size_t)-1)
			continue;
		do {
			nd_keys_make(fresh[i].who, fresh[i].first_ref, n++, fresh[i].key);
			if ((id = ring_id(r, fresh[i].key)) == UINT32_MAX)
				goto oom;
		} while (r->live[id]);
		r->live[id] = 1;
	}
	for (i = 0; i < nold; i++)
		if (!passed[i]) {
			if ((id = ring_id(r, old[i].key)) == UINT32_MAX)
				goto oom;
			r->live[id] = 0;
		}
	for (i = 0; i < nfresh; i++) /* an old key held twice (a store written by another program) */
		if (got[i] != (size_t)-1) {
			if ((id = ring_id(r, fresh[i].key)) == UINT32_MAX)
				goto oom;
			r->live[id] = 1;
		}
	rc = 0;
	goto out;
oom:
	nd_error_set(err, "out of memory");
out:
	free(heir);
	free(got);
	free(passed);
	return rc;
}

int nd_keys_assign(const nd_key_incident *old, size_t nold, nd_key_incident *fresh, size_t nfresh, nd_error *err)
{
	nd_keyring r;
	int rc;

	memset(&r, 0, sizeof(r));
	rc = nd_keyring_fill(&r, old, nold, err) == 0 ? nd_keys_assign_part(&r, old, nold, fresh, nfresh, err) : -1;
	nd_keyring_free(&r);
	return rc;
}
