#include "nd_diagnose_write.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_batch.h"
#include "nd_buf.h"
#include "nd_evidence.h"
#include "nd_exposure.h"
#include "nd_incidents.h"
#include "nd_judge.h"
#include "nd_result_feed.h"
#include "nd_sort.h"
#include "nd_db.h"
#include "nd_time.h"

/* The result tables an incident has rows in: incidents (its facts a
 * column), incident_events. */
#define RESULT_TABLES 2

/* The state of one write. */
typedef struct writer {
	nd_store *s; /* NULL: rows in memory */
	nd_db *db;
	nd_error *err;
	const nd_analysis_data *d;
	const nd_correlation *c;
	const nd_grouping *g;
	nd_result_rows t; /* the batches of the result tables */
	size_t part;      /* incidents written since the last commit of a part (nd_incidents_commit_part) */
	size_t part_max;  /* incidents a part holds */
	double gap_s;
	const nd_row_plan *plan; /* NULL: facts resolved per incident */
} writer;

/* A fact of a rule as its rows hold it: its name in incident_facts
 * ("nps.NAME") and where its value is read (nd_analysis_field_pos). */
typedef struct plan_fact {
	char *name;
	size_t pos;
} plan_fact;

/* The facts of one rule, resolved. */
typedef struct plan_rule {
	const nd_rule *rule;
	plan_fact *facts; /* rule->nfacts */
} plan_rule;

struct nd_row_plan {
	plan_rule *v; /* the enabled rules by address (plan_find) */
	size_t n;
};

/* Runs a prepared statement to completion and resets it. Returns 0, or -1
 * with err set. */
static int step_done(writer *w, nd_stmt *st, const char *what)
{
	int rc = nd_db_step(st, "diagnose", NULL);

	nd_db_reset(st);
	nd_db_clear(st);
	return rc == 0 ? 0 : nd_db_fail(w->db, what, w->err);
}

/* Binds text, or NULL when v is NULL. Returns nothing. */
static void bind_text(nd_stmt *st, int col, const char *v)
{
	if (v)
		nd_db_bind_text(st, col, v, "diagnose", NULL);
	else
		nd_db_bind_null(st, col, "diagnose", NULL);
}

/* Returns the name of host h, or NULL when unknown. */
static const char *host(const writer *w, size_t h)
{
	return h < w->d->nhosts ? w->d->hosts[h] : NULL;
}

/* Stores the enabled rules as causes with their steps, commands and
 * sources. Returns 0, or -1 with err set. */
static int store_causes(writer *w, const nd_rules *rules)
{
	nd_stmt *cause = NULL, *step = NULL, *cmd = NULL, *src = NULL;
	size_t i, j, k;
	int rc = -1;

	if (nd_db_prepare(w->db, "INSERT INTO causes VALUES(?,?,?,?,?,?,?)", 0, &cause, "diagnose", NULL) ||
	    nd_db_prepare(w->db, "INSERT INTO cause_steps VALUES(?,?,?)", 0, &step, "diagnose", NULL) ||
	    nd_db_prepare(w->db, "INSERT INTO cause_commands VALUES(?,?,?,?)", 0, &cmd, "diagnose", NULL) ||
	    nd_db_prepare(w->db, "INSERT INTO cause_sources VALUES(?,?,?)", 0, &src, "diagnose", NULL)) {
		nd_db_fail(w->db, "prepare", w->err);
		goto out;
	}
	for (i = 0; i < rules->n; i++) {
		const nd_rule *r = rules->v[i];

		if (r->disabled)
			continue;
		bind_text(cause, 1, r->id);
		bind_text(cause, 2, r->kind == ND_RULE_FINDING ? "finding" : "incident");
		bind_text(cause, 3, r->title);
		bind_text(cause, 4, r->confidence);
		bind_text(cause, 5, r->explanation);
		bind_text(cause, 6, r->file);
		nd_db_bind_int64(cause, 7, (int64_t)r->line, "diagnose", NULL);
		if (step_done(w, cause, "causes"))
			goto out;
		for (j = 0; j < r->nsteps; j++) {
			bind_text(step, 1, r->id);
			nd_db_bind_int64(step, 2, (int64_t)j + 1, "diagnose", NULL);
			bind_text(step, 3, r->steps[j].text);
			if (step_done(w, step, "cause steps"))
				goto out;
			for (k = 0; k < r->steps[j].ncommands; k++) {
				bind_text(cmd, 1, r->id);
				nd_db_bind_int64(cmd, 2, (int64_t)j + 1, "diagnose", NULL);
				nd_db_bind_int64(cmd, 3, (int64_t)k + 1, "diagnose", NULL);
				bind_text(cmd, 4, r->steps[j].commands[k]);
				if (step_done(w, cmd, "cause commands"))
					goto out;
			}
		}
		for (j = 0; j < r->nsources; j++) {
			bind_text(src, 1, r->id);
			nd_db_bind_int64(src, 2, (int64_t)j + 1, "diagnose", NULL);
			bind_text(src, 3, r->sources[j]);
			if (step_done(w, src, "cause sources"))
				goto out;
		}
	}
	rc = 0;
out:
	nd_db_finalize(cause);
	nd_db_finalize(step);
	nd_db_finalize(cmd);
	nd_db_finalize(src);
	return rc;
}

