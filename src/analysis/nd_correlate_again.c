/* nd_correlate_again: the correlation of data that grew, from the one
 * made before (nd_correlate.h). Pairing never crosses identities, so the
 * identities the new events belong to are correlated again on a part of
 * the data that holds only their events; the clock offset of a host pair
 * is the one thing identities share, so the candidates of the others are
 * counted in its estimate, and when it moves, the identities of that pair
 * join the part. Everything else is carried over and merged in order. */
#include "nd_correlate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nd_sort.h"
#include "nd_time.h"
#include "nd_vec.h"

#define KINDS 4 /* clients, decisions, connects, unlocks */

/* The keys (strings of the previous correlation's ids) of the identities
 * correlated again, by address. */
typedef struct keyset {
	const char **v;
	size_t n, cap;
} keyset;

/* One of the event arrays of the data that correlating reads: its
 * elements each begin with their ref. */
typedef struct array {
	const char *v;
	size_t n, size;
} array;

/* A part of the data: copies of some of its events (the hosts and hints
 * are the data's), and where each copy is in the data. */
typedef struct part {
	nd_analysis_data d;
	size_t *at[KINDS];
} part;

/* The state of one run. */
typedef struct again {
	const nd_analysis_data *d;
	const nd_correlate_params *p;
	nd_correlation *prev;
	nd_error *err;
	array a[KINDS];
	size_t *now[KINDS]; /* where each event of prev is in the data now */
	keyset keys;
	nd_cand *others; /* prev's candidates of the identities not in keys */
	size_t nothers;
} again;

/* qsort: pointers by address. */
static int ptr_order(const void *pa, const void *pb)
{
	uintptr_t a = (uintptr_t) * (const char *const *)pa, b = (uintptr_t) * (const char *const *)pb;

	return a < b ? -1 : a > b;
}

/* Returns 1 if key is one of s (sorted), else 0. */
static int in_keys(const keyset *s, const char *key)
{
	return nd_sorted_has_ptr((const void *const *)s->v, s->n, key);
}

/* Adds key to s (unsorted until sort_keys). Returns 0, or -1 when out of
 * memory. */
static int add_key(keyset *s, const char *key)
{
	if (nd_vec_reserve(&s->v, &s->cap, s->n + 1, sizeof(*s->v)) != 0)
		return -1;
	s->v[s->n++] = key;
	return 0;
}

/* Sorts s and drops repeated keys. Returns nothing. */
static void sort_keys(keyset *s)
{
	size_t i, out = 0;

	nd_sort(s->v, s->n, sizeof(*s->v), ptr_order);
	for (i = 0; i < s->n; i++)
		if (!out || s->v[out - 1] != s->v[i])
			s->v[out++] = s->v[i];
	s->n = out;
}

/* Returns the ref of element i of a. */
static int64_t ref_of(const array *a, size_t i)
{
	int64_t ref;

	memcpy(&ref, a->v + i * a->size, sizeof(ref));
	return ref;
}

/* Finds key among the previous correlation's ids (in byte order). Returns
 * its string there, or NULL when it is new. */
