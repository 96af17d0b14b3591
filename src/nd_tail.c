#include "nd_tail.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "evtx_format.h"

/* What the tail knows of one chunk of a file. A chunk is settled when
 * two reads in a row found the same records: a writer may have been
 * half-way through it during a read, and Windows leaves a chunk's header
 * behind its records, so a header that did not change is not enough. */
typedef struct chunk_seen {
	uint32_t header_crc; /* of the header as last seen; 0 unknown */
	uint32_t fp;         /* fingerprint of the records as last walked */
	int settled;
} chunk_seen;

/* What the tail remembers of one followed file between rounds. */
typedef struct tail_file {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	uint64_t first_id;    /* first record id of the first chunk */
	uint64_t newest_off;  /* the chunk with the highest last record id */
	uint64_t newest_last; /* that id */
	uint32_t newest_crc;  /* CRC of that whole chunk */
	chunk_seen *chunks;   /* what the last reads of each chunk found */
	size_t nchunks;
	int wrapped_reported;
	int missing_reported; /* told that it cannot be read, until it can */
	int present; /* seen in the current round */
} tail_file;

struct nd_tail {
	char *const *paths;
	size_t npaths;
	const nd_ingest_report *rep;
	const nd_tail_hooks *hooks;
	tail_file *files;
	size_t nfiles, cap;
	/* While a file is ingested: */
	tail_file *cur;
	uint64_t round_newest_off, round_newest_last;
};

nd_tail *nd_tail_new(char *const *paths, size_t npaths, const nd_ingest_report *rep, const nd_tail_hooks *hooks)
{
	nd_tail *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->paths = paths;
	t->npaths = npaths;
	t->rep = rep;
	t->hooks = hooks;
	return t;
}

/* Forgets what is known of a file's chunks, so that all are read. Returns
 * nothing. */
static void forget_chunks(tail_file *f)
{
	free(f->chunks);
	f->chunks = NULL;
	f->nchunks = 0;
	f->first_id = 0;
	f->newest_off = f->newest_last = 0;
	f->newest_crc = 0;
	f->wrapped_reported = 0;
}

void nd_tail_free(nd_tail *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nfiles; i++) {
		forget_chunks(&t->files[i]);
		free(t->files[i].path);
	}
	free(t->files);
	free(t);
}

/* Reports a change in a followed log. Returns nothing. */
static void notice(nd_tail *t, const char *path, const char *what)
{
	if (t->hooks && t->hooks->notice)
		t->hooks->notice(t->hooks->ctx, path, what);
}

/* Returns the state of path, creating it (and reporting a new file) when
 * absent, or NULL when out of memory. */
static tail_file *file_state(nd_tail *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->nfiles; i++)
		if (strcmp(t->files[i].path, path) == 0)
			return &t->files[i];
	if (t->nfiles == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		tail_file *p = realloc(t->files, cap * sizeof(*p));

		if (!p)
			return NULL;
		t->files = p;
		t->cap = cap;
	}
	memset(&t->files[t->nfiles], 0, sizeof(tail_file));
	t->files[t->nfiles].path = strdup(path);
	if (!t->files[t->nfiles].path)
		return NULL;
	return &t->files[t->nfiles++];
}

/* Reads the chunk at off of path and returns its CRC, or 0 when it cannot
 * be read. */
static uint32_t chunk_crc(const char *path, uint64_t off)
{
	static uint8_t buf[ND_EVTX_CHUNK_SIZE];
	FILE *fp = fopen(path, "rb");
	size_t n = 0;

	if (!fp)
		return 0;
	if (fseeko(fp, (off_t)off, SEEK_SET) == 0)
		n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	return n ? nd_crc32(0, buf, n) : 0;
}

/* Chunk filter: reads a chunk unless it is settled, its header is as last
 * read and it is not the newest chunk (the only one that grows). Also
 * notices a cleared or wrapped log. Returns 1 to read, 0 to skip. */
static int want_chunk(void *ctx, const char *path, uint64_t offset, const uint8_t *header)
{
	nd_tail *t = ctx;
	tail_file *f = t->cur;
	size_t idx = (size_t)((offset - ND_EVTX_FILE_HEADER_SIZE) / ND_EVTX_CHUNK_SIZE);
	uint64_t first = nd_le64(header + 24), last = nd_le64(header + 32);
	uint32_t crc = nd_crc32(0, header, ND_EVTX_CHUNK_HEADER_SIZE);

	(void)path;
	if (offset == ND_EVTX_FILE_HEADER_SIZE) {
		if (f->first_id && first < f->first_id) {
			notice(t, f->path, "log cleared or replaced: record ids start again; reading it afresh");
			forget_chunks(f);
		}
		f->first_id = first;
	}
	if (f->newest_last && first > f->newest_last && offset < f->newest_off && !f->wrapped_reported) {
		notice(t, f->path, "log wrapped: the oldest chunks were overwritten by new records");
		f->wrapped_reported = 1;
	}
	if (last >= t->round_newest_last) {
		t->round_newest_last = last;
		t->round_newest_off = offset;
	}
	if (idx < f->nchunks && f->chunks[idx].header_crc == crc && f->chunks[idx].settled &&
	    offset != f->newest_off)
		return 0;
	if (idx >= f->nchunks) {
		size_t n = idx + 16;
		chunk_seen *p = realloc(f->chunks, n * sizeof(*p));

		if (!p)
			return 1; /* no memory to remember: just read it */
		memset(p + f->nchunks, 0, (n - f->nchunks) * sizeof(*p));
		f->chunks = p;
		f->nchunks = n;
	}
	if (f->chunks[idx].header_crc != crc)
		f->chunks[idx].settled = 0;
	f->chunks[idx].header_crc = crc;
	return 1;
}

