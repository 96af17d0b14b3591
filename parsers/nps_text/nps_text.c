#include "nps_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_buf.h"
#include "nd_crc32.h"
#include "nd_time.h"
#include "text_decode.h"

/* The ODBC format's column count, and the columns the parser reads. */
#define ODBC_COLUMNS 66
#define ODBC_COMPUTER 0
#define ODBC_DATE 2
#define ODBC_TIME 3
#define ODBC_PACKET_TYPE 4
#define ODBC_CLASS 26
/* The IAS format's header columns and the Packet-Type attribute. */
#define IAS_HEADER 6
#define IAS_PACKET_TYPE "4136"
#define IAS_CLASS "25"

/* Access-Requests remembered for the decision that answers them (by their
 * Class), and the longest request line remembered: memory stays bounded
 * whatever the log holds. */
#define REQUESTS 64
#define REQUEST_MAX_LINE 16384
#define PACKET_REQUEST 1
#define PACKET_ACCEPT 2
#define PACKET_REJECT 3

/* A remembered request: its record (Class, computer and fields). */
typedef struct requests {
	nd_record rec[REQUESTS];
	size_t next; /* the slot the next request takes, oldest first */
} requests;

static const char *const ias_header[IAS_HEADER] = {"NAS-IP-Address", "User-Name",    "Record-Date",
						   "Record-Time",    "Service-Name", "Computer-Name"};

/* One value of a comma-separated line, as a slice of the line (quotes
 * removed; "" inside quotes is kept doubled and undone by put_value). */
typedef struct slice {
	const char *p;
	size_t n;
	int quoted;
} slice;

/* Splits line into at most max values at commas outside double quotes.
 * Returns the number of values. */
static size_t split(const char *line, size_t n, slice *out, size_t max)
{
	size_t i = 0, k = 0;

	while (k < max) {
		slice *s = &out[k++];

		memset(s, 0, sizeof(*s));
		if (i < n && line[i] == '"') {
			size_t j = ++i;

			while (j < n && !(line[j] == '"' && (j + 1 >= n || line[j + 1] != '"')))
				j += line[j] == '"' ? 2 : 1;
			s->p = line + i;
			s->n = (j < n ? j : n) - i;
			s->quoted = 1;
			i = j < n ? j + 1 : n;
			while (i < n && line[i] != ',')
				i++;
		} else {
			const char *c = memchr(line + i, ',', n - i);

			s->p = line + i;
			s->n = (c ? (size_t)(c - line) : n) - i;
			i += s->n;
		}
		if (i >= n)
			break;
		i++; /* the comma */
	}
	return k;
}

/* Returns 1 if the n bytes at s are digits, else 0. */
static int digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/* Returns 1 if s is MM/DD/YYYY, else 0. */
static int is_date(const slice *s)
{
	return s->n == 10 && digits(s->p, 2) && s->p[2] == '/' && digits(s->p + 3, 2) && s->p[5] == '/' &&
	       digits(s->p + 6, 4);
}

/* Returns 1 if s is HH:MM:SS, else 0. */
static int is_clock(const slice *s)
{
	return s->n == 8 && digits(s->p, 2) && s->p[2] == ':' && digits(s->p + 3, 2) && s->p[5] == ':' &&
	       digits(s->p + 6, 2);
}

/* Returns 1 if s is the text lit, else 0. */
static int slice_is(const slice *s, const char *lit)
{
	return strlen(lit) == s->n && memcmp(s->p, lit, s->n) == 0;
}

nd_nps_text_format nd_nps_text_line_format(const char *line, size_t n)
{
	slice v[7];
	size_t k;

	if (n >= 17 && memcmp(line, "<Event><Timestamp", 17) == 0)
		return ND_NPS_TEXT_DTS;
	k = split(line, n, v, 7);
	if (k == 7 && v[0].quoted && slice_is(&v[1], "IAS") && is_date(&v[2]) && is_clock(&v[3]))
		return ND_NPS_TEXT_ODBC;
	if (k == 7 && is_date(&v[2]) && is_clock(&v[3]) && slice_is(&v[4], "IAS"))
		return ND_NPS_TEXT_IAS;
	return ND_NPS_TEXT_NONE;
}

