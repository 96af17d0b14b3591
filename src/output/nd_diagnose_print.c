#include "nd_diagnose_print.h"

#include <stdlib.h>
#include <string.h>

#include "nd_buf.h"
#include "nd_escape.h"
#include "nd_time.h"

#define EVIDENCE_LINES 12

/* The state of one print. */
typedef struct printer {
	sqlite3 *db;
	const nd_print_options *o;
	nd_buf b;
	int rc; /* -1 once an append failed */
	nd_error *err;
} printer;

/* The columns of the incident query, in order. */
enum {
	I_ID, I_KIND, I_CAUSE, I_CONFIDENCE, I_MATCH, I_IDENTITY, I_USER, I_CLIENT, I_VPN, I_NPS, I_CERR, I_NEVENT,
	I_NREASON, I_COUNT, I_PAIRED, I_FIRST, I_LAST, I_STATUS, I_RESOLVED, I_TITLE, I_EXPLANATION, I_FILE, I_LINE,
	I_CSYM, I_CMEAN, I_NSYM, I_NMEAN
};

static const char incident_sql[] =
	"SELECT i.id, i.kind, i.cause_id, i.confidence, i.match, i.identity, i.user_name, i.client, i.vpn_server,"
	" i.nps_server, i.client_error, i.nps_event_id, i.nps_reason, i.count, i.paired, i.first_time, i.last_time,"
	" i.status, i.resolved_time, c.title, c.explanation, c.rule_file, c.rule_line, r.symbol, r.meaning,"
	" n.symbol, n.meaning"
	" FROM incidents i JOIN causes c ON c.cause_id = i.cause_id"
	" LEFT JOIN ras_error_codes r ON r.code = i.client_error LEFT JOIN nps_reason_codes n ON n.code = i.nps_reason"
	" WHERE i.id = ?1";

/* Appends a literal. Returns nothing; failures are kept in p->rc. */
static void put(printer *p, const char *s)
{
	p->rc |= nd_buf_append(&p->b, s, strlen(s));
}

/* Appends an event- or rule-derived string, escaped for the format. */
static void put_value(printer *p, const char *s)
{
	if (p->o->format == ND_PRINT_TEXT)
		p->rc |= nd_escape_text(&p->b, s ? s : "-");
	else
		p->rc |= nd_escape_json(&p->b, s);
}

/* Appends a number. */
static void put_int(printer *p, long long v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%lld", v);
	put(p, tmp);
}

/* Appends a colour escape when colour is on. */
static void color(printer *p, const char *sgr)
{
	if (p->o->color)
		put(p, sgr);
}

/* Returns column c as text or NULL. */
static const char *col(sqlite3_stmt *st, int c)
{
	return (const char *)sqlite3_column_text(st, c);
}

/* Appends ,"key": for json. */
static void key(printer *p, const char *k)
{
	put(p, ",\"");
	put(p, k);
	put(p, "\":");
}

/* Appends column c as a JSON number or null. */
static void json_int_col(printer *p, sqlite3_stmt *st, int c)
{
	if (sqlite3_column_type(st, c) == SQLITE_NULL)
		put(p, "null");
	else
		put_int(p, sqlite3_column_int64(st, c));
}

/* Prepares sql with ?1 = id. Returns the statement, or NULL with err set. */
static sqlite3_stmt *query(printer *p, const char *sql, int64_t id)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(p->db, sql, -1, &st, NULL) != SQLITE_OK) {
		nd_error_set(p->err, "database: %s", sqlite3_errmsg(p->db));
		p->rc = -1;
		return NULL;
	}
	sqlite3_bind_int64(st, 1, id);
	return st;
}

/* Appends the remediation of a cause: json array of {text, commands}, or
 * numbered text lines. */
