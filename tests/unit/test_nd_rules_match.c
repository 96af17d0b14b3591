/* Unit tests of nd_rules_match (nd_rules_best, nd_rule_mentions): which
 * rule of tests/unit/rules/match wins for a subject (codes, reason, a
 * regex on a field, presence, a nearby event, precedence by score,
 * priority, confidence and id, disabled rules), and a later directory
 * (tests/unit/rules/override) replacing a rule by id, and hostile input
 * (tests/unit/rules/hostile): a long field, a catastrophic pattern. Subjects are built
 * by hand: no database. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "nd_rules.h"

/* A field value of a subject. */
typedef struct field {
	nd_rule_side side;
	const char *name, *value;
} field;

/* A subject and the cause that should win (NULL: none). */
typedef struct match_case {
	const char *name;
	nd_rule_kind kind;
	int has_client, has_code;
	uint32_t code;
	int has_nps;
	uint32_t event;
	int has_reason;
	uint32_t reason;
	const char *family; /* a finding's event */
	uint32_t id;
	field fields[2];
	int near; /* what the near callback answers */
	const char *want;
} match_case;

#define CLIENT(code) ND_RULE_INCIDENT, 1, 1, code
#define NO_CLIENT ND_RULE_INCIDENT, 0, 0, 0
#define NPS(event, reason) 1, event, 1, reason
#define NO_NPS 0, 0, 0, 0
#define NO_EVENT NULL, 0
#define NO_FIELDS {{ND_SIDE_CLIENT, NULL, NULL}}

/* Not const: a case is the context of its subject's callbacks. */
static match_case cases[] = {
	{"a client code alone", CLIENT(853), NO_NPS, NO_EVENT, NO_FIELDS, 0, "code-only"},
	{"code, event and reason beat the code alone", CLIENT(853), NPS(6273, 258), NO_EVENT,
	 {{ND_SIDE_NPS, "EAPType", "PEAP"}}, 0, "code-and-reason"},
	{"a regex on a field adds a point", CLIENT(853), NPS(6273, 258), NO_EVENT,
	 {{ND_SIDE_NPS, "EAPType", "Microsoft: Smart Card or other certificate"}}, 0, "eap-smartcard"},
	{"a regex on an absent field does not match", CLIENT(853), NPS(6273, 258), NO_EVENT, NO_FIELDS, 0,
	 "code-and-reason"},
	{"a regex on the other side's field does not match", CLIENT(853), NPS(6273, 258), NO_EVENT,
	 {{ND_SIDE_CLIENT, "EAPType", "Smart Card"}}, 0, "code-and-reason"},
	{"the reason code of another decision", CLIENT(853), NPS(6273, 259), NO_EVENT, NO_FIELDS, 0, "code-only"},
	{"!~ matches a present field that does not match", NO_CLIENT, NPS(6273, 48), NO_EVENT,
	 {{ND_SIDE_NPS, "NetworkPolicyName", "-"}}, 0, "policy-not-vpn"},
	{"!~ fails on a field that matches", NO_CLIENT, NPS(6273, 48), NO_EVENT,
	 {{ND_SIDE_NPS, "NetworkPolicyName", "AOVPN User Tunnel"}}, 0, NULL},
	{"!~ fails on an absent field", NO_CLIENT, NPS(6273, 48), NO_EVENT, NO_FIELDS, 0, NULL},
	{"ties: the more confident, then the smaller id", CLIENT(691), NO_NPS, NO_EVENT, NO_FIELDS, 0,
	 "tie-confirmed-a"},
	{"nps = absent holds without a decision", CLIENT(809), NO_NPS, NO_EVENT, NO_FIELDS, 0, "no-nps"},
	{"nps = absent fails with one; the catch-all takes it", CLIENT(809), NPS(6273, 16), NO_EVENT, NO_FIELDS, 0,
	 "catch-all"},
	{"a nearby event; the disabled rule never wins", CLIENT(812), NO_NPS, NO_EVENT, NO_FIELDS, 1, "near-kdc"},
	{"no nearby event", CLIENT(812), NO_NPS, NO_EVENT, NO_FIELDS, 0, "catch-all"},
	{"a regex on the computer", CLIENT(13801), NO_NPS, NO_EVENT,
	 {{ND_SIDE_CLIENT, "computer", "CLIENT01.lab.example"}}, 0, "device-name"},
	{"a regex on the computer that does not match", CLIENT(13801), NO_NPS, NO_EVENT,
	 {{ND_SIDE_CLIENT, "computer", "CLIENT02.lab.example"}}, 0, "catch-all"},
	{"a failure whose code could not be read", ND_RULE_INCIDENT, 1, 0, 853, NO_NPS, NO_EVENT, NO_FIELDS, 0,
	 "catch-all"},
	{"nothing at all", NO_CLIENT, NO_NPS, NO_EVENT, NO_FIELDS, 1, NULL},
	{"a finding: event and field", ND_RULE_FINDING, 0, 0, 0, NO_NPS, "nps_service", 4421,
	 {{ND_SIDE_EVENT, "Mode", "0"}}, 0, "blast-mode-0"},
	{"a finding: the field does not match", ND_RULE_FINDING, 0, 0, 0, NO_NPS, "nps_service", 4421,
	 {{ND_SIDE_EVENT, "Mode", "1"}}, 0, "blast-any"},
	{"a finding: an event id of any family", ND_RULE_FINDING, 0, 0, 0, NO_NPS, "remoteaccess", 4421,
	 {{ND_SIDE_EVENT, "Mode", "0"}}, 0, "blast-any"},
	{"a finding: another event", ND_RULE_FINDING, 0, 0, 0, NO_NPS, "nps_service", 4402, NO_FIELDS, 0, NULL},
	{"an attempt is not judged by finding rules", ND_RULE_FINDING, 1, 1, 853, NO_NPS, NO_EVENT, NO_FIELDS, 0,
	 NULL},
};

