/* api_explain: a code looked up in the code tables, the causes whose
 * rules name it, and the family that keeps an event. */
#include "api_session.h"

#include "nd_codes.h"
#include "nd_family.h"

int npsdiag_parse_code(const char *s, uint32_t *code)
{
	return nd_parse_code(s, code);
}

int npsdiag_explain_code(npsdiag_session *s, npsdiag_code_kind kind, uint32_t code, FILE *out, npsdiag_error *err)
{
	nd_error e;
	int rc = nd_codes_explain(s->codes, kind == NPSDIAG_CODE_NPS_REASON ? ND_CODES_NPS_FILE : ND_CODES_RAS_FILE,
				  code, out, &e);

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

int npsdiag_explain_event(const char *provider, uint32_t event_id, FILE *out)
{
	const nd_family *fam = nd_family_match(provider, NULL, event_id);

	if (!fam)
		return 0;
	fprintf(out, "family: %s\n", fam->name);
	if (fam->table)
		fprintf(out, "table: %s\n", fam->table);
	if (fam->doc)
		fprintf(out, "what: %s\n", fam->doc);
	return 1;
}
