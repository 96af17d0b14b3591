#include "nd_diagnose.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_buf.h"
#include "nd_correlate.h"
#include "nd_incidents.h"
#include "nd_sort.h"
#include "nd_vec.h"
#include "nd_time.h"

/* A server event judged by the finding rules. */
typedef struct server_event {
	int64_t ref, ts;
	char *computer, *family;
	uint32_t id;
	const nd_rule *rule;
} server_event;

/* An incident or a finding being built: items index attempts or server
 * events. */
typedef struct group {
	const nd_rule *rule;
	const char *key; /* identity, or the finding's host */
	size_t *items;
	size_t n, cap;
	int64_t first, last;
} group;

/* The state of one run. */
typedef struct diag {
	sqlite3 *db;
	nd_error *err;
	const nd_rules *rules;
	const nd_diagnose_params *p;
	sqlite3_stmt *field, *pseudo, *near, *ins_incident, *ins_event, *ins_fact;
	nd_buf value;
	/* the subject being judged */
	int64_t client_ref, nps_ref, event_ref, center;
	nd_correlation corr;
	const nd_rule **cause; /* per attempt */
	server_event *sev;
	size_t nsev, cap_sev;
	group *groups;
	size_t ngroups, cap_groups;
	size_t nincidents; /* groups[0..nincidents) are incidents, the rest findings */
} diag;

/* Fills err from SQLite. Returns -1. */
static int db_fail(diag *d, const char *what)
{
	return nd_error_set(d->err, "database: %s: %s", what, sqlite3_errmsg(d->db));
}

/* nd_rule_subject field callback: reads a field of the client, NPS or
 * server event from event_fields ("computer" and "provider" from events).
 * Returns the value or NULL. */
static const char *subject_field(void *ctx, const nd_rule_field *f)
{
	diag *d = ctx;
	int64_t ref = f->side == ND_SIDE_CLIENT ? d->client_ref : f->side == ND_SIDE_NPS ? d->nps_ref : d->event_ref;
	int pseudo = strcmp(f->name, "computer") == 0 || strcmp(f->name, "provider") == 0;
	sqlite3_stmt *st = pseudo ? d->pseudo : d->field;
	const char *v = NULL;

	if (!ref)
		return NULL;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, ref);
	sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && (v = (const char *)sqlite3_column_text(st, 0)) != NULL) {
		nd_buf_reset(&d->value);
		v = nd_buf_append(&d->value, v, strlen(v)) == 0 ? d->value.data : NULL;
	}
	sqlite3_reset(st);
	return v;
}

/* Finds the event of the list nearest to the subject's time within
 * window seconds. Returns its id, 0 when none, -1 with err set. */
static int64_t find_near(diag *d, const nd_rule_event *ev, size_t n, double window)
{
	int64_t w = (int64_t)(window * ND_TICKS_PER_SECOND), best = 0, best_dist = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		sqlite3_reset(d->near);
		sqlite3_bind_int(d->near, 1, (int)ev[i].id);
		if (ev[i].family)
			sqlite3_bind_text(d->near, 2, ev[i].family, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(d->near, 2);
		sqlite3_bind_int64(d->near, 3, d->center - w);
		sqlite3_bind_int64(d->near, 4, d->center + w);
		sqlite3_bind_int64(d->near, 5, d->center);
		switch (sqlite3_step(d->near)) {
		case SQLITE_ROW: {
			int64_t dist = sqlite3_column_int64(d->near, 1);

			if (!best || dist < best_dist) {
				best = sqlite3_column_int64(d->near, 0);
				best_dist = dist;
			}
			break;
		}
		case SQLITE_DONE:
			break;
		default:
			sqlite3_reset(d->near);
			return db_fail(d, "nearby events");
		}
	}
	sqlite3_reset(d->near);
	return best;
}

/* nd_rule_subject near callback. Returns 1, 0, or -1 with err set. */
static int subject_near(void *ctx, const nd_rule_event *ev, size_t n, double window, nd_error *err)
{
	diag *d = ctx;
	int64_t id = find_near(d, ev, n, window);

	(void)err; /* find_near fills d->err, which is err */
	return id < 0 ? -1 : id > 0;
}

