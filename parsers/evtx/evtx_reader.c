#include "evtx_reader.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "event_xml.h"
#include "evtx_binxml.h"
#include "evtx_decode.h"
#include "evtx_filter.h"
#include "evtx_format.h"
#include "nd_buf.h"
#include "nd_time.h"
#include "nd_vec.h"

#define MAX_RECORDS (ND_EVTX_CHUNK_SIZE / ND_EVTX_RECORD_MIN_SIZE)
#define MAX_THREADS 64
/* Records kept in one chunk from which the decoding threads started on
 * demand (nd_evtx_sink.threads_on_demand) are worth their hand-offs: a
 * chunk holds about a hundred records; on a domain controller's log the
 * filter keeps one in three chunks, on an NPS server's half of them. */
#define BUSY_CHUNK 16
/* Chunks from which a file has its decoding threads started on demand
 * started at once instead: enough chunks that the filter is worth a
 * thread even when it keeps nothing (a domain controller's log). */
#define BIG_FILE_CHUNKS 64
/* Jobs in the ring per decoding thread. A hand-off that puts a thread to
 * sleep or wakes one costs about as much as filtering a chunk, so threads
 * are woken for several jobs at a time (HANDOFF_BATCH) and the reading
 * thread, when the ring is full, sleeps until half of it is decoded. */
#define JOBS_PER_THREAD 16
#define HANDOFF_BATCH 8
/* No job awaited (reader.wait_for). */
#define NO_JOB UINT64_MAX
/* Alignment of every buffer a chunk is read() into: the kernel copies into
 * a buffer that is not 64-byte aligned about 5x slower (1M records, 686
 * MB: 0.40 s of system time against 0.08 s), and malloc aligns to 16. */
#define READ_ALIGN 64

/* What became of a record of a chunk. */
enum { REC_SKIPPED, REC_FAST, REC_FALLBACK };

/* States of a job. */
enum { JOB_FREE, JOB_QUEUED, JOB_DONE };

/* One chunk on its way: queued by the reading thread with what the sink
 * stored of it; read, walked, fingerprinted, filtered and decoded by a
 * worker (or by the reading thread when there are none, or while it
 * waits); handed to the sink by the reading thread, in file order, with
 * the problems met on the way. */
typedef struct job {
	uint8_t *chunk; /* ND_EVTX_CHUNK_SIZE bytes, READ_ALIGN-aligned in chunk_mem */
	void *chunk_mem;
	nd_evtx_chunk_walk walk;
	uint64_t off;
	size_t want; /* bytes to read: a chunk, or what the file has left */
	int stored;  /* the sink stored the chunk, with fingerprint stored_fp */
	uint32_t stored_fp;
	size_t n;       /* bytes read */
	int read_errno; /* the read failed (n short) with this errno, else 0 */
	int kind;       /* nd_evtx_chunk_kind of the bytes read */
	int fresh;      /* kind > 0 and fp is not stored_fp: its records are read */
	uint32_t fp;
	size_t upto;                   /* records up to the last wanted one */
	uint64_t skipped;              /* records the filter left */
	uint8_t what[MAX_RECORDS];     /* REC_* of each walked record */
	const void *tags[MAX_RECORDS]; /* of a REC_FAST record: what the sink's wants said of it decoded */
	nd_record *recs;               /* the records decoded fast */
	size_t caprecs;
	int state;
} job;

/* A decoding thread's own filter, decoder and state of the sink's
 * prepare. */
typedef struct worker {
	struct reader *r;
	pthread_t thread;
	nd_evtx_filter filter;
	nd_evtx_binxml *fast;
	void *local;
} worker;