/* Links an event to incident id. Returns 0, or -1 with err set. */
static int link_event(writer *w, int64_t id, int64_t ref, const char *role, size_t attempt, const int64_t *delta)
{
	nd_batch_int(&w->t.events, id);
	nd_batch_int(&w->t.events, ref);
	nd_batch_ref(&w->t.events, role); /* a literal */
	if (attempt)
		nd_batch_int(&w->t.events, (int64_t)attempt);
	else
		nd_batch_null(&w->t.events);
	if (delta)
		nd_batch_int(&w->t.events, *delta);
	else
		nd_batch_null(&w->t.events);
	return nd_batch_row(&w->t.events, w->err);
}

/* Puts fact name = value at pos of the incident being put into its facts
 * column and, for rows in memory, a row of the printer's facts (by
 * reference when both live as long as the diagnosis (lives), else
 * copied). Returns 0, or -1 with err set. */
static int put_fact(writer *w, size_t pos, const char *name, const char *value, int lives)
{
	void (*put)(nd_batch *, const char *) = lives ? nd_batch_ref : nd_batch_text;

	if (nd_incidents_fact_put(&w->t.json, &w->t.njson, pos, name, value) != 0)
		return nd_error_set(w->err, "out of memory");
	if (w->db)
		return 0;
	put(&w->t.facts, name);
	put(&w->t.facts, value);
	return nd_batch_row(&w->t.facts, w->err);
}

/* The event whose facts are read last (fact_value): looked up once for
 * the facts of an incident that read the same event. */
typedef struct fact_event {
	int64_t ref; /* 0: none yet */
	const nd_event *e;
} fact_event;

/* Returns the value of the fact read at pos (nd_analysis_field_pos) on
 * side for item i of group g: from the attempt's event of that side
 * (looked up unless it is the one in *last), or from the finding's event.
 * NULL when absent. */
static const char *fact_value(const writer *w, const nd_group *g, size_t i, nd_rule_side side, size_t pos,
			      fact_event *last)
{
	size_t item = w->g->items[g->item + i];
	int64_t ref;

	if (g->finding)
		return side == ND_SIDE_EVENT ? nd_analysis_field_in(w->d, &w->d->events[item], pos) : NULL;
	if ((ref = nd_judge_ref(&w->c->attempts[item], side)) == 0)
		return NULL;
	if (ref != last->ref) {
		last->ref = ref;
		last->e = nd_analysis_event(w->d, ref);
	}
	return nd_analysis_field_in(w->d, last->e, pos);
}

/* Writes the name fact f is stored under ("side.name", cut as
 * snprintf would at size bytes) at out. Returns out. */
static char *fact_name(const nd_rule_field *f, char *out, size_t size)
{
	static const char *const side[] = {"client.", "nps.", "event."};
	size_t n = strlen(side[f->side]), k = strlen(f->name);

	memcpy(out, side[f->side], n);
	k = k < size - 1 - n ? k : size - 1 - n;
	memcpy(out + n, f->name, k);
	out[n + k] = '\0';
	return out;
}

/* qsort, bsearch: plan rules by the address of their rule. */
static int plan_order(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const plan_rule *)a)->rule, y = (uintptr_t)((const plan_rule *)b)->rule;

	return x < y ? -1 : x > y;
}

/* Returns the resolved facts of rule in plan p, or NULL (no plan, or a
 * rule it does not have). */
static const plan_fact *plan_find(const nd_row_plan *p, const nd_rule *rule)
{
	plan_rule key = {rule, NULL};
	const plan_rule *r = p && p->n ? bsearch(&key, p->v, p->n, sizeof(*p->v), plan_order) : NULL;

	return r ? r->facts : NULL;
}

void nd_row_plan_free(nd_row_plan *p)
{
	size_t i, f;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		for (f = 0; p->v[i].facts && f < p->v[i].rule->nfacts; f++)
			free(p->v[i].facts[f].name);
		free(p->v[i].facts);
	}
	free(p->v);
	free(p);
}