/* nd_rule_subject field callback over the case's fields. Returns the
 * value, or NULL. */
static const char *case_field(void *ctx, const nd_rule_field *f)
{
	const match_case *mc = ctx;
	size_t i;

	for (i = 0; i < 2 && mc->fields[i].name; i++)
		if (mc->fields[i].side == f->side && strcmp(mc->fields[i].name, f->name) == 0)
			return mc->fields[i].value;
	return NULL;
}

/* nd_rule_subject near callback: the case's answer. Returns 1 or 0. */
static int case_near(void *ctx, const nd_rule_event *ev, size_t n, double window, nd_error *err)
{
	const match_case *mc = ctx;

	(void)err;
	/* near-kdc asks for kdc:39 within 60 s. */
	return mc->near && n == 1 && ev[0].id == 39 && ev[0].family && strcmp(ev[0].family, "kdc") == 0 &&
	       window == 60;
}

/* nd_rule_subject near callback that fails. Returns -1 with err set. */
static int failing_near(void *ctx, const nd_rule_event *ev, size_t n, double window, nd_error *err)
{
	(void)ctx;
	(void)ev;
	(void)n;
	(void)window;
	return nd_error_set(err, "near failed");
}

/* Judges the subject of mc. Returns what nd_rules_best returns, *best set. */
static int judge(const nd_rules *r, match_case *mc, const nd_rule **best, nd_error *err)
{
	nd_rule_subject s;

	memset(&s, 0, sizeof(s));
	s.has_client = mc->has_client;
	s.has_client_error = mc->has_code;
	s.client_error = mc->code;
	s.has_nps = mc->has_nps;
	s.nps_event = mc->event;
	s.has_reason = mc->has_reason;
	s.nps_reason = mc->reason;
	s.has_event = mc->family != NULL;
	s.event_family = mc->family;
	s.event_id = mc->id;
	s.ctx = mc;
	s.field = case_field;
	s.near = case_near;
	return nd_rules_best(r, mc->kind, &s, best, err);
}

/* What the match_error callback saw. */
typedef struct reported {
	int n;
	const char *rule, *field;
	char what[192];
} reported;

/* Hostile subjects: a client failure with code and a Message field. */
typedef struct hostile {
	const char *message;
	reported rep;
} hostile;

/* nd_rule_subject field callback of a hostile subject: its Message. Returns
 * the value, or NULL. */
static const char *hostile_field(void *ctx, const nd_rule_field *f)
{
	const hostile *h = ctx;

	return f->side == ND_SIDE_CLIENT && strcmp(f->name, "Message") == 0 ? h->message : NULL;
}

/* nd_rule_subject match_error callback: records the report. Returns
 * nothing. */
static void hostile_error(void *ctx, const nd_rule *rule, const nd_rule_pattern *m, const char *what)
{
	hostile *h = ctx;

	h->rep.n++;
	h->rep.rule = rule->id;
	h->rep.field = m->field.name;
	snprintf(h->rep.what, sizeof(h->rep.what), "%s", what);
}

/* Judges a client failure with code and Message message, reporting match
 * errors to the callback when report is set. Returns what nd_rules_best
 * returns, *best set. */
static int judge_hostile(const nd_rules *r, hostile *h, uint32_t code, int report, const nd_rule **best,
			 nd_error *err)
{
	nd_rule_subject s;

	memset(&s, 0, sizeof(s));
	s.has_client = s.has_client_error = 1;
	s.client_error = code;
	s.ctx = h;
	s.field = hostile_field;
	s.near = case_near;
	s.match_error = report ? hostile_error : NULL;
	return nd_rules_best(r, ND_RULE_INCIDENT, &s, best, err);
}

/* The hostile cases (issue 9, item 9): a 6000-character field matches a
 * correct rule; a catastrophic pattern stops at the match limit, fast, and
 * is reported, never folded into "no match". Returns nothing. */