static const char *prev_key(const nd_correlation *prev, const char *key)
{
	size_t lo = 0, hi = prev->nids;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(prev->ids[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < prev->nids && strcmp(prev->ids[lo], key) == 0 ? prev->ids[lo] : NULL;
}

/* Returns the previous key of event j (in prev's order) of kind k. */
static const char *key_then(const nd_correlation *prev, int k, size_t j)
{
	return k == 0 ? prev->client_key[j] : k == 1 ? prev->decision_key[j] : k == 2 ? prev->connect_key[j]
										  : prev->unlock_key[j];
}

/* Returns 1 if ref is one of the client failures whose server the last
 * load changed (d->redialled), else 0. */
static int redialled(const nd_analysis_data *d, int64_t ref)
{
	return nd_sorted_has_i64(d->redialled, d->nredialled, ref);
}

/* Sets where each event of prev is in the data now (the events above
 * prev->top are new; the others kept their order), and adds to the keys
 * those of the redialled client failures. Returns 0, 1 when the data does
 * not hold prev's events, or -1 with err set. */
static int place(again *g)
{
	int k;

	for (k = 0; k < KINDS; k++) {
		size_t i, j = 0;

		if (!(g->now[k] = malloc((g->prev->made[k] + 1) * sizeof(*g->now[k]))))
			return nd_error_set(g->err, "out of memory");
		for (i = 0; i < g->a[k].n; i++)
			if (ref_of(&g->a[k], i) <= g->prev->top) {
				if (j == g->prev->made[k])
					return 1;
				if (k == 0 && g->d->nredialled && redialled(g->d, ref_of(&g->a[k], i)) &&
				    add_key(&g->keys, g->prev->client_key[j]) != 0)
					return nd_error_set(g->err, "out of memory");
				g->now[k][j++] = i;
			}
		if (j != g->prev->made[k])
			return 1;
	}
	return 0;
}

/* Frees the arrays of part t. Returns nothing. */
static void part_free(part *t)
{
	int k;

	free(t->d.clients);
	free(t->d.decisions);
	free(t->d.connects);
	free(t->d.unlocks);
	for (k = 0; k < KINDS; k++)
		free(t->at[k]);
	memset(t, 0, sizeof(*t));
}

/* Makes part t of the data: the new events, and, with keys, the old ones
 * of those identities. Returns 0, or -1 with err set. */
static int make_part(again *g, const keyset *keys, part *t)
{
	void *v[KINDS] = {NULL};
	size_t n[KINDS] = {0}, cap[KINDS] = {0}, cap_at[KINDS] = {0};
	int k;

	memset(t, 0, sizeof(*t));
	/* The arrays grow with the part (most often a few events), not sized
	 * for every event: that was a large block mapped and unmapped a round. */
	for (k = 0; k < KINDS; k++) {
		size_t i, j = 0;

		for (i = 0; i < g->a[k].n; i++) {
			int old = ref_of(&g->a[k], i) <= g->prev->top;

			if (!old || (keys && in_keys(keys, key_then(g->prev, k, j)))) {
				if (nd_vec_reserve(&v[k], &cap[k], n[k] + 1, g->a[k].size) != 0 ||
				    nd_vec_reserve(&t->at[k], &cap_at[k], n[k] + 1, sizeof(*t->at[k])) != 0)
					break;
				memcpy((char *)v[k] + n[k] * g->a[k].size, g->a[k].v + i * g->a[k].size, g->a[k].size);
				t->at[k][n[k]++] = i;
			}
			j += (size_t)old;
		}
		if (i < g->a[k].n)
			break;
	}
	t->d.clients = v[0]; /* part_free frees them all, even when one is missing */
	t->d.nclients = n[0];
	t->d.decisions = v[1];
	t->d.ndecisions = n[1];
	t->d.connects = v[2];
	t->d.nconnects = n[2];
	t->d.unlocks = v[3];
	t->d.nunlocks = n[3];
	t->d.hosts = g->d->hosts;
	t->d.nhosts = g->d->nhosts;
	t->d.host_slots = g->d->host_slots;
	t->d.strings.v = g->d->strings.v; /* the decisions' strings (read only) */
	t->d.strings.n = g->d->strings.n;
	t->d.hints = g->d->hints;
	t->d.nhints = g->d->nhints;
	if (k < KINDS) {
		part_free(t);
		return nd_error_set(g->err, "out of memory");
	}
	return 0;
}

/* Adds to the keys those of the events of the part's correlation c that
 * prev knows (new identities have no old events). Returns 0, or -1 with
 * err set. */
static int keys_of(again *g, const part *t, const nd_correlation *c)
{
	const char *const *v[KINDS] = {c->client_key, c->decision_key, c->connect_key, c->unlock_key};
	size_t n[KINDS] = {t->d.nclients, t->d.ndecisions, t->d.nconnects, t->d.nunlocks}, i;
	int k;

	for (k = 0; k < KINDS; k++)
		for (i = 0; i < n[k]; i++) {
			const char *key = prev_key(g->prev, v[k][i]);

			if (key && (!i || v[k][i] != v[k][i - 1]) && add_key(&g->keys, key) != 0)
				return nd_error_set(g->err, "out of memory");
		}
	sort_keys(&g->keys);
	return 0;
}

/* Sets g->others: prev's candidates of the identities not in g->keys.
 * Returns 0, or -1 with err set. */
static int make_others(again *g)
{
	size_t i;

	free(g->others);
	g->nothers = 0;
	if (!(g->others = malloc((g->prev->ncands + 1) * sizeof(*g->others))))
		return nd_error_set(g->err, "out of memory");
	for (i = 0; i < g->prev->ncands; i++)
		if (!in_keys(&g->keys, g->prev->cands[i].key))
			g->others[g->nothers++] = g->prev->cands[i];
	return 0;
}

/* Returns the offset of host pair (c, n) in v[0..nv) (by pair), or NULL. */
static const nd_pair_offset *offset_of(const nd_pair_offset *v, size_t nv, size_t c, size_t n)
{
	size_t lo = 0, hi = nv;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].client < c || (v[mid].client == c && v[mid].nps < n))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nv && v[lo].client == c && v[lo].nps == n ? &v[lo] : NULL;
}

