/* nd_channel: follows Windows event log channels (tail --channel Security
 * --channel System ...). Each channel comes through a feed that gives the
 * XML rendering of each event and a bookmark (nd_evtlog: the Windows Event
 * Log API, asked only for the providers and event ids the families keep);
 * the renderings go through the event XML parser (parsers/xml/event_xml)
 * and nd_ingest_event into the same store, correlator and output as the
 * events of .evtx files.
 *
 * Each channel is a source of its own ("eventlog:Security" in the sources
 * table). A round takes every event the feed has, and commits them in
 * transactions of at most ND_CHANNEL_BATCH events, each with the bookmark
 * just after its last event (table channel_bookmarks) and the source's
 * counts: a crash or kill loses the open transaction only, and the next
 * run opens the feed after the stored bookmark, so every event is taken
 * exactly once (sources.records counts the events the feed gave). A
 * failed round closes the feed; the next one reopens it after the stored
 * bookmark.
 *
 * A second feed replays recorded renderings (tail --channel-replay DIR, a
 * test aid, docs/windows.md): DIR/CHANNEL/ holds files of <Event>
 * renderings; the feed gives, in record id order, those after its
 * bookmark, which has the shape of Windows' own
 * (<BookmarkList><Bookmark Channel='..' RecordId='..' .../></BookmarkList>),
 * and looks again at the files whenever it has given all. */
#ifndef ND_CHANNEL_H
#define ND_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "nd_error.h"
#include "nd_ingest.h"
#include "nd_source.h"
#include "nd_store.h"
#include "nd_tail.h"

/* Events committed in one transaction at most. */
#define ND_CHANNEL_BATCH 1000

/* Where the renderings of a channel's events come from. */
typedef struct nd_channel_feed_ops {
	/* The prefix of the channel's source name ("eventlog" gives
	 * "eventlog:Security"): the bookmarks of two feeds never mix. */
	const char *kind;
	/* Opens the feed of channel (arg: the feed's, from nd_channel_new)
	 * for the events query selects (nd_evtlog_query), just after
	 * bookmark, or from the oldest event when bookmark is NULL. Returns 0
	 * with *feed set, or -1 with err set. */
	int (*open)(const void *arg, const char *channel, const char *query, const char *bookmark, void **feed,
		    nd_error *err);
	/* Returns 1 with *xml (len bytes, valid until the next call) the next
	 * event's rendering, 0 when there is none yet, -1 with err set. */
	int (*next)(void *feed, const char **xml, size_t *len, nd_error *err);
	/* Returns the bookmark just after the last event next gave
	 * (NUL-terminated, valid until the next call), or NULL with err set. */
	const char *(*bookmark)(void *feed, nd_error *err);
	/* Closes the feed. */
	void (*close)(void *feed);
} nd_channel_feed_ops;

/* Returns the feed of the Windows Event Log API (nd_evtlog; arg unused). */
const nd_channel_feed_ops *nd_channel_evtlog(void);

/* Returns the feed that replays recorded renderings (arg: the directory,
 * a const char *). */
const nd_channel_feed_ops *nd_channel_replay(void);

typedef struct nd_channel nd_channel;

/* Creates the follower of channels[0..n) (kept by reference) read through
 * feed (arg its argument), telling hooks->notice when a channel is
 * followed and rep->problem of renderings that cannot be read. Returns it,
 * or NULL when out of memory. */
nd_channel *nd_channel_new(char *const *channels, size_t n, const nd_channel_feed_ops *feed, const void *arg,
			   const nd_ingest_report *rep, const nd_tail_hooks *hooks);

/* Closes the feeds and frees the follower (before the store is closed:
 * it keeps statements of it). Returns nothing. */
void nd_channel_free(nd_channel *c);

/* Runs one round: opens the feeds not open yet and stores what each has.
 * Returns 0 with *new_events set to the events stored, or -1 with err set
 * (a feed or the store failed; nothing of the open transaction is kept). */
int nd_channel_round(nd_channel *c, nd_store *s, uint64_t *new_events, nd_error *err);

/* Returns the follower as a source whose rounds are nd_channel_round. */
nd_source nd_channel_source(nd_channel *c);

#endif
