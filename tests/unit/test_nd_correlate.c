/* Unit tests of nd_correlate (pairing client failures with NPS decisions)
 * and nd_correlate_offset (the clock offset of a host pair), on data built
 * in memory: no database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_fixture.h"
#include "check.h"
#include "nd_correlate.h"
#include "nd_sort.h"

#define S ND_TICKS_PER_SECOND
#define MAXEV 8

/* One event of a case: c client failure, n NPS decision, r connect. */
typedef struct ev {
	char kind;
	const char *host, *user;
	double s;
	const char *coid;  /* c */
	uint32_t event;    /* n */
	const char *fq;    /* n: FullyQualifiedSubjectUserName ("-" when unset) */
} ev;

/* A case: events, parameters and, for each event, what it became: the
 * index of the event it is paired with, ALONE (an attempt of its own),
 * RES (a resolution), or for a retry the index of its decision too. */
#define ALONE (-1)
#define RES (-2)
#define END {0, NULL, NULL, 0, NULL, 0, NULL}

typedef struct pairing_case {
	const char *name;
	double window, skew;
	ev ev[MAXEV];
	int want[MAXEV];
	size_t attempts;
} pairing_case;

#define C1 "CLIENT01.lab.example"
#define C2 "CLIENT02.lab.example"
#define NPS "NPS01.lab.example"
#define NPS2 "NPS02.lab.example"
#define COID "{11111111-2222-3333-4444-555555555555}"
#define COID2 "{66666666-2222-3333-4444-555555555555}"
#define COID0 "{00000000-0000-0000-0000-000000000000}"

