/* Unit tests of src/analysis/nd_result_feed: the rows a printer puts and
 * the incidents it names for the writer to build reach a writer on
 * another thread whole and in order, through chunks that go round (more
 * incidents than the chunks hold at once), runs of named incidents as one
 * part; a feed ended early is incomplete; a writer that gives up does not
 * leave the printer waiting; the printer sees when the writer is behind. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "nd_result_feed.h"

/* What the writer thread saw. */
typedef struct seen {
	nd_result_feed *feed;
	size_t chunks; /* taken before giving up (0: never gives up) */
	int64_t next;  /* the incident expected next */
	size_t parts;  /* seen */
	int in_order, complete;
} seen;

/* Returns 1 when incident id is named to the writer rather than built:
 * the runs 4k+2 .. 4k+3 of every eighth k. */
static int named(size_t id)
{
	return id % 4 >= 2 && (id / 4) % 8 == 0;
}

/* The writer: takes chunks and checks their parts: a built one has one
 * events row (id, 1, "k<id>", NULL, NULL), the next of the chunk; a named one is a
 * whole run. Returns NULL. */
static void *writer(void *arg)
{
	seen *w = arg;
	const nd_result_chunk *c;
	size_t i, p, taken = 0;
	char want[32];

	while ((c = nd_result_feed_take(w->feed)) != NULL) {
		for (p = i = 0; p < c->nparts; p++) {
			const nd_result_part *t = &c->parts[p];
			const char *s = NULL;
			int64_t id = 0;

			w->parts++;
			w->in_order &= t->first == (size_t)w->next && t->first <= t->last;
			if (!t->built) {
				w->in_order &= named(t->first) && named(t->last) && t->last - t->first == 1 && !t->events;
				w->next += (int64_t)(t->last - t->first + 1);
				continue;
			}
			snprintf(want, sizeof(want), "k%lld", (long long)w->next);
			w->in_order &= t->first == t->last && !named(t->first) && t->events == 1 &&
				       nd_batch_get(&c->rows.events, i, 0, &id, &s) == 1 && id == w->next &&
				       nd_batch_get(&c->rows.events, i, 2, &id, &s) == 2 && strcmp(s, want) == 0;
			i++;
			w->next++;
		}
		w->in_order &= i == nd_batch_rows(&c->rows.events);
		nd_result_feed_give(w->feed);
		if (w->chunks && ++taken == w->chunks) {
			nd_result_feed_fail(w->feed);
			return NULL;
		}
	}
	w->complete = nd_result_feed_complete(w->feed);
	return NULL;
}

/* Puts n incidents (one fact row each, or named in runs of one each:
 * named()) unless the feed stops taking them, then ends it (complete as
 * told). Returns the number put. */
static size_t put(nd_result_feed *f, size_t n, int complete)
{
	nd_result_rows *r = NULL;
	nd_error err;
	char k[32];
	size_t i;

	for (i = 0; i < n; i++) {
		if (named(i + 1)) {
			if (nd_result_feed_skip(f, i + 1, i + 1) != 0)
				break;
			continue;
		}
		if (!(r = nd_result_feed_rows(f)))
			break;
		snprintf(k, sizeof(k), "k%zu", i + 1);
		nd_batch_int(&r->events, (int64_t)i + 1);
		nd_batch_int(&r->events, 1);
		nd_batch_text(&r->events, k);
		nd_batch_null(&r->events);
		nd_batch_null(&r->events);
		CHECK(nd_batch_row(&r->events, &err) == 0);
		nd_result_feed_added(f, i + 1);
	}
	nd_result_feed_end(f, complete);
	return i;
}

/* One run: n incidents, the writer giving up after chunks (0: never).
 * Returns what the writer saw (and how many were put, in *n_put). */
static seen run(size_t n, int complete, size_t chunks, size_t *n_put)
{
	seen w = {NULL, chunks, 1, 0, 1, 0};
	pthread_t t;
	nd_error err;

	CHECK(nd_result_feed_open(&w.feed, &err) == 0);
	CHECK(pthread_create(&t, NULL, writer, &w) == 0);
	*n_put = put(w.feed, n, complete);
	pthread_join(t, NULL);
	nd_result_feed_close(w.feed);
	return w;
}

/* nd_result_feed_behind: no chunk waits for the writer before the first
 * is handed over, one after (no writer takes it here). */
static void test_behind(void)
{
	nd_result_feed *f;
	nd_error err;
	size_t i;

	CHECK(nd_result_feed_open(&f, &err) == 0);
	CHECK(nd_result_feed_behind(f) == 0);
	for (i = 0; i < ND_RESULT_FEED_INCIDENTS; i++)
		CHECK(nd_result_feed_skip(f, 2 * i + 1, 2 * i + 1) == 0);
	CHECK(nd_result_feed_behind(f) == 0);
	CHECK(nd_result_feed_skip(f, 2 * i + 1, 2 * i + 1) == 0); /* the chunk is full: handed over */
	CHECK(nd_result_feed_behind(f) == 1);
	nd_result_feed_end(f, 0);
	nd_result_feed_close(f);
}

int main(void)
{
	test_behind();
	size_t n = 10 * ND_RESULT_FEED_INCIDENTS + 3, put_n;
	seen w;

	w = run(n, 1, 0, &put_n);
	CHECK(put_n == n && w.in_order && w.next == (int64_t)n + 1 && w.complete);
	w = run(0, 1, 0, &put_n);
	CHECK(put_n == 0 && w.next == 1 && w.complete);
	w = run(ND_RESULT_FEED_INCIDENTS, 1, 0, &put_n);
	CHECK(w.in_order && w.next == ND_RESULT_FEED_INCIDENTS + 1 && w.parts < ND_RESULT_FEED_INCIDENTS && w.complete);
	w = run(n, 0, 0, &put_n);
	CHECK(put_n == n && w.in_order && !w.complete);
	w = run(n, 1, 2, &put_n); /* gives up: the printer stops within the chunks that go round */
	CHECK(w.in_order && w.parts == 2 * ND_RESULT_FEED_INCIDENTS && put_n < n && !w.complete);
	return check_report();
}
