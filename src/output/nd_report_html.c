/* nd_report_html: the report as one self-contained HTML page: inline CSS,
 * an inline SVG timeline, no script, no external resource. Incidents are
 * collapsible sections, so that thousands of them still open quickly. */
#include <string.h>

#include "nd_cert_match.h"
#include "nd_escape.h"
#include "nd_report_int.h"
#include "nd_time.h"
#include "nd_zone.h"

#define INLINE_REMEDIATION_MAX 500 /* more incidents: link to the cause's remediation */
#define OPEN_DETAILS_MAX 20        /* up to this many incidents: sections open */
#define SVG_W 1000
#define SVG_LABEL 210
#define SVG_LANE 24
#define SVG_MARKS_MAX 400
#define SVG_TICK_PX 110 /* at least this far apart, in viewBox units */

static const char style[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2430;margin:0;"
	"background:#f5f6f8;overflow-wrap:break-word}"
	"main{max-width:1100px;margin:0 auto;padding:24px}"
	"header{background:#1d2f4f;color:#fff;padding:20px 24px}header h1{margin:0 0 6px;font-size:24px}"
	".scope{color:#d6deea;margin:2px 0}nav{margin-top:8px}"
	"nav a{color:#fff;margin-right:14px;white-space:nowrap;display:inline-block}"
	"h2{margin:28px 0 12px;font-size:20px;border-bottom:2px solid #d0d6df;padding-bottom:4px}"
	".card{background:#fff;border:1px solid #d0d6df;border-radius:6px;padding:14px 18px;margin:12px 0}"
	".card h3{margin:0 0 6px;font-size:17px}"
	".badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:600;margin-left:6px}"
	".confirmed{background:#fde2e1;color:#9b1c1c}.likely{background:#fdf0d5;color:#8a5300}"
	".possible,.note{background:#e4ecf7;color:#244a7c}.error{background:#fde2e1;color:#9b1c1c}"
	".warning{background:#fdf0d5;color:#8a5300}.resolved{background:#dcf3e1;color:#17612e}"
	".open{background:#eee;color:#444}"
	".counts{color:#4a5568;font-size:14px}"
	"pre{background:#0f1726;color:#e6edf7;padding:8px 12px;border-radius:4px;white-space:pre-wrap;"
	"overflow-wrap:anywhere;font:13px/1.4 ui-monospace,Consolas,monospace;user-select:all}"
	"table{border-collapse:collapse;width:100%;margin:6px 0;font-size:14px}"
	"th,td{border:1px solid #dde2e9;padding:4px 8px;text-align:left;vertical-align:top}"
	"th{background:#eef1f5}.kv th{width:190px}.num{text-align:right}"
	".scroll{overflow-x:auto;max-width:100%}"
	"details{background:#fff;border:1px solid #d0d6df;border-radius:6px;margin:8px 0;padding:0 14px;"
	"content-visibility:auto;contain-intrinsic-size:auto 44px}"
	"details[open]{padding-bottom:12px}summary{cursor:pointer;padding:10px 0;font-weight:600}"
	"summary .counts{font-weight:400}.evidence{min-width:640px}.evidence td,.evidence th{font-size:13px}"
	".fields{font:12px/1.35 ui-monospace,Consolas,monospace;overflow-wrap:anywhere}.fields span{display:block}"
	".fixref{display:none}"
	"svg{background:#fff;border:1px solid #d0d6df;border-radius:6px;width:100%;min-width:720px;height:auto}"
	".legend span{margin-right:16px;white-space:nowrap}"
	".sw{display:inline-block;width:10px;height:10px;margin-right:4px}"
	"@media (max-width:640px){main{padding:12px}header{padding:14px}header h1{font-size:20px}"
	".card,details{padding-left:10px;padding-right:10px}"
	".kv,.kv tbody,.kv tr,.kv th,.kv td{display:block;width:auto}"
	".kv tr{border-bottom:1px solid #dde2e9;padding:3px 0}.kv th,.kv td{border:0;padding:1px 4px}"
	".kv th{background:none;color:#4a5568;font-size:12px;font-weight:600}"
	"svg{min-width:1000px}" /* SVG_W: on a phone the timeline scrolls, its text at full size */
	".summary,.summary tbody,.summary tr{display:block}.summary tr:first-child{display:none}"
	".summary tr{border:1px solid #dde2e9;margin:6px 0;background:#fff}"
	".summary td{display:inline-block;border:0;padding:2px 6px}.summary td:first-child{display:block}"
	".summary td[data-label]::before{content:attr(data-label) \": \";color:#4a5568;font-size:12px}}"
	"@page{margin:12mm}"
	"@media print{body{background:#fff;font-size:11pt}main{max-width:none;padding:0}"
	"header{background:#fff;color:#000;padding:0 0 8px}.scope{color:#000}nav{display:none}"
	"details{break-inside:auto;border:0;border-top:2px solid #1d2f4f;border-radius:0;padding:0;"
	"content-visibility:visible}"
	"summary{break-after:avoid}.card{break-inside:avoid}"
	".fixinline{display:none}.fixref{display:block}"
	"pre{background:#f3f3f3;color:#000;padding:2px 6px}"
	".scroll{overflow:visible}.evidence,svg{min-width:0}.evidence td,.evidence th{font-size:9pt}"
	".fields{font-size:8pt}.fields span{display:inline;margin-right:.8em}"
	".kv{display:block}.kv tbody{display:grid;grid-template-columns:max-content 1fr max-content 1fr}"
	".kv tr{display:contents}.kv th{width:auto}"
	".evidence,.evidence tbody{display:block}.evidence tr{display:grid;grid-template-columns:27% 25% 30% 18%}"
	".evidence td.fields{grid-column:1/-1;border-top:0}.evidence th:last-child{display:none}}";

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

/* One row of the summary table (nd_results_summary callback): the cause
 * (linking to its card), confidence, users, hosts, attempts, open
 * incidents and links to its first incidents. Returns 0. */
static int summary_row(void *ctx, const nd_res_summary *c)
{
	nd_rep *r = ctx;
	int finding = strcmp(c->cause->kind, "finding") == 0;
	size_t k;

	nd_out_put(&r->out, "<tr><td><a href=\"#");
	cause_anchor(r, c->cause->cause_id);
	nd_out_put(&r->out, "\">");
	esc(r, c->cause->title);
	nd_out_put(&r->out, "</a></td><td>");
	badge(r, c->cause->confidence);
	if (finding)
		nd_out_printf(&r->out, "</td><td class=\"num\" data-label=\"users\">-</td><td class=\"num\" "
				       "data-label=\"hosts\">%lld</td><td class=\"num\" data-label=\"events\">%lld "
				       "event(s)</td><td class=\"num\" data-label=\"open\">-</td><td>",
			      (long long)c->hosts, (long long)c->attempts);
	else
		nd_out_printf(&r->out, "</td><td class=\"num\" data-label=\"users\">%lld</td><td class=\"num\" "
				       "data-label=\"hosts\">%lld</td><td class=\"num\" data-label=\"attempts\">"
				       "%lld</td><td class=\"num\" data-label=\"open\">%lld</td><td>",
			      (long long)c->identities, (long long)c->hosts, (long long)c->attempts,
			      (long long)c->open);
	for (k = 0; k < c->nids; k++)
		nd_out_printf(&r->out, "%s<a href=\"#incident-%lld\">#%lld</a>", k ? " " : "", (long long)c->ids[k],
			      (long long)c->ids[k]);
	if (c->incidents > (int64_t)c->nids)
		nd_out_printf(&r->out, " and %lld more", (long long)(c->incidents - (int64_t)c->nids));
	nd_out_put(&r->out, "</td></tr>\n");
	return 0;
}

/* One card of the summary by cause, with its fix (nd_results_summary
 * callback). Returns 0. */
static int cause_card(void *ctx, const nd_res_summary *c)
{
	char zbuf[ND_ZONE_TIME_SIZE];
	nd_rep *r = ctx;

	nd_out_put(&r->out, "<div class=\"card\" id=\"");
	cause_anchor(r, c->cause->cause_id);
	nd_out_put(&r->out, "\"><h3>");
	esc(r, c->cause->title);
	badge(r, c->cause->confidence);
	nd_out_put(&r->out, "</h3><div class=\"counts\">");
	nd_rep_cause_counts(r, c);
	nd_out_put(&r->out, " &middot; first ");
	esc(r, nd_zone_time(c->first, r->o->tz, zbuf));
	nd_out_put(&r->out, " &middot; last ");
	esc(r, nd_zone_time(c->last, r->o->tz, zbuf));
	nd_out_put(&r->out, " &middot; <code>");
	esc(r, c->cause->cause_id);
	nd_out_put(&r->out, "</code></div>\n<p><strong>What to do:</strong></p>\n");
	remediation(r, c->cause);
	nd_out_put(&r->out, "</div>\n");
	return 0;
}

/* Timeline state: the axis, the lanes and incident marks so far. */
typedef struct timeline {
	nd_rep *r;
	nd_axis axis;
	int lanes, marks;
} timeline;

/* Returns the x coordinate of a time. */
static double x_of(const timeline *t, int64_t ts)
{
	return SVG_LABEL + nd_axis_x(&t->axis, ts) * (SVG_W - SVG_LABEL - 10);
}

/* Returns the x coordinate of an axis fraction. */
static double x_at(double fraction)
{
	return SVG_LABEL + fraction * (SVG_W - SVG_LABEL - 10);
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

/* Appends the part of an ISO time ("YYYY-MM-DDTHH:MM:SS...") from offset
 * from, n characters, with the T shown as a space. */
static void time_part(nd_rep *r, int64_t ts, size_t from, size_t n)
{
	char iso[ND_TIME_ISO_SIZE];

	nd_time_format(ts, iso);
	iso[10] = ' ';
	nd_out_mem(&r->out, iso + from, n);
}

/* Appends a duration as the largest whole unit ("10 months", "3 days",
 * "5 h", "12 min"). */
static void duration(nd_rep *r, int64_t ticks)
{
	int64_t s = ticks / ND_TICKS_PER_SECOND;

	if (s >= 60 * 86400)
		nd_out_printf(&r->out, "%lld months", (long long)(s / (30 * 86400)));
	else if (s >= 2 * 86400)
		nd_out_printf(&r->out, "%lld days", (long long)(s / 86400));
	else if (s >= 2 * 3600)
		nd_out_printf(&r->out, "%lld h", (long long)(s / 3600));
	else
		nd_out_printf(&r->out, "%lld min", (long long)(s / 60));
}

/* Appends the time axis under the lanes at y: per segment round ticks with
 * their labels (the date once per segment when the ticks are within a
 * day), and a break with the length of the gap between segments. */
static void axis(nd_rep *r, const nd_axis *a, int y)
{
	size_t k;

	for (k = 0; k < a->nseg; k++) {
		const nd_axis_seg *s = &a->seg[k];
		double width = (s->x1 - s->x0) * (SVG_W - SVG_LABEL - 10);
		int64_t len = s->to - s->from, step = nd_axis_step(len, width / SVG_TICK_PX), ts;
		int days = step >= 86400 * ND_TICKS_PER_SECOND, n = 0;

		nd_out_printf(&r->out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#4a5568\"/>",
			      x_at(s->x0), x_at(s->x1), y, y);
		ts = len > 0 ? (s->from + step - 1) / step * step : s->from;
		for (; ts <= s->to && n < 64; ts += step, n++) {
			double x = x_at(nd_axis_x(a, ts));

			nd_out_printf(&r->out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#4a5568\"/>"
					       "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"tick\">",
				      x, x, y, y + 5, x, y + 18);
			time_part(r, ts, days ? 0 : 11, days ? 10 : (step < 60 * ND_TICKS_PER_SECOND ? 8 : 5));
			nd_out_put(&r->out, "</text>");
		}
		if (!days) {
			nd_out_printf(&r->out, "<text x=\"%.1f\" y=\"%d\" class=\"date\">", x_at(s->x0), y + 34);
			time_part(r, s->from, 0, 10);
			nd_out_put(&r->out, "</text>");
		}
		if (k + 1 < a->nseg) {
			double xb = (x_at(s->x1) + x_at(a->seg[k + 1].x0)) / 2;

			nd_out_printf(&r->out,
				      "<rect x=\"%.1f\" y=\"26\" width=\"%.1f\" height=\"%d\" fill=\"#eef1f5\"/>"
				      "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"gap\">&#8943;</text>"
				      "<text x=\"%.1f\" y=\"38\" text-anchor=\"middle\" class=\"gap\"><title>a gap of ",
				      x_at(s->x1) + 2, x_at(a->seg[k + 1].x0) - x_at(s->x1) - 4, y - 26, xb, y + 4, xb);
			duration(r, a->seg[k + 1].from - s->to);
			nd_out_put(&r->out, " without evidence, compressed</title>+");
			duration(r, a->seg[k + 1].from - s->to);
			nd_out_put(&r->out, "</text>");
		}
	}
	nd_out_put(&r->out, "\n");
}

/* Appends the timeline section: an SVG with a lane per host (evidence
 * events binned, coloured by kind), the incidents' spans on top and a
 * time axis with long gaps compressed. Returns 0, or -1. */
static int timeline_svg(nd_rep *r)
{
	timeline t = {.r = r};
	int height;

	nd_out_put(&r->out, "<section id=\"timeline\"><h2>Timeline</h2>\n<p class=\"legend\"><span><i class=\"sw\" "
		      "style=\"background:#d62728\"></i>client failure / NPS denial</span> <span><i class=\"sw\" "
		      "style=\"background:#2ca02c\"></i>grant / connected</span> <span><i class=\"sw\" "
		      "style=\"background:#7f7f7f\"></i>other evidence</span> <span><i class=\"sw\" "
		      "style=\"background:#1d2f4f;opacity:.35\"></i>incident</span> <span>&#8943; a long gap, "
		      "compressed</span></p>\n");
	if (nd_results_axis(r->res, &t.axis, r->err) != 0 ||
	    nd_results_timeline(r->res, &t.axis, count_lane, &t, r->err) != 0)
		return -1;
	if (t.lanes == 0) {
		nd_out_put(&r->out, "<p>No evidence events in this selection.</p></section>\n");
		return 0;
	}
	height = 40 + t.lanes * SVG_LANE + 44;
	nd_out_printf(&r->out,
		      "<div class=\"scroll\"><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"failures and "
		      "decisions per host over time (UTC)\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"13\" "
		      "font-family=\"system-ui,sans-serif\">\n<style>.tick,.date,.gap{fill:#4a5568;font-size:12px}"
		      ".date{font-weight:600}</style>\n",
		      SVG_W, height);
	r->state = &t;
	if (nd_rep_incidents(r, ND_RES_INCIDENTS, 0, incident_mark) != 0)
		return -1;
	t.lanes = 0;
	if (nd_results_timeline(r->res, &t.axis, lane, &t, r->err) != 0)
		return -1;
	axis(r, &t.axis, 40 + t.lanes * SVG_LANE + 4);
	nd_out_put(&r->out, "</svg></div>\n</section>\n");
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
	char zbuf[ND_ZONE_TIME_SIZE];
	size_t i;

	nd_out_put(&r->out, "<tr><td>");
	esc(r, nd_zone_time(e->time, r->o->tz, zbuf));
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
		nd_out_put(&r->out, "<span>");
		esc(r, e->names[i]);
		nd_out_put(&r->out, " = ");
		esc(r, e->values[i]);
		nd_out_put(&r->out, "</span> ");
	}
	nd_out_put(&r->out, "</td></tr>\n");
}

/* Appends the facts of an incident (fields its rule asked to show, the
 * clock offset, the servers...) as rows. */
static void fact_rows(nd_rep *r, const nd_res_incident *i)
{
	size_t k;

	for (k = 0; k < i->nfacts; k++) {
		nd_out_put(&r->out, "<tr><th>");
		esc(r, i->facts[k].name);
		nd_out_put(&r->out, "</th><td>");
		esc(r, i->facts[k].value);
		nd_out_put(&r->out, "</td></tr>\n");
	}
}

/* Appends a row per certificate finding (report --cert) that explains the
 * incident. */
static void cert_rows(nd_rep *r, const nd_res_incident *i)
{
	const nd_cert_set *set = r->o->certs;
	size_t k;

	for (k = 0; set && k < set->nfindings; k++) {
		const nd_cert_finding *f = &set->findings[k];

		if (!nd_cert_explains_incident(r->o->certs_user, f, i))
			continue;
		nd_out_put(&r->out, "<tr><th>Certificate</th><td>");
		badge(r, nd_cert_severity_name(f->severity));
		nd_out_put(&r->out, " ");
		esc(r, f->message);
		nd_out_put(&r->out, " (<a href=\"#certificates\">");
		esc(r, f->id);
		nd_out_put(&r->out, "</a>)</td></tr>\n");
	}
}

/* One incident or finding as a collapsible section (nd_rep_incidents
 * callback). On screen it repeats its cause's fix; on paper it points to
 * the cause's card instead. Returns 0, or -1. */
static int incident_section(nd_rep *r, const nd_res_incident *i)
{
	char zbuf[ND_ZONE_TIME_SIZE];
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
	esc(r, nd_zone_time(i->first, r->o->tz, zbuf));
	nd_out_put(&r->out, " &ndash; ");
	esc(r, nd_zone_time(i->last, r->o->tz, zbuf));
	nd_out_put(&r->out, "</span></summary>\n<table class=\"kv\">\n");
	if (!finding) {
		row(r, "User", i->user);
		row(r, "Identity", i->identity);
		row(r, "Client", i->client);
		row(r, "VPN server", i->vpn);
	}
	row(r, finding ? "Host" : "NPS server", i->nps);
	row(r, "First", nd_zone_time(i->first, r->o->tz, zbuf));
	row(r, "Last", nd_zone_time(i->last, r->o->tz, zbuf));
	if (!finding) {
		code_row(r, "Client error", &i->client_error);
		code_row(r, "NPS reason", &i->nps_reason);
		nd_out_printf(&r->out, "<tr><th>Pairing</th><td>%lld of %lld attempt(s) with an NPS decision (",
			      (long long)i->paired, (long long)i->count);
		esc(r, i->match);
		nd_out_put(&r->out, ")</td></tr>\n");
		row(r, "Status", i->resolved ? "resolved" : i->status);
		if (i->resolved)
			row(r, "Resolved at", nd_zone_time(i->resolved, r->o->tz, zbuf));
	}
	row(r, "Confidence", i->confidence);
	row(r, "Cause", i->cause->cause_id);
	if (i->key)
		row(r, "Key", i->key);
	cert_rows(r, i);
	nd_out_put(&r->out, "</table>\n");
	if (i->nfacts) {
		nd_out_put(&r->out, "<p><strong>Facts:</strong></p>\n<table class=\"kv facts\">\n");
		fact_rows(r, i);
		nd_out_put(&r->out, "</table>\n");
	}
	nd_out_put(&r->out, "<p><strong>Why:</strong> ");
	esc(r, i->cause->explanation);
	nd_out_put(&r->out, "</p>\n");
	if (total <= INLINE_REMEDIATION_MAX) {
		nd_out_put(&r->out, "<div class=\"fixinline\"><p><strong>What to do:</strong></p>\n");
		remediation(r, i->cause);
		nd_out_put(&r->out, "</div>\n");
	}
	nd_out_put(&r->out, total <= INLINE_REMEDIATION_MAX ? "<p class=\"fixref\">" : "<p>");
	nd_out_put(&r->out, "<strong>What to do:</strong> see <a href=\"#");
	cause_anchor(r, i->cause->cause_id);
	nd_out_put(&r->out, "\">the remediation of ");
	esc(r, i->cause->cause_id);
	nd_out_put(&r->out, "</a>.</p>\n");
	nd_out_put(&r->out, "<div class=\"scroll\"><table class=\"evidence\"><tr><th>Time</th><th>Host</th>"
		      "<th>Event</th><th>Role</th><th>Fields</th></tr>\n");
	for (k = 0; k < i->nevents && k < ND_REP_EVIDENCE_MAX; k++)
		evidence_row(r, &i->events[k]);
	nd_out_put(&r->out, "</table></div>\n");
	if (i->events_total > ND_REP_EVIDENCE_MAX)
		nd_out_printf(&r->out, "<p class=\"counts\">and %zu more evidence event(s): <code>npsdiag diagnose "
				 "--format json</code> lists them all.</p>\n", i->events_total - ND_REP_EVIDENCE_MAX);
	nd_out_put(&r->out, "</details>\n");
	return 0;
}

/* Appends a row with a list of certificate strings, one a line ("-" for
 * none). */
static void list_row(nd_rep *r, const char *label, const nd_strs *l, const char *none)
{
	size_t k;

	nd_out_put(&r->out, "<tr><th>");
	nd_out_put(&r->out, label);
	nd_out_put(&r->out, "</th><td>");
	for (k = 0; k < l->n; k++) {
		nd_out_put(&r->out, k ? "<br>" : "");
		esc(r, l->v[k]);
	}
	nd_out_put(&r->out, l->n ? "" : none);
	nd_out_put(&r->out, "</td></tr>\n");
}

/* Appends one certificate of the chain as a key/value table. */
static void cert_table(nd_rep *r, const nd_cert_set *set, size_t k)
{
	const nd_cert *c = &set->v[k];
	char from[ND_CERT_TIME_SIZE], to[ND_CERT_TIME_SIZE];

	nd_out_printf(&r->out, "<div class=\"card\"><h3>%zu. ", k + 1);
	esc(r, nd_cert_role_name(c->role));
	nd_out_put(&r->out, "</h3><table class=\"kv\">\n");
	row(r, "Subject", c->subject);
	row(r, "Issuer", c->issuer_name);
	nd_out_put(&r->out, "<tr><th>Valid</th><td>");
	esc(r, nd_cert_time_text(c->not_before, from));
	nd_out_put(&r->out, " &ndash; ");
	esc(r, nd_cert_time_text(c->not_after, to));
	if (c->not_after < set->now)
		nd_out_put(&r->out, " <strong>expired</strong>");
	else if (c->not_before > set->now)
		nd_out_put(&r->out, " <strong>not yet valid</strong>");
	nd_out_put(&r->out, "</td></tr>\n");
	row(r, "Key", c->key);
	if (c->has_eku)
		list_row(r, "EKU", &c->ekus, "none");
	else
		row(r, "EKU", "none (any purpose)");
	if (c->upns.n)
		list_row(r, "UPN", &c->upns, "-");
	if (c->dns.n)
		list_row(r, "DNS name", &c->dns, "-");
	list_row(r, "CRL distribution points", &c->cdp, "<strong>none</strong>");
	if (c->ocsp.n)
		list_row(r, "OCSP", &c->ocsp, "-");
	row(r, "SHA-1", c->sha1);
	row(r, "File", c->file);
	nd_out_put(&r->out, "</table></div>\n");
}

/* Appends the certificate section (report --cert): the findings with the
 * incidents each explains, then the chain. Returns 0, or -1. */
static int certificates(nd_rep *r)
{
	const nd_cert_set *set = r->o->certs;
	size_t k, j;

	nd_out_printf(&r->out, "<section id=\"certificates\"><h2>Certificates</h2>\n<p>%zu certificate(s) given with "
			       "<code>--cert</code>: %zu error(s), %zu warning(s), %zu note(s). Each finding names the "
			       "incidents of this report it explains.</p>\n",
		      set->n, nd_cert_count(set, ND_CERT_ERROR), nd_cert_count(set, ND_CERT_WARNING),
		      nd_cert_count(set, ND_CERT_NOTE));
	if (set->nfindings == 0)
		nd_out_put(&r->out, "<p>No finding: the chain gives NPS nothing to reject.</p>\n");
	for (k = 0; k < set->nfindings; k++) {
		const nd_cert_finding *f = &set->findings[k];
		nd_cert_matches m;

		if (nd_cert_match(r->res, r->o->certs_user, f, &m, r->err) != 0)
			return -1;
		nd_out_put(&r->out, "<div class=\"card\"><h3>");
		esc(r, f->id);
		badge(r, nd_cert_severity_name(f->severity));
		nd_out_put(&r->out, "</h3><p>");
		esc(r, f->message);
		nd_out_printf(&r->out, "</p>\n<p class=\"counts\">Certificate %zu (", f->cert + 1);
		esc(r, nd_cert_role_name(set->v[f->cert].role));
		nd_out_put(&r->out, ")");
		if (f->signature) {
			nd_out_put(&r->out, " &middot; signature ");
			esc(r, f->signature);
		}
		if (f->cause) {
			nd_out_put(&r->out, " &middot; cause <a href=\"#");
			cause_anchor(r, f->cause);
			nd_out_put(&r->out, "\">");
			esc(r, f->cause);
			nd_out_put(&r->out, "</a>");
		}
		nd_out_put(&r->out, "</p>\n<p><strong>Explains:</strong> ");
		for (j = 0; j < m.nids; j++)
			nd_out_printf(&r->out, "%s<a href=\"#incident-%lld\">#%lld</a>", j ? " " : "",
				      (long long)m.ids[j], (long long)m.ids[j]);
		if (m.total > (int64_t)m.nids)
			nd_out_printf(&r->out, " and %lld more", (long long)(m.total - (int64_t)m.nids));
		if (m.total)
			nd_out_printf(&r->out, " (%lld incident(s))", (long long)m.total);
		else
			nd_out_put(&r->out, "no incident of this selection");
		nd_out_put(&r->out, "</p>\n");
		if (f->fix) {
			nd_out_put(&r->out, "<p><strong>Fix:</strong> ");
			esc(r, f->fix);
			nd_out_put(&r->out, "</p>\n");
		}
		nd_out_put(&r->out, "</div>\n");
	}
	nd_out_put(&r->out, "<h3>The chain, leaf first</h3>\n");
	for (k = 0; k < set->n; k++)
		cert_table(r, set, k);
	nd_out_put(&r->out, "</section>\n");
	return 0;
}

/* Appends the short "Collect" section: what logs to gather from which
 * role so that the next report can say more (docs/collect.md has it all),
 * and what the confidences mean. */
static void collect(nd_rep *r)
{
	nd_out_put(&r->out,
		   "<section id=\"collect\"><h2>Collect more evidence</h2>\n<div class=\"card\">"
		   "<p>Export these logs with <code>wevtutil epl</code> and give them all to "
		   "<code>npsdiag ingest</code> (docs/collect.md in npsdiag has every command and why):</p>\n<ul>"
		   "<li><strong>VPN client:</strong> the Application log (RasClient 20227, 20226).</li>"
		   "<li><strong>NPS servers:</strong> the Security log filtered to events 6272-6280, the System log, "
		   "and the NPS text logs in <code>%SystemRoot%\\System32\\LogFiles</code>; NPS auditing must be "
		   "on:</li></ul>\n"
		   "<pre>auditpol /set /subcategory:\"Network Policy Server\" /success:enable /failure:enable</pre>\n"
		   "<pre>wevtutil epl Security NPS01-Security.evtx "
		   "/q:\"*[System[(EventID&gt;=6272 and EventID&lt;=6280)]]\"</pre>\n"
		   "<ul><li><strong>VPN (RRAS) servers:</strong> the System log (RemoteAccess 20249-20276).</li>"
		   "<li><strong>Domain controllers:</strong> the System log (Kdcsvc 39, 40, 41: certificate "
		   "mapping).</li><li><strong>Certificates:</strong> on NPS, enable "
		   "<code>Microsoft-Windows-CAPI2/Operational</code> while reproducing the failure, then disable "
		   "it:</li></ul>\n<pre>wevtutil sl Microsoft-Windows-CAPI2/Operational /e:true</pre>\n"
		   "<p>Keep every clock on NTP: the pairing window is a few seconds.</p>\n"
		   "<p><span class=\"badge confirmed\">confirmed</span> the codes logged name this cause and no "
		   "other. <span class=\"badge likely\">likely</span> the codes point to this cause, but one side "
		   "(client or NPS) is missing or a rarer cause logs them too. <span class=\"badge possible\">"
		   "possible</span> several causes log these codes: a lead to check against the facts and the "
		   "evidence.</p></div></section>\n");
}

int nd_report_html(nd_rep *r)
{
	char zbuf[ND_ZONE_TIME_SIZE];
	const nd_res_scope *sc = &r->scope;

	nd_out_put(&r->out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
		      "<title>npsdiag report: VPN and RADIUS incidents</title>\n<style>");
	nd_out_put(&r->out, style);
	nd_out_put(&r->out, "</style></head>\n<body>\n<header><h1>VPN and RADIUS incidents</h1>\n<p class=\"scope\">");
	nd_rep_scope_counts(r);
	esc(r, nd_zone_time(sc->first, r->o->tz, zbuf));
	nd_out_put(&r->out, " &ndash; ");
	esc(r, nd_zone_time(sc->last, r->o->tz, zbuf));
	nd_out_put(&r->out, ". Times are ");
	esc(r, r->o->tz ? r->o->tz : "UTC");
	nd_out_put(&r->out, r->o->tz ? " (the timeline: UTC)" : "");
	nd_out_put(&r->out, ".</p>\n<p class=\"scope\">Filters: ");
	nd_rep_filters(r, nd_escape_html);
	nd_out_put(&r->out, ". Pairing window ");
	esc(r, sc->window_s);
	nd_out_put(&r->out, " s, clock skew allowed ");
	esc(r, sc->skew_s);
	nd_out_put(&r->out, " s.");
	if (r->o->generated) {
		nd_out_put(&r->out, " Generated ");
		esc(r, r->o->generated);
		nd_out_put(&r->out, " by npsdiag " NPSDIAG_VERSION ".");
	}
	nd_out_put(&r->out, "</p>\n<nav><a href=\"#summary\">Summary</a><a href=\"#causes\">Fixes</a>"
		      "<a href=\"#timeline\">Timeline</a><a href=\"#incidents\">Incidents</a>"
		      "<a href=\"#findings\">Findings</a>");
	if (r->o->certs)
		nd_out_put(&r->out, "<a href=\"#certificates\">Certificates</a>");
	nd_out_put(&r->out, "<a href=\"#collect\">Collect</a></nav></header>\n<main>\n<section id=\"summary\">"
		      "<h2>Summary</h2>\n");
	if (sc->incidents + sc->findings == 0) {
		nd_out_put(&r->out, "<p>Nothing to report in this selection.</p>\n");
	} else {
		nd_out_put(&r->out, "<div class=\"scroll\"><table class=\"summary\"><tr><th>Cause</th>"
			      "<th>Confidence</th><th>Users</th><th>Hosts</th><th>Attempts</th><th>Open</th>"
			      "<th>Incidents</th></tr>\n");
		if (nd_results_summary(r->res, summary_row, r, r->err) != 0)
			return -1;
		nd_out_put(&r->out, "</table></div>\n");
	}
	nd_out_put(&r->out, "</section>\n<section id=\"causes\"><h2>Summary by root cause</h2>\n");
	if (nd_results_summary(r->res, cause_card, r, r->err) != 0)
		return -1;
	nd_out_put(&r->out, "</section>\n");
	if (r->o->certs && certificates(r) != 0)
		return -1;
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
	nd_out_put(&r->out, "</section>\n");
	collect(r);
	nd_out_put(&r->out, "</main>\n</body></html>\n");
	return 0;
}
