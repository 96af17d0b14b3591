#include "nd_group.h"

#include <stdlib.h>
#include <string.h>

#include "nd_radix.h"
#include "nd_sort.h"
#include "nd_time.h"
#include "nd_vec.h"

/* An attempt or event to group, as read where it is (member_at: only
 * their positions are sorted, 4 bytes each, not a 40-byte copy of each:
 * at 1M attempts 36 MB less at the grouping's peak). */
typedef struct member {
	const nd_rule *rule;
	const char *key;
	int64_t ts;
	uint32_t k;    /* key as an integer in the order of the keys: an identity id, or a host index */
	uint32_t item; /* what the group stores */
	int vpn;       /* incidents: VPN attempts and 802.1X ones are never grouped together */
} member;

/* The rules of a grouping with the rank of their id (member_order's and
 * group_order's order, equal ids alike), by address. */
typedef struct ranks {
	const nd_rule **rule;
	uint32_t *rank;
	size_t n, cap;
} ranks;

/* Adds rule x (not NULL) to t->rule (by address) unless it is there.
 * Returns 0, or -1 when out of memory. */
static int rank_add(ranks *t, const nd_rule *x)
{
	size_t at = t->n;

	if (nd_sorted_has_ptr((const void *const *)t->rule, t->n, x))
		return 0;
	if (nd_vec_reserve(&t->rule, &t->cap, t->n + 1, sizeof(*t->rule)) != 0)
		return -1;
	for (; at > 0 && (uintptr_t)t->rule[at - 1] > (uintptr_t)x; at--)
		t->rule[at] = t->rule[at - 1];
	t->rule[at] = x;
	t->n++;
	return 0;
}

/* qsort: rules by id. */
static int rule_id_order(const void *pa, const void *pb)
{
	return strcmp((*(const nd_rule *const *)pa)->id, (*(const nd_rule *const *)pb)->id);
}

/* Ranks the rules of cause[0..ncause) and rule[0..nrule) (NULL: none)
 * into t. Returns 0, or -1 when out of memory. */
static int rank_rules(ranks *t, const nd_rule *const *cause, size_t ncause, const nd_rule *const *rule, size_t nrule)
{
	const nd_rule *last = NULL, **by_id = NULL;
	size_t i, k;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < ncause + nrule; i++) {
		const nd_rule *x = i < ncause ? cause[i] : rule[i - ncause];

		if (x && x != last && rank_add(t, x) != 0)
			return -1;
		last = x ? x : last;
	}
	if (!(t->rank = malloc((t->n + 1) * sizeof(*t->rank))) || !(by_id = malloc((t->n + 1) * sizeof(*by_id))))
		return -1;
	if (t->n) /* t->rule is NULL without a rule */
		memcpy(by_id, t->rule, t->n * sizeof(*by_id));
	nd_sort(by_id, t->n, sizeof(*by_id), rule_id_order);
	for (i = 0, k = 0; i < t->n; i++) {
		size_t at = nd_lower_ptr((const void *const *)t->rule, t->n, by_id[i]);

		k += i > 0 && strcmp(by_id[i - 1]->id, by_id[i]->id) != 0;
		t->rank[at] = (uint32_t)k;
	}
	free(by_id);
	return 0;
}

/* Returns the rank of rule x, one of t's. */
static uint64_t rank_of(const ranks *t, const nd_rule *x)
{
	return t->rank[nd_lower_ptr((const void *const *)t->rule, t->n, x)];
}

/* Where members are read: the attempts with their causes (incidents),
 * or the events in time order with their rules (findings); and the ranks
 * of the rules. */
typedef struct members {
	const nd_analysis_data *d;
	const nd_correlation *c;
	const nd_rule *const *cause, *const *rule;
	const ranks *t;
	unsigned kbits; /* the bits of the largest member's k (member_key) */
	int finding;
} members;

/* Returns member x of s: attempt x, or the event at position x of the
 * time order. */