int nd_row_plan_make(const nd_diagnosis *x, nd_row_plan **out, nd_error *err)
{
	nd_row_plan *p = calloc(1, sizeof(*p));
	size_t i, f;
	char name[300];

	*out = NULL;
	if (!p || !(p->v = calloc(x->rules->n + 1, sizeof(*p->v)))) {
		free(p);
		return nd_error_set(err, "out of memory");
	}
	for (i = 0; i < x->rules->n; i++) {
		const nd_rule *r = x->rules->v[i];
		plan_rule *pr;

		if (r->disabled)
			continue;
		pr = &p->v[p->n++];
		pr->rule = r;
		if (r->nfacts && !(pr->facts = calloc(r->nfacts, sizeof(*pr->facts)))) {
			nd_row_plan_free(p);
			return nd_error_set(err, "out of memory");
		}
		for (f = 0; f < r->nfacts; f++) {
			pr->facts[f].pos = nd_analysis_field_pos(&x->d, r->facts[f].name);
			if (!(pr->facts[f].name = strdup(fact_name(&r->facts[f], name, sizeof(name))))) {
				nd_row_plan_free(p);
				return nd_error_set(err, "out of memory");
			}
		}
	}
	nd_sort(p->v, p->n, sizeof(*p->v), plan_order);
	*out = p;
	return 0;
}

/* Puts the facts of group g: each from the first item that has it.
 * Returns 0, or -1 with err set. */
static int store_facts(writer *w, const nd_group *g)
{
	const plan_fact *plan = plan_find(w->plan, g->rule);
	fact_event last = {0, NULL};
	size_t f, i;
	char name[300];

	for (f = 0; f < g->rule->nfacts; f++) {
		const nd_rule_field *fact = &g->rule->facts[f];
		size_t pos = plan ? plan[f].pos : nd_analysis_field_pos(w->d, fact->name);
		const char *v = NULL;

		for (i = 0; i < g->n && !v; i++)
			v = fact_value(w, g, i, fact->side, pos, &last);
		if (v && put_fact(w, f + 1, plan ? plan[f].name : fact_name(fact, name, sizeof(name)), v, plan != NULL))
			return -1;
	}
	return 0;
}

/* Puts, after the rule's facts of incident g, a "clock" fact when an
 * attempt of g was left unpaired but lines up with an unpaired attempt of
 * its identity at a clock offset too large to take from one pair alone.
 * Returns 0, or -1 with err set. */
static int store_clock_fact(writer *w, const nd_group *g)
{
	const nd_attempt *a = NULL;
	const char *other;
	char text[600];
	double s;
	size_t i;

	for (i = 0; i < g->n && !a; i++)
		if (w->c->attempts[w->g->items[g->item + i]].lines_up)
			a = &w->c->attempts[w->g->items[g->item + i]];
	if (!a)
		return 0;
	s = (double)a->lineup / ND_TICKS_PER_SECOND;
	other = host(w, a->lineup_host) ? host(w, a->lineup_host) : "?";
	if (a->client_ref)
		snprintf(text, sizeof(text),
			 "%s logged a decision for this identity %.1f s %s this failure: is the client's clock %.1f s %s?"
			 " (--skew %.0f pairs them)",
			 other, s < 0 ? -s : s, s < 0 ? "after" : "before", s < 0 ? -s : s,
			 s < 0 ? "behind" : "ahead", (s < 0 ? -s : s) + 1);
	else
		snprintf(text, sizeof(text),
			 "%s logged a failure of this identity %.1f s %s this decision: is the client's clock %.1f s %s?"
			 " (--skew %.0f pairs them)",
			 other, s < 0 ? -s : s, s < 0 ? "before" : "after", s < 0 ? -s : s,
			 s < 0 ? "behind" : "ahead", (s < 0 ? -s : s) + 1);
	return put_fact(w, g->rule->nfacts + 1, "clock", text, 0);
}

/* Puts, after the rule's facts of finding g, an "exposed" fact when
 * its rule weighs the Blast-RADIUS exposure of the host: the workloads it
 * serves that Blast-RADIUS reaches, or why none. Returns 0, or -1 with err
 * set. */
static int store_exposure_fact(writer *w, const nd_group *g)
{
	char *text;
	int rc;

	if (g->rule->exposure == ND_ANY)
		return 0;
	if (nd_exposure_text(w->d, w->d->events[w->g->items[g->item]].host, &text, w->err) != 0)
		return -1;
	rc = put_fact(w, g->rule->nfacts + 1, "exposed", text, 0);
	free(text);
	return rc;
}

