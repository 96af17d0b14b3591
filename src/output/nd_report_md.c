/* nd_report_md: the report as Markdown for a ticket or a wiki page: the
 * same content as the HTML page (scope, summary by cause with the
 * remediation, incidents with their evidence, findings) without the
 * timeline picture. Event strings are escaped so they render as text. */
#include <string.h>

#include "nd_escape.h"
#include "nd_report_data.h"

/* Appends event- or rule-derived text, escaped for Markdown. */
static void esc(nd_rep *r, const char *s)
{
	nd_rep_esc(r, nd_escape_md, s ? s : "-");
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
	nd_rep_put(r, "\n   ");
	for (i = 0; i < (longest < 3 ? 3 : longest + 1); i++)
		nd_rep_put(r, "`");
	nd_rep_put(r, "\n   ");
	/* Controls are escaped; a newline would end the indented block. */
	nd_rep_esc(r, nd_escape_text, cmd);
	nd_rep_put(r, "\n   ");
	for (i = 0; i < (longest < 3 ? 3 : longest + 1); i++)
		nd_rep_put(r, "`");
	nd_rep_put(r, "\n");
}

/* One remediation step (nd_rep_steps callback). Returns 0. */
static int step(nd_rep *r, int64_t n, const char *text, const char **cmds, size_t ncmds, void *ctx)
{
	size_t i;

	(void)ctx;
	nd_rep_printf(r, "%lld. ", (long long)n);
	esc(r, text);
	nd_rep_put(r, "\n");
	for (i = 0; i < ncmds; i++)
		code_block(r, cmds[i]);
	return 0;
}

/* One cause of the summary (nd_rep_causes callback). Returns 0, or -1. */
static int cause(nd_rep *r, const nd_rep_cause *c, void *ctx)
{
	(void)ctx;
	nd_rep_put(r, "### ");
	esc(r, c->title);
	nd_rep_put(r, " (");
	esc(r, c->confidence);
	nd_rep_put(r, ")\n\n");
	nd_rep_cause_counts(r, c);
	nd_rep_put(r, ", first ");
	esc(r, c->first);
	nd_rep_put(r, ", last ");
	esc(r, c->last);
	nd_rep_put(r, ". Cause id: ");
	esc(r, c->cause_id);
	nd_rep_put(r, "\n\n**What to do:**\n\n");
	return nd_rep_steps(r, c->cause_id, step, NULL) != 0 ? -1 : (nd_rep_put(r, "\n"), 0);
}

/* Appends a table row "| label | value |". */
static void row(nd_rep *r, const char *label, const char *value)
{
	nd_rep_put(r, "| ");
	nd_rep_put(r, label);
	nd_rep_put(r, " | ");
	esc(r, value);
	nd_rep_put(r, " |\n");
}

/* Appends a table row with a code and its name. */
static void code_row(nd_rep *r, const char *label, int has, int64_t code, const char *sym, const char *meaning)
{
	nd_rep_put(r, "| ");
	nd_rep_put(r, label);
	nd_rep_put(r, " | ");
	if (has) {
		nd_rep_printf(r, "%lld ", (long long)code);
		if (sym) {
			esc(r, sym);
			nd_rep_put(r, ": ");
		}
		esc(r, meaning);
	} else {
		nd_rep_put(r, "-");
	}
	nd_rep_put(r, " |\n");
}

/* One evidence event as a table row (nd_rep_evidence callback). Returns 0. */
static int evidence_row(nd_rep *r, const nd_rep_event *e, void *ctx)
{
	size_t i;

	(void)ctx;
	nd_rep_put(r, "| ");
	esc(r, e->time);
	nd_rep_put(r, " | ");
	esc(r, e->computer);
	nd_rep_put(r, " | ");
	esc(r, e->provider);
	nd_rep_printf(r, " %lld | ", (long long)e->event_id);
	esc(r, e->role);
	nd_rep_put(r, " | ");
	for (i = 0; i < e->nfields; i++) {
		nd_rep_put(r, i ? "<br>" : "");
		esc(r, e->names[i]);
		nd_rep_put(r, " = ");
		esc(r, e->values[i]);
	}
	nd_rep_put(r, " |\n");
	return 0;
}

/* One incident or finding (nd_rep_incidents callback). Returns 0, or -1. */
static int incident(nd_rep *r, const nd_rep_incident *i, void *ctx)
{
	int finding = strcmp(i->kind, "finding") == 0;
	long more;

	(void)ctx;
	nd_rep_printf(r, "### #%lld ", (long long)i->id);
	esc(r, finding ? i->nps : i->user);
	nd_rep_put(r, ": ");
	esc(r, i->title);
	nd_rep_put(r, "\n\n| | |\n|---|---|\n");
	if (!finding) {
		row(r, "User", i->user);
		row(r, "Client", i->client);
		row(r, "VPN server", i->vpn);
	}
	row(r, finding ? "Host" : "NPS server", i->nps);
	row(r, "First", i->first);
	row(r, "Last", i->last);
	nd_rep_printf(r, "| %s | %lld |\n", finding ? "Events" : "Attempts", (long long)i->count);
	if (!finding) {
		code_row(r, "Client error", i->has_client_error, i->client_error, i->client_symbol, i->client_meaning);
		code_row(r, "NPS reason", i->has_nps_reason, i->nps_reason, i->nps_symbol, i->nps_meaning);
		row(r, "Pairing", i->match);
		row(r, "Status", i->status);
	}
	row(r, "Confidence", i->confidence);
	row(r, "Cause", i->cause_id);
	nd_rep_put(r, "\n**Why:** ");
	esc(r, i->explanation);
	nd_rep_put(r, "\n\n**What to do:** see the summary of cause ");
	esc(r, i->cause_id);
	nd_rep_put(r, " above.\n\n**Evidence:**\n\n| Time (UTC) | Host | Event | Role | Fields |\n|---|---|---|---|---|\n");
	more = nd_rep_evidence(r, i->id, evidence_row, NULL);
	if (more < 0)
		return -1;
	if (more > 0)
		nd_rep_printf(r, "\nand %ld more evidence event(s).\n", more);
	nd_rep_put(r, "\n");
	return 0;
}

int nd_report_md(nd_rep *r)
{
	nd_rep_scope sc;

	if (nd_rep_scope_get(r, &sc) != 0)
		return -1;
	nd_rep_put(r, "# VPN and RADIUS incidents\n\n");
	nd_rep_scope_counts(r, &sc);
	esc(r, sc.first);
	nd_rep_put(r, " to ");
	esc(r, sc.last);
	nd_rep_put(r, " (UTC).");
	if (r->o->generated) {
		nd_rep_put(r, " Generated ");
		esc(r, r->o->generated);
		nd_rep_put(r, " by npsdiag " NPSDIAG_VERSION ".");
	}
	nd_rep_put(r, "\n\n## Summary by root cause\n\n");
	if (nd_rep_causes(r, cause, NULL) != 0)
		return -1;
	nd_rep_put(r, "## Incidents\n\n");
	if (sc.incidents == 0)
		nd_rep_put(r, "None.\n\n");
	if (nd_rep_incidents(r, 0, incident, NULL) != 0)
		return -1;
	nd_rep_put(r, "## Configuration findings\n\n");
	if (sc.findings == 0)
		nd_rep_put(r, "None.\n\n");
	return nd_rep_incidents(r, 1, incident, NULL);
}
