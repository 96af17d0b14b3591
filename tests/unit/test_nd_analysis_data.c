/* Unit tests of nd_analysis_data (the loaded data and its look-ups: host
 * index, fields without case and the pseudo-fields, the nearest event of
 * a list, one event loaded twice, equal values copied once, arrays fitted,
 * logged times kept as runs, events indexed later, events found by ref,
 * hosts put among the known ones) and nd_strpool: no database. */
#include <stdio.h>
#include <stdlib.h>

#include "analysis_fixture.h"
#include "check.h"
#include "nd_strpool.h"

#define C1 "CLIENT01.lab.example"
#define DC "DC01.lab.example"
#define NPS "NPS01.lab.example"

/* A near case: the list asked for, the window, the center, the ref. */
typedef struct near_case {
	const char *name;
	nd_rule_event ev[2];
	size_t n;
	double window, center;
	int64_t want;
} near_case;

static char kdc[] = "kdc", remoteaccess[] = "remoteaccess";

/* Logged times: runs of following refs with one text, joined after the
 * sort (an event loaded twice inside its run), looked up by ref. */
static void test_times(void)
{
	nd_analysis_data d;
	static const struct {
		int64_t ref;
		int b; /* text b, else a */
	} add[] = {{5, 0}, {6, 0}, {9, 0}, {7, 1}, {6, 0}, {12, 0}, {10, 0}, {3, 1}};
	size_t i;

	memset(&d, 0, sizeof(d));
	for (i = 0; i < sizeof(add) / sizeof(add[0]); i++)
		CHECK(nd_analysis_add_time(&d, add[i].ref, add[i].b ? "b" : "a") == 0);
	CHECK(d.ntimes == 7); /* 5-6 ran on while added */
	nd_analysis_times_sort(&d);
	CHECK(d.ntimes == 5); /* 3 b, 5-6 a, 7 b, 9-10 a, 12 a */
	for (i = 0; i < 14; i++) {
		const char *t = nd_analysis_time(&d, (int64_t)i);
		const char *want = i == 3 || i == 7 ? "b" : i == 5 || i == 6 || i == 9 || i == 10 || i == 12 ? "a" : NULL;

		CHECK(want ? t && strcmp(t, want) == 0 : t == NULL);
	}
	nd_analysis_data_free(&d);
}

/* Events added later (nd_analysis_index_more: one between old ones, one
 * the newest): by_ts holds every event once, by time then ref. Then hosts
 * put among the known ones (nd_analysis_insert_hosts): byte order, and
 * every record renumbered. Returns nothing. */
/* Many hosts: found by name as the index grows and after new ones are put
 * among them, also through the hash nd_analysis_host_hash gave (a look-up
 * fetched ahead); an unknown name is not found. */
static void test_hosts(void)
{
	nd_analysis_data d;
	const char *added[2];
	size_t map[3001], i, found = 0, hashed = 0;
	char name[32];
	nd_error err;
	int oom = 0;

	memset(&d, 0, sizeof(d));
	CHECK(nd_analysis_host_hashed(&d, "H00000.lab.example", nd_analysis_host_hash(&d, "H00000.lab.example")) == 0);
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "H%05u.lab.example", (unsigned)(2 * i));
		CHECK(nd_analysis_add_host(&d, name, &err) == 0);
	}
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "H%05u.lab.example", (unsigned)(2 * i));
		found += nd_analysis_host(&d, name) == i;
		hashed += nd_analysis_host_hashed(&d, name, nd_analysis_host_hash(&d, name)) == i;
	}
	CHECK(found == 3000 && hashed == 3000 && nd_analysis_host(&d, "H00001.lab.example") == 3000);
	CHECK(nd_analysis_host_hashed(&d, "H00001.lab.example", nd_analysis_host_hash(&d, "H00001.lab.example")) == 3000);
	added[0] = nd_analysis_str(&d, "H00001.lab.example", 1, &oom);
	added[1] = nd_analysis_str(&d, "H05999.lab.example", 1, &oom);
	CHECK(!oom && nd_analysis_insert_hosts(&d, added, 2, map, &err) == 0);
	CHECK(nd_analysis_host(&d, "H00001.lab.example") == 1 && nd_analysis_host(&d, "H00002.lab.example") == 2);
	CHECK(nd_analysis_host(&d, "H05998.lab.example") == 3000 && nd_analysis_host(&d, "H05999.lab.example") == 3001);
	CHECK(nd_analysis_host(&d, "H00003.lab.example") == 3002 && map[2999] == 3000 && map[3000] == 3002);
	nd_analysis_data_free(&d);
}

