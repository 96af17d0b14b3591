/* nps_text: the text accounting logs NPS writes (%windir%\System32\LogFiles
 * \IN*.log), one RADIUS packet per line, in any of its three formats:
 *
 *   DTS   <Event><Timestamp data_type="4">..</Timestamp><Computer-Name ..>
 *         one XML element per attribute: fields named after the elements
 *   ODBC  "NPS01","IAS",03/14/2025,10:12:43,3,...: 66 comma-separated
 *         columns: positional (unnamed) fields, in column order
 *   IAS   192.0.2.20,alice,03/14/2025,10:12:43,IAS,NPS01,id,value,...: six
 *         header columns, then attribute id/value pairs: fields named by
 *         the attribute's number ("4142")
 *
 * Each line becomes one nd_record: provider ND_NPS_TEXT_PROVIDER, channel
 * ND_NPS_TEXT_CHANNEL, event id the RADIUS Packet-Type (1 request,
 * 2 accept, 3 reject, 4/5 accounting, 11 challenge), computer the NPS
 * server's name, record id a CRC of the line (the log has none: the same
 * line read twice is the same record), time the record's time. The logs
 * write local time without saying which zone: the caller gives the offset
 * (local minus UTC). What the fields mean is the event model's business.
 */
#ifndef ND_NPS_TEXT_H
#define ND_NPS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "nd_error.h"
#include "nd_record.h"
#include "xml_stream.h"

#define ND_NPS_TEXT_PROVIDER "NPS-TextLog"
#define ND_NPS_TEXT_CHANNEL "NPS text log"
#define ND_NPS_TEXT_MAX_LINE (1024 * 1024)

typedef enum nd_nps_text_format {
	ND_NPS_TEXT_NONE,
	ND_NPS_TEXT_DTS,
	ND_NPS_TEXT_ODBC,
	ND_NPS_TEXT_IAS
} nd_nps_text_format;

/* Returns the format of one line (without its end of line), or
 * ND_NPS_TEXT_NONE when it is none of them. */
nd_nps_text_format nd_nps_text_line_format(const char *line, size_t n);

/* Parses one line into rec (reset first); tz_offset_s is local time minus
 * UTC, in seconds. Returns 0, or -1 with err set when the line is not a
 * record (no time, no packet type). */
int nd_nps_text_parse_line(const char *line, size_t n, int64_t tz_offset_s, nd_record *rec, nd_error *err);

/* Reads a log to its end, line by line (any encoding text_decode knows),
 * handing each record to sink (record, and problem with "line N: why"),
 * adding to *counts (events: lines holding a record). Returns 0, or -1 with
 * err set when the input could not be read or the sink stopped. */
int nd_nps_text_read(nd_xml_stream_read_fn read, void *ctx, int64_t tz_offset_s, const nd_xml_stream_sink *sink,
		     nd_xml_stream_counts *counts, nd_error *err);

#endif