/* Sets *ticks from a local date MM/DD/YYYY and time HH:MM:SS[.fff] and the
 * zone's offset. Returns 0, or -1 when they are no time. */
static int local_time(const char *date, size_t dn, const char *clock, size_t cn, int64_t tz_offset_s, int64_t *ticks)
{
	char iso[48];

	if (dn != 10 || cn < 8 || cn > 20)
		return -1;
	snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT%.*sZ", date + 6, date, date + 3, (int)cn, clock);
	if (nd_time_parse_iso(iso, ticks) != 0)
		return -1;
	*ticks -= tz_offset_s * ND_TICKS_PER_SECOND;
	return 0;
}

/* Appends a field: the value of s, "" quotes undone. Returns 0, or -1 when
 * out of memory. */
static int put_value(nd_record *rec, const char *name, const slice *s, nd_buf *tmp)
{
	size_t i;

	nd_buf_reset(tmp);
	for (i = 0; i < s->n; i++)
		if (nd_buf_append(tmp, s->p + i, 1) != 0)
			return -1;
		else if (s->quoted && s->p[i] == '"' && i + 1 < s->n && s->p[i + 1] == '"')
			i++;
	return nd_record_add_field(rec, name, tmp->data ? tmp->data : "", tmp->len);
}

/* Sets the packet type (the event id) from its text. Returns 0, or -1. */
static int packet_type(nd_record *rec, const char *s, size_t n)
{
	char num[16];

	if (!digits(s, n) || n > 9)
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	rec->event_id = (uint32_t)strtoul(num, NULL, 10);
	return 0;
}

/* Parses an ODBC line. Returns 0, or -1 with err set. */
static int parse_odbc(const char *line, size_t n, int64_t tz, nd_record *rec, nd_buf *tmp, nd_error *err)
{
	slice v[ODBC_COLUMNS + 1];
	size_t k = split(line, n, v, ODBC_COLUMNS + 1), i;

	if (k != ODBC_COLUMNS)
		return nd_error_set(err, "%zu columns, not %d", k, ODBC_COLUMNS);
	if (local_time(v[ODBC_DATE].p, v[ODBC_DATE].n, v[ODBC_TIME].p, v[ODBC_TIME].n, tz, &rec->time) != 0)
		return nd_error_set(err, "no date and time");
	if (packet_type(rec, v[ODBC_PACKET_TYPE].p, v[ODBC_PACKET_TYPE].n) != 0)
		return nd_error_set(err, "no packet type");
	for (i = 0; i < k; i++)
		if (put_value(rec, NULL, &v[i], tmp) != 0)
			return nd_error_set(err, "out of memory");
	return nd_record_set_string(&rec->computer, v[ODBC_COMPUTER].p, v[ODBC_COMPUTER].n)
		   ? nd_error_set(err, "out of memory")
		   : 0;
}

/* Parses an IAS line. Returns 0, or -1 with err set. */
static int parse_ias(const char *line, size_t n, int64_t tz, nd_record *rec, nd_buf *tmp, nd_error *err)
{
	size_t k, i, max = n / 2 + 2;
	slice *v = malloc(max * sizeof(*v));
	int rc = -1;

	if (!v)
		return nd_error_set(err, "out of memory");
	k = split(line, n, v, max);
	if (k < IAS_HEADER || local_time(v[2].p, v[2].n, v[3].p, v[3].n, tz, &rec->time) != 0) {
		nd_error_set(err, "no date and time");
		goto done;
	}
	for (i = 0; i < IAS_HEADER; i++)
		if (put_value(rec, ias_header[i], &v[i], tmp) != 0)
			goto oom;
	for (i = IAS_HEADER; i + 1 < k; i += 2) {
		char id[16];

		if (!digits(v[i].p, v[i].n) || v[i].n >= sizeof(id)) {
			nd_error_set(err, "attribute %zu is not a number", (i - IAS_HEADER) / 2 + 1);
			goto done;
		}
		memcpy(id, v[i].p, v[i].n);
		id[v[i].n] = '\0';
		if (strcmp(id, IAS_PACKET_TYPE) == 0 && packet_type(rec, v[i + 1].p, v[i + 1].n) != 0) {
			nd_error_set(err, "bad packet type");
			goto done;
		}
		if (put_value(rec, id, &v[i + 1], tmp) != 0)
			goto oom;
	}
	if (!nd_record_field(rec, IAS_PACKET_TYPE)) {
		nd_error_set(err, "no packet type");
		goto done;
	}
	if (nd_record_set_string(&rec->computer, v[5].p, v[5].n) != 0)
		goto oom;
	rc = 0;
	goto done;
oom:
	nd_error_set(err, "out of memory");
done:
	free(v);
	return rc;
}

