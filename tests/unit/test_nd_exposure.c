/* Unit tests of nd_exposure: which authentication types Blast-RADIUS
 * reaches, which hosts serve them, the "exposed" text; and the shipped
 * 4421 rules choosing between blast-radius-exposed and
 * blast-radius-hardening-not-enforced on that evidence. Data is built in
 * memory: no database. */
#include <stdio.h>
#include <stdlib.h>

#include "analysis_fixture.h"
#include "check.h"
#include "nd_exposure.h"
#include "nd_judge.h"

#define NPS1 "NPS01.lab.example" /* PEAP, MS-CHAPv2 from two NAS, a discarded PAP */
#define NPS2 "NPS02.lab.example" /* EAP and PEAP only */
#define NPS3 "NPS03.lab.example" /* no decision */

/* Adds a decision of host with its AuthenticationType, ClientIPAddress and
 * NAS name. Returns its ref. */
static int64_t decision(nd_analysis_data *d, const char *host, uint32_t event, const char *auth, const char *addr,
			const char *nas, double s)
{
	int64_t ref = fx_nps(d, host, event, "alice@lab.example", "LAB", "LAB\\alice", s, event == 6273 ? 16 : -1);
	nd_decision *n = &d->decisions[d->ndecisions - 1];

	n->auth_type = fx_id(d, auth);
	n->nas_addr = fx_id(d, addr);
	n->nas = fx_id(d, nas);
	return ref;
}

/* Checks the rule the shipped rules give the 4421 at ref. Returns nothing. */
static void check_rule(const nd_rules *r, const nd_analysis_data *d, int64_t ref, const char *want)
{
	const nd_rule *best = NULL;
	nd_error err;

	CHECK(nd_judge_event(r, d, nd_analysis_event(d, ref), &best, &err) == 1 && best);
	if (best)
		CHECK_STR(best->id, want);
}

/* Checks the exposure text of host. Returns nothing. */
static void check_text(const nd_analysis_data *d, const char *host, const char *want)
{
	char *text = NULL;
	nd_error err;

	CHECK(nd_exposure_text(d, nd_analysis_host(d, host), &text, &err) == 0 && text);
	if (text)
		CHECK_STR(text, want);
	free(text);
}

/* Checks that the rules of dir are refused with an error naming the line
 * and the exposure. Returns nothing. */
static void check_refused(const char *dir, const char *want)
{
	nd_rules r;
	nd_error err;

	CHECK(nd_rules_init(&r, &err) == 0);
	CHECK(nd_rules_load_dir(&r, dir, &err) == -1);
	if (!strstr(err.message, want))
		fprintf(stderr, "got: %s\n", err.message);
	CHECK(strstr(err.message, want) != NULL);
	nd_rules_free(&r);
}

