/* api_news: one piece of news of npsdiag_follow as the line `npsdiag tail`
 * prints (nd_print_news over the incident view), or one change in a
 * followed log, or any message for a terminal. Event-derived strings and
 * paths are escaped for the format. */
#include "api_session.h"

#include <string.h>

#include "nd_buf.h"
#include "nd_escape.h"
#include "nd_out.h"
#include "nd_print_news.h"

int npsdiag_write_news(const npsdiag_news *it, const char *format, FILE *out, npsdiag_error *err)
{
	return npsdiag_write_news_with(it, format, NULL, out, err);
}

int npsdiag_write_news_with(const npsdiag_news *it, const char *format, const npsdiag_write_options *wo, FILE *out,
			    npsdiag_error *err)
{
	nd_out o;
	nd_error e;
	int jsonl;

	if (strcmp(format, "jsonl") == 0) {
		jsonl = 1;
	} else if (strcmp(format, "text") == 0) {
		jsonl = 0;
	} else {
		nd_error_set(&e, "unknown news format \"%s\"", format);
		return api_fail(err, &e);
	}
	if (!it->incident) {
		nd_error_set(&e, "a news item that npsdiag_follow did not hand over");
		return api_fail(err, &e);
	}
	nd_out_init(&o, out, NULL);
	nd_print_news(&o, jsonl, it->incident, it->previous_count, wo && !jsonl ? wo->tz : NULL);
	return nd_out_finish(&o, &e) == 0 ? 0 : api_fail(err, &e);
}

int npsdiag_write_notice(const char *path, const char *what, const char *other, FILE *out)
{
	nd_buf line = {0};
	size_t n;
	int rc = -1;

	if (nd_escape_text(&line, path) == 0 && nd_buf_printf(&line, ": ") == 0 && nd_escape_text(&line, what) == 0) {
		n = line.len;
		if (other && (nd_buf_printf(&line, " ") != 0 || nd_escape_text(&line, other) != 0))
			line.len = n;
		fprintf(out, "npsdiag: %.*s\n", (int)line.len, line.data);
		rc = 0;
	}
	nd_buf_free(&line);
	return rc;
}

int npsdiag_write_text(const char *text, FILE *out)
{
	nd_buf raw = {0}, line = {0};
	size_t n = strlen(text);
	int nl = n && text[n - 1] == '\n';
	int rc = -1;

	if (nd_buf_append(&raw, text, nl ? n - 1 : n) == 0 && nd_escape_text(&line, raw.data ? raw.data : "") == 0) {
		fprintf(out, "%.*s%s", (int)line.len, line.data ? line.data : "", nl ? "\n" : "");
		rc = 0;
	}
	nd_buf_free(&raw);
	nd_buf_free(&line);
	return rc;
}