/* Puts, after the rule's facts and the clock fact of incident g (id), a
 * "certificate" fact when the CAPI2 log of the NPS server names the
 * certificate or URL that failed for a decision of g with a certificate
 * reason (nd_evidence), from the first such decision; links the CAPI2
 * events of every such decision as context. Returns 0, or -1 with err set. */
static int store_capi2_evidence(writer *w, const nd_group *g, int64_t id)
{
	nd_buf text = {0};
	size_t i, k, seen = 0;
	int rc = 0;

	for (i = 0; i < g->n && rc == 0; i++) {
		const nd_attempt *a = &w->c->attempts[w->g->items[g->item + i]];
		const nd_decision *n = a->nps != ND_ATTEMPT_NONE ? &w->d->decisions[a->nps] : NULL;
		nd_capi2_evidence e;

		if (!n || !n->has_reason || !nd_evidence_reason(n->reason) || !nd_evidence_capi2(w->d, n, &e))
			continue;
		if (!seen++ && nd_evidence_capi2_text(w->d, n, &e, &text) != 0)
			rc = nd_error_set(w->err, "out of memory");
		for (k = 0; k < e.n && rc == 0; k++)
			rc = link_event(w, id, w->d->capi2[e.idx[k]].ref, "context", 0, NULL);
	}
	if (rc == 0 && text.len) {
		rc = put_fact(w, g->rule->nfacts + 2, "certificate", text.data, 0);
	}
	nd_buf_free(&text);
	return rc;
}

/* Links, for an NPS lockout (the rule names reason 64), the NPS lock
 * (6279) of its identity logged last before its last attempt, within the
 * gap before its first, as context. Returns 0, or -1 with err set. */
static int store_lock(writer *w, const nd_group *g, int64_t id)
{
	const nd_resolution *lock;

	if (!nd_rule_mentions(g->rule, 64, 1))
		return 0;
	lock = nd_correlate_last(w->c->locks, w->c->nlocks, g->key, g->last);
	if (!lock || lock->ts < g->first - (int64_t)(w->gap_s * ND_TICKS_PER_SECOND))
		return 0;
	return link_event(w, id, lock->ref, "context", 0, NULL);
}

/* Links the evidence of an incident's attempts: client failures and
 * retries, NPS decisions with their delta, and the nearby events the rule
 * asked for. Returns 0, or -1 with err set. */
static int store_attempts(writer *w, const nd_group *g, int64_t id)
{
	size_t i, k;

	for (i = 0; i < g->n; i++) {
		const nd_attempt *a = &w->c->attempts[w->g->items[g->item + i]];
		int64_t delta = 0, near;

		if (a->client != ND_ATTEMPT_NONE && a->nps != ND_ATTEMPT_NONE)
			delta = w->d->clients[a->client].ts - w->d->decisions[a->nps].ts;
		if (a->client_ref && link_event(w, id, a->client_ref, "client-failure", i + 1, NULL))
			return -1;
		for (k = 0; k < a->nretries; k++) {
			int64_t retry = w->d->clients[w->c->retries[a->retry + k]].ref;

			if (link_event(w, id, retry, "client-failure", i + 1, NULL))
				return -1;
		}
		if (a->nps_ref && link_event(w, id, a->nps_ref, "nps-decision", i + 1, a->client_ref ? &delta : NULL))
			return -1;
		if (g->rule->nevents) {
			near = nd_analysis_near(w->d, g->rule->events, g->rule->nevents, g->rule->near_s, a->ts);
			if (near && link_event(w, id, near, "context", 0, NULL))
				return -1;
		}
	}
	return store_lock(w, g, id);
}

/* Stores group g as incident (or finding) id with its key. Returns 0, or
 * -1 with err set. */