static member member_at(const members *s, uint32_t x)
{
	const nd_attempt *a;
	const nd_event *e;

	if (!s->finding) {
		a = &s->c->attempts[x];
		return (member){s->cause[x], s->c->ids[a->id], a->ts, a->id, x, a->vpn};
	}
	e = &s->d->events[s->d->by_ts[x]];
	return (member){s->rule[s->d->by_ts[x]], e->host < s->d->nhosts ? s->d->hosts[e->host] : "", e->ts, e->host,
			s->d->by_ts[x], 0};
}

/* nd_radix_key_fn: member positions by cause (its rank), key, kind, then,
 * as they come, by position; ctx the members. The three packed as tightly
 * as the largest k allows: 32 bits (one sort) where they fit. */
static uint64_t member_key(const void *p, unsigned k, const void *ctx)
{
	const members *s = ctx;
	member a = member_at(s, *(const uint32_t *)p);

	(void)k;
	return rank_of(s->t, a.rule) << (s->kbits + 1) | (uint64_t)a.k << 1 | (a.vpn != 0);
}

/* Returns the number of bits of x (0 for 0). */
static unsigned bits_of(uint32_t x)
{
	unsigned b = 0;

	for (; x; x >>= 1)
		b++;
	return b;
}

/* nd_radix_key_fn: incidents by first time, as their first times (ctx
 * unused). The incidents come from group_incidents by cause (its rank:
 * the order of the ids) and identity (its id: the order of the keys):
 * kept in that order where their first times are equal, they are in
 * group_order's order. */
static uint64_t incident_key(const void *p, unsigned k, const void *ctx)
{
	(void)k;
	(void)ctx;
	return nd_radix_i64(*(const int64_t *)p);
}

/* Returns 1 if member cur (after prev, of a group ending with prev's
 * time) starts a group of its own: its cause, key or kind differs, or it
 * came more than *gap ticks after prev (gap NULL: never, findings); else
 * 0. Event times are the logs' to choose: the distance is taken without
 * a signed subtraction, which two times far apart would overflow. */
static int starts_group(const member *prev, const member *cur, const int64_t *gap)
{
	return prev->rule != cur->rule || prev->k != cur->k || prev->vpn != cur->vpn ||
	       (gap && (*gap < 0 || (cur->ts > prev->ts && (uint64_t)cur->ts - (uint64_t)prev->ts > (uint64_t)*gap)));
}

/* How many incidents ahead group_incidents fetches what it reads: their
 * first positions, their first members, and those members' attempts. */
#define GROUP_AHEAD 16

/* Groups the attempts of s at the sorted positions g->items[0..n) into
 * incidents (a new one when the cause, identity or kind changes, or after
 * more than gap ticks), made straight in the order of their first times
 * (incident_key) after the first time and first position of each are
 * found: at 1M incidents moving their 64 bytes along the cycles of a sort
 * took about half of grouping's samples. Returns 0, or -1 with err set. */
