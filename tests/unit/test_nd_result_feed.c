/* Unit tests of src/analysis/nd_result_feed: the rows a printer puts
 * reach a writer on another thread whole and in order, through chunks
 * that go round (more incidents than the chunks hold at once); a feed
 * ended early is incomplete; a writer that gives up does not leave the
 * printer waiting. */
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
	int in_order, complete;
} seen;

/* The writer: takes chunks and checks their fact rows (id, 1, "k<id>",
 * "v"). Returns NULL. */
static void *writer(void *arg)
{
	seen *w = arg;
	const nd_result_rows *r;
	size_t i, taken = 0;
	char want[32];

	while ((r = nd_result_feed_take(w->feed)) != NULL) {
		for (i = 0; i < nd_batch_rows(&r->facts); i++) {
			const char *s = NULL;
			int64_t id = 0;

			snprintf(want, sizeof(want), "k%lld", (long long)w->next);
			w->in_order &= nd_batch_get(&r->facts, i, 0, &id, &s) == 1 && id == w->next &&
				       nd_batch_get(&r->facts, i, 2, &id, &s) == 2 && strcmp(s, want) == 0;
			w->next++;
		}
		nd_result_feed_give(w->feed);
		if (w->chunks && ++taken == w->chunks) {
			nd_result_feed_fail(w->feed);
			return NULL;
		}
	}
	w->complete = nd_result_feed_complete(w->feed);
	return NULL;
}

/* Puts n incidents (one fact row each) unless the feed stops taking them,
 * then ends it (complete as told). Returns the number put. */
static size_t put(nd_result_feed *f, size_t n, int complete)
{
	nd_result_rows *r;
	nd_error err;
	char k[32];
	size_t i;

	for (i = 0; i < n && (r = nd_result_feed_rows(f)) != NULL; i++) {
		snprintf(k, sizeof(k), "k%zu", i + 1);
		nd_batch_int(&r->facts, (int64_t)i + 1);
		nd_batch_int(&r->facts, 1);
		nd_batch_text(&r->facts, k);
		nd_batch_text(&r->facts, "v");
		CHECK(nd_batch_row(&r->facts, &err) == 0);
		nd_result_feed_added(f);
	}
	nd_result_feed_end(f, complete);
	return i;
}

/* One run: n incidents, the writer giving up after chunks (0: never).
 * Returns what the writer saw (and how many were put, in *n_put). */
static seen run(size_t n, int complete, size_t chunks, size_t *n_put)
{
	seen w = {NULL, chunks, 1, 1, 0};
	pthread_t t;
	nd_error err;

	CHECK(nd_result_feed_open(&w.feed, &err) == 0);
	CHECK(pthread_create(&t, NULL, writer, &w) == 0);
	*n_put = put(w.feed, n, complete);
	pthread_join(t, NULL);
	nd_result_feed_close(w.feed);
	return w;
}

int main(void)
{
	size_t n = 10 * ND_RESULT_FEED_INCIDENTS + 3, put_n;
	seen w;

	w = run(n, 1, 0, &put_n);
	CHECK(put_n == n && w.in_order && w.next == (int64_t)n + 1 && w.complete);
	w = run(0, 1, 0, &put_n);
	CHECK(put_n == 0 && w.next == 1 && w.complete);
	w = run(ND_RESULT_FEED_INCIDENTS, 1, 0, &put_n);
	CHECK(w.in_order && w.next == ND_RESULT_FEED_INCIDENTS + 1 && w.complete);
	w = run(n, 0, 0, &put_n);
	CHECK(put_n == n && w.in_order && !w.complete);
	w = run(n, 1, 2, &put_n); /* gives up: the printer stops within the chunks that go round */
	CHECK(w.in_order && w.next == 2 * ND_RESULT_FEED_INCIDENTS + 1 && put_n < n && !w.complete);
	return check_report();
}
