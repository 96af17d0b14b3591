/* Unit tests of parsers/xmlstream/xml_stream: events cut out of a stream
 * whatever the read sizes, unwanted ids passed over unparsed, bad events
 * counted and named, a cut end reported. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "xml_stream.h"

/* A source handing out the text step bytes at a time. */
typedef struct source {
	const char *text;
	size_t len, pos, step;
} source;

/* The test's sink state. */
typedef struct seen {
	unsigned records, problems;
	uint32_t ids[8];
	char last_problem[256];
} seen;

/* read: at most step bytes. */
static int src_read(void *ctx, void *buf, size_t n, size_t *got, nd_error *err)
{
	source *s = ctx;

	(void)err;
	*got = s->len - s->pos < s->step ? s->len - s->pos : s->step;
	if (*got > n)
		*got = n;
	memcpy(buf, s->text + s->pos, *got);
	s->pos += *got;
	return 0;
}

/* wants_id: every id but 4624. */
static int no_logons(void *ctx, uint32_t id)
{
	(void)ctx;
	return id != 4624;
}

/* record: remembers the ids. */
static int on_record(void *ctx, nd_record *rec, nd_error *err)
{
	seen *s = ctx;

	(void)err;
	if (s->records < 8)
		s->ids[s->records] = rec->event_id;
	s->records++;
	return 0;
}

/* problem: counts and keeps the last message. */
static void on_problem(void *ctx, const char *msg)
{
	seen *s = ctx;

	s->problems++;
	snprintf(s->last_problem, sizeof(s->last_problem), "%s", msg);
}

#define EV(id) "<Event><System><Provider Name='P'/><EventID>" #id "</EventID></System></Event>"

static void test_blocks(void)
{
	static const char doc[] = "\xEF\xBB\xBF<?xml version='1.0'?><!-- x --><Events>" EV(
	    6273) "\n<EventData/>"
		  "<Event xmlns='x'><System><EventID Qualifiers='0'>4624</EventID></System></Event>"
		  "<Event>\r\n<System><EventID>20227</EventID></System></Event >" EV(7) "</Events>";
	size_t steps[] = {1, 2, 3, 7, 64, 65536};
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		source src = {doc, sizeof(doc) - 1, 0, steps[i]};
		seen s = {0};
		nd_xml_stream_sink sink = {&s, no_logons, on_record, on_problem};
		nd_xml_stream_counts c = {0};
		nd_error err;

		CHECK(nd_xml_stream_read(src_read, &src, &sink, &c, &err) == 0);
		CHECK(c.events == 4 && c.skipped == 1 && c.errors == 0);
		CHECK(s.records == 3 && s.ids[0] == 6273 && s.ids[1] == 20227 && s.ids[2] == 7);
		CHECK(s.problems == 0);
	}
}

static void test_bad(void)
{
	static const char doc[] = EV(1) "<Event><System></System></Event>" EV(2) "<Event><System><EventID>3";
	source src = {doc, sizeof(doc) - 1, 0, 5};
	seen s = {0};
	nd_xml_stream_sink sink = {&s, NULL, on_record, on_problem};
	nd_xml_stream_counts c = {0};
	nd_error err;

	CHECK(nd_xml_stream_read(src_read, &src, &sink, &c, &err) == 0);
	CHECK(c.events == 4 && c.errors == 2 && c.skipped == 0 && s.records == 2);
	CHECK(s.problems == 2);
	CHECK_STR(s.last_problem, "event 4: the input ends inside it; skipped");
}

int main(void)
{
	test_blocks();
	test_bad();
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}
