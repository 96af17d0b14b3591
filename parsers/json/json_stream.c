#include "json_stream.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json_event.h"
#include "nd_buf.h"
#include "text_decode.h"

/* The reader's state: decoded text not yet fed, and where the tokener is. */
typedef struct stream {
	nd_buf text;
	size_t pos; /* next byte of text to look at */
	json_tokener *tok;
	int in_array;      /* between the '[' and ']' of a top-level array */
	int in_value;      /* the tokener holds part of a value */
	int skip_line;     /* dropping text up to the next line */
	int in_string;     /* the open value is inside a string... */
	int escaped;       /* ...just after a backslash */
	size_t value_size; /* bytes of the open value fed so far */
	uint64_t line;     /* the line pos is on, from 1 */
	uint64_t number;   /* of the open value, from 1 */
	uint64_t value_line;
	nd_record rec;
	const nd_xml_stream_sink *sink;
	nd_xml_stream_counts *counts;
} stream;

/* Counts the line ends in s[0..n) into st->line. Returns nothing. */
static void count_lines(stream *st, const char *s, size_t n)
{
	const char *end = s + n;

	while ((s = memchr(s, '\n', (size_t)(end - s))) != NULL) {
		st->line++;
		s++;
	}
}

/* Follows the strings of the open value through s[0..n). Returns n, or the
 * offset of a raw line end inside a string (not JSON: the rest of a cut
 * line, which json-c would take into the string and so swallow the next
 * line). */
static size_t scan_strings(stream *st, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (st->escaped)
			st->escaped = 0;
		else if (!st->in_string)
			st->in_string = c == '"';
		else if (c == '\\')
			st->escaped = 1;
		else if (c == '"')
			st->in_string = 0;
		else if (c == '\n')
			return i;
	}
	return n;
}

/* Tells the sink that the open value is skipped for why. Returns nothing. */
static void report(stream *st, const char *why)
{
	nd_error msg;

	st->counts->errors++;
	if (!st->sink->problem)
		return;
	nd_error_set(&msg, "value %llu (line %llu): %s; skipped", (unsigned long long)st->number,
		     (unsigned long long)st->value_line, why);
	st->sink->problem(st->sink->ctx, msg.message);
}

/* Drops the open value, which is not JSON, for why: reported, and the rest
 * of its line passed over; inside an array the read stops. Returns 0, or -1
 * with err set. */
static int bad_value(stream *st, const char *why, nd_error *err)
{
	json_tokener_reset(st->tok);
	st->in_value = 0;
	if (st->in_array)
		return nd_error_set(err, "value %llu (line %llu): %s; the rest of the array cannot be read",
				    (unsigned long long)st->number, (unsigned long long)st->value_line, why);
	report(st, why);
	st->skip_line = 1;
	return 0;
}

/* Hands one parsed value to the sink; one that is not an event is
 * reported, one whose id the sink does not want is counted as skipped
 * before its record is built. Returns 0, or -1 with err set when the sink
 * stopped. */
static int one_value(stream *st, json_object *o, nd_error *err)
{
	nd_error e;
	uint32_t id;
	int rc = 0;

	if (!json_object_is_type(o, json_type_object))
		report(st, "not an object");
	else if (st->sink->wants_id && nd_json_event_id(o, &id) == 0 && !st->sink->wants_id(st->sink->ctx, id))
		st->counts->skipped++;
	else if (nd_json_event_parse(o, &st->rec, &e) != 0)
		report(st, e.message);
	else
		rc = st->sink->record(st->sink->ctx, &st->rec, err);
	json_object_put(o);
	return rc;
}

/* The names an event's id has in each shape: Winlogbeat/ECS, evtx_dump,
 * ConvertTo-Json -Compress. */
static const char *const id_keys[] = {"\"event_id\":", "\"EventID\":", "\"Id\":"};

/* Reads the event id of a one-line value s[0..n) from its text, before
 * json-c sees it: the id key of one of the shapes must occur exactly once
 * (not in a string: not after a backslash), followed by a number or a
 * quoted number. Two values on one line, or a string holding a key, give
 * two occurrences; the value is then parsed. Returns 0 with *id set, or -1
 * when the text does not say. */
