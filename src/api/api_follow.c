/* api_follow: the follow loop any front end runs: the rounds of its
 * sources (nd_source: files through nd_tail, Windows event log channels
 * through nd_channel), a new diagnosis after a round that stored events or after a reload of
 * the rules, and the news (nd_news) handed to the caller. On a full disk
 * it reports, waits and resumes by itself, and it runs a round again that
 * a database server rolled back (a lost connection, a deadlock): a round
 * that failed stored nothing of what it read, so the next one reads it
 * again. */
#include "api_session.h"

#include <stdio.h>
#include <string.h>

#include "nd_channel.h"
#include "nd_clock.h"
#include "nd_news.h"
#include "nd_print_news.h"
#include "nd_signals.h"
#include "nd_source.h"
#include "nd_tail.h"

/* Milliseconds between two attempts while the disk is full. */
#define FULL_RETRY_MS 1000

/* The state of one npsdiag_follow call. */
typedef struct follow_run {
	npsdiag_session *s;
	const npsdiag_follow_options *o;
	const npsdiag_follow_callbacks *cb;
	nd_diagnose_params params;
	nd_news *news;
	nd_diagnose_memory *memory; /* what the last diagnosis stored: the next rewrites only changes */
	npsdiag_follow_stats st;
	int undiagnosed; /* events stored or rules reloaded that no diagnosis saw yet (it failed) */
	int full;        /* waiting for space: told the caller */
	unsigned tries;  /* rounds run again since the last that succeeded (api_retry) */
} follow_run;

/* nd_news_fn: hands one piece of news to the caller. Returns 0, or -1
 * with err set to stop. */
static int on_news(void *ctx, const nd_res_incident *inc, int64_t previous_count, nd_error *err)
{
	follow_run *r = ctx;
	int64_t event_id = nd_print_news_event_id(inc);
	npsdiag_news n;
	npsdiag_error e;

	n.kind = inc->kind;
	n.cause_id = inc->cause ? inc->cause->cause_id : NULL;
	n.title = inc->cause ? inc->cause->title : NULL;
	n.confidence = inc->confidence;
	n.match = inc->match;
	n.user_name = inc->user;
	n.client = inc->client;
	n.vpn_server = inc->vpn;
	n.nps_server = inc->nps;
	n.first_time = inc->first;
	n.last_time = inc->last;
	n.status = inc->status;
	n.client_error = inc->client_error.code;
	n.has_client_error = inc->client_error.has;
	n.nps_reason = inc->nps_reason.code;
	n.has_nps_reason = inc->nps_reason.has;
	n.event_id = event_id;
	n.has_event_id = event_id >= 0;
	n.count = inc->count;
	n.paired = inc->paired;
	n.previous_count = previous_count;
	n.incident = inc;
	e.message[0] = '\0';
	if (r->cb->news && r->cb->news(r->cb->ctx, &n, &e) != 0)
		return nd_error_set(err, "%s", e.message);
	r->st.news++;
	return 0;
}

/* nd_tail hook: passes a change in a followed log on. */
static void on_notice(void *ctx, const char *path, const char *what, const char *other)
{
	follow_run *r = ctx;

	if (r->cb->notice)
		r->cb->notice(r->cb->ctx, path, what, other);
}

/* Reloads the rules on request; on an error the old rules stay. Returns 1
 * when they were reloaded, else 0. */
static int reload_rules(follow_run *r)
{
	nd_rules fresh;
	nd_error e;

	*r->o->reload = 0;
	if (api_load_rules(r->s, &fresh, &e) != 0) {
		nd_rules_free(&fresh);
		if (r->cb->reloaded)
			r->cb->reloaded(r->cb->ctx, e.message);
		return 0;
	}
	nd_rules_free(&r->s->rules);
	r->s->rules = fresh;
	nd_diagnose_memory_forget(r->memory); /* the causes change: the next diagnosis writes everything */
	if (r->cb->reloaded)
		r->cb->reloaded(r->cb->ctx, NULL);
	return 1;
}

/* Returns the path of the session's database, for notices about it. */
static const char *database_path(const follow_run *r)
{
	const char *path = nd_db_name(nd_store_db(r->s->store));

	return path && *path ? path : "database";
}

/* Tells the caller that writing works again after a full disk (what was
 * stored meanwhile is diagnosed). Returns nothing. */
static void resumed(follow_run *r)
{
	if (!r->full)
		return;
	r->full = 0;
	if (r->cb->notice)
		r->cb->notice(r->cb->ctx, database_path(r), "there is space again; following resumed", NULL);
}

/* nd_tail hook, after each round: re-diagnoses when events arrived or the
 * rules changed, and hands over the news. Returns 0, or -1 with err set. */