/* Finds the host pairs whose offset the part's correlation c moves: a pair
 * that has candidates of identities outside the part, and either
 * candidates of the part or had some of the part's identities, whose
 * offset estimated now differs from prev's. Adds the identities of those
 * pairs to the keys. Returns 1 when it added any, 0 when no offset moved,
 * -1 with err set. */
static int moved(again *g, const nd_correlation *c)
{
	int64_t window = (int64_t)(g->p->window_s * ND_TICKS_PER_SECOND);
	int64_t skew = (int64_t)(g->p->skew_s * ND_TICKS_PER_SECOND);
	int64_t wide = (int64_t)((g->p->skew_s > ND_CORRELATE_WIDE_S ? g->p->skew_s : ND_CORRELATE_WIDE_S) *
				 ND_TICKS_PER_SECOND);
	const nd_cand *v = g->prev->cands;
	int64_t *delta = malloc((g->prev->ncands + 1) * sizeof(*delta));
	keyset more = {0};
	size_t s, e, i, n = g->prev->ncands;
	int rc = -1;

	if (!delta)
		return nd_error_set(g->err, "out of memory");
	for (s = 0; s < n; s = e) {
		const nd_pair_offset *was = offset_of(g->prev->offsets, g->prev->noffsets, v[s].chost, v[s].nhost);
		const nd_pair_offset *est = offset_of(c->offsets, c->noffsets, v[s].chost, v[s].nhost);
		size_t k = 0;
		int touched = est != NULL;

		for (e = s; e < n && v[e].chost == v[s].chost && v[e].nhost == v[s].nhost; e++) {
			if (in_keys(&g->keys, v[e].key))
				touched = 1;
			else
				delta[k++] = v[e].delta;
		}
		if (!k || !touched ||
		    (was && was->offset == (est ? est->offset : nd_correlate_offset(delta, k, window, skew, wide))))
			continue;
		for (i = s; i < e; i++)
			if (!in_keys(&g->keys, v[i].key) && add_key(&more, v[i].key) != 0)
				goto oom;
	}
	for (i = 0; i < more.n; i++)
		if (add_key(&g->keys, more.v[i]) != 0)
			goto oom;
	sort_keys(&g->keys);
	rc = more.n > 0;
	goto out;
oom:
	nd_error_set(g->err, "out of memory");
out:
	free(more.v);
	free(delta);
	return rc;
}

/* qsort-style: candidates by host pair, then delta. */
static int cand_cmp(const void *pa, const void *pb)
{
	const nd_cand *a = pa, *b = pb;

	if (a->chost != b->chost)
		return a->chost < b->chost ? -1 : 1;
	if (a->nhost != b->nhost)
		return a->nhost < b->nhost ? -1 : 1;
	return a->delta < b->delta ? -1 : a->delta > b->delta;
}