static const pairing_case cases[] = {
	{"same identity within the window (UPN and DOMAIN\\user)", 5, 2,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 0.5, NULL, 0, NULL},
	  END},
	 {1, 0},
	 1},
	{"different identities are never paired", 5, 2,
	 {{'n', NPS, "bob@lab.example", 0.5, NULL, 6273, "LAB\\bob"}, {'c', C1, "LAB\\alice", 1, NULL, 0, NULL}, END},
	 {ALONE, ALONE},
	 2},
	{"outside the window", 5, 2,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 30, NULL, 0, NULL},
	  END},
	 {ALONE, ALONE},
	 2},
	{"a wider window takes it", 40, 2,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 30, NULL, 0, NULL},
	  END},
	 {1, 0},
	 1},
	{"a decision after the failure beyond the skew", 5, 2,
	 {{'c', C1, "LAB\\alice", 0, NULL, 0, NULL}, {'n', NPS, "alice@lab.example", 4, NULL, 6273, "LAB\\alice"}, END},
	 {ALONE, ALONE},
	 2},
	{"a decision just after the failure, within the skew", 5, 2,
	 {{'c', C1, "LAB\\alice", 0, NULL, 0, NULL},
	  {'n', NPS, "alice@lab.example", 0.5, NULL, 6273, "LAB\\alice"},
	  END},
	 {1, 0},
	 1},
	{"retries of one CoId are one attempt", 5, 2,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 0.6, COID, 0, NULL},
	  {'c', C1, "LAB\\alice", 1.2, COID, 0, NULL},
	  END},
	 {1, 0, 0},
	 1},
	/* A zero GUID sorts with the failures without a CoId (the same word):
	 * the CoIds' text brings the retries together again. */
	{"retries of a zero CoId are one attempt beside a failure without one", 5, 2,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 0.6, COID0, 0, NULL},
	  {'c', C1, "LAB\\alice", 1.0, NULL, 0, NULL},
	  {'c', C1, "LAB\\alice", 1.2, COID0, 0, NULL},
	  END},
	 {1, 0, ALONE, 0},
	 2},
	{"retries of a CoId that is not a GUID are one attempt", 5, 2,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 0.6, "attempt-7", 0, NULL},
	  {'c', C1, "LAB\\alice", 1.0, "attempt-8", 0, NULL},
	  {'c', C1, "LAB\\alice", 1.2, "attempt-7", 0, NULL},
	  END},
	 {1, 0, ALONE, 0},
	 2},
	{"one decision explains one failure of two CoIds", 5, 2,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 0.6, COID, 0, NULL},
	  {'c', C1, "LAB\\alice", 1.2, COID2, 0, NULL},
	  END},
	 {1, 0, ALONE},
	 2},
	{"the same CoId on two clients is two attempts", 5, 2,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 0.6, COID, 0, NULL},
	  {'c', C2, "LAB\\alice", 1.2, COID, 0, NULL},
	  END},
	 {1, 0, ALONE},
	 2},
	{"two candidates: the nearest decision", 5, 2,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6273, "LAB\\alice"},
	  {'n', NPS, "alice@lab.example", 3.5, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 4, NULL, 0, NULL},
	  END},
	 {ALONE, 2, 1},
	 2},
	{"a device decision pairs with SYSTEM on that device only", 5, 2,
	 {{'n', NPS, "host/CLIENT01.lab.example", 0, NULL, 6273, "LAB\\CLIENT01$"},
	  {'c', C2, "SYSTEM", 0.5, NULL, 0, NULL},
	  {'c', C1, "NT AUTHORITY\\SYSTEM", 0.6, NULL, 0, NULL},
	  END},
	 {2, ALONE, 0},
	 2},
	{"an unpaired grant and a connect resolve; a denial alone is an attempt", 5, 2,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6272, "LAB\\alice"},
	  {'r', C1, "LAB\\alice", 10, NULL, 0, NULL},
	  {'n', NPS, "alice@lab.example", 20, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 100, NULL, 0, NULL},
	  END},
	 {RES, RES, ALONE, ALONE},
	 2},
	{"a paired grant is not a resolution", 5, 2,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6272, "LAB\\alice"}, {'c', C1, "LAB\\alice", 1, NULL, 0, NULL}, END},
	 {1, 0},
	 1},
	{"a decision without a user is never paired", 5, 2,
	 {{'n', NPS, "-", 0, NULL, 6273, "-"}, {'c', C1, "LAB\\alice", 0.5, NULL, 0, NULL}, END},
	 {ALONE, ALONE},
	 2},
	{"a constant offset inside the skew is found", 1, 5,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 3.2, NULL, 0, NULL},
	  {'n', NPS, "alice@lab.example", 100, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 103.3, NULL, 0, NULL},
	  {'n', NPS, "alice@lab.example", 200, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 203.1, NULL, 0, NULL},
	  END},
	 {1, 0, 3, 2, 5, 4},
	 3},
	{"an offset beyond the skew that two pairs agree on is applied", 1, 2,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 3.2, NULL, 0, NULL},
	  {'n', NPS, "alice@lab.example", 100, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 103.3, NULL, 0, NULL},
	  END},
	 {1, 0, 3, 2},
	 2},
	{"a client 4 min ahead, twice: paired", 5, 2,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 241, NULL, 0, NULL},
	  {'n', NPS, "alice@lab.example", 1000, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 1241.5, NULL, 0, NULL},
	  END},
	 {1, 0, 3, 2},
	 2},
	{"order per host pair: NPS02 a minute ahead, its decision logged after NPS01's still pairs", 1, 2,
	 {{'n', NPS2, "alice@lab.example", 160, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 100.5, NULL, 0, NULL},
	  {'n', NPS2, "alice@lab.example", 260, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 200.5, NULL, 0, NULL},
	  {'n', NPS2, "alice@lab.example", 360, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 300.5, NULL, 0, NULL},
	  {'n', NPS, "alice@lab.example", 301, NULL, 6273, "LAB\\alice"},
	  {'c', C1, "LAB\\alice", 301.8, NULL, 0, NULL}},
	 {1, 0, 3, 2, 5, 4, 7, 6},
	 4},
	{"two laptops want one decision: the nearer failure takes it", 5, 2,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6273, "LAB\\alice"},
	  {'c', C2, "LAB\\alice", 0.5, NULL, 0, NULL},
	  {'c', C1, "LAB\\alice", 0.7, NULL, 0, NULL},
	  END},
	 {1, 0, ALONE},
	 2},
	{"a client 4 min ahead, once: not paired", 5, 2,
	 {{'n', NPS, "alice@lab.example", 0, NULL, 6273, "LAB\\alice"}, {'c', C1, "LAB\\alice", 241, NULL, 0, NULL}, END},
	 {ALONE, ALONE},
	 2},
};

