/* nd_print_news: the line `tail` prints for a new or grown incident or
 * finding (docs/tail.md): text for a terminal, or a JSONL line holding the
 * incident object of nd_json plus "news". */
#ifndef ND_PRINT_NEWS_H
#define ND_PRINT_NEWS_H

#include <stdint.h>

#include "nd_out.h"
#include "nd_results.h"

/* Returns the event id a news line names: the NPS decision, else the
 * finding's (first) event; -1 when none. */
int64_t nd_print_news_event_id(const nd_res_incident *i);

/* Appends the text line to b without its newline, passing each event- or
 * rule-derived string through esc (nd_escape_text for a terminal; a raw
 * copy for a message that is escaped as a whole):
 *   TIME USER failed: TITLE (853/258) client C nps N [cause, confidence]
 *   TIME HOST finding: TITLE (event 4421) [cause, confidence]
 * TIME is the last time as stored (UTC) when tz is NULL, else in the
 * process's local zone (nd_zone_time). Returns 0, or -1 when out of memory. */
int nd_print_news_line(nd_buf *b, int (*esc)(nd_buf *, const char *), const nd_res_incident *i,
		       int64_t previous_count, const char *tz);

/* Appends the line (with its newline) for a loaded incident;
 * previous_count is 0 for a new one, else the count last announced; tz as
 * for nd_print_news_line (the JSON line stays UTC). Returns nothing
 * (failures are kept in o). */
void nd_print_news(nd_out *o, int jsonl, const nd_res_incident *i, int64_t previous_count, const char *tz);

#endif
