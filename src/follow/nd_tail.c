#include "nd_tail.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtx_format.h"
#include "nd_file.h"
#include "nd_vec.h"

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
	uint64_t dev, ino;
	int64_t size;
	int64_t mtime_s;
	long mtime_ns;
	uint64_t first_id;    /* first record id of the first chunk */
	uint64_t newest_off;  /* the chunk with the highest last record id */
	uint64_t newest_last; /* that id */
	uint32_t newest_crc;  /* CRC of that whole chunk */
	uint32_t next_crc;    /* CRC of the chunk the writer takes next */
	int probed;           /* newest_crc and next_crc are known */
	chunk_seen *chunks;   /* what the last reads of each chunk found */
	size_t nchunks;
	int wrapped_reported;
	int polled;      /* read in this run: newest_last is this run's knowledge */
	int present;     /* seen in the current round */
	int renamed_away; /* archived or renamed: a new file here is a new log */
	int missing_reported; /* told that it cannot be read, until it can */
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
	uint64_t round_oldest; /* the smallest first record id of the file's chunks; 0 none */
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
	f->newest_crc = f->next_crc = 0;
	f->probed = 0;
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

/* Reports a change in a followed log (other: a second path the change
 * names, or NULL). Returns nothing. */
static void notice2(nd_tail *t, const char *path, const char *what, const char *other)
{
	if (t->hooks && t->hooks->notice)
		t->hooks->notice(t->hooks->ctx, path, what, other);
}

/* Reports a change in a followed log. Returns nothing. */
static void notice(nd_tail *t, const char *path, const char *what)
{
	notice2(t, path, what, NULL);
}

/* Returns the state of path, creating it (and reporting a new file) when
 * absent, or NULL when out of memory. */
static tail_file *file_state(nd_tail *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->nfiles; i++)
		if (strcmp(t->files[i].path, path) == 0)
			return &t->files[i];
	if (nd_vec_reserve(&t->files, &t->cap, t->nfiles + 1, sizeof(*t->files)) != 0)
		return NULL;
	memset(&t->files[t->nfiles], 0, sizeof(tail_file));
	t->files[t->nfiles].path = strdup(path);
	if (!t->files[t->nfiles].path)
		return NULL;
	return &t->files[t->nfiles++];
}

/* Reads the chunk at off of an open file (what of it there is) and returns
 * its CRC, or 0 when off is 0 or nothing of the chunk can be read. Reads in
 * pieces through a stack buffer: no state outlives the call. */
