#include "nd_keys.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_sort.h"

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
	owner *v;
	size_t i, k, n = 0;

	for (i = 0; i < nold; i++)
		n += old[i].nrefs;
	if (!(v = malloc((n + 1) * sizeof(*v)))) /* sized once: at 1M incidents, 27 MB */
		return -1;
	for (i = 0, n = 0; i < nold; i++) {
		heir[i] = (size_t)-1;
		for (k = 0; k < old[i].nrefs; k++)
			v[n++] = (owner){old[i].refs[k], i};
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

#define HELD ((uint64_t)1 << 63)

/* Returns the value of key when it is a made key (12 lowercase hex
 * digits), else -1. */
static int64_t key_value(const char *key)
{
	int64_t v = 0;
	size_t i;

	for (i = 0; i < 12; i++) {
		char ch = key[i];

		if (ch >= '0' && ch <= '9')
			v = v * 16 + (ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v = v * 16 + (ch - 'a' + 10);
		else
			return -1;
	}
	return key[12] ? -1 : v;
}

/* Returns the slot of value v in the table slots of nslots (a power of
 * two): the one holding it, else the empty one where it goes. */
static uint64_t *slot_of(uint64_t *slots, size_t nslots, uint64_t v)
{
	size_t at = (size_t)((v * 0x9e3779b97f4a7c15ULL) >> 20) & (nslots - 1);

	while (slots[at] && (slots[at] & ~HELD) != v + 1)
		at = (at + 1) & (nslots - 1);
	return &slots[at];
}

/* Finds the made key key in r, adding it (not held) when new. Returns its
 * slot; NULL when key is not a made key (*oom 0: r need not hold it) or
 * when out of memory (*oom 1). */
static uint64_t *ring_slot(nd_keyring *r, const char *key, int *oom)
{
	int64_t v = key_value(key);
	uint64_t *at;
	size_t i;

	*oom = 0;
	if (v < 0)
		return NULL;
	if ((r->n + 1) * 2 > r->nslots) {
		size_t n = r->nslots ? r->nslots * 2 : 1024;
		uint64_t *slots = calloc(n, sizeof(*slots));

		if (!slots) {
			*oom = 1;
			return NULL;
		}
		for (i = 0; i < r->nslots; i++)
			if (r->slots[i])
				*slot_of(slots, n, (r->slots[i] & ~HELD) - 1) = r->slots[i];
		free(r->slots);
		r->slots = slots;
		r->nslots = n;
	}
	at = slot_of(r->slots, r->nslots, (uint64_t)v);
	if (!*at) {
		*at = (uint64_t)v + 1;
		r->n++;
	}
	return at;
}

/* Makes r hold key (held 1) or not (0), when it is a made key. Returns 0,
 * or -1 when out of memory. */
static int ring_hold(nd_keyring *r, const char *key, int held)
{
	int oom;
	uint64_t *at = ring_slot(r, key, &oom);

	if (at)
		*at = held ? *at | HELD : *at & ~HELD;
	return oom ? -1 : 0;
}

void nd_keyring_free(nd_keyring *r)
{
	free(r->slots);
	memset(r, 0, sizeof(*r));
}

int nd_keyring_fill(nd_keyring *r, const nd_key_incident *v, size_t n, nd_error *err)
{
	size_t i;

	nd_keyring_free(r);
	for (i = 0; i < n; i++)
		if (ring_hold(r, v[i].key, 1) != 0)
			return nd_error_set(err, "out of memory");
	return 0;
}

int nd_keys_new(nd_keyring *r, const char *who, int64_t ref, char out[ND_KEY_MAX], nd_error *err)
{
	unsigned n = 0;
	uint64_t *at;
	int oom;

	do {
		nd_keys_make(who, ref, n++, out);
		if (!(at = ring_slot(r, out, &oom)))
			return nd_error_set(err, "out of memory"); /* a made key is one */
	} while (*at & HELD);
	*at |= HELD;
	return 0;
}

int nd_keys_assign_part(nd_keyring *r, const nd_key_incident *old, size_t nold, nd_key_incident *fresh,
			size_t nfresh, nd_error *err)
{
	size_t *heir = malloc((nold + 1) * sizeof(*heir)), *got = malloc((nfresh + 1) * sizeof(*got)), i;
	unsigned char *passed = calloc(nold + 1, 1);
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
	for (i = 0; i < nfresh; i++)
		if (got[i] == (size_t)-1 && nd_keys_new(r, fresh[i].who, fresh[i].first_ref, fresh[i].key, err) != 0)
			goto out;
	for (i = 0; i < nold; i++)
		if (!passed[i] && ring_hold(r, old[i].key, 0) != 0)
			goto oom;
	for (i = 0; i < nfresh; i++) /* an old key held twice (a store written by another program) */
		if (got[i] != (size_t)-1 && ring_hold(r, fresh[i].key, 1) != 0)
			goto oom;
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
