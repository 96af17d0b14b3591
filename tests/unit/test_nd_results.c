/* Unit tests of nd_results, the one reader of the results: the Error-853
 * fixture ingested and diagnosed into a fresh database, then read back as
 * incident views. Usage: test_results SRC_DIR. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "nd_codes.h"
#include "nd_diagnose.h"
#include "nd_ingest.h"
#include "nd_results.h"
#include "nd_rules.h"
#include "nd_store.h"

/* Builds the database. Returns the store, or NULL. */
static nd_store *build(const char *src, const char *db)
{
	char fixture[4096], rules_dir[4096], codes[4096];
	char *paths[1] = {fixture};
	nd_diagnose_params params = ND_DIAGNOSE_DEFAULTS;
	nd_ingest_report rep = {0};
	nd_ingest_totals totals;
	nd_diagnose_stats st;
	nd_store *s = NULL;
	nd_rules rules;
	nd_error err;
	int rc;

	snprintf(fixture, sizeof(fixture), "%s/tests/fixtures/error853", src);
	snprintf(rules_dir, sizeof(rules_dir), "%s/rules", src);
	snprintf(codes, sizeof(codes), "%s/rules/codes", src);
	memset(&totals, 0, sizeof(totals));
	rc = nd_rules_init(&rules, &err) != 0 || nd_rules_load_dir(&rules, rules_dir, &err) != 0 ||
	     nd_store_open(&s, db, &err) != 0 || nd_ingest_paths(s, paths, 1, NULL, &rep, &totals, &err) != 0 ||
	     nd_store_begin(s, &err) != 0 || nd_codes_load(s, codes, &err) != 0 || nd_store_commit(s, &err) != 0 ||
	     nd_diagnose_run(s, &rules, &params, &st, &err) != 0;
	nd_rules_free(&rules);
	if (rc) {
		fprintf(stderr, "building the database: %s\n", err.message);
		nd_store_close(s);
		return NULL;
	}
	return s;
}

/* Counts the summary lines (nd_results_summary callback). Returns 0. */
static int count_line(void *ctx, const nd_res_summary *s)
{
	(void)s;
	++*(int *)ctx;
	return 0;
}

/* The whole selection: one incident of five paired attempts, one finding. */
static void test_all(nd_db *db)
{
	const nd_res_incident *i;
	nd_results *r = NULL;
	nd_res_scope sc;
	nd_error err;
	size_t k, fields = 0;
	int lines = 0;

	CHECK(nd_results_open(&r, db, NULL, &err) == 0);
	if (!r)
		return;
	CHECK(nd_results_selected(r) == 2);
	CHECK(nd_results_scope(r, &sc, &err) == 0);
	CHECK(sc.incidents == 1 && sc.findings == 1 && sc.attempts == 5);
	CHECK_STR(sc.window_s, "5");
	CHECK(nd_results_summary(r, count_line, &lines, &err) == 0);
	CHECK(lines == 2);

	nd_results_rewind(r, ND_RES_ALL);
	CHECK(nd_results_next(r, &i, &err) == 1);
	CHECK(!i->finding && i->loaded == 0 && i->nevents == 0);
	CHECK_STR(i->cause->cause_id, "revocation-check-failed");
	CHECK(i->cause->nsteps > 0 && i->cause->steps[0].text != NULL);
	CHECK(i->client_error.has && i->client_error.code == 853 && i->client_error.symbol != NULL);
	CHECK(i->nps_reason.has && i->nps_reason.code == 258);
	CHECK(i->count == 5 && i->paired == 5);
	CHECK(nd_results_load(r, 0, 1, &err) == 0);
	CHECK(i->nattempts == 5 && i->nevents == i->events_total);
	for (k = 0; k < i->nattempts; k++) {
		CHECK(i->attempts[k].attempt == (int64_t)k + 1);
		CHECK(i->attempts[k].client && i->attempts[k].nps && i->attempts[k].nps->has_delta);
		CHECK(i->attempts[k].client && i->attempts[k].client->coid != NULL);
	}
	CHECK(i->nevents >= 10);
	for (k = 1; k < i->nevents; k++)
		CHECK(i->events[k - 1].ts <= i->events[k].ts);
	for (k = 0; k < i->nevents; k++)
		fields += i->events[k].nfields;
	CHECK(fields > 0);
	CHECK(i->nevents <= ND_RES_FIELDS_MAX || i->events[ND_RES_FIELDS_MAX].nfields == 0);
	CHECK(i->nfacts > 0);

	CHECK(nd_results_next(r, &i, &err) == 1);
	CHECK(i->finding && i->cause->kind && strcmp(i->cause->kind, "finding") == 0);
	CHECK(nd_results_load(r, 0, 1, &err) == 0);
	CHECK(i->nattempts == 0 && i->nevents >= 1);
	CHECK(nd_results_next(r, &i, &err) == 0);

	nd_results_rewind(r, ND_RES_FINDINGS);
	CHECK(nd_results_next(r, &i, &err) == 1 && i->finding);
	CHECK(nd_results_next(r, &i, &err) == 0);

	/* A limited load: the first events, the total, no attempts. */
	nd_results_rewind(r, ND_RES_INCIDENTS);
	CHECK(nd_results_next(r, &i, &err) == 1);
	CHECK(nd_results_load(r, 3, 1, &err) == 0);
	CHECK(i->nevents == 3 && i->events_total >= 10 && i->nattempts == 0);
	CHECK(i->events[0].nfields > 0 && i->nfacts > 0);

	/* Without fields (the formats that do not show them): the same
	 * evidence, counted the same, with no fields read. */
	nd_results_rewind(r, ND_RES_INCIDENTS);
	CHECK(nd_results_next(r, &i, &err) == 1);
	CHECK(nd_results_load(r, 3, 0, &err) == 0);
	CHECK(i->nevents == 3 && i->events_total >= 10 && i->events[0].nfields == 0 && i->nfacts > 0);
	nd_results_close(r);
}