static int group_incidents(nd_grouping *g, const members *s, size_t n, int64_t gap, nd_error *err)
{
	const uint32_t *at = g->items;
	uint32_t *start = malloc((n + 1) * sizeof(*start)); /* each incident's first position in at */
	int64_t *first = malloc((n + 1) * sizeof(*first));
	nd_radix_item *order = NULL; /* the incidents by first time */
	member prev = {NULL, NULL, 0, 0, 0, 0}, cur;
	size_t i, k = 0;

	if (!start || !first)
		goto oom;
	for (i = 0; i < n; i++, prev = cur) {
		cur = member_at(s, at[i]);
		if (i == 0 || starts_group(&prev, &cur, &gap)) {
			start[k] = (uint32_t)i;
			first[k++] = cur.ts;
		}
	}
	start[k] = (uint32_t)n;
	g->nitems = n;
	if (nd_radix_order(first, k, sizeof(*first), 1, incident_key, NULL, &order, NULL) != 0 ||
	    !(g->v = malloc((k + 1) * sizeof(*g->v))))
		goto oom;
	free(first);
	first = NULL;
	for (i = 0; i < k; i++) {
		uint32_t x = order[i].at;
		nd_group *o = &g->v[i];

#if defined(__GNUC__)
		if (i + GROUP_AHEAD < k)
			__builtin_prefetch(&start[order[i + GROUP_AHEAD].at]);
		if (i + GROUP_AHEAD / 2 < k)
			__builtin_prefetch(&at[start[order[i + GROUP_AHEAD / 2].at]]);
		if (i + GROUP_AHEAD / 4 < k)
			__builtin_prefetch(&s->c->attempts[at[start[order[i + GROUP_AHEAD / 4].at]]]);
#endif
		cur = member_at(s, at[start[x]]);
		memset(o, 0, sizeof(*o));
		o->rule = cur.rule;
		o->key = cur.key;
		o->first = cur.ts;
		o->last = s->c->attempts[at[start[x + 1] - 1]].ts;
		o->item = start[x];
		o->n = start[x + 1] - start[x];
	}
	g->n = g->cap = k;
	free(start);
	free(order);
	return 0;
oom:
	free(start);
	free(first);
	free(order);
	return nd_error_set(err, "out of memory");
}

/* Groups the events of s (findings) at the sorted positions at[0..n): a
 * new group when the cause or host changes. Returns 0, or -1 with err
 * set. */
static int group_findings(nd_grouping *g, const members *s, const uint32_t *at, size_t n, nd_error *err)
{
	size_t i, start = g->n;
	member prev = {NULL, NULL, 0, 0, 0, 0}, cur;

	for (i = 0; i < n; i++, prev = cur) {
		nd_group *last = g->n > start ? &g->v[g->n - 1] : NULL;

		cur = member_at(s, at[i]);
		if (!last || starts_group(&prev, &cur, NULL)) {
			if (nd_vec_reserve(&g->v, &g->cap, g->n + 1, sizeof(*g->v)) != 0)
				return nd_error_set(err, "out of memory");
			last = &g->v[g->n++];
			memset(last, 0, sizeof(*last));
			last->rule = cur.rule;
			last->key = cur.key;
			last->finding = 1;
			last->item = (uint32_t)g->nitems; /* fewer than 4G (group) */
			last->first = cur.ts;
		}
		g->items[g->nitems++] = cur.item;
		last->n++;
		last->last = cur.ts;
	}
	return 0;
}

/* qsort: groups by first time, cause, key. */
static int group_order(const void *pa, const void *pb)
{
	const nd_group *a = pa, *b = pb;
	int c;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	if (a->rule != b->rule && (c = strcmp(a->rule->id, b->rule->id)))
		return c;
	return a->key == b->key ? 0 : strcmp(a->key, b->key);
}

/* Returns 1 if key counts: touched is NULL (every key does) or holds it
 * (ascending by address), else 0. */
static int counts(const char *const *touched, size_t ntouched, const char *key)
{
	return !touched || nd_sorted_has_ptr((const void *const *)touched, ntouched, key);
}

/* A resolution, among those of its identity and kind (resolve). */
typedef struct by_key {
	int64_t ts, ref;
} by_key;

/* Returns the place of the identity id and kind vpn among resolve's
 * lists. */
static size_t list_of(uint32_t id, int vpn)
{
	return (size_t)id << 1 | (vpn != 0);
}

/* Sets the resolution of each incident of g: the first resolution of its
 * identity and kind (a VPN incident: a VPN grant or a connect; an 802.1X
 * one: a grant of that kind) after its last attempt, looked up among the
 * resolutions of the identities that count (touched, counts), put in a
 * list per identity and kind as they come (by time, then ref). Returns 0,
 * or -1 with err set. */
