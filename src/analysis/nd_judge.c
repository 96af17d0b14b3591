#include "nd_judge.h"

#include <stdlib.h>
#include <string.h>

#include "nd_exposure.h"

/* What the rule callbacks read: the events of the subject and its time. */
typedef struct subject {
	const nd_analysis_data *d;
	int64_t client_ref, nps_ref, event_ref, center;
	size_t host;                  /* a finding's event's */
	const unsigned char *exposed; /* per host (nd_exposure_hosts), or NULL: ask nd_exposure_host */
} subject;

/* nd_rule_subject field callback. Returns the value, or NULL. */
static const char *subject_field(void *ctx, const nd_rule_field *f)
{
	const subject *s = ctx;
	int64_t ref = f->side == ND_SIDE_CLIENT ? s->client_ref : f->side == ND_SIDE_NPS ? s->nps_ref : s->event_ref;

	return nd_analysis_field(s->d, ref, f->name);
}

/* nd_rule_subject near callback. Returns 1 when an event of the list is
 * near, else 0. */
static int subject_near(void *ctx, const nd_rule_event *ev, size_t n, double window, nd_error *err)
{
	const subject *s = ctx;

	(void)err;
	return nd_analysis_near(s->d, ev, n, window, s->center) != 0;
}

/* nd_rule_subject exposed callback. Returns 1 when the event's host served
 * a workload Blast-RADIUS reaches, else 0. */
static int subject_exposed(void *ctx)
{
	const subject *s = ctx;

	if (s->exposed)
		return s->host < s->d->nhosts && s->exposed[s->host];
	return nd_exposure_host(s->d, s->host);
}

int64_t nd_judge_ref(const nd_attempt *a, nd_rule_side side)
{
	return side == ND_SIDE_CLIENT ? a->client_ref : side == ND_SIDE_NPS ? a->nps_ref : 0;
}

int nd_judge_attempt(const nd_rules *r, const nd_analysis_data *d, const nd_attempt *a, const nd_rule **cause,
		     nd_error *err)
{
	subject sub = {d, a->client_ref, a->nps_ref, 0, a->ts, d->nhosts, NULL};
	nd_rule_subject s;

	memset(&s, 0, sizeof(s));
	s.ctx = &sub;
	s.field = subject_field;
	s.near = subject_near;
	if (a->client != ND_ATTEMPT_NONE) {
		s.has_client = 1;
		s.has_client_error = d->clients[a->client].has_code;
		s.client_error = d->clients[a->client].code;
	}
	if (a->nps != ND_ATTEMPT_NONE) {
		s.has_nps = 1;
		s.nps_event = d->decisions[a->nps].event;
		s.has_reason = d->decisions[a->nps].has_reason;
		s.nps_reason = d->decisions[a->nps].reason;
	}
	return nd_rules_best(r, ND_RULE_INCIDENT, &s, cause, err);
}

/* Judges event e with the finding rules, the exposure of its host read
 * from exposed when not NULL. Returns 1 with *rule set, 0 when no rule
 * matches, -1 with err set. */
static int judge_event(const nd_rules *r, const nd_analysis_data *d, const nd_event *e, const unsigned char *exposed,
		       const nd_rule **rule, nd_error *err)
{
	subject sub = {d, 0, 0, e->ref, e->ts, e->host, exposed};
	nd_rule_subject s;

	memset(&s, 0, sizeof(s));
	s.ctx = &sub;
	s.field = subject_field;
	s.near = subject_near;
	s.exposed = subject_exposed;
	s.has_event = 1;
	s.event_family = e->family != ND_STR_NONE ? d->strings.v[e->family] : "";
	s.event_id = e->id;
	return nd_rules_best(r, ND_RULE_FINDING, &s, rule, err);
}

int nd_judge_event(const nd_rules *r, const nd_analysis_data *d, const nd_event *e, const nd_rule **rule,
		   nd_error *err)
{
	return judge_event(r, d, e, NULL, rule, err);
}

int nd_judge_events(const nd_rules *r, const nd_analysis_data *d, const nd_rule **rule, nd_error *err)
{
	unsigned char *exposed = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < d->nevents && rc == 0; i++) {
		rule[i] = NULL;
		if (!(d->events[i].flags & ND_EVENT_FINDING))
			continue;
		/* The exposure of every host, in one pass over the decisions, only
		 * when there is a finding event to judge. */
		if (!exposed) {
			if (!(exposed = malloc(d->nhosts + 1)))
				return nd_error_set(err, "out of memory");
			nd_exposure_hosts(d, exposed);
		}
		if (judge_event(r, d, &d->events[i], exposed, &rule[i], err) < 0)
			rc = -1;
	}
	free(exposed);
	return rc;
}

int nd_judge_all(const nd_rules *r, const nd_analysis_data *d, const nd_correlation *c, const nd_rule **cause,
		 const nd_rule **rule, nd_error *err)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (nd_judge_attempt(r, d, &c->attempts[i], &cause[i], err) < 0)
			return -1;
	return nd_judge_events(r, d, rule, err);
}
