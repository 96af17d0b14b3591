/* nd_report_html: the report as one self-contained HTML page: inline CSS,
 * an inline SVG timeline, no script, no external resource. Incidents are
 * collapsible sections, so that thousands of them still open quickly. */
#include <string.h>

#include "nd_escape.h"
#include "nd_report_int.h"
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
	nd_out_esc(&r->out, nd_escape_html, s ? s : "-");
}

/* Appends a confidence or status badge. */
static void badge(nd_rep *r, const char *word)
{
	nd_out_put(&r->out, "<span class=\"badge ");
	esc(r, word);
	nd_out_put(&r->out, "\">");
	esc(r, word);
	nd_out_put(&r->out, "</span>");
}

/* Appends an anchor id made from a cause id (escaped as an attribute). */
static void cause_anchor(nd_rep *r, const char *cause_id)
{
	nd_out_put(&r->out, "cause-");
	esc(r, cause_id);
}

/* Appends the remediation of a cause as an ordered list, each step's
 * commands in copyable blocks. */
static void remediation(nd_rep *r, const nd_res_cause *c)
{
	size_t s, i;

	nd_out_put(&r->out, "<ol class=\"fix\">\n");
	for (s = 0; s < c->nsteps; s++) {
		nd_out_put(&r->out, "<li>");
		esc(r, c->steps[s].text);
		for (i = 0; i < c->steps[s].ncmds; i++) {
			nd_out_put(&r->out, "<pre>");
			esc(r, c->steps[s].cmds[i]);
			nd_out_put(&r->out, "</pre>");
		}
		nd_out_put(&r->out, "</li>\n");
	}
	nd_out_put(&r->out, "</ol>\n");
}

/* One card of the summary by cause (nd_results_summary callback). Returns
 * 0. */
static int cause_card(void *ctx, const nd_res_summary *c)
{
	nd_rep *r = ctx;

	nd_out_put(&r->out, "<div class=\"card\" id=\"");
	cause_anchor(r, c->cause->cause_id);
	nd_out_put(&r->out, "\"><h3>");
	esc(r, c->cause->title);
	badge(r, c->cause->confidence);
	nd_out_put(&r->out, "</h3><div class=\"counts\">");
	nd_rep_cause_counts(r, c);
	nd_out_put(&r->out, " &middot; first ");
	esc(r, c->first);
	nd_out_put(&r->out, " &middot; last ");
	esc(r, c->last);
	nd_out_put(&r->out, " &middot; <code>");
	esc(r, c->cause->cause_id);
	nd_out_put(&r->out, "</code></div>\n<p><strong>What to do:</strong></p>\n");
	remediation(r, c->cause);
	nd_out_put(&r->out, "</div>\n");
	return 0;
}

/* Timeline state: the time range, the lanes and incident marks so far. */
typedef struct timeline {
	nd_rep *r;
	int64_t first, last;
	int lanes, marks;
} timeline;

/* Returns the x coordinate of a time. */
static double x_of(const timeline *t, int64_t ts)
{
	double span = (double)(t->last - t->first);

	return SVG_LABEL + (span > 0 ? (double)(ts - t->first) / span : 0.5) * (SVG_W - SVG_LABEL - 10);
}

/* One host lane of the timeline (nd_results_timeline callback). Returns 0. */
static int lane(void *ctx, const nd_res_lane *l)
{
	timeline *t = ctx;
	nd_rep *r = t->r;
	double y = 40.0 + t->lanes * SVG_LANE, bw = (double)(SVG_W - SVG_LABEL - 10) / ND_RES_TIMELINE_BINS;
	int b;

	nd_out_printf(&r->out, "<text x=\"6\" y=\"%.1f\" class=\"host\">", y + 15);
	esc(r, l->host);
	nd_out_printf(&r->out, "</text><line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e7ee\"/>\n", SVG_LABEL,
		      SVG_W - 10, y + 20, y + 20);
	for (b = 0; b < ND_RES_TIMELINE_BINS; b++) {
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
			nd_out_printf(&r->out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
					 "<title>%lld</title></rect>",
				      SVG_LABEL + b * bw, yy, bw > 1.5 ? bw - 0.5 : bw, h, colors[k], (long long)n);
		}
	}
	nd_out_put(&r->out, "\n");
	t->lanes++;
	return 0;
}

/* Marks an incident's span on the timeline (nd_rep_incidents callback).
 * Returns 0. */
static int incident_mark(nd_rep *r, const nd_res_incident *i)
{
	timeline *t = r->state;
	double x1 = x_of(t, i->first_ts), x2 = x_of(t, i->last_ts);

	if (t->marks++ >= SVG_MARKS_MAX)
		return 0;
	nd_out_printf(&r->out, "<rect x=\"%.1f\" y=\"8\" width=\"%.1f\" height=\"14\" fill=\"#1d2f4f\" opacity=\"0.35\">"
			 "<title>#%lld ", x1, x2 - x1 < 2 ? 2 : x2 - x1, (long long)i->id);
	esc(r, i->user);
	nd_out_put(&r->out, ": ");
	esc(r, i->cause->title);
	nd_out_put(&r->out, "</title></rect>");
	return 0;
}

