/* evtxconvert: writes the records of .evtx files as the other inputs an
 * admin hands over, so that the input tests read the same events in every
 * format (docs/inputs.md).
 *
 *   evtxconvert FORMAT FILE.evtx... > OUT
 *
 * FORMAT:
 *   xml       a bare stream of <Event> elements, as `wevtutil qe /f:xml`
 *   events    an <Events> document with <RenderingInfo>, as Event Viewer's
 *             "Save as XML" (UTF-8 with its declaration)
 *   utf16     the same document in UTF-16LE with a byte order mark, as
 *             PowerShell's `>` writes it
 *   ecs       Winlogbeat / Elastic Common Schema JSON lines
 *   evtxdump  the Rust evtx_dump's JSON lines (`evtx_dump -o jsonl`)
 *   winevent  `Get-WinEvent | ConvertTo-Json -Depth 4` from PowerShell 5.1:
 *             one array, UTF-16LE with a byte order mark as its `>` writes
 *   dts, ias, odbc
 *             the NPS decisions (Security 6272/6273) as the lines of an NPS
 *             text accounting log in that format (nps-text-logs.md), the
 *             server's local time being UTC+01:00 (ingest with --tz +01:00);
 *             Computer-Name is the first label of the event's computer
 *
 * For the XML and JSON formats every record is written (not only those npsdiag keeps), rendered from the
 * nd_record the EVTX reader gives, as Windows renders events: named fields
 * as <Data Name='..'>, unnamed ones as <Data>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtx_reader.h"
#include "evtxconvert_json.h"
#include "nd_buf.h"
#include "nd_escape.h"
#include "nd_time.h"

typedef enum out_format {
	OUT_XML,
	OUT_EVENTS,
	OUT_UTF16,
	OUT_ECS,
	OUT_EVTX_DUMP,
	OUT_WINEVENT,
	OUT_DTS,
	OUT_IAS,
	OUT_ODBC
} out_format;

typedef struct conv {
	out_format fmt;
	nd_buf out; /* the document so far (UTF-8) */
	size_t written; /* records written */
} conv;

/* sink: every record is wanted. */
static const void *want_all(void *ctx, const char *provider, const char *source, uint32_t event_id)
{
	(void)provider;
	(void)source;
	(void)event_id;
	return ctx;
}

/* Appends name='value' (escaped) when value is not NULL. Returns 0 or -1. */
static int attr(nd_buf *b, const char *name, const char *value)
{
	if (!value)
		return 0;
	if (nd_buf_printf(b, " %s='", name) != 0 || nd_escape_html(b, value) != 0)
		return -1;
	return nd_buf_append(b, "'", 1);
}

/* Appends <name>text</name> (escaped). Returns 0 or -1. */
static int element(nd_buf *b, const char *name, const char *text)
{
	if (nd_buf_printf(b, "<%s>", name) != 0 || nd_escape_html(b, text ? text : "") != 0)
		return -1;
	return nd_buf_printf(b, "</%s>", name);
}

/* Writes the UTF-8 text s[0..n) as UTF-16LE. Returns 0, or -1. */
static int write_utf16(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp = s[i];
		size_t len = cp < 0x80 ? 1 : cp < 0xE0 ? 2 : cp < 0xF0 ? 3 : 4, k;

		if (len > 1)
			cp &= 0x3Fu >> (len - 1);
		for (k = 1; k < len && i + k < n; k++)
			cp = cp << 6 | (s[i + k] & 0x3Fu);
		i += len;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			putchar((int)(0xD800 + (cp >> 10)) & 0xFF);
			putchar((int)(0xD800 + (cp >> 10)) >> 8);
			cp = 0xDC00 + (cp & 0x3FF);
		}
		putchar((int)(cp & 0xFF));
		putchar((int)(cp >> 8));
	}
	return ferror(stdout) ? -1 : 0;
}

/* Writes out what is rendered, in the output's encoding, and empties it.
 * Returns 0, or -1 on a write error. */
static int flush(conv *c)
{
	int rc = 0;

	if (c->fmt == OUT_UTF16 || c->fmt == OUT_WINEVENT)
		rc = write_utf16((const unsigned char *)c->out.data, c->out.len);
	else if (c->out.len && fwrite(c->out.data, 1, c->out.len, stdout) != c->out.len)
		rc = -1;
	nd_buf_reset(&c->out);
	return rc;
}

/* The text-log formats write local time at this offset from UTC. */
#define TEXT_TZ_TICKS (3600LL * ND_TICKS_PER_SECOND)

