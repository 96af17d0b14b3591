/* Unit tests of nd_group: attempts into incidents (per identity and
 * cause, split after a gap, resolved by a later grant or connect of its
 * kind, an NPS lockout also by an NPS unlock) and
 * server events into findings (per host and cause), on data built in
 * memory: no database. */
#include <stdlib.h>
#include <string.h>

#include "analysis_fixture.h"
#include "check.h"
#include "nd_correlate.h"
#include "nd_group.h"

#define C1 "CLIENT01.lab.example"
#define NPS1 "NPS01.lab.example"
#define NPS2 "NPS02.lab.example"

static char id_a[] = "rule-a", id_b[] = "rule-b", id_f1[] = "finding-1", id_f2[] = "finding-2";

/* What one group should be. */
typedef struct want_group {
	const char *rule, *key;
	int finding;
	double first, last;
	size_t n;
	double resolved; /* seconds, or -1 when open */
} want_group;

/* Passes the old incidents old[0..n) on to the groups of g that fr says
 * hold their events (h freed once they are passed, as diagnose does) and
 * checks that each group gets the key of want[i]. Returns nothing. */
static void pass_checked(nd_keys_fresh *fr, const nd_key_incident *old, size_t n, nd_group_held *h,
			 const nd_grouping *g, const nd_key *keys, const nd_key_incident *want)
{
	nd_keys_pass pass;
	nd_keyring ring;
	nd_error err;
	size_t i;

	memset(&ring, 0, sizeof(ring));
	CHECK(nd_keys_pass_begin(&pass, &ring, fr, &err) == 0);
	for (i = 0; i < n; i++)
		CHECK(nd_keys_pass_old(&pass, &old[i], &err) == 0);
	nd_group_held_free(h);
	CHECK(nd_keys_pass_end(&pass, &err) == 0);
	for (i = 0; i < g->n; i++)
		CHECK_STR(keys[i].s, want[i].key);
	nd_keys_pass_free(&pass);
	nd_keyring_free(&ring);
}

