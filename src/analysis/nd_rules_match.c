/* nd_rules_match: judging attempts and server events against the rules. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_rules.h"

/* The mutable state of one judgement's matches, made at its first pattern
 * so that judgements without patterns allocate nothing; the JIT stack only
 * when the machine stack PCRE2 starts with (32 KiB) was not enough: mapping
 * it costs tens of microseconds. */
typedef struct matcher {
	pcre2_match_data *md;
	pcre2_match_context *mc;
	pcre2_jit_stack *js;
} matcher;

/* Makes m ready to match, bounded by the ND_RULES_* limits. Returns 0, or
 * -1 with err set. */
static int matcher_ready(matcher *m, nd_error *err)
{
	if (m->md)
		return 0;
	if (!(m->md = pcre2_match_data_create(1, NULL)) || !(m->mc = pcre2_match_context_create(NULL)))
		return nd_error_set(err, "out of memory");
	pcre2_set_match_limit(m->mc, ND_RULES_MATCH_LIMIT);
	pcre2_set_depth_limit(m->mc, ND_RULES_DEPTH_LIMIT);
	pcre2_set_heap_limit(m->mc, ND_RULES_HEAP_LIMIT_KIB);
	return 0;
}

/* Matches pattern code against v (len bytes) with m, on a JIT stack of up
 * to ND_RULES_JIT_STACK_MAX when the first try needed more than the machine
 * stack. Returns what pcre2_match returns, or PCRE2_ERROR_NOMEMORY. */
static int match(matcher *m, const void *code, const char *v, size_t len)
{
	int rc = pcre2_match(code, (PCRE2_SPTR)v, len, 0, 0, m->md, m->mc);

	if (rc != PCRE2_ERROR_JIT_STACKLIMIT || m->js)
		return rc;
	if (!(m->js = pcre2_jit_stack_create(32 * 1024, ND_RULES_JIT_STACK_MAX, NULL)))
		return PCRE2_ERROR_NOMEMORY;
	pcre2_jit_stack_assign(m->mc, NULL, m->js);
	return pcre2_match(code, (PCRE2_SPTR)v, len, 0, 0, m->md, m->mc);
}

/* Frees what matcher_ready made. Returns nothing. */
static void matcher_free(matcher *m)
{
	pcre2_jit_stack_free(m->js);
	pcre2_match_context_free(m->mc);
	pcre2_match_data_free(m->md);
}

/* Reports that pattern m of rule r failed with PCRE2 error rc on a value of
 * len bytes: to the subject's match_error callback (returns 0: the rule
 * does not match), or, without one, as an error. Returns 0, or -1 with err
 * set. */
static int match_failed(const nd_rule *r, const nd_rule_pattern *m, const nd_rule_subject *s, int rc, size_t len,
			nd_error *err)
{
	static const char *const side[] = {"client", "nps", "event"};
	PCRE2_UCHAR msg[128];
	char what[192];

	if (pcre2_get_error_message(rc, msg, sizeof(msg)) < 0)
		snprintf((char *)msg, sizeof(msg), "PCRE2 error %d", rc);
	snprintf(what, sizeof(what), "%s (a value of %zu bytes)", (const char *)msg, len);
	if (s->match_error) {
		s->match_error(s->ctx, r, m, what);
		return 0;
	}
	return nd_error_set(err, "%s:%lu: cause %s: match %s.%s %s %s: %s", r->file, r->line, r->id,
			    side[m->field.side], m->field.name, m->negate ? "!~" : "~", m->pattern, what);
}

/* Returns 1 if code is in l, else 0. */
static int in_list(const nd_codes_list *l, uint32_t code)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == code)
			return 1;
	return 0;
}

/* Returns 1 if presence p allows has, else 0. */
static int presence_ok(nd_presence p, int has)
{
	return p == ND_ANY || (p == ND_PRESENT) == !!has;
}

/* Returns the rank of a confidence, 0 for the most confident. */
static int confidence_rank(const char *c)
{
	return strcmp(c, "confirmed") == 0 ? 0 : strcmp(c, "likely") == 0 ? 1 : 2;
}

/* Returns the score of a rule that matched: one point per condition (a
 * finding's exposure included), two for an NPS reason code or a nearby
 * event (the strongest discriminators), plus the rule's priority. */
static int score(const nd_rule *r)
{
	return (r->client_errors.n ? 1 : 0) + (r->client != ND_ANY) + (r->nps_events.n ? 1 : 0) +
	       (r->nps_reasons.n ? 2 : 0) + (r->nps != ND_ANY) + (r->exposure != ND_ANY) +
	       (r->nevents ? (r->kind == ND_RULE_FINDING ? 1 : 2) : 0) + (int)r->npatterns + r->priority;
}

