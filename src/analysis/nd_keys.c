#include "nd_keys.h"

#include <stdlib.h>
#include <string.h>

#include "nd_sort.h"

/* Returns h (FNV-1a) going on with a unit separator and the decimal
 * digits of v (negative: after a '-'). */
static uint64_t hash_number(uint64_t h, int64_t v)
{
	char digits[24];
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0;

	do
		digits[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	h = (h ^ 0x1f) * 1099511628211u;
	if (v < 0)
		h = (h ^ '-') * 1099511628211u;
	while (n)
		h = (h ^ (unsigned char)digits[--n]) * 1099511628211u;
	return h;
}

char *nd_keys_make(const char *who, int64_t ref, unsigned n, char out[ND_KEY_MAX])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t h = 14695981039346656037u, v;
	const char *p;
	int i;

	/* who, then "\x1f<ref>\x1f<n>" (hashed without snprintf: a 1M run makes 1M keys) */
	for (p = who; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	h = hash_number(hash_number(h, ref), (int64_t)n);
	v = (h ^ (h >> 29)) & 0xffffffffffffu;
	for (i = 11; i >= 0; i--, v >>= 4)
		out[i] = hex[v & 15];
	out[12] = '\0';
	return out;
}

/* qsort: the events of the new incidents by ref, then incident. */
static int by_ref(const void *pa, const void *pb)
{
	const nd_key_at *a = pa, *b = pb;

	if (a->ref != b->ref)
		return a->ref < b->ref ? -1 : 1;
	return a->fresh < b->fresh ? -1 : a->fresh > b->fresh;
}

/* Returns 1 if the old incident that began at a_ts with key a_key began
 * before the one of b_ts and b_key (then by key), else 0. */
static int older(int64_t a_ts, const char *a_key, int64_t b_ts, const char *b_key)
{
	if (a_ts != b_ts)
		return a_ts < b_ts;
	return strcmp(a_key, b_key) < 0;
}

/* Returns 1 if incident x holds event ref, else 0. */
static int holds(const nd_key_incident *x, int64_t ref)
{
	return nd_sorted_has_i64(x->refs, x->nrefs, ref);
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

#define NONE ((size_t)-1)

int nd_keys_pass_begin(nd_keys_pass *p, nd_keyring *r, nd_key_incident *fresh, size_t nfresh, nd_error *err)
{
	size_t i, k, n = 0;

	memset(p, 0, sizeof(*p));
	p->ring = r;
	p->fresh = fresh;
	p->nfresh = nfresh;
	for (i = 0; i < nfresh; i++)
		n += fresh[i].nrefs;
	p->at = malloc((n + 1) * sizeof(*p->at));
	p->got = malloc((nfresh + 1) * sizeof(*p->got));
	p->got_ts = malloc((nfresh + 1) * sizeof(*p->got_ts));
	if (!p->at || !p->got || !p->got_ts) {
		nd_keys_pass_free(p);
		return nd_error_set(err, "out of memory");
	}
	for (i = 0; i < nfresh; i++) {
		p->got[i] = NONE;
		for (k = 0; k < fresh[i].nrefs; k++)
			p->at[p->nat++] = (nd_key_at){fresh[i].refs[k], i};
	}
	nd_sort(p->at, p->nat, sizeof(*p->at), by_ref);
	return 0;
}

int nd_keys_pass_old(nd_keys_pass *p, const nd_key_incident *old, nd_error *err)
{
	size_t k, heir = NONE, o = p->nold++;
	int heir_mine = 0;

	if (ring_hold(p->ring, old->key, 1) != 0)
		return nd_error_set(err, "out of memory");
	/* Its heir: of the new incidents sharing an event with it, the first
	 * (by index) of those holding its first event, else of all, that
	 * begins first. */
	for (k = 0; k < old->nrefs; k++) {
		size_t lo = 0, hi = p->nat;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (p->at[mid].ref < old->refs[k])
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < p->nat && p->at[lo].ref == old->refs[k]; lo++) {
			size_t f = p->at[lo].fresh;
			int mine = holds(&p->fresh[f], old->first_ref);
			int64_t ts = p->fresh[f].first_ts;

			if (heir == NONE || (mine && !heir_mine) ||
			    (mine == heir_mine &&
			     (ts < p->fresh[heir].first_ts || (ts == p->fresh[heir].first_ts && f < heir)))) {
				heir = f;
				heir_mine = mine;
			}
		}
	}
	/* An heir of several old incidents takes the key of the one that began first. */
	if (heir != NONE &&
	    (p->got[heir] == NONE || older(old->first_ts, old->key, p->got_ts[heir], p->fresh[heir].key))) {
		p->got[heir] = o;
		p->got_ts[heir] = old->first_ts;
		memcpy(p->fresh[heir].key, old->key, ND_KEY_MAX);
	}
	return 0;
}

int nd_keys_pass_end(nd_keys_pass *p, nd_error *err)
{
	size_t i;

	free(p->at); /* not needed any more: room for the new keys in the ring */
	p->at = NULL;
	p->nat = 0;
	/* New keys: none that an old incident holds or a new one was given. */
	for (i = 0; i < p->nfresh; i++)
		if (p->got[i] == NONE &&
		    nd_keys_new(p->ring, p->fresh[i].who, p->fresh[i].first_ref, p->fresh[i].key, err) != 0)
			return -1;
	return 0;
}

void nd_keys_pass_free(nd_keys_pass *p)
{
	free(p->at);
	free(p->got);
	free(p->got_ts);
	memset(p, 0, sizeof(*p));
}

int nd_keys_assign_part(nd_keyring *r, const nd_key_incident *old, size_t nold, nd_key_incident *fresh,
			size_t nfresh, nd_error *err)
{
	unsigned char *passed = calloc(nold + 1, 1);
	nd_keys_pass p;
	size_t i;
	int rc = -1;

	if (!passed) {
		nd_error_set(err, "out of memory");
		return -1;
	}
	if (nd_keys_pass_begin(&p, r, fresh, nfresh, err) != 0) {
		free(passed);
		return -1;
	}
	for (i = 0; i < nold; i++)
		if (nd_keys_pass_old(&p, &old[i], err) != 0)
			goto out;
	if (nd_keys_pass_end(&p, err) != 0)
		goto out;
	for (i = 0; i < nfresh; i++)
		if (p.got[i] != NONE)
			passed[p.got[i]] = 1;
	for (i = 0; i < nold; i++)
		if (!passed[i] && ring_hold(r, old[i].key, 0) != 0)
			goto oom;
	for (i = 0; i < nfresh; i++) /* an old key held twice (a store written by another program) */
		if (p.got[i] != NONE && ring_hold(r, fresh[i].key, 1) != 0)
			goto oom;
	rc = 0;
	goto out;
oom:
	nd_error_set(err, "out of memory");
out:
	nd_keys_pass_free(&p);
	free(passed);
	return rc;
}

int nd_keys_assign(const nd_key_incident *old, size_t nold, nd_key_incident *fresh, size_t nfresh, nd_error *err)
{
	nd_keyring r;
	nd_keys_pass p;
	size_t i;
	int rc;

	memset(&r, 0, sizeof(r));
	rc = nd_keys_pass_begin(&p, &r, fresh, nfresh, err);
	for (i = 0; rc == 0 && i < nold; i++)
		rc = nd_keys_pass_old(&p, &old[i], err);
	if (rc == 0)
		rc = nd_keys_pass_end(&p, err);
	nd_keys_pass_free(&p);
	nd_keyring_free(&r);
	return rc;
}
