/* nd_news: which stored incidents and findings are news. `tail` re-runs
 * the diagnosis after every round that stored events; nd_news remembers
 * what it has already announced, by stable incident key (nd_keys: a
 * re-diagnosis keeps an incident's key even when its first attempt moves),
 * and hands over only incidents that are new, have grown, or changed cause
 * since, so each shows up once, and again only when more attempts join it.
 * An incident that changes cause when its missing half arrives (a client
 * failure first judged alone, then paired with the NPS denial) is announced
 * again as new under its new cause. Results stored without keys (an older
 * schema) are told apart by kind, cause, identity or host, and first
 * attempt. */
#ifndef ND_NEWS_H
#define ND_NEWS_H

#include "nd_db.h"
#include <stdint.h>

#include "nd_error.h"
#include "nd_results.h"

/* Receives one piece of news: a loaded incident view (valid during the
 * call) and the count last announced (0 for a new incident). Returns 0, or
 * -1 with err set to stop. */
typedef int (*nd_news_fn)(void *ctx, const nd_res_incident *inc, int64_t previous_count, nd_error *err);

typedef struct nd_news nd_news;

/* Creates an empty memory of announcements. Returns it, or NULL when out
 * of memory. */
nd_news *nd_news_new(void);

/* Frees it. Returns nothing. */
void nd_news_free(nd_news *n);

/* Reads the incidents and findings in db (through nd_results) whose last
 * attempt is at or after since and whose id is first or later (INT64_MIN
 * and 0: all; a diagnosis that rewrote only some says from when and which
 * id: nd_diagnose_stats.since and .first) and calls fn (when
 * not NULL) for each that is new, has grown or changed cause since the
 * last scan, in the stored order; remembers them all. Returns the number
 * announced, or -1 with err set. */
long nd_news_scan(nd_news *n, nd_db *db, int64_t since, int64_t first, nd_news_fn fn, void *ctx, nd_error *err);

#endif
