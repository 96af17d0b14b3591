/* nd_report_md: the report as Markdown for a ticket or a wiki page: the
 * same content as the HTML page (scope, filters, summary table, causes
 * with the remediation stated once, incidents with their facts and
 * evidence, findings) without the timeline picture. Event strings are escaped so they render as text. */
#include <string.h>

#include "nd_cert_match.h"
#include "nd_escape.h"
#include "nd_report_int.h"
#include "nd_zone.h"

/* Appends event- or rule-derived text, escaped for Markdown. */
static void esc(nd_rep *r, const char *s)
{
	nd_out_esc(&r->out, nd_escape_md, s ? s : "-");
}

/* Appends a command as a fenced code block: no escaping inside, so a
 * fence longer than any backtick run in the command is chosen. */
static void code_block(nd_rep *r, const char *cmd)
{
	size_t run = 0, longest = 0, i;
	const char *p;

	for (p = cmd; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	nd_out_put(&r->out, "\n   ");
	for (i = 0; i < (longest < 3 ? 3 : longest + 1); i++)
		nd_out_put(&r->out, "`");
	nd_out_put(&r->out, "\n   ");
	/* Controls are escaped; a newline would end the indented block. */
	nd_out_esc(&r->out, nd_escape_text, cmd);
	nd_out_put(&r->out, "\n   ");
	for (i = 0; i < (longest < 3 ? 3 : longest + 1); i++)
		nd_out_put(&r->out, "`");
	nd_out_put(&r->out, "\n");
}

/* Appends the remediation steps of a cause. */
static void steps(nd_rep *r, const nd_res_cause *c)
{
	size_t s, i;

	for (s = 0; s < c->nsteps; s++) {
		nd_out_printf(&r->out, "%lld. ", (long long)c->steps[s].step);
		esc(r, c->steps[s].text);
		nd_out_put(&r->out, "\n");
		for (i = 0; i < c->steps[s].ncmds; i++)
			code_block(r, c->steps[s].cmds[i]);
	}
}

/* One cause of the summary (nd_results_summary callback). Returns 0. */
static int cause(void *ctx, const nd_res_summary *c)
{
	char zbuf[ND_ZONE_TIME_SIZE];
	nd_rep *r = ctx;

	nd_out_put(&r->out, "### ");
	esc(r, c->cause->title);
	nd_out_put(&r->out, " (");
	esc(r, c->cause->confidence);
	nd_out_put(&r->out, ")\n\n");
	nd_rep_cause_counts(r, c);
	nd_out_put(&r->out, ", first ");
	esc(r, nd_zone_time(c->first, r->o->tz, zbuf));
	nd_out_put(&r->out, ", last ");
	esc(r, nd_zone_time(c->last, r->o->tz, zbuf));
	nd_out_put(&r->out, ". Cause id: ");
	esc(r, c->cause->cause_id);
	nd_out_put(&r->out, "\n\n**What to do:**\n\n");
	steps(r, c->cause);
	nd_out_put(&r->out, "\n");
	return 0;
}

/* One row of the summary table (nd_results_summary callback): cause,
 * confidence, users, hosts, attempts, open, first incidents. Returns 0. */
static int summary_row(void *ctx, const nd_res_summary *c)
{
	nd_rep *r = ctx;
	size_t k;

	nd_out_put(&r->out, "| ");
	esc(r, c->cause->title);
	nd_out_put(&r->out, " (");
	esc(r, c->cause->cause_id);
	nd_out_put(&r->out, ") | ");
	esc(r, c->cause->confidence);
	if (strcmp(c->cause->kind, "finding") == 0)
		nd_out_printf(&r->out, " | - | %lld | %lld event(s) | - | ", (long long)c->hosts,
			      (long long)c->attempts);
	else
		nd_out_printf(&r->out, " | %lld | %lld | %lld | %lld | ", (long long)c->identities, (long long)c->hosts,
			      (long long)c->attempts, (long long)c->open);
	for (k = 0; k < c->nids; k++)
		nd_out_printf(&r->out, "%s#%lld", k ? " " : "", (long long)c->ids[k]);
	if (c->incidents > (int64_t)c->nids)
		nd_out_printf(&r->out, " and %lld more", (long long)(c->incidents - (int64_t)c->nids));
	nd_out_put(&r->out, " |\n");
	return 0;
}

/* Appends a table row "| label | value |". */
static void row(nd_rep *r, const char *label, const char *value)
{
	nd_out_put(&r->out, "| ");
	nd_out_put(&r->out, label);
	nd_out_put(&r->out, " | ");
	esc(r, value);
	nd_out_put(&r->out, " |\n");
}

/* Appends a table row with a code and its name. */
static void code_row(nd_rep *r, const char *label, const nd_res_code *c)
{
	nd_out_put(&r->out, "| ");
	nd_out_put(&r->out, label);
	nd_out_put(&r->out, " | ");
	if (c->has) {
		nd_out_printf(&r->out, "%lld ", (long long)c->code);
		if (c->symbol) {
			esc(r, c->symbol);
			nd_out_put(&r->out, ": ");
		}
		esc(r, c->meaning);
	} else {
		nd_out_put(&r->out, "-");
	}
	nd_out_put(&r->out, " |\n");
}

/* Appends one evidence event as a table row. */
static void evidence_row(nd_rep *r, const nd_res_event *e)
{
	char zbuf[ND_ZONE_TIME_SIZE];
	size_t i;

	nd_out_put(&r->out, "| ");
	esc(r, nd_zone_time(e->time, r->o->tz, zbuf));
	nd_out_put(&r->out, " | ");
	esc(r, e->computer);
	nd_out_put(&r->out, " | ");
	esc(r, e->provider);
	nd_out_printf(&r->out, " %lld | ", (long long)e->event_id);
	esc(r, e->role);
	nd_out_put(&r->out, " | ");
	for (i = 0; i < e->nfields; i++) {
		nd_out_put(&r->out, i ? "<br>" : "");
		esc(r, e->names[i]);
		nd_out_put(&r->out, " = ");
		esc(r, e->values[i]);
	}
	nd_out_put(&r->out, " |\n");
}

/* One incident or finding (nd_rep_incidents callback). Returns 0, or -1. */
static int incident(nd_rep *r, const nd_res_incident *i)
{
	char zbuf[ND_ZONE_TIME_SIZE];
	int finding = i->finding;
	size_t k;

	nd_out_printf(&r->out, "### #%lld ", (long long)i->id);
	esc(r, finding ? i->nps : i->user);
	nd_out_put(&r->out, ": ");
	esc(r, i->cause->title);
	nd_out_put(&r->out, "\n\n| | |\n|---|---|\n");
	if (!finding) {
		row(r, "User", i->user);
		row(r, "Client", i->client);
		row(r, "VPN server", i->vpn);
	}
	row(r, finding ? "Host" : "NPS server", i->nps);
	row(r, "First", nd_zone_time(i->first, r->o->tz, zbuf));
	row(r, "Last", nd_zone_time(i->last, r->o->tz, zbuf));
	nd_out_printf(&r->out, "| %s | %lld |\n", finding ? "Events" : "Attempts", (long long)i->count);
	if (!finding) {
		code_row(r, "Client error", &i->client_error);
		code_row(r, "NPS reason", &i->nps_reason);
		row(r, "Pairing", i->match);
		row(r, "Status", i->status);
	}
	row(r, "Confidence", i->confidence);
	row(r, "Cause", i->cause->cause_id);
	if (i->key)
		row(r, "Key", i->key);
	for (k = 0; r->o->certs && k < r->o->certs->nfindings; k++) {
		if (!nd_cert_explains_incident(r->o->certs_user, &r->o->certs->findings[k], i))
			continue;
		nd_out_put(&r->out, "| Certificate | ");
		esc(r, nd_cert_severity_name(r->o->certs->findings[k].severity));
		nd_out_put(&r->out, ": ");
		esc(r, r->o->certs->findings[k].message);
		nd_out_put(&r->out, " |\n");
	}
	for (k = 0; k < i->nfacts; k++) {
		nd_out_put(&r->out, "| ");
		esc(r, i->facts[k].name);
		nd_out_put(&r->out, " | ");
		esc(r, i->facts[k].value);
		nd_out_put(&r->out, " |\n");
	}
	nd_out_put(&r->out, "\n**Why:** ");
	esc(r, i->cause->explanation);
	nd_out_put(&r->out, "\n\n**What to do:** see the summary of cause ");
	esc(r, i->cause->cause_id);
	nd_out_put(&r->out, " above.\n\n**Evidence:**\n\n| Time | Host | Event | Role | Fields |\n|---|---|---|---|---|\n");
	for (k = 0; k < i->nevents && k < ND_REP_EVIDENCE_MAX; k++)
		evidence_row(r, &i->events[k]);
	if (i->events_total > ND_REP_EVIDENCE_MAX)
		nd_out_printf(&r->out, "\nand %zu more evidence event(s).\n", i->events_total - ND_REP_EVIDENCE_MAX);
	nd_out_put(&r->out, "\n");
	return 0;
}

/* Appends a certificate's list of strings, comma-separated, or none. */
static void list(nd_rep *r, const nd_strs *l, const char *none)
{
	size_t k;

	for (k = 0; k < l->n; k++) {
		nd_out_put(&r->out, k ? ", " : "");
		esc(r, l->v[k]);
	}
	nd_out_put(&r->out, l->n ? "" : none);
}

/* Appends the certificate section (report --cert): the findings with the
 * incidents each explains, then the chain as a table. Returns 0, or -1. */
static int certificates(nd_rep *r)
{
	const nd_cert_set *set = r->o->certs;
	size_t k, j;

	nd_out_printf(&r->out, "## Certificates\n\n%zu certificate(s) given with --cert: %zu error(s), %zu warning(s), "
			       "%zu note(s).\n\n",
		      set->n, nd_cert_count(set, ND_CERT_ERROR), nd_cert_count(set, ND_CERT_WARNING),
		      nd_cert_count(set, ND_CERT_NOTE));
	for (k = 0; k < set->nfindings; k++) {
		const nd_cert_finding *f = &set->findings[k];
		nd_cert_matches m;

		if (nd_cert_match(r->res, r->o->certs_user, f, &m, r->err) != 0)
			return -1;
		nd_out_put(&r->out, "- **");
		esc(r, f->id);
		nd_out_put(&r->out, "** (");
		esc(r, nd_cert_severity_name(f->severity));
		nd_out_printf(&r->out, ", certificate %zu", f->cert + 1);
		if (f->signature) {
			nd_out_put(&r->out, ", ");
			esc(r, f->signature);
		}
		nd_out_put(&r->out, "): ");
		esc(r, f->message);
		nd_out_put(&r->out, ". Explains: ");
		for (j = 0; j < m.nids; j++)
			nd_out_printf(&r->out, "%s#%lld", j ? " " : "", (long long)m.ids[j]);
		if (m.total > (int64_t)m.nids)
			nd_out_printf(&r->out, " and %lld more", (long long)(m.total - (int64_t)m.nids));
		nd_out_put(&r->out, m.total ? "." : "no incident of this selection.");
		if (f->fix) {
			nd_out_put(&r->out, " Fix: ");
			esc(r, f->fix);
		}
		nd_out_put(&r->out, "\n");
	}
	nd_out_put(&r->out, "\n| # | Role | Subject | Issuer | Valid until | EKU | CRL distribution points |\n"
		      "|--:|---|---|---|---|---|---|\n");
	for (k = 0; k < set->n; k++) {
		const nd_cert *c = &set->v[k];
		char to[ND_CERT_TIME_SIZE];

		nd_out_printf(&r->out, "| %zu | ", k + 1);
		esc(r, nd_cert_role_name(c->role));
		nd_out_put(&r->out, " | ");
		esc(r, c->subject);
		nd_out_put(&r->out, " | ");
		esc(r, c->issuer_name);
		nd_out_put(&r->out, " | ");
		esc(r, nd_cert_time_text(c->not_after, to));
		nd_out_put(&r->out, c->not_after < set->now ? " (expired) | " : " | ");
		if (c->has_eku)
			list(r, &c->ekus, "none");
		else
			nd_out_put(&r->out, "none (any purpose)");
		nd_out_put(&r->out, " | ");
		list(r, &c->cdp, "**none**");
		nd_out_put(&r->out, " |\n");
	}
	nd_out_put(&r->out, "\n");
	return 0;
}

int nd_report_md(nd_rep *r)
{
	char zbuf[ND_ZONE_TIME_SIZE];
	const nd_res_scope *sc = &r->scope;

	nd_out_put(&r->out, "# VPN and RADIUS incidents\n\n");
	nd_rep_scope_counts(r);
	esc(r, nd_zone_time(sc->first, r->o->tz, zbuf));
	nd_out_put(&r->out, " to ");
	esc(r, nd_zone_time(sc->last, r->o->tz, zbuf));
	nd_out_put(&r->out, " (times in ");
	esc(r, r->o->tz ? r->o->tz : "UTC");
	nd_out_put(&r->out, ").");
	if (r->o->generated) {
		nd_out_put(&r->out, " Generated ");
		esc(r, r->o->generated);
		nd_out_put(&r->out, " by npsdiag " NPSDIAG_VERSION ".");
	}
	nd_out_put(&r->out, "\n\nFilters: ");
	nd_rep_filters(r, nd_escape_md);
	nd_out_put(&r->out, ".\n\n## Summary\n\n");
	if (sc->incidents + sc->findings == 0) {
		nd_out_put(&r->out, "Nothing to report in this selection.\n\n");
	} else {
		nd_out_put(&r->out, "| Cause | Confidence | Users | Hosts | Attempts | Open | Incidents |\n"
			      "|---|---|--:|--:|--:|--:|---|\n");
		if (nd_results_summary(r->res, summary_row, r, r->err) != 0)
			return -1;
		nd_out_put(&r->out, "\n");
	}
	nd_out_put(&r->out, "## Summary by root cause\n\n");
	if (nd_results_summary(r->res, cause, r, r->err) != 0)
		return -1;
	if (r->o->certs && certificates(r) != 0)
		return -1;
	nd_out_put(&r->out, "## Incidents\n\n");
	if (sc->incidents == 0)
		nd_out_put(&r->out, "None.\n\n");
	if (nd_rep_incidents(r, ND_RES_INCIDENTS, 1, incident) != 0)
		return -1;
	nd_out_put(&r->out, "## Configuration findings\n\n");
	if (sc->findings == 0)
		nd_out_put(&r->out, "None.\n\n");
	return nd_rep_incidents(r, ND_RES_FINDINGS, 1, incident);
}
