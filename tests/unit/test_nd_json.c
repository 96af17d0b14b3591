/* Unit tests of nd_json: an incident object written with the per-cause
 * and per-code cache (nd_json_causes) is byte for byte the one written
 * without it, for incidents of one cause with different confidences and
 * of two causes, with codes of the code tables, codes they do not have,
 * no code, and text that needs escaping; the cache holds one object per
 * cause and per code of a table. An
 * attempt's delta_s is the text printf's %.7f gives, for deltas of every
 * size and sign. A string of printable ASCII with " or \ is escaped as
 * nd_escape_json escapes it. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nd_escape.h"
#include "nd_json.h"

/* Writes incident i (with jc, or without when NULL) into a string.
 * Returns it (malloc'ed), or NULL. */
static char *write_one(const nd_res_incident *i, nd_json_causes *jc)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	nd_out o;
	nd_error err;

	if (!f)
		return NULL;
	nd_out_init(&o, f, "memory");
	nd_json_incident(&o, i, 1, NULL, jc);
	CHECK(nd_out_finish(&o, &err) == 0);
	fclose(f);
	return text;
}

static void test_cached_equals_uncached(void)
{
	const char *cmds[] = {"certutil -URL \"http://crl\"", "net stop \\ start"};
	nd_res_step steps[] = {{1, "Check the CRL <url>\n", cmds, 2}, {2, "Then \"retry\"", NULL, 0}};
	const char *sources[] = {"Microsoft dd197464"};
	nd_res_cause causes[2] = {
	    {"revocation-check-failed", "incident", "Revocation \"unknown\"", "confirmed", "tab\there",
	     "rules/cert.rules", 12, steps, 2, sources, 1, 0},
	    {"bad-credentials", "incident", "Wrong password", "likely", NULL, NULL, 4, NULL, 0, NULL, 0, 1},
	};
	nd_res_incident inc[3];
	nd_json_causes jc = {0};
	size_t k;

	memset(inc, 0, sizeof(inc));
	for (k = 0; k < 3; k++) {
		inc[k].id = (int64_t)k + 1;
		inc[k].kind = "incident";
		inc[k].cause = &causes[k == 2];
		inc[k].identity = "lab.example\\u1";
		inc[k].last = "2025-03-14T09:00:00.0000000Z";
		inc[k].count = 1;
	}
	inc[0].client_error = (nd_res_code){1, 691, "ERROR_AUTHENTICATION_FAILURE", "Access \"denied\"", 3};
	inc[1].client_error = (nd_res_code){1, 812, NULL, NULL, 0};
	inc[2].client_error = inc[0].client_error;
	inc[0].has_nps_event_id = inc[1].has_nps_event_id = 1;
	inc[0].nps_event_id = inc[1].nps_event_id = 6273;
	inc[0].nps_reason = (nd_res_code){1, 16, "IAS_AUTH_FAILURE", "tab\there", 2};
	inc[1].nps_reason = (nd_res_code){0, 0, NULL, NULL, 0};
	inc[0].confidence = "confirmed";
	inc[1].confidence = "likely \"downgraded\"";
	inc[2].confidence = NULL;
	for (k = 0; k < 3; k++) {
		char *plain = write_one(&inc[k], NULL), *cached = write_one(&inc[k], &jc),
		     *again = write_one(&inc[k], &jc);

		CHECK(plain && cached && again);
		if (plain && cached && again) {
			CHECK_STR(cached, plain);
			CHECK_STR(again, plain);
		}
		free(plain);
		free(cached);
		free(again);
	}
	CHECK(jc.n == 2 && jc.v[0].text.len > 0 && jc.v[1].text.len > 0);
	CHECK(jc.ras.n == 3 && jc.ras.v[2].len > 0 && jc.ras.v[0].len == 0 && jc.nps.n == 2 && jc.nps.v[1].len > 0);
	{
		char *one = write_one(&inc[1], &jc);

		CHECK(one && strstr(one, "\"confidence\":\"likely \\\"downgraded\\\"\","
					 "\"explanation\":\"tab\\there\"") != NULL);
		CHECK(one && strstr(one, "\"client_error\":{\"code\":812,\"symbol\":null,\"meaning\":null},"
					 "\"nps_decision\":{\"event_id\":6273,\"reason\":null,\"symbol\":null,"
					 "\"meaning\":null},") != NULL);
		CHECK(one && strstr(one, "\"commands\":[\"certutil -URL \\\"http://crl\\\"\","
					 "\"net stop \\\\ start\"]") != NULL);
		free(one);
	}
	nd_json_causes_free(&jc);
	CHECK(jc.n == 0 && jc.v == NULL);
}

