#include "nd_report_data.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "nd_vec.h"

#define FLUSH_AT 65536

/* Writes the buffered output once it is large. Returns nothing. */
static void flush_some(nd_rep *r)
{
	if (r->b.len < FLUSH_AT || r->rc)
		return;
	if (fwrite(r->b.data, 1, r->b.len, r->out) != r->b.len)
		r->rc = -1;
	nd_buf_reset(&r->b);
}

void nd_rep_put(nd_rep *r, const char *s)
{
	r->rc |= nd_buf_append(&r->b, s, strlen(s));
	flush_some(r);
}

void nd_rep_printf(nd_rep *r, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		r->rc = -1; /* formats here are short: numbers and literals */
	else
		nd_rep_put(r, tmp);
}

void nd_rep_esc(nd_rep *r, int (*escaper)(nd_buf *, const char *), const char *s)
{
	r->rc |= escaper(&r->b, s ? s : "");
	flush_some(r);
}

/* Returns column c as text or NULL. */
static const char *text(sqlite3_stmt *st, int c)
{
	return (const char *)sqlite3_column_text(st, c);
}

/* Prepares sql. Returns the statement, or NULL with r->err set. */
static sqlite3_stmt *prepare(nd_rep *r, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
		nd_error_set(r->err, "database: %s", sqlite3_errmsg(r->db));
		return NULL;
	}
	return st;
}

/* Finishes a statement that stepped to rc. Returns 0 when rc is
 * SQLITE_DONE, else -1 with r->err set (unless already set). */
static int finish(nd_rep *r, sqlite3_stmt *st, int rc)
{
	if (rc != SQLITE_DONE && !r->err->message[0])
		nd_error_set(r->err, "database: %s", sqlite3_errmsg(r->db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int nd_rep_scope_get(nd_rep *r, nd_rep_scope *sc)
{
	sqlite3_stmt *st = prepare(r,
		"SELECT (SELECT count(*) FROM sources), count(*), count(DISTINCT computer), min(time_created),"
		" max(time_created),"
		" (SELECT count(*) FROM incidents JOIN report_ids USING(id) WHERE kind = 'incident'),"
		" (SELECT count(*) FROM incidents JOIN report_ids USING(id) WHERE kind = 'finding'),"
		" (SELECT coalesce(sum(count), 0) FROM incidents JOIN report_ids USING(id) WHERE kind = 'incident'),"
		" (SELECT value FROM diagnose_meta WHERE key = 'window_s'),"
		" (SELECT value FROM diagnose_meta WHERE key = 'skew_s') FROM events");

	if (!st)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW)
		return finish(r, st, SQLITE_ERROR);
	sc->files = sqlite3_column_int64(st, 0);
	sc->events = sqlite3_column_int64(st, 1);
	sc->hosts = sqlite3_column_int64(st, 2);
	sc->incidents = sqlite3_column_int64(st, 5);
	sc->findings = sqlite3_column_int64(st, 6);
	sc->attempts = sqlite3_column_int64(st, 7);
	snprintf(sc->first, sizeof(sc->first), "%s", text(st, 3) ? text(st, 3) : "-");
	snprintf(sc->last, sizeof(sc->last), "%s", text(st, 4) ? text(st, 4) : "-");
	snprintf(sc->window_s, sizeof(sc->window_s), "%s", text(st, 8) ? text(st, 8) : "?");
	snprintf(sc->skew_s, sizeof(sc->skew_s), "%s", text(st, 9) ? text(st, 9) : "?");
	sqlite3_finalize(st);
	return 0;
}

void nd_rep_scope_counts(nd_rep *r, const nd_rep_scope *sc)
{
	nd_rep_printf(r, "%lld incident(s) (%lld attempt(s)) and %lld configuration finding(s) from %lld event(s) of "
			 "%lld host(s) in %lld file(s), ",
		      (long long)sc->incidents, (long long)sc->attempts, (long long)sc->findings,
		      (long long)sc->events, (long long)sc->hosts, (long long)sc->files);
}

void nd_rep_cause_counts(nd_rep *r, const nd_rep_cause *c)
{
	if (strcmp(c->kind, "finding") == 0)
		nd_rep_printf(r, "%lld finding(s) on %lld host(s), %lld event(s)", (long long)c->incidents,
			      (long long)c->identities, (long long)c->attempts);
	else
		nd_rep_printf(r, "%lld user(s), %lld incident(s), %lld attempt(s)", (long long)c->identities,
			      (long long)c->incidents, (long long)c->attempts);
}

int nd_rep_causes(nd_rep *r, int (*fn)(nd_rep *r, const nd_rep_cause *c, void *ctx), void *ctx)
{
	sqlite3_stmt *st = prepare(r,
		"SELECT i.cause_id, i.kind, c.title, c.confidence, min(i.first_time), max(i.last_time), count(*),"
		" count(DISTINCT coalesce(i.identity, i.nps_server)), sum(i.count)"
		" FROM incidents i JOIN report_ids USING(id) JOIN causes c ON c.cause_id = i.cause_id"
		" GROUP BY i.cause_id ORDER BY i.kind DESC, sum(i.count) DESC, i.cause_id");
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		nd_rep_cause c = {text(st, 0), text(st, 1), text(st, 2), text(st, 3), text(st, 4), text(st, 5),
				  sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7),
				  sqlite3_column_int64(st, 8)};

		if (fn(r, &c, ctx) != 0)
			break;
	}
	return finish(r, st, rc);
}