/* CoIds: a GUID as RasClient logs it is held as bytes and read back as
 * logged; other texts are kept as they are (lower case, short, long, a
 * dash or brace missing or moved, a byte next to the digits' ranges);
 * they compare as their texts. */
static void test_coids(void)
{
	static const char *const texts[] = {
	    "{0A1B2C3D-4E5F-6789-ABCD-EF0123456789}",  "{0A1B2C3D-4E5F-6789-ABCD-EF012345678A}",
	    "{0a1b2c3d-4e5f-6789-abcd-ef0123456789}",  "{0A1B2C3D-4E5F-6789-ABCD-EF01234567}",
	    "{0A1B2C3D-4E5F-6789-ABCD_EF0123456789}",  "{0A1B2C3D-4E5F-6789-ABCD-EF0123456789",
	    "{0A1B2C3D-4E5F-6789-ABCD-EF0123456789}x", "{FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF}",
	    "{00000000-0000-0000-0000-000000000000}",  "attempt 7",
	    "{0A1B2C3D-4E5F-6789-ABCD-EF01234567G9}",  "{0A1B2C3D14E5F-6789-ABCD-EF0123456789}",
	    "[0A1B2C3D-4E5F-6789-ABCD-EF0123456789]",  "{0A1B2C3D-4E5F-6789-ABCD-EF012345678:}",
	    "{/A1B2C3D-4E5F-6789-ABCD-EF012345678@}"};
	enum { N = sizeof(texts) / sizeof(texts[0]) };
	nd_analysis_data d;
	nd_client_failure c[N + 1];
	char buf[ND_COID_TEXT];
	size_t i, j;

	memset(&d, 0, sizeof(d));
	memset(c, 0, sizeof(c));
	for (i = 0; i < N; i++) {
		CHECK(nd_analysis_set_coid(&d, &c[i], texts[i]) == 0);
		CHECK_STR(nd_analysis_coid(&c[i], buf), texts[i]);
		CHECK(c[i].coid_guid == (i < 2 || i == 7 || i == 8));
	}
	CHECK(nd_analysis_set_coid(&d, &c[N], "") == 0 && !nd_analysis_has_coid(&c[N]) &&
	      nd_analysis_coid(&c[N], buf) == NULL && nd_analysis_has_coid(&c[9]));
	for (i = 0; i <= N; i++)
		for (j = 0; j <= N; j++) {
			int want = strcmp(i < N ? texts[i] : "", j < N ? texts[j] : ""),
			    got = nd_analysis_coid_cmp(&c[i], &c[j]);

			CHECK((want < 0) == (got < 0) && (want > 0) == (got > 0));
		}
	nd_analysis_data_free(&d);
}

static void test_more(nd_analysis_data *d)
{
	size_t first = d->nevents, i, map[4], seen = 0;
	const char *added[2];
	nd_error err;
	int oom = 0;

	fx_event(d, DC, 39, "kdc", 101, ND_EVENT_NEAR);
	fx_event(d, NPS, 39, "kdc", 200, ND_EVENT_NEAR);
	CHECK(nd_analysis_index_more(d, first, &err) == 0 && d->nevents == first + 2);
	for (i = 0; i < d->nevents; i++)
		seen += d->by_ts[i];
	CHECK(seen == d->nevents * (d->nevents - 1) / 2); /* each index once */
	for (i = 1; i < d->nevents; i++)
		CHECK(d->events[d->by_ts[i - 1]].ts < d->events[d->by_ts[i]].ts ||
		      (d->events[d->by_ts[i - 1]].ts == d->events[d->by_ts[i]].ts &&
		       d->events[d->by_ts[i - 1]].ref < d->events[d->by_ts[i]].ref));
	CHECK(d->events[d->by_ts[d->nevents - 1]].ts == fx_ts(200));

	added[0] = nd_analysis_str(d, "MID.lab.example", 1, &oom);
	added[1] = nd_analysis_str(d, "BOX01.lab.example", 1, &oom);
	CHECK(!oom && nd_analysis_insert_hosts(d, added, 2, map, &err) == 0);
	CHECK(d->nhosts == 5 && map[0] == 1 && map[1] == 2 && map[2] == 4 && map[3] == 5); /* unknown: 3 -> 5 */
	CHECK_STR(d->hosts[0], "BOX01.lab.example");
	CHECK_STR(d->hosts[3], "MID.lab.example");
	CHECK(nd_analysis_host(d, NPS) == 4 && nd_analysis_host(d, "MID.lab.example") == 3);
	CHECK(d->clients[0].host == 1 && d->events[d->nevents - 1].host == 4);
	CHECK(d->events[0].host == 2); /* DC01: was 1 */
	for (i = 0; i < d->nevents; i++)
		CHECK(d->events[i].host == 1 || d->events[i].host == 2 || d->events[i].host == 4);
}