static void put_remediation(printer *p, const char *cause)
{
	sqlite3_stmt *st = NULL;
	int step = 0, json = p->o->format != ND_PRINT_TEXT;

	if (sqlite3_prepare_v2(p->db,
			       "SELECT s.step, s.text, c.command FROM cause_steps s LEFT JOIN cause_commands c"
			       " ON c.cause_id = s.cause_id AND c.step = s.step WHERE s.cause_id = ?1 ORDER BY s.step, c.pos",
			       -1, &st, NULL) != SQLITE_OK) {
		p->rc = -1;
		return;
	}
	sqlite3_bind_text(st, 1, cause, -1, SQLITE_STATIC);
	put(p, json ? "[" : "");
	while (sqlite3_step(st) == SQLITE_ROW) {
		int s = sqlite3_column_int(st, 0);

		if (s != step) {
			if (json)
				put(p, step ? "]},{\"text\":" : "{\"text\":");
			else {
				put(p, step ? "\n           " : " ");
				put_int(p, s);
				put(p, ". ");
			}
			put_value(p, col(st, 1));
			put(p, json ? ",\"commands\":[" : "");
			step = s;
		} else if (json && col(st, 2)) {
			put(p, ",");
		}
		if (col(st, 2)) {
			if (!json) {
				put(p, "\n              ");
				color(p, "\033[36m");
				put(p, "> ");
			}
			put_value(p, col(st, 2));
			if (!json)
				color(p, "\033[0m");
		}
	}
	put(p, json ? (step ? "]}]" : "]") : "\n");
	sqlite3_finalize(st);
}

/* Appends the sources of a cause (json array or one text line each). */
static void put_sources(printer *p, const char *cause)
{
	sqlite3_stmt *st = NULL;
	int n = 0, json = p->o->format != ND_PRINT_TEXT;

	if (sqlite3_prepare_v2(p->db, "SELECT source FROM cause_sources WHERE cause_id = ?1 ORDER BY pos", -1, &st,
			       NULL) != SQLITE_OK) {
		p->rc = -1;
		return;
	}
	sqlite3_bind_text(st, 1, cause, -1, SQLITE_STATIC);
	put(p, json ? "[" : "");
	while (sqlite3_step(st) == SQLITE_ROW) {
		put(p, json ? (n++ ? "," : "") : (n++ ? "\n           " : "  sources  "));
		put_value(p, col(st, 0));
	}
	put(p, json ? "]" : n ? "\n" : "");
	sqlite3_finalize(st);
}

/* Appends the facts (json array of {name, value}, or text lines). */
static void put_facts(printer *p, int64_t id)
{
	sqlite3_stmt *st = query(p, "SELECT name, value FROM incident_facts WHERE incident_id = ?1 ORDER BY pos", id);
	int n = 0, json = p->o->format != ND_PRINT_TEXT;

	if (!st)
		return;
	put(p, json ? "[" : "");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (json) {
			put(p, n++ ? ",{\"name\":" : "{\"name\":");
			put_value(p, col(st, 0));
			put(p, ",\"value\":");
			put_value(p, col(st, 1));
			put(p, "}");
		} else {
			put(p, n++ ? "           " : "  facts    ");
			put_value(p, col(st, 0));
			put(p, ": ");
			put_value(p, col(st, 1));
			put(p, "\n");
		}
	}
	put(p, json ? "]" : "");
	sqlite3_finalize(st);
}