/* Runs one pairing case. Returns nothing (checks). */
static void run_case(const pairing_case *pc)
{
	static const char *const hosts[] = {C1, C2, NPS, NPS2, NULL};
	nd_correlate_params p = {pc->window, pc->skew, NULL, 0, NULL, 0, 0, NULL, 0};
	nd_analysis_data d;
	nd_correlation c;
	nd_error err;
	int got[MAXEV];
	size_t i, k, n = 0;

	fx_init(&d, hosts);
	for (i = 0; i < MAXEV && pc->ev[i].kind; i++, n++) {
		const ev *e = &pc->ev[i];

		got[i] = 99;
		if (e->kind == 'c')
			fx_client(&d, e->host, e->user, 853, e->s, e->coid);
		else if (e->kind == 'n')
			fx_nps(&d, e->host, e->event, e->user, "LAB", e->fq, e->s, 258);
		else
			fx_connect(&d, e->host, e->user, e->s);
	}
	CHECK(fx_done(&d) == 0);
	if (nd_correlate(&d, &p, &c, &err) != 0) {
		fprintf(stderr, "%s: %s\n", pc->name, err.message);
		CHECK(0);
		nd_analysis_data_free(&d);
		return;
	}
	for (i = 0; i < c.n; i++) {
		const nd_attempt *a = &c.attempts[i];
		int nps = a->nps_ref ? (int)a->nps_ref - 1 : ALONE;

		if (a->client_ref)
			got[a->client_ref - 1] = nps;
		for (k = 0; k < a->nretries; k++)
			got[d.clients[c.retries[a->retry + k]].ref - 1] = nps;
		if (a->nps_ref)
			got[a->nps_ref - 1] = a->client_ref ? (int)a->client_ref - 1 : ALONE;
		CHECK(i == 0 || c.attempts[i - 1].ts <= a->ts);
	}
	for (i = 0; i < c.nres; i++)
		got[c.resolutions[i].ref - 1] = RES;
	for (i = 0; i < n; i++)
		if (got[i] != pc->want[i]) {
			fprintf(stderr, "%s: event %zu became %d, want %d\n", pc->name, i, got[i], pc->want[i]);
			CHECK(got[i] == pc->want[i]);
		}
	if (c.n != pc->attempts)
		fprintf(stderr, "%s: %zu attempts, want %zu\n", pc->name, c.n, pc->attempts);
	CHECK(c.n == pc->attempts);
	nd_correlation_free(&c);
	nd_analysis_data_free(&d);
}

/* An offset case: sorted deltas (seconds), window, skew, the offset. */
typedef struct offset_case {
	const char *name;
	double delta[4];
	size_t n;
	double window, skew, wide, want;
} offset_case;

static const offset_case offsets[] = {
	{"a constant offset inside the skew", {3.1, 3.2, 3.4}, 3, 1, 5, 5, 3.1},
	{"tie: the offset nearer zero (positive)", {-1.5, 1.2}, 2, 1, 2, 2, 1.2},
	{"tie: the offset nearer zero (negative)", {-1.2, 1.5}, 2, 1, 2, 2, -1.2},
	{"the window at zero already holds them", {0.5, 0.7}, 2, 1, 2, 2, 0},
	{"a delta just before zero", {-0.5}, 1, 5, 2, 2, -0.5},
	{"an offset beyond +skew is not applied", {10, 10.2}, 2, 1, 2, 2, 0},
	{"an offset beyond -skew is not applied", {-3, -2.5}, 2, 1, 2, 2, 0},
	{"clamped to the skew when that still holds more", {2.5, 2.6}, 2, 1, 2, 2, 2},
	{"no skew allowed", {3, 3.5}, 2, 1, 0, 0, 0},
	{"no candidates", {0}, 0, 1, 2, 2, 0},
	{"beyond the skew, two pairs agree within the wide range", {240, 240.5}, 2, 1, 2, 300, 240},
	{"beyond the skew, one pair alone is not enough", {240}, 1, 1, 2, 300, 0},
	{"within the skew one pair is enough", {95.5}, 1, 1, 120, 300, 95.5},
	{"beyond the wide range nothing", {400, 400.2}, 2, 1, 2, 300, 0},
};

/* Returns the NPS ref paired with client ref, 0 when alone, -1 when the
 * client is in no attempt. */
static int64_t partner_of(const nd_correlation *c, int64_t client)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->attempts[i].client_ref == client)
			return c->attempts[i].nps_ref;
	return -1;
}

/* Sets the NASPortType of decision ref. Returns nothing. */
static void set_port(nd_analysis_data *d, int64_t ref, const char *port)
{
	size_t i;

	for (i = 0; i < d->ndecisions; i++)
		if (d->decisions[i].ref == ref)
			d->decisions[i].port_type = fx_id(d, port);
}

/* Runs the correlation of d (finished here) with the code lists. Returns
 * 0, or -1 (checked). */
static int correlate(nd_analysis_data *d, double window, nd_correlation *c)
{
	static const uint32_t nopair[] = {809, 13801};
	static const uint64_t compat[] = {(uint64_t)691 << 32 | 16, (uint64_t)853 << 32 | 258};
	nd_correlate_params p = {window, 2, nopair, 2, compat, 2, 0, NULL, 0};
	nd_error err;
	int rc;

	CHECK(fx_done(d) == 0);
	rc = nd_correlate(d, &p, c, &err);
	CHECK(rc == 0);
	return rc;
}

/* Eligibility, compatibility and order: the cases greedy pairing got
 * wrong (issue 11, classes 1, 2 and 4). Returns nothing (checks). */
