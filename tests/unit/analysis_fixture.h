/* analysis_fixture: builds nd_analysis_data by hand for the unit tests of
 * the analysis layer, as nd_analysis_load would from a store, without a
 * database. Times are seconds after T0; refs are given in order from 1. */
#ifndef ND_TEST_ANALYSIS_FIXTURE_H
#define ND_TEST_ANALYSIS_FIXTURE_H

#include <stdint.h>
#include <string.h>

#include "nd_analysis_data.h"
#include "nd_time.h"

#define T0 ((int64_t)17419428000000000) /* 2025-03-14T09:00:00Z in ticks */

/* Returns the ticks of s seconds after T0. */
static inline int64_t fx_ts(double s)
{
	return T0 + (int64_t)(s * ND_TICKS_PER_SECOND);
}

/* Starts d with the host names hosts (in byte order, NULL-terminated).
 * Returns nothing. */
static inline void fx_init(nd_analysis_data *d, const char *const *hosts)
{
	nd_error err;

	memset(d, 0, sizeof(*d));
	while (*hosts)
		nd_analysis_add_host(d, *hosts++, &err);
}

/* Returns a pool copy of s (NULL stays NULL). */
static inline const char *fx_str(nd_analysis_data *d, const char *s)
{
	int oom = 0;

	return s ? nd_analysis_str(d, s, 1, &oom) : NULL;
}

/* Returns the id of a shared copy of s (NULL: ND_STR_NONE). */
static inline uint32_t fx_id(nd_analysis_data *d, const char *s)
{
	int oom = 0;

	return s ? nd_analysis_str_id(d, s, 1, &oom) : ND_STR_NONE;
}

/* Adds an event of the store (flags ND_EVENT_*). Returns its ref. */
static inline int64_t fx_event(nd_analysis_data *d, const char *host, uint32_t id, const char *family, double s,
			       unsigned flags)
{
	nd_event *e = nd_analysis_add_event(d);

	e->ref = (int64_t)d->nevents;
	e->ts = fx_ts(s);
	e->id = id;
	e->host = (uint32_t)nd_analysis_host(d, host);
	e->family = e->provider = fx_id(d, family);
	e->flags = (uint16_t)flags;
	return e->ref;
}

/* Adds a RasClient 20227 (coid NULL: none). Returns its ref. */
static inline int64_t fx_client(nd_analysis_data *d, const char *host, const char *user, uint32_t code, double s,
				const char *coid)
{
	nd_client_failure *c;
	int64_t ref = fx_event(d, host, 20227, "rasclient", s, ND_EVENT_SUBJECT);

	c = nd_analysis_add_client(d);
	c->ref = ref;
	c->ts = fx_ts(s);
	c->host = (uint32_t)nd_analysis_host(d, host);
	c->user = fx_id(d, user);
	c->has_code = 1;
	c->code = code;
	nd_analysis_set_coid(d, c, coid);
	return ref;
}

/* Adds an NPS decision (reason < 0: none) with its domain hint. Returns
 * its ref. */
static inline int64_t fx_nps(nd_analysis_data *d, const char *host, uint32_t event, const char *user,
			     const char *domain, const char *fq, double s, int reason)
{
	int64_t ref = fx_event(d, host, event, "nps_audit", s, ND_EVENT_SUBJECT);
	nd_decision *n = nd_analysis_add_decision(d);
	nd_domain_hint *h = nd_analysis_add_hint(d);

	n->ref = ref;
	n->ts = fx_ts(s);
	n->host = (uint32_t)nd_analysis_host(d, host);
	n->event = event;
	n->user = fx_id(d, user);
	n->domain = fx_id(d, domain);
	n->fq = fx_id(d, fq);
	n->has_reason = reason >= 0;
	n->reason = reason >= 0 ? (uint32_t)reason : 0;
	n->nas = fx_id(d, "VPN01");
	h->user = nd_analysis_s(d, n->user);
	h->domain = nd_analysis_s(d, n->domain);
	h->fq = nd_analysis_s(d, n->fq);
	return ref;
}

/* Adds a RasClient 20225 (connected). Returns its ref. */
static inline int64_t fx_connect(nd_analysis_data *d, const char *host, const char *user, double s)
{
	nd_connect *c = nd_analysis_add_connect(d);

	fx_event(d, host, 20225, "rasclient", s, 0);
	c->ref = (int64_t)d->nevents;
	c->ts = fx_ts(s);
	c->host = nd_analysis_host(d, host);
	c->user = fx_str(d, user);
	return c->ref;
}

/* Gives event ref a field value (add in ref order, after
 * nd_analysis_add_rule_names or fx_name). Returns nothing. */
static inline void fx_field(nd_analysis_data *d, int64_t ref, const char *name, const char *value)
{
	nd_analysis_add_field(d, &d->events[ref - 1], nd_analysis_name(d, name), value);
}

/* Makes name a field the rules read. Returns nothing. */
static inline void fx_name(nd_analysis_data *d, const char *name)
{
	nd_error err;

	nd_analysis_add_name(d, name, &err);
}

/* Finishes d: sorts and indexes the events. Returns 0, or -1. */
static inline int fx_done(nd_analysis_data *d)
{
	nd_error err;

	return nd_analysis_index(d, &err);
}

#endif