static int store_group(writer *w, const nd_group *g, int64_t id, const char *key)
{
	const nd_client_failure *client = NULL;
	const nd_decision *nps = NULL;
	const char *vpn = NULL;
	const nd_decision *other = NULL; /* a decision of another NPS server */
	char servers[2 * 256 + 3];
	nd_batch *st = &w->t.incidents;
	char first[ND_TIME_ISO_SIZE], last[ND_TIME_ISO_SIZE], when[ND_TIME_ISO_SIZE];
	size_t i, paired = 0;

	for (i = 0; i < g->n && !g->finding; i++) {
		const nd_attempt *a = &w->c->attempts[w->g->items[g->item + i]];
		const nd_client_failure *ac = a->client != ND_ATTEMPT_NONE ? &w->d->clients[a->client] : NULL;
		const nd_decision *an = a->nps != ND_ATTEMPT_NONE ? &w->d->decisions[a->nps] : NULL;

		if (ac && !client)
			client = ac;
		if (an && !nps)
			nps = an;
		else if (an && !other && an->host != nps->host)
			other = an;
		if (!vpn)
			vpn = an && an->nas != ND_STR_NONE ? w->d->strings.v[an->nas] : ac ? ac->dialled : NULL;
		paired += ac && an;
	}
	/* strings of the diagnosis or literals by reference, those made here copied */
	nd_batch_int(st, id);
	nd_batch_ref(st, g->finding ? "finding" : "incident");
	nd_batch_ref(st, g->rule->id);
	nd_batch_ref(st, g->rule->confidence);
	nd_batch_ref(st, g->finding ? "server" : paired ? "client+nps" : client ? "client-only" : "nps-only");
	nd_batch_ref(st, g->finding ? NULL : g->key);
	nd_batch_ref(st, nd_analysis_s(w->d, client ? client->user : nps ? nps->user : ND_STR_NONE));
	nd_batch_ref(st, client ? host(w, client->host) : NULL);
	nd_batch_ref(st, vpn);
	if (other) {
		snprintf(servers, sizeof(servers), "%s, %s", host(w, nps->host) ? host(w, nps->host) : "?",
			 host(w, other->host) ? host(w, other->host) : "?");
		nd_batch_text(st, servers);
	} else {
		nd_batch_ref(st, g->finding ? g->key : nps ? host(w, nps->host) : NULL);
	}
	if (client && client->has_code)
		nd_batch_int(st, client->code);
	else
		nd_batch_null(st);
	if (nps)
		nd_batch_int(st, nps->event);
	else
		nd_batch_null(st);
	if (nps && nps->has_reason)
		nd_batch_int(st, nps->reason);
	else
		nd_batch_null(st);
	nd_batch_int(st, (int64_t)g->n);
	nd_batch_int(st, (int64_t)paired);
	nd_batch_int(st, g->first);
	nd_batch_int(st, g->last);
	nd_batch_text(st, nd_time_format(g->first, first));
	nd_batch_text(st, g->last == g->first ? first : nd_time_format(g->last, last)); /* one attempt: once */
	nd_batch_ref(st, g->resolved_ref ? "resolved" : "open");
	if (g->resolved_ref) {
		nd_batch_int(st, g->resolved_ts);
		nd_batch_text(st, nd_time_format(g->resolved_ts, when));
	} else {
		nd_batch_null(st);
		nd_batch_null(st);
	}
	nd_batch_ref(st, key);
	/* the row's last column, the facts, once its events are linked (the
	 * CAPI2 evidence gives both) */
	nd_buf_reset(&w->t.json);
	w->t.njson = 0;
	if (g->finding) {
		for (i = 0; i < g->n; i++)
			if (link_event(w, id, w->d->events[w->g->items[g->item + i]].ref, "finding", i + 1, NULL))
				return -1;
	} else if (store_attempts(w, g, id) ||
		   (g->resolved_ref && link_event(w, id, g->resolved_ref, "resolution", 0, NULL))) {
		return -1;
	}
	if (store_facts(w, g) || (!g->finding && store_clock_fact(w, g)) ||
	    (!g->finding && store_capi2_evidence(w, g, id)) || (g->finding && store_exposure_fact(w, g)))
		return -1;
	if (nd_incidents_facts_end(&w->t.json) != 0)
		return nd_error_set(w->err, "out of memory");
	nd_batch_text(st, w->t.json.len ? w->t.json.data : NULL);
	return nd_batch_row(st, w->err);
}

/* Stores the run's parameters. Returns 0, or -1 with err set. */
static int store_meta(writer *w, const nd_rules *rules, const nd_diagnose_params *p)
{
	nd_stmt *st = NULL;
	nd_buf files = {0};
	char num[3][32];
	const char *keys[4] = {"window_s", "skew_s", "gap_s", "rules"};
	const char *vals[4];
	size_t i;
	int rc = 0;

	snprintf(num[0], sizeof(num[0]), "%g", p->window_s);
	snprintf(num[1], sizeof(num[1]), "%g", p->skew_s);
	snprintf(num[2], sizeof(num[2]), "%g", p->gap_s);
	for (i = 0; i < rules->nfiles; i++)
		rc |= nd_buf_append(&files, rules->files[i], strlen(rules->files[i])) |
		      nd_buf_append(&files, "\n", i + 1 < rules->nfiles);
	if (rc || nd_buf_append(&files, "", 0)) {
		nd_buf_free(&files);
		return nd_error_set(w->err, "out of memory");
	}
	vals[0] = num[0];
	vals[1] = num[1];
	vals[2] = num[2];
	vals[3] = files.data;
	if (nd_db_prepare(w->db, "INSERT INTO diagnose_meta VALUES(?,?)", 0, &st, "diagnose", NULL) != 0)
		rc = nd_db_fail(w->db, "prepare", w->err);
	for (i = 0; rc == 0 && i < 4; i++) {
		bind_text(st, 1, keys[i]);
		bind_text(st, 2, vals[i]);
		rc = step_done(w, st, "diagnose_meta");
	}
	nd_db_finalize(st);
	nd_buf_free(&files);
	return rc;
}