/* Returns the field's value, or "". */
static const char *val(const nd_record *r, const char *name)
{
	const char *v = nd_record_field(r, name);

	return v && strcmp(v, "-") != 0 ? v : "";
}

/* Returns NPS's Authentication-Type number for the Security log's name. */
static const char *auth_number(const char *name)
{
	static const char *const names[] = {"",          "PAP",           "MD5-CHAP",      "MS-CHAPv1",
					    "MS-CHAPv2", "EAP",           "ARAP",          "Unauthenticated",
					    "Extension", "MS-CHAPv1 CPW", "MS-CHAPv2 CPW", "PEAP"};
	static const char *const numbers[] = {"", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"};
	size_t i;

	for (i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return numbers[i];
	return "";
}

/* Appends a DTS element when value is not empty. Returns 0 or -1. */
static int dts(nd_buf *b, const char *name, int type, const char *value)
{
	if (!*value)
		return 0;
	if (nd_buf_printf(b, "<%s data_type=\"%d\">", name, type) != 0 || nd_escape_html(b, value) != 0)
		return -1;
	return nd_buf_printf(b, "</%s>", name);
}

/* Renders a 6272/6273 as one text-log line. Returns 0 or -1. */
static int render_text(conv *c, const nd_record *r)
{
	nd_buf *b = &c->out;
	char iso[ND_TIME_ISO_SIZE], date[11], clock[13], host[64];
	const char *type = r->event_id == 6272 ? "2" : "3", *reason = r->event_id == 6272 ? "0" : val(r, "ReasonCode");
	const char *port = strcmp(val(r, "NASPortType"), "Virtual") == 0 ? "5" : "";
	const char *auth = auth_number(val(r, "AuthenticationType"));
	size_t hn = strcspn(r->computer ? r->computer : "", ".");
	int rc = 0;

	nd_time_format(r->time + TEXT_TZ_TICKS, iso);
	snprintf(date, sizeof(date), "%.2s/%.2s/%.4s", iso + 5, iso + 8, iso);
	snprintf(clock, sizeof(clock), "%.12s", iso + 11);
	snprintf(host, sizeof(host), "%.*s", (int)(hn < sizeof(host) ? hn : sizeof(host) - 1),
		 r->computer ? r->computer : "");
	if (c->fmt == OUT_DTS) {
		rc |= nd_buf_printf(b, "<Event><Timestamp data_type=\"4\">%s %s</Timestamp>", date, clock);
		rc |= dts(b, "Computer-Name", 1, host);
		rc |= dts(b, "Event-Source", 1, "IAS");
		rc |= dts(b, "User-Name", 1, val(r, "SubjectUserName"));
		rc |= dts(b, "Fully-Qualifed-User-Name", 1, val(r, "FullyQualifiedSubjectUserName"));
		rc |= dts(b, "Called-Station-Id", 1, val(r, "CalledStationID"));
		rc |= dts(b, "Calling-Station-Id", 1, val(r, "CallingStationID"));
		rc |= dts(b, "NAS-Identifier", 1, val(r, "NASIdentifier"));
		rc |= dts(b, "NAS-IP-Address", 3, val(r, "NASIPv4Address"));
		rc |= dts(b, "NAS-Port-Type", 0, port);
		rc |= dts(b, "Client-IP-Address", 3, val(r, "ClientIPAddress"));
		rc |= dts(b, "Client-Friendly-Name", 1, val(r, "ClientName"));
		rc |= dts(b, "Proxy-Policy-Name", 1, val(r, "ProxyPolicyName"));
		rc |= dts(b, "NP-Policy-Name", 1, val(r, "NetworkPolicyName"));
		rc |= dts(b, "Authentication-Type", 0, auth);
		rc |= dts(b, "EAP-Friendly-Name", 1, val(r, "EAPType"));
		rc |= dts(b, "Packet-Type", 0, type);
		rc |= dts(b, "Reason-Code", 0, reason);
		rc |= nd_buf_printf(b, "</Event>\r\n");
	} else if (c->fmt == OUT_IAS) {
		rc |= nd_buf_printf(b,
				    "%s,%s,%s,%.8s,IAS,%s,4130,%s,31,%s,30,%s,32,%s,61,%s,4108,%s,4128,%s,4154,%s,"
				    "4149,%s,4127,%s,4132,%s,4136,%s,4142,%s\r\n",
				    val(r, "NASIPv4Address"), val(r, "SubjectUserName"), date, clock, host,
				    val(r, "FullyQualifiedSubjectUserName"), val(r, "CallingStationID"),
				    val(r, "CalledStationID"), val(r, "NASIdentifier"), port, val(r, "ClientIPAddress"),
				    val(r, "ClientName"), val(r, "ProxyPolicyName"), val(r, "NetworkPolicyName"), auth,
				    val(r, "EAPType"), type, reason);
	} else {
		/* 66 columns; strings quoted, empty ones left out. */
		const char *col[66] = {0};
		size_t i;

		col[0] = host;
		col[1] = "IAS";
		col[5] = val(r, "SubjectUserName");
		col[6] = val(r, "FullyQualifiedSubjectUserName");
		col[7] = val(r, "CalledStationID");
		col[8] = val(r, "CallingStationID");
		col[11] = val(r, "NASIdentifier");
		col[12] = val(r, "NASIPv4Address");
		col[15] = val(r, "ClientIPAddress");
		col[16] = val(r, "ClientName");
		col[24] = val(r, "NetworkPolicyName");
		col[30] = val(r, "EAPType");
		col[60] = val(r, "ProxyPolicyName");
		for (i = 0; i < 66; i++) {
			if (i)
				rc |= nd_buf_append(b, ",", 1);
			if (i == 2)
				rc |= nd_buf_printf(b, "%s", date);
			else if (i == 3)
				rc |= nd_buf_printf(b, "%.8s", clock);
			else if (i == 4)
				rc |= nd_buf_printf(b, "%s", type);
			else if (i == 19)
				rc |= nd_buf_printf(b, "%s", port);
			else if (i == 23)
				rc |= nd_buf_printf(b, "%s", auth);
			else if (i == 25)
				rc |= nd_buf_printf(b, "%s", reason);
			else if (col[i] && *col[i])
				rc |= nd_buf_printf(b, "\"%s\"", col[i]);
		}
		rc |= nd_buf_printf(b, "\r\n");
	}
	return rc ? -1 : 0;
}

/* sink: renders one record and writes it out. */
static int render(void *ctx, const void *tag, nd_record *r, nd_error *err)
{
	conv *c = ctx;
	nd_buf *b = &c->out;
	char when[ND_TIME_ISO_SIZE];
	size_t i;
	int rc = 0;

	(void)tag;
	if (c->fmt >= OUT_DTS) {
		if ((r->event_id != 6272 && r->event_id != 6273) ||
		    !nd_record_provider_is(r, "Microsoft-Windows-Security-Auditing"))
			return 0;
		if (render_text(c, r) != 0)
			return nd_error_set(err, "out of memory");
		return flush(c) ? nd_error_set(err, "write error") : 0;
	}
	if (c->fmt == OUT_ECS || c->fmt == OUT_EVTX_DUMP || c->fmt == OUT_WINEVENT) {
		if (c->fmt == OUT_WINEVENT && c->written)
			rc |= nd_buf_append(b, ",\r\n", 3);
		rc |= evtxconvert_json(b, r, c->fmt == OUT_ECS ? JSON_ECS : c->fmt == OUT_EVTX_DUMP ? JSON_EVTX_DUMP : JSON_WINEVENT);
		if (c->fmt != OUT_WINEVENT)
			rc |= nd_buf_append(b, "\n", 1);
		c->written++;
		if (rc)
			return nd_error_set(err, "out of memory");
		return flush(c) ? nd_error_set(err, "write error") : 0;
	}
	rc |=
	    nd_buf_printf(b, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider");
	rc |= attr(b, "Name", r->provider);
	rc |= attr(b, "Guid", r->provider_guid);
	rc |= attr(b, "EventSourceName", r->source_name);
	rc |= nd_buf_append(b, "/>", 2);
	if (r->has_qualifiers)
		rc |= nd_buf_printf(b, "<EventID Qualifiers='%u'>%u</EventID>", r->qualifiers, r->event_id);
	else
		rc |= nd_buf_printf(b, "<EventID>%u</EventID>", r->event_id);
	if (r->version >= 0)
		rc |= nd_buf_printf(b, "<Version>%d</Version>", r->version);
	if (r->level >= 0)
		rc |= nd_buf_printf(b, "<Level>%d</Level>", r->level);
	if (r->task >= 0)
		rc |= nd_buf_printf(b, "<Task>%d</Task>", r->task);
	rc |= nd_buf_printf(b, "<Keywords>0x%llx</Keywords>", (unsigned long long)r->keywords);
	if (r->has_time)
		rc |= nd_buf_printf(b, "<TimeCreated SystemTime='%s'/>", nd_time_format(r->time, when));
	rc |= nd_buf_printf(b, "<EventRecordID>%llu</EventRecordID>", (unsigned long long)r->record_id);
	rc |= element(b, "Channel", r->channel);
	rc |= element(b, "Computer", r->computer);
	rc |= nd_buf_printf(b, "<Security");
	rc |= attr(b, "UserID", r->user_sid);
	rc |= nd_buf_printf(b, "/></System>\n<EventData>");
	for (i = 0; i < r->nfields; i++) {
		rc |= nd_buf_printf(b, "<Data");
		rc |= attr(b, "Name", r->fields[i].name);
		rc |= nd_buf_append(b, ">", 1);
		rc |= nd_escape_html(b, r->fields[i].value);
		rc |= nd_buf_printf(b, "</Data>");
	}
	if (r->binary)
		rc |= element(b, "Binary", r->binary);
	rc |= nd_buf_printf(b, "</EventData>");
	if (c->fmt != OUT_XML)
		rc |= nd_buf_printf(b,
				    "<RenderingInfo Culture='en-US'><Message>Event %u &amp; &lt;more&gt;</Message>"
				    "<Level>Information</Level><Keywords><Keyword>Audit</Keyword></Keywords>"
				    "</RenderingInfo>",
				    r->event_id);
	rc |= nd_buf_printf(b, "</Event>\n");
	if (rc)
		return nd_error_set(err, "out of memory");
	return flush(c) ? nd_error_set(err, "write error") : 0;
}

/* sink: problems go to stderr. */
static void on_problem(void *ctx, nd_problem_kind kind, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "evtxconvert: %s: %s\n", kind == ND_PROBLEM_ERROR ? "error" : "warning", msg);
}

/* sink: nothing to do after a chunk. */
static int chunk_done(void *ctx, uint64_t offset, uint32_t fp, uint64_t errors, nd_error *err)
{
	(void)ctx;
	(void)offset;
	(void)fp;
	(void)errors;
	(void)err;
	return 0;
}

/* Returns the exit status: 0 done, 1 a file could not be read, 2 usage. */
int main(int argc, char **argv)
{
	nd_evtx_sink sink = {0};
	conv c = {0};
	int i, status = 0;

	static const char *const names[] = {"xml", "events", "utf16", "ecs", "evtxdump", "winevent", "dts", "ias", "odbc"};
	size_t k;

	for (k = 0; argc >= 3 && k < sizeof(names) / sizeof(names[0]) && strcmp(argv[1], names[k]) != 0; k++)
		;
	if (argc < 3 || k == sizeof(names) / sizeof(names[0])) {
		fprintf(stderr, "usage: evtxconvert xml|events|utf16|ecs|evtxdump|winevent|dts|ias|odbc FILE.evtx...\n");
		return 2;
	}
	c.fmt = (out_format)k;
	if (c.fmt == OUT_UTF16 || c.fmt == OUT_WINEVENT)
		fputs("\xFF\xFE", stdout);
	if (c.fmt == OUT_WINEVENT && nd_buf_printf(&c.out, "[\r\n") != 0)
		return 2;
	if ((c.fmt == OUT_EVENTS || c.fmt == OUT_UTF16) &&
	    nd_buf_printf(&c.out, "<?xml version='1.0' encoding='%s'?>\n<Events>\n",
			  c.fmt == OUT_UTF16 ? "UTF-16" : "UTF-8") != 0)
		return 2;
	sink.ctx = &c;
	sink.chunk_end = chunk_done;
	sink.wants = want_all;
	sink.record = render;
	sink.problem = on_problem;
	for (i = 2; i < argc; i++) {
		nd_evtx_counts counts = {0};
		nd_error err;

		if (nd_evtx_read(argv[i], &sink, &counts, &err) != 0) {
			fprintf(stderr, "evtxconvert: %s\n", err.message);
			status = 1;
		}
	}
	if ((c.fmt == OUT_EVENTS || c.fmt == OUT_UTF16) && nd_buf_printf(&c.out, "</Events>\n") != 0)
		return 2;
	if (c.fmt == OUT_WINEVENT && nd_buf_printf(&c.out, "\r\n]\r\n") != 0)
		return 2;
	if (flush(&c) != 0)
		status = 1;
	nd_buf_free(&c.out);
	return status;
}
