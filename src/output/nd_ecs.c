#include "nd_ecs.h"

#include <string.h>

#include "nd_json.h"
#include "nd_print_news.h"

/* Appends s unchanged ("-" for NULL): the message is escaped as a whole.
 * Returns 0, or -1 when out of memory. */
static int raw(nd_buf *b, const char *s)
{
	s = s ? s : "-";
	return nd_buf_append(b, s, strlen(s));
}

/* Appends ,"name":string (name a literal). Returns nothing. */
static void member(nd_out *o, const char *name, const char *v)
{
	nd_out_printf(o, ",\"%s\":", name);
	nd_json_str(o, v);
}

/* Appends the message: the line tail prints. Returns nothing. */
static void message(nd_out *o, const nd_res_incident *i)
{
	nd_buf line = {0};

	nd_out_put(o, ",\"message\":");
	if (nd_print_news_line(&line, raw, i, 0, NULL) != 0)
		nd_out_oom(o);
	else
		nd_json_str(o, line.data);
	nd_buf_free(&line);
}

/* Appends ,"user":{"name":..,"domain":..} from DOMAIN\name (or a UPN or a
 * bare name, kept whole), when the incident names a user. Returns
 * nothing. */
static void user(nd_out *o, const char *u)
{
	const char *bs = u ? strrchr(u, '\\') : NULL;
	char domain[256];

	if (!u)
		return;
	nd_out_put(o, ",\"user\":{\"name\":");
	nd_json_str(o, bs ? bs + 1 : u);
	if (bs && (size_t)(bs - u) < sizeof(domain)) {
		memcpy(domain, u, (size_t)(bs - u));
		domain[bs - u] = '\0';
		member(o, "domain", domain);
	}
	nd_out_put(o, "}");
}

/* Appends ,"name":{"address":host,"domain":host} when host is known. Returns
 * nothing. */
static void endpoint(nd_out *o, const char *name, const char *host)
{
	if (!host)
		return;
	nd_out_printf(o, ",\"%s\":{\"address\":", name);
	nd_json_str(o, host);
	member(o, "domain", host);
	nd_out_put(o, "}");
}

/* Appends the event object. Returns nothing. */
static void event(nd_out *o, const nd_res_incident *i)
{
	nd_out_put(o, ",\"event\":{\"kind\":\"alert\",\"module\":\"npsdiag\"");
	if (i->finding)
		nd_out_put(o, ",\"category\":[\"configuration\"],\"type\":[\"info\"],\"outcome\":\"unknown\","
			      "\"dataset\":\"npsdiag.finding\"");
	else
		nd_out_put(o, ",\"category\":[\"authentication\",\"network\"],\"type\":[\"info\",\"denied\"],"
			      "\"outcome\":\"failure\",\"dataset\":\"npsdiag.incident\"");
	member(o, "start", i->first);
	member(o, "end", i->last);
	member(o, "reason", i->cause->explanation);
	nd_out_put(o, "}");
}

/* Appends the npsdiag object: what ECS has no field for. Returns
 * nothing. */
static void npsdiag(nd_out *o, const nd_res_incident *i)
{
	nd_out_printf(o, ",\"npsdiag\":{\"schema_version\":%d,\"id\":%lld", ND_JSON_SCHEMA_VERSION, (long long)i->id);
	member(o, "key", i->key);
	member(o, "kind", i->kind);
	member(o, "cause", i->cause->cause_id);
	member(o, "confidence", i->confidence);
	member(o, "match", i->match);
	member(o, "identity", i->identity);
	member(o, "client", i->client);
	member(o, "vpn_server", i->vpn);
	member(o, "nps_server", i->nps);
	nd_out_put(o, ",\"client_error\":");
	nd_json_code(o, &i->client_error);
	nd_out_put(o, ",\"nps_decision\":");
	nd_json_nps_decision(o, i);
	nd_out_printf(o, ",\"count\":%lld,\"paired\":%lld", (long long)i->count, (long long)i->paired);
	member(o, "status", i->status);
	member(o, "resolved", i->resolved);
	nd_out_put(o, ",\"facts\":");
	nd_json_facts(o, i);
	nd_out_put(o, "}");
}

void nd_ecs_incident(nd_out *o, const nd_res_incident *i)
{
	nd_out_put(o, "{\"@timestamp\":");
	nd_json_str(o, i->last);
	message(o, i);
	nd_out_put(o, ",\"ecs\":{\"version\":\"" ND_ECS_VERSION "\"}");
	event(o, i);
	if (nd_json_host(i)) {
		nd_out_put(o, ",\"host\":{\"name\":");
		nd_json_str(o, nd_json_host(i));
		nd_out_put(o, "}");
	}
	if (!i->finding) {
		user(o, i->user);
		endpoint(o, "source", i->client);
		endpoint(o, "destination", i->vpn);
	}
	nd_out_put(o, ",\"rule\":{\"id\":");
	nd_json_str(o, i->cause->cause_id);
	member(o, "name", i->cause->title);
	member(o, "ruleset", "npsdiag");
	nd_out_put(o, "}");
	if (i->client_error.has) {
		nd_out_printf(o, ",\"error\":{\"code\":\"%lld\"", (long long)i->client_error.code);
		member(o, "message", i->client_error.meaning ? i->client_error.meaning : i->client_error.symbol);
		nd_out_put(o, "}");
	}
	npsdiag(o, i);
	nd_out_put(o, "}");
}
