#include "nd_report.h"

#include <string.h>

#include "nd_report_int.h"

int nd_rep_incidents(nd_rep *r, nd_res_which which, int load, int (*fn)(nd_rep *r, const nd_res_incident *i))
{
	const nd_res_incident *i;
	int rc;

	nd_results_rewind(r->res, which);
	while ((rc = nd_results_next(r->res, &i, r->err)) == 1 && !r->out.failed)
		if ((load && nd_results_load(r->res, ND_REP_EVIDENCE_MAX, 1, r->err) != 0) || fn(r, i) != 0)
			return -1;
	return rc < 0 ? -1 : 0;
}

void nd_rep_scope_counts(nd_rep *r)
{
	const nd_res_scope *sc = &r->scope;

	nd_out_printf(&r->out, "%lld incident(s) (%lld attempt(s)) and %lld configuration finding(s) from %lld "
			       "event(s) of %lld host(s) in %lld file(s), ",
		      (long long)sc->incidents, (long long)sc->attempts, (long long)sc->findings,
		      (long long)sc->events, (long long)sc->hosts, (long long)sc->files);
}

void nd_rep_cause_counts(nd_rep *r, const nd_res_summary *s)
{
	if (strcmp(s->cause->kind, "finding") == 0)
		nd_out_printf(&r->out, "%lld finding(s) on %lld host(s), %lld event(s)", (long long)s->incidents,
			      (long long)s->identities, (long long)s->attempts);
	else
		nd_out_printf(&r->out, "%lld user(s), %lld incident(s), %lld attempt(s)", (long long)s->identities,
			      (long long)s->incidents, (long long)s->attempts);
}

void nd_rep_filters(nd_rep *r, int (*esc)(nd_buf *, const char *))
{
	const nd_print_filter *f = r->filter;
	const char *names[6] = {"user ", "user matching ", "host ", "since ", "until ", "cause "};
	const char *values[6] = {f->user, f->user_regex, f->host, f->since, f->until, f->cause};
	int k, n = 0;

	for (k = 0; k < 6; k++) {
		if (!values[k])
			continue;
		nd_out_put(&r->out, n++ ? ", " : "");
		nd_out_put(&r->out, names[k]);
		nd_out_esc(&r->out, esc, values[k]);
	}
	if (!n)
		nd_out_put(&r->out, "none (every incident and finding)");
}

int nd_report_write(nd_db *db, const nd_print_filter *f, const nd_report_options *o, FILE *out, nd_error *err)
{
	static const nd_print_filter all = {0};
	nd_rep r;
	nd_error ignored;
	int rc;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.filter = f ? f : &all;
	r.err = err;
	nd_out_init(&r.out, out, o->output ? o->output : "standard output");
	if (nd_results_open(&r.res, db, f, err) != 0)
		return -1;
	rc = nd_results_scope(r.res, &r.scope, err);
	if (rc == 0) {
		switch (o->format) {
		case ND_REPORT_HTML:
			rc = nd_report_html(&r);
			break;
		case ND_REPORT_MD:
			rc = nd_report_md(&r);
			break;
		default:
			rc = nd_report_csv(&r);
			break;
		}
	}
	nd_results_close(r.res);
	if (rc != 0) {
		nd_out_finish(&r.out, &ignored); /* the first error is the one to report */
		return -1;
	}
	return nd_out_finish(&r.out, err);
}