/* qsort-style: host pair offsets by client, then NPS host. */
static int offset_cmp(const void *pa, const void *pb)
{
	const nd_pair_offset *a = pa, *b = pb;

	if (a->client != b->client)
		return a->client < b->client ? -1 : 1;
	return a->nps < b->nps ? -1 : a->nps > b->nps;
}

/* Merges the ordered a[0..na) and b[0..nb) (elements of size bytes; an
 * empty one may be NULL) into *out (allocated), a first on ties. Returns 0,
 * or -1 when out of memory. */
static int merge(void **out, const void *a, size_t na, const void *b, size_t nb, size_t size,
		 int (*cmp)(const void *, const void *))
{
	const char *x = a, *y = b, *xe, *ye;
	char *o = malloc((na + nb + 1) * size);

	if (!(*out = o))
		return -1;
	/* no arithmetic on a NULL array, even + 0 */
	xe = na ? x + na * size : x;
	ye = nb ? y + nb * size : y;
	while (x < xe && y < ye) {
		const char **from = cmp(y, x) < 0 ? &y : &x;

		memcpy(o, *from, size);
		*from += size;
		o += size;
	}
	if (x < xe)
		memcpy(o, x, (size_t)(xe - x));
	if (y < ye)
		memcpy(o, y, (size_t)(ye - y));
	return 0;
}

/* The identities of the merged correlation: prev's and the part's, in
 * byte order, each prev's string or a copy of the part's in prev's pool. */
typedef struct idmap {
	const char **ids;
	size_t n;
	uint32_t *was; /* prev id -> id */
	uint32_t *part; /* part id -> id */
} idmap;

/* Merges the ids of prev and the part's correlation c into m. Returns 0,
 * or -1 with err set. */
static int merge_ids(again *g, const nd_correlation *c, idmap *m)
{
	const nd_correlation *prev = g->prev;
	size_t i = 0, j = 0;

	m->ids = malloc((prev->nids + c->nids + 1) * sizeof(*m->ids));
	m->was = malloc((prev->nids + 1) * sizeof(*m->was));
	m->part = malloc((c->nids + 1) * sizeof(*m->part));
	if (!m->ids || !m->was || !m->part)
		return nd_error_set(g->err, "out of memory");
	while (i < prev->nids || j < c->nids) {
		int k = i == prev->nids ? 1 : j == c->nids ? -1 : strcmp(prev->ids[i], c->ids[j]);

		if (k <= 0) {
			m->was[i] = (uint32_t)m->n;
			m->ids[m->n] = prev->ids[i++];
		} else if (!(m->ids[m->n] = nd_strpool_add(&g->prev->keys, c->ids[j]))) {
			return nd_error_set(g->err, "out of memory");
		}
		if (k >= 0)
			m->part[j++] = (uint32_t)m->n;
		m->n++;
	}
	return 0;
}

