/* nd_evtlog: reads a Windows event log channel live through the Windows
 * Event Log API (wevtapi: a pull subscription, EvtRender), for tail
 * --channel. Each event comes as its XML rendering (the shape wevtutil
 * prints, read by parsers/xml/event_xml), and a bookmark (its XML
 * rendering, opaque to the caller) says where reading stands: stored with
 * the events it covers, it lets a restarted reader start just after them.
 *
 * The query asks only for the events the caller keeps: providers and
 * ranges of event ids, handed down as data (this layer knows no event
 * families). nd_evtlog_query builds it on every system, so that its text
 * is tested where Windows is not; reading works only on Windows
 * (nd_evtlog_win.c), elsewhere opening fails with an error that says so
 * (nd_evtlog_posix.c). */
#ifndef ND_EVTLOG_H
#define ND_EVTLOG_H

#include <stddef.h>
#include <stdint.h>

#include "nd_buf.h"
#include "nd_error.h"

/* Event ids first to last, both included. */
typedef struct nd_evtlog_range {
	uint32_t first, last;
} nd_evtlog_range;

/* The events of one provider (its name as Windows renders
 * System/Provider/@Name) whose id lies in one of the ranges. */
typedef struct nd_evtlog_select {
	const char *provider;
	const nd_evtlog_range *ranges;
	size_t nranges;
} nd_evtlog_select;

/* The XPath expressions Windows allows in one <Select> of a structured
 * query; a provider with more ranges gets several. */
#define ND_EVTLOG_SELECT_EXPRESSIONS 32

typedef struct nd_evtlog nd_evtlog;

/* Appends to out the structured XML query (<QueryList>) that asks channel
 * for the events of each of sel[0..nsel): one <Select> per provider (more
 * when its ranges need over ND_EVTLOG_SELECT_EXPRESSIONS expressions), each
 * "*[System[Provider[@Name='P'] and (EventID=1 or (EventID>=2 and
 * EventID<=9))]]", XML-escaped. Returns 0, or -1 when out of memory or a
 * provider name holds both quote characters (an XPath literal cannot). */
int nd_evtlog_query(nd_buf *out, const char *channel, const nd_evtlog_select *sel, size_t nsel);

/* Subscribes to the events query (from nd_evtlog_query) selects in channel:
 * those after bookmark (a rendering from nd_evtlog_bookmark), or with
 * bookmark NULL every one the log holds, then those written later.
 * Returns 0 with *out set, or -1 with err set (not Windows, no such
 * channel, access denied: err says which and what is needed). */
int nd_evtlog_open(nd_evtlog **out, const char *channel, const char *query, const char *bookmark, nd_error *err);

/* Takes the next event. Returns 1 with *xml (len bytes, UTF-8, valid until
 * the next call) its XML rendering, 0 when no further event is there yet,
 * or -1 with err set. */
int nd_evtlog_next(nd_evtlog *l, const char **xml, size_t *len, nd_error *err);

/* Returns the rendering of the bookmark just after the last event
 * nd_evtlog_next gave (NUL-terminated, valid until the next call), or
 * NULL with err set. */
const char *nd_evtlog_bookmark(nd_evtlog *l, nd_error *err);

/* Ends the subscription. Returns nothing. */
void nd_evtlog_close(nd_evtlog *l);

#endif