static int resolve(const nd_correlation *c, nd_grouping *g, const char *const *touched, size_t ntouched,
		   nd_error *err)
{
	size_t nlists = 2 * c->nids, i, n = 0;
	uint32_t *start; /* list k: v[start[k] .. start[k + 1]) */
	by_key *v;

	if (c->nres >= UINT32_MAX)
		return nd_error_set(err, "too many resolutions to group (they count in 32 bits)");
	start = calloc(nlists + 2, sizeof(*start));
	v = malloc((c->nres + 1) * sizeof(*v));
	if (!start || !v) {
		free(start);
		free(v);
		return nd_error_set(err, "out of memory");
	}
	/* Counted into start[k + 1], turned into where list k starts there,
	 * then moved on to where it ends (start[k + 2]'s place) as it fills. */
	for (i = 0; i < c->nres; i++)
		if (counts(touched, ntouched, c->resolutions[i].key))
			start[list_of(c->resolutions[i].id, c->resolutions[i].vpn) + 1]++;
	for (i = 0; i < nlists; i++) {
		uint32_t count = start[i + 1];

		start[i + 1] = (uint32_t)n;
		n += count;
	}
	for (i = 0; i < c->nres; i++)
		if (counts(touched, ntouched, c->resolutions[i].key))
			v[start[list_of(c->resolutions[i].id, c->resolutions[i].vpn) + 1]++] =
				(by_key){c->resolutions[i].ts, c->resolutions[i].ref};
	for (i = 0; i < g->nincidents; i++) {
		nd_group *grp = &g->v[i];
		const nd_attempt *a = &c->attempts[g->items[grp->item]];
		size_t k = list_of(a->id, a->vpn), lo = start[k], hi = start[k + 1], end = hi;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (v[mid].ts <= grp->last)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < end) {
			grp->resolved_ref = v[lo].ref;
			grp->resolved_ts = v[lo].ts;
		}
	}
	free(start);
	free(v);
	return 0;
}

/* Sets the resolution of each incident whose cause is an NPS account
 * lockout (its rule names reason 64): the first NPS unlock (6280) of its
 * identity after its last attempt, when earlier than its resolution. */
static void resolve_unlocks(const nd_correlation *c, nd_grouping *g)
{
	const nd_rule *last = NULL; /* the rule of the incident before, and whether it names reason 64 */
	int lockout = 0;
	size_t i;

	for (i = 0; i < g->nincidents; i++) {
		nd_group *grp = &g->v[i];
		uint32_t id;
		size_t lo = 0, hi = c->nunlocks;

		if (grp->rule != last)
			lockout = nd_rule_mentions(last = grp->rule, 64, 1);
		if (!lockout)
			continue;
		id = c->attempts[g->items[grp->item]].id;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int k = (c->unlocks[mid].id > id) - (c->unlocks[mid].id < id);

			if (k < 0 || (k == 0 && c->unlocks[mid].ts <= grp->last))
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < c->nunlocks && c->unlocks[lo].id == id &&
		    (!grp->resolved_ref || c->unlocks[lo].ts < grp->resolved_ts)) {
			grp->resolved_ref = c->unlocks[lo].ref;
			grp->resolved_ts = c->unlocks[lo].ts;
		}
	}
}

/* Groups, resolved, the attempts with a cause of the identities that
 * count (touched, counts) and every event with a finding rule. Returns 0
 * with *out filled, or -1 with err set. */