/* Sets *v and *has from column c. Returns nothing. */
static void integer(sqlite3_stmt *st, int c, int64_t *v, int *has)
{
	*has = sqlite3_column_type(st, c) != SQLITE_NULL;
	*v = *has ? sqlite3_column_int64(st, c) : 0;
}

int nd_rep_incidents(nd_rep *r, int findings, int (*fn)(nd_rep *r, const nd_rep_incident *i, void *ctx),
		     void *ctx)
{
	sqlite3_stmt *st = prepare(r,
		"SELECT i.id, i.kind, i.cause_id, c.title, i.confidence, c.explanation, i.match, i.user_name,"
		" i.identity, i.client, i.vpn_server, i.nps_server, i.first_time, i.last_time, i.status,"
		" i.resolved_time, re.symbol, re.meaning, nr.symbol, nr.meaning, i.client_error, i.nps_event_id,"
		" i.nps_reason, i.count, i.paired, i.first_ts, i.last_ts"
		" FROM incidents i JOIN report_ids USING(id) JOIN causes c ON c.cause_id = i.cause_id"
		" LEFT JOIN ras_error_codes re ON re.code = i.client_error"
		" LEFT JOIN nps_reason_codes nr ON nr.code = i.nps_reason"
		" WHERE (i.kind = 'finding') = ?1 ORDER BY i.id");
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, findings);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		nd_rep_incident i;

		memset(&i, 0, sizeof(i));
		i.id = sqlite3_column_int64(st, 0);
		i.kind = text(st, 1);
		i.cause_id = text(st, 2);
		i.title = text(st, 3);
		i.confidence = text(st, 4);
		i.explanation = text(st, 5);
		i.match = text(st, 6);
		i.user = text(st, 7);
		i.identity = text(st, 8);
		i.client = text(st, 9);
		i.vpn = text(st, 10);
		i.nps = text(st, 11);
		i.first = text(st, 12);
		i.last = text(st, 13);
		i.status = text(st, 14);
		i.resolved = text(st, 15);
		i.client_symbol = text(st, 16);
		i.client_meaning = text(st, 17);
		i.nps_symbol = text(st, 18);
		i.nps_meaning = text(st, 19);
		integer(st, 20, &i.client_error, &i.has_client_error);
		integer(st, 21, &i.nps_event_id, &i.has_nps_event_id);
		integer(st, 22, &i.nps_reason, &i.has_nps_reason);
		i.count = sqlite3_column_int64(st, 23);
		i.paired = sqlite3_column_int64(st, 24);
		i.first_ts = sqlite3_column_int64(st, 25);
		i.last_ts = sqlite3_column_int64(st, 26);
		if (fn(r, &i, ctx) != 0)
			break;
	}
	return finish(r, st, rc);
}

