/* Unit tests of nd_incremental: random event streams arrive in batches
 * (refs in arrival order, times not); after each batch the full
 * correlation and grouping of everything so far must equal, for every
 * identity nd_incremental_dirty leaves out, what the previous batch gave:
 * an incremental run that redoes only the flagged identities equals a full
 * run. No database. */
#include <stdio.h>
#include <stdlib.h>

#include "analysis_fixture.h"
#include "check.h"
#include "nd_buf.h"
#include "nd_correlate.h"
#include "nd_group.h"
#include "nd_incremental.h"

#define MAXEV 90
#define NEAR_S 10.0

static const char *const hosts[] = {"CLIENT01.lab.example", "CLIENT02.lab.example", "CLIENT03.lab.example",
				    "NPS01.lab.example",    "NPS02.lab.example",    NULL};
static const char *const users[] = {"alice", "bob", "carol", "dave"};

/* One generated event: c client failure, n decision, r connect, k an event
 * incident rules look for (a KDC 39, say). */
typedef struct gen {
	char kind;
	int host, user;
	double s; /* on the host's clock */
	uint32_t code, event;
	int reason;
	int retry; /* c: a retry of the previous failure of its host (same CoId) */
} gen;

static uint32_t seed;

/* Returns a pseudo-random number in [0, n). */
static uint32_t rnd(uint32_t n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) % n;
}

/* Returns a pseudo-random number in [lo, hi). */
static double rnd_s(double lo, double hi)
{
	return lo + (hi - lo) * rnd(10000) / 10000.0;
}

/* Makes a stream of about MAXEV events in arrival order: attempts by time,
 * the NPS servers' logs arriving in their own batches. Returns the count. */
static size_t make_stream(gen *v)
{
	/* NPS02's clock is 90 s ahead: its offset needs two agreeing pairs. */
	static const double clock[] = {0, 0, 0, 0, 90};
	gen client[MAXEV], nps[MAXEV];
	size_t nc = 0, nn = 0, n = 0, i = 0, j = 0;
	double t = 0;

	while (nc + nn < MAXEV - 2) {
		int u = (int)rnd(4), h = u % 3 == 0 && rnd(4) == 0 ? (u + 1) % 3 : u % 3, nh = 3 + (int)rnd(2);
		uint32_t pick = rnd(10);

		t += rnd_s(0.5, 400);
		if (pick < 6) {
			int pairable = rnd(5) != 0;

			client[nc++] = (gen){'c', h, u, t, pairable ? (rnd(2) ? 853 : 691) : 809, 0, 0, 0};
			if (rnd(4) == 0)
				client[nc++] = (gen){'c', h, u, t + rnd_s(1, 8), 853, 0, 0, 1};
			if (pairable && rnd(10) < 8)
				nps[nn++] =
				    (gen){'n', nh, u, t - rnd_s(0.3, 3.5) + clock[nh], 0, 6273, rnd(2) ? 16 : 258, 0};
		} else if (pick < 8) {
			nps[nn++] = (gen){'n', nh, u, t + clock[nh], 0, 6272, -1, 0};
		} else if (pick < 9) {
			client[nc++] = (gen){'r', h, u, t, 0, 0, 0, 0};
		} else {
			client[nc++] = (gen){'k', 3, u, t, 0, 0, 0, 0};
		}
	}
	/* Arrival: the client logs and the NPS log interleaved in runs. */
	while (i < nc || j < nn) {
		size_t run = 1 + rnd(6), k;

		for (k = 0; k < run && i < nc; k++)
			v[n++] = client[i++];
		run = 1 + rnd(6);
		for (k = 0; k < run && j < nn; k++)
			v[n++] = nps[j++];
	}
	return n;
}

/* Fills d with the first m events of v. Returns nothing. */
static void build(nd_analysis_data *d, const gen *v, size_t m)
{
	char user[64], upn[64], fq[64], coid[64];
	size_t i, coids = 0;
	int64_t last[3] = {0, 0, 0};

	fx_init(d, hosts);
	for (i = 0; i < m; i++) {
		const gen *g = &v[i];

		snprintf(user, sizeof(user), "LAB\\%s", users[g->user]);
		snprintf(upn, sizeof(upn), "%s@lab.example", users[g->user]);
		snprintf(fq, sizeof(fq), "LAB\\%s", users[g->user]);
		if (g->kind == 'c') {
			if (!g->retry || !last[g->host])
				last[g->host] = (int64_t)++coids;
			snprintf(coid, sizeof(coid), "{%08lld}", (long long)last[g->host]);
			fx_client(d, hosts[g->host], user, g->code, g->s, coid);
		} else if (g->kind == 'n') {
			fx_nps(d, hosts[g->host], g->event, upn, "LAB", fq, g->s, g->reason);
		} else if (g->kind == 'r') {
			fx_connect(d, hosts[g->host], user, g->s);
		} else {
			fx_event(d, hosts[g->host], 39, "kdc", g->s, ND_EVENT_NEAR);
		}
	}
	CHECK(fx_done(d) == 0);
}