static int group(const nd_analysis_data *d, const nd_correlation *c, const nd_rule *const *cause,
		 const nd_rule *const *rule, double gap_s, const char *const *touched, size_t ntouched,
		 nd_grouping *out, nd_error *err)
{
	uint32_t *m = NULL; /* the positions of the events grouped (member_at) */
	size_t n = 0, i, attempts = 0, events = 0;
	int64_t gap = (int64_t)(gap_s * ND_TICKS_PER_SECOND);
	uint32_t most = 0; /* the largest k of the members being sorted */
	ranks t;
	members s = {d, c, cause, rule, &t, 0, 0};

	memset(out, 0, sizeof(*out));
	/* Room for what is grouped, not for every attempt and event. */
	for (i = 0; i < c->n; i++)
		attempts += cause[i] != NULL && counts(touched, ntouched, c->ids[c->attempts[i].id]);
	for (i = 0; i < d->nevents; i++)
		events += rule[i] != NULL;
	if (attempts + events >= UINT32_MAX || c->n >= UINT32_MAX || d->nevents >= UINT32_MAX)
		return nd_error_set(err, "too many attempts and events to group (the items count in 32 bits)");
	if (rank_rules(&t, cause, c->n, rule, d->nevents) != 0) {
		free(t.rule);
		free(t.rank);
		return nd_error_set(err, "out of memory");
	}
	out->items = malloc((attempts + events + 1) * sizeof(*out->items));
	if (!out->items)
		goto oom;
	for (i = 0; i < c->n; i++)
		if (cause[i] && counts(touched, ntouched, c->ids[c->attempts[i].id])) {
			out->items[n++] = (uint32_t)i;
			most = c->attempts[i].id > most ? c->attempts[i].id : most;
		}
	s.kbits = bits_of(most);
	if (nd_radix_sort_by(out->items, n, sizeof(*out->items), 1, member_key, &s) != 0)
		goto oom;
	if (group_incidents(out, &s, n, gap, err) != 0)
		goto fail;
	out->nincidents = out->n;
	if (!(m = malloc((events + 1) * sizeof(*m))))
		goto oom;
	n = 0;
	most = 0;
	s.finding = 1;
	for (i = 0; i < d->nevents; i++)
		if (rule[d->by_ts[i]]) {
			m[n++] = (uint32_t)i;
			most = d->events[d->by_ts[i]].host > most ? d->events[d->by_ts[i]].host : most;
		}
	s.kbits = bits_of(most);
	if (nd_radix_sort_by(m, n, sizeof(*m), 1, member_key, &s) != 0)
		goto oom;
	if (group_findings(out, &s, m, n, err) != 0)
		goto fail;
	free(m);
	m = NULL;
	nd_vec_fit(&out->v, &out->cap, out->n, sizeof(*out->v));
	if (out->n > out->nincidents)
		nd_sort(out->v + out->nincidents, out->n - out->nincidents, sizeof(*out->v), group_order);
	if (resolve(c, out, touched, ntouched, err) != 0)
		goto fail_sorted;
	resolve_unlocks(c, out);
	free(t.rule);
	free(t.rank);
	return 0;
oom:
	nd_error_set(err, "out of memory");
fail:
	free(m);
fail_sorted:
	free(t.rule);
	free(t.rank);
	nd_grouping_free(out);
	return -1;
}

int nd_group_all(const nd_analysis_data *d, const nd_correlation *c, const nd_rule *const *cause,
		 const nd_rule *const *rule, double gap_s, nd_grouping *out, nd_error *err)
{
	return group(d, c, cause, rule, gap_s, NULL, 0, out, err);
}

/* Appends group gr (its items from items, each through map when not NULL)
 * to out, which has room for it, and its origin to from. Returns nothing. */
static void append(nd_grouping *out, const nd_group *gr, const uint32_t *items, const size_t *map, size_t *from,
		   size_t origin)
{
	size_t k;

	out->v[out->n] = *gr;
	out->v[out->n].item = (uint32_t)out->nitems; /* fewer than 4G (nd_group_again) */
	for (k = 0; k < gr->n; k++)
		out->items[out->nitems++] = map ? (uint32_t)map[items[gr->item + k]] : items[gr->item + k]; /* fewer than 4G */
	from[out->n++] = origin;
}

/* qsort: pointers by address. */
static int ptr_order(const void *pa, const void *pb)
{
	uintptr_t a = (uintptr_t) * (const char *const *)pa, b = (uintptr_t) * (const char *const *)pb;

	return a < b ? -1 : a > b;
}

/* Finds the identities whose incidents nd_group_again groups again: those
 * c paired again (a new identity too), and those of an attempt carried
 * over whose cause is not was_cause's for it. Returns 0 with *out (ascending by address, free it)
 * and *n set, or -1 when out of memory. */