static void test_hostile(void)
{
	static char long_field[6001], bomb[64];
	nd_rules r;
	nd_error err;
	const nd_rule *best;
	hostile h;
	clock_t t0;
	int i, rc;

	CHECK(nd_rules_init(&r, &err) == 0);
	if (nd_rules_load_dir(&r, ND_TEST_DIR "/rules/hostile", &err) != 0) {
		fprintf(stderr, "%s\n", err.message);
		CHECK(0);
		return;
	}
	memset(long_field, 'a', sizeof(long_field) - 1);
	memset(&h, 0, sizeof(h));
	h.message = long_field;
	CHECK(judge_hostile(&r, &h, 998, 1, &best, &err) == 1 && best && strcmp(best->id, "long-field") == 0);
	CHECK(h.rep.n == 0);

	/* Without a callback a match error fails the judgement, naming the rule. */
	memset(bomb, 'a', 40);
	bomb[40] = 'b';
	memset(&h, 0, sizeof(h));
	h.message = bomb;
	t0 = clock();
	CHECK(judge_hostile(&r, &h, 999, 0, &best, &err) == -1 && best == NULL);
	CHECK(strstr(err.message, "/hostile.rules:6: cause catastrophic: match client.Message ~ ^(a+)+$: ") != NULL);
	CHECK(strstr(err.message, "limit") != NULL && strstr(err.message, "(a value of 41 bytes)") != NULL);

	/* With one, the error is reported and the next rule judges: 300 hostile
	 * subjects take milliseconds each, not a tenth of a second. */
	for (i = 0, rc = 1; i < 300 && rc == 1; i++) {
		memset(&h, 0, sizeof(h));
		h.message = bomb;
		rc = judge_hostile(&r, &h, 999, 1, &best, &err) == 1 && best && strcmp(best->id, "catch-999") == 0;
	}
	CHECK(rc == 1);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 3.0);
	CHECK(h.rep.n == 1);
	CHECK(h.rep.rule && strcmp(h.rep.rule, "catastrophic") == 0);
	CHECK(h.rep.field && strcmp(h.rep.field, "Message") == 0);
	CHECK(strstr(h.rep.what, "limit") != NULL);
	nd_rules_free(&r);
}

/* Returns the rule of id in r, or NULL. */
static const nd_rule *find(const nd_rules *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i]->id, id) == 0)
			return r->v[i];
	return NULL;
}

int main(void)
{
	nd_rules r;
	nd_error err;
	const nd_rule *best;
	size_t i;
	nd_rule_subject s;

	CHECK(nd_rules_init(&r, &err) == 0);
	if (nd_rules_load_dir(&r, ND_TEST_DIR "/rules/match", &err) != 0) {
		fprintf(stderr, "%s\n", err.message);
		CHECK(0);
		return check_report();
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		match_case *mc = &cases[i];
		int rc = judge(&r, mc, &best, &err);

		if (rc != (mc->want != NULL) || (best ? !mc->want || strcmp(best->id, mc->want) : mc->want != NULL)) {
			fprintf(stderr, "%s: got %s, want %s\n", mc->name, best ? best->id : "(none)",
				mc->want ? mc->want : "(none)");
			CHECK(0);
		} else {
			CHECK(1);
		}
	}

	/* An error of the near callback is the caller's error. */
	memset(&s, 0, sizeof(s));
	s.has_client = s.has_client_error = 1;
	s.client_error = 812;
	s.field = case_field;
	s.near = failing_near;
	s.ctx = &cases[0];
	CHECK(nd_rules_best(&r, ND_RULE_INCIDENT, &s, &best, &err) == -1);
	CHECK_STR(err.message, "near failed");

	/* nd_rule_mentions: client codes and reason codes, not of a disabled rule. */
	CHECK(find(&r, "code-and-reason") && nd_rule_mentions(find(&r, "code-and-reason"), 853, 0));
	CHECK(find(&r, "code-and-reason") && nd_rule_mentions(find(&r, "code-and-reason"), 258, 1));
	CHECK(find(&r, "code-and-reason") && !nd_rule_mentions(find(&r, "code-and-reason"), 258, 0));
	CHECK(find(&r, "switched-off") && !nd_rule_mentions(find(&r, "switched-off"), 812, 0));

	/* A later directory replaces code-only by id (priority 20: it now wins over code-and-reason). */
	CHECK(nd_rules_load_dir(&r, ND_TEST_DIR "/rules/override", &err) == 0);
	CHECK(find(&r, "code-only") && find(&r, "code-only")->priority == 20);
	CHECK(judge(&r, &cases[1], &best, &err) == 1 && best && strcmp(best->id, "code-only") == 0);
	CHECK(judge(&r, &cases[9], &best, &err) == 1 && best && strcmp(best->id, "tie-confirmed-a") == 0);
	nd_rules_free(&r);
	test_hostile();
	return check_report();
}