/* Everything one read needs, allocated once per file. */
typedef struct reader {
	const char *path;
	const nd_evtx_sink *sink;
	nd_evtx_counts *counts;
	FILE *fp;
	uint64_t size;
	pthread_mutex_t read_lock; /* fp and pos */
	uint64_t pos;              /* where fp is, UINT64_MAX when not known */
	int ended;                 /* a chunk read nothing: the file ends there (or cannot be read) */
	uint8_t header[ND_EVTX_FILE_HEADER_SIZE];
	nd_evtx_decoder *decoder;
	int loaded; /* 1 libevtx has the chunk being handed over, 0 not yet, -1 it refused it */
	nd_buf xml;
	nd_record ev;
	/* A ring of jobs: filled at tail, decoded from next_work on, handed
	 * over at head (all counting up; a job is jobs[i % njobs]). Until
	 * the threads start the ring is one job of the alloc_jobs: the
	 * reading thread decodes each chunk and hands it over at once. */
	job **jobs;
	size_t njobs, alloc_jobs;
	uint64_t head, next_work, tail;
	worker *workers; /* nworkers running threads of nalloc, then own */
	worker *own;     /* the reading thread's filter and decoder: it decodes while it waits */
	size_t nworkers, nalloc;
	int deferred; /* 1: the nalloc threads wait for a busy chunk (BUSY_CHUNK), 2: start before the next */
	int busy;     /* the last chunk handed over kept BUSY_CHUNK records or more */
	pthread_mutex_t lock;
	pthread_cond_t queued, done;
	size_t idle;       /* workers waiting for a job */
	uint64_t wait_for; /* the job the reading thread sleeps on (signalled when it is done), or NO_JOB */
	int stop;
} reader;

/* Reports a problem through the sink, formatted from a literal format.
 * Returns nothing. */
