#include "nd_diagnose_print.h"

#include <string.h>

#include "nd_cert_match.h"
#include "nd_ecs.h"
#include "nd_escape.h"
#include "nd_json.h"
#include "nd_out.h"
#include "nd_print_news.h"
#include "nd_results.h"
#include "nd_time.h"
#include "nd_zone.h"

#define EVIDENCE_LINES 12

/* The state of one print. */
typedef struct printer {
	nd_out out;
	const nd_print_options *o;
	int lines;          /* of the summary so far */
	nd_json_causes jc; /* the cause objects of json and jsonl */
} printer;

/* Appends an event- or rule-derived string for the terminal ("-" for
 * NULL). */
static void put_value(printer *p, const char *s)
{
	nd_out_esc(&p->out, nd_escape_text, s ? s : "-");
}

/* Appends a stored ISO time: as it is, or in the local zone when the
 * options name one ("2025-03-14 10:12:44+01:00"). */
static void put_time(printer *p, const char *iso)
{
	char buf[ND_ZONE_TIME_SIZE];

	put_value(p, nd_zone_time(iso, p->o->tz, buf));
}

/* Appends a literal. */
static void put(printer *p, const char *s)
{
	nd_out_put(&p->out, s);
}

/* Appends a number. */
static void put_int(printer *p, long long v)
{
	nd_out_printf(&p->out, "%lld", v);
}

/* Appends a colour escape when colour is on. */
static void color(printer *p, const char *sgr)
{
	if (p->o->color)
		put(p, sgr);
}

/* Appends the numbered remediation steps with their commands. */
static void text_remediation(printer *p, const nd_res_cause *c)
{
	size_t s, k;

	for (s = 0; s < c->nsteps; s++) {
		put(p, s ? "\n           " : " ");
		put_int(p, c->steps[s].step);
		put(p, ". ");
		put_value(p, c->steps[s].text);
		for (k = 0; k < c->steps[s].ncmds; k++) {
			put(p, "\n              ");
			color(p, "\033[36m");
			put(p, "> ");
			put_value(p, c->steps[s].cmds[k]);
			color(p, "\033[0m");
		}
	}
	put(p, "\n");
	for (s = 0; s < c->nsources; s++) {
		put(p, s ? "\n           " : "  sources  ");
		put_value(p, c->sources[s]);
	}
	put(p, c->nsources ? "\n" : "");
}

/* Appends at most EVIDENCE_LINES evidence lines and how many more. */
static void text_evidence(printer *p, const nd_res_incident *i)
{
	size_t k;

	for (k = 0; k < i->nevents && k < EVIDENCE_LINES; k++) {
		const nd_res_event *e = &i->events[k];

		put(p, k ? "           " : "  evidence ");
		put_time(p, e->time);
		put(p, " ");
		put_value(p, e->computer);
		put(p, " ");
		put_value(p, e->provider);
		put(p, " ");
		put_int(p, e->event_id);
		put(p, " ");
		put_value(p, e->role);
		if (e->has_attempt) {
			put(p, " #");
			put_int(p, e->attempt);
		}
		put(p, " (event ");
		put_int(p, e->ref);
		put(p, ")\n");
	}
	if (i->events_total > EVIDENCE_LINES) {
		put(p, "           ... and ");
		put_int(p, (long long)(i->events_total - EVIDENCE_LINES));
		put(p, " more (incident_events)\n");
	}
}

/* Appends " SYMBOL: meaning" (the parts the code tables know) and a
 * newline. */
static void put_code_name(printer *p, const nd_res_code *c)
{
	if (c->symbol) {
		put(p, " ");
		put_value(p, c->symbol);
	}
	if (c->meaning) {
		put(p, c->symbol ? ": " : " ");
		put_value(p, c->meaning);
	}
	put(p, "\n");
}

