/* nd_news: which stored incidents and findings are news. `tail` re-runs
 * the diagnosis after every round that stored events; nd_news remembers
 * what it has already announced (by kind, cause, identity or host, and
 * first attempt) and hands over only incidents that are new or have grown
 * since, so each shows up once, and again only when more attempts join it.
 * An incident that changes cause when its missing half arrives (a client
 * failure first judged alone, then paired with the NPS denial) is a new
 * incident under its new cause. */
#ifndef ND_NEWS_H
#define ND_NEWS_H

#include <sqlite3.h>
#include <stdint.h>

#include "nd_error.h"

/* One incident or finding as stored by diagnose (docs/diagnose.md);
 * strings may be NULL. */
typedef struct nd_news_item {
	const char *kind;       /* incident or finding */
	const char *cause_id;
	const char *title;
	const char *confidence;
	const char *match;
	const char *user_name;
	const char *client;
	const char *vpn_server;
	const char *nps_server;
	const char *first_time;
	const char *last_time;
	const char *status;
	int64_t client_error;   /* when has_client_error */
	int64_t nps_reason;     /* when has_nps_reason */
	int64_t event_id;       /* the evidence event of a finding, else the NPS event */
	int has_client_error, has_nps_reason, has_event_id;
	int64_t count, paired;
	int64_t previous_count; /* 0 for a new incident, else the count last announced */
} nd_news_item;

/* Receives one piece of news. Returns 0, or -1 with err set to stop. */
typedef int (*nd_news_fn)(void *ctx, const nd_news_item *item, nd_error *err);

typedef struct nd_news nd_news;

/* Creates an empty memory of announcements. Returns it, or NULL when out
 * of memory. */
nd_news *nd_news_new(void);

/* Frees it. Returns nothing. */
void nd_news_free(nd_news *n);

/* Reads the incidents and findings in db and calls fn (when not NULL) for
 * each that is new or has grown since the last scan, in the stored order;
 * remembers them all. Returns the number announced, or -1 with err set. */
long nd_news_scan(nd_news *n, sqlite3 *db, nd_news_fn fn, void *ctx, nd_error *err);

#endif