/* Counts a lane (nd_results_timeline callback for the first pass).
 * Returns 0. */
static int count_lane(void *ctx, const nd_res_lane *l)
{
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
	timeline t = {r, 0, 0, 0, 0};
	int lanes, height;

	nd_out_put(&r->out, "<section id=\"timeline\"><h2>Timeline</h2>\n<p class=\"legend\"><span><i class=\"sw\" "
		      "style=\"background:#d62728\"></i>client failure / NPS denial</span><span><i class=\"sw\" "
		      "style=\"background:#2ca02c\"></i>grant / connected</span><span><i class=\"sw\" "
		      "style=\"background:#7f7f7f\"></i>other evidence</span><span><i class=\"sw\" "
		      "style=\"background:#1d2f4f;opacity:.35\"></i>incident</span></p>\n");
	if (nd_results_timeline(r->res, &t.first, &t.last, count_lane, &t, r->err) != 0)
		return -1;
	if (t.lanes == 0) {
		nd_out_put(&r->out, "<p>No evidence events in this selection.</p></section>\n");
		return 0;
	}
	lanes = t.lanes;
	height = 40 + lanes * SVG_LANE + 24;
	nd_out_printf(&r->out, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"failures and decisions per host\" "
			 "xmlns=\"http://www.w3.org/2000/svg\" font-size=\"12\" font-family=\"system-ui,sans-serif\">\n",
		      SVG_W, height);
	r->state = &t;
	if (nd_rep_incidents(r, ND_RES_INCIDENTS, 0, incident_mark) != 0)
		return -1;
	t.lanes = 0;
	if (nd_results_timeline(r->res, &t.first, &t.last, lane, &t, r->err) != 0)
		return -1;
	nd_out_printf(&r->out, "<text x=\"%d\" y=\"%d\" fill=\"#4a5568\">", SVG_LABEL, height - 6);
	axis_time(r, t.first);
	nd_out_printf(&r->out, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#4a5568\">", SVG_W - 10, height - 6);
	axis_time(r, t.last);
	nd_out_put(&r->out, "</text></svg>\n</section>\n");
	return 0;
}

/* Appends a row of the incident's table. */
static void row(nd_rep *r, const char *label, const char *value)
{
	nd_out_put(&r->out, "<tr><th>");
	nd_out_put(&r->out, label);
	nd_out_put(&r->out, "</th><td>");
	esc(r, value);
	nd_out_put(&r->out, "</td></tr>\n");
}

/* Appends a row with a code, its symbol and its meaning. */
static void code_row(nd_rep *r, const char *label, const nd_res_code *c)
{
	nd_out_put(&r->out, "<tr><th>");
	nd_out_put(&r->out, label);
	nd_out_put(&r->out, "</th><td>");
	if (!c->has) {
		nd_out_put(&r->out, "-</td></tr>\n");
		return;
	}
	nd_out_printf(&r->out, "<strong>%lld</strong> ", (long long)c->code);
	if (c->symbol) {
		nd_out_put(&r->out, "<code>");
		esc(r, c->symbol);
		nd_out_put(&r->out, "</code> ");
	}
	if (c->meaning)
		esc(r, c->meaning);
	nd_out_put(&r->out, "</td></tr>\n");
}

/* Appends one evidence event as a table row with its fields. */
static void evidence_row(nd_rep *r, const nd_res_event *e)
{
	size_t i;

	nd_out_put(&r->out, "<tr><td>");
	esc(r, e->time);
	nd_out_put(&r->out, "</td><td>");
	esc(r, e->computer);
	nd_out_put(&r->out, "</td><td>");
	esc(r, e->provider);
	nd_out_printf(&r->out, " <strong>%lld</strong></td><td>", (long long)e->event_id);
	esc(r, e->role);
	if (e->has_attempt && e->attempt)
		nd_out_printf(&r->out, " #%lld", (long long)e->attempt);
	nd_out_put(&r->out, "</td><td class=\"fields\">");
	for (i = 0; i < e->nfields; i++) {
		esc(r, e->names[i]);
		nd_out_put(&r->out, " = ");
		esc(r, e->values[i]);
		nd_out_put(&r->out, "<br>");
	}
	nd_out_put(&r->out, "</td></tr>\n");
}

/* One incident or finding as a collapsible section (nd_rep_incidents
 * callback). Returns 0, or -1. */
static int incident_section(nd_rep *r, const nd_res_incident *i)
{
	int finding = i->finding;
	int64_t total = r->scope.incidents + r->scope.findings;
	size_t k;

	nd_out_printf(&r->out, "<details id=\"incident-%lld\"%s><summary>#%lld ", (long long)i->id,
		      total <= OPEN_DETAILS_MAX ? " open" : "", (long long)i->id);
	esc(r, finding ? i->nps : i->user);
	nd_out_put(&r->out, " &mdash; ");
	esc(r, i->cause->title);
	badge(r, i->confidence);
	if (!finding)
		badge(r, i->status);
	nd_out_printf(&r->out, " <span class=\"counts\">%lld %s, ", (long long)i->count, finding ? "event(s)" : "attempt(s)");
	esc(r, i->first);
	nd_out_put(&r->out, " &ndash; ");
	esc(r, i->last);
	nd_out_put(&r->out, "</span></summary>\n<table>\n");
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
		code_row(r, "Client error", &i->client_error);
		code_row(r, "NPS reason", &i->nps_reason);
		nd_out_printf(&r->out, "<tr><th>Pairing</th><td>%lld of %lld attempt(s) with an NPS decision (",
			      (long long)i->paired, (long long)i->count);
		esc(r, i->match);
		nd_out_put(&r->out, ")</td></tr>\n");
		row(r, "Status", i->resolved ? "resolved" : i->status);
		if (i->resolved)
			row(r, "Resolved at", i->resolved);
	}
	row(r, "Confidence", i->confidence);
	row(r, "Cause", i->cause->cause_id);
	nd_out_put(&r->out, "</table>\n<p><strong>Why:</strong> ");
	esc(r, i->cause->explanation);
	nd_out_put(&r->out, "</p>\n");
	if (total <= INLINE_REMEDIATION_MAX) {
		nd_out_put(&r->out, "<p><strong>What to do:</strong></p>\n");
		remediation(r, i->cause);
	} else {
		nd_out_put(&r->out, "<p><strong>What to do:</strong> see <a href=\"#");
		cause_anchor(r, i->cause->cause_id);
		nd_out_put(&r->out, "\">the remediation of this cause</a>.</p>\n");
	}
	nd_out_put(&r->out, "<table class=\"evidence\"><tr><th>Time (UTC)</th><th>Host</th><th>Event</th><th>Role</th>"
		      "<th>Fields</th></tr>\n");
	for (k = 0; k < i->nevents && k < ND_REP_EVIDENCE_MAX; k++)
		evidence_row(r, &i->events[k]);
	nd_out_put(&r->out, "</table>\n");
	if (i->events_total > ND_REP_EVIDENCE_MAX)
		nd_out_printf(&r->out, "<p class=\"counts\">and %zu more evidence event(s): <code>npsdiag diagnose "
				 "--format json</code> lists them all.</p>\n", i->events_total - ND_REP_EVIDENCE_MAX);
	nd_out_put(&r->out, "</details>\n");
	return 0;
}

