#include "nd_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_escape.h"
#include "nd_time.h"

/* The text ,"name": of a member (name a literal), and its length. */
#define KEY(name) ",\"" name "\":", sizeof(",\"" name "\":") - 1

/* Appends the n bytes at s, printable ASCII (nd_escape_json_ascii), as a
 * JSON string: " and \ escaped, as nd_escape_json does, the runs between
 * them copied. Returns nothing. */
static void quoted_ascii(nd_out *o, const char *s, size_t n)
{
	size_t k, from = 0;

	nd_out_lit(o, "\"");
	for (k = 0; k < n; k++) {
		if (s[k] != '"' && s[k] != '\\')
			continue;
		if (k > from)
			nd_out_mem(o, s + from, k - from);
		nd_out_mem(o, s[k] == '"' ? "\\\"" : "\\\\", 2);
		from = k + 1;
	}
	if (n > from)
		nd_out_mem(o, s + from, n - from);
	nd_out_lit(o, "\"");
}

/* member for s NULL, or the n bytes at s with something to escape.
 * Returns nothing. */
static void member_escaped(nd_out *o, const char *k, size_t klen, const char *s, size_t n)
{
	nd_out_mem(o, k, klen);
	if (!s)
		nd_out_lit(o, "null");
	else if (nd_escape_json_ascii(s, n)) /* DOMAIN\user: no escaper's buffer */
		quoted_ascii(o, s, n);
	else
		nd_out_esc(o, nd_escape_json, s);
}

/* Appends key k (KEY, or "" and 0) and s as a JSON string, or null.
 * Returns nothing. Always inline: k is a literal at every call, so its
 * copy becomes a few moves (a line has about thirty members). */
static inline __attribute__((always_inline)) void member(nd_out *o, const char *k, size_t klen, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (s && nd_escape_json_plain(s, n)) { /* most values: copied between quotes */
		nd_out_quoted(o, k, klen, s, n);
		return;
	}
	member_escaped(o, k, klen, s, n);
}

void nd_json_str(nd_out *o, const char *s)
{
	member(o, "", 0, s);
}

/* Appends key k (KEY) and an integer, or null unless has. Returns
 * nothing. */
static void member_int(nd_out *o, const char *k, size_t klen, int has, int64_t v)
{
	nd_out_mem(o, k, klen);
	if (has)
		nd_out_int(o, v);
	else
		nd_out_lit(o, "null");
}

/* Appends a literal to b. Returns 0, or -1 when out of memory. */
static int buf_put(nd_buf *b, const char *s)
{
	return nd_buf_append(b, s, strlen(s));
}

/* Appends ,"name":string-or-null to b (name a literal). Returns 0, or -1
 * when out of memory. */
static int buf_member(nd_buf *b, const char *name, const char *v)
{
	return nd_buf_printf(b, ",\"%s\":", name) || nd_escape_json(b, v) ? -1 : 0;
}

/* Makes x the object of cause c without its confidence: the part before
 * it, then the part after it from x->split. Returns 0, or -1 when out of
 * memory. */
static int cause_parts(nd_json_cause *x, const nd_res_cause *c)
{
	nd_buf *b = &x->text;
	char rule[4200];
	size_t s, k;
	int rc;

	rc = buf_put(b, "{\"id\":") || nd_escape_json(b, c->cause_id) || buf_member(b, "title", c->title);
	x->split = b->len;
	rc = rc || buf_member(b, "explanation", c->explanation) || buf_put(b, ",\"remediation\":[");
	for (s = 0; s < c->nsteps && !rc; s++) {
		rc = buf_put(b, s ? ",{\"text\":" : "{\"text\":") || nd_escape_json(b, c->steps[s].text) ||
		     buf_put(b, ",\"commands\":[");
		for (k = 0; k < c->steps[s].ncmds && !rc; k++)
			rc = buf_put(b, k ? "," : "") || nd_escape_json(b, c->steps[s].cmds[k]);
		rc = rc || buf_put(b, "]}");
	}
	rc = rc || buf_put(b, "],\"sources\":[");
	for (s = 0; s < c->nsources && !rc; s++)
		rc = buf_put(b, s ? "," : "") || nd_escape_json(b, c->sources[s]);
	snprintf(rule, sizeof(rule), "%s:%lld", c->rule_file ? c->rule_file : "", (long long)c->rule_line);
	return rc || buf_put(b, "]") || buf_member(b, "rule", rule) || buf_put(b, "}") ? -1 : 0;
}

/* Frees the texts of c. Returns nothing. */
static void codes_free(nd_json_codes *c)
{
	size_t k;

	for (k = 0; k < c->n; k++)
		nd_buf_free(&c->v[k]);
	free(c->v);
}

void nd_json_causes_free(nd_json_causes *jc)
{
	size_t k;

	for (k = 0; k < jc->n; k++)
		nd_buf_free(&jc->v[k].text);
	free(jc->v);
	codes_free(&jc->ras);
	codes_free(&jc->nps);
	memset(jc, 0, sizeof(*jc));
}

/* Returns the cached object of cause c, made now when missing, or NULL
 * when out of memory. */