/* The fields of one evidence event, owned. */
typedef struct fields {
	char **names, **values;
	size_t n, cap_names, cap_values;
} fields;

/* Frees the strings of f, keeping its arrays. Returns nothing. */
static void fields_clear(fields *f)
{
	while (f->n > 0) {
		f->n--;
		free(f->names[f->n]);
		free(f->values[f->n]);
	}
}

/* Loads the stored fields of event ref into f. Returns 0, or -1 with
 * r->err set. */
static int load_fields(nd_rep *r, sqlite3_stmt *fs, int64_t ref, fields *f)
{
	int rc;

	fields_clear(f);
	sqlite3_reset(fs);
	sqlite3_bind_int64(fs, 1, ref);
	while ((rc = sqlite3_step(fs)) == SQLITE_ROW) {
		if (nd_vec_reserve(&f->names, &f->cap_names, f->n + 1, sizeof(char *)) != 0 ||
		    nd_vec_reserve(&f->values, &f->cap_values, f->n + 1, sizeof(char *)) != 0)
			return nd_error_set(r->err, "out of memory");
		f->names[f->n] = strdup(text(fs, 0) ? text(fs, 0) : "");
		f->values[f->n] = strdup(text(fs, 1) ? text(fs, 1) : "");
		f->n++;
		if (!f->names[f->n - 1] || !f->values[f->n - 1])
			return nd_error_set(r->err, "out of memory");
	}
	return rc == SQLITE_DONE ? 0 : nd_error_set(r->err, "database: %s", sqlite3_errmsg(r->db));
}