/* Appends the attempts of an incident as a json array. */
static void put_attempts(printer *p, int64_t id)
{
	sqlite3_stmt *st = query(
		p,
		"SELECT a.attempt, c.event_ref, ec.time_created, rc.coid, n.event_ref, en.time_created, n.delta_ticks"
		" FROM (SELECT DISTINCT attempt FROM incident_events WHERE incident_id = ?1"
		"       AND role IN ('client-failure', 'nps-decision')) a"
		" LEFT JOIN incident_events c ON c.incident_id = ?1 AND c.attempt = a.attempt AND c.role = 'client-failure'"
		"  AND c.event_ref = (SELECT min(event_ref) FROM incident_events WHERE incident_id = ?1"
		"                     AND attempt = a.attempt AND role = 'client-failure')"
		" LEFT JOIN events ec ON ec.id = c.event_ref LEFT JOIN ras_client_events rc ON rc.event_ref = c.event_ref"
		" LEFT JOIN incident_events n ON n.incident_id = ?1 AND n.attempt = a.attempt AND n.role = 'nps-decision'"
		" LEFT JOIN events en ON en.id = n.event_ref ORDER BY a.attempt",
		id);
	int n = 0;

	if (!st)
		return;
	put(p, "[");
	while (sqlite3_step(st) == SQLITE_ROW) {
		put(p, n++ ? ",{\"attempt\":" : "{\"attempt\":");
		json_int_col(p, st, 0);
		key(p, "client_event");
		json_int_col(p, st, 1);
		key(p, "client_time");
		put_value(p, col(st, 2));
		key(p, "coid");
		put_value(p, col(st, 3));
		key(p, "nps_event");
		json_int_col(p, st, 4);
		key(p, "nps_time");
		put_value(p, col(st, 5));
		key(p, "delta_s");
		if (sqlite3_column_type(st, 6) == SQLITE_NULL) {
			put(p, "null");
		} else {
			char tmp[40];

			snprintf(tmp, sizeof(tmp), "%.7f", (double)sqlite3_column_int64(st, 6) / ND_TICKS_PER_SECOND);
			put(p, tmp);
		}
		put(p, "}");
	}
	put(p, "]");
	sqlite3_finalize(st);
}

/* Appends the evidence events (json array, or at most EVIDENCE_LINES text
 * lines). */
static void put_evidence(printer *p, int64_t id)
{
	sqlite3_stmt *st = query(p,
				 "SELECT ie.event_ref, ie.role, ie.attempt, e.event_id, e.provider, e.computer,"
				 " e.time_created FROM incident_events ie JOIN events e ON e.id = ie.event_ref"
				 " WHERE ie.incident_id = ?1 ORDER BY e.ts, e.id, ie.role",
				 id);
	int n = 0, json = p->o->format != ND_PRINT_TEXT;

	if (!st)
		return;
	put(p, json ? "[" : "");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (json) {
			put(p, n++ ? ",{\"event_ref\":" : "{\"event_ref\":");
			json_int_col(p, st, 0);
			key(p, "role");
			put_value(p, col(st, 1));
			key(p, "attempt");
			json_int_col(p, st, 2);
			key(p, "event_id");
			json_int_col(p, st, 3);
			key(p, "provider");
			put_value(p, col(st, 4));
			key(p, "computer");
			put_value(p, col(st, 5));
			key(p, "time");
			put_value(p, col(st, 6));
			put(p, "}");
			continue;
		}
		if (n++ == EVIDENCE_LINES)
			continue;
		put(p, n > 1 ? "           " : "  evidence ");
		put_value(p, col(st, 6));
		put(p, " ");
		put_value(p, col(st, 5));
		put(p, " ");
		put_value(p, col(st, 4));
		put(p, " ");
		put_int(p, sqlite3_column_int64(st, 3));
		put(p, " ");
		put_value(p, col(st, 1));
		if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
			put(p, " #");
			put_int(p, sqlite3_column_int64(st, 2));
		}
		put(p, " (event ");
		put_int(p, sqlite3_column_int64(st, 0));
		put(p, ")\n");
	}
	if (!json && n > EVIDENCE_LINES) {
		put(p, "           ... and ");
		put_int(p, n - EVIDENCE_LINES);
		put(p, " more (incident_events)\n");
	}
	put(p, json ? "]" : "");
	sqlite3_finalize(st);
}

/* Appends a code object {code, symbol, meaning} or null (json). */
static void json_code(printer *p, sqlite3_stmt *st, const char *first, int c, int sym, int mean, int ev)
{
	if (sqlite3_column_type(st, ev) == SQLITE_NULL) {
		put(p, "null");
		return;
	}
	put(p, "{\"");
	put(p, first);
	put(p, "\":");
	json_int_col(p, st, ev);
	if (c != ev) {
		key(p, "reason");
		json_int_col(p, st, c);
	}
	key(p, "symbol");
	put_value(p, col(st, sym));
	key(p, "meaning");
	put_value(p, col(st, mean));
	put(p, "}");
}