int main(void)
{
	static const char *const hosts[] = {C1, NPS1, NPS2, NULL};
	static const struct {
		const char *user;
		double s;
		const nd_rule *rule;
	} failures[] = {
		{"LAB\\alice", 0, NULL},     {"LAB\\alice", 100, NULL},  {"LAB\\bob", 50, NULL},
		{"LAB\\alice", 5000, NULL},  {"LAB\\carol", 5000, NULL}, {"LAB\\alice", 7000, NULL},
		{"LAB\\alice", 8000, NULL},
	};
	/* The cause of each failure above, in order: the last has none. */
	nd_rule ra, rb, rf1, rf2;
	const nd_rule *cause_of[] = {&ra, &ra, &ra, &ra, &ra, &rb, NULL};
	const want_group want[] = {
		{"rule-a", "lab.example\\alice", 0, 0, 100, 2, 150},
		{"rule-a", "lab.example\\bob", 0, 50, 50, 1, -1},
		{"rule-a", "lab.example\\alice", 0, 5000, 5000, 1, 6000},
		{"rule-a", "lab.example\\carol", 0, 5000, 5000, 1, 5100},
		{"rule-b", "lab.example\\alice", 0, 7000, 7000, 1, -1},
		{"finding-1", NPS1, 1, 10, 20, 2, -1},
		{"finding-1", NPS2, 1, 15, 15, 1, -1},
		{"finding-2", NPS1, 1, 30, 30, 1, -1},
	};
	nd_correlate_params p = {5, 2, NULL, 0, NULL, 0, 0, NULL, 0};
	nd_analysis_data d;
	nd_correlation c;
	nd_grouping g;
	nd_error err;
	const nd_rule **cause, **rule;
	int64_t f[4], wifi;
	size_t i, k;
	uint32_t lockout[] = {64};
	nd_key_incident *old, *fresh;
	int64_t *old_refs, *fresh_refs;
	nd_decision *unlock;

	memset(&ra, 0, sizeof(ra));
	memset(&rb, 0, sizeof(rb));
	memset(&rf1, 0, sizeof(rf1));
	memset(&rf2, 0, sizeof(rf2));
	ra.id = id_a;
	ra.nps_reasons.v = lockout; /* rule-a is an NPS lockout: an NPS unlock (6280) resolves it */
	ra.nps_reasons.n = 1;
	rb.id = id_b;
	rf1.id = id_f1;
	rf1.kind = rf2.kind = ND_RULE_FINDING;
	rf2.id = id_f2;
	fx_init(&d, hosts);
	for (i = 0; i < sizeof(failures) / sizeof(failures[0]); i++)
		fx_client(&d, C1, failures[i].user, 853, failures[i].s, NULL);
	/* A grant no failure pairs with, and a connect: both resolve alice. */
	fx_nps(&d, NPS1, 6272, "alice@lab.example", "LAB", "LAB\\alice", 150, -1);
	fx_connect(&d, C1, "LAB\\alice", 6000);
	/* A Wi-Fi grant resolves no VPN incident (bob stays open); an NPS
	 * unlock resolves carol's lockout. */
	wifi = fx_nps(&d, NPS1, 6272, "bob@lab.example", "LAB", "LAB\\bob", 60, -1);
	d.decisions[d.ndecisions - 1].port_type = fx_id(&d, "Wireless - IEEE 802.11");
	unlock = nd_analysis_add_unlock(&d);
	unlock->ref = 999;
	unlock->ts = fx_ts(5100);
	unlock->event = 6280;
	unlock->user = fx_id(&d, "carol@lab.example");
	unlock->domain = fx_id(&d, "LAB");
	unlock->fq = fx_id(&d, "LAB\\carol");
	f[0] = fx_event(&d, NPS1, 4421, "nps_service", 10, ND_EVENT_FINDING);
	f[1] = fx_event(&d, NPS1, 4421, "nps_service", 20, ND_EVENT_FINDING);
	f[2] = fx_event(&d, NPS2, 4421, "nps_service", 15, ND_EVENT_FINDING);
	f[3] = fx_event(&d, NPS1, 4402, "nps_service", 30, ND_EVENT_FINDING);
	CHECK(fx_done(&d) == 0);
	CHECK(nd_correlate(&d, &p, &c, &err) == 0);
	CHECK(c.n == 7);
	CHECK(c.nres == 3 && c.nunlocks == 1);
	for (i = 0; i < c.nres; i++)
		CHECK(c.resolutions[i].vpn == (c.resolutions[i].ref != wifi));
	cause = calloc(c.n + 1, sizeof(*cause));
	rule = calloc(d.nevents + 1, sizeof(*rule));
	for (i = 0; i < c.n; i++)
		cause[i] = cause_of[c.attempts[i].client_ref - 1];
	for (i = 0; i < d.nevents; i++)
		if (d.events[i].ref == f[0] || d.events[i].ref == f[1] || d.events[i].ref == f[2])
			rule[i] = &rf1;
		else if (d.events[i].ref == f[3])
			rule[i] = &rf2;

	CHECK(nd_group_all(&d, &c, cause, rule, 3600, &g, &err) == 0);
	CHECK(g.nincidents == 5);
	CHECK(g.n == sizeof(want) / sizeof(want[0]));
	for (i = 0; i < g.n && i < sizeof(want) / sizeof(want[0]); i++) {
		const nd_group *gr = &g.v[i];
		const want_group *w = &want[i];

		CHECK_STR(gr->rule->id, w->rule);
		CHECK_STR(gr->key, w->key);
		CHECK(gr->finding == w->finding);
		CHECK(gr->first == fx_ts(w->first));
		CHECK(gr->last == fx_ts(w->last));
		CHECK(gr->n == w->n);
		CHECK(w->resolved < 0 ? gr->resolved_ref == 0
				      : gr->resolved_ref && gr->resolved_ts == fx_ts(w->resolved));
		for (k = 0; k < gr->n; k++) {
			size_t item = g.items[gr->item + k];
			int64_t ts = gr->finding ? d.events[item].ts : c.attempts[item].ts;

			/* Items are in time order, between first and last. */
			CHECK(ts >= gr->first && ts <= gr->last);
			CHECK(gr->finding ? rule[item] == gr->rule : cause[item] == gr->rule);
		}
	}
	/* The groups as nd_keys sees them: alice's first incident holds her
	 * two failures; the findings their events. */
	CHECK(nd_group_keys(&d, &c, &g, NULL, NULL, &old, &old_refs, &err) == 0);
	CHECK_STR(old[0].who, "lab.example\\alice");
	CHECK(old[0].nrefs == 2 && old[0].refs[0] == 1 && old[0].refs[1] == 2 && old[0].first_ref == 1);
	CHECK(old[0].first_ts == fx_ts(0));
	CHECK_STR(old[5].who, NPS1);
	CHECK(old[5].nrefs == 2 && old[5].refs[0] == f[0] && old[5].refs[1] == f[1]);
	CHECK(nd_keys_assign(NULL, 0, old, g.n, &err) == 0);
	nd_grouping_free(&g);

	/* A shorter gap splits alice's first two attempts; the first is resolved by the grant. */
	CHECK(nd_group_all(&d, &c, cause, rule, 60, &g, &err) == 0);
	CHECK(g.nincidents == 6);
	CHECK(g.n > 0 && g.v[0].n == 1 && g.v[0].resolved_ref && g.v[0].resolved_ts == fx_ts(150));
	/* The part with the first failure keeps the key, the other gets its own. */
	CHECK(nd_group_keys(&d, &c, &g, NULL, NULL, &fresh, &fresh_refs, &err) == 0);
	CHECK(nd_keys_assign(old, 8, fresh, g.n, &err) == 0);
	CHECK_STR(fresh[0].key, old[0].key);
	CHECK_STR(fresh[1].key, old[1].key); /* bob */
	CHECK(fresh[2].first_ref == 2 && strcmp(fresh[2].key, old[0].key) != 0);
	/* Read where they are (nd_group_held), the groups get the same keys:
	 * each event is held by the group that has it. */
	{
		nd_key *keys = calloc(g.n + 1, sizeof(*keys));
		size_t at = 0;
		nd_group_held h;
		nd_keys_fresh fr;
		const char *who;
		int64_t first_ts, first_ref;
		int made;

		made = keys && nd_group_held_make(&d, &c, &g, keys, 0, &h, &fr, &err) == 0;
		CHECK(made && fr.n == g.n);
		if (made) { /* else fr is not set */
			CHECK(fr.holding(fr.ctx, 1, &at) == 1 && fr.holder(fr.ctx, at) == 0);
			CHECK(fr.holding(fr.ctx, 2, &at) == 1 && fr.holder(fr.ctx, at) == 2);
			CHECK(fr.holding(fr.ctx, f[1], &at) == 1 && strcmp(g.v[fr.holder(fr.ctx, at)].key, NPS1) == 0);
			CHECK(fr.holding(fr.ctx, 1000000, &at) == 0);
			fr.about(fr.ctx, 2, &who, &first_ts, &first_ref);
			CHECK(strcmp(who, fresh[2].who) == 0 && first_ts == fresh[2].first_ts && first_ref == 2);
			pass_checked(&fr, old, 8, &h, &g, keys, fresh);
		}
		free(keys);
	}
	/* Made by position (each old event looked up beforehand, as diagnose
	 * does on its reading thread), the groups hold the same events and get
	 * the same keys; a position out of range (an event not loaded) is held
	 * by none. */
	{
		nd_key *keys = calloc(g.n + 1, sizeof(*keys));
		int64_t *at_refs = calloc((size_t)(old[7].refs - old_refs) + old[7].nrefs + 1, sizeof(*at_refs));
		nd_key_incident *by_pos = calloc(8, sizeof(*by_pos));
		size_t at = 0, r, j = 0;
		nd_group_held h;
		nd_keys_fresh fr;
		int made;

		made = keys && at_refs && by_pos && nd_group_held_make(&d, &c, &g, keys, 1, &h, &fr, &err) == 0;
		CHECK(made);
		if (made) {
			const nd_event *e = nd_analysis_event(&d, 2);

			CHECK(e && fr.holding(fr.ctx, e - d.events, &at) == 1 && fr.holder(fr.ctx, at) == 2);
			CHECK(fr.holding(fr.ctx, -1, &at) == 0 && fr.holding(fr.ctx, (int64_t)d.nevents, &at) == 0);
			for (i = 0; i < 8; i++) {
				by_pos[i] = old[i];
				e = nd_analysis_event(&d, old[i].first_ref);
				by_pos[i].first_ref = e ? e - d.events : -1;
				by_pos[i].refs = at_refs + j;
				for (r = 0; r < old[i].nrefs; r++, j++) {
					e = nd_analysis_event(&d, old[i].refs[r]);
					at_refs[j] = e ? e - d.events : -1;
				}
			}
			pass_checked(&fr, by_pos, 8, &h, &g, keys, fresh);
		}
		free(keys);
		free(at_refs);
		free(by_pos);
	}
	free(old);
	free(old_refs);
	free(fresh);
	free(fresh_refs);
	nd_grouping_free(&g);

	/* Nothing judged: no groups. */
	memset(cause, 0, c.n * sizeof(*cause));
	memset(rule, 0, d.nevents * sizeof(*rule));
	CHECK(nd_group_all(&d, &c, cause, rule, 3600, &g, &err) == 0);
	CHECK(g.n == 0 && g.nincidents == 0);
	nd_grouping_free(&g);

	free(cause);
	free(rule);
	nd_correlation_free(&c);
	nd_analysis_data_free(&d);
	return check_report();
}
