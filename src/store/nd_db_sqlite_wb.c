#include "nd_db_sqlite_wb.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nd_clock.h"
#include "nd_time.h"
#include "nd_writeback.h"

struct nd_db_sqlite_wb {
	char *db, *wal; /* the paths of the files */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake; /* stop */
	int stop;
	unsigned long rounds[2]; /* in which the write-back of the database file, of the WAL, was started */
};

/* Returns the time of day ms milliseconds from now, as pthread_cond_timedwait takes it. */
static struct timespec after_ms(unsigned ms)
{
	int64_t t = nd_clock_now_ticks() + (int64_t)ms * (ND_TICKS_PER_SECOND / 1000);
	struct timespec ts;

	ts.tv_sec = (time_t)(t / ND_TICKS_PER_SECOND);
	ts.tv_nsec = (long)(t % ND_TICKS_PER_SECOND) * (1000000000 / ND_TICKS_PER_SECOND);
	return ts;
}

/* The thread: starts the write-back of both files every ND_DB_SQLITE_WB_MS
 * until told to stop. Returns NULL. */
static void *run(void *arg)
{
	nd_db_sqlite_wb *w = arg;

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		struct timespec at = after_ms(ND_DB_SQLITE_WB_MS);
		int wal, db;

		while (!w->stop && pthread_cond_timedwait(&w->wake, &w->lock, &at) == 0)
			;
		if (w->stop)
			break;
		pthread_mutex_unlock(&w->lock);
		/* the WAL first: in WAL mode the database file changes only at a checkpoint */
		wal = nd_writeback_start(w->wal);
		db = nd_writeback_start(w->db);
		pthread_mutex_lock(&w->lock);
		w->rounds[0] += db != 0;
		w->rounds[1] += wal != 0;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

nd_db_sqlite_wb *nd_db_sqlite_wb_start(const char *path)
{
	size_t n = strlen(path);
	nd_db_sqlite_wb *w = calloc(1, sizeof(*w));

	if (!w || !nd_writeback_supported()) {
		free(w);
		return NULL;
	}
	w->db = malloc(n + 1);
	w->wal = malloc(n + 5);
	if (!w->db || !w->wal || pthread_mutex_init(&w->lock, NULL) != 0)
		goto fail;
	memcpy(w->db, path, n + 1);
	memcpy(w->wal, path, n);
	memcpy(w->wal + n, "-wal", 5);
	if (pthread_cond_init(&w->wake, NULL) != 0) {
		pthread_mutex_destroy(&w->lock);
		goto fail;
	}
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		goto fail;
	}
	return w;
fail:
	free(w->db);
	free(w->wal);
	free(w);
	return NULL;
}

unsigned long nd_db_sqlite_wb_rounds(nd_db_sqlite_wb *w, int wal)
{
	unsigned long r;

	pthread_mutex_lock(&w->lock);
	r = w->rounds[wal != 0];
	pthread_mutex_unlock(&w->lock);
	return r;
}

void nd_db_sqlite_wb_stop(nd_db_sqlite_wb *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w->db);
	free(w->wal);
	free(w);
}