static int touched_ids(const nd_correlation *c, const nd_rule *const *cause, const nd_rule *const *was_cause,
		       const char ***out, size_t *n)
{
	const char **v = NULL;
	size_t i, k = 0, cap = 0;

	if (nd_vec_reserve(&v, &cap, c->nagain + 1, sizeof(*v)) != 0)
		return -1;
	for (i = 0; i < c->nagain; i++)
		v[k++] = c->again[i];
	for (i = 0; i < c->n; i++)
		if (c->was[i] == ND_NONE || cause[i] != was_cause[c->was[i]]) {
			if (nd_vec_reserve(&v, &cap, k + 1, sizeof(*v)) != 0) {
				free(v);
				return -1;
			}
			v[k++] = c->ids[c->attempts[i].id];
		}
	nd_sort(v, k, sizeof(*v), ptr_order);
	for (i = 0, *n = 0; i < k; i++)
		if (!*n || v[*n - 1] != v[i])
			v[(*n)++] = v[i];
	*out = v;
	return 0;
}

int nd_group_again(const nd_analysis_data *d, const nd_correlation *c, const nd_rule *const *cause,
		   const nd_rule *const *rule, double gap_s, const nd_grouping *prev, const nd_rule *const *prev_cause,
		   nd_grouping *out, size_t **from, nd_error *err)
{
	nd_grouping t;
	const char **touched = NULL;
	size_t *now = NULL, ntouched = 0, nprev = 0, i, j, k, groups = 0, items = 0;

	memset(out, 0, sizeof(*out));
	memset(&t, 0, sizeof(t));
	*from = NULL;
	if (touched_ids(c, cause, prev_cause, &touched, &ntouched) != 0) {
		nd_error_set(err, "out of memory");
		goto fail;
	}
	if (group(d, c, cause, rule, gap_s, touched, ntouched, &t, err) != 0)
		goto fail;
	for (j = 0; j < prev->nincidents; j++)
		if (!counts(touched, ntouched, prev->v[j].key)) {
			groups++;
			items += prev->v[j].n;
		}
	for (i = 0; i < c->n; i++)
		if (c->was[i] != ND_NONE && c->was[i] >= nprev)
			nprev = c->was[i] + 1;
	if (items + t.nitems >= UINT32_MAX) {
		nd_error_set(err, "too many attempts and events to group (the items count in 32 bits)");
		goto fail;
	}
	now = malloc((nprev + 1) * sizeof(*now));
	out->v = malloc((groups + t.n + 1) * sizeof(*out->v));
	out->items = malloc((items + t.nitems + 1) * sizeof(*out->items));
	*from = malloc((groups + t.n + 1) * sizeof(**from));
	if (!now || !out->v || !out->items || !*from) {
		nd_error_set(err, "out of memory");
		goto fail;
	}
	for (i = 0; i < c->n; i++) /* where each kept attempt is now */
		if (c->was[i] != ND_NONE)
			now[c->was[i]] = i;
	/* The kept incidents and the touched identities' new ones, merged in
	 * order (incidents of two identities never compare equal). */
	for (j = 0, k = 0;;) {
		while (j < prev->nincidents && counts(touched, ntouched, prev->v[j].key))
			j++;
		if (j < prev->nincidents && (k == t.nincidents || group_order(&prev->v[j], &t.v[k]) < 0)) {
			append(out, &prev->v[j], prev->items, now, *from, j);
			j++;
		} else if (k < t.nincidents) {
			append(out, &t.v[k], t.items, NULL, *from, ND_NONE);
			k++;
		} else {
			break;
		}
	}
	out->nincidents = out->n;
	for (; k < t.n; k++)
		append(out, &t.v[k], t.items, NULL, *from, ND_NONE);
	out->cap = out->n;
	free(now);
	free(touched);
	nd_grouping_free(&t);
	return 0;
fail:
	free(now);
	free(touched);
	nd_grouping_free(&t);
	nd_grouping_free(out);
	free(*from);
	*from = NULL;
	return -1;
}