static void accuracy_cases(void)
{
	static const char *const hosts[] = {C1, C2, NPS, NULL};
	nd_analysis_data d;
	nd_correlation c;
	int64_t n, a, b, w, n2, late;
	size_t i, nres = 0;

	/* An IKE failure (13801 never reaches NPS) does not take the denial
	 * of the other laptop's 853, though it is nearer. */
	fx_init(&d, hosts);
	n = fx_nps(&d, NPS, 6273, "alice@lab.example", "LAB", "LAB\\alice", 0.5, 258);
	a = fx_client(&d, C1, "LAB\\alice", 13801, 0.7, NULL);
	b = fx_client(&d, C2, "LAB\\alice", 853, 1.5, NULL);
	if (correlate(&d, 5, &c) == 0) {
		CHECK(partner_of(&c, a) == 0);
		CHECK(partner_of(&c, b) == n);
		nd_correlation_free(&c);
	}
	nd_analysis_data_free(&d);

	/* A password error (691) takes the compatible reason 16, not the
	 * nearer certificate reason 265. */
	fx_init(&d, hosts);
	n = fx_nps(&d, NPS, 6273, "alice@lab.example", "LAB", "LAB\\alice", 0.5, 16);
	fx_nps(&d, NPS, 6273, "alice@lab.example", "LAB", "LAB\\alice", 1.5, 265);
	a = fx_client(&d, C1, "LAB\\alice", 691, 2, NULL);
	if (correlate(&d, 5, &c) == 0) {
		CHECK(partner_of(&c, a) == n);
		CHECK(c.n == 2);
		nd_correlation_free(&c);
	}
	nd_analysis_data_free(&d);

	/* A Wi-Fi grant a second before the VPN failure is not its decision,
	 * and a later Wi-Fi grant resolves no VPN failure. */
	fx_init(&d, hosts);
	n = fx_nps(&d, NPS, 6273, "alice@lab.example", "LAB", "LAB\\alice", 0.2, 258);
	w = fx_nps(&d, NPS, 6272, "alice@lab.example", "LAB", "LAB\\alice", 0.8, -1);
	a = fx_client(&d, C1, "LAB\\alice", 853, 1, NULL);
	late = fx_nps(&d, NPS, 6272, "alice@lab.example", "LAB", "LAB\\alice", 60, -1);
	n2 = fx_nps(&d, NPS, 6272, "alice@lab.example", "LAB", "LAB\\alice", 90, -1);
	set_port(&d, w, "Wireless - IEEE 802.11");
	set_port(&d, late, "Wireless - IEEE 802.11");
	set_port(&d, n2, "Virtual");
	if (correlate(&d, 5, &c) == 0) {
		CHECK(partner_of(&c, a) == n);
		for (i = 0; i < c.nres; i++, nres++)
			CHECK(c.resolutions[i].vpn == (c.resolutions[i].ref == n2));
		CHECK(nres == 3);
		nd_correlation_free(&c);
	}
	nd_analysis_data_free(&d);

	/* Close retries: greedy took the nearest pair (second decision with
	 * the first failure) and left both others alone; the order-preserving
	 * assignment pairs both, earlier with earlier. */
	fx_init(&d, hosts);
	n = fx_nps(&d, NPS, 6273, "alice@lab.example", "LAB", "LAB\\alice", 0, 258);
	n2 = fx_nps(&d, NPS, 6273, "alice@lab.example", "LAB", "LAB\\alice", 1, 258);
	a = fx_client(&d, C1, "LAB\\alice", 853, 1.2, NULL);
	b = fx_client(&d, C1, "LAB\\alice", 853, 6.5, NULL);
	if (correlate(&d, 6, &c) == 0) {
		CHECK(partner_of(&c, a) == n);
		CHECK(partner_of(&c, b) == n2);
		CHECK(c.n == 2);
		nd_correlation_free(&c);
	}
	nd_analysis_data_free(&d);

	/* Of two order-preserving assignments with as many pairs, the one with
	 * the smaller sum of delays. */
	fx_init(&d, hosts);
	n = fx_nps(&d, NPS, 6273, "alice@lab.example", "LAB", "LAB\\alice", 0, 258);
	n2 = fx_nps(&d, NPS, 6273, "alice@lab.example", "LAB", "LAB\\alice", 3, 258);
	a = fx_client(&d, C1, "LAB\\alice", 853, 3.2, NULL);
	if (correlate(&d, 5, &c) == 0) {
		CHECK(partner_of(&c, a) == n2);
		nd_correlation_free(&c);
	}
	nd_analysis_data_free(&d);

	/* The alternate UPN suffix: the UPN prefix differs from the
	 * sAMAccountName; FullyQualifiedSubjectUserName names the account. */
	fx_init(&d, hosts);
	n = fx_nps(&d, NPS, 6273, "john.long@company.com", "LAB", "LAB\\jdoe", 0, 16);
	a = fx_client(&d, C1, "LAB\\jdoe", 691, 1, NULL);
	if (correlate(&d, 5, &c) == 0) {
		CHECK(partner_of(&c, a) == n);
		nd_correlation_free(&c);
	}
	nd_analysis_data_free(&d);

	/* Two domains share the suffix: LAB\name and CHILD\name stay two
	 * identities, each paired with its own decision. */
	fx_init(&d, hosts);
	n = fx_nps(&d, NPS, 6273, "name@company.com", "LAB", "LAB\\name", 0, 16);
	n2 = fx_nps(&d, NPS, 6273, "name@company.com", "CHILD", "CHILD\\name", 1, 265);
	a = fx_client(&d, C2, "CHILD\\name", 853, 1.5, NULL);
	b = fx_client(&d, C1, "LAB\\name", 691, 2, NULL);
	if (correlate(&d, 5, &c) == 0) {
		CHECK(partner_of(&c, a) == n2);
		CHECK(partner_of(&c, b) == n);
		CHECK(c.n == 2 && strcmp(c.ids[c.attempts[0].id], c.ids[c.attempts[1].id]) != 0);
		nd_correlation_free(&c);
	}
	nd_analysis_data_free(&d);

	/* A lone decision 4 min before the failure is not paired, but both
	 * attempts say that they line up (and with which host). */
	fx_init(&d, hosts);
	n = fx_nps(&d, NPS, 6273, "alice@lab.example", "LAB", "LAB\\alice", 0, 258);
	a = fx_client(&d, C1, "LAB\\alice", 853, 240.5, NULL);
	if (correlate(&d, 5, &c) == 0) {
		CHECK(c.n == 2);
		for (i = 0; i < c.n; i++) {
			CHECK(c.attempts[i].lines_up && c.attempts[i].lineup == (int64_t)(240.5 * S));
			CHECK(c.attempts[i].lineup_host == nd_analysis_host(&d, c.attempts[i].client_ref ? NPS : C1));
		}
		nd_correlation_free(&c);
	}
	nd_analysis_data_free(&d);

	CHECK(nd_correlate_vpn(NULL, NULL, NULL) == 1);
	CHECK(nd_correlate_vpn("virtual", NULL, NULL) == 1);
	CHECK(nd_correlate_vpn("Ethernet", "VPN01", NULL) == 0);
	CHECK(nd_correlate_vpn("Ethernet", "VPN01", "vpn01") == 1);
}

