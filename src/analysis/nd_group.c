#include "nd_group.h"

#include <stdlib.h>
#include <string.h>

#include "nd_sort.h"
#include "nd_time.h"
#include "nd_vec.h"

/* An attempt or event to group, carrying what its sort order needs. */
typedef struct member {
	const nd_rule *rule;
	const char *key;
	size_t k; /* key as an integer in the order of the keys: an identity id, or a host index */
	int vpn;  /* incidents: VPN attempts and 802.1X ones are never grouped together */
	int64_t ts;
	size_t idx;  /* attempt index, or event position in time order */
	size_t item; /* what the group stores */
} member;

/* qsort: by cause, key, kind, then index. */
static int member_order(const void *pa, const void *pb)
{
	const member *a = pa, *b = pb;
	int c = a->rule == b->rule ? 0 : strcmp(a->rule->id, b->rule->id); /* most pairs share a rule */

	if (c || (c = (a->k > b->k) - (a->k < b->k)))
		return c;
	if (a->vpn != b->vpn)
		return a->vpn - b->vpn;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Groups the sorted members m[0..n): a new group when the cause or key
 * changes or, for incidents, after more than gap ticks. Returns 0, or -1
 * with err set. */
static int group_members(nd_grouping *g, const member *m, size_t n, int finding, int64_t gap, nd_error *err)
{
	size_t i, start = g->n;

	for (i = 0; i < n; i++) {
		nd_group *last = g->n > start ? &g->v[g->n - 1] : NULL;

		if (!last || last->rule != m[i].rule || m[i - 1].k != m[i].k || m[i - 1].vpn != m[i].vpn ||
		    (!finding && m[i].ts - last->last > gap)) {
			if (nd_vec_reserve(&g->v, &g->cap, g->n + 1, sizeof(*g->v)) != 0)
				return nd_error_set(err, "out of memory");
			last = &g->v[g->n++];
			memset(last, 0, sizeof(*last));
			last->rule = m[i].rule;
			last->key = m[i].key;
			last->finding = finding;
			last->item = g->nitems;
			last->first = m[i].ts;
		}
		g->items[g->nitems++] = m[i].item;
		last->n++;
		last->last = m[i].ts;
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

/* A resolution's place among those of its identity. */
typedef struct by_key {
	uint32_t id;
	int vpn;
	int64_t ts, ref;
	size_t idx; /* in the correlation's resolutions */
} by_key;

/* qsort: by identity, kind (VPN or not), time, ref. */
static int key_order(const void *pa, const void *pb)
{
	const by_key *a = pa, *b = pb;

	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	if (a->vpn != b->vpn)
		return a->vpn - b->vpn;
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return a->ref < b->ref ? -1 : a->ref > b->ref;
}

/* Sets each incident's resolution: the first resolution of its identity
 * and kind (a VPN incident: a VPN grant or a connect; an 802.1X one: a
 * grant of that kind) after its last attempt. Returns 0, or -1 with err
 * set. */
static int resolve(const nd_correlation *c, nd_grouping *g, nd_error *err)
{
	by_key *v = malloc((c->nres + 1) * sizeof(*v));
	size_t i;

	if (!v)
		return nd_error_set(err, "out of memory");
	for (i = 0; i < c->nres; i++)
		v[i] = (by_key){c->resolutions[i].id, c->resolutions[i].vpn, c->resolutions[i].ts,
				c->resolutions[i].ref, i};
	nd_sort(v, c->nres, sizeof(*v), key_order);
	for (i = 0; i < g->nincidents; i++) {
		nd_group *grp = &g->v[i];
		const nd_attempt *a = &c->attempts[g->items[grp->item]];
		int vpn = a->vpn;
		size_t lo = 0, hi = c->nres;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int k = (v[mid].id > a->id) - (v[mid].id < a->id);

			if (k == 0)
				k = v[mid].vpn - vpn;
			if (k < 0 || (k == 0 && v[mid].ts <= grp->last))
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < c->nres && v[lo].id == a->id && v[lo].vpn == vpn)
			grp->resolution = &c->resolutions[v[lo].idx];
	}
	free(v);
	return 0;
}

/* Sets the resolution of each incident whose cause is an NPS account
 * lockout (its rule names reason 64): the first NPS unlock (6280) of its
 * identity after its last attempt, when earlier than its resolution. */
static void resolve_unlocks(const nd_correlation *c, nd_grouping *g)
{
	size_t i;

	for (i = 0; i < g->nincidents; i++) {
		nd_group *grp = &g->v[i];
		uint32_t id = c->attempts[g->items[grp->item]].id;
		size_t lo = 0, hi = c->nunlocks;

		if (!nd_rule_mentions(grp->rule, 64, 1))
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int k = (c->unlocks[mid].id > id) - (c->unlocks[mid].id < id);

			if (k < 0 || (k == 0 && c->unlocks[mid].ts <= grp->last))
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < c->nunlocks && c->unlocks[lo].id == id &&
		    (!grp->resolution || c->unlocks[lo].ts < grp->resolution->ts))
			grp->resolution = &c->unlocks[lo];
	}
}

int nd_group_all(const nd_analysis_data *d, const nd_correlation *c, const nd_rule *const *cause,
		 const nd_rule *const *rule, double gap_s, nd_grouping *out, nd_error *err)
{
	member *m;
	size_t n = 0, i, attempts = 0, events = 0;
	int64_t gap = (int64_t)(gap_s * ND_TICKS_PER_SECOND);

	memset(out, 0, sizeof(*out));
	/* Room for what is grouped, not for every attempt and event: at fleet
	 * scale this is the largest array of a run. */
	for (i = 0; i < c->n; i++)
		attempts += cause[i] != NULL;
	for (i = 0; i < d->nevents; i++)
		events += rule[i] != NULL;
	m = malloc(((attempts > events ? attempts : events) + 1) * sizeof(*m));
	out->items = malloc((attempts + events + 1) * sizeof(*out->items));
	if (!m || !out->items)
		goto oom;
	for (i = 0; i < c->n; i++)
		if (cause[i])
			m[n++] = (member){cause[i], c->attempts[i].key, c->attempts[i].id, c->attempts[i].vpn,
					  c->attempts[i].ts, i, i};
	nd_sort(m, n, sizeof(*m), member_order);
	if (group_members(out, m, n, 0, gap, err) != 0)
		goto fail;
	out->nincidents = out->n;
	n = 0;
	for (i = 0; i < d->nevents; i++) {
		size_t e = d->by_ts[i];

		if (rule[e])
			m[n++] = (member){rule[e], d->events[e].host < d->nhosts ? d->hosts[d->events[e].host] : "",
					  d->events[e].host, 0, d->events[e].ts, i, e};
	}
	nd_sort(m, n, sizeof(*m), member_order);
	if (group_members(out, m, n, 1, 0, err) != 0)
		goto fail;
	free(m);
	nd_vec_fit(&out->v, &out->cap, out->n, sizeof(*out->v));
	nd_sort(out->v, out->nincidents, sizeof(*out->v), group_order);
	if (out->n > out->nincidents) /* no pointer arithmetic on a NULL v */
		nd_sort(out->v + out->nincidents, out->n - out->nincidents, sizeof(*out->v), group_order);
	if (resolve(c, out, err) != 0)
		goto fail_sorted;
	resolve_unlocks(c, out);
	return 0;
oom:
	nd_error_set(err, "out of memory");
fail:
	free(m);
fail_sorted:
	nd_grouping_free(out);
	return -1;
}

/* qsort: int64_t ascending. */
static int i64_order(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return a < b ? -1 : a > b;
}

int nd_group_keys(const nd_analysis_data *d, const nd_correlation *c, const nd_grouping *g, nd_key_incident **out,
		  int64_t **refs, nd_error *err)
{
	size_t i, k, r, n = 0;
	nd_key_incident *v = calloc(g->n + 1, sizeof(*v));
	int64_t *all;

	for (i = 0; i < g->n; i++)
		for (k = 0; k < g->v[i].n; k++)
			n += g->v[i].finding ? 1 : 2 + c->attempts[g->items[g->v[i].item + k]].nretries;
	all = malloc((n + 1) * sizeof(*all));
	if (!v || !all) {
		free(v);
		free(all);
		return nd_error_set(err, "out of memory");
	}
	for (i = 0, n = 0; i < g->n; i++) {
		const nd_group *gr = &g->v[i];
		size_t start = n;

		v[i].who = gr->key;
		v[i].first_ts = gr->first;
		for (k = 0; k < gr->n; k++) {
			size_t item = g->items[gr->item + k];
			const nd_attempt *a = gr->finding ? NULL : &c->attempts[item];

			if (!a) {
				all[n++] = d->events[item].ref;
				continue;
			}
			if (a->client_ref)
				all[n++] = a->client_ref;
			if (a->nps_ref)
				all[n++] = a->nps_ref;
			for (r = 0; r < a->nretries; r++)
				all[n++] = d->clients[c->retries[a->retry + r]].ref;
		}
		v[i].first_ref = gr->finding ? d->events[g->items[gr->item]].ref
				 : c->attempts[g->items[gr->item]].client_ref
				     ? c->attempts[g->items[gr->item]].client_ref
				     : c->attempts[g->items[gr->item]].nps_ref;
		nd_sort(all + start, n - start, sizeof(*all), i64_order);
		v[i].nrefs = n - start;
		v[i].refs = all + start;
	}
	*out = v;
	*refs = all;
	return 0;
}

void nd_grouping_free(nd_grouping *g)
{
	free(g->v);
	free(g->items);
	memset(g, 0, sizeof(*g));
}