/* Appends one loaded incident or finding as text. */
static void text_incident(printer *p, const nd_res_incident *i)
{
	size_t k;

	color(p, "\033[1m");
	put(p, i->finding ? "finding #" : "incident #");
	put_int(p, i->id);
	if (i->key) {
		put(p, " (");
		put_value(p, i->key);
		put(p, ")");
	}
	put(p, "  ");
	put_value(p, i->cause->title);
	color(p, "\033[0m");
	put(p, "\n  cause    ");
	color(p, "\033[33m");
	put_value(p, i->cause->cause_id);
	color(p, "\033[0m");
	put(p, " (");
	put_value(p, i->confidence);
	put(p, ")\n");
	if (!i->finding) {
		put(p, "  user     ");
		put_value(p, i->user);
		put(p, " [");
		put_value(p, i->identity);
		put(p, "]\n  path     client ");
		put_value(p, i->client);
		put(p, " -> VPN ");
		put_value(p, i->vpn);
		put(p, " -> NPS ");
		put_value(p, i->nps);
		put(p, "\n");
	} else {
		put(p, "  host     ");
		put_value(p, i->nps);
		put(p, "\n");
	}
	put(p, "  when     ");
	put_int(p, i->count);
	put(p, i->finding ? " event(s), " : " attempt(s), ");
	put_time(p, i->first);
	put(p, " .. ");
	put_time(p, i->last);
	if (!i->finding && i->status && strcmp(i->status, "resolved") == 0) {
		color(p, "\033[32m");
		put(p, ", resolved ");
		put_time(p, i->resolved);
		color(p, "\033[0m");
	}
	put(p, "\n");
	if (!i->finding) {
		put(p, "  client   ");
		if (!i->client_error.has) {
			put(p, "no client failure logged\n");
		} else {
			put(p, "error ");
			put_int(p, i->client_error.code);
			put_code_name(p, &i->client_error);
		}
		put(p, "  NPS      ");
		if (!i->has_nps_event_id) {
			put(p, "no NPS decision found: diagnosed from the client error alone\n");
		} else {
			put_int(p, i->nps_event_id);
			if (i->nps_reason.has) {
				put(p, " reason ");
				put_int(p, i->nps_reason.code);
				put_code_name(p, &i->nps_reason);
			} else {
				put(p, "\n");
			}
		}
		put(p, "  paired   ");
		put_int(p, i->paired);
		put(p, " of ");
		put_int(p, i->count);
		put(p, " attempt(s) with an NPS decision (");
		put_value(p, i->match);
		put(p, ")\n");
	}
	for (k = 0; k < i->nfacts; k++) {
		put(p, k ? "           " : "  facts    ");
		put_value(p, i->facts[k].name);
		put(p, ": ");
		put_value(p, i->facts[k].value);
		put(p, "\n");
	}
	put(p, "  why      ");
	put_value(p, i->cause->explanation);
	put(p, "\n");
	text_evidence(p, i);
	put(p, "  fix     ");
	text_remediation(p, i->cause);
	put(p, "\n");
}

/* Appends one line of the summary by cause, text or json (nd_results_summary
 * callback). Returns 0. */
static int summary_line(void *ctx, const nd_res_summary *s)
{
	printer *p = ctx;
	int finding = strcmp(s->cause->kind, "finding") == 0;

	if (p->o->format != ND_PRINT_JSON) {
		nd_out_printf(&p->out, "  %5lld %-9s", (long long)s->attempts, finding ? "events" : "attempts");
		nd_out_printf(&p->out, " in %3lld  ", (long long)s->incidents);
		put_value(p, s->cause->cause_id);
		put(p, " - ");
		put_value(p, s->cause->title);
		put(p, "\n");
		return 0;
	}
	put(p, p->lines++ ? ",{\"cause\":" : "{\"cause\":");
	nd_json_str(&p->out, s->cause->cause_id);
	put(p, ",\"kind\":");
	nd_json_str(&p->out, s->cause->kind);
	put(p, ",\"title\":");
	nd_json_str(&p->out, s->cause->title);
	put(p, ",\"confidence\":");
	nd_json_str(&p->out, s->cause->confidence);
	nd_out_printf(&p->out, ",\"%s\":%lld,\"attempts\":%lld}", finding ? "findings" : "incidents",
		      (long long)s->incidents, (long long)s->attempts);
	return 0;
}

/* Appends the json parameters object: the diagnosis parameters and every
 * filter, null when not given. */
static void json_params(printer *p, const nd_print_filter *f)
{
	nd_out_printf(&p->out, "{\"window_s\":%g,\"skew_s\":%g,\"gap_s\":%g", p->o->params->window_s,
		      p->o->params->skew_s, p->o->params->gap_s);
	put(p, ",\"user\":");
	nd_json_str(&p->out, f->user);
	put(p, ",\"since\":");
	nd_json_str(&p->out, f->since);
	put(p, ",\"until\":");
	nd_json_str(&p->out, f->until);
	put(p, ",\"cause\":");
	nd_json_str(&p->out, f->cause);
	put(p, ",\"user_regex\":");
	nd_json_str(&p->out, f->user_regex);
	put(p, ",\"host\":");
	nd_json_str(&p->out, f->host);
	put(p, "}");
}

/* Appends ,"certificates": the judged certificates of report --cert
 * (nd_cert_write_json) with the incidents each finding explains; nothing
 * without --cert. Returns 0, or -1 with err set. */