/* Appends the XML text s[0..n) with its entities decoded. Returns 0, or
 * -1 when out of memory. */
static int xml_text(nd_buf *b, const char *s, size_t n)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
	size_t i, e;

	for (i = 0; i < n; i++) {
		char c = s[i];

		for (e = 0; c == '&' && e < sizeof(ents) / sizeof(ents[0]); e++)
			if (n - i >= strlen(ents[e].ent) && memcmp(s + i, ents[e].ent, strlen(ents[e].ent)) == 0) {
				c = ents[e].c;
				i += strlen(ents[e].ent) - 1;
				break;
			}
		if (nd_buf_append(b, &c, 1) != 0)
			return -1;
	}
	return 0;
}

/* Parses a DTS line: <Event> holding <Name data_type="n">value</Name>
 * elements. Returns 0, or -1 with err set. */
static int parse_dts(const char *line, size_t n, int64_t tz, nd_record *rec, nd_buf *tmp, nd_error *err)
{
	const char *p = line + 7, *end = line + n, *ts, *pt, *name;

	while (p < end && *p == '<' && p + 1 < end && p[1] != '/') {
		const char *gt = memchr(p, '>', (size_t)(end - p)), *close;
		char fname[128];
		size_t nl;

		name = p + 1;
		for (nl = 0; name + nl < end && name[nl] != ' ' && name[nl] != '>' && name[nl] != '/'; nl++)
			;
		if (!gt || nl == 0 || nl >= sizeof(fname))
			return nd_error_set(err, "malformed element");
		memcpy(fname, name, nl);
		fname[nl] = '\0';
		if (gt[-1] == '/') { /* <Name/>: empty */
			if (nd_record_add_field(rec, fname, "", 0) != 0)
				return nd_error_set(err, "out of memory");
			p = gt + 1;
			continue;
		}
		close = memchr(gt + 1, '<', (size_t)(end - gt - 1));
		if (!close || end - close < (ptrdiff_t)(nl + 3) || close[1] != '/' ||
		    memcmp(close + 2, name, nl) != 0 || close[2 + nl] != '>')
			return nd_error_set(err, "element <%s> not closed", fname);
		nd_buf_reset(tmp);
		if (xml_text(tmp, gt + 1, (size_t)(close - gt - 1)) != 0 ||
		    nd_record_add_field(rec, fname, tmp->data ? tmp->data : "", tmp->len) != 0)
			return nd_error_set(err, "out of memory");
		p = close + nl + 3;
	}
	ts = nd_record_field(rec, "Timestamp");
	pt = nd_record_field(rec, "Packet-Type");
	if (!ts || strlen(ts) < 19 || local_time(ts, 10, ts + 11, strlen(ts + 11), tz, &rec->time) != 0)
		return nd_error_set(err, "no Timestamp");
	if (!pt || packet_type(rec, pt, strlen(pt)) != 0)
		return nd_error_set(err, "no Packet-Type");
	name = nd_record_field(rec, "Computer-Name");
	return nd_record_set_string(&rec->computer, name ? name : "", name ? strlen(name) : 0)
		   ? nd_error_set(err, "out of memory")
		   : 0;
}

