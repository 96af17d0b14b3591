#include "nd_keys.h"

#include <stdlib.h>
#include <string.h>

#include "nd_hash.h"
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

uint64_t nd_keys_value(const char *who, int64_t ref, unsigned n)
{
	uint64_t h = 14695981039346656037u;
	const char *p;

	/* who, then "\x1f<ref>\x1f<n>" (hashed without snprintf: a 1M run makes 1M keys) */
	for (p = who; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	h = hash_number(hash_number(h, ref), (int64_t)n);
	return (h ^ (h >> 29)) & 0xffffffffffffu;
}

char *nd_keys_text(uint64_t v, char out[ND_KEY_MAX])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 11; i >= 0; i--, v >>= 4)
		out[i] = hex[v & 15];
	out[12] = '\0';
	return out;
}

char *nd_keys_make(const char *who, int64_t ref, unsigned n, char out[ND_KEY_MAX])
{
	return nd_keys_text(nd_keys_value(who, ref, n), out);
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

#define HELD ((uint64_t)1 << 63)

/* Without a branch on which kind of digit: a ring reads a million keys,
 * each a coin toss for the branch predictor. */
int64_t nd_keys_value_of(const char *key)
{
	uint64_t v = 0;
	unsigned bad = 0;
	size_t i;

	for (i = 0; i < 12; i++) {
		unsigned ch = (unsigned char)key[i], digit = ch - '0', letter = ch - 'a';

		if (!ch) /* shorter */
			return -1;
		bad |= digit > 9 && letter > 5;
		v = v << 4 | ((digit <= 9 ? digit : letter + 10) & 15);
	}
	return bad || key[12] ? -1 : (int64_t)v;
}

/* Returns where value v is first looked for in a table of nslots (a power
 * of two): keyed (nd_hash_word), for a key's value is a hash of who the
 * incident is about, which an attacker chooses. */
static size_t home_of(uint64_t v, size_t nslots)
{
	return (size_t)nd_hash_word(v) & (nslots - 1);
}

/* Returns the slot of value v in the table slots of nslots (a power of
 * two): the one holding it, else the empty one where it goes. */
static uint64_t *slot_of(uint64_t *slots, size_t nslots, uint64_t v)
{
	size_t at = home_of(v, nslots);

	while (slots[at] && (slots[at] & ~HELD) != v + 1)
		at = (at + 1) & (nslots - 1);
	return &slots[at];
}

/* Makes room in r for want keys (at most half its slots in use), moving
 * the keys it has into a bigger table when needed. Returns 0, or -1 when
 * out of memory (r unchanged). */
static int ring_room(nd_keyring *r, size_t want)
{
	size_t n = r->nslots ? r->nslots : 1024, i;
	uint64_t *slots;

	while (want * 2 > n)
		n *= 2;
	if (n == r->nslots)
		return 0;
	if (!(slots = calloc(n, sizeof(*slots))))
		return -1;
	for (i = 0; i < r->nslots; i++)
		if (r->slots[i])
			*slot_of(slots, n, (r->slots[i] & ~HELD) - 1) = r->slots[i];
	free(r->slots);
	r->slots = slots;
	r->nslots = n;
	return 0;
}

/* Finds the made key of value v in r, adding it (not held) when new.
 * Returns its slot, or NULL when out of memory. */
static uint64_t *value_slot(nd_keyring *r, uint64_t v)
{
	uint64_t *at;

	if (ring_room(r, r->n + 1) != 0)
		return NULL;
	at = slot_of(r->slots, r->nslots, v);
	if (!*at) {
		*at = v + 1;
		r->n++;
	}
	return at;
}

/* Finds the made key key in r, adding it (not held) when new. Returns its
 * slot; NULL when key is not a made key (*oom 0: r need not hold it) or
 * when out of memory (*oom 1). */
static uint64_t *ring_slot(nd_keyring *r, const char *key, int *oom)
{
	int64_t v = nd_keys_value_of(key);
	uint64_t *at = v < 0 ? NULL : value_slot(r, (uint64_t)v);

	*oom = v >= 0 && !at;
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

int nd_keyring_reserve(nd_keyring *r, size_t n, nd_error *err)
{
	return ring_room(r, r->n + n) != 0 ? nd_error_set(err, "out of memory") : 0;
}

void nd_keyring_prefetch(const nd_keyring *r, uint64_t v)
{
#if defined(__GNUC__)
	if (r->nslots)
		__builtin_prefetch(&r->slots[home_of(v, r->nslots)]);
#else
	(void)r;
	(void)v;
#endif
}

int nd_keyring_take(nd_keyring *r, uint64_t v, nd_error *err)
{
	uint64_t *at = value_slot(r, v);

	if (!at)
		return nd_error_set(err, "out of memory");
	if (*at & HELD)
		return 0;
	*at |= HELD;
	return 1;
}

int nd_keyring_fill(nd_keyring *r, const nd_key_incident *v, size_t n, nd_error *err)
{
	size_t i;

	nd_keyring_free(r);
	if (nd_keyring_reserve(r, n, err) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (ring_hold(r, v[i].key, 1) != 0)
			return nd_error_set(err, "out of memory");
	return 0;
}

int nd_keys_new(nd_keyring *r, const char *who, int64_t ref, char out[ND_KEY_MAX], nd_error *err)
{
	unsigned n = 0;
	uint64_t v;
	int rc;

	do
		rc = nd_keyring_take(r, v = nd_keys_value(who, ref, n++), err);
	while (rc == 0);
	if (rc < 0)
		return -1;
	nd_keys_text(v, out);
	return 0;
}

#define NONE ((size_t)-1)

/* nd_keys_fresh's about for nd_keys_held: the incident's own. */
static void held_about(const void *ctx, size_t i, const char **who, int64_t *first_ts, int64_t *first_ref)
{
	const nd_key_incident *x = &((const nd_keys_held *)ctx)->v[i];

	if (who)
		*who = x->who;
	if (first_ts)
		*first_ts = x->first_ts;
	if (first_ref)
		*first_ref = x->first_ref;
}

/* nd_keys_fresh's holding for nd_keys_held: a search of its events. */
static size_t held_holding(const void *ctx, int64_t ref, size_t *at)
{
	const nd_keys_held *h = ctx;
	size_t lo = 0, hi = h->nat;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (h->at[mid].ref < ref)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	while (hi < h->nat && h->at[hi].ref == ref)
		hi++;
	return hi - lo;
}

/* nd_keys_fresh's holder for nd_keys_held. */
static size_t held_holder(const void *ctx, size_t k)
{
	return ((const nd_keys_held *)ctx)->at[k].fresh;
}

/* nd_keys_fresh's key for nd_keys_held: the incident's own. */
static char *held_key(const void *ctx, size_t i)
{
	return ((const nd_keys_held *)ctx)->v[i].key;
}

int nd_keys_held_make(nd_keys_held *h, nd_keys_fresh *f, nd_key_incident *v, size_t n, nd_error *err)
{
	size_t i, k, nat = 0;

	memset(h, 0, sizeof(*h));
	h->v = v;
	*f = (nd_keys_fresh){n, h, held_about, held_holding, held_holder, held_key};
	for (i = 0; i < n; i++)
		nat += v[i].nrefs;
	if (!(h->at = malloc((nat + 1) * sizeof(*h->at))))
		return nd_error_set(err, "out of memory");
	for (i = 0; i < n; i++)
		for (k = 0; k < v[i].nrefs; k++)
			h->at[h->nat++] = (nd_key_at){v[i].refs[k], i};
	nd_sort(h->at, h->nat, sizeof(*h->at), by_ref);
	return 0;
}

void nd_keys_held_free(nd_keys_held *h)
{
	free(h->at);
	h->at = NULL;
	h->nat = 0;
}

int nd_keys_pass_begin(nd_keys_pass *p, nd_keyring *r, const nd_keys_fresh *fresh, nd_error *err)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	p->ring = r;
	p->fresh = fresh;
	p->got = malloc((fresh->n + 1) * sizeof(*p->got));
	p->got_ts = malloc((fresh->n + 1) * sizeof(*p->got_ts));
	if (!p->got || !p->got_ts) {
		nd_keys_pass_free(p);
		return nd_error_set(err, "out of memory");
	}
	for (i = 0; i < fresh->n; i++)
		p->got[i] = NONE;
	return 0;
}

/* Returns 1 if new incident f is one of the n holders of fr from place
 * at on, else 0. */
static int among(const nd_keys_fresh *fr, size_t at, size_t n, size_t f)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (fr->holder(fr->ctx, at + k) == f)
			return 1;
	return 0;
}

int nd_keys_pass_old(nd_keys_pass *p, const nd_key_incident *old, nd_error *err)
{
	const nd_keys_fresh *fr = p->fresh;
	size_t first_at = 0, k, heir = NONE, o = p->nold++, nfirst = fr->holding(fr->ctx, old->first_ref, &first_at);
	int64_t heir_ts = 0;
	int heir_mine = 0;

	if (!p->held_old && ring_hold(p->ring, old->key, 1) != 0)
		return nd_error_set(err, "out of memory");
	/* Its heir: of the new incidents sharing an event with it, the first
	 * (by index) of those holding its first event, else of all, that
	 * begins first. */
	for (k = 0; k < old->nrefs; k++) {
		size_t at = 0, j, n = fr->holding(fr->ctx, old->refs[k], &at);

		for (j = 0; j < n; j++) {
			size_t f = fr->holder(fr->ctx, at + j);
			int mine = among(fr, first_at, nfirst, f);
			int64_t ts;

			fr->about(fr->ctx, f, NULL, &ts, NULL);
			if (heir == NONE || (mine && !heir_mine) ||
			    (mine == heir_mine && (ts < heir_ts || (ts == heir_ts && f < heir)))) {
				heir = f;
				heir_ts = ts;
				heir_mine = mine;
			}
		}
	}
	/* An heir of several old incidents takes the key of the one that began first. */
	if (heir != NONE &&
	    (p->got[heir] == NONE || older(old->first_ts, old->key, p->got_ts[heir], fr->key(fr->ctx, heir)))) {
		p->got[heir] = o;
		p->got_ts[heir] = old->first_ts;
		memcpy(fr->key(fr->ctx, heir), old->key, ND_KEY_MAX);
	}
	return 0;
}

int nd_keys_pass_end(nd_keys_pass *p, nd_error *err)
{
	const nd_keys_fresh *fr = p->fresh;
	size_t i;

	/* New keys: none that an old incident holds or a new one was given. */
	for (i = 0; i < fr->n; i++) {
		const char *who;
		int64_t ts, first_ref;

		if (p->got[i] != NONE)
			continue;
		fr->about(fr->ctx, i, &who, &ts, &first_ref);
		if (nd_keys_new(p->ring, who, first_ref, fr->key(fr->ctx, i), err) != 0)
			return -1;
	}
	return 0;
}

void nd_keys_pass_free(nd_keys_pass *p)
{
	free(p->got);
	free(p->got_ts);
	memset(p, 0, sizeof(*p));
}

int nd_keys_assign_part(nd_keyring *r, const nd_key_incident *old, size_t nold, nd_key_incident *fresh,
			size_t nfresh, nd_error *err)
{
	unsigned char *passed = calloc(nold + 1, 1);
	nd_keys_held h;
	nd_keys_fresh f;
	nd_keys_pass p;
	size_t i;
	int rc = -1;

	if (!passed) {
		nd_error_set(err, "out of memory");
		return -1;
	}
	if (nd_keys_held_make(&h, &f, fresh, nfresh, err) != 0) {
		free(passed);
		return -1;
	}
	if (nd_keys_pass_begin(&p, r, &f, err) != 0) {
		nd_keys_held_free(&h);
		free(passed);
		return -1;
	}
	for (i = 0; i < nold; i++)
		if (nd_keys_pass_old(&p, &old[i], err) != 0)
			goto out;
	nd_keys_held_free(&h); /* room for the new keys in the ring */
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
	nd_keys_held_free(&h);
	free(passed);
	return rc;
}

int nd_keys_assign(const nd_key_incident *old, size_t nold, nd_key_incident *fresh, size_t nfresh, nd_error *err)
{
	nd_keyring r;
	nd_keys_held h;
	nd_keys_fresh f;
	nd_keys_pass p;
	size_t i;
	int rc;

	memset(&r, 0, sizeof(r));
	if (nd_keys_held_make(&h, &f, fresh, nfresh, err) != 0)
		return -1;
	rc = nd_keys_pass_begin(&p, &r, &f, err);
	for (i = 0; rc == 0 && i < nold; i++)
		rc = nd_keys_pass_old(&p, &old[i], err);
	nd_keys_held_free(&h); /* room for the new keys in the ring */
	if (rc == 0)
		rc = nd_keys_pass_end(&p, err);
	nd_keys_pass_free(&p);
	nd_keys_held_free(&h);
	nd_keyring_free(&r);
	return rc;
}
