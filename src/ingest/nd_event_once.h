/* nd_event_once: the same event from an export that keeps milliseconds
 * (ECS @timestamp, ConvertTo-Json's /Date(ms)/) and from the .evtx (100 ns)
 * is stored once. The store's unique key compares the full time, so before
 * an event is stored this looks for one with the same computer, channel and
 * record id whose time falls in the same millisecond but differs: if there
 * is one, it is that event (a record id names one event of a log; the time
 * in the key only tells apart the record ids a cleared log reuses, which
 * are hours or days apart). The first one ingested stays, as for
 * nd_decision_once. Events without a record id are left to the store. */
#ifndef ND_EVENT_ONCE_H
#define ND_EVENT_ONCE_H

#include "nd_db.h"
#include "nd_error.h"
#include "nd_record.h"
#include "nd_store.h"

/* The statement of one ingest, prepared on first use. */
typedef struct nd_event_once_state {
	nd_stmt *find;
} nd_event_once_state;

/* Before ev is stored: looks for it stored with another time in the same
 * millisecond. Returns 1 when ev must not be stored (already there), 0 when
 * it must, -1 with err set when the store failed. */
int nd_event_once(nd_event_once_state *o, nd_store *s, const nd_record *ev, nd_error *err);

/* Frees the statement. Returns nothing. */
void nd_event_once_done(nd_event_once_state *o);

#endif
