#include "nd_json.h"

#include <string.h>

#include "nd_escape.h"
#include "nd_time.h"

void nd_json_str(nd_out *o, const char *s)
{
	nd_out_esc(o, nd_escape_json, s);
}

/* Appends ,"name": (name a literal). Returns nothing. */
static void key(nd_out *o, const char *name)
{
	nd_out_printf(o, ",\"%s\":", name);
}

/* Appends ,"name":string-or-null. Returns nothing. */
static void member(nd_out *o, const char *name, const char *v)
{
	key(o, name);
	nd_json_str(o, v);
}

/* Appends ,"name":integer-or-null. Returns nothing. */
static void member_int(nd_out *o, const char *name, int has, int64_t v)
{
	if (has)
		nd_out_printf(o, ",\"%s\":%lld", name, (long long)v);
	else
		nd_out_printf(o, ",\"%s\":null", name);
}

/* Appends the cause object. Returns nothing. */
static void cause(nd_out *o, const nd_res_incident *i)
{
	const nd_res_cause *c = i->cause;
	char rule[4200];
	size_t s, k;

	nd_out_put(o, "{\"id\":");
	nd_json_str(o, c->cause_id);
	member(o, "title", c->title);
	member(o, "confidence", i->confidence);
	member(o, "explanation", c->explanation);
	nd_out_put(o, ",\"remediation\":[");
	for (s = 0; s < c->nsteps; s++) {
		nd_out_put(o, s ? ",{\"text\":" : "{\"text\":");
		nd_json_str(o, c->steps[s].text);
		nd_out_put(o, ",\"commands\":[");
		for (k = 0; k < c->steps[s].ncmds; k++) {
			nd_out_put(o, k ? "," : "");
			nd_json_str(o, c->steps[s].cmds[k]);
		}
		nd_out_put(o, "]}");
	}
	nd_out_put(o, "],\"sources\":[");
	for (s = 0; s < c->nsources; s++) {
		nd_out_put(o, s ? "," : "");
		nd_json_str(o, c->sources[s]);
	}
	nd_out_put(o, "]");
	snprintf(rule, sizeof(rule), "%s:%lld", c->rule_file ? c->rule_file : "", (long long)c->rule_line);
	member(o, "rule", rule);
	nd_out_put(o, "}");
}

void nd_json_code(nd_out *o, const nd_res_code *c)
{
	if (!c->has) {
		nd_out_put(o, "null");
		return;
	}
	nd_out_printf(o, "{\"code\":%lld", (long long)c->code);
	member(o, "symbol", c->symbol);
	member(o, "meaning", c->meaning);
	nd_out_put(o, "}");
}

void nd_json_nps_decision(nd_out *o, const nd_res_incident *i)
{
	if (!i->has_nps_event_id) {
		nd_out_put(o, "null");
		return;
	}
	nd_out_printf(o, "{\"event_id\":%lld", (long long)i->nps_event_id);
	member_int(o, "reason", i->nps_reason.has, i->nps_reason.code);
	member(o, "symbol", i->nps_reason.symbol);
	member(o, "meaning", i->nps_reason.meaning);
	nd_out_put(o, "}");
}

/* Appends the attempts array. Returns nothing. */
static void attempts(nd_out *o, const nd_res_incident *i)
{
	size_t k;

	nd_out_put(o, "[");
	for (k = 0; k < i->nattempts; k++) {
		const nd_res_attempt *a = &i->attempts[k];

		nd_out_printf(o, "%s{\"attempt\":%lld", k ? "," : "", (long long)a->attempt);
		member_int(o, "client_event", a->client != NULL, a->client ? a->client->ref : 0);
		member(o, "client_time", a->client ? a->client->time : NULL);
		member(o, "coid", a->client ? a->client->coid : NULL);
		member_int(o, "nps_event", a->nps != NULL, a->nps ? a->nps->ref : 0);
		member(o, "nps_time", a->nps ? a->nps->time : NULL);
		if (a->nps && a->nps->has_delta)
			nd_out_printf(o, ",\"delta_s\":%.7f", (double)a->nps->delta_ticks / ND_TICKS_PER_SECOND);
		else
			nd_out_put(o, ",\"delta_s\":null");
		nd_out_put(o, "}");
	}
	nd_out_put(o, "]");
}

/* Appends the evidence array. Returns nothing. */
static void evidence(nd_out *o, const nd_res_incident *i)
{
	size_t k;

	nd_out_put(o, "[");
	for (k = 0; k < i->nevents; k++) {
		const nd_res_event *e = &i->events[k];

		nd_out_printf(o, "%s{\"event_ref\":%lld", k ? "," : "", (long long)e->ref);
		member(o, "role", e->role);
		member_int(o, "attempt", e->has_attempt, e->attempt);
		member_int(o, "event_id", 1, e->event_id);
		member(o, "provider", e->provider);
		member(o, "computer", e->computer);
		member(o, "time", e->time);
		nd_out_put(o, "}");
	}
	nd_out_put(o, "]");
}

void nd_json_facts(nd_out *o, const nd_res_incident *i)
{
	size_t k;

	nd_out_put(o, "[");
	for (k = 0; k < i->nfacts; k++) {
		nd_out_put(o, k ? ",{\"name\":" : "{\"name\":");
		nd_json_str(o, i->facts[k].name);
		member(o, "value", i->facts[k].value);
		nd_out_put(o, "}");
	}
	nd_out_put(o, "]");
}

const char *nd_json_host(const nd_res_incident *i)
{
	if (i->finding)
		return i->nps;
	return i->client ? i->client : i->vpn ? i->vpn : i->nps;
}

void nd_json_incident(nd_out *o, const nd_res_incident *i, int line, const char *news)
{
	nd_out_put(o, "{");
	if (line)
		nd_out_printf(o, "\"schema_version\":%d,", ND_JSON_SCHEMA_VERSION);
	if (news) {
		nd_out_put(o, "\"news\":");
		nd_json_str(o, news);
		nd_out_put(o, ",");
	}
	nd_out_put(o, "\"@timestamp\":");
	nd_json_str(o, i->last);
	nd_out_printf(o, ",\"id\":%lld", (long long)i->id);
	member(o, "key", i->key);
	member(o, "kind", i->kind);
	key(o, "cause");
	cause(o, i);
	member(o, "match", i->match);
	member(o, "identity", i->identity);
	member(o, "user", i->user);
	member(o, "client", i->client);
	member(o, "vpn_server", i->vpn);
	member(o, "nps_server", i->nps);
	member(o, "host", nd_json_host(i));
	key(o, "client_error");
	nd_json_code(o, &i->client_error);
	key(o, "nps_decision");
	nd_json_nps_decision(o, i);
	member_int(o, "count", 1, i->count);
	member_int(o, "paired", 1, i->paired);
	member(o, "first", i->first);
	member(o, "last", i->last);
	member(o, "status", i->status);
	member(o, "resolved", i->resolved);
	nd_out_put(o, ",\"facts\":");
	nd_json_facts(o, i);
	nd_out_put(o, ",\"attempts\":");
	attempts(o, i);
	nd_out_put(o, ",\"evidence\":");
	evidence(o, i);
	nd_out_put(o, "}");
}