int nd_nps_text_parse_line(const char *line, size_t n, int64_t tz_offset_s, nd_record *rec, nd_error *err)
{
	nd_nps_text_format f = nd_nps_text_line_format(line, n);
	nd_buf tmp = {0};
	int rc;

	nd_record_reset(rec);
	if (f == ND_NPS_TEXT_NONE)
		return nd_error_set(err, "not an NPS log line");
	if (nd_record_set_string(&rec->provider, ND_NPS_TEXT_PROVIDER, strlen(ND_NPS_TEXT_PROVIDER)) != 0 ||
	    nd_record_set_string(&rec->channel, ND_NPS_TEXT_CHANNEL, strlen(ND_NPS_TEXT_CHANNEL)) != 0)
		return nd_error_set(err, "out of memory");
	rc = f == ND_NPS_TEXT_DTS    ? parse_dts(line, n, tz_offset_s, rec, &tmp, err)
	     : f == ND_NPS_TEXT_ODBC ? parse_odbc(line, n, tz_offset_s, rec, &tmp, err)
				     : parse_ias(line, n, tz_offset_s, rec, &tmp, err);
	nd_buf_free(&tmp);
	rec->has_time = rc == 0;
	rec->record_id = nd_crc32(0, (const uint8_t *)line, n);
	return rc;
}

/* Returns the Class of a record (DTS <Class>, IAS attribute 25, ODBC
 * column 27), or NULL when it has none. */
static const char *class_of(const nd_record *rec)
{
	const char *v = nd_record_field(rec, "Class");

	if (!v)
		v = nd_record_field(rec, IAS_CLASS);
	if (!v && rec->nfields == ODBC_COLUMNS && !rec->fields[ODBC_CLASS].name)
		v = rec->fields[ODBC_CLASS].value;
	return v && *v ? v : NULL;
}

/* Returns the field of rec that the request's field i (named, or at
 * position i when unnamed) corresponds to, or NULL when rec has none. */
static nd_field *counterpart(nd_record *rec, const nd_field *f, size_t i)
{
	size_t j;

	if (!f->name)
		return i < rec->nfields && !rec->fields[i].name ? &rec->fields[i] : NULL;
	for (j = 0; j < rec->nfields; j++)
		if (rec->fields[j].name && strcmp(rec->fields[j].name, f->name) == 0)
			return &rec->fields[j];
	return NULL;
}

/* Copies the values of request req that decision rec lacks into rec: a
 * named field rec does not have or leaves empty, a positional (ODBC) value
 * rec leaves empty. Returns 0, or -1 when out of memory. */
static int merge(nd_record *rec, const nd_record *req)
{
	size_t i;

	for (i = 0; i < req->nfields; i++) {
		const nd_field *f = &req->fields[i];
		nd_field *mine = counterpart(rec, f, i);
		size_t len = strlen(f->value);

		if (!len || (mine && *mine->value))
			continue;
		if (mine ? nd_record_set_field_value(rec, (size_t)(mine - rec->fields), f->value, len) != 0
			 : f->name && nd_record_add_field(rec, f->name, f->value, len) != 0)
			return -1;
	}
	return 0;
}

/* Joins an Access-Request and its decision by their Class (the decision
 * lines of the ODBC and IAS formats carry no User-Name or
 * Calling-Station-Id): a request of at most REQUEST_MAX_LINE bytes is
 * remembered (the REQUESTS latest), and an Accept or Reject of the same NPS
 * server and Class is given the request's values it lacks. Returns 0, or
 * -1 when out of memory. */
static int join_request(requests *q, nd_record *rec, size_t line_len)
{
	const char *cls = class_of(rec);
	size_t i;

	if (!cls)
		return 0;
	if (rec->event_id == PACKET_REQUEST) {
		nd_record *slot = &q->rec[q->next];

		if (line_len > REQUEST_MAX_LINE)
			return 0;
		nd_record_reset(slot);
		q->next = (q->next + 1) % REQUESTS;
		if (nd_record_set_string(&slot->computer, rec->computer ? rec->computer : "",
					 rec->computer ? strlen(rec->computer) : 0) != 0)
			return -1;
		for (i = 0; i < rec->nfields; i++)
			if (nd_record_add_field(slot, rec->fields[i].name, rec->fields[i].value,
						strlen(rec->fields[i].value)) != 0)
				return -1;
		return 0;
	}
	if (rec->event_id != PACKET_ACCEPT && rec->event_id != PACKET_REJECT)
		return 0;
	/* The latest request of that Class first. */
	for (i = REQUESTS; i > 0; i--) {
		const nd_record *req = &q->rec[(q->next + i - 1) % REQUESTS];
		const char *rc = req->nfields ? class_of(req) : NULL;

		if (rc && strcmp(rc, cls) == 0 && strcmp(req->computer, rec->computer ? rec->computer : "") == 0)
			return merge(rec, req);
	}
	return 0;
}