static uint32_t chunk_crc(FILE *fp, uint64_t off)
{
	uint8_t buf[4096];
	uint32_t crc = 0;
	size_t n, total = 0;

	if (!off || fseeko(fp, (off_t)off, SEEK_SET) != 0)
		return 0;
	while (total < ND_EVTX_CHUNK_SIZE && (n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		crc = nd_crc32(crc, buf, n);
		total += n;
	}
	return total ? crc : 0;
}

/* Reads the CRCs of f's newest chunk and of the chunk after it, where the
 * next records go once the newest is full: file size and mtime do not
 * show that (the file is pre-extended, and Windows updates the mtime of an
 * open log lazily). Returns 0, or -1 when path cannot be opened. */
static int probe_chunks(const char *path, const tail_file *f, uint32_t *newest, uint32_t *next)
{
	FILE *fp;
	nd_error e;

	if (nd_file_open_read(path, &fp, NULL, &e) != 0)
		return -1;
	*newest = chunk_crc(fp, f->newest_off);
	*next = chunk_crc(fp, nd_evtx_next_chunk(f->newest_off, (uint64_t)f->size));
	fclose(fp);
	return 0;
}

/* Returns 1 when f's path (st: its stat) still is the file f describes
 * and nothing in it changed since it was read, else 0. */
static int unchanged(const tail_file *f, const nd_file_info *st)
{
	uint32_t newest, next;

	if (!f->ino || st->ino != f->ino || st->dev != f->dev || st->size != f->size || st->mtime_s != f->mtime_s ||
	    st->mtime_ns != f->mtime_ns || !f->probed)
		return 0;
	return probe_chunks(f->path, f, &newest, &next) == 0 && newest == f->newest_crc && next == f->next_crc;
}

/* Chunk filter: reads a chunk unless it is settled, its header is as last
 * read and it is not the newest chunk (the only one that grows). Also
 * notices a cleared or wrapped log. Returns 1 to read, 0 to skip. */
static int want_chunk(void *ctx, const char *path, uint64_t offset, const uint8_t *header)
{
	nd_tail *t = ctx;
	tail_file *f = t->cur;
	size_t idx = nd_evtx_chunk_index(offset);
	uint64_t first = nd_evtx_chunk_first_id(header), last = nd_evtx_chunk_last_id(header);
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
	if (first && (!t->round_oldest || first < t->round_oldest))
		t->round_oldest = first;
	if (idx < f->nchunks && f->chunks[idx].header_crc == crc && f->chunks[idx].settled &&
	    offset != f->newest_off)
		return 0;
	if (idx >= f->nchunks) {
		size_t cap = f->nchunks;

		if (nd_vec_reserve(&f->chunks, &cap, idx + 1, sizeof(*f->chunks)) != 0)
			return 1; /* no memory to remember: just read it */
		memset(f->chunks + f->nchunks, 0, (cap - f->nchunks) * sizeof(*f->chunks));
		f->nchunks = cap;
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
	size_t idx = nd_evtx_chunk_index(offset);

	(void)path;
	if (idx >= f->nchunks)
		return;
	f->chunks[idx].settled = f->chunks[idx].fp == fp;
	f->chunks[idx].fp = fp;
}

/* Names the records of f lost to a wrap between two rounds: when every
 * chunk now starts after the last record read before (read_last), the
 * chunk that held it was overwritten, and with it, in ring order, every
 * other: the records from read_last + 1 to the oldest one now in the file
 * were written and overwritten unread. A chunk header that lags its
 * records only hides a loss, never invents one. Returns nothing. */
static void report_lost(nd_tail *t, const tail_file *f, uint64_t read_last)
{
	char what[160];

	if (!read_last || f->newest_last != read_last || !t->round_oldest || t->round_oldest <= read_last + 1)
		return;
	if (t->round_oldest == read_last + 2)
		snprintf(what, sizeof(what), "log wrapped faster than it was polled: record %llu was overwritten "
					     "before it was read",
			 (unsigned long long)(read_last + 1));
	else
		snprintf(what, sizeof(what), "log wrapped faster than it was polled: records %llu to %llu (%llu) "
					     "were overwritten before they were read",
			 (unsigned long long)(read_last + 1), (unsigned long long)(t->round_oldest - 1),
			 (unsigned long long)(t->round_oldest - 1 - read_last));
	notice(t, f->path, what);
}

/* The first read of f in this run, unless it is a new log started where
 * one was archived: takes the last record id a previous run read from it
 * out of the store (sources.last_record_id), so that records a wrap
 * overwrote while no tail ran are named too. A log cleared meanwhile
 * starts its ids again and names none. Returns 0, or -1 with err set. */
static int recall_last_read(nd_store *s, tail_file *f, nd_error *err)
{
	if (f->polled || f->renamed_away || f->newest_last)
		return 0;
	return nd_store_source_last_read(s, f->path, &f->newest_last, err);
}

/* filter: the newest record id read from the current file this round,
 * kept with its events; 0 (keep the stored one) when no chunk held any. */
static uint64_t last_read(void *ctx, const char *path)
{
	const nd_tail *t = ctx;

	(void)path;
	return t->round_newest_off ? t->round_newest_last : 0;
}

/* Checks one file (st: its stat, taken this round) and ingests what
 * changed. Returns 0, or -1 with err set when the store failed. */
static int poll_file(nd_tail *t, nd_store *s, tail_file *f, const nd_file_info *st, size_t index, size_t count,
		     uint64_t *stored, nd_error *err)
{
	nd_chunk_filter filter = {t, want_chunk, walked_chunk, last_read};
	nd_ingest_totals tot = {0};
	uint64_t read_last;

	if (unchanged(f, st))
		return 0;
	if (recall_last_read(s, f, err) != 0)
		return -1;
	if (f->ino && (st->ino != f->ino || st->dev != f->dev)) {
		notice(t, f->path, "replaced by another file; reading it afresh");
		forget_chunks(f);
	} else if (f->ino && st->size < f->size) {
		notice(t, f->path, "shrank (truncated or cleared); reading it afresh");
		forget_chunks(f);
	} else if (!f->ino) {
		notice(t, f->path, f->renamed_away ? "a new log was started in its place; reading it" : "following");
		f->renamed_away = 0;
	}
	f->dev = st->dev;
	f->ino = st->ino;
	f->size = st->size;
	f->mtime_s = st->mtime_s;
	f->mtime_ns = st->mtime_ns;
	t->cur = f;
	t->round_newest_off = 0;
	t->round_newest_last = 0;
	t->round_oldest = 0;
	read_last = f->newest_last;
	if (nd_ingest_file(s, f->path, index, count, t->rep, &filter, &tot, err) != 0) {
		/* Nothing of this read was stored: a later round reads it all again. */
		forget_chunks(f);
		return -1;
	}
	report_lost(t, f, read_last); /* a log cleared meanwhile was forgotten: newest_last 0 */
	if (t->round_newest_off) {
		f->newest_off = t->round_newest_off;
		f->newest_last = t->round_newest_last;
	}
	f->polled = 1;
	/* Not probed (read again next round) when it went away meanwhile. */
	f->probed = probe_chunks(f->path, f, &f->newest_crc, &f->next_crc) == 0;
	*stored += tot.sum.stored;
	return 0;
}

/* Finds the logs archived or renamed since the last round: a followed
 * file whose device and inode now stand under another listed path (sts:
 * the stat of each of files, ok[i] 0 when it failed). Reports each, and
 * moves what is known of the file to its new path, so that the archive is
 * not read again and a new file under the old name is read as a new log.
 * Returns 0, or -1 when out of memory. */
static int find_renames(nd_tail *t, const nd_path_list *files, const nd_file_info *sts, const int *ok)
{
	size_t i, j;

	for (i = 0; i < files->count; i++) {
		tail_file *to, *from = NULL;
		char *path;

		if (!ok[i])
			continue;
		for (j = 0; j < t->nfiles && !from; j++)
			if (t->files[j].ino == sts[i].ino && t->files[j].dev == sts[i].dev &&
			    strcmp(t->files[j].path, files->items[i]) != 0)
				from = &t->files[j];
		if (!from)
			continue;
		/* Still there under its own name (a hard link): not a rename. */
		for (j = 0; j < files->count; j++)
			if (ok[j] && strcmp(files->items[j], from->path) == 0 && sts[j].ino == from->ino &&
			    sts[j].dev == from->dev)
				break;
		if (j < files->count)
			continue;
		j = (size_t)(from - t->files);
		if (!(to = file_state(t, files->items[i])))
			return -1;
		from = &t->files[j]; /* file_state may have moved the array */
		notice2(t, from->path, "archived or renamed as", to->path);
		forget_chunks(to);
		path = to->path;
		*to = *from;
		to->path = path;
		path = from->path;
		memset(from, 0, sizeof(*from));
		from->path = path;
		from->renamed_away = 1;
	}
	return 0;
}

/* Names a path that cannot be read and was never followed (not created
 * yet, a typo, or not a regular file: a FIFO is never opened), once; it is
 * followed as soon as it is a file. Returns nothing. */
static void report_missing(nd_tail *t, tail_file *f)
{
	nd_file_info st;
	char msg[ND_ERROR_MAX];

	if (f->ino || f->missing_reported || !t->rep || !t->rep->problem)
		return;
	if (nd_file_stat(f->path, 1, &st) != 0)
		snprintf(msg, sizeof(msg), "%s: %s; following it when it appears", f->path, strerror(errno));
	else if (st.type != ND_FILE_REGULAR)
		snprintf(msg, sizeof(msg), "%s: not a regular file; following it when it is one", f->path);
	else
		return;
	t->rep->problem(t->rep->ctx, ND_PROBLEM_ERROR, msg);
	f->missing_reported = 1;
}

int nd_tail_round(nd_tail *t, nd_store *s, uint64_t *new_events, nd_error *err)
{
	nd_path_list files;
	nd_file_info *sts = NULL;
	int *ok = NULL;
	size_t i, failed = 0;
	int rc = -1;

	*new_events = 0;
	if (nd_ingest_collect(t->paths, t->npaths, NULL, &files, &failed) != 0)
		return nd_error_set(err, "out of memory");
	if (files.count && (!(sts = calloc(files.count, sizeof(*sts))) || !(ok = calloc(files.count, sizeof(*ok))))) {
		nd_error_set(err, "out of memory");
		goto done;
	}
	for (i = 0; i < files.count; i++)
		ok[i] = nd_file_stat(files.items[i], 1, &sts[i]) == 0 && sts[i].type == ND_FILE_REGULAR;
	if (find_renames(t, &files, sts, ok) != 0) {
		nd_error_set(err, "out of memory");
		goto done;
	}
	for (i = 0; i < t->nfiles; i++)
		t->files[i].present = 0;
	for (i = 0; i < files.count; i++) {
		tail_file *f = file_state(t, files.items[i]);

		if (!f) {
			nd_error_set(err, "out of memory");
			goto done;
		}
		f->present = 1;
		if (!ok[i]) {
			report_missing(t, f);
			continue; /* gone between listing and stat: the next round says so */
		}
		f->missing_reported = 0;
		if (poll_file(t, s, f, &sts[i], i, files.count, new_events, err) != 0)
			goto done;
	}
	for (i = 0; i < t->nfiles; i++)
		if (!t->files[i].present && t->files[i].ino) {
			notice(t, t->files[i].path, "went away (archived, renamed or deleted)");
			forget_chunks(&t->files[i]);
			t->files[i].ino = 0;
		}
	rc = 0;
done:
	free(sts);
	free(ok);
	nd_path_list_free(&files);
	return rc;
}

/* nd_source: one round of the tail. */
static int source_round(void *self, nd_store *s, uint64_t *new_events, nd_error *err)
{
	return nd_tail_round(self, s, new_events, err);
}

nd_source nd_tail_source(nd_tail *t)
{
	nd_source src = {t, source_round};

	return src;
}