/* Returns the merged id of a key string of the part's correlation c. */
static uint32_t part_id(const nd_correlation *c, const idmap *m, const char *key)
{
	size_t lo = 0, hi = c->nids;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(c->ids[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return m->part[lo];
}

/* Appends the retries of attempt a (as indices in the data: map, or the
 * indices themselves when NULL, of the clients of from) to out's and
 * points a at them. Returns 0, or -1 when out of memory. */
static int move_retries(nd_correlation *out, nd_attempt *a, const size_t *from, const size_t *map)
{
	size_t k, first = out->nretries;

	if (nd_vec_reserve(&out->retries, &out->cap_retries, out->nretries + a->nretries, sizeof(*out->retries)) != 0)
		return -1;
	for (k = 0; k < a->nretries; k++)
		out->retries[out->nretries++] = map[from[a->retry + k]];
	a->retry = a->nretries ? (uint32_t)first : 0; /* the clients are fewer than 4G (nd_correlate) */
	return 0;
}

/* Merges the attempts: prev's of the identities not correlated again
 * (their events where they are now) with the part's c (t: where its
 * events are), in one pass over prev's. Returns 0, or -1 with err set. */
static int merge_attempts(again *g, const nd_correlation *c, const part *t, const idmap *m, nd_correlation *out)
{
	const nd_correlation *prev = g->prev;
	nd_attempt *b = malloc((c->n + 1) * sizeof(*b)), x = {0};
	size_t i = 0, k = 0;
	int rc = -1, have = 0;

	out->attempts = malloc((prev->n + c->n + 1) * sizeof(*out->attempts));
	out->was = malloc((prev->n + c->n + 1) * sizeof(*out->was));
	if (!b || !out->attempts || !out->was)
		goto out;
	for (k = 0; k < c->n; k++) {
		b[k] = c->attempts[k];
		b[k].id = m->part[b[k].id];
		b[k].client = b[k].client == ND_ATTEMPT_NONE ? ND_ATTEMPT_NONE : (uint32_t)t->at[0][b[k].client];
		b[k].nps = b[k].nps == ND_ATTEMPT_NONE ? ND_ATTEMPT_NONE : (uint32_t)t->at[1][b[k].nps];
		if (move_retries(out, &b[k], c->retries, t->at[0]) != 0)
			goto out;
	}
	for (k = 0;; out->n++) { /* merged in order; was: where prev had it */
		for (; !have && i < prev->n; i++)
			if (!in_keys(&g->keys, prev->ids[prev->attempts[i].id])) {
				x = prev->attempts[i];
				x.id = m->was[x.id];
				x.client = x.client == ND_ATTEMPT_NONE ? ND_ATTEMPT_NONE : (uint32_t)g->now[0][x.client];
				x.nps = x.nps == ND_ATTEMPT_NONE ? ND_ATTEMPT_NONE : (uint32_t)g->now[1][x.nps];
				have = 1;
				break;
			}
		if (have && (k == c->n || nd_correlate_attempt_order(&b[k], &x) >= 0)) {
			if (move_retries(out, &x, prev->retries, g->now[0]) != 0)
				goto out;
			out->was[out->n] = i++;
			out->attempts[out->n] = x;
			have = 0;
		} else if (k < c->n) {
			out->was[out->n] = ND_NONE;
			out->attempts[out->n] = b[k++];
		} else {
			break;
		}
	}
	out->cap = prev->n + c->n;
	rc = 0;
out:
	free(b);
	return rc ? nd_error_set(g->err, "out of memory") : 0;
}

/* Merges resolutions: prev's v[0..n) of the identities not correlated
 * again with the part's w[0..nw), in cmp order, into *out (*nout).
 * Returns 0, or -1 with err set. */
static int merge_res(again *g, const idmap *m, const nd_resolution *v, size_t n, const nd_resolution *w, size_t nw,
		     int (*cmp)(const void *, const void *), nd_resolution **out, size_t *nout)
{
	nd_resolution *a = malloc((n + 1) * sizeof(*a)), *b = malloc((nw + 1) * sizeof(*b));
	size_t i, na = 0;
	int rc = -1;

	if (a && b) {
		for (i = 0; i < n; i++)
			if (!in_keys(&g->keys, v[i].key)) {
				a[na] = v[i];
				a[na++].id = m->was[v[i].id];
			}
		for (i = 0; i < nw; i++) {
			b[i] = w[i];
			b[i].id = m->part[w[i].id];
			b[i].key = m->ids[b[i].id];
		}
		rc = merge((void **)out, a, na, b, nw, sizeof(*a), cmp);
		*nout = na + nw;
	}
	free(a);
	free(b);
	return rc ? nd_error_set(g->err, "out of memory") : 0;
}

/* Merges the candidates and the host pair offsets: prev's of the
 * identities not correlated again, with the part's c; a pair keeps prev's
 * offset unless the part estimated it (moved found it unchanged where
 * other identities have candidates), and is dropped when no candidate is
 * left on it. Returns 0, or -1 with err set. */
static int merge_cands(again *g, const nd_correlation *c, const idmap *m, nd_correlation *out)
{
	const nd_correlation *prev = g->prev;
	nd_cand *a = malloc((prev->ncands + 1) * sizeof(*a)), *b = malloc((c->ncands + 1) * sizeof(*b));
	nd_pair_offset *kept = malloc((prev->noffsets + 1) * sizeof(*kept));
	size_t i, na = 0, nk = 0, o = 0;
	int rc = -1;

	if (!a || !b || !kept)
		goto out;
	for (i = 0; i < prev->ncands; i++)
		if (!in_keys(&g->keys, prev->cands[i].key))
			a[na++] = prev->cands[i];
	for (i = 0; i < c->ncands; i++) {
		b[i] = c->cands[i];
		b[i].key = m->ids[part_id(c, m, b[i].key)];
	}
	/* The pairs left with prev's candidates keep prev's offset. */
	for (i = 0; i < na; i++)
		if (!i || a[i].chost != a[i - 1].chost || a[i].nhost != a[i - 1].nhost) {
			while (prev->offsets[o].client != a[i].chost || prev->offsets[o].nps != a[i].nhost)
				o++;
			if (!offset_of(c->offsets, c->noffsets, a[i].chost, a[i].nhost))
				kept[nk++] = prev->offsets[o];
		}
	if (merge((void **)&out->cands, a, na, b, c->ncands, sizeof(*a), cand_cmp) != 0)
		goto out;
	out->ncands = na + c->ncands;
	if (merge((void **)&out->offsets, kept, nk, c->offsets, c->noffsets, sizeof(*kept), offset_cmp) != 0)
		goto out;
	out->noffsets = nk + c->noffsets;
	rc = 0;
out:
	free(a);
	free(b);
	free(kept);
	return rc ? nd_error_set(g->err, "out of memory") : 0;
}

/* Sets the keys of the events of the data in out: prev's where its events
 * are now, the part's c (t: where its events are) for the others. Returns
 * 0, or -1 with err set. */
static int merge_event_keys(again *g, const nd_correlation *c, const part *t, const idmap *m, nd_correlation *out)
{
	const char **v[KINDS] = {NULL};
	const char *const *was[KINDS] = {g->prev->client_key, g->prev->decision_key, g->prev->connect_key,
					 g->prev->unlock_key};
	const char *const *fresh[KINDS] = {c->client_key, c->decision_key, c->connect_key, c->unlock_key};
	size_t npart[KINDS] = {t->d.nclients, t->d.ndecisions, t->d.nconnects, t->d.nunlocks}, i;
	int k, rc = 0;

	for (k = 0; k < KINDS; k++) {
		if (!(v[k] = malloc((g->a[k].n + 1) * sizeof(*v[k])))) {
			rc = nd_error_set(g->err, "out of memory");
			continue;
		}
		for (i = 0; i < g->prev->made[k]; i++)
			v[k][g->now[k][i]] = was[k][i];
		for (i = 0; i < npart[k]; i++)
			v[k][t->at[k][i]] = m->ids[part_id(c, m, fresh[k][i])];
		for (i = 0; i < g->a[k].n; i++)
			out->top = ref_of(&g->a[k], i) > out->top ? ref_of(&g->a[k], i) : out->top;
		out->made[k] = g->a[k].n;
	}
	out->client_key = v[0];
	out->decision_key = v[1];
	out->connect_key = v[2];
	out->unlock_key = v[3];
	return rc;
}

/* Correlates the part of the data that the new events and g->keys make,
 * growing the keys until no host pair offset moves. Returns 0 with *c and
 * *t filled, 1 when the domains learned changed, or -1 with err set. */
static int correlate_part(again *g, part *t, nd_correlation *c)
{
	nd_correlate_params p = *g->p;
	int rc;

	p.keep = 1;
	if (make_part(g, NULL, t) != 0)
		return -1;
	p.others = NULL;
	p.nothers = 0;
	if (nd_correlate(&t->d, &p, c, g->err) != 0) {
		part_free(t);
		return -1;
	}
	rc = c->domains != g->prev->domains ? 1 : keys_of(g, t, c);
	nd_correlation_free(c);
	part_free(t);
	while (rc == 0) {
		if (make_others(g) != 0 || make_part(g, &g->keys, t) != 0)
			return -1;
		p.others = g->others;
		p.nothers = g->nothers;
		if (nd_correlate(&t->d, &p, c, g->err) != 0) {
			part_free(t);
			return -1;
		}
		if ((rc = moved(g, c)) == 0)
			return 0;
		nd_correlation_free(c);
		part_free(t);
		rc = rc == 1 ? 0 : -1;
	}
	return rc;
}

int nd_correlate_again(const nd_analysis_data *d, const nd_correlate_params *p, nd_correlation *prev,
		       nd_correlation *out, nd_error *err)
{
	again g = {d, p, prev, err, {{(const char *)d->clients, d->nclients, sizeof(*d->clients)},
				     {(const char *)d->decisions, d->ndecisions, sizeof(*d->decisions)},
				     {(const char *)d->connects, d->nconnects, sizeof(*d->connects)},
				     {(const char *)d->unlocks, d->nunlocks, sizeof(*d->unlocks)}},
		   {NULL}, {NULL, 0, 0}, NULL, 0};
	nd_correlation c;
	part t;
	idmap m = {0};
	int k, rc;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	memset(&t, 0, sizeof(t));
	if (!prev->client_key || prev->window_s != p->window_s || prev->skew_s != p->skew_s)
		rc = 1;
	else if (d->nclients >= ND_ATTEMPT_NONE || d->ndecisions >= ND_ATTEMPT_NONE) /* attempts index them in 32 bits */
		rc = nd_error_set(err, "too many client failures or NPS decisions to diagnose (they count in 32 bits)");
	else if ((rc = place(&g)) == 0 && (rc = correlate_part(&g, &t, &c)) == 0) {
		out->window_s = p->window_s;
		out->skew_s = p->skew_s;
		out->domains = prev->domains;
		rc = merge_ids(&g, &c, &m) || merge_attempts(&g, &c, &t, &m, out) ||
				     merge_res(&g, &m, prev->resolutions, prev->nres, c.resolutions, c.nres,
					       nd_correlate_res_time_order, &out->resolutions, &out->nres) ||
				     merge_res(&g, &m, prev->unlocks, prev->nunlocks, c.unlocks, c.nunlocks, nd_correlate_res_key_order,
					       &out->unlocks, &out->nunlocks) ||
				     merge_res(&g, &m, prev->locks, prev->nlocks, c.locks, c.nlocks, nd_correlate_res_key_order,
					       &out->locks, &out->nlocks) ||
				     merge_cands(&g, &c, &m, out) || merge_event_keys(&g, &c, &t, &m, out)
			     ? -1
			     : 0;
		out->cap_res = out->nres;
		out->cap_unlocks = out->nunlocks;
		out->cap_locks = out->nlocks;
	}
	if (rc == 0) {
		out->ids = m.ids;
		out->nids = m.n;
		m.ids = NULL;
		out->keys = prev->keys; /* the merged ids' strings */
		prev->keys.head = NULL;
		out->again = g.keys.v; /* prev's strings: the merged ids' */
		out->nagain = g.keys.n;
		g.keys.v = NULL;
		nd_correlation_free(prev);
	} else {
		nd_correlation_free(out);
	}
	nd_correlation_free(&c);
	part_free(&t);
	free(m.ids);
	free(m.was);
	free(m.part);
	for (k = 0; k < KINDS; k++)
		free(g.now[k]);
	free(g.keys.v);
	free(g.others);
	return rc;
}

void nd_correlation_move_hosts(nd_correlation *c, const size_t *map, size_t n)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->attempts[i].lineup_host < n)
			c->attempts[i].lineup_host = (uint32_t)map[c->attempts[i].lineup_host];
	for (i = 0; i < c->noffsets; i++) {
		c->offsets[i].client = map[c->offsets[i].client];
		c->offsets[i].nps = map[c->offsets[i].nps];
	}
	for (i = 0; i < c->ncands; i++) {
		c->cands[i].chost = map[c->cands[i].chost];
		c->cands[i].nhost = map[c->cands[i].nhost];
	}
}