/* Hands one line on. Returns 0, or -1 with err set when the sink stopped. */
static int one_line(const char *line, size_t n, uint64_t number, int64_t tz, nd_record *rec, requests *q,
		    const nd_xml_stream_sink *sink, nd_xml_stream_counts *counts, nd_error *err)
{
	nd_error e;

	while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	while (n && (*line == ' ' || *line == '\t')) {
		line++;
		n--;
	}
	if (n == 0)
		return 0;
	counts->events++;
	if (nd_nps_text_parse_line(line, n, tz, rec, &e) != 0) {
		counts->errors++;
		if (sink->problem) {
			nd_error msg;

			nd_error_set(&msg, "line %llu: %s; skipped", (unsigned long long)number, e.message);
			sink->problem(sink->ctx, msg.message);
		}
		return 0;
	}
	if (join_request(q, rec, n) != 0)
		return nd_error_set(err, "out of memory");
	return sink->record(sink->ctx, rec, err);
}

int nd_nps_text_read(nd_xml_stream_read_fn read, void *ctx, int64_t tz_offset_s, const nd_xml_stream_sink *sink,
		     nd_xml_stream_counts *counts, nd_error *err)
{
	nd_text_decoder dec = {0};
	nd_buf text = {0};
	nd_record rec;
	requests *q = calloc(1, sizeof(*q));
	uint8_t *block = malloc(ND_XML_STREAM_BLOCK);
	uint64_t number = 0;
	size_t i;
	int rc = -1, too_long = 0;

	nd_record_init(&rec);
	for (i = 0; q && i < REQUESTS; i++)
		nd_record_init(&q->rec[i]);
	if (!block || !q) {
		nd_error_set(err, "out of memory");
		goto done;
	}
	for (;;) {
		size_t got, start = 0;
		const char *nl;

		if (read(ctx, block, ND_XML_STREAM_BLOCK, &got, err) != 0)
			goto done;
		if (nd_text_decode(&dec, block, got, &text) != 0) {
			nd_error_set(err, "out of memory");
			goto done;
		}
		while (text.len > start && (nl = memchr(text.data + start, '\n', text.len - start))) {
			size_t n = (size_t)(nl - text.data) - start;

			number++;
			if (!too_long &&
			    one_line(text.data + start, n, number, tz_offset_s, &rec, q, sink, counts, err) != 0)
				goto done;
			too_long = 0;
			start += n + 1;
		}
		if (got == 0) {
			if (text.len > start && !too_long &&
			    one_line(text.data + start, text.len - start, ++number, tz_offset_s, &rec, q, sink, counts,
				     err) != 0)
				goto done;
			break;
		}
		memmove(text.data, text.data + start, text.len - start);
		text.len -= start;
		if (text.len > ND_NPS_TEXT_MAX_LINE && !too_long) {
			counts->events++;
			counts->errors++;
			if (sink->problem) {
				nd_error msg;

				nd_error_set(&msg, "line %llu: longer than 1 MiB; skipped",
					     (unsigned long long)number + 1);
				sink->problem(sink->ctx, msg.message);
			}
			too_long = 1;
		}
		if (too_long)
			text.len = 0;
	}
	rc = 0;
done:
	free(block);
	nd_buf_free(&text);
	nd_record_reset(&rec);
	for (i = 0; q && i < REQUESTS; i++)
		nd_record_reset(&q->rec[i]);
	free(q);
	return rc;
}
