/* Unit tests of nd_rules (the loader of *.rules files): the shipped rules
 * load; a good file gives its rules with their keys; every bad file of
 * tests/unit/rules/bad/NAME is refused with "file:line: what". */
#include <string.h>

#include "check.h"
#include "nd_rules.h"

#define BAD ND_TEST_DIR "/rules/bad/"

/* A bad directory (under BAD) and the error it gives after its path. */
typedef struct bad_case {
	const char *dir, *message;
} bad_case;

static const bad_case bad[] = {
	{"unknown-key", "/bad.rules:9: unknown key: colour"},
	{"bad-id", "/bad.rules:8: a cause id is lower-case letters, digits, '-', '_' and '.', not: Second"},
	{"bad-header", "/bad.rules:8: a header is [cause ID]"},
	{"no-header", "/bad.rules:2: expected a [cause ID] header"},
	{"no-equals", "/bad.rules:9: expected key = value"},
	{"missing-step", "/bad.rules:8: cause second has no step"},
	{"bad-confidence", "/bad.rules:9: confidence is confirmed, likely or possible, not: certain"},
	{"bad-code", "/bad.rules:9: not a code: eight"},
	{"bad-field", "/bad.rules:9: a field is client.NAME, nps.NAME or event.NAME, not: server.Name"},
	{"command-first", "/bad.rules:9: a command belongs to a step; put a step line before it"},
	{"stray-continuation",
	 "/bad.rules:2: an indented line continues a title, explanation, step, command or source"},
	{"incident-event-field", "/bad.rules:8: an incident's fields are client.NAME or nps.NAME: second"},
	{"finding-without-event", "/bad.rules:8: a finding needs an event line: second"},
	{"no-condition", "/bad.rules:8: an incident rule needs a client or nps condition: second"},
	{"repeated-key", "/bad.rules:10: repeated key: title"},
	{"bad-priority", "/bad.rules:9: priority is an integer from -100 to 100, not: 1000"},
	{"duplicate", "/b.rules:2: cause good is already defined at " BAD "duplicate/a.rules:1"},
	{"bad-pattern", "/bad.rules:9: bad pattern \"(unclosed\" at offset 9: missing closing parenthesis"},
	{"no-such-directory", ": No such file or directory"},
};

int main(void)
{
	nd_rules r;
	nd_error err;
	size_t i;

	/* The shipped rules load, every one complete. */
	CHECK(nd_rules_init(&r, &err) == 0);
	CHECK(nd_rules_load_dir(&r, ND_TEST_DIR "/../../rules", &err) == 0);
	CHECK(r.n > 10 && r.nfiles > 1);
	for (i = 0; i < r.n; i++)
		CHECK(r.v[i]->title && r.v[i]->confidence && r.v[i]->explanation && r.v[i]->nsteps > 0);
	nd_rules_free(&r);

	/* A good file: keys read as written. */
	CHECK(nd_rules_init(&r, &err) == 0);
	CHECK(nd_rules_load_dir(&r, ND_TEST_DIR "/rules/match", &err) == 0);
	CHECK(r.nfiles == 1 && r.layers == 1);
	for (i = 0; i < r.n; i++) {
		const nd_rule *v = r.v[i];

		if (strcmp(v->id, "eap-smartcard") == 0) {
			CHECK_STR(v->confidence, "likely");
			CHECK(v->kind == ND_RULE_INCIDENT && v->client_errors.n == 1 && v->client_errors.v[0] == 853);
			CHECK(v->nps_events.n == 1 && v->nps_events.v[0] == 6273);
			CHECK(v->nps_reasons.n == 1 && v->nps_reasons.v[0] == 258);
			CHECK(v->npatterns == 1 && v->patterns[0].field.side == ND_SIDE_NPS && !v->patterns[0].negate);
			CHECK_STR(v->patterns[0].field.name, "EAPType");
			CHECK(v->nfacts == 1 && v->facts[0].side == ND_SIDE_NPS);
			CHECK(v->near_s == 300);
		} else if (strcmp(v->id, "near-kdc") == 0) {
			CHECK(v->nevents == 1 && v->events[0].id == 39 && v->near_s == 60);
			CHECK_STR(v->events[0].family, "kdc");
		} else if (strcmp(v->id, "switched-off") == 0) {
			CHECK(v->disabled && v->priority == 50);
		} else if (strcmp(v->id, "blast-any") == 0) {
			CHECK(v->kind == ND_RULE_FINDING && v->nevents == 1 && v->events[0].family == NULL);
		} else if (strcmp(v->id, "policy-not-vpn") == 0) {
			CHECK(v->npatterns == 1 && v->patterns[0].negate);
		}
	}
	CHECK(r.n == 14);
	nd_rules_free(&r);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char dir[512], want[1024];

		snprintf(dir, sizeof(dir), BAD "%s", bad[i].dir);
		snprintf(want, sizeof(want), "%s%s", dir, bad[i].message);
		CHECK(nd_rules_init(&r, &err) == 0);
		CHECK(nd_rules_load_dir(&r, dir, &err) == -1);
		CHECK_STR(err.message, want);
		nd_rules_free(&r);
	}
	return check_report();
}