/* The random streams of again_streams: xorshift64. Returns a number below n. */
static unsigned rnd(unsigned n)
{
	static unsigned long long x = 0x2545f4914f6cdd1dULL;

	return (unsigned)(check_xorshift(&x) % n);
}

/* qsort: data records (each begins with ref, ts) by time, then ref, as
 * nd_analysis_load keeps them. */
static int by_when(const void *pa, const void *pb)
{
	int64_t a[2], b[2];

	memcpy(a, pa, sizeof(a));
	memcpy(b, pb, sizeof(b));
	if (a[1] != b[1])
		return a[1] < b[1] ? -1 : 1;
	return a[0] < b[0] ? -1 : a[0] > b[0];
}

/* Adds one random event to d: a client failure (a retry of the user's
 * last CoId now and then, at any time: across the gap), an NPS decision
 * from one of two servers, a connect, an NPS lock or unlock. CLIENT03's
 * clock is 100 s ahead: its pairs need an offset that two pairs agree on,
 * so that a new pair moves the offset of its host pair for the others.
 * Returns nothing. */
static void random_event(nd_analysis_data *d, unsigned round)
{
	static const char *const users[] = {"alice", "bob", "carol", "dave", "erin", "frank"};
	static const char *const clients[] = {C1, C2, "CLIENT03.lab.example"};
	static const uint32_t codes[] = {853, 691, 809};
	static char coids[6][40];
	unsigned u = rnd(6), kind = rnd(12), host = (u + rnd(4) / 3) % 3;
	double s = rnd(4000) + rnd(1000) / 1000.0;
	char user[64], upn[64], fq[64];

	snprintf(user, sizeof(user), "LAB\\%s", users[u]);
	snprintf(upn, sizeof(upn), "%s@lab.example", users[u]);
	snprintf(fq, sizeof(fq), "LAB\\%s", users[u]);
	if (kind < 5) {
		if (!coids[u][0] || rnd(3))
			snprintf(coids[u], sizeof(coids[u]), "{%08u-0000-0000-0000-%012u}", round, rnd(100000));
		fx_client(d, clients[host], user, codes[rnd(3)], s + (host == 2 ? 100.5 : 0.8), coids[u]);
		if (rnd(2)) /* its decision, from one of two servers */
			fx_nps(d, rnd(3) ? NPS : NPS2, 6273, upn, "LAB", fq, s, 16);
	} else if (kind < 8) {
		fx_nps(d, rnd(2) ? NPS : NPS2, rnd(2) ? 6272 : 6273, upn, "LAB", fq, s, rnd(2) ? 16 : -1);
	} else if (kind < 10) {
		fx_connect(d, clients[host], user, s);
	} else {
		nd_decision *n = nd_analysis_add_unlock(d);

		fx_event(d, NPS, kind == 10 ? 6279 : 6280, "nps_audit", s, 0);
		n->ref = (int64_t)d->nevents;
		n->ts = fx_ts(s);
		n->host = (uint32_t)nd_analysis_host(d, NPS);
		n->event = kind == 10 ? 6279 : 6280;
		n->user = fx_id(d, upn);
		n->domain = fx_id(d, "LAB");
		n->fq = fx_id(d, fq);
	}
}