static int json_certificates(printer *p, nd_results *res, nd_error *err)
{
	const nd_cert_set *set = p->o->certs;
	nd_buf doc = {0};
	size_t k, j;

	if (!set)
		return 0;
	put(p, ",\"certificates\":");
	if (nd_cert_write_json(set, &doc) != 0) {
		nd_buf_free(&doc);
		return nd_error_set(err, "out of memory");
	}
	put(p, "{\"chain\":");
	nd_out_mem(&p->out, doc.data, doc.len);
	nd_buf_free(&doc);
	put(p, ",\"explains\":[");
	for (k = 0; k < set->nfindings; k++) {
		nd_cert_matches m;

		if (nd_cert_match(res, p->o->certs_user, &set->findings[k], &m, err) != 0)
			return -1;
		nd_out_printf(&p->out, "%s{\"finding\":%zu,\"id\":", k ? "," : "", k);
		nd_json_str(&p->out, set->findings[k].id);
		nd_out_printf(&p->out, ",\"incidents\":%lld,\"first\":[", (long long)m.total);
		for (j = 0; j < m.nids; j++)
			nd_out_printf(&p->out, "%s%lld", j ? "," : "", (long long)m.ids[j]);
		put(p, "]}");
	}
	put(p, "]}");
	return 0;
}

/* Prints every selected incident, then the summary. Returns 0, or -1 with
 * err set. */
static int print_all(printer *p, nd_results *res, const nd_print_filter *f, nd_error *err)
{
	const nd_res_incident *i;
	int rc, findings = 0, first = 1, json = p->o->format == ND_PRINT_JSON || p->o->format == ND_PRINT_JSONL;

	if (p->o->format == ND_PRINT_JSON) {
		nd_out_printf(&p->out, "{\"npsdiag\":\"" NPSDIAG_VERSION "\",\"schema_version\":%d,\"parameters\":",
			      ND_JSON_SCHEMA_VERSION);
		json_params(p, f);
		put(p, ",\"incidents\":[");
	}
	nd_results_rewind(res, ND_RES_ALL);
	while ((rc = nd_results_next(res, &i, err)) == 1 && !p->out.failed) {
		if (nd_results_load(res, json ? 0 : EVIDENCE_LINES, 0, err) != 0)
			return -1;
		if (p->o->format == ND_PRINT_JSON && i->finding && !findings) {
			put(p, "],\"findings\":[");
			findings = first = 1;
		}
		if (p->o->format == ND_PRINT_JSON && !first)
			put(p, ",");
		first = 0;
		if (p->o->format == ND_PRINT_TEXT)
			text_incident(p, i);
		else if (p->o->format == ND_PRINT_BRIEF)
			nd_print_news(&p->out, 0, i, 0, p->o->tz);
		else if (p->o->format == ND_PRINT_ECS)
			nd_ecs_incident(&p->out, i);
		else
			nd_json_incident(&p->out, i, p->o->format == ND_PRINT_JSONL, NULL, &p->jc);
		if (p->o->format == ND_PRINT_JSONL || p->o->format == ND_PRINT_ECS)
			put(p, "\n");
	}
	if (rc < 0)
		return -1;
	if (p->o->format == ND_PRINT_JSONL || p->o->format == ND_PRINT_ECS)
		return 0;
	if (p->o->format == ND_PRINT_JSON)
		put(p, findings ? "],\"summary\":[" : "],\"findings\":[],\"summary\":[");
	else
		put(p, p->o->format == ND_PRINT_BRIEF && nd_results_selected(res) ? "\nsummary by cause:\n"
										    : "summary by cause:\n");
	if (nd_results_summary(res, summary_line, p, err) != 0)
		return -1;
	if (p->o->format == ND_PRINT_JSON) {
		put(p, "]");
		if (json_certificates(p, res, err) != 0)
			return -1;
		put(p, "}\n");
	} else if (nd_results_selected(res) == 0)
		put(p, "  nothing to report\n");
	if ((p->o->format == ND_PRINT_TEXT || p->o->format == ND_PRINT_BRIEF) && p->o->tz) {
		put(p, "times in ");
		put_value(p, p->o->tz);
		put(p, "\n");
	}
	return 0;
}

int nd_diagnose_print_results(nd_results *res, const nd_print_filter *f, const nd_print_options *o, FILE *out,
			      size_t *shown, nd_error *err)
{
	printer p = {.o = o};
	nd_error ignored;
	int rc;

	nd_out_init(&p.out, out, o->output ? o->output : "standard output");
	*shown = nd_results_selected(res);
	rc = print_all(&p, res, f, err);
	nd_json_causes_free(&p.jc);
	if (rc != 0) {
		nd_out_finish(&p.out, &ignored); /* the first error is the one to report */
		return -1;
	}
	return nd_out_finish(&p.out, err);
}

int nd_diagnose_print(nd_db *db, const nd_print_filter *f, const nd_print_options *o, FILE *out, size_t *shown,
		      nd_error *err)
{
	nd_results *res = NULL;
	int rc;

	if (nd_results_open(&res, db, f, err) != 0)
		return -1;
	rc = nd_diagnose_print_results(res, f, o, out, shown, err);
	nd_results_close(res);
	return rc;
}