static void problem(reader *r, nd_problem_kind kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(reader *r, nd_problem_kind kind, const char *fmt, ...)
{
	char msg[ND_ERROR_MAX + 256];
	int n;
	va_list ap;

	n = snprintf(msg, sizeof(msg), "%s: ", r->path);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	if (kind == ND_PROBLEM_ERROR)
		r->counts->errors++;
	else
		r->counts->warnings++;
	r->sink->problem(r->sink->ctx, kind, msg);
}

/* Returns a fingerprint of the chunk as walked: its header and where its
 * records end. A chunk whose fingerprint is unchanged holds no new records. */
static uint32_t fingerprint(const uint8_t *chunk, const nd_evtx_chunk_walk *w)
{
	uint8_t tail[16];

	nd_put_le64(tail, w->count);
	nd_put_le32(tail + 8, w->end);
	nd_put_le32(tail + 12, w->count ? (uint32_t)w->records[w->count - 1].id : 0);
	return nd_crc32(nd_crc32(0, chunk, ND_EVTX_CHUNK_HEADER_SIZE), tail, sizeof(tail));
}

/* Has libevtx decode record i of job j into r->ev, giving it the chunk
 * first if it does not have it yet. Returns 0, or 1 when the record could
 * not be read (reported). */
static int libevtx_record(reader *r, const job *j, size_t i)
{
	const nd_evtx_record_ref *ref = &j->walk.records[i];
	uint64_t file_off = j->off + ref->offset;
	nd_error e;

	if (r->loaded == 0) {
		r->loaded = 1;
		if (nd_evtx_decoder_load(r->decoder, r->header, j->chunk, &j->walk, j->upto, &e) != 0) {
			problem(r, ND_PROBLEM_ERROR, "chunk at offset 0x%llx: %s", (unsigned long long)j->off,
				e.message);
			r->loaded = -1;
		}
	}
	if (r->loaded < 0)
		return 1;
	if (nd_evtx_decoder_xml(r->decoder, i, ref->id, &r->xml, &e) != 0 ||
	    nd_xml_parse_event(r->xml.data, r->xml.len, &r->ev, NULL, &e) != 1) {
		problem(r, ND_PROBLEM_ERROR, "record %llu at offset 0x%llx: %s", (unsigned long long)ref->id,
			(unsigned long long)file_off, e.message);
		return 1;
	}
	return 0;
}

/* Returns what the sink's wants says of a decoded event, NULL for an
 * event without a provider. The decoded event decides: the filter lets
 * through what it cannot read. */
static const void *decoded_tag(const nd_evtx_sink *sink, const nd_record *ev)
{
	return ev->provider && *ev->provider ? sink->wants(sink->ctx, ev->provider, ev->source_name, ev->event_id)
					     : NULL;
}

/* Hands record i of job j, decoded into ev, to the sink if tag (its
 * decoded_tag) says it wants it. Returns 0, or -1 when the sink stopped. */
static int hand_over(reader *r, const job *j, size_t i, nd_record *ev, const void *tag, nd_error *err)
{
	const nd_evtx_record_ref *ref = &j->walk.records[i];

	if (!tag) {
		r->counts->skipped++;
		return 0;
	}
	r->counts->wanted++;
	ev->file_offset = (int64_t)(j->off + ref->offset);
	ev->written_time = nd_time_from_filetime(ref->written);
	if (!ev->record_id)
		ev->record_id = ref->id;
	return r->sink->record(r->sink->ctx, tag, ev, err) == 0 ? 0 : -1;
}

/* Answers of the sink's wants for one provider and source, by event id. */
#define WANTS_SEEN 16
typedef struct wants_seen {
	uint32_t id[WANTS_SEEN];
	const void *tag[WANTS_SEEN];
	size_t n;
} wants_seen;

/* Returns what the sink's wants says of the record peek read, asking it
 * only for an event id not in seen (the answers for the same provider and
 * source as the record before; cleared when they change). Returns the
 * tag, NULL to skip the record. */
static const void *peek_wants(const nd_evtx_sink *sink, const nd_evtx_peek *peek, wants_seen *seen)
{
	const void *tag;
	size_t i;

	if (!peek->same_names)
		seen->n = 0;
	for (i = 0; i < seen->n; i++)
		if (seen->id[i] == peek->event_id)
			return seen->tag[i];
	tag = sink->wants(sink->ctx, peek->provider, peek->source, peek->event_id);
	if (seen->n < WANTS_SEEN) {
		seen->id[seen->n] = peek->event_id;
		seen->tag[seen->n++] = tag;
	}
	return tag;
}

/* Reads up to n bytes at p from fp. Returns the number of bytes read. */
static size_t read_fully(FILE *fp, uint8_t *p, size_t n)
{
	size_t got = 0, k;

	while (got < n && (k = fread(p + got, 1, n - got, fp)) > 0)
		got += k;
	return got;
}

/* Reads up to n bytes at offset off of the file of r into p, seeking only
 * when the file is not there already (chunks are mostly read in order),
 * and clears the file's error. Called with r->read_lock held. Returns the
 * number of bytes read, with *error set to the errno of a failed seek or
 * read (EIO when there is none), else 0. */
static size_t read_at(reader *r, uint64_t off, uint8_t *p, size_t n, int *error)
{
	size_t got = 0;

	*error = errno = 0;
	if (r->pos != off && fseeko(r->fp, (off_t)off, SEEK_SET) != 0)
		*error = errno ? errno : EIO;
	else if ((got = read_fully(r->fp, p, n)) < n && ferror(r->fp))
		*error = errno ? errno : EIO;
	clearerr(r->fp);
	r->pos = got == n ? off + n : UINT64_MAX;
	return got;
}

/* Reads the chunk of job j, walks it and fingerprints it: fresh when it
 * is not what the sink stored. Returns nothing. */
static void read_job(reader *r, job *j)
{
	pthread_mutex_lock(&r->read_lock);
	j->n = read_at(r, j->off, j->chunk, j->want, &j->read_errno);
	pthread_mutex_unlock(&r->read_lock);
	if (j->n < ND_EVTX_CHUNK_SIZE)
		memset(j->chunk + j->n, 0, ND_EVTX_CHUNK_SIZE - j->n);
	j->kind = j->n ? nd_evtx_chunk_kind(j->chunk, j->n) : 0;
	j->fresh = 0;
	if (j->kind <= 0)
		return;
	nd_evtx_walk_chunk(j->chunk, j->n, &j->walk);
	j->fp = fingerprint(j->chunk, &j->walk);
	j->fresh = !j->stored || j->stored_fp != j->fp;
}

/* Reads job j (read_job) and, when it is fresh, filters its records and
 * decodes the wanted ones with our decoder (with the filter and decoder
 * of wk), marking those it refuses for libevtx, and has the sink prepare
 * those it keeps. libevtx, when a record needs it, is shown the chunk
 * only up to the last record wanted. Touches nothing but j, wk and the
 * file (under its lock): runs on any thread. Returns nothing. */
static void decode_job(worker *wk, job *j)
{
	const nd_evtx_sink *sink = wk->r->sink;
	nd_evtx_filter *filter = &wk->filter;
	const nd_evtx_chunk_walk *w = &j->walk;
	size_t i, have = j->caprecs;
	wants_seen seen;

	j->upto = 0;
	j->skipped = 0;
	read_job(wk->r, j);
	if (!j->fresh)
		return;
	seen.n = 0;
	nd_evtx_filter_reset(filter);
	for (i = 0; i < w->count; i++) {
		const nd_evtx_record_ref *ref = &w->records[i];
		nd_evtx_peek peek;

		/* A record the filter cannot read is decoded to find out. */
		if (!nd_evtx_filter_peek(filter, j->chunk, ref->offset, ref->size, &peek) ||
		    peek_wants(sink, &peek, &seen) != NULL) {
			j->what[i] = REC_FALLBACK;
			j->upto = i + 1;
		} else {
			j->what[i] = REC_SKIPPED;
			j->skipped++;
		}
	}
	if (sink->decoder != ND_EVTX_DECODER_FAST || !j->upto ||
	    nd_vec_reserve(&j->recs, &j->caprecs, j->upto, sizeof(*j->recs)) != 0)
		return; /* out of memory: libevtx decodes them */
	for (; have < j->caprecs; have++)
		nd_record_init(&j->recs[have]);
	nd_evtx_binxml_chunk(wk->fast, j->chunk, w);
	for (i = 0; i < j->upto; i++)
		if (j->what[i] == REC_FALLBACK && nd_evtx_binxml_decode(wk->fast, i, &j->recs[i]) == 0) {
			j->what[i] = REC_FAST;
			j->tags[i] = decoded_tag(sink, &j->recs[i]);
			if (j->tags[i] && sink->prepare)
				sink->prepare(sink->ctx, &wk->local, j->tags[i], &j->recs[i]);
		}
}

/* Reports what reading job j met: nothing read (the file ends there), a
 * short chunk, a chunk that is not one. Returns 1 when it holds records
 * (it was walked), else 0. */
static int read_problems(reader *r, const job *j)
{
	unsigned long long off = (unsigned long long)j->off;

	if (!j->n) {
		if (j->read_errno)
			problem(r, ND_PROBLEM_ERROR, "read error at offset 0x%llx: %s", off, strerror(j->read_errno));
		r->ended = 1;
		return 0;
	}
	if (j->n < ND_EVTX_CHUNK_SIZE)
		problem(r, ND_PROBLEM_ERROR, "file ends inside the chunk at offset 0x%llx (%zu of %d bytes)", off, j->n,
			ND_EVTX_CHUNK_SIZE);
	if (j->kind == 2)
		problem(r, ND_PROBLEM_WARNING,
			"chunk at offset 0x%llx: header not written yet, records read by their framing", off);
	if (j->kind < 0)
		problem(r, ND_PROBLEM_ERROR, "chunk at offset 0x%llx: bad signature, chunk skipped", off);
	return j->kind > 0;
}

/* Tells the sink of the walked chunk of job j, counts it and reports what
 * its walk met. Returns 1 when its records are to be handed over, 0 when
 * it is unchanged. */
static int begin_chunk(reader *r, const job *j)
{
	const nd_evtx_chunk_walk *w = &j->walk;
	unsigned long long off = (unsigned long long)j->off;

	if (w->count && w->records[w->count - 1].id >= r->counts->newest_last_id) {
		r->counts->newest_last_id = w->records[w->count - 1].id;
		r->counts->newest_chunk = j->off;
	}
	if (r->sink->chunk_walked)
		r->sink->chunk_walked(r->sink->ctx, j->off, j->fp);
	if (!j->fresh) {
		r->counts->unchanged++;
		return 0;
	}
	r->counts->chunks++;
	if (w->damaged_offset)
		problem(r, ND_PROBLEM_ERROR, "chunk at offset 0x%llx: %u damaged bytes at chunk offset 0x%x skipped",
			off, w->damaged_bytes, w->damaged_offset);
	if (w->truncated_record)
		problem(r, ND_PROBLEM_WARNING,
			"chunk at offset 0x%llx: incomplete record at chunk offset 0x%x (still being written?)", off,
			w->end);
	return 1;
}

/* Tells the sink how far the read is: up to the end of job j. Returns
 * nothing. */
static void progress(reader *r, const job *j)
{
	if (r->sink->progress)
		r->sink->progress(r->sink->ctx, j->off + j->n, r->size);
}

/* Hands the decoded records of job j to the sink and ends its chunk,
 * after what begin_chunk reports; nothing once the file ended. Returns
 * 0, or -1 when the sink stopped. */
static int deliver(reader *r, job *j, nd_error *err)
{
	uint64_t errors_before;
	size_t i;

	if (r->ended)
		return 0;
	if (!read_problems(r, j)) {
		if (!r->ended) /* a chunk not walked: the read goes on after it */
			progress(r, j);
		return 0;
	}
	errors_before = r->counts->errors;
	if (!begin_chunk(r, j)) {
		progress(r, j);
		return 0;
	}
	r->counts->records += j->walk.count;
	r->counts->skipped += j->skipped;
	r->busy = j->walk.count - j->skipped >= BUSY_CHUNK;
	r->loaded = 0;
	for (i = 0; i < j->upto; i++) {
		if (j->what[i] == REC_FAST) {
			r->counts->fast++;
			if (hand_over(r, j, i, &j->recs[i], j->tags[i], err) != 0)
				return -1;
		} else if (j->what[i] == REC_FALLBACK) {
			r->counts->fallback++;
			if (libevtx_record(r, j, i) == 0 &&
			    hand_over(r, j, i, &r->ev, decoded_tag(r->sink, &r->ev), err) != 0)
				return -1;
		}
	}
	if (r->sink->chunk_end(r->sink->ctx, j->off, j->fp, r->counts->errors - errors_before, err) != 0)
		return -1;
	progress(r, j);
	return 0;
}

/* A decoding thread: takes queued jobs in order until told to stop.
 * Returns NULL. */
static void *work(void *arg)
{
	worker *wk = arg;
	reader *r = wk->r;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		uint64_t seq;
		job *j;

		while (!r->stop && r->next_work == r->tail) {
			r->idle++;
			pthread_cond_wait(&r->queued, &r->lock);
			r->idle--;
		}
		if (r->stop)
			break;
		seq = r->next_work++;
		j = r->jobs[seq % r->njobs];
		pthread_mutex_unlock(&r->lock);
		decode_job(wk, j);
		pthread_mutex_lock(&r->lock);
		j->state = JOB_DONE;
		if (seq == r->wait_for)
			pthread_cond_signal(&r->done);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Starts the decoding threads of r: fewer when they cannot be started.
 * Returns nothing. */
static void launch(reader *r)
{
	size_t i;

	r->deferred = 0;
	/* the ring is empty: its counters start again, over every job */
	r->njobs = r->alloc_jobs;
	r->head = r->tail = r->next_work = 0;
	for (i = 0; i < r->nalloc; i++) {
		if (pthread_create(&r->workers[i].thread, NULL, work, &r->workers[i]) != 0)
			break;
		r->nworkers++;
	}
}

/* Wakes the idle workers when jobs wait for them: at least HANDOFF_BATCH,
 * or any when all is 1 (the reading thread is about to wait) or when the
 * last chunk handed over was busy (decoding it is worth a hand-off).
 * Called with r->lock held. Returns nothing. */
static void wake_workers(reader *r, int all)
{
	uint64_t queued = r->tail - r->next_work;

	if (r->idle && queued && (all || r->busy || queued >= HANDOFF_BATCH))
		pthread_cond_broadcast(&r->queued);
}

/* Queues job j (the one at tail) for decoding, or decodes it at once when
 * there are no workers, having the deferred ones started when j kept
 * enough records. Returns nothing. */
static void submit(reader *r, job *j)
{
	if (!r->nworkers) {
		decode_job(r->own, j);
		j->state = JOB_DONE;
		r->next_work = ++r->tail;
		if (r->deferred && j->fresh && j->walk.count - j->skipped >= BUSY_CHUNK)
			r->deferred = 2; /* once j is handed over (read_chunks) */
		return;
	}
	pthread_mutex_lock(&r->lock);
	j->state = JOB_QUEUED;
	r->tail++;
	wake_workers(r, 0);
	pthread_mutex_unlock(&r->lock);
}

/* Decodes the oldest queued job on the reading thread, if there is one.
 * Called with r->lock held (released meanwhile). Returns 1 when it
 * decoded one, else 0. */
static int help(reader *r)
{
	uint64_t seq = r->next_work;
	job *j;

	if (seq == r->tail)
		return 0;
	r->next_work++;
	j = r->jobs[seq % r->njobs];
	pthread_mutex_unlock(&r->lock);
	decode_job(r->own, j);
	pthread_mutex_lock(&r->lock);
	j->state = JOB_DONE;
	return 1;
}

/* Hands over the oldest job. When wait is 1 and it is not decoded yet,
 * waits for it and for the one `ahead` jobs further, if queued (so that
 * the reading thread waits once for several jobs): meanwhile it decodes
 * queued jobs itself, and sleeps only when the workers have them all (on
 * a busy machine the workers may get no processor for a while). A decoded
 * oldest job is handed over at once: storing it is the reading thread's
 * work, decoding the workers'. Without wait, only a decoded one. Returns 1
 * when one was handed over, 0 when none was, -1 when the sink stopped. */
static int deliver_next(reader *r, int wait, uint64_t ahead, nd_error *err)
{
	uint64_t last;
	job *j, *l;
	int rc;

	if (r->head == r->tail)
		return 0;
	j = r->jobs[r->head % r->njobs];
	last = r->head + (ahead < r->tail - r->head ? ahead : r->tail - r->head - 1);
	l = r->jobs[last % r->njobs];
	pthread_mutex_lock(&r->lock);
	if (wait && j->state != JOB_DONE) {
		wake_workers(r, 1);
		while (j->state != JOB_DONE || l->state != JOB_DONE) {
			if (help(r))
				continue;
			r->wait_for = l->state != JOB_DONE ? last : r->head;
			pthread_cond_wait(&r->done, &r->lock);
		}
		r->wait_for = NO_JOB;
	}
	rc = j->state == JOB_DONE;
	pthread_mutex_unlock(&r->lock);
	if (!rc)
		return 0;
	if (deliver(r, j, err) != 0)
		return -1;
	j->state = JOB_FREE;
	r->head++;
	return 1;
}

int nd_evtx_is_evtx(const char *path)
{
	uint8_t sig[8];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!fp)
		return -1;
	n = fread(sig, 1, sizeof(sig), fp);
	fclose(fp);
	return n == sizeof(sig) && memcmp(sig, "ElfFile", 8) == 0;
}

/* Allocates a chunk buffer for read(), READ_ALIGN-aligned. Returns it with
 * *mem set to what free() takes, or NULL when out of memory. */
static uint8_t *chunk_buffer(void **mem)
{
	uint8_t *p = malloc(ND_EVTX_CHUNK_SIZE + READ_ALIGN);

	*mem = p;
	return p ? p + (READ_ALIGN - (uintptr_t)p % READ_ALIGN) % READ_ALIGN : NULL;
}

/* Returns 1 when the sink's chunk_header says the chunk at off need not
 * be read (its header is read here), else 0. */
static int header_skips(reader *r, job *j, uint64_t off)
{
	size_t n;
	int error; /* the chunk's own read reports it */

	pthread_mutex_lock(&r->read_lock);
	n = read_at(r, off, j->chunk, ND_EVTX_CHUNK_HEADER_SIZE, &error);
	pthread_mutex_unlock(&r->read_lock);
	return n == ND_EVTX_CHUNK_HEADER_SIZE && nd_evtx_chunk_kind(j->chunk, 8) > 0 &&
	       !r->sink->chunk_header(r->sink->ctx, off, j->chunk);
}

/* Queues the chunks of the file for reading and decoding, asking the sink
 * for what it stored of each, and hands the records over in file order
 * while later chunks are read and decoded: the ring is kept full, so that
 * the workers always have the chunks after the one handed over, and a
 * chunk is handed over only when the ring has no room for the next
 * (handing over every decoded one at once would empty the ring, leave the
 * workers idle and then make the reading thread decode). Returns 0, or -1
 * when the sink stopped. */
static int read_chunks(reader *r, nd_error *err)
{
	uint64_t off;
	int rc;

	for (off = ND_EVTX_FILE_HEADER_SIZE; off < r->size && !r->ended; off += ND_EVTX_CHUNK_SIZE) {
		job *j;

		while (r->tail - r->head == r->njobs)
			if (deliver_next(r, 1, r->njobs / 2, err) < 0)
				return -1;
		if (r->deferred == 2 && r->head == r->tail)
			launch(r);
		j = r->jobs[r->tail % r->njobs];
		if (r->sink->chunk_header && header_skips(r, j, off)) {
			r->counts->unchanged++;
			continue;
		}
		j->off = off;
		j->want = r->size - off < ND_EVTX_CHUNK_SIZE ? (size_t)(r->size - off) : ND_EVTX_CHUNK_SIZE;
		j->stored = r->sink->chunk_stored && r->sink->chunk_stored(r->sink->ctx, off, &j->stored_fp);
		submit(r, j);
	}
	while ((rc = deliver_next(r, 1, 0, err)) > 0)
		;
	return rc;
}

/* Frees the jobs and workers of r, stopping the threads. Returns nothing. */
static void stop_workers(reader *r)
{
	size_t i, k;

	if (r->nworkers) {
		pthread_mutex_lock(&r->lock);
		r->stop = 1;
		pthread_cond_broadcast(&r->queued);
		pthread_mutex_unlock(&r->lock);
		for (i = 0; i < r->nworkers; i++)
			pthread_join(r->workers[i].thread, NULL);
	}
	for (i = 0; r->workers && i <= r->nalloc; i++) {
		nd_evtx_binxml_free(r->workers[i].fast);
		if (r->workers[i].local && r->sink->prepare_free)
			r->sink->prepare_free(r->sink->ctx, r->workers[i].local);
	}
	for (i = 0; r->jobs && i < r->alloc_jobs && r->jobs[i]; i++) {
		for (k = 0; k < r->jobs[i]->caprecs; k++)
			nd_record_reset(&r->jobs[i]->recs[k]);
		free(r->jobs[i]->recs);
		free(r->jobs[i]->chunk_mem);
		free(r->jobs[i]);
	}
	free(r->workers);
	free(r->jobs);
	pthread_cond_destroy(&r->queued);
	pthread_cond_destroy(&r->done);
	pthread_mutex_destroy(&r->lock);
	pthread_mutex_destroy(&r->read_lock);
}

/* Sets up the jobs and the decoding threads of r: none for threads 0 (the
 * reading thread decodes), else threads workers and JOBS_PER_THREAD jobs
 * each, started now or, when on_demand is 1, by the first busy chunk
 * (submit). Returns 0, or -1 when out of memory. */
static int start_workers(reader *r, unsigned threads, int on_demand)
{
	size_t want = threads > MAX_THREADS ? MAX_THREADS : threads, i;

	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_init(&r->read_lock, NULL);
	pthread_cond_init(&r->queued, NULL);
	pthread_cond_init(&r->done, NULL);
	r->wait_for = NO_JOB;
	r->alloc_jobs = want ? JOBS_PER_THREAD * want : 1;
	r->njobs = 1;
	r->jobs = calloc(r->alloc_jobs, sizeof(*r->jobs));
	r->workers = calloc(want + 1, sizeof(*r->workers));
	if (!r->jobs || !r->workers)
		return -1;
	r->nalloc = want;
	r->own = &r->workers[want];
	for (i = 0; i < r->alloc_jobs; i++)
		if (!(r->jobs[i] = calloc(1, sizeof(*r->jobs[i]))) ||
		    !(r->jobs[i]->chunk = chunk_buffer(&r->jobs[i]->chunk_mem)))
			return -1;
	for (i = 0; i <= want; i++) {
		r->workers[i].r = r;
		if (!(r->workers[i].fast = nd_evtx_binxml_new()))
			return -1;
	}
	if (!want)
		return 0;
	if (on_demand)
		r->deferred = 1;
	else
		launch(r);
	return 0;
}

/* Adds the CRC32 of the chunk at off of fp (the bytes there, up to a chunk)
 * to *crc. Returns 0, or -1 on a read error. */
static int crc_chunk_at(FILE *fp, uint64_t off, uint8_t *buf, uint32_t *crc)
{
	size_t n;

	if (fseeko(fp, (off_t)off, SEEK_SET) != 0)
		return -1;
	n = read_fully(fp, buf, ND_EVTX_CHUNK_SIZE);
	if (ferror(fp))
		return -1;
	*crc = nd_crc32(*crc, buf, n);
	return 0;
}

int nd_evtx_file_fingerprint(const char *path, uint32_t *fp, uint64_t *newest, nd_error *err)
{
	void *mem;
	uint8_t *buf = chunk_buffer(&mem);
	nd_evtx_file_header fh;
	struct stat st;
	uint64_t next;
	uint32_t crc = 0;
	FILE *in;
	int rc = -1;

	if (!buf)
		return nd_error_set(err, "out of memory");
	in = fopen(path, "rb");
	if (!in) {
		free(mem);
		return nd_error_set(err, "%s: cannot open: %s", path, strerror(errno));
	}
	setvbuf(in, NULL, _IONBF, 0);
	if (fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode) ||
	    read_fully(in, buf, ND_EVTX_FILE_HEADER_SIZE) != ND_EVTX_FILE_HEADER_SIZE ||
	    nd_evtx_parse_file_header(buf, &fh) != 0 || fh.last_chunk > ((uint64_t)1 << 32)) {
		nd_error_set(err, "%s: not a readable EVTX file", path);
		goto done;
	}
	crc = nd_crc32(0, buf, ND_EVTX_FILE_HEADER_SIZE);
	*newest = ND_EVTX_FILE_HEADER_SIZE + fh.last_chunk * ND_EVTX_CHUNK_SIZE;
	next = nd_evtx_next_chunk(*newest, (uint64_t)st.st_size);
	if (crc_chunk_at(in, *newest, buf, &crc) != 0 || (next && crc_chunk_at(in, next, buf, &crc) != 0)) {
		nd_error_set(err, "%s: read error: %s", path, strerror(errno));
		goto done;
	}
	*fp = crc;
	rc = 0;
done:
	fclose(in);
	free(mem);
	return rc;
}

