#include "nd_incremental.h"

#include <stdlib.h>
#include <string.h>

#include "nd_time.h"

void nd_inc_state_free(nd_inc_state *s)
{
	free(s->offsets);
	nd_strpool_free(&s->pool);
	memset(s, 0, sizeof(*s));
}

/* Returns the name of host h ("" when unknown). */
static const char *host_name(const nd_analysis_data *d, size_t h)
{
	return h < d->nhosts ? d->hosts[h] : "";
}

int nd_inc_state_capture(nd_inc_state *s, const nd_analysis_data *d, const nd_correlation *c, nd_error *err)
{
	nd_inc_state fresh;
	size_t i;

	memset(&fresh, 0, sizeof(fresh));
	for (i = 0; i < d->nevents; i++)
		if (d->events[i].ref > fresh.last_ref)
			fresh.last_ref = d->events[i].ref;
	fresh.domains = c->domains;
	fresh.offsets = malloc((c->noffsets + 1) * sizeof(*fresh.offsets));
	if (!fresh.offsets)
		goto oom;
	for (i = 0; i < c->noffsets; i++) {
		nd_inc_offset *o = &fresh.offsets[fresh.noffsets++];

		o->offset = c->offsets[i].offset;
		if (!(o->client = nd_strpool_add(&fresh.pool, host_name(d, c->offsets[i].client))) ||
		    !(o->nps = nd_strpool_add(&fresh.pool, host_name(d, c->offsets[i].nps))))
			goto oom;
	}
	nd_inc_state_free(s);
	*s = fresh;
	return 0;
oom:
	nd_inc_state_free(&fresh);
	return nd_error_set(err, "out of memory");
}

/* Flags the client hosts (of d) whose offset with some NPS host differs
 * between prev and c, or is in one only: both lists are ordered by client
 * then NPS host name. Returns nothing. */
static void moved_offsets(const nd_inc_state *prev, const nd_analysis_data *d, const nd_correlation *c, char *moved)
{
	size_t i = 0, j = 0;

	while (i < prev->noffsets || j < c->noffsets) {
		const nd_inc_offset *o = i < prev->noffsets ? &prev->offsets[i] : NULL;
		const nd_pair_offset *n = j < c->noffsets ? &c->offsets[j] : NULL;
		int k = !o ? 1 : !n ? -1 : strcmp(o->client, host_name(d, n->client));

		if (k == 0)
			k = strcmp(o->nps, host_name(d, n->nps));
		if (k < 0) {
			/* A pair that went: its client host is in d, found by name. */
			size_t h = nd_analysis_host(d, o->client);

			if (h < d->nhosts)
				moved[h] = 1;
			i++;
		} else if (k > 0) {
			moved[n->client] = 1;
			j++;
		} else {
			if (o->offset != n->offset)
				moved[n->client] = 1;
			i++;
			j++;
		}
	}
}

/* Flags identity id. Returns nothing. */
static void flag(nd_inc_dirty *x, uint32_t id)
{
	if (!x->ids[id]) {
		x->ids[id] = 1;
		x->nids++;
	}
}

/* Flags the identities of the attempts of c within near ticks of ts
 * (attempts are ordered by time). Returns nothing. */
static void flag_near(nd_inc_dirty *x, const nd_correlation *c, int64_t ts, int64_t near)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->attempts[mid].ts < ts - near)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < c->n && c->attempts[lo].ts <= ts + near; lo++)
		flag(x, c->attempts[lo].id);
}

/* Flags the identities of the resolutions v[0..n) newer than last. */
static void flag_resolutions(nd_inc_dirty *x, const nd_resolution *v, size_t n, int64_t last)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].ref > last)
			flag(x, v[i].id);
}

int nd_incremental_dirty(const nd_inc_state *prev, const nd_analysis_data *d, const nd_correlation *c, double near_s,
			 nd_inc_dirty *out, nd_error *err)
{
	int64_t last = prev ? prev->last_ref : 0, near = (int64_t)(near_s * ND_TICKS_PER_SECOND);
	char *moved = calloc(d->nhosts + 1, 1);
	size_t i, k;

	memset(out, 0, sizeof(*out));
	out->ids = calloc(c->nids + 1, 1);
	out->hosts = calloc(d->nhosts + 1, 1);
	if (!moved || !out->ids || !out->hosts) {
		free(moved);
		nd_inc_dirty_free(out);
		return nd_error_set(err, "out of memory");
	}
	if (!prev || prev->domains != c->domains) {
		out->all = 1;
		memset(out->ids, 1, c->nids);
		memset(out->hosts, 1, d->nhosts);
		out->nids = c->nids;
		free(moved);
		return 0;
	}
	moved_offsets(prev, d, c, moved);
	for (i = 0; i < c->n; i++) {
		const nd_attempt *a = &c->attempts[i];
		int fresh = a->client_ref > last || a->nps_ref > last ||
			    (a->client != ND_NONE && moved[d->clients[a->client].host]);

		for (k = 0; k < a->nretries && !fresh; k++)
			fresh = d->clients[c->retries[a->retry + k]].ref > last;
		if (fresh)
			flag(out, a->id);
	}
	flag_resolutions(out, c->resolutions, c->nres, last);
	flag_resolutions(out, c->unlocks, c->nunlocks, last);
	flag_resolutions(out, c->locks, c->nlocks, last);
	for (i = 0; i < d->nevents; i++) {
		const nd_event *e = &d->events[i];

		if (e->ref <= last)
			continue;
		if (e->host < d->nhosts)
			out->hosts[e->host] = 1;
		if (e->flags & ND_EVENT_NEAR)
			flag_near(out, c, e->ts, near);
	}
	free(moved);
	return 0;
}

void nd_inc_dirty_free(nd_inc_dirty *x)
{
	free(x->ids);
	free(x->hosts);
	memset(x, 0, sizeof(*x));
}