static const nd_json_cause *cached(nd_json_causes *jc, const nd_res_cause *c)
{
	nd_json_cause *x;

	if (c->index >= jc->n) {
		nd_json_cause *v = realloc(jc->v, (c->index + 1) * sizeof(*v));

		if (!v)
			return NULL;
		memset(v + jc->n, 0, (c->index + 1 - jc->n) * sizeof(*v));
		jc->v = v;
		jc->n = c->index + 1;
	}
	x = &jc->v[c->index];
	if (!x->text.len && cause_parts(x, c) != 0) {
		nd_buf_reset(&x->text);
		return NULL;
	}
	return x;
}

/* Appends the cause object of incident i (from jc when given). Returns
 * nothing. */
static void cause(nd_out *o, const nd_res_incident *i, nd_json_causes *jc)
{
	nd_json_cause own;
	const nd_json_cause *x;

	memset(&own, 0, sizeof(own));
	x = jc ? cached(jc, i->cause) : cause_parts(&own, i->cause) == 0 ? &own : NULL;
	if (!x) {
		nd_out_oom(o);
	} else {
		nd_out_mem(o, x->text.data, x->split);
		member(o, KEY("confidence"), i->confidence);
		nd_out_mem(o, x->text.data + x->split, x->text.len - x->split);
	}
	nd_buf_free(&own.text);
}

/* Puts {"code":..,"symbol":..,"meaning":..} of c (it has a code) into b.
 * Returns 0, or -1 when out of memory. */
static int code_text(nd_buf *b, const nd_res_code *c)
{
	return nd_buf_printf(b, "{\"code\":%lld", (long long)c->code) || buf_member(b, "symbol", c->symbol) ||
			       buf_member(b, "meaning", c->meaning) || buf_put(b, "}")
		       ? -1
		       : 0;
}

/* Puts the end of an NPS decision object, ,"reason":..,"symbol":..,
 * "meaning":..}, of reason c into b. Returns 0, or -1 when out of
 * memory. */
static int reason_text(nd_buf *b, const nd_res_code *c)
{
	int rc = c->has ? nd_buf_printf(b, ",\"reason\":%lld", (long long)c->code) : buf_put(b, ",\"reason\":null");

	return rc || buf_member(b, "symbol", c->symbol) || buf_member(b, "meaning", c->meaning) || buf_put(b, "}")
		       ? -1
		       : 0;
}

/* Appends the text make makes of c: from codes (NULL: none) when c is in
 * its table, made there the first time. Returns nothing. */
static void code_cached(nd_out *o, nd_json_codes *codes, const nd_res_code *c,
			int (*make)(nd_buf *, const nd_res_code *))
{
	nd_buf own = {0}, *b = &own;

	if (codes && c->index) {
		if (c->index > codes->n) {
			nd_buf *v = realloc(codes->v, c->index * sizeof(*v));

			if (!v) {
				nd_out_oom(o);
				return;
			}
			memset(v + codes->n, 0, (c->index - codes->n) * sizeof(*v));
			codes->v = v;
			codes->n = c->index;
		}
		b = &codes->v[c->index - 1];
	}
	if (!b->len && make(b, c) != 0) {
		nd_buf_reset(b);
		nd_out_oom(o);
	} else {
		nd_out_mem(o, b->data, b->len);
	}
	nd_buf_free(&own);
}

/* nd_json_code with the cache codes (NULL: none). Returns nothing. */
static void code(nd_out *o, const nd_res_code *c, nd_json_codes *codes)
{
	if (c->has)
		code_cached(o, codes, c, code_text);
	else
		nd_out_lit(o, "null");
}

void nd_json_code(nd_out *o, const nd_res_code *c)
{
	code(o, c, NULL);
}

/* nd_json_nps_decision with the cache codes (NULL: none). Returns
 * nothing. */
static void nps_decision(nd_out *o, const nd_res_incident *i, nd_json_codes *codes)
{
	if (!i->has_nps_event_id) {
		nd_out_lit(o, "null");
		return;
	}
	nd_out_lit(o, "{\"event_id\":");
	nd_out_int(o, i->nps_event_id);
	code_cached(o, i->nps_reason.has ? codes : NULL, &i->nps_reason, reason_text);
}

void nd_json_nps_decision(nd_out *o, const nd_res_incident *i)
{
	nps_decision(o, i, NULL);
}

/* Ticks below which (in magnitude) a double holds ticks / 10^7 closer to
 * its exact 7-decimal text than half the last decimal. */
#define EXACT_TICKS 1000000000000000LL

/* Appends ticks as seconds with 7 decimals, the text printf's "%.7f" of
 * ticks / 10^7 gives (written by hand: printf cost more than the rest of
 * an attempt). Returns nothing. */
