/* api_news: one piece of news of npsdiag_follow, or one change in a
 * followed log, as a line of text or JSON (the formats of `npsdiag tail`,
 * docs/tail.md). Event-derived strings are escaped for the format. */
#include "api_session.h"

#include <string.h>

#include "nd_buf.h"
#include "nd_escape.h"

/* A line being formatted. */
typedef struct news_line {
	nd_buf line;
	int jsonl;
} news_line;

/* Appends s escaped for the output format (JSON string or terminal text,
 * "-" for NULL). Returns 0, or -1 when out of memory. */
static int put_str(news_line *r, const char *s)
{
	if (r->jsonl)
		return nd_escape_json(&r->line, s);
	return nd_escape_text(&r->line, s ? s : "-");
}

/* Appends a JSON member "name": value for a string. Returns 0, or -1. */
static int json_str(news_line *r, const char *name, const char *v, int first)
{
	return nd_buf_printf(&r->line, "%s\"%s\":", first ? "" : ",", name) != 0 || put_str(r, v) != 0 ? -1 : 0;
}

/* Appends a JSON member "name": integer, or null when !has. Returns 0, or
 * -1. */
static int json_int(news_line *r, const char *name, int64_t v, int has)
{
	return has ? nd_buf_printf(&r->line, ",\"%s\":%lld", name, (long long)v)
		   : nd_buf_printf(&r->line, ",\"%s\":null", name);
}

/* Formats one piece of news as a JSON object. Returns 0, or -1. */
static int format_json(news_line *r, const npsdiag_news *it)
{
	return nd_buf_printf(&r->line, "{\"news\":\"%s\",", it->previous_count ? "grown" : "new") ||
			       json_str(r, "kind", it->kind, 1) || json_str(r, "cause", it->cause_id, 0) ||
			       json_str(r, "title", it->title, 0) || json_str(r, "confidence", it->confidence, 0) ||
			       json_str(r, "match", it->match, 0) || json_str(r, "user", it->user_name, 0) ||
			       json_str(r, "client", it->client, 0) || json_str(r, "vpn_server", it->vpn_server, 0) ||
			       json_str(r, "nps_server", it->nps_server, 0) ||
			       json_int(r, "client_error", it->client_error, it->has_client_error) ||
			       json_int(r, "nps_reason", it->nps_reason, it->has_nps_reason) ||
			       json_int(r, "event_id", it->event_id, it->has_event_id) ||
			       json_int(r, "count", it->count, 1) || json_int(r, "paired", it->paired, 1) ||
			       json_str(r, "first", it->first_time, 0) || json_str(r, "last", it->last_time, 0) ||
			       json_str(r, "status", it->status, 0) || nd_buf_printf(&r->line, "}")
		       ? -1
		       : 0;
}

/* Formats one piece of news as a line of text:
 *   TIME USER failed: TITLE (853/258) client C nps N [cause, confidence]
 *   TIME HOST finding: TITLE (event 4421) [cause, confidence]
 * Returns 0, or -1. */
static int format_text(news_line *r, const npsdiag_news *it)
{
	int finding = it->kind && strcmp(it->kind, "finding") == 0;

	if (put_str(r, it->last_time) || nd_buf_printf(&r->line, " ") ||
	    put_str(r, finding ? it->nps_server : it->user_name) ||
	    nd_buf_printf(&r->line, finding ? " finding: " : " failed: ") || put_str(r, it->title))
		return -1;
	if (finding) {
		if (it->has_event_id && nd_buf_printf(&r->line, " (event %lld)", (long long)it->event_id))
			return -1;
	} else {
		if (nd_buf_printf(&r->line, " (") ||
		    (it->has_client_error ? nd_buf_printf(&r->line, "%lld", (long long)it->client_error)
					  : nd_buf_printf(&r->line, "-")) ||
		    (it->has_nps_reason ? nd_buf_printf(&r->line, "/%lld)", (long long)it->nps_reason)
					: nd_buf_printf(&r->line, ")")) ||
		    nd_buf_printf(&r->line, " client ") || put_str(r, it->client) ||
		    nd_buf_printf(&r->line, " nps ") || put_str(r, it->nps_server))
			return -1;
	}
	if (nd_buf_printf(&r->line, " [") || put_str(r, it->cause_id) || nd_buf_printf(&r->line, ", ") ||
	    put_str(r, it->confidence) || nd_buf_printf(&r->line, "]"))
		return -1;
	if (it->previous_count && nd_buf_printf(&r->line, " now %lld %s", (long long)it->count,
						finding ? "events" : "attempts"))
		return -1;
	return 0;
}

int npsdiag_write_news(const npsdiag_news *it, const char *format, FILE *out, npsdiag_error *err)
{
	news_line r = {{0}, 0};
	nd_error e;
	int rc = 0;

	if (strcmp(format, "jsonl") == 0)
		r.jsonl = 1;
	else if (strcmp(format, "text") != 0) {
		nd_error_set(&e, "unknown news format \"%s\"", format);
		return api_fail(err, &e);
	}
	if ((r.jsonl ? format_json(&r, it) : format_text(&r, it)) != 0) {
		nd_error_set(&e, "out of memory");
		rc = api_fail(err, &e);
	} else {
		fwrite(r.line.data, 1, r.line.len, out);
		fputc('\n', out);
		fflush(out);
	}
	nd_buf_free(&r.line);
	return rc;
}

int npsdiag_write_notice(const char *path, const char *what, const char *other, FILE *out)
{
	nd_buf line = {0};
	size_t n;
	int rc = -1;

	if (nd_escape_text(&line, path) == 0 && nd_buf_printf(&line, ": %s", what) == 0) {
		n = line.len;
		if (other && (nd_buf_printf(&line, " ") != 0 || nd_escape_text(&line, other) != 0))
			line.len = n;
		fprintf(out, "npsdiag: %.*s\n", (int)line.len, line.data);
		rc = 0;
	}
	nd_buf_free(&line);
	return rc;
}