static char id_paired[] = "paired", id_client[] = "client-only", id_nps[] = "nps-only", id_near[] = "near";

/* Judges like the rules do, from the attempt and the events near it: a
 * cause per kind of match, another when a KDC event is near. Returns the
 * cause. */
static const nd_rule *judge(const nd_analysis_data *d, const nd_attempt *a, const nd_rule *r)
{
	size_t i;

	for (i = 0; i < d->nevents; i++)
		if (d->events[i].id == 39 && d->events[i].ts >= a->ts - (int64_t)(NEAR_S * ND_TICKS_PER_SECOND) &&
		    d->events[i].ts <= a->ts + (int64_t)(NEAR_S * ND_TICKS_PER_SECOND))
			return &r[3];
	return a->client_ref && a->nps_ref ? &r[0] : a->client_ref ? &r[1] : &r[2];
}

/* Everything the diagnosis says about one identity, as text. */
typedef struct result {
	char *key;
	nd_buf text;
} result;

/* Returns the result of key in v[0..n), adding it when absent, or NULL. */
static result *result_of(result *v, size_t *n, const char *key, int add)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(v[i].key, key) == 0)
			return &v[i];
	if (!add)
		return NULL;
	v[*n].key = strdup(key);
	memset(&v[*n].text, 0, sizeof(v[*n].text));
	return &v[(*n)++];
}

/* Diagnoses d fully; fills results (per identity) and c. Returns the
 * number of results. */
static size_t diagnose(const nd_analysis_data *d, nd_correlation *c, result *res)
{
	static const uint32_t nopair[] = {809};
	nd_correlate_params p = {5, 2, nopair, 1, NULL, 0};
	nd_rule r[4];
	const nd_rule **cause, **rule;
	nd_grouping g;
	nd_error err;
	size_t i, k, n = 0;

	memset(r, 0, sizeof(r));
	r[0].id = id_paired;
	r[1].id = id_client;
	r[2].id = id_nps;
	r[3].id = id_near;
	CHECK(nd_correlate(d, &p, c, &err) == 0);
	cause = calloc(c->n + 1, sizeof(*cause));
	rule = calloc(d->nevents + 1, sizeof(*rule));
	for (i = 0; i < c->n; i++) {
		const nd_attempt *a = &c->attempts[i];
		result *x = result_of(res, &n, a->key, 1);

		cause[i] = judge(d, a, r);
		nd_buf_printf(&x->text, "attempt %lld %lld %zu %d %lld;", (long long)a->client_ref,
			      (long long)a->nps_ref, a->nretries, a->lines_up, (long long)a->lineup);
	}
	CHECK(nd_group_all(d, c, cause, rule, 600, &g, &err) == 0);
	for (i = 0; i < g.nincidents; i++) {
		const nd_group *gr = &g.v[i];
		result *x = result_of(res, &n, gr->key, 1);

		nd_buf_printf(&x->text, "incident %s %lld %lld %zu %lld:", gr->rule->id, (long long)gr->first,
			      (long long)gr->last, gr->n, gr->resolution ? (long long)gr->resolution->ref : 0LL);
		for (k = 0; k < gr->n; k++)
			nd_buf_printf(&x->text, " %zu", (size_t)c->attempts[g.items[gr->item + k]].client_ref);
		nd_buf_printf(&x->text, ";");
	}
	for (i = 0; i < c->nres; i++)
		nd_buf_printf(&result_of(res, &n, c->resolutions[i].key, 1)->text, "res %lld;",
			      (long long)c->resolutions[i].ref);
	nd_grouping_free(&g);
	free(cause);
	free(rule);
	return n;
}

/* Frees results. Returns nothing. */
static void free_results(result *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		nd_buf_free(&v[i].text);
	}
}

/* Counts, over all streams, identities whose result changed without an
 * event of their own: what the offsets and near events are for. */
static size_t changed_by_others, checked, steps;

