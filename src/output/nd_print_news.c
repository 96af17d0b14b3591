#include "nd_print_news.h"

#include <string.h>

#include "nd_escape.h"
#include "nd_json.h"

/* Appends an event string for the terminal, "-" for NULL. */
static void put_str(nd_out *o, const char *s)
{
	nd_out_esc(o, nd_escape_text, s ? s : "-");
}

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

/* Appends the text line:
 *   TIME USER failed: TITLE (853/258) client C nps N [cause, confidence]
 *   TIME HOST finding: TITLE (event 4421) [cause, confidence] */
static void text_line(nd_out *o, const nd_res_incident *i, int64_t previous_count)
{
	put_str(o, i->last);
	nd_out_put(o, " ");
	put_str(o, i->finding ? i->nps : i->user);
	nd_out_put(o, i->finding ? " finding: " : " failed: ");
	put_str(o, i->cause->title);
	if (i->finding) {
		if (nd_print_news_event_id(i) >= 0)
			nd_out_printf(o, " (event %lld)", (long long)nd_print_news_event_id(i));
	} else {
		if (i->client_error.has)
			nd_out_printf(o, " (%lld", (long long)i->client_error.code);
		else
			nd_out_put(o, " (-");
		if (i->nps_reason.has)
			nd_out_printf(o, "/%lld)", (long long)i->nps_reason.code);
		else
			nd_out_put(o, ")");
		nd_out_put(o, " client ");
		put_str(o, i->client);
		nd_out_put(o, " nps ");
		put_str(o, i->nps);
	}
	nd_out_put(o, " [");
	put_str(o, i->cause->cause_id);
	nd_out_put(o, ", ");
	put_str(o, i->confidence);
	nd_out_put(o, "]");
	if (previous_count)
		nd_out_printf(o, " now %lld %s", (long long)i->count, i->finding ? "events" : "attempts");
}

void nd_print_news(nd_out *o, int jsonl, const nd_res_incident *i, int64_t previous_count)
{
	if (jsonl)
		nd_json_incident(o, i, 1, previous_count ? "grown" : "new");
	else
		text_line(o, i, previous_count);
	nd_out_put(o, "\n");
}
