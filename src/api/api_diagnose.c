/* api_diagnose: the diagnosis of what a session's database holds. */
#include "api_session.h"

#include <stdio.h>
#include <string.h>

#include "nd_time.h"

/* api_diagnose, or with x api_diagnose_keep. Returns 0, or -1 with err
 * set. */
static int diagnose(npsdiag_session *s, const nd_diagnose_params *p, nd_diagnose_memory *m, nd_diagnosis *x,
		    int store, nd_diagnose_stats *st, nd_error *err)
{
	unsigned tries = 0;

	if (!s->store)
		return nd_error_set(err, "no database in this session");
	if (api_need_rules(s, err) != 0 || api_need_codes(s, err) != 0)
		return -1;
	/* the results transaction, again when a database server rolled it back */
	while ((x ? nd_diagnose_keep(s->store, &s->rules, p, x, store, st, err)
		  : nd_diagnose_again(s->store, &s->rules, p, m, st, err)) != 0)
		if (!api_retry(s, &tries, NULL))
			return -1;
	s->params = *p;
	return 0;
}

int api_diagnose(npsdiag_session *s, const nd_diagnose_params *p, nd_diagnose_memory *m, nd_diagnose_stats *st,
		 nd_error *err)
{
	return diagnose(s, p, m, NULL, 1, st, err);
}

int api_diagnose_keep(npsdiag_session *s, const nd_diagnose_params *p, nd_diagnosis *x, int store,
		      nd_diagnose_stats *st, nd_error *err)
{
	return diagnose(s, p, NULL, x, store, st, err);
}

#define STR_(x) #x
#define STR(x) STR_(x)

int npsdiag_param_ok(int which, double v, const char **range)
{
	static const struct {
		int which, zero_ok;
		double max;
		const char *words;
	} params[] = {
	    {'w', 0, NPSDIAG_WINDOW_MAX_S, "seconds from above 0 to " STR(NPSDIAG_WINDOW_MAX_S)},
	    {'s', 1, NPSDIAG_SKEW_MAX_S, "seconds from 0 to " STR(NPSDIAG_SKEW_MAX_S)},
	    {'g', 1, NPSDIAG_GAP_MAX_S, "seconds from 0 to " STR(NPSDIAG_GAP_MAX_S)},
	};
	size_t i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]) && params[i].which != which; i++)
		;
	if (range)
		*range = i < sizeof(params) / sizeof(params[0]) ? params[i].words : NULL;
	/* the comparisons are false for a NaN */
	return i < sizeof(params) / sizeof(params[0]) && (params[i].zero_ok ? v >= 0 : v > 0) && v <= params[i].max;
}

/* Checks parameter which (npsdiag_param_ok), named name in errors.
 * Returns 0, or -1 with err set. */
static int in_range(const char *name, int which, double v, nd_error *err)
{
	const char *range;

	if (npsdiag_param_ok(which, v, &range))
		return 0;
	return nd_error_set(err, "diagnose parameters: %s is %g, not %s", name, v, range);
}

int api_diagnose_params(const npsdiag_params *params, nd_diagnose_params *p, nd_error *err)
{
	nd_diagnose_params defaults = ND_DIAGNOSE_DEFAULTS;

	*p = defaults;
	if (!params)
		return 0;
	p->window_s = params->window_s;
	p->skew_s = params->skew_s;
	p->gap_s = params->gap_s;
	return in_range("window_s", 'w', p->window_s, err) != 0 || in_range("skew_s", 's', p->skew_s, err) != 0 ||
			       in_range("gap_s", 'g', p->gap_s, err) != 0
		       ? -1
		       : 0;
}

void api_diagnose_stats(const nd_diagnose_stats *ds, npsdiag_diagnose_stats *st)
{
	if (st) {
		st->attempts = ds->attempts;
		st->paired = ds->paired;
		st->unmatched = ds->unmatched;
		st->incidents = ds->incidents;
		st->findings = ds->findings;
	}
}

int npsdiag_diagnose(npsdiag_session *s, const npsdiag_params *params, npsdiag_diagnose_stats *st,
		     npsdiag_error *err)
{
	nd_diagnose_params p;
	nd_diagnose_stats ds;
	nd_error e;

	if (api_diagnose_params(params, &p, &e) != 0 || api_diagnose(s, &p, NULL, &ds, &e) != 0)
		return api_fail(err, &e);
	api_diagnose_stats(&ds, st);
	return 0;
}

int npsdiag_diagnosed(npsdiag_session *s)
{
	nd_stmt *st = NULL;
	nd_error e;
	int yes;

	if (!s->store)
		return 0;
	yes = nd_db_prepare(nd_store_db(s->store), "SELECT 1 FROM diagnose_meta LIMIT 1", 0, &st, "diagnose_meta",
			    &e) == 0 &&
	      nd_db_step(st, "diagnose_meta", &e) == 1;
	nd_db_finalize(st);
	return yes;
}

int npsdiag_parse_time(const char *s, int end_of_day, int64_t *ts)
{
	char buf[64];

	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		snprintf(buf, sizeof(buf), "%sT%s", s, end_of_day ? "23:59:59.9999999Z" : "00:00:00Z");
		s = buf;
	}
	return nd_time_parse_iso(s, ts);
}

char *npsdiag_format_time(int64_t unix_s, char *buf)
{
	nd_time_format(unix_s * ND_TICKS_PER_SECOND, buf);
	strcpy(buf + 19, "Z"); /* whole seconds */
	return buf;
}