/* Chunk filter: learns what a read of a chunk found; the same twice in a
 * row settles it. Returns nothing. */
static void walked_chunk(void *ctx, const char *path, uint64_t offset, uint32_t fp)
{
	nd_tail *t = ctx;
	tail_file *f = t->cur;
	size_t idx = (size_t)((offset - ND_EVTX_FILE_HEADER_SIZE) / ND_EVTX_CHUNK_SIZE);

	(void)path;
	if (idx >= f->nchunks)
		return;
	f->chunks[idx].settled = f->chunks[idx].fp == fp;
	f->chunks[idx].fp = fp;
}

/* Checks one file and ingests what changed. Returns 0, or -1 with err set
 * when the store failed. */
static int poll_file(nd_tail *t, nd_store *s, const char *path, size_t index, size_t count, uint64_t *stored,
		     nd_error *err)
{
	nd_chunk_filter filter = {t, want_chunk, walked_chunk};
	nd_ingest_totals tot = {0};
	tail_file *f = file_state(t, path);
	struct stat st;

	if (!f)
		return nd_error_set(err, "out of memory");
	f->present = 1;
	if (stat(path, &st) != 0) {
		/* Missing (not created yet, or a typo) or unreadable: said once,
		 * and followed as soon as it appears. */
		if (!f->ino && !f->missing_reported && t->rep && t->rep->problem) {
			char msg[ND_ERROR_MAX];

			snprintf(msg, sizeof(msg), "%s: %s; following it when it appears", path, strerror(errno));
			t->rep->problem(t->rep->ctx, ND_PROBLEM_ERROR, msg);
			f->missing_reported = 1;
		}
		return 0; /* a followed file that went away: the round says so */
	}
	f->missing_reported = 0;
	if (f->ino && (st.st_ino != f->ino || st.st_dev != f->dev)) {
		notice(t, path, "replaced by another file; reading it afresh");
		forget_chunks(f);
	} else if (f->ino && st.st_size < f->size) {
		notice(t, path, "shrank (truncated or cleared); reading it afresh");
		forget_chunks(f);
	} else if (f->ino && st.st_size == f->size && st.st_mtim.tv_sec == f->mtime.tv_sec &&
		   st.st_mtim.tv_nsec == f->mtime.tv_nsec && f->newest_off &&
		   chunk_crc(path, f->newest_off) == f->newest_crc) {
		return 0; /* nothing changed */
	} else if (!f->ino) {
		notice(t, path, "following");
	}
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->mtime = st.st_mtim;
	t->cur = f;
	t->round_newest_off = 0;
	t->round_newest_last = 0;
	if (nd_ingest_file(s, path, index, count, t->rep, &filter, &tot, err) != 0)
		return -1;
	if (t->round_newest_off) {
		f->newest_off = t->round_newest_off;
		f->newest_last = t->round_newest_last;
		f->newest_crc = chunk_crc(path, f->newest_off);
	}
	*stored += tot.sum.stored;
	return 0;
}

int nd_tail_round(nd_tail *t, nd_store *s, uint64_t *new_events, nd_error *err)
{
	nd_path_list files;
	size_t i, failed = 0;

	*new_events = 0;
	if (nd_ingest_collect(t->paths, t->npaths, NULL, &files, &failed) != 0)
		return nd_error_set(err, "out of memory");
	for (i = 0; i < t->nfiles; i++)
		t->files[i].present = 0;
	for (i = 0; i < files.count; i++)
		if (poll_file(t, s, files.items[i], i, files.count, new_events, err) != 0) {
			nd_path_list_free(&files);
			return -1;
		}
	nd_path_list_free(&files);
	for (i = 0; i < t->nfiles; i++)
		if (!t->files[i].present && t->files[i].ino) {
			notice(t, t->files[i].path, "went away (archived, renamed or deleted)");
			forget_chunks(&t->files[i]);
			t->files[i].ino = 0;
		}
	return 0;
}

int nd_tail_run(nd_tail *t, nd_store *s, unsigned interval_ms, volatile sig_atomic_t *stop, nd_error *err)
{
	while (!*stop) {
		struct timespec ts;
		uint64_t n;

		if (nd_tail_round(t, s, &n, err) != 0)
			return -1;
		if (t->hooks && t->hooks->round_done && t->hooks->round_done(t->hooks->ctx, n, err) != 0)
			return -1;
		ts.tv_sec = interval_ms / 1000;
		ts.tv_nsec = (long)(interval_ms % 1000) * 1000000L;
		while (!*stop && nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
	return 0;
}