/* Opens the batches of w's result tables (a renewal's new ones: nd_incidents_target).
 * Returns 0, or -1 with err set. */
static int open_batches(writer *w)
{
	char name[ND_INCIDENTS_NAME], head[512];

	snprintf(head, sizeof(head),
		 "INSERT INTO \"%s\"(id, kind, cause_id, confidence, match, identity, user_name,"
		 " client, vpn_server, nps_server, client_error, nps_event_id, nps_reason, count, paired,"
		 " first_ts, last_ts, first_time, last_time, status, resolved_ts, resolved_time, key, facts)",
		 nd_incidents_target(w->s, 0, name));
	if (nd_batch_open(&w->t.incidents, w->db, head, ND_INCIDENTS_COLUMNS, "", "incidents", w->err) != 0)
		return -1;
	snprintf(head, sizeof(head), "INSERT INTO \"%s\"(incident_id, event_ref, role, attempt, delta_ticks)",
		 nd_incidents_target(w->s, 1, name));
	return nd_batch_open(&w->t.events, w->db, head, ND_INCIDENT_EVENTS_COLUMNS, " ON CONFLICT DO NOTHING",
			     "incident events", w->err);
}

/* Inserts the rows still pending. Returns 0, or -1 with err set. */
static int flush_batches(writer *w)
{
	return nd_batch_flush(&w->t.incidents, w->err) || nd_batch_flush(&w->t.events, w->err) ? -1 : 0;
}

/* Counts n incidents more of a full rewrite, and commits the part they
 * end when a renewal's is complete (nd_incidents_commit_part). Returns 0,
 * or -1 with err set. */
static int written(writer *w, size_t n)
{
	if ((w->part += n) < w->part_max)
		return 0;
	w->part = 0;
	return flush_batches(w) || nd_incidents_commit_part(w->s, w->err) ? -1 : 0;
}

/* Sets the size of w's parts for a full rewrite with p. Returns nothing. */
static void parts_of(writer *w, const nd_diagnose_params *p)
{
	w->part_max = p->test & ND_DIAGNOSE_PARTS ? 1 : ND_INCIDENTS_PART;
}

/* Ends a full rewrite begun by nd_incidents_renew: inserts the rows still
 * pending, puts the new tables in place or makes the index the clear
 * dropped (nd_incidents_finish), then stores the causes and the run's
 * parameters. Returns 0, or -1 with err set. */
static int finish_rewrite(writer *w, const nd_rules *rules, const nd_diagnose_params *p)
{
	if (flush_batches(w) != 0)
		return -1;
	if (p->test & ND_DIAGNOSE_WRITE_FAILS)
		return nd_error_set(w->err, "injected failure");
	return nd_incidents_finish(w->s, w->err) || store_causes(w, rules) || store_meta(w, rules, p) ? -1 : 0;
}

/* Frees w's batches. Returns nothing. */
static void close_batches(writer *w)
{
	nd_result_rows_close(&w->t);
}

/* Sets *h to the keyed hash of the rows group g would be stored as (id,
 * key). Returns 0, or -1 with err set. */
static int hash_group(writer *w, const nd_group *g, int64_t id, const char *key, uint64_t *h)
{
	nd_hash_state st;
	int rc;

	nd_hash_begin(&st);
	w->t.incidents.hash = w->t.events.hash = &st;
	rc = store_group(w, g, id, key);
	w->t.incidents.hash = w->t.events.hash = NULL;
	*h = nd_hash_end(&st);
	return rc;
}

/* Makes w's state writer over the run (s NULL: rows in memory). Returns
 * nothing. */
static void start(writer *w, nd_store *s, double gap_s, const nd_analysis_data *d, const nd_correlation *c,
		  const nd_grouping *g, nd_error *err)
{
	memset(w, 0, sizeof(*w));
	w->s = s;
	w->db = s ? nd_store_db(s) : NULL;
	w->err = err;
	w->d = d;
	w->c = c;
	w->g = g;
	w->gap_s = gap_s;
}