static int on_round(void *ctx, uint64_t new_events, nd_error *err)
{
	follow_run *r = ctx;
	nd_diagnose_stats st;
	int reloaded = r->o->reload && *r->o->reload ? reload_rules(r) : 0;

	r->st.rounds++;
	r->st.events += new_events;
	r->tries = 0;
	if (new_events || reloaded)
		r->undiagnosed = 1;
	if (!r->undiagnosed)
		return 0;
	if (api_diagnose(r->s, &r->params, r->memory, &st, err) != 0 ||
	    nd_news_scan(r->news, nd_store_db(r->s->store), st.since, st.first, on_news, r, err) < 0)
		return -1;
	r->undiagnosed = 0;
	resumed(r);
	return 0;
}

/* After a failure: when the disk is full and following goes on, tells the
 * caller (once until there is space again) and waits; when a database
 * server rolled the round back, waits a little (api_retry). Returns 1 to
 * try again, 0 to give up with err. */
static int wait_for_space(follow_run *r, volatile sig_atomic_t *stop, const nd_error *err)
{
	char msg[ND_ERROR_MAX + 64];

	if (*stop)
		return 0;
	if (!nd_db_error_full(nd_store_db(r->s->store), err))
		return api_retry(r->s, &r->tries, stop);
	if (r->o->once)
		return 0;
	if (!r->full && r->cb->notice) {
		snprintf(msg, sizeof(msg), "full (%s); waiting for space, nothing is lost", err->message);
		r->cb->notice(r->cb->ctx, database_path(r), msg, NULL);
	}
	r->full = 1;
	nd_clock_sleep_ms(FULL_RETRY_MS, stop);
	return 1;
}

/* Diagnoses what is stored and remembers it as known, then follows the
 * sources src[0..nsrc). Returns 0, or -1 with err set. */
static int follow(follow_run *r, const nd_source *src, size_t nsrc, nd_error *err)
{
	volatile sig_atomic_t never = 0, *stop = r->o->stop ? r->o->stop : &never;
	nd_diagnose_stats st;
	uint64_t n;

	while (api_diagnose(r->s, &r->params, r->memory, &st, err) != 0 ||
	       nd_news_scan(r->news, nd_store_db(r->s->store), INT64_MIN, 0, NULL, NULL, err) < 0)
		if (!wait_for_space(r, stop, err))
			return -1;
	resumed(r);
	r->st.started = 1;
	if (r->o->once) {
		while (nd_source_round(src, nsrc, r->s->store, &n, err) != 0 || on_round(r, n, err) != 0)
			if (!wait_for_space(r, stop, err))
				return -1;
		return 0;
	}
	while (nd_source_run(src, nsrc, r->s->store, r->o->interval_ms, stop, on_round, r, err) != 0)
		if (!wait_for_space(r, stop, err))
			return -1;
	return 0;
}

/* Returns the follower of o's channels, through the Windows Event Log API
 * or from o->channel_replay, or NULL when out of memory. */
static nd_channel *new_channels(const npsdiag_follow_options *o, const nd_ingest_report *rep,
				const nd_tail_hooks *hooks)
{
	if (o->channel_replay)
		return nd_channel_new(o->channels, o->nchannels, nd_channel_replay(), o->channel_replay, rep, hooks);
	return nd_channel_new(o->channels, o->nchannels, nd_channel_evtlog(), NULL, rep, hooks);
}

int npsdiag_follow(npsdiag_session *s, char *const *paths, size_t npaths, const npsdiag_follow_options *o,
		   const npsdiag_follow_callbacks *cb, npsdiag_follow_stats *st, npsdiag_error *err)
{
	npsdiag_ingest_callbacks copy;
	nd_ingest_report rep;
	nd_tail_hooks hooks = {0};
	follow_run r;
	nd_tail *t = NULL;
	nd_channel *c = NULL;
	nd_source src[2];
	size_t nsrc = 0;
	nd_error e;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.s = s;
	r.o = o;
	r.cb = cb;
	api_ingest_report(s, &cb->ingest, &copy, &rep);
	rep.progress = NULL;
	rep.file_done = NULL;
	hooks.ctx = &r;
	hooks.notice = on_notice;
	if (api_diagnose_params(&o->params, &r.params, &e) == 0 && api_writable(s, "follow", &e)) {
		if (!(r.news = nd_news_new()) || !(r.memory = nd_diagnose_memory_new()) ||
		    (npaths && !(t = nd_tail_new(paths, npaths, &rep, &hooks))) ||
		    (o->nchannels && !(c = new_channels(o, &rep, &hooks)))) {
			nd_error_set(&e, "out of memory");
		} else {
			if (t)
				src[nsrc++] = nd_tail_source(t);
			if (c)
				src[nsrc++] = nd_channel_source(c);
			rc = follow(&r, src, nsrc, &e);
		}
	}
	if (rc != 0)
		api_fail(err, &e);
	nd_channel_free(c);
	nd_tail_free(t);
	nd_news_free(r.news);
	nd_diagnose_memory_free(r.memory);
	if (st)
		*st = r.st;
	return rc;
}

int npsdiag_catch_signals(volatile sig_atomic_t *stop, volatile sig_atomic_t *reload, npsdiag_error *err)
{
	nd_error e;

	if (nd_signals_catch(stop, reload) == 0)
		return 0;
	nd_error_set(&e, "cannot install the signal handlers");
	return api_fail(err, &e);
}
