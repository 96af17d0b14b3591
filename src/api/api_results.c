/* api_results: writing the stored results in a format named by a string.
 * The one place the API calls into src/output. */
#include "api_session.h"

#include <string.h>

#include "nd_diagnose_print.h"
#include "nd_report.h"

int npsdiag_write_results(npsdiag_session *s, const char *format, const npsdiag_filter *f,
			  const npsdiag_write_options *o, FILE *out, size_t *shown, npsdiag_error *err)
{
	static const struct {
		const char *name;
		int report; /* a document of nd_report, else nd_diagnose_print */
		int fmt;
	} formats[] = {
		{"text", 0, ND_PRINT_TEXT}, {"json", 0, ND_PRINT_JSON},   {"jsonl", 0, ND_PRINT_JSONL},
		{"html", 1, ND_REPORT_HTML}, {"md", 1, ND_REPORT_MD},     {"markdown", 1, ND_REPORT_MD},
		{"csv", 1, ND_REPORT_CSV},
	};
	nd_print_filter filter = {0};
	size_t i, n = 0;
	nd_error e;
	int rc;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]) && strcmp(formats[i].name, format) != 0; i++)
		;
	if (i == sizeof(formats) / sizeof(formats[0])) {
		nd_error_set(&e, "unknown results format \"%s\"", format);
		return api_fail(err, &e);
	}
	if (!s->store) {
		nd_error_set(&e, "no database in this session");
		return api_fail(err, &e);
	}
	if (f) {
		filter.user = f->user;
		filter.since = f->since;
		filter.until = f->until;
		filter.since_ts = f->since_ts;
		filter.until_ts = f->until_ts;
		filter.cause = f->cause;
		filter.user_regex = f->user_regex;
		filter.host = f->host;
	}
	if (formats[i].report) {
		nd_report_options ro = {(nd_report_format)formats[i].fmt, o ? o->generated : NULL, o ? o->output : NULL,
					o && formats[i].fmt != ND_REPORT_CSV ? o->tz : NULL};

		rc = nd_report_write(nd_store_db(s->store), &filter, &ro, out, &e);
	} else {
		nd_print_options po = {(nd_print_format)formats[i].fmt, o ? o->color : 0, &s->params,
				       o ? o->output : NULL, o && formats[i].fmt == ND_PRINT_TEXT ? o->tz : NULL};

		rc = nd_diagnose_print(nd_store_db(s->store), &filter, &po, out, &n, &e);
	}
	if (shown)
		*shown = n;
	return rc == 0 ? 0 : api_fail(err, &e);
}