int nd_result_rows_open(nd_result_rows *r, nd_error *err)
{
	memset(r, 0, sizeof(*r));
	if (nd_batch_open_memory(&r->incidents, 24, "incidents", err) ||
	    nd_batch_open_memory(&r->events, 5, "incident events", err) ||
	    nd_batch_open_memory(&r->facts, 2, "incident facts", err)) {
		nd_result_rows_close(r);
		return -1;
	}
	return 0;
}

void nd_result_rows_close(nd_result_rows *r)
{
	nd_batch_close(&r->incidents);
	nd_batch_close(&r->events);
	nd_batch_close(&r->facts);
	nd_buf_free(&r->json);
}

int nd_diagnosis_rows(const nd_diagnosis *x, const nd_row_plan *plan, size_t i, nd_result_rows *r, nd_error *err)
{
	writer w;
	int rc;

	start(&w, NULL, x->gap_s, &x->d, &x->c, &x->g, err);
	w.plan = plan;
	w.t = *r;
	rc = store_group(&w, &x->g.v[i], (int64_t)i + 1, x->keys[i].s);
	*r = w.t;
	return rc;
}

void nd_written_free(nd_written *w)
{
	free(w->h);
	memset(w, 0, sizeof(*w));
}

int nd_diagnose_write(nd_store *s, const nd_rules *rules, const nd_diagnose_params *p, const nd_analysis_data *d,
		      const nd_correlation *c, const nd_grouping *g, const nd_key *keys, nd_written *out, nd_error *err)
{
	writer w;
	size_t i;
	int rc = -1;

	start(&w, s, p->gap_s, d, c, g, err);
	parts_of(&w, p);
	if (out) {
		nd_written_free(out);
		if (!(out->h = calloc(g->n + 1, sizeof(*out->h))))
			return nd_error_set(err, "out of memory");
		out->n = g->n;
	}
	if (open_batches(&w))
		goto out;
	for (i = 0; i < g->n; i++)
		if ((out && hash_group(&w, &g->v[i], (int64_t)i + 1, keys[i].s, out->h + i)) ||
		    store_group(&w, &g->v[i], (int64_t)i + 1, keys[i].s) != 0 || written(&w, 1) != 0)
			goto out;
	rc = finish_rewrite(&w, rules, p);
out:
	close_batches(&w);
	if (rc != 0 && out)
		nd_written_free(out);
	return rc;
}

/* Runs the deletes del (one per result table) for id. Returns 0, or
 * -1 with err set. */
static int delete_rows(writer *w, nd_stmt *const *del, int64_t id)
{
	size_t t;

	for (t = 0; t < RESULT_TABLES; t++) {
		int rc = nd_db_bind_int64(del[t], 1, id, "diagnose", NULL) == 0 ? nd_db_step(del[t], "diagnose", NULL) : -1;

		nd_db_reset(del[t]);
		if (rc != 0)
			return nd_db_fail(w->db, "deleting changed results", w->err);
	}
	return 0;
}

int nd_diagnose_write_changes(nd_store *s, const nd_diagnose_params *p, const nd_analysis_data *d,
			      const nd_correlation *c, const nd_grouping *g, const nd_key *keys,
			      const unsigned char *same, nd_written *prev, size_t *changed, int64_t *since, int64_t *first,
			      nd_error *err)
{
	static const char *const one[RESULT_TABLES] = {"DELETE FROM incident_events WHERE incident_id = ?1",
						       "DELETE FROM incidents WHERE id = ?1"};
	static const char *const rest[RESULT_TABLES] = {"DELETE FROM incident_events WHERE incident_id >= ?1",
							"DELETE FROM incidents WHERE id >= ?1"};
	nd_stmt *del[RESULT_TABLES] = {NULL}, *del_rest[RESULT_TABLES] = {NULL};
	nd_written now = {NULL, g->n};
	char *differs = NULL;
	writer w;
	size_t i;
	int rc = -1;

	*changed = 0;
	*since = *first = INT64_MAX;
	start(&w, s, p->gap_s, d, c, g, err);
	if (!(now.h = calloc(g->n + 1, sizeof(*now.h))) || !(differs = calloc(g->n + 1, 1))) {
		nd_error_set(err, "out of memory");
		goto out;
	}
	for (i = 0; i < RESULT_TABLES; i++)
		if (nd_db_prepare(w.db, one[i], 0, &del[i], "diagnose", NULL) ||
		    nd_db_prepare(w.db, rest[i], 0, &del_rest[i], "diagnose", NULL)) {
			nd_db_fail(w.db, "prepare", err);
			goto out;
		}
	if (open_batches(&w))
		goto out;
	for (i = 0; i < g->n; i++) {
		if (same && same[i] && i < prev->n)
			now.h[i] = prev->h[i];
		else if (hash_group(&w, &g->v[i], (int64_t)i + 1, keys[i].s, now.h + i))
			goto out;
		differs[i] = i >= prev->n || now.h[i] != prev->h[i];
		if (differs[i] && i < prev->n && delete_rows(&w, del, (int64_t)i + 1))
			goto out;
	}
	if (prev->n > g->n && delete_rows(&w, del_rest, (int64_t)g->n + 1))
		goto out;
	for (i = 0; i < g->n; i++) {
		if (!differs[i])
			continue;
		if (store_group(&w, &g->v[i], (int64_t)i + 1, keys[i].s))
			goto out;
		if (!(*changed)++)
			*first = (int64_t)i + 1;
		if (g->v[i].last < *since)
			*since = g->v[i].last;
	}
	if (flush_batches(&w))
		goto out;
	nd_written_free(prev);
	*prev = now;
	now.h = NULL;
	rc = 0;
out:
	for (i = 0; i < RESULT_TABLES; i++) {
		nd_db_finalize(del[i]);
		nd_db_finalize(del_rest[i]);
	}
	close_batches(&w);
	free(now.h);
	free(differs);
	if (rc != 0)
		nd_written_free(prev);
	return rc;
}

