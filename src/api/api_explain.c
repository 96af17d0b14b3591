/* api_explain: a code looked up in the code tables, the causes whose
 * rules name it, and the family that keeps an event. */
#include "api_session.h"

#include "nd_buf.h"
#include "nd_codes.h"
#include "nd_family.h"

#include <stdio.h>
#include <string.h>

int npsdiag_parse_code(const char *s, uint32_t *code)
{
	return nd_parse_code(s, code);
}

int npsdiag_explain_code(npsdiag_session *s, npsdiag_code_kind kind, uint32_t code, FILE *out, npsdiag_error *err)
{
	char shipped[API_PATH_MAX];
	nd_error e;
	int rc;

	if (kind == NPSDIAG_CODE_STATUS) {
		/* A --rules codes/ folder made before this table existed falls back
		 * to the shipped one. */
		rc = nd_codes_explain(s->codes, ND_CODES_STATUS_FILE, code, out, &e);
		if (rc < 0 && (size_t)snprintf(shipped, sizeof(shipped), "%s/codes", s->shipped) < sizeof(shipped) &&
		    strcmp(s->codes, shipped) != 0)
			rc = nd_codes_explain(shipped, ND_CODES_STATUS_FILE, code, out, &e);
		return rc < 0 ? api_fail(err, &e) : rc;
	}
	rc = nd_codes_explain(s->codes, kind == NPSDIAG_CODE_NPS_REASON ? ND_CODES_NPS_FILE : ND_CODES_RAS_FILE, code,
			      out, &e);
	return rc < 0 ? api_fail(err, &e) : rc;
}

long npsdiag_explain_causes(npsdiag_session *s, npsdiag_code_kind kind, uint32_t code,
			    void (*fn)(void *ctx, const npsdiag_cause *c), void *ctx, npsdiag_error *err)
{
	nd_error e;
	size_t i;
	long n = 0;

	if (api_need_rules(s, &e) != 0)
		return api_fail(err, &e);
	for (i = 0; i < s->rules.n; i++) {
		const nd_rule *r = s->rules.v[i];
		npsdiag_cause c;

		if (!nd_rule_mentions(r, code, kind == NPSDIAG_CODE_NPS_REASON))
			continue;
		c.id = r->id;
		c.confidence = r->confidence;
		c.title = r->title;
		if (fn)
			fn(ctx, &c);
		n++;
	}
	return n;
}

/* Appends the codes of l to b as " A|B". Returns 0, or -1 when out of
 * memory. */
static int append_codes(nd_buf *b, const nd_codes_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (nd_buf_printf(b, l->v[i] > 0xFFFF ? "%s0x%08X" : "%s%u", i ? "|" : " ", (unsigned)l->v[i]) != 0)
			return -1;
	return 0;
}

/* Writes into b (NUL-terminated) what rule r is judged on, parts separated
 * by "; ". Returns 0, or -1 when out of memory. */
static int rule_needs(const nd_rule *r, nd_buf *b)
{
	static const char *const presence[] = {NULL, "", "no "};
	size_t i;
	int rc = 0;

	nd_buf_reset(b);
	if (r->client_errors.n)
		rc |= nd_buf_printf(b, "client error") || append_codes(b, &r->client_errors);
	else if (r->client != ND_ANY)
		rc |= nd_buf_printf(b, "%sclient failure", presence[r->client]);
	if (r->nps_events.n || r->nps_reasons.n) {
		rc |= nd_buf_printf(b, "%sNPS", b->len ? "; " : "") || append_codes(b, &r->nps_events);
		if (r->nps_reasons.n)
			rc |= nd_buf_printf(b, " reason") || append_codes(b, &r->nps_reasons);
	} else if (r->nps != ND_ANY) {
		rc |= nd_buf_printf(b, "%s%sNPS decision", b->len ? "; " : "", presence[r->nps]);
	}
	for (i = 0; i < r->nevents; i++)
		rc |= nd_buf_printf(b, "%s%s%s %u", b->len ? "; " : "",
				     r->kind == ND_RULE_FINDING ? "event " : "near: event ",
				     r->events[i].family ? r->events[i].family : "any", (unsigned)r->events[i].id);
	if (r->npatterns)
		rc |= nd_buf_printf(b, "%s%zu field pattern(s)", b->len ? "; " : "", r->npatterns);
	if (r->exposure != ND_ANY)
		rc |= nd_buf_printf(b, "%sa host %s to Blast-RADIUS", b->len ? "; " : "",
				     r->exposure == ND_PRESENT ? "exposed" : "not exposed");
	if (!b->len)
		rc |= nd_buf_printf(b, "any attempt");
	return rc ? -1 : 0;
}

long npsdiag_causes(npsdiag_session *s, void (*fn)(void *ctx, const npsdiag_cause *c), void *ctx,
		    npsdiag_error *err)
{
	nd_buf needs = {0};
	nd_error e;
	size_t i;
	long n = 0;

	if (api_need_rules(s, &e) != 0)
		return api_fail(err, &e);
	for (i = 0; i < s->rules.n; i++) {
		const nd_rule *r = s->rules.v[i];
		npsdiag_cause c;

		if (r->disabled)
			continue;
		if (rule_needs(r, &needs) != 0) {
			nd_buf_free(&needs);
			nd_error_set(&e, "out of memory");
			return api_fail(err, &e);
		}
		c.id = r->id;
		c.confidence = r->confidence;
		c.title = r->title;
		c.kind = r->kind == ND_RULE_FINDING ? "finding" : "incident";
		c.needs = needs.data;
		if (fn)
			fn(ctx, &c);
		n++;
	}
	nd_buf_free(&needs);
	return n;
}

/* Writes what npsdiag keeps of the events of family fam to out. Returns
 * nothing. */
static void describe_family(const nd_family *fam, FILE *out)
{
	size_t i;

	fprintf(out, "family: %s\n", fam->name);
	for (i = 0; fam->providers[i]; i++)
		fprintf(out, "provider: %s\n", fam->providers[i]);
	if (fam->doc)
		fprintf(out, "what: %s\n", fam->doc);
	if (fam->table)
		fprintf(out, "table: %s\n", fam->table);
	for (i = 0; i < fam->ncolumns; i++)
		fprintf(out, "reads: %s (from %s)%s%s\n", fam->columns[i].name, fam->columns[i].field,
			fam->columns[i].doc ? ": " : "", fam->columns[i].doc ? fam->columns[i].doc : "");
}

int npsdiag_explain_event(const char *provider, uint32_t event_id, FILE *out)
{
	const nd_family *const *all = nd_families();
	const nd_family *fam;
	int n = 0;
	size_t i;

	if (provider && *provider) {
		if (!(fam = nd_family_match(provider, NULL, event_id)))
			return 0;
		describe_family(fam, out);
		return 1;
	}
	for (i = 0; all[i]; i++) {
		if (!all[i]->wants(event_id))
			continue;
		if (n++)
			fputc('\n', out);
		describe_family(all[i], out);
	}
	return n;
}