/* Appends one incident or finding as a json object. */
static void json_incident(printer *p, sqlite3_stmt *st, int64_t id)
{
	static const struct {
		const char *name;
		int c;
	} texts[] = {{"identity", I_IDENTITY}, {"user", I_USER}, {"client", I_CLIENT}, {"vpn_server", I_VPN},
		     {"nps_server", I_NPS}};
	const char *cause = col(st, I_CAUSE);
	size_t i;

	put(p, "{\"id\":");
	put_int(p, id);
	key(p, "kind");
	put_value(p, col(st, I_KIND));
	put(p, ",\"cause\":{\"id\":");
	put_value(p, cause);
	key(p, "title");
	put_value(p, col(st, I_TITLE));
	key(p, "confidence");
	put_value(p, col(st, I_CONFIDENCE));
	key(p, "explanation");
	put_value(p, col(st, I_EXPLANATION));
	key(p, "remediation");
	put_remediation(p, cause);
	key(p, "sources");
	put_sources(p, cause);
	key(p, "rule");
	{
		char rule[4200];

		snprintf(rule, sizeof(rule), "%s:%lld", col(st, I_FILE), (long long)sqlite3_column_int64(st, I_LINE));
		put_value(p, rule);
	}
	put(p, "}");
	key(p, "match");
	put_value(p, col(st, I_MATCH));
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		key(p, texts[i].name);
		put_value(p, col(st, texts[i].c));
	}
	key(p, "client_error");
	json_code(p, st, "code", I_CERR, I_CSYM, I_CMEAN, I_CERR);
	key(p, "nps_decision");
	json_code(p, st, "event_id", I_NREASON, I_NSYM, I_NMEAN, I_NEVENT);
	key(p, "count");
	json_int_col(p, st, I_COUNT);
	key(p, "paired");
	json_int_col(p, st, I_PAIRED);
	key(p, "first");
	put_value(p, col(st, I_FIRST));
	key(p, "last");
	put_value(p, col(st, I_LAST));
	key(p, "status");
	put_value(p, col(st, I_STATUS));
	key(p, "resolved");
	put_value(p, col(st, I_RESOLVED));
	key(p, "facts");
	put_facts(p, id);
	key(p, "attempts");
	put_attempts(p, id);
	key(p, "evidence");
	put_evidence(p, id);
	put(p, "}");
}

/* Appends " SYMBOL: meaning" (the parts the code tables know) and a
 * newline. */
static void put_code_name(printer *p, const char *symbol, const char *meaning)
{
	if (symbol) {
		put(p, " ");
		put_value(p, symbol);
	}
	if (meaning) {
		put(p, symbol ? ": " : " ");
		put_value(p, meaning);
	}
	put(p, "\n");
}