int nd_report_html(nd_rep *r)
{
	const nd_res_scope *sc = &r->scope;

	nd_out_put(&r->out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
		      "<title>npsdiag report: VPN and RADIUS incidents</title>\n<style>");
	nd_out_put(&r->out, style);
	nd_out_put(&r->out, "</style></head>\n<body>\n<header><h1>VPN and RADIUS incidents</h1>\n<p class=\"scope\">");
	nd_rep_scope_counts(r);
	esc(r, sc->first);
	nd_out_put(&r->out, " &ndash; ");
	esc(r, sc->last);
	nd_out_put(&r->out, " (UTC).</p>\n<p class=\"scope\">Pairing window ");
	esc(r, sc->window_s);
	nd_out_put(&r->out, " s, clock skew allowed ");
	esc(r, sc->skew_s);
	nd_out_put(&r->out, " s.");
	if (r->o->generated) {
		nd_out_put(&r->out, " Generated ");
		esc(r, r->o->generated);
		nd_out_put(&r->out, " by npsdiag " NPSDIAG_VERSION ".");
	}
	nd_out_put(&r->out, "</p></header>\n<main>\n<section id=\"summary\"><h2>Summary by root cause</h2>\n");
	if (sc->incidents + sc->findings == 0)
		nd_out_put(&r->out, "<p>Nothing to report in this selection.</p>\n");
	if (nd_results_summary(r->res, cause_card, r, r->err) != 0)
		return -1;
	nd_out_put(&r->out, "</section>\n");
	if (timeline_svg(r) != 0)
		return -1;
	nd_out_put(&r->out, "<section id=\"incidents\"><h2>Incidents</h2>\n");
	if (sc->incidents == 0)
		nd_out_put(&r->out, "<p>None.</p>\n");
	if (nd_rep_incidents(r, ND_RES_INCIDENTS, 1, incident_section) != 0)
		return -1;
	nd_out_put(&r->out, "</section>\n<section id=\"findings\"><h2>Configuration findings</h2>\n");
	if (sc->findings == 0)
		nd_out_put(&r->out, "<p>None.</p>\n");
	if (nd_rep_incidents(r, ND_RES_FINDINGS, 1, incident_section) != 0)
		return -1;
	nd_out_put(&r->out, "</section>\n</main>\n</body></html>\n");
	return 0;
}