int64_t nd_group_first_ref(const nd_analysis_data *d, const nd_correlation *c, const nd_grouping *g, size_t i)
{
	const nd_group *gr = &g->v[i];
	const nd_attempt *a = gr->finding ? NULL : &c->attempts[g->items[gr->item]];

	return !a ? d->events[g->items[gr->item]].ref : a->client_ref ? a->client_ref : a->nps_ref;
}

/* Calls fn(ctx, ref) for each event of group i of g as nd_keys sees
 * them: the client failures, retries and NPS decisions of its attempts,
 * or a finding's events. Returns nothing. */
static void group_events(const nd_analysis_data *d, const nd_correlation *c, const nd_grouping *g, size_t i,
			 void (*fn)(void *ctx, int64_t ref), void *ctx)
{
	const nd_group *gr = &g->v[i];
	size_t k, r;

	for (k = 0; k < gr->n; k++) {
		size_t item = g->items[gr->item + k];
		const nd_attempt *a = gr->finding ? NULL : &c->attempts[item];

		if (!a) {
			fn(ctx, d->events[item].ref);
			continue;
		}
		if (a->client_ref)
			fn(ctx, a->client_ref);
		if (a->nps_ref)
			fn(ctx, a->nps_ref);
		for (r = 0; r < a->nretries; r++)
			fn(ctx, d->clients[c->retries[a->retry + r]].ref);
	}
}

/* The refs of nd_group_keys, appended by group_events. */
typedef struct ref_list {
	int64_t *v;
	size_t n;
} ref_list;

/* group_events's fn: appends ref to the ref_list ctx. Returns nothing. */
static void list_ref(void *ctx, int64_t ref)
{
	ref_list *l = ctx;

	l->v[l->n++] = ref;
}

int nd_group_keys(const nd_analysis_data *d, const nd_correlation *c, const nd_grouping *g, const size_t *from,
		  const nd_key_incident *kept, nd_key_incident **out, int64_t **refs, nd_error *err)
{
	size_t i, k, n = 0;
	nd_key_incident *v = calloc(g->n + 1, sizeof(*v));
	ref_list all;

	for (i = 0; i < g->n; i++)
		for (k = 0; k < g->v[i].n && !(from && from[i] != ND_NONE); k++)
			n += g->v[i].finding ? 1 : 2 + c->attempts[g->items[g->v[i].item + k]].nretries;
	for (i = 0; from && i < g->n; i++)
		n += from[i] != ND_NONE ? kept[from[i]].nrefs : 0;
	all.v = malloc((n + 1) * sizeof(*all.v));
	all.n = 0;
	if (!v || !all.v) {
		free(v);
		free(all.v);
		return nd_error_set(err, "out of memory");
	}
	for (i = 0; i < g->n; i++) {
		size_t start = all.n;

		if (from && from[i] != ND_NONE) {
			v[i] = kept[from[i]];
			if (v[i].nrefs)
				memcpy(all.v + all.n, v[i].refs, v[i].nrefs * sizeof(*all.v));
			v[i].refs = all.v + all.n;
			all.n += v[i].nrefs;
			continue;
		}
		v[i].who = g->v[i].key;
		v[i].first_ts = g->v[i].first;
		group_events(d, c, g, i, list_ref, &all);
		v[i].first_ref = nd_group_first_ref(d, c, g, i);
		nd_sort_i64(all.v + start, all.n - start);
		v[i].nrefs = all.n - start;
		v[i].refs = all.v + start;
	}
	*out = v;
	*refs = all.v;
	return 0;
}

/* The index of nd_group_held being made: with of NULL its events are
 * counted into start (shifted by one), else the group at is added. */
typedef struct held_fill {
	const nd_analysis_data *d;
	uint32_t *start, *of;
	uint32_t at;
} held_fill;

/* group_events's fn: counts or adds ref (an event of d) in the
 * held_fill ctx. Returns nothing. */