/* Appends one incident or finding as text. */
static void text_incident(printer *p, sqlite3_stmt *st, int64_t id)
{
	int finding = strcmp(col(st, I_KIND), "finding") == 0;

	color(p, "\033[1m");
	put(p, finding ? "finding #" : "incident #");
	put_int(p, id);
	put(p, "  ");
	put_value(p, col(st, I_TITLE));
	color(p, "\033[0m");
	put(p, "\n  cause    ");
	color(p, "\033[33m");
	put_value(p, col(st, I_CAUSE));
	color(p, "\033[0m");
	put(p, " (");
	put_value(p, col(st, I_CONFIDENCE));
	put(p, ")\n");
	if (!finding) {
		put(p, "  user     ");
		put_value(p, col(st, I_USER));
		put(p, " [");
		put_value(p, col(st, I_IDENTITY));
		put(p, "]\n  path     client ");
		put_value(p, col(st, I_CLIENT));
		put(p, " -> VPN ");
		put_value(p, col(st, I_VPN));
		put(p, " -> NPS ");
		put_value(p, col(st, I_NPS));
		put(p, "\n");
	} else {
		put(p, "  host     ");
		put_value(p, col(st, I_NPS));
		put(p, "\n");
	}
	put(p, "  when     ");
	put_int(p, sqlite3_column_int64(st, I_COUNT));
	put(p, finding ? " event(s), " : " attempt(s), ");
	put_value(p, col(st, I_FIRST));
	put(p, " .. ");
	put_value(p, col(st, I_LAST));
	if (!finding && strcmp(col(st, I_STATUS), "resolved") == 0) {
		color(p, "\033[32m");
		put(p, ", resolved ");
		put_value(p, col(st, I_RESOLVED));
		color(p, "\033[0m");
	}
	put(p, "\n");
	if (!finding) {
		put(p, "  client   ");
		if (sqlite3_column_type(st, I_CERR) == SQLITE_NULL) {
			put(p, "no client failure logged\n");
		} else {
			put(p, "error ");
			put_int(p, sqlite3_column_int64(st, I_CERR));
			put_code_name(p, col(st, I_CSYM), col(st, I_CMEAN));
		}
		put(p, "  NPS      ");
		if (sqlite3_column_type(st, I_NEVENT) == SQLITE_NULL) {
			put(p, "no NPS decision found: diagnosed from the client error alone\n");
		} else {
			put_int(p, sqlite3_column_int64(st, I_NEVENT));
			if (sqlite3_column_type(st, I_NREASON) != SQLITE_NULL) {
				put(p, " reason ");
				put_int(p, sqlite3_column_int64(st, I_NREASON));
				put_code_name(p, col(st, I_NSYM), col(st, I_NMEAN));
			} else {
				put(p, "\n");
			}
		}
		put(p, "  paired   ");
		put_int(p, sqlite3_column_int64(st, I_PAIRED));
		put(p, " of ");
		put_int(p, sqlite3_column_int64(st, I_COUNT));
		put(p, " attempt(s) with an NPS decision (");
		put_value(p, col(st, I_MATCH));
		put(p, ")\n");
	}
	put_facts(p, id);
	put(p, "  why      ");
	put_value(p, col(st, I_EXPLANATION));
	put(p, "\n");
	put_evidence(p, id);
	put(p, "  fix     ");
	put_remediation(p, col(st, I_CAUSE));
	put_sources(p, col(st, I_CAUSE));
	put(p, "\n");
}

/* Appends the summary by cause of the printed incidents (json array or text). */
static void put_summary(printer *p, const int64_t *ids, size_t n)
{
	sqlite3_stmt *st = NULL;
	nd_buf list = {0};
	size_t i;
	int k = 0, json = p->o->format != ND_PRINT_TEXT;
	char tmp[32];

	for (i = 0; i < n; i++) {
		snprintf(tmp, sizeof(tmp), "%s%lld", i ? "," : "", (long long)ids[i]);
		p->rc |= nd_buf_append(&list, tmp, strlen(tmp));
	}
	p->rc |= nd_buf_append(&list, "", 0);
	if (p->rc || sqlite3_prepare_v2(p->db,
					"SELECT i.cause_id, i.kind, c.title, c.confidence, count(*), sum(i.count)"
					" FROM incidents i JOIN causes c ON c.cause_id = i.cause_id"
					" WHERE i.id IN (SELECT value FROM json_each('[' || ?1 || ']'))"
					" GROUP BY i.cause_id ORDER BY i.kind DESC, sum(i.count) DESC, i.cause_id",
					-1, &st, NULL) != SQLITE_OK) {
		p->rc = -1;
		nd_buf_free(&list);
		return;
	}
	sqlite3_bind_text(st, 1, list.data, -1, SQLITE_STATIC);
	put(p, json ? "[" : "summary by cause:\n");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (json) {
			put(p, k ? ",{\"cause\":" : "{\"cause\":");
			put_value(p, col(st, 0));
			key(p, "kind");
			put_value(p, col(st, 1));
			key(p, "title");
			put_value(p, col(st, 2));
			key(p, "confidence");
			put_value(p, col(st, 3));
			key(p, strcmp(col(st, 1), "finding") == 0 ? "findings" : "incidents");
			json_int_col(p, st, 4);
			key(p, "attempts");
			json_int_col(p, st, 5);
			put(p, "}");
		} else {
			snprintf(tmp, sizeof(tmp), "  %5lld %-9s", (long long)sqlite3_column_int64(st, 5),
				 strcmp(col(st, 1), "finding") == 0 ? "events" : "attempts");
			put(p, tmp);
			snprintf(tmp, sizeof(tmp), " in %3lld  ", (long long)sqlite3_column_int64(st, 4));
			put(p, tmp);
			put_value(p, col(st, 0));
			put(p, " - ");
			put_value(p, col(st, 2));
			put(p, "\n");
		}
		k++;
	}
	if (!json && k == 0)
		put(p, "  nothing to report\n");
	put(p, json ? "]" : "");
	sqlite3_finalize(st);
	nd_buf_free(&list);
}

