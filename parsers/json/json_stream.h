/* json_stream: JSON exports of any size: JSON lines (one event object a
 * line, as Winlogbeat's file output and `evtx_dump -o jsonl` write), a
 * sequence of objects, or one array of them (ConvertTo-Json,
 * `evtx_dump -o json` with --separate-json-attributes off), in UTF-8 or
 * UTF-16 (text_decode: invalid sequences become U+FFFD).
 *
 * The text is fed block by block to json-c's incremental tokener, which
 * gives one value at a time; each object is handed to json_event. Memory is
 * one block plus one value: a value larger than ND_JSON_STREAM_MAX_VALUE,
 * one nested deeper than ND_JSON_STREAM_MAX_DEPTH and one that is not JSON
 * are reported with their number and line; outside an array the reader
 * goes on at the next line (a JSON lines file loses that line only), inside
 * one it stops there, as the rest of the array cannot be found again.
 */
#ifndef ND_JSON_STREAM_H
#define ND_JSON_STREAM_H

#include "nd_error.h"
#include "xml_stream.h"

#define ND_JSON_STREAM_MAX_VALUE (4 * 1024 * 1024)
#define ND_JSON_STREAM_MAX_DEPTH 64

/* Reads JSON from read (ctx: its context) to the end, handing each event to
 * sink and adding to *counts (events: values met). wants_id, when set, is
 * asked before a record is built: from the text of a JSON lines record
 * whose id key occurs once (never tokenized when unwanted), else from the
 * parsed value. Returns 0 when the
 * input was read to its end (bad values reported to the sink), -1 with err
 * set when the input could not be read, an array was broken off or the
 * sink stopped. */
int nd_json_stream_read(nd_xml_stream_read_fn read, void *ctx, const nd_xml_stream_sink *sink,
			nd_xml_stream_counts *counts, nd_error *err);

#endif
