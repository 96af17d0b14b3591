/* xml_stream: event XML exports of any size: a bare stream of <Event>
 * elements (`wevtutil qe /f:xml`), an <Events> document (Event Viewer's
 * "Save as XML", `wevtutil /e:Events`) or Get-WinEvent's ToXml() output,
 * with or without <RenderingInfo>, in UTF-8 or UTF-16 (with or without a
 * byte order mark).
 *
 * The input is read in blocks and converted to UTF-8 (invalid sequences
 * become U+FFFD); each complete <Event>...</Event> is cut out and handed to
 * the tolerant one-event parser (event_xml), so that what an export and
 * the .evtx it came from give is the same record. Memory is one block plus
 * one event: an event larger than ND_XML_STREAM_MAX_EVENT is reported and
 * skipped, and text between events is never kept.
 */
#ifndef ND_XML_STREAM_H
#define ND_XML_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "nd_error.h"
#include "nd_record.h"

#define ND_XML_STREAM_BLOCK (64 * 1024)
#define ND_XML_STREAM_MAX_EVENT (4 * 1024 * 1024)

/* Where the bytes come from: reads up to n bytes into buf. Returns 0 with
 * *got set (0 at the end of the input), or -1 with err set. */
typedef int (*nd_xml_stream_read_fn)(void *ctx, void *buf, size_t n, size_t *got, nd_error *err);

typedef struct nd_xml_stream_sink {
	void *ctx;
	/* Asked with an event's EventID, read without parsing the event,
	 * before it is parsed. Returns 1 to parse it, 0 to skip it (counted in
	 * skipped). May be NULL: every event is parsed. */
	int (*wants_id)(void *ctx, uint32_t event_id);
	/* Given each event parsed. Returns 0, or -1 to stop (err set): only
	 * for failures of the sink itself, such as the database. */
	int (*record)(void *ctx, nd_record *rec, nd_error *err);
	/* Told of an event that could not be read; msg says which (its number
	 * in the input, counting from 1) and why, without the input's name. */
	void (*problem)(void *ctx, const char *msg);
} nd_xml_stream_sink;

typedef struct nd_xml_stream_counts {
	uint64_t events; /* <Event> elements met */
	uint64_t errors;  /* of them, unreadable */
	uint64_t skipped; /* of them, not wanted by wants_id */
} nd_xml_stream_counts;

/* Reads event XML from read (ctx: its context) to the end, handing each
 * event to sink and adding to *counts. Returns 0 when the input was read
 * to its end (bad events reported to the sink), -1 with err set when the
 * input could not be read or the sink stopped. */
int nd_xml_stream_read(nd_xml_stream_read_fn read, void *ctx, const nd_xml_stream_sink *sink,
		       nd_xml_stream_counts *counts, nd_error *err);

#endif
