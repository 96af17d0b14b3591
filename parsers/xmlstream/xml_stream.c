#include "xml_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_xml.h"
#include "nd_buf.h"
#include "text_decode.h"

/* The reader's state: decoded text not yet handed on, and where in it the
 * open event starts. */
typedef struct stream {
	nd_buf text;
	int in_event;    /* text starts with an open <Event> */
	size_t scan;     /* where to look for its end from */
	int skipping;    /* the open event was too large: drop it */
	uint64_t number; /* of the open event, from 1 */
	nd_record rec;
	const nd_xml_stream_sink *sink;
	nd_xml_stream_counts *counts;
} stream;

/* Returns 1 if c may follow an element name, else 0. */
static int name_end(char c)
{
	return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Finds "<Event" as a whole element name in s[from..n). Returns its
 * offset, or n when there is none (a possible start cut by the end of the
 * text is not looked at: it is found when more text came). */
static size_t find_open(const char *s, size_t from, size_t n)
{
	size_t i;

	for (i = from; i + 7 <= n; i++) {
		const char *lt = memchr(s + i, '<', n - i);

		if (!lt)
			return n;
		i = (size_t)(lt - s);
		if (i + 7 <= n && memcmp(lt, "<Event", 6) == 0 && name_end(lt[6]))
			return i;
	}
	return n;
}

/* Finds the end of "</Event>" (white space allowed before its '>') in
 * s[from..n). Returns the offset just past it, or 0 when there is none. */
static size_t find_close(const char *s, size_t from, size_t n)
{
	size_t i;

	for (i = from; i + 8 <= n; i++) {
		const char *lt = memchr(s + i, '<', n - i);
		size_t j;

		if (!lt)
			return 0;
		i = (size_t)(lt - s);
		if (i + 8 > n || memcmp(lt, "</Event", 7) != 0)
			continue;
		for (j = i + 7; j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n'); j++)
			;
		if (j < n && s[j] == '>')
			return j + 1;
	}
	return 0;
}

/* Tells the sink why the open event is skipped. Returns nothing. */
static void problem(stream *st, const char *why)
{
	nd_error msg;

	st->counts->errors++;
	if (!st->sink->problem)
		return;
	nd_error_set(&msg, "event %llu: %s; skipped", (unsigned long long)st->number, why);
	st->sink->problem(st->sink->ctx, msg.message);
}

/* Reads the first <EventID ...>N</EventID> of the event in s[0..n) into
 * *id. Returns 1 when there is one, else 0. */
static int peek_event_id(const char *s, size_t n, uint32_t *id)
{
	size_t i;

	for (i = 0; i + 9 <= n; i++) {
		const char *lt = memchr(s + i, '<', n - i);
		uint64_t v = 0;
		size_t j;

		if (!lt)
			return 0;
		i = (size_t)(lt - s);
		if (i + 9 > n || memcmp(lt, "<EventID", 8) != 0 || (lt[8] != '>' && lt[8] != ' '))
			continue;
		for (j = i + 8; j < n && s[j] != '>'; j++)
			;
		for (j++; j < n && s[j] >= '0' && s[j] <= '9' && v <= UINT32_MAX; j++)
			v = v * 10 + (uint64_t)(s[j] - '0');
		if (j >= n || s[j] != '<' || v > UINT32_MAX)
			return 0;
		*id = (uint32_t)v;
		return 1;
	}
	return 0;
}

/* Parses the event in text[0..len) and hands it on. Returns 0, or -1 with
 * err set when the sink stopped. */
static int one_event(stream *st, size_t len, nd_error *err)
{
	nd_error e;
	uint32_t id;
	int rc;

	/* The events no one wants are passed over without being parsed (a
	 * Security export is mostly logons). */
	if (st->sink->wants_id && peek_event_id(st->text.data, len, &id) && !st->sink->wants_id(st->sink->ctx, id)) {
		st->counts->skipped++;
		return 0;
	}
	rc = nd_xml_parse_event(st->text.data, len, &st->rec, NULL, &e);
	if (rc <= 0) {
		problem(st, rc < 0 ? e.message : "no event");
		return 0;
	}
	return st->sink->record(st->sink->ctx, &st->rec, err);
}

/* Drops the first n bytes of the text. Returns nothing. */
static void drop(stream *st, size_t n)
{
	memmove(st->text.data, st->text.data + n, st->text.len - n);
	st->text.len -= n;
	st->text.data[st->text.len] = '\0';
}

/* Hands on every complete event in the text and keeps only what may still
 * become one. Returns 0, or -1 with err set when the sink stopped. */
static int cut_events(stream *st, nd_error *err)
{
	for (;;) {
		size_t at, end;

		if (!st->in_event) {
			at = find_open(st->text.data, 0, st->text.len);
			if (at == st->text.len) { /* keep what may be a cut "<Event" */
				if (st->text.len > 6)
					drop(st, st->text.len - 6);
				return 0;
			}
			drop(st, at);
			st->in_event = 1;
			st->scan = 6;
			st->number = ++st->counts->events;
			st->skipping = 0;
		}
		end = find_close(st->text.data, st->scan, st->text.len);
		if (!end) {
			if (st->text.len > ND_XML_STREAM_MAX_EVENT && !st->skipping) {
				problem(st, "larger than 4 MiB");
				st->skipping = 1;
			}
			if (st->skipping && st->text.len > 8) { /* keep only what may be a cut "</Event" */
				drop(st, st->text.len - 8);
				st->scan = 0;
			} else {
				st->scan = st->text.len > 8 ? st->text.len - 8 : 0;
			}
			return 0;
		}
		if (!st->skipping && one_event(st, end, err) != 0)
			return -1;
		drop(st, end);
		st->in_event = 0;
	}
}

int nd_xml_stream_read(nd_xml_stream_read_fn read, void *ctx, const nd_xml_stream_sink *sink,
		       nd_xml_stream_counts *counts, nd_error *err)
{
	nd_text_decoder dec = {0};
	stream st = {0};
	uint8_t *block = malloc(ND_XML_STREAM_BLOCK);
	int rc = -1;

	st.sink = sink;
	st.counts = counts;
	nd_record_init(&st.rec);
	if (!block || nd_buf_reserve(&st.text, ND_XML_STREAM_BLOCK) != 0) {
		nd_error_set(err, "out of memory");
		goto done;
	}
	for (;;) {
		size_t got;

		if (read(ctx, block, ND_XML_STREAM_BLOCK, &got, err) != 0)
			goto done;
		if (nd_text_decode(&dec, block, got, &st.text) != 0) {
			nd_error_set(err, "out of memory");
			goto done;
		}
		if (cut_events(&st, err) != 0)
			goto done;
		if (got == 0)
			break;
	}
	if (st.in_event && !st.skipping)
		problem(&st, "the input ends inside it");
	rc = 0;
done:
	free(block);
	nd_buf_free(&st.text);
	nd_record_reset(&st.rec);
	return rc;
}