/* Returns 1 if resolutions a and b are the same, else 0. */
static int same_res(const nd_resolution *a, const nd_resolution *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(a[i].key, b[i].key) || a[i].id != b[i].id || a[i].ref != b[i].ref || a[i].ts != b[i].ts ||
		    a[i].vpn != b[i].vpn)
			return 0;
	return 1;
}

/* qsort: candidates by host pair, delta, then key. */
static int cand_order(const void *pa, const void *pb)
{
	const nd_cand *a = pa, *b = pb;

	if (a->chost != b->chost || a->nhost != b->nhost)
		return a->chost != b->chost ? (a->chost < b->chost ? -1 : 1) : (a->nhost < b->nhost ? -1 : 1);
	if (a->delta != b->delta)
		return a->delta < b->delta ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* Returns 1 if correlations a (incremental) and b (full) of d are the
 * same, else 0 (and says where they differ). */
static int same_correlation(const nd_analysis_data *d, nd_correlation *a, nd_correlation *b)
{
	size_t i, k;

	if (a->n != b->n || a->nids != b->nids || a->nres != b->nres || a->nunlocks != b->nunlocks ||
	    a->nlocks != b->nlocks || a->noffsets != b->noffsets || a->ncands != b->ncands) {
		fprintf(stderr, "again: counts differ (attempts %zu/%zu, offsets %zu/%zu)\n", a->n, b->n, a->noffsets,
			b->noffsets);
		return 0;
	}
	for (i = 0; i < a->nids; i++)
		if (strcmp(a->ids[i], b->ids[i]))
			return 0;
	for (i = 0; i < a->n; i++) {
		const nd_attempt *x = &a->attempts[i], *y = &b->attempts[i];

		if (strcmp(a->ids[x->id], b->ids[y->id]) || x->id != y->id || x->ts != y->ts || x->client != y->client ||
		    x->nps != y->nps || x->client_ref != y->client_ref || x->nps_ref != y->nps_ref ||
		    x->nretries != y->nretries || x->vpn != y->vpn || x->lines_up != y->lines_up ||
		    x->lineup != y->lineup || x->lineup_host != y->lineup_host) {
			fprintf(stderr, "again: attempt %zu differs (client %lld/%lld, nps %lld/%lld)\n", i,
				(long long)x->client_ref, (long long)y->client_ref, (long long)x->nps_ref,
				(long long)y->nps_ref);
			return 0;
		}
		for (k = 0; k < x->nretries; k++)
			if (a->retries[x->retry + k] != b->retries[y->retry + k])
				return 0;
	}
	for (i = 0; i < a->noffsets; i++)
		if (a->offsets[i].client != b->offsets[i].client || a->offsets[i].nps != b->offsets[i].nps ||
		    a->offsets[i].offset != b->offsets[i].offset)
			return 0;
	nd_sort(a->cands, a->ncands, sizeof(*a->cands), cand_order);
	nd_sort(b->cands, b->ncands, sizeof(*b->cands), cand_order);
	for (i = 0; i < a->ncands; i++)
		if (cand_order(&a->cands[i], &b->cands[i]))
			return 0;
	for (i = 0; i < d->nclients; i++)
		if (strcmp(a->client_key[i], b->client_key[i]))
			return 0;
	for (i = 0; i < d->ndecisions; i++)
		if (strcmp(a->decision_key[i], b->decision_key[i]))
			return 0;
	return same_res(a->resolutions, b->resolutions, a->nres) && same_res(a->unlocks, b->unlocks, a->nunlocks) &&
	       same_res(a->locks, b->locks, a->nlocks) && a->top == b->top;
}

/* nd_correlate_again against nd_correlate on random streams: rounds of
 * events at any time (between old ones of an identity, retries across the
 * gap, identities served by two NPS servers, a client whose clock offset
 * two pairs must establish), each round correlated again from the last
 * round's result and in full; both must be the same. A round that brings
 * a new domain must be refused (1). Returns nothing (checks). */
static void again_streams(void)
{
	static const char *const hosts[] = {C1, C2, "CLIENT03.lab.example", NPS, NPS2, NULL};
	static const uint32_t nopair[] = {809};
	nd_correlate_params p = {5, 2, nopair, 1, NULL, 0, 1, NULL, 0};
	nd_analysis_data d;
	nd_correlation prev, full, inc;
	nd_error err;
	unsigned round, k, ok = 0, refused = 0, partial = 0;

	fx_init(&d, hosts);
	memset(&prev, 0, sizeof(prev));
	for (round = 0; round <= 60; round++) {
		int rc;

		for (k = round ? rnd(4) : 20; k > 0; k--)
			random_event(&d, round);
		if (round == 40) /* a new domain: keys could change */
			fx_nps(&d, NPS, 6273, "zed@other.example", "OTHER", "OTHER\\zed", 5, 16);
		nd_sort(d.clients, d.nclients, sizeof(*d.clients), by_when);
		nd_sort(d.decisions, d.ndecisions, sizeof(*d.decisions), by_when);
		nd_sort(d.connects, d.nconnects, sizeof(*d.connects), by_when);
		nd_sort(d.unlocks, d.nunlocks, sizeof(*d.unlocks), by_when);
		if (round == 0) {
			CHECK(nd_correlate(&d, &p, &prev, &err) == 0);
			continue;
		}
		CHECK(nd_correlate(&d, &p, &full, &err) == 0);
		rc = nd_correlate_again(&d, &p, &prev, &inc, &err);
		CHECK(rc == 0 || rc == 1);
		if (rc == 1) {
			refused++;
			CHECK(round == 40);
			CHECK(nd_correlate(&d, &p, &inc, &err) == 0);
			nd_correlation_free(&prev);
		}
		partial += inc.n > 0 && rc == 0;
		if (same_correlation(&d, &inc, &full))
			ok++;
		else
			fprintf(stderr, "again: round %u differs from a full correlation\n", round);
		nd_correlation_free(&full);
		prev = inc;
	}
	CHECK(ok == 60 && refused == 1 && partial > 50);
	nd_correlation_free(&prev);
	nd_analysis_data_free(&d);
}

/* Reverses v[0..n) (each size bytes, at most 64). Returns nothing. */
static void reverse(void *v, size_t n, size_t size)
{
	unsigned char *b = v, t[64];
	size_t i;

	for (i = 0; i < n / 2; i++) {
		memcpy(t, b + i * size, size);
		memcpy(b + i * size, b + (n - 1 - i) * size, size);
		memcpy(b + (n - 1 - i) * size, t, size);
	}
}

/* Returns 1 if correlation a (of d before its clients were reversed) and
 * b (of d) pair the same events the same way, else 0. */
static int same_by_ref(const nd_analysis_data *d, const nd_correlation *a, const nd_correlation *b)
{
	size_t i, k;

	if (a->n != b->n || a->nres != b->nres || a->noffsets != b->noffsets || a->nretries != b->nretries)
		return 0;
	for (i = 0; i < a->n; i++) {
		const nd_attempt *x = &a->attempts[i], *y = &b->attempts[i];

		if (strcmp(a->ids[x->id], b->ids[y->id]) || x->ts != y->ts || x->client_ref != y->client_ref ||
		    x->nps_ref != y->nps_ref || x->nretries != y->nretries || x->vpn != y->vpn ||
		    x->lines_up != y->lines_up || x->lineup != y->lineup || x->lineup_host != y->lineup_host)
			return 0;
		for (k = 0; k < x->nretries; k++)
			if (d->clients[d->nclients - 1 - a->retries[x->retry + k]].ref !=
			    d->clients[b->retries[y->retry + k]].ref)
				return 0;
	}
	for (i = 0; i < a->noffsets; i++)
		if (a->offsets[i].client != b->offsets[i].client || a->offsets[i].nps != b->offsets[i].nps ||
		    a->offsets[i].offset != b->offsets[i].offset)
			return 0;
	return same_res(a->resolutions, b->resolutions, a->nres);
}

/* nd_correlate on events in time order (as loading leaves them: items put
 * in place, attempts merged) and on the same events in reverse (sorted):
 * the same attempts, retries, offsets and resolutions, on random streams.
 * Returns nothing (checks). */
static void any_order(void)
{
	static const char *const hosts[] = {C1, C2, "CLIENT03.lab.example", NPS, NPS2, NULL};
	static const uint32_t nopair[] = {809};
	nd_correlate_params p = {5, 2, nopair, 1, NULL, 0, 0, NULL, 0};
	unsigned round, k;

	for (round = 0; round < 20; round++) {
		nd_analysis_data d;
		nd_correlation a, b;
		nd_error err;
		int rc;

		fx_init(&d, hosts);
		for (k = 0; k < 40 + round * 10; k++)
			random_event(&d, round);
		nd_sort(d.clients, d.nclients, sizeof(*d.clients), by_when);
		nd_sort(d.decisions, d.ndecisions, sizeof(*d.decisions), by_when);
		nd_sort(d.connects, d.nconnects, sizeof(*d.connects), by_when);
		rc = nd_correlate(&d, &p, &a, &err);
		CHECK(rc == 0);
		reverse(d.clients, d.nclients, sizeof(*d.clients));
		reverse(d.decisions, d.ndecisions, sizeof(*d.decisions));
		reverse(d.connects, d.nconnects, sizeof(*d.connects));
		CHECK(nd_correlate(&d, &p, &b, &err) == 0);
		CHECK(a.nretries > 0 || round < 5);
		if (rc == 0 && !same_by_ref(&d, &a, &b))
			fprintf(stderr, "any order: round %u differs\n", round);
		CHECK(rc != 0 || same_by_ref(&d, &a, &b));
		nd_correlation_free(&a);
		nd_correlation_free(&b);
		nd_analysis_data_free(&d);
	}
}

/* Returns the line-up a naive search gives the unpaired attempt a of c
 * (one identity, one host pair, offset o): of the events of the other
 * side left unpaired whose delta is within [-wide, window + wide] but,
 * corrected, not within [0, window], the earliest; its delta in *delta.
 * Returns 1 if there is one, else 0. */
static int naive_lineup(const nd_analysis_data *d, const nd_correlation *c, const nd_attempt *a, int64_t o,
			int64_t *delta)
{
	int64_t window = (int64_t)(c->window_s * S), wide = (int64_t)(ND_CORRELATE_WIDE_S * S), best = INT64_MAX;
	size_t i;

	for (i = 0; i < c->n; i++) {
		const nd_attempt *b = &c->attempts[i];
		int64_t x, ts;

		if (a->client != ND_ATTEMPT_NONE ? (b->client != ND_ATTEMPT_NONE || b->nps == ND_ATTEMPT_NONE)
					 : b->client == ND_ATTEMPT_NONE || b->nps != ND_ATTEMPT_NONE)
			continue;
		x = a->client != ND_ATTEMPT_NONE ? a->ts - b->ts : b->ts - a->ts;
		ts = b->ts;
		if (x < -wide || x > window + wide || (x - o >= 0 && x - o <= window) || ts >= best)
			continue;
		best = ts;
		*delta = x;
	}
	(void)d;
	return best != INT64_MAX;
}

/* Many failures and denials of one user close together, most of their
 * candidate pairs outside the window (more than within_window moves in
 * one pass): every unpaired attempt lines up with the earliest event of
 * the other side left unpaired outside the window, as a naive search
 * finds it. Returns nothing (checks). */
static void dense_lineups(void)
{
	static const char *const hosts[] = {C1, NPS, NULL};
	nd_correlate_params p = {5, 2, NULL, 0, NULL, 0, 0, NULL, 0};
	nd_analysis_data d;
	nd_correlation c;
	nd_error err;
	size_t i, lined = 0;
	unsigned k;

	fx_init(&d, hosts);
	for (k = 0; k < 300; k++) {
		double s = rnd(600000) / 1000.0;

		if (k % 2)
			fx_client(&d, C1, "LAB\\alice", 853, s, NULL);
		else
			fx_nps(&d, NPS, 6273, "alice@lab.example", "LAB", "LAB\\alice", s, 16);
	}
	nd_sort(d.clients, d.nclients, sizeof(*d.clients), by_when);
	nd_sort(d.decisions, d.ndecisions, sizeof(*d.decisions), by_when);
	CHECK(nd_correlate(&d, &p, &c, &err) == 0);
	CHECK(c.noffsets == 1);
	for (i = 0; i < c.n && c.noffsets == 1; i++) {
		const nd_attempt *a = &c.attempts[i];
		int64_t delta = 0;
		int want = a->client == ND_ATTEMPT_NONE || a->nps == ND_ATTEMPT_NONE
			       ? naive_lineup(&d, &c, a, c.offsets[0].offset, &delta)
			       : 0;

		lined += (size_t)want;
		CHECK(a->lines_up == want);
		CHECK(!want || a->lineup == delta);
	}
	CHECK(lined > 20 && c.n < 290);
	nd_correlation_free(&c);
	nd_analysis_data_free(&d);
}

int main(void)
{
	size_t i, k;

	accuracy_cases();
	again_streams();
	any_order();
	dense_lineups();

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		const offset_case *oc = &offsets[i];
		int64_t d[4], got;

		for (k = 0; k < oc->n; k++)
			d[k] = (int64_t)(oc->delta[k] * S);
		got = nd_correlate_offset(d, oc->n, (int64_t)(oc->window * S), (int64_t)(oc->skew * S), (int64_t)(oc->wide * S));
		if (got != (int64_t)(oc->want * S))
			fprintf(stderr, "%s: offset %lld, want %lld\n", oc->name, (long long)got,
				(long long)(oc->want * S));
		CHECK(got == (int64_t)(oc->want * S));
	}
	return check_report();
}