/* Returns 1 if the finding rule's event list takes the subject's event,
 * else 0. */
static int event_ok(const nd_rule *r, const nd_rule_subject *s)
{
	size_t i;

	if (!s->has_event)
		return 0;
	for (i = 0; i < r->nevents; i++)
		if (r->events[i].id == s->event_id &&
		    (!r->events[i].family || strcmp(r->events[i].family, s->event_family) == 0))
			return 1;
	return 0;
}

/* Judges one rule, matching its patterns with mt. Returns 1 when it
 * matches, 0 when not, -1 with err set. */
static int matches(matcher *mt, const nd_rule *r, const nd_rule_subject *s, nd_error *err)
{
	size_t i;

	if (r->kind == ND_RULE_FINDING) {
		if (!event_ok(r, s) ||
		    (r->exposure != ND_ANY && !presence_ok(r->exposure, s->exposed ? s->exposed(s->ctx) : 0)))
			return 0;
	} else if (!presence_ok(r->client, s->has_client) || !presence_ok(r->nps, s->has_nps) ||
		   (r->client_errors.n && (!s->has_client_error || !in_list(&r->client_errors, s->client_error))) ||
		   (r->nps_events.n && (!s->has_nps || !in_list(&r->nps_events, s->nps_event))) ||
		   (r->nps_reasons.n && (!s->has_reason || !in_list(&r->nps_reasons, s->nps_reason)))) {
		return 0;
	}
	for (i = 0; i < r->npatterns; i++) {
		const nd_rule_pattern *m = &r->patterns[i];
		const char *v = s->field(s->ctx, &m->field);
		size_t len;
		int rc;

		if (!v)
			return 0;
		if (matcher_ready(mt, err) != 0)
			return -1;
		len = strlen(v);
		rc = match(mt, m->code, v, len);
		if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
			return match_failed(r, m, s, rc, len, err);
		if (m->negate ? rc != PCRE2_ERROR_NOMATCH : rc < 0)
			return 0;
	}
	if (r->kind == ND_RULE_INCIDENT && r->nevents)
		return s->near(s->ctx, r->events, r->nevents, r->near_s, err);
	return 1;
}

/* qsort: rules in the order nd_rules_best prefers them: by kind, the
 * higher score, the more confident, the smaller id (unique in a set). */
static int preferred(const void *pa, const void *pb)
{
	const nd_rule *a = *(const nd_rule *const *)pa, *b = *(const nd_rule *const *)pb;
	int sa = score(a), sb = score(b), ca = confidence_rank(a->confidence), cb = confidence_rank(b->confidence);

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (sa != sb)
		return sa > sb ? -1 : 1;
	if (ca != cb)
		return ca < cb ? -1 : 1;
	return strcmp(a->id, b->id);
}

int nd_rules_rank(nd_rules *r, nd_error *err)
{
	size_t i;

	free(r->ranked);
	r->ranked = NULL;
	r->nranked = 0;
	if (!(r->ranked = malloc((r->n + 1) * sizeof(*r->ranked))))
		return nd_error_set(err, "out of memory");
	for (i = 0; i < r->n; i++)
		if (!r->v[i]->disabled)
			r->ranked[r->nranked++] = r->v[i];
	qsort(r->ranked, r->nranked, sizeof(*r->ranked), preferred);
	return 0;
}

int nd_rules_best(const nd_rules *r, nd_rule_kind kind, const nd_rule_subject *s, const nd_rule **best,
		  nd_error *err)
{
	matcher mt = {NULL, NULL, NULL};
	int rc = 0;
	size_t i;

	/* The first rule of the kind that matches, in the order of preference:
	 * the rules after it could not win (a rule that cannot be matched
	 * before it is reported). */
	*best = NULL;
	if (r->n && !r->ranked) /* a set not made by nd_rules_load_dir would judge nothing */
		return nd_error_set(err, "rules: not ranked (nd_rules_rank)");
	for (i = 0; i < r->nranked && rc == 0; i++)
		if (r->ranked[i]->kind == kind && (rc = matches(&mt, r->ranked[i], s, err)) == 1)
			*best = r->ranked[i];
	matcher_free(&mt);
	if (rc < 0) {
		*best = NULL;
		return -1;
	}
	return *best != NULL;
}

int nd_rule_mentions(const nd_rule *rule, uint32_t code, int reason)
{
	return !rule->disabled && in_list(reason ? &rule->nps_reasons : &rule->client_errors, code);
}