/* delta_s of one attempt with delta ticks, written by nd_json_incident,
 * against printf. */
static void test_delta(int64_t ticks)
{
	nd_res_cause cause = {"c", "incident", "t", "likely", NULL, NULL, 1, NULL, 0, NULL, 0, 0};
	nd_res_event ev[2];
	nd_res_attempt at;
	nd_res_incident inc;
	char want[80], *text;

	memset(&inc, 0, sizeof(inc));
	memset(ev, 0, sizeof(ev));
	inc.kind = "incident";
	inc.cause = &cause;
	ev[1].has_delta = 1;
	ev[1].delta_ticks = ticks;
	at = (nd_res_attempt){1, &ev[0], &ev[1]};
	inc.attempts = &at;
	inc.nattempts = 1;
	snprintf(want, sizeof(want), "\"delta_s\":%.7f}", (double)ticks / 10000000);
	text = write_one(&inc, NULL);
	CHECK(text && strstr(text, want) != NULL);
	if (text && !strstr(text, want))
		fprintf(stderr, "delta %lld: want %s in %s\n", (long long)ticks, want, text);
	free(text);
}

/* nd_json_str of printable ASCII with " and \ (written without the
 * escaper's buffer) is what nd_escape_json makes, for either of them at
 * every place of strings of 1 to 40 bytes and for strings of them only. */
static void test_str_ascii(void)
{
	static const char special[] = {'"', '\\'};
	char s[41];
	size_t n, at, k;
	int bad = 0;

	for (n = 1; n < sizeof(s); n++) {
		for (at = 0; at < n; at++) {
			for (k = 0; k < 2 * sizeof(special); k++) {
				char *text = NULL;
				size_t len = 0;
				FILE *f = open_memstream(&text, &len);
				nd_buf want = {0};
				nd_out o;
				nd_error err;

				memset(s, k < sizeof(special) ? 'a' : special[1 - k % 2], n);
				s[n] = 0;
				s[at] = special[k % 2];
				if (!f)
					continue;
				nd_out_init(&o, f, "memory");
				nd_json_str(&o, s);
				CHECK(nd_out_finish(&o, &err) == 0);
				fclose(f);
				CHECK(nd_escape_json(&want, s) == 0);
				bad += !text || strcmp(text, want.data) != 0;
				free(text);
				nd_buf_free(&want);
			}
		}
	}
	CHECK(bad == 0);
}

int main(void)
{
	static const int64_t deltas[] = {0, 1, -1, 5, -5, 9999999, 10000000, -10000001, 4000000, -123456789,
					 999999999999999LL, -999999999999999LL, 1000000000000000LL,
					 -1000000000000001LL, 92233720368547758LL, INT64_MIN + 1, INT64_MAX};
	size_t k;

	test_cached_equals_uncached();
	test_str_ascii();
	uint64_t r = 88172645463325252ULL;

	for (k = 0; k < sizeof(deltas) / sizeof(deltas[0]); k++)
		test_delta(deltas[k]);
	for (k = 0; k < 2000; k++) { /* xorshift: every magnitude up to 10^18, both signs */
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		test_delta((int64_t)(r % (1000000000000000000ULL >> (k % 60))) * (k % 2 ? -1 : 1));
	}
	return check_report();
}
