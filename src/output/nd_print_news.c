#include "nd_print_news.h"

#include <string.h>

#include "nd_escape.h"
#include "nd_json.h"
#include "nd_zone.h"

int64_t nd_print_news_event_id(const nd_res_incident *i)
{
	const nd_res_event *best = NULL;
	size_t k;

	if (i->has_nps_event_id)
		return i->nps_event_id;
	for (k = 0; k < i->nevents; k++)
		if (strcmp(i->events[k].role, "finding") == 0 && (!best || i->events[k].ref < best->ref))
			best = &i->events[k];
	return best ? best->event_id : -1;
}

/* Appends a literal. Returns 0, or -1 when out of memory. */
static int lit(nd_buf *b, const char *s)
{
	return nd_buf_append(b, s, strlen(s));
}

int nd_print_news_line(nd_buf *b, int (*esc)(nd_buf *, const char *), const nd_res_incident *i, int64_t previous_count,
		       const char *tz)
{
	char zbuf[ND_ZONE_TIME_SIZE];
	int rc = 0;

	rc |= esc(b, i->last ? nd_zone_time(i->last, tz, zbuf) : "-");
	rc |= lit(b, " ");
	rc |= esc(b, (i->finding ? i->nps : i->user) ? (i->finding ? i->nps : i->user) : "-");
	rc |= lit(b, i->finding ? " finding: " : " failed: ");
	rc |= esc(b, i->cause->title ? i->cause->title : "-");
	if (i->finding) {
		if (nd_print_news_event_id(i) >= 0)
			rc |= nd_buf_printf(b, " (event %lld)", (long long)nd_print_news_event_id(i));
	} else {
		if (i->client_error.has)
			rc |= nd_buf_printf(b, " (%lld", (long long)i->client_error.code);
		else
			rc |= lit(b, " (-");
		if (i->nps_reason.has)
			rc |= nd_buf_printf(b, "/%lld)", (long long)i->nps_reason.code);
		else
			rc |= lit(b, ")");
		rc |= lit(b, " client ");
		rc |= esc(b, i->client ? i->client : "-");
		rc |= lit(b, " nps ");
		rc |= esc(b, i->nps ? i->nps : "-");
	}
	rc |= lit(b, " [");
	rc |= esc(b, i->cause->cause_id ? i->cause->cause_id : "-");
	rc |= lit(b, ", ");
	rc |= esc(b, i->confidence ? i->confidence : "-");
	rc |= lit(b, "]");
	if (previous_count)
		rc |= nd_buf_printf(b, " now %lld %s", (long long)i->count, i->finding ? "events" : "attempts");
	return rc ? -1 : 0;
}

void nd_print_news(nd_out *o, int jsonl, const nd_res_incident *i, int64_t previous_count, const char *tz)
{
	nd_buf line = {0};

	if (jsonl) {
		nd_json_incident(o, i, 1, previous_count ? "grown" : "new", NULL);
	} else if (nd_print_news_line(&line, nd_escape_text, i, previous_count, tz) != 0) {
		nd_out_oom(o);
	} else {
		nd_out_mem(o, line.data, line.len);
	}
	nd_buf_free(&line);
	nd_out_put(o, "\n");
}