int main(void)
{
	static const char *const hosts[] = {NPS1, NPS2, NPS3, NULL};
	static const char *const yes[] = {"PAP",        "CHAP",      "MS-CHAP",   "MS-CHAPv2",
					  "MS-CHAP v2", "ms-chapv2", "MS-CHAP-V1"};
	static const char *const no[] = {"EAP",  "PEAP",        "", "Unauthenticated", "MS-CHAPv2 and then some",
					 "PAPX", "EAP-MSCHAPv2"};
	nd_analysis_data d;
	nd_rules r;
	nd_error err;
	int64_t w1, w2, w3;
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		CHECK(nd_exposure_auth(yes[i]) == 1);
	for (i = 0; i < sizeof(no) / sizeof(*no); i++)
		CHECK(nd_exposure_auth(no[i]) == 0);
	CHECK(nd_exposure_auth(NULL) == 0);

	fx_init(&d, hosts);
	decision(&d, NPS1, 6272, "PEAP", "192.0.2.20", "VPN01", 1);
	decision(&d, NPS1, 6272, "MS-CHAPv2", "10.0.0.5", "WLC01", 2);
	decision(&d, NPS1, 6273, "MS-CHAPv2", "10.0.0.5", "WLC01", 3);
	decision(&d, NPS1, 6272, "PAP", NULL, "SWITCH01", 4);
	decision(&d, NPS1, 6272, "CHAP", "10.0.0.7", "10.0.0.7", 5);
	decision(&d, NPS1, 6272, "CHAP", NULL, NULL, 6);
	decision(&d, NPS1, 6274, "PAP", "10.0.0.9", "DISCARDED", 7); /* discarded: not served */
	decision(&d, NPS2, 6272, "EAP", "192.0.2.20", "VPN01", 1);
	decision(&d, NPS2, 6273, "PEAP", "192.0.2.20", "VPN01", 2);
	decision(&d, NPS3, 6274, "MS-CHAPv2", "10.0.0.5", "WLC01", 2);
	w1 = fx_event(&d, NPS1, 4421, "nps_service", 0, ND_EVENT_FINDING);
	w2 = fx_event(&d, NPS2, 4421, "nps_service", 0, ND_EVENT_FINDING);
	w3 = fx_event(&d, NPS3, 4421, "nps_service", 0, ND_EVENT_FINDING);
	CHECK(fx_done(&d) == 0);

	CHECK(nd_exposure_host(&d, nd_analysis_host(&d, NPS1)) == 1);
	CHECK(nd_exposure_host(&d, nd_analysis_host(&d, NPS2)) == 0);
	CHECK(nd_exposure_host(&d, nd_analysis_host(&d, NPS3)) == 0);
	CHECK(nd_exposure_host(&d, d.nhosts) == 0);
	{
		unsigned char exposed[3] = {9, 9, 9};

		nd_exposure_hosts(&d, exposed);
		CHECK(exposed[0] == 1 && exposed[1] == 0 && exposed[2] == 0);
	}
	check_text(
	    &d, NPS1,
	    "CHAP from an unnamed NAS, 1 request; CHAP from NAS 10.0.0.7, 1 request; MS-CHAPv2 from NAS 10.0.0.5 "
	    "(WLC01), 2 requests; PAP from NAS SWITCH01, 1 request");
	check_text(&d, NPS2, "none: no PAP, CHAP or MS-CHAP in the 2 NPS decisions of this server");
	check_text(&d, NPS3, "none seen: no NPS decision of this server in the logs");

	CHECK(nd_rules_init(&r, &err) == 0);
	if (nd_rules_load_dir(&r, ND_TEST_DIR "/../../rules", &err) != 0) {
		fprintf(stderr, "%s\n", err.message);
		CHECK(0);
	} else {
		check_rule(&r, &d, w1, "blast-radius-exposed");
		check_rule(&r, &d, w2, "blast-radius-hardening-not-enforced");
		check_rule(&r, &d, w3, "blast-radius-hardening-not-enforced");
	}
	nd_rules_free(&r);
	nd_analysis_data_free(&d);
	check_refused(ND_TEST_DIR "/rules/exposure-incident", "bad.rules:2: exposure judges a finding's server");
	check_refused(ND_TEST_DIR "/rules/exposure-value",
		      "bad.rules:7: exposure is exposed, none or any, not: sometimes");

	/* Many distinct workloads: the first 20 are named, the rest counted. */
	fx_init(&d, hosts);
	for (i = 0; i < 25; i++) {
		char addr[32];

		snprintf(addr, sizeof(addr), "10.0.1.%02zu", i);
		decision(&d, NPS1, 6272, "PAP", addr, NULL, (double)i);
	}
	CHECK(fx_done(&d) == 0);
	{
		char *text = NULL;

		CHECK(nd_exposure_text(&d, 0, &text, &err) == 0 && text);
		CHECK(text && strstr(text, "PAP from NAS 10.0.1.19, 1 request; and 5 more") != NULL);
		CHECK(text && strstr(text, "10.0.1.20") == NULL);
		free(text);
	}
	nd_analysis_data_free(&d);
	return check_report();
}