/* Replays one stream batch by batch. Returns nothing (checks). */
static void replay(uint32_t s)
{
	gen v[MAXEV + 8];
	size_t n, m = 0, nprev = 0, ncur, i;
	result prev[16], cur[16];
	nd_inc_state state;
	nd_error err;

	seed = s;
	n = make_stream(v);
	memset(&state, 0, sizeof(state));
	while (m < n) {
		nd_analysis_data d;
		nd_correlation c;
		nd_inc_dirty x, own;
		nd_inc_state same;

		m += 1 + rnd(5);
		if (m > n)
			m = n;
		build(&d, v, m);
		ncur = diagnose(&d, &c, cur);
		CHECK(nd_incremental_dirty(steps && nprev ? &state : NULL, &d, &c, NEAR_S, &x, &err) == 0);
		/* The identities with events of their own: the state with this
		 * run's offsets and no near events. */
		memset(&same, 0, sizeof(same));
		CHECK(nd_inc_state_capture(&same, &d, &c, &err) == 0);
		same.last_ref = state.last_ref;
		CHECK(nd_incremental_dirty(&same, &d, &c, 0, &own, &err) == 0);
		for (i = 0; i < c.nids; i++) {
			result *was = result_of(prev, &nprev, c.ids[i], 0), *is = result_of(cur, &ncur, c.ids[i], 0);
			const char *a = was && was->text.data ? was->text.data : "",
				   *b = is && is->text.data ? is->text.data : "";
			int same_text = strcmp(a, b) == 0;

			if (!x.ids[i]) {
				checked++;
				if (!same_text)
					fprintf(stderr,
						"seed %u, %zu events: %s changed but was not flagged:\n  %s\n  %s\n", s,
						m, c.ids[i], a, b);
				CHECK(same_text);
			}
			if (!same_text && !own.ids[i] && !x.all)
				changed_by_others++;
		}
		CHECK(nd_inc_state_capture(&state, &d, &c, &err) == 0);
		nd_inc_dirty_free(&x);
		nd_inc_dirty_free(&own);
		nd_inc_state_free(&same);
		nd_correlation_free(&c);
		nd_analysis_data_free(&d);
		free_results(prev, nprev);
		memcpy(prev, cur, sizeof(cur));
		nprev = ncur;
		steps++;
	}
	free_results(prev, nprev);
	nd_inc_state_free(&state);
}

/* The domain signature changes with a domain pair learned, not with more
 * events of known domains; a changed signature makes everything dirty.
 * Returns nothing (checks). */
static void domains_case(void)
{
	nd_correlate_params p = {5, 2, NULL, 0, NULL, 0};
	nd_analysis_data d;
	nd_correlation c;
	nd_inc_state st;
	nd_inc_dirty x;
	nd_error err;
	uint64_t sig[3];
	int i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < 3; i++) {
		fx_init(&d, hosts);
		fx_nps(&d, hosts[3], 6273, "alice@lab.example", "LAB", "LAB\\alice", 0, 16);
		fx_client(&d, hosts[0], "LAB\\alice", 691, 1, NULL);
		if (i >= 1)
			fx_nps(&d, hosts[3], 6273, "bob@lab.example", "LAB", "LAB\\bob", 10, 16);
		if (i >= 2)
			fx_nps(&d, hosts[3], 6273, "erin@child.example", "CHILD", "CHILD\\erin", 20, 16);
		CHECK(fx_done(&d) == 0);
		CHECK(nd_correlate(&d, &p, &c, &err) == 0);
		sig[i] = c.domains;
		CHECK(nd_incremental_dirty(i ? &st : NULL, &d, &c, 0, &x, &err) == 0);
		CHECK(x.all == (i != 1));
		CHECK(i != 1 || x.nids == 1); /* bob only */
		CHECK(nd_inc_state_capture(&st, &d, &c, &err) == 0);
		nd_inc_dirty_free(&x);
		nd_correlation_free(&c);
		nd_analysis_data_free(&d);
	}
	CHECK(sig[0] == sig[1] && sig[1] != sig[2]);
	nd_inc_state_free(&st);
}

int main(void)
{
	uint32_t s;

	domains_case();
	for (s = 1; s <= 200; s++) {
		steps = 0;
		replay(s);
	}
	printf("%zu identities left out and unchanged; %zu changed by others' events\n", checked, changed_by_others);
	CHECK(checked > 1000);
	CHECK(changed_by_others > 0);
	return check_report();
}