long nd_rep_evidence(nd_rep *r, int64_t incident, int (*fn)(nd_rep *r, const nd_rep_event *e, void *ctx),
		     void *ctx)
{
	sqlite3_stmt *st = prepare(r,
		"SELECT e.id, e.time_created, e.computer, e.provider, e.event_id, ie.role, coalesce(ie.attempt, 0),"
		" count(*) OVER () FROM incident_events ie JOIN events e ON e.id = ie.event_ref"
		" WHERE ie.incident_id = ?1 ORDER BY e.ts, e.id LIMIT ?2");
	sqlite3_stmt *fs = prepare(r, "SELECT name, value FROM event_fields WHERE event_ref = ?1 ORDER BY pos");
	fields f = {0};
	long total = 0, shown = 0;
	int rc = SQLITE_ERROR;

	if (!st || !fs) {
		sqlite3_finalize(st);
		sqlite3_finalize(fs);
		return -1;
	}
	sqlite3_bind_int64(st, 1, incident);
	sqlite3_bind_int(st, 2, ND_REP_EVIDENCE_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		nd_rep_event e = {text(st, 1), text(st, 2), text(st, 3), text(st, 5), sqlite3_column_int64(st, 4),
				  sqlite3_column_int64(st, 6), 0, NULL, NULL};

		total = (long)sqlite3_column_int64(st, 7);
		shown++;
		if (load_fields(r, fs, sqlite3_column_int64(st, 0), &f) != 0) {
			rc = SQLITE_ERROR;
			break;
		}
		e.nfields = f.n;
		e.names = (const char *const *)f.names;
		e.values = (const char *const *)f.values;
		if (fn(r, &e, ctx) != 0) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	fields_clear(&f);
	free(f.names);
	free(f.values);
	sqlite3_finalize(fs);
	return finish(r, st, rc) == 0 ? total - shown : -1;
}

int nd_rep_steps(nd_rep *r, const char *cause_id,
		 int (*fn)(nd_rep *r, int64_t step, const char *text, const char **cmds, size_t ncmds, void *ctx),
		 void *ctx)
{
	sqlite3_stmt *st = prepare(r, "SELECT step, text FROM cause_steps WHERE cause_id = ?1 ORDER BY step");
	sqlite3_stmt *cs = prepare(r, "SELECT command FROM cause_commands WHERE cause_id = ?1 AND step = ?2 ORDER BY pos");
	const char **cmds = NULL;
	char **own = NULL;
	size_t cap = 0, cap2 = 0, n, i;
	int rc = SQLITE_ERROR;

	if (!st || !cs) {
		sqlite3_finalize(st);
		sqlite3_finalize(cs);
		return -1;
	}
	sqlite3_bind_text(st, 1, cause_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(cs, 1, cause_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int bad = 0;

		n = 0;
		sqlite3_reset(cs);
		sqlite3_bind_int64(cs, 2, sqlite3_column_int64(st, 0));
		while (sqlite3_step(cs) == SQLITE_ROW) {
			if (nd_vec_reserve(&own, &cap, n + 1, sizeof(*own)) != 0 ||
			    nd_vec_reserve(&cmds, &cap2, n + 1, sizeof(*cmds)) != 0 ||
			    !(own[n] = strdup(text(cs, 0) ? text(cs, 0) : ""))) {
				bad = nd_error_set(r->err, "out of memory");
				break;
			}
			cmds[n] = own[n];
			n++;
		}
		if (!bad)
			bad = fn(r, sqlite3_column_int64(st, 0), text(st, 1), cmds, n, ctx);
		for (i = 0; i < n; i++)
			free(own[i]);
		if (bad) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	free(own);
	free(cmds);
	sqlite3_finalize(cs);
	return finish(r, st, rc);
}

int nd_rep_timeline(nd_rep *r, int64_t *first_ts, int64_t *last_ts,
		    int (*fn)(nd_rep *r, const nd_rep_lane *l, void *ctx), void *ctx)
{
	/* Every evidence event of the selected incidents, by host then time. */
	sqlite3_stmt *st = prepare(r,
		"SELECT e.computer, e.ts, ie.role, e.event_id, min(e.ts) OVER (), max(e.ts) OVER ()"
		" FROM incident_events ie JOIN report_ids ON report_ids.id = ie.incident_id"
		" JOIN events e ON e.id = ie.event_ref ORDER BY e.computer, e.ts");
	nd_rep_lane *lane = calloc(1, sizeof(*lane));
	char host[256] = "";
	int have = 0, rc = SQLITE_ERROR;

	*first_ts = *last_ts = 0;
	if (!st || !lane) {
		sqlite3_finalize(st);
		free(lane);
		return st ? nd_error_set(r->err, "out of memory") : -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *h = text(st, 0) ? text(st, 0) : "-", *role = text(st, 2) ? text(st, 2) : "";
		int64_t ts = sqlite3_column_int64(st, 1), id = sqlite3_column_int64(st, 3), span, bin;

		*first_ts = sqlite3_column_int64(st, 4);
		*last_ts = sqlite3_column_int64(st, 5);
		if (!have || strcmp(h, host) != 0) {
			if (have && fn(r, lane, ctx) != 0) {
				rc = SQLITE_ERROR;
				break;
			}
			memset(lane, 0, sizeof(*lane));
			snprintf(host, sizeof(host), "%s", h);
			lane->host = host;
			have = 1;
		}
		span = *last_ts - *first_ts;
		bin = span > 0 ? (ts - *first_ts) * (ND_REP_TIMELINE_BINS - 1) / span : 0;
		if (strcmp(role, "client-failure") == 0 || (strcmp(role, "nps-decision") == 0 && id != 6272))
			lane->failures[bin]++;
		else if (strcmp(role, "resolution") == 0 || id == 6272)
			lane->grants[bin]++;
		else
			lane->other[bin]++;
	}
	if (rc == SQLITE_DONE && have && fn(r, lane, ctx) != 0)
		rc = SQLITE_ERROR;
	free(lane);
	return finish(r, st, rc);
}
