/* Unit tests of src/follow/nd_channel through a feed of renderings held in
 * memory: kept events stored, others counted, a rendering that cannot be
 * read reported and passed; the bookmark and the counts committed with the
 * events; a feed that fails mid-round leaves nothing of the round and is
 * reopened after the stored bookmark; a restarted follower resumes there.
 *
 *   test_nd_channel TMPDIR SRCDIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nd_channel.h"
#include "nd_store.h"

#define MAX_EVENTS 16

/* The renderings a channel holds, and what the test learns of its feed. */
typedef struct mock {
	char xml[MAX_EVENTS][1024];
	size_t n;      /* renderings in the channel */
	size_t fail_at; /* next fails when asked for this one (0-based); MAX_EVENTS: never */
	char opened_after[64]; /* the bookmark of the last open, "" for none */
	int opens;
	int query_ok; /* the last open's query asked for the NPS decisions */
} mock;

/* An open feed: the channel and how many renderings it gave. */
typedef struct mock_feed {
	mock *m;
	size_t given;
	char bm[64];
} mock_feed;

/* nd_channel_feed_ops: opens after bookmark "GIVEN=N". */
static int mock_open(const void *arg, const char *channel, const char *query, const char *bookmark, void **feed,
		     nd_error *err)
{
	mock *m = *(mock *const *)arg;
	mock_feed *f = calloc(1, sizeof(*f));
	unsigned long given = 0;

	(void)channel;
	if (!f)
		return nd_error_set(err, "out of memory");
	m->query_ok = strstr(query, "'microsoft-windows-security-auditing'] and ((EventID&gt;=6272 and "
				    "EventID&lt;=6280))") != NULL;
	if (bookmark && sscanf(bookmark, "GIVEN=%lu", &given) != 1) {
		free(f);
		return nd_error_set(err, "bad bookmark");
	}
	snprintf(m->opened_after, sizeof(m->opened_after), "%s", bookmark ? bookmark : "");
	m->opens++;
	f->m = m;
	f->given = given;
	*feed = f;
	return 0;
}

/* nd_channel_feed_ops: the next rendering, or a failure at fail_at. */
static int mock_next(void *feed, const char **xml, size_t *len, nd_error *err)
{
	mock_feed *f = feed;

	if (f->given == f->m->n)
		return 0;
	if (f->given == f->m->fail_at)
		return nd_error_set(err, "the feed broke");
	*xml = f->m->xml[f->given];
	*len = strlen(*xml);
	f->given++;
	return 1;
}

/* nd_channel_feed_ops: "GIVEN=N". */
static const char *mock_bookmark(void *feed, nd_error *err)
{
	mock_feed *f = feed;

	(void)err;
	snprintf(f->bm, sizeof(f->bm), "GIVEN=%lu", (unsigned long)f->given);
	return f->bm;
}

/* nd_channel_feed_ops: frees the feed. */
static void mock_close(void *feed)
{
	free(feed);
}

static const nd_channel_feed_ops mock_ops = {"mock", mock_open, mock_next, mock_bookmark, mock_close};

/* Adds the rendering of a 6273 (kept) with record id id. Returns nothing. */
static void add_denial(mock *m, unsigned id)
{
	snprintf(m->xml[m->n++], sizeof(m->xml[0]),
		 "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
		 "<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>6273</EventID><Version>2</Version>"
		 "<TimeCreated SystemTime='2025-03-14T09:00:%02u.5Z'/><EventRecordID>%u</EventRecordID>"
		 "<Channel>Security</Channel><Computer>NPS01.lab.example</Computer><Security/></System><EventData>"
		 "<Data Name='SubjectUserName'>u%u</Data><Data Name='FullyQualifiedSubjectUserName'>LAB\\u%u</Data>"
		 "<Data Name='ReasonCode'>16</Data></EventData></Event>",
		 id % 60, id, id, id);
}

/* Counts the errors reported. Returns nothing. */
static void on_problem(void *ctx, nd_problem_kind kind, const char *msg)
{
	(void)msg;
	if (kind == ND_PROBLEM_ERROR)
		(*(int *)ctx)++;
}

/* Returns the integer the query gives on s, or -1. */
static long long scalar(nd_store *s, const char *sql)
{
	nd_stmt *q = NULL;
	nd_error err;
	long long v = -1;

	if (nd_db_prepare(nd_store_db(s), sql, 0, &q, "test", &err) == 0 && nd_db_step(q, "test", &err) == 1)
		v = nd_db_column_int64(q, 0);
	nd_db_finalize(q);
	return v;
}

/* Copies the text the query gives on s into out. Returns out. */
static char *text(nd_store *s, const char *sql, char *out, size_t n)
{
	nd_stmt *q = NULL;
	nd_error err;

	out[0] = '\0';
	if (nd_db_prepare(nd_store_db(s), sql, 0, &q, "test", &err) == 0 && nd_db_step(q, "test", &err) == 1 &&
	    nd_db_column_text(q, 0))
		snprintf(out, n, "%s", nd_db_column_text(q, 0));
	nd_db_finalize(q);
	return out;
}

