/* Unit tests of nd_evidence: the CAPI2 events that are certificate
 * evidence of an NPS decision (host, window, the leaf's user, the TaskId
 * of another user's chain build), which names the failing certificate and
 * the URL, the fact text; user-part matching. Data is built in memory: no
 * database. */
#include <string.h>

#include "analysis_fixture.h"
#include "check.h"
#include "nd_evidence.h"

#define NPS1 "NPS01.lab.example"
#define NPS2 "NPS02.lab.example"

/* Adds a CAPI2 failure of host at s seconds. Returns it. */
static nd_capi2_event *capi2(nd_analysis_data *d, const char *host, uint32_t id, double s, const char *task)
{
	nd_capi2_event *c = nd_analysis_add_capi2(d);

	c->ref = 1000 + (int64_t)d->ncapi2;
	c->ts = fx_ts(s);
	c->host = nd_analysis_host(d, host);
	c->id = id;
	c->task = fx_str(d, task);
	c->process = fx_str(d, "lsass.exe");
	return c;
}

int main(void)
{
	static const char *const hosts[] = {NPS1, NPS2, NULL};
	nd_analysis_data d;
	nd_capi2_evidence e;
	nd_capi2_event *c;
	nd_buf text = {0};
	const nd_decision *n;

	CHECK(nd_evidence_same_user("rdeckard@lab.example", "LAB\\rdeckard"));
	CHECK(nd_evidence_same_user("RDeckard", "rdeckard@lab.example"));
	CHECK(!nd_evidence_same_user("Rick Deckard", "LAB\\rdeckard"));
	CHECK(!nd_evidence_same_user("", "LAB\\rdeckard") && !nd_evidence_same_user("x", NULL));
	CHECK(!nd_evidence_same_user("@lab.example", "@lab.example"));
	CHECK(nd_evidence_reason(258) && nd_evidence_reason(265) && !nd_evidence_reason(16) &&
	      !nd_evidence_reason(300));

	fx_init(&d, hosts);
	fx_nps(&d, NPS1, 6273, "rdeckard@lab.example", "LAB", "LAB\\rdeckard", 100.0, 258);
	n = &d.decisions[0];
	/* alice's chain build 1 s before: her leaf, and the fetch of its TaskId. */
	c = capi2(&d, NPS1, 53, 98.8, "{A}");
	c->url = fx_str(&d, "http://pki/alice-only.crl");
	c->error = 0x2EFD;
	c = capi2(&d, NPS1, 11, 98.9, "{A}");
	c->subject = fx_str(&d, "alice@lab.example");
	c->failing = fx_str(&d, "Alice CA");
	/* rdeckard's: fetch, revocation, chain; one on another host; one long before. */
	c = capi2(&d, NPS1, 53, 99.6, "{R}");
	c->url = fx_str(&d, "http://pki/root.crl");
	c->error = 0x2EFD;
	c->error_name = fx_str(&d, "ERROR_INTERNET_CANNOT_CONNECT");
	c = capi2(&d, NPS1, 41, 99.65, "{R}");
	c->subject = c->failing = fx_str(&d, "Lab Issuing CA");
	c->error = 0x80092013;
	c = capi2(&d, NPS1, 11, 99.7, "{R}");
	c->subject = fx_str(&d, "rdeckard@lab.example");
	c->failing = fx_str(&d, "Lab Issuing CA");
	c->error = 0x80092013;
	c->error_name = fx_str(&d, "CRYPT_E_REVOCATION_OFFLINE");
	capi2(&d, NPS2, 11, 99.7, NULL)->failing = fx_str(&d, "Other host");
	capi2(&d, NPS1, 41, 80.0, NULL)->failing = fx_str(&d, "Long before");

	/* Sorted by time as nd_analysis_load gives them. */
	{
		size_t i, j;

		for (i = 1; i < d.ncapi2; i++)
			for (j = i; j > 0 && d.capi2[j - 1].ts > d.capi2[j].ts; j--) {
				nd_capi2_event t = d.capi2[j];

				d.capi2[j] = d.capi2[j - 1];
				d.capi2[j - 1] = t;
			}
	}
	CHECK(nd_evidence_capi2(&d, n, &e) == 3);
	CHECK(e.chain && e.chain->id == 11);
	CHECK(e.fetch && e.fetch->id == 53);
	CHECK(nd_evidence_capi2_text(&d, n, &e, &text) == 0);
	CHECK_STR(text.data, "\"Lab Issuing CA\": CRYPT_E_REVOCATION_OFFLINE (0x80092013); URL http://pki/root.crl: "
			     "ERROR_INTERNET_CANNOT_CONNECT (0x00002EFD) (CAPI2 log of NPS01.lab.example, lsass.exe, "
			     "0.4 s before the decision)");
	nd_buf_free(&text);

	/* Bob's decision at the same time: the chain builds of alice and
	 * rdeckard, with their 41 and 53 (same TaskId), are not his. */
	fx_nps(&d, NPS1, 6273, "bob@lab.example", "LAB", "LAB\\bob", 100.0, 258);
	CHECK(nd_evidence_capi2(&d, &d.decisions[1], &e) == 0 && !e.chain && !e.fetch);
	/* No CAPI2 event in the window. */
	fx_nps(&d, NPS1, 6273, "rdeckard@lab.example", "LAB", "LAB\\rdeckard", 500.0, 258);
	CHECK(nd_evidence_capi2(&d, &d.decisions[2], &e) == 0 && !e.chain && !e.fetch);
	nd_analysis_data_free(&d);
	return check_report();
}
