/* Unit tests of nd_judge: the rules of tests/unit/rules/match against the
 * attempts of a correlation and against server events, with fields and
 * nearby events read from data built in memory: no database. */
#include <stdlib.h>

#include "analysis_fixture.h"
#include "check.h"
#include "nd_correlate.h"
#include "nd_judge.h"

#define C1 "CLIENT01.lab.example"
#define C2 "CLIENT02.lab.example"
#define DC "DC01.lab.example"
#define NPS "NPS01.lab.example"

int main(void)
{
	static const char *const hosts[] = {C1, C2, DC, NPS, NULL};
	nd_correlate_params p = {5, 2, NULL, 0, NULL, 0, 0, NULL, 0};
	nd_analysis_data d;
	nd_correlation c;
	nd_rules r;
	nd_error err;
	const nd_rule **cause, **rule;
	int64_t smart, peap, near, far, mode0, mode1, other, device, kdc;
	size_t i;

	CHECK(nd_rules_init(&r, &err) == 0);
	if (nd_rules_load_dir(&r, ND_TEST_DIR "/rules/match", &err) != 0) {
		fprintf(stderr, "%s\n", err.message);
		CHECK(0);
		return check_report();
	}
	fx_init(&d, hosts);
	CHECK(nd_analysis_add_rule_names(&d, &r, &err) == 0);
	CHECK(nd_analysis_name(&d, "eaptype") < d.nnames && nd_analysis_name(&d, "computer") == d.nnames);
	/* alice: 853 with a smart-card denial; bob: 853 with a PEAP denial. */
	fx_nps(&d, NPS, 6273, "alice@lab.example", "LAB", "LAB\\alice", 0, 258);
	fx_field(&d, 1, "EAPType", "Microsoft: Smart Card or other certificate");
	smart = fx_client(&d, C1, "LAB\\alice", 853, 0.5, NULL);
	fx_nps(&d, NPS, 6273, "bob@lab.example", "LAB", "LAB\\bob", 10, 258);
	fx_field(&d, 3, "EAPType", "PEAP");
	peap = fx_client(&d, C2, "LAB\\bob", 853, 10.5, NULL);
	/* 812 with a KDC 39 30 s later (near-kdc asks within 60 s), and 812 far from it. */
	near = fx_client(&d, C1, "LAB\\carol", 812, 1000, NULL);
	kdc = fx_event(&d, DC, 39, "kdc", 1030, ND_EVENT_NEAR);
	far = fx_client(&d, C1, "LAB\\dave", 812, 2000, NULL);
	/* 13801 on CLIENT01 (device-name matches the computer) and on CLIENT02. */
	device = fx_client(&d, C1, "LAB\\erin", 13801, 3000, NULL);
	other = fx_client(&d, C2, "LAB\\frank", 13801, 3100, NULL);
	/* Server events: Blast-RADIUS 4421 with Mode 0 and 1. */
	mode0 = fx_event(&d, NPS, 4421, "nps_service", 50, ND_EVENT_FINDING);
	fx_field(&d, mode0, "Mode", "0");
	mode1 = fx_event(&d, NPS, 4421, "nps_service", 60, ND_EVENT_FINDING);
	fx_field(&d, mode1, "Mode", "1");
	CHECK(fx_done(&d) == 0);
	CHECK(nd_correlate(&d, &p, &c, &err) == 0);
	cause = calloc(c.n + 1, sizeof(*cause));
	rule = calloc(d.nevents + 1, sizeof(*rule));
	CHECK(nd_judge_all(&r, &d, &c, cause, rule, &err) == 0);
	for (i = 0; i < c.n; i++) {
		const nd_attempt *a = &c.attempts[i];
		const char *want = a->client_ref == smart    ? "eap-smartcard"
				   : a->client_ref == peap   ? "code-and-reason"
				   : a->client_ref == near   ? "near-kdc"
				   : a->client_ref == far    ? "catch-all"
				   : a->client_ref == device ? "device-name"
				   : a->client_ref == other  ? "catch-all"
							     : "?";

		CHECK(cause[i] != NULL);
		if (cause[i])
			CHECK_STR(cause[i]->id, want);
		CHECK(nd_judge_ref(a, ND_SIDE_CLIENT) == a->client_ref && nd_judge_ref(a, ND_SIDE_NPS) == a->nps_ref &&
		      nd_judge_ref(a, ND_SIDE_EVENT) == 0);
	}
	CHECK(c.n == 6);
	for (i = 0; i < d.nevents; i++) {
		const nd_event *e = &d.events[i];

		if (e->ref == mode0)
			CHECK(rule[i] && strcmp(rule[i]->id, "blast-mode-0") == 0);
		else if (e->ref == mode1)
			CHECK(rule[i] && strcmp(rule[i]->id, "blast-any") == 0);
		else
			CHECK(rule[i] == NULL); /* only events loaded for finding rules are judged */
	}
	/* One attempt and one event on their own. */
	{
		const nd_rule *best;
		nd_attempt a = {.ts = fx_ts(1000), .client = ND_ATTEMPT_NONE, .nps = ND_ATTEMPT_NONE};

		CHECK(nd_judge_attempt(&r, &d, &a, &best, &err) == 0 && best == NULL);
		CHECK(nd_judge_event(&r, &d, nd_analysis_event(&d, kdc), &best, &err) == 0 && best == NULL);
		CHECK(nd_judge_event(&r, &d, nd_analysis_event(&d, mode0), &best, &err) == 1 && best &&
		      strcmp(best->id, "blast-mode-0") == 0);
	}
	free(cause);
	free(rule);
	nd_correlation_free(&c);
	nd_analysis_data_free(&d);
	nd_rules_free(&r);
	return check_report();
}
