/* nd_report_html: the report as one self-contained HTML page: inline CSS,
 * an inline SVG timeline, no script, no external resource. Incidents are
 * collapsible sections, so that thousands of them still open quickly. */
#include <string.h>

#include "nd_escape.h"
#include "nd_report_data.h"
#include "nd_time.h"

#define INLINE_REMEDIATION_MAX 500 /* more incidents: link to the cause's remediation */
#define OPEN_DETAILS_MAX 20        /* up to this many incidents: sections open */
#define SVG_W 1000
#define SVG_LABEL 210
#define SVG_LANE 24
#define SVG_MARKS_MAX 400

static const char style[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2430;margin:0;background:#f5f6f8}"
	"main{max-width:1100px;margin:0 auto;padding:24px}"
	"header{background:#1d2f4f;color:#fff;padding:20px 24px}header h1{margin:0 0 6px;font-size:24px}"
	".scope{color:#d6deea;margin:2px 0}"
	"h2{margin:28px 0 12px;font-size:20px;border-bottom:2px solid #d0d6df;padding-bottom:4px}"
	".card{background:#fff;border:1px solid #d0d6df;border-radius:6px;padding:14px 18px;margin:12px 0}"
	".card h3{margin:0 0 6px;font-size:17px}"
	".badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:600;margin-left:6px}"
	".confirmed{background:#fde2e1;color:#9b1c1c}.likely{background:#fdf0d5;color:#8a5300}"
	".possible{background:#e4ecf7;color:#244a7c}.resolved{background:#dcf3e1;color:#17612e}.open{background:#eee;color:#444}"
	".counts{color:#4a5568;font-size:14px}"
	"pre{background:#0f1726;color:#e6edf7;padding:8px 12px;border-radius:4px;overflow-x:auto;white-space:pre-wrap;"
	"word-break:break-all;font:13px/1.4 ui-monospace,Consolas,monospace;user-select:all}"
	"table{border-collapse:collapse;width:100%;margin:6px 0;font-size:14px}"
	"th,td{border:1px solid #dde2e9;padding:4px 8px;text-align:left;vertical-align:top;word-break:break-word}"
	"th{background:#eef1f5;width:190px}"
	"details{background:#fff;border:1px solid #d0d6df;border-radius:6px;margin:8px 0;padding:0 14px;"
	"content-visibility:auto;contain-intrinsic-size:auto 44px}"
	"details[open]{padding-bottom:12px}summary{cursor:pointer;padding:10px 0;font-weight:600}"
	"summary .counts{font-weight:400}.evidence td,.evidence th{font-size:13px}"
	".fields{font:12px/1.35 ui-monospace,Consolas,monospace}"
	"svg{background:#fff;border:1px solid #d0d6df;border-radius:6px;width:100%;height:auto}"
	".legend span{margin-right:16px}.sw{display:inline-block;width:10px;height:10px;margin-right:4px}"
	"@media print{header{background:#fff;color:#000}.scope{color:#000}details{break-inside:avoid}pre{background:#f3f3f3;color:#000}}";

/* Appends event- or rule-derived text, escaped for HTML. */
static void esc(nd_rep *r, const char *s)
{
	nd_rep_esc(r, nd_escape_html, s ? s : "-");
}

/* Appends a confidence or status badge. */
static void badge(nd_rep *r, const char *word)
{
	nd_rep_put(r, "<span class=\"badge ");
	esc(r, word);
	nd_rep_put(r, "\">");
	esc(r, word);
	nd_rep_put(r, "</span>");
}

/* Appends an anchor id made from a cause id (escaped as an attribute). */
static void cause_anchor(nd_rep *r, const char *cause_id)
{
	nd_rep_put(r, "cause-");
	esc(r, cause_id);
}

/* One remediation step with its commands in copyable blocks (nd_rep_steps
 * callback). Returns 0. */
static int step(nd_rep *r, int64_t n, const char *text, const char **cmds, size_t ncmds, void *ctx)
{
	size_t i;

	(void)ctx;
	(void)n;
	nd_rep_put(r, "<li>");
	esc(r, text);
	for (i = 0; i < ncmds; i++) {
		nd_rep_put(r, "<pre>");
		esc(r, cmds[i]);
		nd_rep_put(r, "</pre>");
	}
	nd_rep_put(r, "</li>\n");
	return 0;
}

/* Appends the remediation of a cause as an ordered list. Returns 0, or -1. */
static int remediation(nd_rep *r, const char *cause_id)
{
	int rc;

	nd_rep_put(r, "<ol class=\"fix\">\n");
	rc = nd_rep_steps(r, cause_id, step, NULL);
	nd_rep_put(r, "</ol>\n");
	return rc;
}

/* One card of the summary by cause (nd_rep_causes callback). Returns 0, or
 * -1. */
static int cause_card(nd_rep *r, const nd_rep_cause *c, void *ctx)
{
	(void)ctx;
	nd_rep_put(r, "<div class=\"card\" id=\"");
	cause_anchor(r, c->cause_id);
	nd_rep_put(r, "\"><h3>");
	esc(r, c->title);
	badge(r, c->confidence);
	nd_rep_put(r, "</h3><div class=\"counts\">");
	nd_rep_cause_counts(r, c);
	nd_rep_put(r, " &middot; first ");
	esc(r, c->first);
	nd_rep_put(r, " &middot; last ");
	esc(r, c->last);
	nd_rep_put(r, " &middot; <code>");
	esc(r, c->cause_id);
	nd_rep_put(r, "</code></div>\n<p><strong>What to do:</strong></p>\n");
	if (remediation(r, c->cause_id) != 0)
		return -1;
	nd_rep_put(r, "</div>\n");
	return 0;
}

/* Timeline state: the time range, the lanes and incident marks so far. */
typedef struct timeline {
	int64_t first, last;
	int lanes, marks;
} timeline;

/* Returns the x coordinate of a time. */
static double x_of(const timeline *t, int64_t ts)
{
	double span = (double)(t->last - t->first);

	return SVG_LABEL + (span > 0 ? (double)(ts - t->first) / span : 0.5) * (SVG_W - SVG_LABEL - 10);
}

/* One host lane of the timeline (nd_rep_timeline callback). Returns 0. */
static int lane(nd_rep *r, const nd_rep_lane *l, void *ctx)
{
	timeline *t = ctx;
	double y = 40.0 + t->lanes * SVG_LANE, bw = (double)(SVG_W - SVG_LABEL - 10) / ND_REP_TIMELINE_BINS;
	int b;

	nd_rep_printf(r, "<text x=\"6\" y=\"%.1f\" class=\"host\">", y + 15);
	esc(r, l->host);
	nd_rep_printf(r, "</text><line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e7ee\"/>\n", SVG_LABEL,
		      SVG_W - 10, y + 20, y + 20);
	for (b = 0; b < ND_REP_TIMELINE_BINS; b++) {
		const int64_t *kinds[3] = {l->failures, l->grants, l->other};
		static const char *const colors[3] = {"#d62728", "#2ca02c", "#7f7f7f"};
		double yy = y + 20;
		int k;

		for (k = 0; k < 3; k++) {
			int64_t n = kinds[k][b];
			double h = n ? (n > 8 ? 16 : 4 + 1.5 * (double)n) : 0;

			if (!n)
				continue;
			yy -= h;
			nd_rep_printf(r, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
					 "<title>%lld</title></rect>",
				      SVG_LABEL + b * bw, yy, bw > 1.5 ? bw - 0.5 : bw, h, colors[k], (long long)n);
		}
	}
	nd_rep_put(r, "\n");
	t->lanes++;
	return 0;
}

/* Marks an incident's span on the timeline (nd_rep_incidents callback).
 * Returns 0. */
static int incident_mark(nd_rep *r, const nd_rep_incident *i, void *ctx)
{
	timeline *t = ctx;
	double x1 = x_of(t, i->first_ts), x2 = x_of(t, i->last_ts);

	if (t->marks++ >= SVG_MARKS_MAX)
		return 0;
	nd_rep_printf(r, "<rect x=\"%.1f\" y=\"8\" width=\"%.1f\" height=\"14\" fill=\"#1d2f4f\" opacity=\"0.35\">"
			 "<title>#%lld ", x1, x2 - x1 < 2 ? 2 : x2 - x1, (long long)i->id);
	esc(r, i->user);
	nd_rep_put(r, ": ");
	esc(r, i->title);
	nd_rep_put(r, "</title></rect>");
	return 0;
}

/* Counts a lane (nd_rep_timeline callback for the first pass). Returns 0. */
static int count_lane(nd_rep *r, const nd_rep_lane *l, void *ctx)
{
	(void)r;
	(void)l;
	((timeline *)ctx)->lanes++;
	return 0;
}

/* Appends a time of the axis (ticks since 1970) as ISO text. */
static void axis_time(nd_rep *r, int64_t ts)
{
	char iso[ND_TIME_ISO_SIZE];

	esc(r, nd_time_format(ts, iso));
}

/* Appends the timeline section: an SVG with a lane per host (evidence
 * events binned, coloured by kind) and the incidents' spans on top.
 * Returns 0, or -1. */
static int timeline_svg(nd_rep *r)
{
	timeline t = {0, 0, 0, 0};
	int lanes, height;

	nd_rep_put(r, "<section id=\"timeline\"><h2>Timeline</h2>\n<p class=\"legend\"><span><i class=\"sw\" "
		      "style=\"background:#d62728\"></i>client failure / NPS denial</span><span><i class=\"sw\" "
		      "style=\"background:#2ca02c\"></i>grant / connected</span><span><i class=\"sw\" "
		      "style=\"background:#7f7f7f\"></i>other evidence</span><span><i class=\"sw\" "
		      "style=\"background:#1d2f4f;opacity:.35\"></i>incident</span></p>\n");
	if (nd_rep_timeline(r, &t.first, &t.last, count_lane, &t) != 0)
		return -1;
	if (t.lanes == 0) {
		nd_rep_put(r, "<p>No evidence events in this selection.</p></section>\n");
		return 0;
	}
	lanes = t.lanes;
	height = 40 + lanes * SVG_LANE + 24;
	nd_rep_printf(r, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"failures and decisions per host\" "
			 "xmlns=\"http://www.w3.org/2000/svg\" font-size=\"12\" font-family=\"system-ui,sans-serif\">\n",
		      SVG_W, height);
	if (nd_rep_incidents(r, 0, incident_mark, &t) != 0)
		return -1;
	t.lanes = 0;
	if (nd_rep_timeline(r, &t.first, &t.last, lane, &t) != 0)
		return -1;
	nd_rep_printf(r, "<text x=\"%d\" y=\"%d\" fill=\"#4a5568\">", SVG_LABEL, height - 6);
	axis_time(r, t.first);
	nd_rep_printf(r, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#4a5568\">", SVG_W - 10, height - 6);
	axis_time(r, t.last);
	nd_rep_put(r, "</text></svg>\n</section>\n");
	return 0;
}

/* Appends a row of the incident's table. */
static void row(nd_rep *r, const char *label, const char *value)
{
	nd_rep_put(r, "<tr><th>");
	nd_rep_put(r, label);
	nd_rep_put(r, "</th><td>");
	esc(r, value);
	nd_rep_put(r, "</td></tr>\n");
}

/* Appends a row with a code, its symbol and its meaning. */
static void code_row(nd_rep *r, const char *label, int has, int64_t code, const char *sym, const char *meaning)
{
	nd_rep_put(r, "<tr><th>");
	nd_rep_put(r, label);
	nd_rep_put(r, "</th><td>");
	if (!has) {
		nd_rep_put(r, "-</td></tr>\n");
		return;
	}
	nd_rep_printf(r, "<strong>%lld</strong> ", (long long)code);
	if (sym) {
		nd_rep_put(r, "<code>");
		esc(r, sym);
		nd_rep_put(r, "</code> ");
	}
	if (meaning)
		esc(r, meaning);
	nd_rep_put(r, "</td></tr>\n");
}

/* One evidence event as a table row with its fields (nd_rep_evidence
 * callback). Returns 0. */
static int evidence_row(nd_rep *r, const nd_rep_event *e, void *ctx)
{
	size_t i;

	(void)ctx;
	nd_rep_put(r, "<tr><td>");
	esc(r, e->time);
	nd_rep_put(r, "</td><td>");
	esc(r, e->computer);
	nd_rep_put(r, "</td><td>");
	esc(r, e->provider);
	nd_rep_printf(r, " <strong>%lld</strong></td><td>", (long long)e->event_id);
	esc(r, e->role);
	if (e->attempt)
		nd_rep_printf(r, " #%lld", (long long)e->attempt);
	nd_rep_put(r, "</td><td class=\"fields\">");
	for (i = 0; i < e->nfields; i++) {
		esc(r, e->names[i]);
		nd_rep_put(r, " = ");
		esc(r, e->values[i]);
		nd_rep_put(r, "<br>");
	}
	nd_rep_put(r, "</td></tr>\n");
	return 0;
}

/* Context of the incident sections. */
typedef struct sections {
	nd_rep_scope *sc;
} sections;

/* One incident or finding as a collapsible section (nd_rep_incidents
 * callback). Returns 0, or -1. */
static int incident_section(nd_rep *r, const nd_rep_incident *i, void *ctx)
{
	sections *s = ctx;
	int finding = strcmp(i->kind, "finding") == 0;
	int64_t total = s->sc->incidents + s->sc->findings;
	long more;

	nd_rep_printf(r, "<details id=\"incident-%lld\"%s><summary>#%lld ", (long long)i->id,
		      total <= OPEN_DETAILS_MAX ? " open" : "", (long long)i->id);
	esc(r, finding ? i->nps : i->user);
	nd_rep_put(r, " &mdash; ");
	esc(r, i->title);
	badge(r, i->confidence);
	if (!finding)
		badge(r, i->status);
	nd_rep_printf(r, " <span class=\"counts\">%lld %s, ", (long long)i->count, finding ? "event(s)" : "attempt(s)");
	esc(r, i->first);
	nd_rep_put(r, " &ndash; ");
	esc(r, i->last);
	nd_rep_put(r, "</span></summary>\n<table>\n");
	if (!finding) {
		row(r, "User", i->user);
		row(r, "Identity", i->identity);
		row(r, "Client", i->client);
		row(r, "VPN server", i->vpn);
	}
	row(r, finding ? "Host" : "NPS server", i->nps);
	row(r, "First", i->first);
	row(r, "Last", i->last);
	if (!finding) {
		code_row(r, "Client error", i->has_client_error, i->client_error, i->client_symbol, i->client_meaning);
		code_row(r, "NPS reason", i->has_nps_reason, i->nps_reason, i->nps_symbol, i->nps_meaning);
		nd_rep_printf(r, "<tr><th>Pairing</th><td>%lld of %lld attempt(s) with an NPS decision (",
			      (long long)i->paired, (long long)i->count);
		esc(r, i->match);
		nd_rep_put(r, ")</td></tr>\n");
		row(r, "Status", i->resolved ? "resolved" : i->status);
		if (i->resolved)
			row(r, "Resolved at", i->resolved);
	}
	row(r, "Confidence", i->confidence);
	row(r, "Cause", i->cause_id);
	nd_rep_put(r, "</table>\n<p><strong>Why:</strong> ");
	esc(r, i->explanation);
	nd_rep_put(r, "</p>\n");
	if (total <= INLINE_REMEDIATION_MAX) {
		nd_rep_put(r, "<p><strong>What to do:</strong></p>\n");
		if (remediation(r, i->cause_id) != 0)
			return -1;
	} else {
		nd_rep_put(r, "<p><strong>What to do:</strong> see <a href=\"#");
		cause_anchor(r, i->cause_id);
		nd_rep_put(r, "\">the remediation of this cause</a>.</p>\n");
	}
	nd_rep_put(r, "<table class=\"evidence\"><tr><th>Time (UTC)</th><th>Host</th><th>Event</th><th>Role</th>"
		      "<th>Fields</th></tr>\n");
	more = nd_rep_evidence(r, i->id, evidence_row, NULL);
	if (more < 0)
		return -1;
	nd_rep_put(r, "</table>\n");
	if (more > 0)
		nd_rep_printf(r, "<p class=\"counts\">and %ld more evidence event(s): <code>npsdiag diagnose "
				 "--format json</code> lists them all.</p>\n", more);
	nd_rep_put(r, "</details>\n");
	return 0;
}

int nd_report_html(nd_rep *r)
{
	nd_rep_scope sc;
	sections s = {&sc};

	if (nd_rep_scope_get(r, &sc) != 0)
		return -1;
	nd_rep_put(r, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
		      "<title>npsdiag report: VPN and RADIUS incidents</title>\n<style>");
	nd_rep_put(r, style);
	nd_rep_put(r, "</style></head>\n<body>\n<header><h1>VPN and RADIUS incidents</h1>\n<p class=\"scope\">");
	nd_rep_scope_counts(r, &sc);
	esc(r, sc.first);
	nd_rep_put(r, " &ndash; ");
	esc(r, sc.last);
	nd_rep_put(r, " (UTC).</p>\n<p class=\"scope\">Pairing window ");
	esc(r, sc.window_s);
	nd_rep_put(r, " s, clock skew allowed ");
	esc(r, sc.skew_s);
	nd_rep_put(r, " s.");
	if (r->o->generated) {
		nd_rep_put(r, " Generated ");
		esc(r, r->o->generated);
		nd_rep_put(r, " by npsdiag " NPSDIAG_VERSION ".");
	}
	nd_rep_put(r, "</p></header>\n<main>\n<section id=\"summary\"><h2>Summary by root cause</h2>\n");
	if (sc.incidents + sc.findings == 0)
		nd_rep_put(r, "<p>Nothing to report in this selection.</p>\n");
	if (nd_rep_causes(r, cause_card, NULL) != 0)
		return -1;
	nd_rep_put(r, "</section>\n");
	if (timeline_svg(r) != 0)
		return -1;
	nd_rep_put(r, "<section id=\"incidents\"><h2>Incidents</h2>\n");
	if (sc.incidents == 0)
		nd_rep_put(r, "<p>None.</p>\n");
	if (nd_rep_incidents(r, 0, incident_section, &s) != 0)
		return -1;
	nd_rep_put(r, "</section>\n<section id=\"findings\"><h2>Configuration findings</h2>\n");
	if (sc.findings == 0)
		nd_rep_put(r, "<p>None.</p>\n");
	if (nd_rep_incidents(r, 1, incident_section, &s) != 0)
		return -1;
	nd_rep_put(r, "</section>\n</main>\n</body></html>\n");
	return 0;
}
