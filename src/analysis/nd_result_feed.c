#include "nd_result_feed.h"

#include <pthread.h>
#include <stdlib.h>

#define CHUNKS 3

/* Where a chunk is. */
enum { FREE, FILLING, READY, WRITING };

struct nd_result_feed {
	pthread_mutex_t lock;
	pthread_cond_t moved; /* a chunk changed hands, or the feed ended or failed */
	nd_result_chunk chunk[CHUNKS];
	int state[CHUNKS];
	int filling;          /* the printer's chunk, -1 before the first */
	size_t events;        /* the printer's: rows of the filling chunk's parts so far */
	int next;             /* the chunk the writer takes next */
	int ended, complete, failed;
};

int nd_result_feed_open(nd_result_feed **out, nd_error *err)
{
	nd_result_feed *f = calloc(1, sizeof(*f));
	int i;

	*out = NULL;
	if (!f)
		return nd_error_set(err, "out of memory");
	for (i = 0; i < CHUNKS; i++)
		if (nd_result_rows_open(&f->chunk[i].rows, err) != 0) {
			while (i--)
				nd_result_rows_close(&f->chunk[i].rows);
			free(f);
			return -1;
		}
	if (pthread_mutex_init(&f->lock, NULL) != 0 || pthread_cond_init(&f->moved, NULL) != 0) {
		for (i = 0; i < CHUNKS; i++)
			nd_result_rows_close(&f->chunk[i].rows);
		free(f);
		return nd_error_set(err, "cannot make a lock");
	}
	f->filling = -1;
	*out = f;
	return 0;
}

void nd_result_feed_close(nd_result_feed *f)
{
	int i;

	if (!f)
		return;
	for (i = 0; i < CHUNKS; i++)
		nd_result_rows_close(&f->chunk[i].rows);
	pthread_cond_destroy(&f->moved);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

/* The printer: returns the chunk to put the next part into, as
 * nd_result_feed_rows. */
static nd_result_chunk *filling(nd_result_feed *f)
{
	nd_result_chunk *c = NULL;
	int p;

	pthread_mutex_lock(&f->lock);
	p = f->filling;
	if (!f->ended && !f->failed && p >= 0 && f->chunk[p].nparts < ND_RESULT_FEED_INCIDENTS) {
		pthread_mutex_unlock(&f->lock);
		return &f->chunk[p];
	}
	if (!f->ended && !f->failed) {
		if (p >= 0) {
			f->state[p] = READY;
			pthread_cond_broadcast(&f->moved);
		}
		p = f->filling = (p + 1) % CHUNKS;
		while (f->state[p] != FREE && !f->failed)
			pthread_cond_wait(&f->moved, &f->lock);
		if (!f->failed) {
			f->state[p] = FILLING;
			c = &f->chunk[p];
		}
	}
	pthread_mutex_unlock(&f->lock);
	if (c) { /* the writer is done with it */
		nd_batch_forget(&c->rows.incidents);
		nd_batch_forget(&c->rows.events);
		nd_batch_forget(&c->rows.facts);
		c->nparts = 0;
		f->events = 0;
	}
	return c;
}

nd_result_rows *nd_result_feed_rows(nd_result_feed *f)
{
	nd_result_chunk *c = filling(f);

	return c ? &c->rows : NULL;
}

void nd_result_feed_added(nd_result_feed *f, size_t id)
{
	nd_result_chunk *c = &f->chunk[f->filling]; /* the filling chunk is the printer's */
	nd_result_part *t = &c->parts[c->nparts++];
	size_t events = nd_batch_rows(&c->rows.events);

	t->first = t->last = id;
	t->events = events - f->events;
	t->built = 1;
	f->events = events;
}

int nd_result_feed_skip(nd_result_feed *f, size_t first, size_t last)
{
	nd_result_chunk *c = f->filling >= 0 ? &f->chunk[f->filling] : NULL;
	nd_result_part *t = c && c->nparts ? &c->parts[c->nparts - 1] : NULL;

	if (t && !t->built && t->last + 1 == first) { /* the run goes on (the filling chunk is the printer's) */
		t->last = last;
		return 0;
	}
	if (!(c = filling(f)))
		return -1;
	t = &c->parts[c->nparts++];
	t->first = first;
	t->last = last;
	t->events = 0;
	t->built = 0;
	return 0;
}

int nd_result_feed_behind(nd_result_feed *f)
{
	int i, ready = 0;

	pthread_mutex_lock(&f->lock);
	for (i = 0; i < CHUNKS; i++)
		ready += f->state[i] == READY;
	pthread_mutex_unlock(&f->lock);
	return ready > 0;
}

void nd_result_feed_end(nd_result_feed *f, int complete)
{
	int p;

	pthread_mutex_lock(&f->lock);
	p = f->filling;
	if (!f->ended && p >= 0 && f->state[p] == FILLING)
		f->state[p] = f->chunk[p].nparts ? READY : FREE;
	f->complete = !f->ended && complete;
	f->ended = 1;
	pthread_cond_broadcast(&f->moved);
	pthread_mutex_unlock(&f->lock);
}

const nd_result_chunk *nd_result_feed_take(nd_result_feed *f)
{
	const nd_result_chunk *r = NULL;

	pthread_mutex_lock(&f->lock);
	while (f->state[f->next] != READY && !f->ended)
		pthread_cond_wait(&f->moved, &f->lock);
	if (f->state[f->next] == READY) {
		f->state[f->next] = WRITING;
		r = &f->chunk[f->next];
	}
	pthread_mutex_unlock(&f->lock);
	return r;
}

void nd_result_feed_give(nd_result_feed *f)
{
	pthread_mutex_lock(&f->lock);
	f->state[f->next] = FREE;
	f->next = (f->next + 1) % CHUNKS;
	pthread_cond_broadcast(&f->moved);
	pthread_mutex_unlock(&f->lock);
}

void nd_result_feed_fail(nd_result_feed *f)
{
	pthread_mutex_lock(&f->lock);
	f->failed = 1;
	pthread_cond_broadcast(&f->moved);
	pthread_mutex_unlock(&f->lock);
}

int nd_result_feed_complete(nd_result_feed *f)
{
	int c;

	pthread_mutex_lock(&f->lock);
	c = f->ended && f->complete;
	pthread_mutex_unlock(&f->lock);
	return c;
}