/* nd_analysis_event through by_ref: refs close together, far apart (a
 * span of refs much larger than the events, and much smaller), loaded
 * out of order and twice; every ref found, none of those around it, nor
 * below the lowest or above the highest; at most one part per event;
 * made again for events indexed later. */
static void test_refs(void)
{
	static const int64_t refs[] = {7, 3, 4, 5, 1000, 1001, 5000000, 3, 5000003, 1LL << 40, (1LL << 40) + 2};
	static const int64_t absent[] = {INT64_MIN, -1, 0, 1, 2, 6, 8, 999, 1002, 4999999, 5000001, 5000002,
					 5000004, (1LL << 40) - 1, (1LL << 40) + 1, (1LL << 40) + 3, INT64_MAX};
	static const char *const hosts[] = {C1, NULL};
	nd_analysis_data d;
	nd_error err;
	size_t i, k, n = sizeof(refs) / sizeof(refs[0]);

	fx_init(&d, hosts);
	for (i = 0; i < n; i++) {
		fx_event(&d, C1, 39, "kdc", (double)i, ND_EVENT_NEAR);
		d.events[d.nevents - 1].ref = refs[i];
	}
	CHECK(nd_analysis_index(&d, &err) == 0 && d.nevents == n - 1 && d.by_ref && d.nby_ref <= d.nevents);
	for (k = 0; k < 2; k++) {
		for (i = 0; i < n; i++)
			CHECK(nd_analysis_event(&d, refs[i]) && nd_analysis_event(&d, refs[i])->ref == refs[i]);
		for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
			CHECK(nd_analysis_event(&d, absent[i]) == NULL);
		if (k == 0) { /* later: refs above all, close together (the span now much smaller than 2^40) */
			size_t first = d.nevents;

			fx_event(&d, C1, 39, "kdc", 20, ND_EVENT_NEAR);
			d.events[d.nevents - 1].ref = (1LL << 40) + 4;
			CHECK(nd_analysis_index_more(&d, first, &err) == 0 && d.nevents == n && d.nby_ref <= d.nevents);
			CHECK(nd_analysis_event(&d, (1LL << 40) + 4) && nd_analysis_event(&d, (1LL << 40) + 5) == NULL);
		}
	}
	nd_analysis_data_free(&d);
}

/* qsort-style: ints ascending. */
static int int_order(const void *pa, const void *pb)
{
	int a = *(const int *)pa, b = *(const int *)pb;

	return a < b ? -1 : a > b;
}

/* nd_analysis_keep_order: a prefix said to be in order, a run that goes
 * on past it, and appended values that go before, between and after. */
static void test_keep_order(void)
{
	static const struct {
		int v[10];
		size_t n, old;
	} cases[] = {
	    {{0}, 0, 0},                                     /* empty */
	    {{1, 2, 3, 4, 5, 6}, 6, 0},                      /* all in order: nothing moves */
	    {{2, 4, 6, 8, 9, 1, 5, 10, 3, 7}, 10, 3},        /* the run goes on past old, then unsorted */
	    {{5, 6, 7, 1, 2, 3}, 6, 3},                      /* appended in order, all before */
	    {{1, 3, 5, 7, 9, 8, 6, 4, 2, 0}, 10, 5},         /* appended backwards */
	    {{3, 3, 1, 3, 2, 2}, 6, 0},                      /* equal values */
	    {{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, 10, 0},         /* nothing in order */
	};
	size_t i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int v[10], want[10];

		memcpy(v, cases[i].v, sizeof(v));
		memcpy(want, cases[i].v, sizeof(want));
		qsort(want, cases[i].n ? cases[i].n : 1, sizeof(*want), int_order);
		CHECK(nd_analysis_keep_order(v, cases[i].n, cases[i].old, sizeof(*v), int_order) == 0);
		for (j = 0; j < cases[i].n; j++)
			CHECK(v[j] == want[j]);
	}
}