/* Rounds of one channel, a broken feed, a restart. */
static void test_rounds(const char *db)
{
	static mock m;
	mock *pm = &m;
	char *channels[] = {"Security"};
	nd_ingest_report rep = {0};
	nd_channel *c;
	nd_store *s = NULL;
	nd_error err;
	uint64_t n = 99;
	char bm[64];
	int problems = 0;

	m.fail_at = MAX_EVENTS;
	add_denial(&m, 1);
	snprintf(m.xml[m.n++], sizeof(m.xml[0]),
		 "<Event><System><Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4624</EventID>"
		 "<EventRecordID>2</EventRecordID><Channel>Security</Channel><Computer>NPS01</Computer></System></Event>");
	snprintf(m.xml[m.n++], sizeof(m.xml[0]), "<Event><System><Provider Name='x'/>");
	add_denial(&m, 4);
	add_denial(&m, 5);
	rep.ctx = &problems;
	rep.problem = on_problem;
	CHECK(nd_store_open(&s, db, &err) == 0);
	CHECK((c = nd_channel_new(channels, 1, &mock_ops, &pm, &rep, NULL)) != NULL);

	/* Three kept, one of no interest, one unreadable (reported). */
	CHECK(nd_channel_round(c, s, &n, &err) == 0 && n == 3);
	CHECK(m.opens == 1 && m.opened_after[0] == '\0' && m.query_ok);
	CHECK(problems == 1);
	CHECK(scalar(s, "SELECT count(*) FROM events") == 3);
	CHECK_STR(text(s, "SELECT bookmark FROM channel_bookmarks", bm, sizeof(bm)), "GIVEN=5");
	CHECK(scalar(s, "SELECT records * 10000 + wanted * 1000 + skipped * 100 + errors * 10 + duplicates FROM sources"
			" WHERE path = 'mock:Security'") == 53110);
	CHECK(scalar(s, "SELECT stored FROM sources WHERE path = 'mock:Security'") == 3);

	/* Nothing new: nothing stored, no new transaction needed. */
	CHECK(nd_channel_round(c, s, &n, &err) == 0 && n == 0);

	/* Two more; the feed breaks at the second: nothing of the round stays. */
	add_denial(&m, 6);
	add_denial(&m, 7);
	m.fail_at = 6;
	CHECK(nd_channel_round(c, s, &n, &err) == -1);
	CHECK(strstr(err.message, "mock:Security") != NULL && strstr(err.message, "the feed broke") != NULL);
	CHECK(scalar(s, "SELECT count(*) FROM events") == 3);
	CHECK_STR(text(s, "SELECT bookmark FROM channel_bookmarks", bm, sizeof(bm)), "GIVEN=5");

	/* Mended: reopened after the stored bookmark, both taken once. */
	m.fail_at = MAX_EVENTS;
	CHECK(nd_channel_round(c, s, &n, &err) == 0 && n == 2);
	CHECK(m.opens == 2 && strcmp(m.opened_after, "GIVEN=5") == 0);
	CHECK(scalar(s, "SELECT count(*) FROM events") == 5);
	CHECK(scalar(s, "SELECT records * 10 + duplicates FROM sources WHERE path = 'mock:Security'") == 70);
	CHECK_STR(text(s, "SELECT bookmark FROM channel_bookmarks", bm, sizeof(bm)), "GIVEN=7");
	nd_channel_free(c);
	nd_store_close(s);

	/* Restarted: resumes after the stored bookmark with the stored counts. */
	CHECK(nd_store_open(&s, db, &err) == 0);
	CHECK((c = nd_channel_new(channels, 1, &mock_ops, &pm, &rep, NULL)) != NULL);
	add_denial(&m, 8);
	CHECK(nd_channel_round(c, s, &n, &err) == 0 && n == 1);
	CHECK(m.opens == 3 && strcmp(m.opened_after, "GIVEN=7") == 0);
	CHECK(scalar(s, "SELECT records * 100 + stored FROM sources WHERE path = 'mock:Security'") == 806);
	nd_channel_free(c);
	nd_store_close(s);
}

/* The Windows Event Log feed where there is none: the round fails and
 * names the channel. */
static void test_feed_open_fails(const char *db)
{
	char *channels[] = {"Security"};
	nd_channel *c;
	nd_store *s = NULL;
	nd_error err;
	uint64_t n;

	CHECK(nd_store_open(&s, db, &err) == 0);
	CHECK((c = nd_channel_new(channels, 1, nd_channel_evtlog(), NULL, NULL, NULL)) != NULL);
	CHECK(nd_channel_round(c, s, &n, &err) == -1 && strstr(err.message, "Security") != NULL);
	nd_channel_free(c);
	nd_store_close(s);
}

int main(int argc, char **argv)
{
	char db[4096];

	if (argc < 2)
		return 2;
	snprintf(db, sizeof(db), "%s/channel.db", argv[1]);
	remove(db);
	test_rounds(db);
	snprintf(db, sizeof(db), "%s/channel-evtlog.db", argv[1]);
	remove(db);
	test_feed_open_fails(db);
	return check_report();
}