/* Appends the json parameters object. */
static void json_params(printer *p, const nd_print_filter *f)
{
	char tmp[160];

	snprintf(tmp, sizeof(tmp), "{\"window_s\":%g,\"skew_s\":%g,\"gap_s\":%g", p->o->params->window_s,
		 p->o->params->skew_s, p->o->params->gap_s);
	put(p, tmp);
	key(p, "user");
	put_value(p, f->user);
	key(p, "since");
	put_value(p, f->since);
	key(p, "until");
	put_value(p, f->until);
	key(p, "cause");
	put_value(p, f->cause);
	put(p, "}");
}

int nd_diagnose_print(sqlite3 *db, const nd_print_filter *f, const nd_print_options *o, FILE *out, size_t *shown,
		      nd_error *err)
{
	printer p = {db, o, {0}, 0, err};
	sqlite3_stmt *st = NULL;
	int64_t *ids = NULL;
	size_t n, i;
	int pass, first;

	nd_error_clear(err);
	if (nd_select_incidents(db, f, &ids, &n, err) != 0)
		return -1;
	*shown = n;
	if (sqlite3_prepare_v2(db, incident_sql, -1, &st, NULL) != SQLITE_OK) {
		free(ids);
		return nd_error_set(err, "database: %s", sqlite3_errmsg(db));
	}
	if (o->format == ND_PRINT_JSON) {
		put(&p, "{\"npsdiag\":\"" NPSDIAG_VERSION "\",\"format\":1,\"parameters\":");
		json_params(&p, f);
	}
	for (pass = 0; pass < 2; pass++) { /* incidents, then findings */
		if (o->format == ND_PRINT_JSON)
			put(&p, pass ? "],\"findings\":[" : ",\"incidents\":[");
		for (i = 0, first = 1; i < n && p.rc == 0; i++) {
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, ids[i]);
			if (sqlite3_step(st) != SQLITE_ROW || (strcmp(col(st, I_KIND), "finding") == 0) != pass)
				continue;
			if (o->format == ND_PRINT_JSON && !first)
				put(&p, ",");
			first = 0;
			if (o->format == ND_PRINT_TEXT)
				text_incident(&p, st, ids[i]);
			else
				json_incident(&p, st, ids[i]);
			if (o->format == ND_PRINT_JSONL)
				put(&p, "\n");
			fwrite(p.b.data, 1, p.b.len, out);
			nd_buf_reset(&p.b);
		}
	}
	sqlite3_finalize(st);
	if (o->format == ND_PRINT_JSON) {
		put(&p, "],\"summary\":");
		put_summary(&p, ids, n);
		put(&p, "}\n");
	} else if (o->format == ND_PRINT_TEXT) {
		put_summary(&p, ids, n);
	}
	if (p.rc == 0 && p.b.len)
		fwrite(p.b.data, 1, p.b.len, out);
	nd_buf_free(&p.b);
	free(ids);
	if (p.rc)
		return err->message[0] ? -1 : nd_error_set(err, "out of memory or database error while printing");
	return 0;
}
