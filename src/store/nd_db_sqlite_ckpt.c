#include "nd_db_sqlite_ckpt.h"

#include <pthread.h>
#include <stdlib.h>

struct nd_db_sqlite_ckpt {
	sqlite3 *writer;
	sqlite3 *own; /* the thread's connection to the same file */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;        /* a checkpoint asked for, or stop */
	pthread_cond_t done;        /* a checkpoint ended */
	unsigned long asked, ended; /* checkpoints asked for and ended, counting up */
	int running;                /* the thread and its connection are there */
	int failed;                 /* they could not be started: checkpoints on the writer's connection */
	int stop;
};

/* The thread: runs a passive checkpoint for the requests made (those made
 * while one runs are served by the next one) until told to stop. Returns
 * NULL. */
static void *run(void *arg)
{
	nd_db_sqlite_ckpt *c = arg;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		unsigned long asked;

		while (!c->stop && c->ended == c->asked)
			pthread_cond_wait(&c->wake, &c->lock);
		if (c->stop)
			break;
		asked = c->asked;
		pthread_mutex_unlock(&c->lock);
		/* Busy (a reader keeps old pages) or failed: the WAL stays as it
		 * is and the next request tries again, as SQLite's automatic
		 * checkpoint does. */
		sqlite3_wal_checkpoint_v2(c->own, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&c->lock);
		c->ended = asked;
		pthread_cond_broadcast(&c->done);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* Starts the thread and its connection (on the first checkpoint asked
 * for: an ingest that writes little never pays for them). Returns 0, or -1
 * when they could not be started. */
static int launch(nd_db_sqlite_ckpt *c)
{
	const char *path = sqlite3_db_filename(c->writer, "main");

	/* Reading the schema opens the WAL: a connection that has read
	 * nothing yet does not know it is there and checkpoints nothing. */
	if (!path || !*path || sqlite3_open_v2(path, &c->own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) ||
	    sqlite3_exec(c->own, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) != SQLITE_OK ||
	    pthread_create(&c->thread, NULL, run, c) != 0) {
		sqlite3_close(c->own);
		c->own = NULL;
		return -1;
	}
	c->running = 1;
	return 0;
}

/* The writer's WAL hook, after each commit, with the pages the WAL holds:
 * asks for a checkpoint from ND_DB_SQLITE_CKPT_PAGES on, and from
 * ND_DB_SQLITE_CKPT_MAX on waits for it to end. Without a thread it
 * checkpoints on the writer's connection, as SQLite's automatic
 * checkpoint does. Returns SQLITE_OK. */
static int committed(void *arg, sqlite3 *db, const char *name, int pages)
{
	nd_db_sqlite_ckpt *c = arg;
	unsigned long mine;

	if (pages < ND_DB_SQLITE_CKPT_PAGES)
		return SQLITE_OK;
	if (!c->running && (c->failed || launch(c) != 0)) {
		c->failed = 1;
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	pthread_mutex_lock(&c->lock);
	mine = ++c->asked;
	pthread_cond_signal(&c->wake);
	while (pages >= ND_DB_SQLITE_CKPT_MAX && (long)(c->ended - mine) < 0)
		pthread_cond_wait(&c->done, &c->lock);
	pthread_mutex_unlock(&c->lock);
	return SQLITE_OK;
}

nd_db_sqlite_ckpt *nd_db_sqlite_ckpt_start(sqlite3 *writer)
{
	nd_db_sqlite_ckpt *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->writer = writer;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	pthread_cond_init(&c->done, NULL);
	sqlite3_wal_hook(writer, committed, c);
	return c;
}

void nd_db_sqlite_ckpt_stop(nd_db_sqlite_ckpt *c)
{
	if (!c)
		return;
	/* replaces the hook: no commit calls committed from now on */
	sqlite3_wal_autocheckpoint(c->writer, ND_DB_SQLITE_CKPT_PAGES);
	if (c->running) {
		pthread_mutex_lock(&c->lock);
		c->stop = 1;
		pthread_cond_signal(&c->wake);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->thread, NULL);
		sqlite3_close(c->own);
	}
	pthread_cond_destroy(&c->wake);
	pthread_cond_destroy(&c->done);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