/* Puts the rows of the parts of chunk k from part first up to part end
 * (all built), from incident row *inc and events row *ev on, and moves
 * those on. Returns 0, or -1 with err set. */
static int put_built(writer *w, const nd_result_chunk *k, size_t first, size_t end, size_t *inc, size_t *ev)
{
	size_t p, events = 0;
	int rc;

	for (p = first; p < end; p++)
		events += k->parts[p].events;
	rc = nd_batch_put_rows(&w->t.incidents, &k->rows.incidents, *inc, end - first, w->err) ||
	     nd_batch_put_rows(&w->t.events, &k->rows.events, *ev, events, w->err);
	*inc += end - first;
	*ev += events;
	return rc ? -1 : 0;
}

/* Stores the parts of chunk k in order: the rows of the built ones, those
 * of the others built here. Returns 0, or -1 with err set. */
static int store_chunk(writer *w, const nd_diagnosis *x, const nd_result_chunk *k)
{
	size_t p = 0, built, id, inc = 0, ev = 0;

	while (p < k->nparts) {
		for (built = p; built < k->nparts && k->parts[built].built; built++)
			;
		if (built > p && put_built(w, k, p, built, &inc, &ev) != 0)
			return -1;
		if ((p = built) == k->nparts)
			break;
		for (id = k->parts[p].first; id <= k->parts[p].last; id++)
			if (store_group(w, &x->g.v[id - 1], (int64_t)id, x->keys[id - 1].s) != 0)
				return -1;
		p++;
	}
	return 0;
}

/* Returns the number of incidents of chunk k. */
static size_t chunk_incidents(const nd_result_chunk *k)
{
	size_t p, n = 0;

	for (p = 0; p < k->nparts; p++)
		n += k->parts[p].last - k->parts[p].first + 1;
	return n;
}

int nd_diagnose_store_fed(nd_store *s, const nd_diagnosis *x, const nd_diagnose_params *p, nd_result_feed *feed,
			  nd_error *err)
{
	const nd_result_chunk *k;
	nd_row_plan *plan = NULL;
	writer w;
	int rc = -1;

	start(&w, s, p->gap_s, &x->d, &x->c, &x->g, err);
	parts_of(&w, p);
	/* the incidents the printer names to it are built here: with their
	 * facts looked up once, as the printer's are */
	if (nd_row_plan_make(x, &plan, err) != 0)
		goto out;
	w.plan = plan;
	if (open_batches(&w))
		goto out;
	while ((k = nd_result_feed_take(feed)) != NULL) {
		int bad = store_chunk(&w, x, k) || written(&w, chunk_incidents(k));

		nd_result_feed_give(feed);
		if (bad)
			goto out;
	}
	if (!nd_result_feed_complete(feed)) {
		nd_error_set(err, "the results were not all built");
		goto out;
	}
	if (finish_rewrite(&w, x->rules, p) == 0)
		rc = nd_store_commit(s, err);
out:
	if (rc != 0)
		nd_result_feed_fail(feed);
	close_batches(&w);
	nd_row_plan_free(plan);
	return rc;
}

int nd_diagnose_store(nd_store *s, const nd_diagnosis *x, const nd_diagnose_params *p, nd_error *err)
{
	return nd_diagnose_write(s, x->rules, p, &x->d, &x->c, &x->g, x->keys, NULL, err) || nd_store_commit(s, err)
		       ? -1
		       : 0;
}