static void hold_ref(void *ctx, int64_t ref)
{
	held_fill *x = ctx;
	const nd_event *e = nd_analysis_event(x->d, ref);

	if (!e) /* not loaded as an event: held by none */
		return;
	if (!x->of)
		x->start[e - x->d->events + 1]++;
	else
		x->of[x->start[e - x->d->events]++] = x->at;
}

/* nd_keys_fresh's about for nd_group_held: the group's identity or host,
 * first time and first event. */
static void held_about(const void *ctx, size_t i, const char **who, int64_t *first_ts, int64_t *first_ref)
{
	const nd_group_held *h = ctx;

	if (who)
		*who = h->g->v[i].key;
	if (first_ts)
		*first_ts = h->g->v[i].first;
	if (first_ref) /* an attempt's: a cache miss at 1M */
		*first_ref = nd_group_first_ref(h->d, h->c, h->g, i);
}

/* nd_keys_fresh's holding for nd_group_held: the groups indexed at the
 * event ref (by_position: at d->events[ref]). */
static size_t held_holding(const void *ctx, int64_t ref, size_t *at)
{
	const nd_group_held *h = ctx;
	const nd_event *e = h->by_position ? NULL : nd_analysis_event(h->d, ref);
	size_t i;

	if (h->by_position ? ref < 0 || (uint64_t)ref >= h->d->nevents : !e)
		return 0;
	i = h->by_position ? (size_t)ref : (size_t)(e - h->d->events);
	*at = h->start[i];
	return h->start[i + 1] - h->start[i];
}

/* nd_keys_fresh's holder for nd_group_held. */
static size_t held_holder(const void *ctx, size_t k)
{
	return ((const nd_group_held *)ctx)->of[k];
}

/* nd_keys_fresh's key for nd_group_held. */
static char *held_key(const void *ctx, size_t i)
{
	return ((const nd_group_held *)ctx)->keys[i].s;
}

int nd_group_held_make(const nd_analysis_data *d, const nd_correlation *c, const nd_grouping *g, nd_key *keys,
		       int by_position, nd_group_held *h, nd_keys_fresh *f, nd_error *err)
{
	held_fill x = {d, NULL, NULL, 0};
	size_t i, n;

	memset(h, 0, sizeof(*h));
	h->d = d;
	h->c = c;
	h->g = g;
	h->keys = keys;
	h->by_position = by_position;
	*f = (nd_keys_fresh){g->n, h, held_about, held_holding, held_holder, held_key};
	if (d->nevents >= UINT32_MAX)
		return nd_error_set(err, "too many events to key (they count in 32 bits)");
	if (!(x.start = h->start = calloc(d->nevents + 2, sizeof(*h->start))))
		return nd_error_set(err, "out of memory");
	for (i = 0; i < g->n; i++)
		group_events(d, c, g, i, hold_ref, &x);
	for (i = 0, n = 0; i <= d->nevents; i++) { /* start[e + 1]: the count of e, then where e's holders start */
		size_t count = h->start[i + 1];

		h->start[i + 1] = (uint32_t)n;
		if ((n += count) >= UINT32_MAX) {
			nd_group_held_free(h);
			return nd_error_set(err, "too many events to key (they count in 32 bits)");
		}
	}
	if (!(x.of = h->of = malloc((n + 1) * sizeof(*h->of)))) {
		nd_group_held_free(h);
		return nd_error_set(err, "out of memory");
	}
	/* Each group adds itself after those before it (ascending), moving
	 * start[e + 1] on to where e's holders end: start[e]'s place. */
	x.start = h->start + 1;
	for (i = 0; i < g->n; i++) {
		x.at = (uint32_t)i;
		group_events(d, c, g, i, hold_ref, &x);
	}
	return 0;
}

void nd_group_held_free(nd_group_held *h)
{
	free(h->start);
	free(h->of);
	h->start = NULL;
	h->of = NULL;
}

void nd_grouping_free(nd_grouping *g)
{
	free(g->v);
	free(g->items);
	memset(g, 0, sizeof(*g));
}