int main(void)
{
	static const char *const hosts[] = {C1, DC, NPS, NULL};
	/* Events 1..6 below: KDC 39 at 100 and 110 (DC), KDC 40 at 104, RemoteAccess 20276 at 96, a KDC 39
	 * of another family at 102, a client failure at 105. */
	const near_case near[] = {
		{"nearest of one id", {{kdc, 39}}, 1, 300, 104, 1},
		{"nearest of one id, later one", {{kdc, 39}}, 1, 300, 108, 2},
		{"a tie goes to the smaller ref", {{kdc, 39}}, 1, 300, 105, 1},
		{"family not given: any family", {{NULL, 39}}, 1, 300, 102.5, 5},
		{"outside the window", {{kdc, 39}}, 1, 3, 106, 0},
		{"the window is inclusive", {{kdc, 39}}, 1, 4, 106, 2},
		{"of two ids, the nearer", {{kdc, 39}, {remoteaccess, 20276}}, 2, 300, 97, 4},
		{"of two at equal distance, the first listed", {{kdc, 40}, {kdc, 39}}, 2, 300, 102, 3},
		{"an id nobody logged", {{kdc, 41}}, 1, 300, 100, 0},
		{"an empty list", {{kdc, 39}}, 0, 300, 100, 0},
	};
	nd_analysis_data d;
	nd_strpool pool = {0};
	int ok;
	char big[100000];
	const char *a, *b;
	size_t i;
	int64_t ref;

	test_times();
	test_keep_order();
	test_refs();
	test_hosts();
	test_coids();
	fx_init(&d, hosts);
	CHECK(d.nhosts == 3 && nd_analysis_host(&d, DC) == 1 && nd_analysis_host(&d, "dc01.lab.example") == 3);
	fx_name(&d, "Mode");
	fx_name(&d, "EAPType");
	fx_name(&d, "eaptype");
	fx_name(&d, "computer");
	CHECK(d.nnames == 2);
	fx_event(&d, DC, 39, "kdc", 100, ND_EVENT_NEAR);
	fx_event(&d, DC, 39, "kdc", 110, ND_EVENT_NEAR);
	fx_event(&d, DC, 40, "kdc", 104, ND_EVENT_NEAR);
	fx_event(&d, DC, 20276, "remoteaccess", 96, ND_EVENT_NEAR);
	fx_event(&d, DC, 39, "other", 102, ND_EVENT_NEAR);
	ref = fx_client(&d, C1, "LAB\\alice", 853, 105, NULL);
	fx_field(&d, ref, "EAPType", "PEAP");
	fx_field(&d, ref, "Mode", "");
	/* The same event loaded again by a rule's event list: one event, both flags. */
	fx_event(&d, C1, 20227, "rasclient", 105, ND_EVENT_FINDING);
	d.events[d.nevents - 1].ref = ref;
	CHECK(fx_done(&d) == 0);
	CHECK(d.nevents == 6);
	CHECK(nd_analysis_event(&d, ref) && nd_analysis_event(&d, ref)->flags == (ND_EVENT_SUBJECT | ND_EVENT_FINDING));
	CHECK(nd_analysis_event(&d, 99) == NULL && nd_analysis_event(&d, 0) == NULL);
	for (i = 1; i < d.nevents; i++)
		CHECK(d.events[d.by_ts[i - 1]].ts <= d.events[d.by_ts[i]].ts);

	/* Fields: by name without case; computer and provider from the event; absent values. */
	CHECK_STR(nd_analysis_field(&d, ref, "EAPType"), "PEAP");
	CHECK_STR(nd_analysis_field(&d, ref, "eaptype"), "PEAP");
	CHECK_STR(nd_analysis_field(&d, ref, "Mode"), "");
	CHECK_STR(nd_analysis_field(&d, ref, "computer"), C1);
	CHECK_STR(nd_analysis_field(&d, ref, "provider"), "rasclient");
	CHECK(nd_analysis_field(&d, ref, "Computer") == NULL);
	CHECK(nd_analysis_field(&d, ref, "NASIdentifier") == NULL);
	CHECK(nd_analysis_field(&d, 1, "EAPType") == NULL);
	CHECK(nd_analysis_field(&d, 0, "computer") == NULL);
	CHECK(nd_analysis_field(&d, 99, "computer") == NULL);
	/* The same read from the event in hand. */
	CHECK_STR(nd_analysis_field_in(&d, nd_analysis_event(&d, ref), nd_analysis_field_pos(&d, "eaptype")), "PEAP");
	CHECK_STR(nd_analysis_field_in(&d, nd_analysis_event(&d, ref), nd_analysis_field_pos(&d, "computer")), C1);
	CHECK_STR(nd_analysis_field_in(&d, nd_analysis_event(&d, ref), nd_analysis_field_pos(&d, "provider")),
		  "rasclient");
	CHECK(nd_analysis_field_in(&d, nd_analysis_event(&d, ref), nd_analysis_field_pos(&d, "NASIdentifier")) == NULL);
	CHECK(nd_analysis_field_in(&d, NULL, nd_analysis_field_pos(&d, "computer")) == NULL);

	for (i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
		int64_t got = nd_analysis_near(&d, near[i].ev, near[i].n, near[i].window, fx_ts(near[i].center));

		if (got != near[i].want)
			fprintf(stderr, "%s: got %lld, want %lld\n", near[i].name, (long long)got,
				(long long)near[i].want);
		CHECK(got == near[i].want);
	}
	test_more(&d);
	nd_analysis_data_free(&d);
	CHECK(d.nevents == 0 && d.events == NULL);

	/* nd_analysis_str: absent and empty values. */
	{
		int oom = 0;

		CHECK(nd_analysis_str(&d, NULL, 0, &oom) == NULL && nd_analysis_str(&d, "", 0, &oom) == NULL);
		CHECK_STR(nd_analysis_str(&d, NULL, 1, &oom), "");
		CHECK_STR(nd_analysis_str(&d, "x", 0, &oom), "x");
		/* A value logged again is the same copy; another value is not. */
		a = nd_analysis_str(&d, "LAB\\alice", 0, &oom);
		CHECK(a && nd_analysis_str(&d, "LAB\\alice", 0, &oom) == a);
		CHECK(nd_analysis_str(&d, "LAB\\alicf", 0, &oom) != a);
		/* A unique value is copied as it is, without being shared. */
		b = nd_analysis_str_unique(&d, "LAB\\alice", 0, &oom);
		CHECK_STR(b, "LAB\\alice");
		CHECK(b != a && nd_analysis_str_unique(&d, "", 0, &oom) == NULL);
		CHECK_STR(nd_analysis_str_unique(&d, NULL, 1, &oom), "");
		CHECK(oom == 0);
		/* Field values: the value of a name repeated from the last event is
		 * the same shared string; values alternating between names too. */
		{
			static const char *const vals[] = {"VPN01", "VPN02", "VPN01", "VPN01", "x"};
			const char *got[5][2];
			size_t k, nas, pol;
			nd_error err;

			CHECK(nd_analysis_add_name(&d, "NASIdentifier", &err) == 0 &&
			      nd_analysis_add_name(&d, "PolicyName", &err) == 0);
			nas = nd_analysis_name(&d, "NASIdentifier");
			pol = nd_analysis_name(&d, "PolicyName");
			for (k = 0; k < 5; k++) {
				nd_event *e = nd_analysis_add_event(&d);

				CHECK(nd_analysis_add_field(&d, e, nas, vals[k]) == 0 &&
				      nd_analysis_add_field(&d, e, pol, vals[4 - k]) == 0);
				got[k][0] = nd_analysis_field_of(&d, e, nas);
				got[k][1] = nd_analysis_field_of(&d, e, pol);
			}
			for (k = 0; k < 5; k++) {
				CHECK_STR(got[k][0], vals[k]);
				CHECK_STR(got[k][1], vals[4 - k]);
			}
			CHECK(got[0][0] == got[2][0] && got[2][0] == got[3][0] && got[3][0] == got[1][1] &&
			      got[1][1] == got[2][1] && got[2][1] == got[4][1]);
			CHECK(got[1][0] == got[3][1] && got[4][0] == got[0][1] && got[1][0] != got[0][0]);
			/* A value interned already (its hash first: nd_analysis_str_id_hashed)
			 * is added by its id, the same shared string; ND_STR_NONE (a failed
			 * look-up) is refused and adds nothing. */
			{
				uint64_t h = nd_intern_hash(&d.strings, "VPN03");
				uint32_t id = nd_analysis_str_id_hashed(&d, "VPN03", h, &oom);
				nd_event *e = nd_analysis_add_event(&d);

				CHECK(id != ND_STR_NONE && oom == 0 && id == nd_analysis_str_id(&d, "VPN03", 0, &oom));
				CHECK(nd_analysis_add_field_id(&d, e, nas, id) == 0);
				CHECK(nd_analysis_field_of(&d, e, nas) == d.strings.v[id]);
				CHECK(nd_analysis_add_field_id(&d, e, pol, ND_STR_NONE) == -1);
				CHECK(nd_analysis_field_of(&d, e, pol) == NULL);
			}
		}
		nd_analysis_data_free(&d);
	}

	/* nd_analysis_fit: the arrays shrink to what they hold and keep it; the
	 * index of the shared strings goes, the field values stay; a string
	 * copied after the fit is still found again. */
	{
		int oom = 0;

		fx_init(&d, hosts);
		fx_name(&d, "Mode");
		for (i = 0, ok = 1; i < 100; i++)
			ok &= fx_event(&d, DC, 39, "kdc", (double)i, ND_EVENT_NEAR) != 0;
		CHECK(ok && d.cap_events > d.nevents);
		fx_field(&d, 7, "Mode", "Audit");
		a = nd_analysis_str(&d, "Virtual", 0, &oom);
		nd_analysis_fit(&d, 0);
		CHECK(d.cap_events == 100 && d.events[99].ts == fx_ts(99) && d.strings.slots.n == 0);
		CHECK_STR(nd_analysis_field(&d, 7, "Mode"), "Audit");
		CHECK(nd_analysis_field(&d, 8, "Mode") == NULL);
		CHECK_STR(a, "Virtual");
		b = nd_analysis_str(&d, "Virtual", 0, &oom);
		CHECK_STR(b, "Virtual");
		CHECK(nd_analysis_str(&d, "Virtual", 0, &oom) == b && oom == 0);
		nd_analysis_data_free(&d);
	}

	/* Rules reading 65,536 field names are refused as such (an event's
	 * values count in 16 bits), not as a failed allocation. */
	{
		nd_analysis_data many;
		nd_error err;

		memset(&many, 0, sizeof(many));
		CHECK((many.names = calloc(UINT16_MAX, sizeof(*many.names))) != NULL);
		for (i = 0; many.names && i < UINT16_MAX; i++)
			many.names[i] = "Field";
		many.nnames = many.cap_names = many.names ? UINT16_MAX : 0;
		CHECK(nd_analysis_add_name(&many, "Field", &err) == 0); /* known: nothing added */
		CHECK(nd_analysis_add_name(&many, "Other", &err) == -1);
		CHECK_STR(err.message, "the rules read more than 65535 event fields");
		nd_analysis_data_free(&many);
	}

	/* The pool: strings stay where they are while it grows, a long one included. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	a = nd_strpool_add(&pool, "first");
	for (i = 0, ok = 1; i < 20000; i++)
		ok &= nd_strpool_add(&pool, "filler") != NULL;
	CHECK(ok);
	b = nd_strpool_add(&pool, big);
	CHECK(nd_strpool_add(&pool, "after") != NULL);
	CHECK_STR(a, "first");
	CHECK(b && strlen(b) == sizeof(big) - 1);
	CHECK_STR(nd_strpool_addn(&pool, "abcdef", 3), "abc");
	nd_strpool_free(&pool);
	CHECK(pool.head == NULL);
	return check_report();
}