int nd_evtx_read(const char *path, const nd_evtx_sink *sink, nd_evtx_counts *counts, nd_error *err)
{
	struct stat st;
	FILE *fp;
	int rc;

	fp = fopen(path, "rb");
	if (!fp)
		return nd_error_set(err, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(fp);
		return nd_error_set(err, "%s: not a regular file", path);
	}
	rc = nd_evtx_read_file(fp, path, (int64_t)st.st_size, sink, counts, err);
	fclose(fp);
	return rc;
}

int nd_evtx_read_file(FILE *fp, const char *path, int64_t size, const nd_evtx_sink *sink, nd_evtx_counts *counts,
		      nd_error *err)
{
	nd_evtx_file_header fh;
	reader *r;
	int rc;

	r = calloc(1, sizeof(*r));
	if (!r)
		return nd_error_set(err, "out of memory");
	r->sink = sink;
	/* On demand, unless the file is big: its filter is worth a thread. */
	if (start_workers(r, sink->threads,
			  sink->threads_on_demand && size < (int64_t)BIG_FILE_CHUNKS * ND_EVTX_CHUNK_SIZE) != 0 ||
	    !(r->decoder = nd_evtx_decoder_new())) {
		stop_workers(r);
		nd_evtx_decoder_free(r->decoder);
		free(r);
		return nd_error_set(err, "out of memory");
	}
	r->path = path;
	r->sink = sink;
	r->counts = counts;
	r->fp = fp;
	r->size = size > 0 ? (uint64_t)size : 0;
	r->pos = ND_EVTX_FILE_HEADER_SIZE; /* once the header is read below */
	nd_record_init(&r->ev);
	setvbuf(fp, NULL, _IONBF, 0);
	rc = -1;
	if (fread(r->header, 1, sizeof(r->header), fp) != sizeof(r->header) ||
	    nd_evtx_parse_file_header(r->header, &fh) != 0) {
		if (size == 0)
			nd_error_set(err, "%s: empty file", path);
		else if (size < ND_EVTX_FILE_HEADER_SIZE && memcmp(r->header, "ElfFile", 8) == 0)
			nd_error_set(err, "%s: truncated EVTX file (%lld bytes, the header alone is %d)", path,
				     (long long)size, ND_EVTX_FILE_HEADER_SIZE);
		else
			nd_error_set(err, "%s: not an EVTX file (no ElfFile signature at offset 0)", path);
	} else {
		if (fh.major_version != 3)
			problem(r, ND_PROBLEM_WARNING, "unexpected format version %u.%u", fh.major_version,
				fh.minor_version);
		rc = read_chunks(r, err);
		if (rc == 0 && size == ND_EVTX_FILE_HEADER_SIZE)
			problem(r, ND_PROBLEM_WARNING, "no chunks: the log is empty");
	}
	stop_workers(r);
	nd_record_reset(&r->ev);
	nd_buf_free(&r->xml);
	nd_evtx_decoder_free(r->decoder);
	free(r);
	return rc;
}