/* Prepares the statements of a run. Returns 0, or -1 with err set. */
static int prepare(diag *d)
{
	static const struct {
		size_t off;
		const char *sql;
	} stmts[] = {
		{offsetof(diag, field),
		 "SELECT value FROM event_fields WHERE event_ref = ?1 AND name = ?2 COLLATE NOCASE ORDER BY pos LIMIT 1"},
		{offsetof(diag, pseudo), "SELECT CASE ?2 WHEN 'computer' THEN computer ELSE provider END FROM events WHERE id = ?1"},
		{offsetof(diag, near),
		 "SELECT id, abs(ts - ?5) FROM events WHERE event_id = ?1 AND (?2 IS NULL OR family = ?2)"
		 " AND ts BETWEEN ?3 AND ?4 ORDER BY abs(ts - ?5), id LIMIT 1"},
		{offsetof(diag, ins_incident),
		 "INSERT INTO incidents(id, kind, cause_id, confidence, match, identity, user_name, client, vpn_server,"
		 " nps_server, client_error, nps_event_id, nps_reason, count, paired, first_ts, last_ts, first_time,"
		 " last_time, status, resolved_ts, resolved_time)"
		 " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
		{offsetof(diag, ins_event),
		 "INSERT OR IGNORE INTO incident_events(incident_id, event_ref, role, attempt, delta_ticks)"
		 " VALUES(?,?,?,?,?)"},
		{offsetof(diag, ins_fact), "INSERT INTO incident_facts(incident_id, pos, name, value) VALUES(?,?,?,?)"},
	};
	size_t i;

	for (i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++)
		if (sqlite3_prepare_v2(d->db, stmts[i].sql, -1, (sqlite3_stmt **)((char *)d + stmts[i].off), NULL) !=
		    SQLITE_OK)
			return db_fail(d, "prepare");
	return 0;
}

/* Runs a prepared statement to completion and resets it. Returns 0, or -1
 * with err set. */
static int step_done(diag *d, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_fail(d, what);
}

/* Binds text, or NULL when v is NULL. Returns nothing. */
static void bind_text(sqlite3_stmt *st, int col, const char *v)
{
	if (v)
		sqlite3_bind_text(st, col, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, col);
}

/* Stores the enabled rules as causes with their steps, commands and
 * sources. Returns 0, or -1 with err set. */
static int store_causes(diag *d)
{
	sqlite3_stmt *cause = NULL, *step = NULL, *cmd = NULL, *src = NULL;
	size_t i, j, k;
	int rc = -1;

	if (sqlite3_prepare_v2(d->db, "INSERT INTO causes VALUES(?,?,?,?,?,?,?)", -1, &cause, NULL) ||
	    sqlite3_prepare_v2(d->db, "INSERT INTO cause_steps VALUES(?,?,?)", -1, &step, NULL) ||
	    sqlite3_prepare_v2(d->db, "INSERT INTO cause_commands VALUES(?,?,?,?)", -1, &cmd, NULL) ||
	    sqlite3_prepare_v2(d->db, "INSERT INTO cause_sources VALUES(?,?,?)", -1, &src, NULL)) {
		db_fail(d, "prepare");
		goto out;
	}
	for (i = 0; i < d->rules->n; i++) {
		const nd_rule *r = d->rules->v[i];

		if (r->disabled)
			continue;
		bind_text(cause, 1, r->id);
		bind_text(cause, 2, r->kind == ND_RULE_FINDING ? "finding" : "incident");
		bind_text(cause, 3, r->title);
		bind_text(cause, 4, r->confidence);
		bind_text(cause, 5, r->explanation);
		bind_text(cause, 6, r->file);
		sqlite3_bind_int64(cause, 7, (sqlite3_int64)r->line);
		if (step_done(d, cause, "causes"))
			goto out;
		for (j = 0; j < r->nsteps; j++) {
			bind_text(step, 1, r->id);
			sqlite3_bind_int64(step, 2, (sqlite3_int64)j + 1);
			bind_text(step, 3, r->steps[j].text);
			if (step_done(d, step, "cause steps"))
				goto out;
			for (k = 0; k < r->steps[j].ncommands; k++) {
				bind_text(cmd, 1, r->id);
				sqlite3_bind_int64(cmd, 2, (sqlite3_int64)j + 1);
				sqlite3_bind_int64(cmd, 3, (sqlite3_int64)k + 1);
				bind_text(cmd, 4, r->steps[j].commands[k]);
				if (step_done(d, cmd, "cause commands"))
					goto out;
			}
		}
		for (j = 0; j < r->nsources; j++) {
			bind_text(src, 1, r->id);
			sqlite3_bind_int64(src, 2, (sqlite3_int64)j + 1);
			bind_text(src, 3, r->sources[j]);
			if (step_done(d, src, "cause sources"))
				goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(cause);
	sqlite3_finalize(step);
	sqlite3_finalize(cmd);
	sqlite3_finalize(src);
	return rc;
}

/* Sets the subject fields common to attempts and server events. Returns
 * nothing. */
static void subject_init(diag *d, nd_rule_subject *s)
{
	memset(s, 0, sizeof(*s));
	s->ctx = d;
	s->field = subject_field;
	s->near = subject_near;
}

/* Judges every attempt. Returns 0, or -1 with err set. */
static int judge_attempts(diag *d, nd_diagnose_stats *st)
{
	size_t i;

	if (d->corr.n && !(d->cause = calloc(d->corr.n, sizeof(*d->cause))))
		return nd_error_set(d->err, "out of memory");
	for (i = 0; i < d->corr.n; i++) {
		const nd_attempt *a = &d->corr.attempts[i];
		nd_rule_subject s;

		subject_init(d, &s);
		s.has_client = a->client_ref != 0;
		s.has_client_error = a->has_client_error;
		s.client_error = a->client_error;
		s.has_nps = a->nps_ref != 0;
		s.nps_event = a->nps_event;
		s.has_reason = a->has_reason;
		s.nps_reason = a->nps_reason;
		d->client_ref = a->client_ref;
		d->nps_ref = a->nps_ref;
		d->event_ref = 0;
		d->center = a->ts;
		if (nd_rules_best(d->rules, ND_RULE_INCIDENT, &s, &d->cause[i], d->err) < 0)
			return -1;
		st->attempts++;
		st->paired += s.has_client && s.has_nps;
		st->unmatched += d->cause[i] == NULL;
	}
	return 0;
}

/* qsort: server events by time, then id. */
static int sev_by_time(const void *pa, const void *pb)
{
	const server_event *a = pa, *b = pb;

	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return a->ref < b->ref ? -1 : a->ref > b->ref;
}

/* qsort: server events by id. */
static int sev_by_ref(const void *pa, const void *pb)
{
	const server_event *a = pa, *b = pb;

	return a->ref < b->ref ? -1 : a->ref > b->ref;
}

/* Drops the server events loaded twice (two finding rules naming the same
 * event id). Returns nothing. */
static void drop_repeats(diag *d)
{
	size_t i, out = 0;

	nd_sort(d->sev, d->nsev, sizeof(*d->sev), sev_by_ref);
	for (i = 0; i < d->nsev; i++) {
		if (out && d->sev[out - 1].ref == d->sev[i].ref) {
			free(d->sev[i].computer);
			free(d->sev[i].family);
			continue;
		}
		d->sev[out++] = d->sev[i];
	}
	d->nsev = out;
}

/* Loads the events the finding rules judge and judges them. Returns 0, or
 * -1 with err set. */
static int judge_server_events(diag *d)
{
	sqlite3_stmt *st = NULL;
	size_t i, j;
	int rc;

	if (sqlite3_prepare_v2(d->db, "SELECT id, ts, computer, family, event_id FROM events WHERE event_id = ?1"
				      " AND (?2 IS NULL OR family = ?2) ORDER BY ts, id",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(d, "server events");
	for (i = 0; i < d->rules->n; i++) {
		const nd_rule *r = d->rules->v[i];

		for (j = 0; r->kind == ND_RULE_FINDING && !r->disabled && j < r->nevents; j++) {
			sqlite3_reset(st);
			sqlite3_bind_int(st, 1, (int)r->events[j].id);
			bind_text(st, 2, r->events[j].family);
			while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
				server_event *v;

				if (nd_vec_reserve(&d->sev, &d->cap_sev, d->nsev + 1, sizeof(*v)) != 0)
					goto oom;
				v = &d->sev[d->nsev];
				memset(v, 0, sizeof(*v));
				v->ref = sqlite3_column_int64(st, 0);
				v->ts = sqlite3_column_int64(st, 1);
				v->id = (uint32_t)sqlite3_column_int(st, 4);
				v->computer = strdup((const char *)sqlite3_column_text(st, 2));
				v->family = strdup((const char *)sqlite3_column_text(st, 3));
				d->nsev++;
				if (!v->computer || !v->family)
					goto oom;
			}
			if (rc != SQLITE_DONE) {
				sqlite3_finalize(st);
				return db_fail(d, "server events");
			}
		}
	}
	sqlite3_finalize(st);
	drop_repeats(d);
	nd_sort(d->sev, d->nsev, sizeof(*d->sev), sev_by_time);
	for (i = 0; i < d->nsev; i++) {
		server_event *e = &d->sev[i];
		nd_rule_subject s;

		subject_init(d, &s);
		s.has_event = 1;
		s.event_family = e->family;
		s.event_id = e->id;
		d->client_ref = d->nps_ref = 0;
		d->event_ref = e->ref;
		d->center = e->ts;
		if (nd_rules_best(d->rules, ND_RULE_FINDING, &s, &e->rule, d->err) < 0)
			return -1;
	}
	return 0;
oom:
	sqlite3_finalize(st);
	return nd_error_set(d->err, "out of memory");
}

/* The sort context of group_items (qsort has none). */
static const diag *sort_diag;

/* qsort: attempt indices by cause, identity, time, index. */
static int attempt_order(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	const nd_attempt *x = &sort_diag->corr.attempts[a], *y = &sort_diag->corr.attempts[b];
	int c = strcmp(sort_diag->cause[a]->id, sort_diag->cause[b]->id);

	if (c || (c = strcmp(x->key, y->key)))
		return c;
	return a < b ? -1 : a > b;
}

/* qsort: server event indices by cause, host, index. */
static int event_order(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	const server_event *x = &sort_diag->sev[a], *y = &sort_diag->sev[b];
	int c = strcmp(x->rule->id, y->rule->id);

	if (c || (c = strcmp(x->computer, y->computer)))
		return c;
	return a < b ? -1 : a > b;
}

/* Adds item to the last group, or starts a new group. Returns 0, or -1
 * with err set. */
static int group_add(diag *d, int fresh, const nd_rule *rule, const char *key, size_t item, int64_t ts)
{
	group *g;

	if (fresh) {
		if (nd_vec_reserve(&d->groups, &d->cap_groups, d->ngroups + 1, sizeof(*g)) != 0)
			return nd_error_set(d->err, "out of memory");
		g = &d->groups[d->ngroups++];
		memset(g, 0, sizeof(*g));
		g->rule = rule;
		g->key = key;
		g->first = ts;
	}
	g = &d->groups[d->ngroups - 1];
	if (nd_vec_reserve(&g->items, &g->cap, g->n + 1, sizeof(*g->items)) != 0)
		return nd_error_set(d->err, "out of memory");
	g->items[g->n++] = item;
	g->last = ts;
	return 0;
}

/* Groups attempts (same cause and identity, no more than gap apart) and
 * server events (same cause and host). Attempts are in time order, so
 * indices sort as times do. Returns 0, or -1 with err set. */
static int group_all(diag *d)
{
	size_t *idx = malloc((d->corr.n + d->nsev + 1) * sizeof(*idx)), n = 0, i;
	int64_t gap = (int64_t)(d->p->gap_s * ND_TICKS_PER_SECOND);

	if (!idx)
		return nd_error_set(d->err, "out of memory");
	sort_diag = d;
	for (i = 0; i < d->corr.n; i++)
		if (d->cause[i])
			idx[n++] = i;
	nd_sort(idx, n, sizeof(*idx), attempt_order);
	for (i = 0; i < n; i++) {
		const nd_attempt *a = &d->corr.attempts[idx[i]];
		const group *last = d->ngroups ? &d->groups[d->ngroups - 1] : NULL;
		int fresh = !last || last->rule != d->cause[idx[i]] || strcmp(last->key, a->key) != 0 ||
			    a->ts - last->last > gap;

		if (group_add(d, fresh, d->cause[idx[i]], a->key, idx[i], a->ts) != 0)
			goto fail;
	}
	d->nincidents = d->ngroups;
	n = 0;
	for (i = 0; i < d->nsev; i++)
		if (d->sev[i].rule)
			idx[n++] = i;
	nd_sort(idx, n, sizeof(*idx), event_order);
	for (i = 0; i < n; i++) {
		const server_event *e = &d->sev[idx[i]];
		const group *last = d->ngroups > d->nincidents ? &d->groups[d->ngroups - 1] : NULL;
		int fresh = !last || last->rule != e->rule || strcmp(last->key, e->computer) != 0;

		if (group_add(d, fresh, e->rule, e->computer, idx[i], e->ts) != 0)
			goto fail;
	}
	free(idx);
	return 0;
fail:
	free(idx);
	return -1;
}

/* qsort: groups by first time, cause, key. */
static int group_order(const void *pa, const void *pb)
{
	const group *a = pa, *b = pb;
	int c;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	if ((c = strcmp(a->rule->id, b->rule->id)))
		return c;
	return strcmp(a->key, b->key);
}

/* Links an event to incident id. Returns 0, or -1 with err set. */
static int link_event(diag *d, int64_t id, int64_t ref, const char *role, size_t attempt, const int64_t *delta)
{
	sqlite3_bind_int64(d->ins_event, 1, id);
	sqlite3_bind_int64(d->ins_event, 2, ref);
	bind_text(d->ins_event, 3, role);
	if (attempt)
		sqlite3_bind_int64(d->ins_event, 4, (sqlite3_int64)attempt);
	if (delta)
		sqlite3_bind_int64(d->ins_event, 5, *delta);
	return step_done(d, d->ins_event, "incident events");
}

/* Points the subject at item i of group g (an attempt, or a server event
 * for a finding). Returns nothing. */
static void subject_at(diag *d, const group *g, size_t i, int finding)
{
	if (finding) {
		d->client_ref = d->nps_ref = 0;
		d->event_ref = d->sev[g->items[i]].ref;
		d->center = d->sev[g->items[i]].ts;
	} else {
		const nd_attempt *a = &d->corr.attempts[g->items[i]];

		d->client_ref = a->client_ref;
		d->nps_ref = a->nps_ref;
		d->event_ref = 0;
		d->center = a->ts;
	}
}

/* Stores the facts of group g as incident id: each from the first item
 * that has it. Returns 0, or -1 with err set. */
static int store_facts(diag *d, const group *g, int64_t id, int finding)
{
	static const char *const side[] = {"client.", "nps.", "event."};
	size_t f, i;
	char name[300];

	for (f = 0; f < g->rule->nfacts; f++) {
		const nd_rule_field *fact = &g->rule->facts[f];
		const char *v = NULL;

		for (i = 0; i < g->n && !v; i++) {
			subject_at(d, g, i, finding);
			v = subject_field(d, fact);
		}
		if (!v)
			continue;
		snprintf(name, sizeof(name), "%s%s", side[fact->side], fact->name);
		sqlite3_bind_int64(d->ins_fact, 1, id);
		sqlite3_bind_int64(d->ins_fact, 2, (sqlite3_int64)f + 1);
		bind_text(d->ins_fact, 3, name);
		bind_text(d->ins_fact, 4, v);
		if (step_done(d, d->ins_fact, "incident facts"))
			return -1;
	}
	return 0;
}

/* Links the evidence of an incident's attempts: client failures and
 * retries, NPS decisions with their delta, and the nearby events the rule
 * asked for. Returns 0, or -1 with err set. */
static int store_attempts(diag *d, const group *g, int64_t id)
{
	size_t i, k;

	for (i = 0; i < g->n; i++) {
		const nd_attempt *a = &d->corr.attempts[g->items[i]];
		int64_t delta = a->client_ts - a->nps_ts, near;

		if (a->client_ref && link_event(d, id, a->client_ref, "client-failure", i + 1, NULL))
			return -1;
		for (k = 0; k < a->nretries; k++)
			if (link_event(d, id, a->retries[k], "client-failure", i + 1, NULL))
				return -1;
		if (a->nps_ref && link_event(d, id, a->nps_ref, "nps-decision", i + 1, a->client_ref ? &delta : NULL))
			return -1;
		if (g->rule->nevents) {
			d->center = a->ts;
			if ((near = find_near(d, g->rule->events, g->rule->nevents, g->rule->near_s)) < 0 ||
			    (near && link_event(d, id, near, "context", 0, NULL)))
				return -1;
		}
	}
	return 0;
}

/* Returns the first resolution of key after ts, or NULL. */
static const nd_resolution *resolution_after(const diag *d, const char *key, int64_t ts)
{
	size_t i;

	for (i = 0; i < d->corr.nres; i++)
		if (d->corr.resolutions[i].ts > ts && strcmp(d->corr.resolutions[i].key, key) == 0)
			return &d->corr.resolutions[i];
	return NULL;
}

/* Stores group g as incident (or finding) id. Returns 0, or -1 with err
 * set. */
static int store_group(diag *d, const group *g, int64_t id, int finding)
{
	const nd_attempt *client = NULL, *nps = NULL, *nas = NULL;
	const nd_resolution *res = finding ? NULL : resolution_after(d, g->key, g->last);
	sqlite3_stmt *st = d->ins_incident;
	char first[ND_TIME_ISO_SIZE], last[ND_TIME_ISO_SIZE], when[ND_TIME_ISO_SIZE];
	size_t i, paired = 0;

	for (i = 0; i < g->n && !finding; i++) {
		const nd_attempt *a = &d->corr.attempts[g->items[i]];

		if (a->client_ref && !client)
			client = a;
		if (a->nps_ref && !nps)
			nps = a;
		if ((a->nas || a->dialled) && !nas)
			nas = a;
		paired += a->client_ref && a->nps_ref;
	}
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, finding ? "finding" : "incident");
	bind_text(st, 3, g->rule->id);
	bind_text(st, 4, g->rule->confidence);
	bind_text(st, 5, finding ? "server" : paired ? "client+nps" : client ? "client-only" : "nps-only");
	bind_text(st, 6, finding ? NULL : g->key);
	bind_text(st, 7, client ? client->client_user : nps ? nps->nps_user : NULL);
	bind_text(st, 8, client ? client->client_computer : NULL);
	bind_text(st, 9, nas ? (nas->nas ? nas->nas : nas->dialled) : NULL);
	bind_text(st, 10, finding ? g->key : nps ? nps->nps_computer : NULL);
	if (client && client->has_client_error)
		sqlite3_bind_int64(st, 11, client->client_error);
	if (nps) {
		sqlite3_bind_int64(st, 12, nps->nps_event);
		if (nps->has_reason)
			sqlite3_bind_int64(st, 13, nps->nps_reason);
	}
	sqlite3_bind_int64(st, 14, (sqlite3_int64)g->n);
	sqlite3_bind_int64(st, 15, (sqlite3_int64)paired);
	sqlite3_bind_int64(st, 16, g->first);
	sqlite3_bind_int64(st, 17, g->last);
	bind_text(st, 18, nd_time_format(g->first, first));
	bind_text(st, 19, nd_time_format(g->last, last));
	bind_text(st, 20, res ? "resolved" : "open");
	if (res) {
		sqlite3_bind_int64(st, 21, res->ts);
		bind_text(st, 22, nd_time_format(res->ts, when));
	}
	if (step_done(d, st, "incidents"))
		return -1;
	if (finding) {
		for (i = 0; i < g->n; i++)
			if (link_event(d, id, d->sev[g->items[i]].ref, "finding", i + 1, NULL))
				return -1;
	} else if (store_attempts(d, g, id) || (res && link_event(d, id, res->ref, "resolution", 0, NULL))) {
		return -1;
	}
	return store_facts(d, g, id, finding);
}

/* Stores the run's parameters. Returns 0, or -1 with err set. */
static int store_meta(diag *d)
{
	sqlite3_stmt *st = NULL;
	nd_buf files = {0};
	char num[3][32];
	const char *keys[4] = {"window_s", "skew_s", "gap_s", "rules"};
	const char *vals[4];
	size_t i;
	int rc = 0;

	snprintf(num[0], sizeof(num[0]), "%g", d->p->window_s);
	snprintf(num[1], sizeof(num[1]), "%g", d->p->skew_s);
	snprintf(num[2], sizeof(num[2]), "%g", d->p->gap_s);
	for (i = 0; i < d->rules->nfiles; i++)
		rc |= nd_buf_append(&files, d->rules->files[i], strlen(d->rules->files[i])) |
		      nd_buf_append(&files, "\n", i + 1 < d->rules->nfiles);
	if (rc || nd_buf_append(&files, "", 0))
		return nd_error_set(d->err, "out of memory");
	vals[0] = num[0];
	vals[1] = num[1];
	vals[2] = num[2];
	vals[3] = files.data;
	if (sqlite3_prepare_v2(d->db, "INSERT INTO diagnose_meta VALUES(?,?)", -1, &st, NULL) != SQLITE_OK)
		rc = db_fail(d, "prepare");
	for (i = 0; rc == 0 && i < 4; i++) {
		bind_text(st, 1, keys[i]);
		bind_text(st, 2, vals[i]);
		rc = step_done(d, st, "diagnose_meta");
	}
	sqlite3_finalize(st);
	nd_buf_free(&files);
	return rc;
}

/* Frees what a run allocated. Returns nothing. */
static void diag_free(diag *d)
{
	size_t i;

	sqlite3_finalize(d->field);
	sqlite3_finalize(d->pseudo);
	sqlite3_finalize(d->near);
	sqlite3_finalize(d->ins_incident);
	sqlite3_finalize(d->ins_event);
	sqlite3_finalize(d->ins_fact);
	nd_buf_free(&d->value);
	nd_correlation_free(&d->corr);
	free(d->cause);
	for (i = 0; i < d->nsev; i++) {
		free(d->sev[i].computer);
		free(d->sev[i].family);
	}
	free(d->sev);
	for (i = 0; i < d->ngroups; i++)
		free(d->groups[i].items);
	free(d->groups);
}

int nd_diagnose_run(nd_store *s, const nd_rules *rules, const nd_diagnose_params *p, nd_diagnose_stats *st,
		    nd_error *err)
{
	nd_correlate_params cp = {p->window_s, p->skew_s};
	diag d;
	size_t i;
	int rc = -1;

	memset(&d, 0, sizeof(d));
	memset(st, 0, sizeof(*st));
	d.db = nd_store_db(s);
	d.err = err;
	d.rules = rules;
	d.p = p;
	if (nd_store_begin(s, err) != 0)
		return -1;
	if (nd_incidents_reset(s, err) || prepare(&d) || store_causes(&d) || nd_correlate(d.db, &cp, &d.corr, err) ||
	    judge_attempts(&d, st) || judge_server_events(&d) || group_all(&d))
		goto out;
	nd_sort(d.groups, d.nincidents, sizeof(*d.groups), group_order);
	nd_sort(d.groups + d.nincidents, d.ngroups - d.nincidents, sizeof(*d.groups), group_order);
	for (i = 0; i < d.ngroups; i++)
		if (store_group(&d, &d.groups[i], (int64_t)i + 1, i >= d.nincidents))
			goto out;
	st->incidents = d.nincidents;
	st->findings = d.ngroups - d.nincidents;
	if (store_meta(&d) || nd_store_commit(s, err))
		goto out;
	rc = 0;
out:
	diag_free(&d);
	if (rc)
		nd_store_rollback(s);
	return rc;
}