static int peek_id(const char *s, size_t n, uint32_t *id)
{
	const char *found = NULL, *p, *end = s + n;
	uint64_t v = 0;
	size_t k;

	/* One pass over the quotes, each compared with every key. */
	for (p = s; (p = memchr(p, '"', (size_t)(end - p))) != NULL; p++)
		for (k = 0; k < sizeof(id_keys) / sizeof(id_keys[0]); k++) {
			size_t len = strlen(id_keys[k]);

			if (p[1] != id_keys[k][1] || (size_t)(end - p) < len || memcmp(p, id_keys[k], len) != 0 ||
			    (p > s && p[-1] == '\\'))
				continue;
			if (found)
				return -1;
			found = p + len;
		}
	if (!found)
		return -1;
	while (found < end && (*found == ' ' || *found == '\t'))
		found++;
	p = found < end && *found == '"' ? found + 1 : found;
	for (k = 0; p < end && *p >= '0' && *p <= '9' && k < 10; p++, k++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (k == 0 || k == 10 || v > 0xFFFFFFFFu || (*found == '"' && (p == end || *p != '"')))
		return -1;
	*id = (uint32_t)v;
	return 0;
}

/* Passes over the one-line value at p (a JSON lines record, up to the line
 * end at nl) when its text shows an id the sink does not want: counted as
 * met and skipped, never tokenized. A line that does not end in '}' (a cut
 * one) is left to the tokener, which names it. Returns 1 when passed over,
 * else 0. */
static int skip_unwanted_line(stream *st, const char *p, const char *nl)
{
	const char *last = nl;
	uint32_t id;

	while (last > p && (last[-1] == '\r' || last[-1] == ' ' || last[-1] == '\t'))
		last--;
	if (!st->sink->wants_id || st->in_array || *p != '{' || last == p || last[-1] != '}' ||
	    peek_id(p, (size_t)(last - p), &id) != 0 || st->sink->wants_id(st->sink->ctx, id))
		return 0;
	st->counts->events++;
	st->counts->skipped++;
	return 1;
}

/* Feeds the text not yet looked at to the tokener, value by value. Returns
 * 0, or -1 with err set when an array broke off or the sink stopped. */
static int feed(stream *st, nd_error *err)
{
	const char *s = st->text.data;
	size_t n = st->text.len;

	while (st->pos < n) {
		const char *p = s + st->pos;
		enum json_tokener_error jerr;
		json_object *o;
		const char *nl;
		size_t end, len, line;

		if (st->skip_line) {
			nl = memchr(p, '\n', n - st->pos);
			if (!nl) {
				st->pos = n;
				break;
			}
			st->pos = (size_t)(nl - s) + 1;
			st->line++;
			st->skip_line = 0;
			continue;
		}
		if (!st->in_value) {
			if (*p == '\n')
				st->line++;
			if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || (st->in_array && *p == ',')) {
				st->pos++;
				continue;
			}
			if (n - st->pos >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) { /* a BOM between two exports */
				st->pos += 3;
				continue;
			}
			if (*p == '[' || (st->in_array && *p == ']')) {
				st->in_array = *p == '[';
				st->pos++;
				continue;
			}
			nl = memchr(p, '\n', n - st->pos);
			if (nl && skip_unwanted_line(st, p, nl)) {
				st->pos = (size_t)(nl - s) + 1;
				st->line++;
				continue;
			}
			st->in_value = 1;
			st->in_string = 0;
			st->escaped = 0;
			st->value_size = 0;
			st->number = ++st->counts->events;
			st->value_line = st->line;
		}
		/* Fed a line at a time, so that its strings are followed once. */
		nl = memchr(p, '\n', n - st->pos);
		line = nl ? (size_t)(nl - p) + 1 : n - st->pos;
		len = scan_strings(st, p, line);
		o = json_tokener_parse_ex(st->tok, p, (int)len);
		jerr = json_tokener_get_error(st->tok);
		if (jerr == json_tokener_continue) {
			count_lines(st, p, len);
			st->value_size += len;
			st->pos += len;
			if (len < line) { /* at a line end inside a string */
				if (bad_value(st, "a line end inside a string", err) != 0)
					return -1;
				st->skip_line = 0;
				continue;
			}
			if (st->value_size > ND_JSON_STREAM_MAX_VALUE) {
				if (bad_value(st, "larger than 4 MiB", err) != 0)
					return -1;
				st->skip_line = st->pos == 0 || s[st->pos - 1] != '\n';
			}
			continue;
		}
		end = json_tokener_get_parse_end(st->tok);
		count_lines(st, p, end);
		st->pos += end;
		if (jerr != json_tokener_success) {
			if (bad_value(st, json_tokener_error_desc(jerr), err) != 0)
				return -1;
			continue;
		}
		json_tokener_reset(st->tok);
		st->in_value = 0;
		if (one_value(st, o, err) != 0)
			return -1;
	}
	return 0;
}

int nd_json_stream_read(nd_xml_stream_read_fn read, void *ctx, const nd_xml_stream_sink *sink,
			nd_xml_stream_counts *counts, nd_error *err)
{
	nd_text_decoder dec = {0};
	stream st = {0};
	uint8_t *block = malloc(ND_XML_STREAM_BLOCK);
	int rc = -1;

	st.sink = sink;
	st.counts = counts;
	st.line = 1;
	st.tok = json_tokener_new_ex(ND_JSON_STREAM_MAX_DEPTH);
	nd_record_init(&st.rec);
	if (!block || !st.tok || nd_buf_reserve(&st.text, ND_XML_STREAM_BLOCK) != 0) {
		nd_error_set(err, "out of memory");
		goto done;
	}
	/* Strict: a raw line end inside a string ends a cut line instead of
	 * swallowing the next one. */
	json_tokener_set_flags(st.tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);
	for (;;) {
		size_t got;

		if (read(ctx, block, ND_XML_STREAM_BLOCK, &got, err) != 0)
			goto done;
		if (nd_text_decode(&dec, block, got, &st.text) != 0) {
			nd_error_set(err, "out of memory");
			goto done;
		}
		if (feed(&st, err) != 0)
			goto done;
		st.text.len = 0; /* every byte was fed: the tokener keeps what it needs */
		st.text.data[0] = '\0';
		st.pos = 0;
		if (got == 0)
			break;
	}
	if (st.in_value && bad_value(&st, "the input ends inside it", err) != 0)
		goto done;
	if (st.in_array) {
		nd_error_set(err, "the input ends inside the array");
		goto done;
	}
	rc = 0;
done:
	free(block);
	if (st.tok)
		json_tokener_free(st.tok);
	nd_buf_free(&st.text);
	nd_record_reset(&st.rec);
	return rc;
}