/* A filter selects; a bad pattern is an error. */
static void test_filter(nd_db *db)
{
	nd_print_filter f = {0};
	const nd_res_incident *i;
	nd_results *r = NULL;
	nd_error err;

	f.cause = "blast-radius-hardening-not-enforced";
	CHECK(nd_results_open(&r, db, &f, &err) == 0);
	if (!r)
		return;
	CHECK(nd_results_selected(r) == 1);
	nd_results_rewind(r, ND_RES_INCIDENTS);
	CHECK(nd_results_next(r, &i, &err) == 0);
	nd_results_close(r);

	f.cause = NULL;
	f.user_regex = "(";
	CHECK(nd_results_open(&r, db, &f, &err) == -1);
	CHECK(r == NULL && strstr(err.message, "bad pattern") != NULL);

	f.user_regex = NULL;
	f.cause = "no-such-cause";
	CHECK(nd_results_open(&r, db, &f, &err) == -1);
	CHECK(r == NULL && strstr(err.message, "'no-such-cause': no such cause") != NULL);
}

/* Checks the view of synthetic incident i->id (from 100): id % 4 facts
 * "ID-POS", id % 3 evidence events, all of them or the first one. Returns
 * nothing. */
static void check_synthetic(const nd_res_incident *i, size_t max_events)
{
	size_t k, events = (size_t)(i->id % 3);
	char want[32];

	CHECK(i->nfacts == (size_t)(i->id % 4));
	for (k = 0; k < i->nfacts; k++) {
		snprintf(want, sizeof(want), "%lld-%zu", (long long)i->id, k);
		CHECK_STR(i->facts[k].value, want);
	}
	CHECK(i->events_total == events);
	CHECK(i->nevents == (max_events && events > max_events ? max_events : events));
}

/* Loads the incidents of r (which) whose id is a multiple of every, all
 * their evidence or (each fifth) the first event only. Returns how many
 * synthetic ones it checked. */
static int load_every(nd_results *r, nd_res_which which, int64_t every)
{
	const nd_res_incident *i;
	nd_error err;
	int n = 0, rc;

	nd_results_rewind(r, which);
	while ((rc = nd_results_next(r, &i, &err)) == 1) {
		size_t max = i->id % 5 == 0 ? 1 : 0;

		if (i->id < 100 || i->id % every != 0)
			continue;
		CHECK(nd_results_load(r, max, 0, &err) == 0);
		check_synthetic(i, max);
		n++;
	}
	CHECK(rc == 0);
	return n;
}

/* Many incidents, open and resolved interleaved: the evidence and facts
 * read as cursors in incident order give each incident its own rows
 * whichever incidents are loaded, after a rewind, and across the jump back
 * from the open incidents to the resolved ones. */
static void test_cursors(nd_db *db)
{
	nd_results *r = NULL;
	nd_error err;

	CHECK(nd_db_exec(db,
			 "WITH RECURSIVE k(n) AS (SELECT 100 UNION ALL SELECT n + 1 FROM k WHERE n < 159)"
			 " INSERT INTO incidents(id, kind, cause_id, confidence, match, count, paired, first_ts, last_ts,"
			 " first_time, last_time, status)"
			 " SELECT n, 'incident', (SELECT cause_id FROM incidents WHERE kind = 'incident'), 'likely',"
			 " 'client-only', 1, 0, n, n, 'x', 'x', CASE n % 3 WHEN 0 THEN 'resolved' ELSE 'open' END FROM k;"
			 "UPDATE incidents SET facts = (SELECT json_group_array(json_array('f', id || '-' || p.n)) FROM"
			 " (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2) p WHERE p.n < id % 4)"
			 " WHERE id >= 100 AND id % 4 > 0;"
			 "INSERT INTO incident_events(incident_id, event_ref, role)"
			 " SELECT i.id, e.id, 'context' FROM incidents i,"
			 " (SELECT id, row_number() OVER (ORDER BY id) AS r FROM events) e"
			 " WHERE i.id >= 100 AND e.r <= i.id % 3;",
			 "synthetic incidents", &err) == 0);
	CHECK(nd_results_open(&r, db, NULL, &err) == 0);
	if (!r)
		return;
	CHECK(load_every(r, ND_RES_ALL, 1) == 60);
	CHECK(load_every(r, ND_RES_INCIDENTS, 20) == 3);
	CHECK(load_every(r, ND_RES_ALL, 7) == 8);
	CHECK(load_every(r, ND_RES_INCIDENTS, 2) == 30);
	nd_results_close(r);
}

int main(int argc, char **argv)
{
	nd_store *s;

	if (argc != 3) {
		fprintf(stderr, "usage: test_nd_results TMP_DIR SRC_DIR\n");
		return 2;
	}
	s = build(argv[2], ":memory:");
	CHECK(s != NULL);
	if (s) {
		test_all(nd_store_db(s));
		test_filter(nd_store_db(s));
		test_cursors(nd_store_db(s));
		nd_store_close(s);
	}
	return check_report();
}