static void seconds7(nd_out *o, int64_t ticks)
{
	char tmp[32], *p = tmp + sizeof(tmp);
	uint64_t u = ticks < 0 ? 0 - (uint64_t)ticks : (uint64_t)ticks;
	int k;

	if (ticks <= -EXACT_TICKS || ticks >= EXACT_TICKS) {
		nd_out_printf(o, "%.7f", (double)ticks / ND_TICKS_PER_SECOND);
		return;
	}
	for (k = 0; k < 7; k++, u /= 10)
		*--p = (char)('0' + u % 10);
	*--p = '.';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (ticks < 0)
		*--p = '-';
	nd_out_mem(o, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* Appends the attempts array. Returns nothing. */
static void attempts(nd_out *o, const nd_res_incident *i)
{
	size_t k;

	nd_out_lit(o, "[");
	for (k = 0; k < i->nattempts; k++) {
		const nd_res_attempt *a = &i->attempts[k];

		if (k)
			nd_out_lit(o, ",{\"attempt\":");
		else
			nd_out_lit(o, "{\"attempt\":");
		nd_out_int(o, a->attempt);
		member_int(o, KEY("client_event"), a->client != NULL, a->client ? a->client->ref : 0);
		member(o, KEY("client_time"), a->client ? a->client->time : NULL);
		member(o, KEY("coid"), a->client ? a->client->coid : NULL);
		member_int(o, KEY("nps_event"), a->nps != NULL, a->nps ? a->nps->ref : 0);
		member(o, KEY("nps_time"), a->nps ? a->nps->time : NULL);
		if (a->nps && a->nps->has_delta) {
			nd_out_lit(o, ",\"delta_s\":");
			seconds7(o, a->nps->delta_ticks);
		} else
			nd_out_lit(o, ",\"delta_s\":null");
		nd_out_lit(o, "}");
	}
	nd_out_lit(o, "]");
}

/* Appends the evidence array. Returns nothing. */
static void evidence(nd_out *o, const nd_res_incident *i)
{
	size_t k;

	nd_out_lit(o, "[");
	for (k = 0; k < i->nevents; k++) {
		const nd_res_event *e = &i->events[k];

		if (k)
			nd_out_lit(o, ",{\"event_ref\":");
		else
			nd_out_lit(o, "{\"event_ref\":");
		nd_out_int(o, e->ref);
		member(o, KEY("role"), e->role);
		member_int(o, KEY("attempt"), e->has_attempt, e->attempt);
		member_int(o, KEY("event_id"), 1, e->event_id);
		member(o, KEY("provider"), e->provider);
		member(o, KEY("computer"), e->computer);
		member(o, KEY("time"), e->time);
		nd_out_lit(o, "}");
	}
	nd_out_lit(o, "]");
}

void nd_json_facts(nd_out *o, const nd_res_incident *i)
{
	size_t k;

	nd_out_lit(o, "[");
	for (k = 0; k < i->nfacts; k++) {
		if (k)
			nd_out_lit(o, ",{\"name\":");
		else
			nd_out_lit(o, "{\"name\":");
		nd_json_str(o, i->facts[k].name);
		member(o, KEY("value"), i->facts[k].value);
		nd_out_lit(o, "}");
	}
	nd_out_lit(o, "]");
}

const char *nd_json_host(const nd_res_incident *i)
{
	if (i->finding)
		return i->nps;
	return i->client ? i->client : i->vpn ? i->vpn : i->nps;
}

void nd_json_incident(nd_out *o, const nd_res_incident *i, int line, const char *news, nd_json_causes *jc)
{
	nd_out_lit(o, "{");
	if (line) {
		nd_out_lit(o, "\"schema_version\":");
		nd_out_int(o, ND_JSON_SCHEMA_VERSION);
		nd_out_lit(o, ",");
	}
	if (news) {
		nd_out_lit(o, "\"news\":");
		nd_json_str(o, news);
		nd_out_lit(o, ",");
	}
	nd_out_lit(o, "\"@timestamp\":");
	nd_json_str(o, i->last);
	nd_out_lit(o, ",\"id\":");
	nd_out_int(o, i->id);
	member(o, KEY("key"), i->key);
	member(o, KEY("kind"), i->kind);
	nd_out_lit(o, ",\"cause\":");
	cause(o, i, jc);
	member(o, KEY("match"), i->match);
	member(o, KEY("identity"), i->identity);
	member(o, KEY("user"), i->user);
	member(o, KEY("client"), i->client);
	member(o, KEY("vpn_server"), i->vpn);
	member(o, KEY("nps_server"), i->nps);
	member(o, KEY("host"), nd_json_host(i));
	nd_out_lit(o, ",\"client_error\":");
	code(o, &i->client_error, jc ? &jc->ras : NULL);
	nd_out_lit(o, ",\"nps_decision\":");
	nps_decision(o, i, jc ? &jc->nps : NULL);
	member_int(o, KEY("count"), 1, i->count);
	member_int(o, KEY("paired"), 1, i->paired);
	member(o, KEY("first"), i->first);
	member(o, KEY("last"), i->last);
	member(o, KEY("status"), i->status);
	member(o, KEY("resolved"), i->resolved);
	nd_out_lit(o, ",\"facts\":");
	nd_json_facts(o, i);
	nd_out_lit(o, ",\"attempts\":");
	attempts(o, i);
	nd_out_lit(o, ",\"evidence\":");
	evidence(o, i);
	nd_out_lit(o, "}");
}
