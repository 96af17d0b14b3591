/* evtxwrite: writes EVTX files from event descriptions, for npsdiag's test
 * fixtures and benchmarks (no public .evtx holds NPS or RasClient events).
 * See docs/evtxwrite.md.
 *
 *   evtxwrite [--live] [--stale-chunk-header] [--torn N] -o OUT.evtx DESC...
 *   evtxwrite --append [--stale-chunk-header] [--torn N] -o OUT.evtx DESC...
 *
 * Default: a closed log, as exported (clean header, exact size). --live: as
 * the EventLog service keeps an open log (dirty flag, pre-extended in 1 MiB
 * steps). --append: adds records to an existing file the way a live log
 * grows (header counters left stale, dirty flag set). --stale-chunk-header:
 * the header of a chunk that already held records is not updated for the
 * new ones. --torn N: the last record is cut after N bytes, as if the
 * writer were caught half-way; a later --append overwrites it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ew_chunk.h"
#include "ew_desc.h"

#define FILE_HEADER_SIZE 4096
#define PREALLOC_CHUNKS 16

typedef struct options {
	const char *out;
	int append, live, stale, torn;
} options;

/* The file being written. */
typedef struct writer {
	FILE *fp;
	const options *o;
	uint8_t header[FILE_HEADER_SIZE];
	ew_chunk chunk;
	uint64_t chunk_index; /* index of the chunk in `chunk` */
	int chunk_loaded;     /* it held records before this run */
	uint8_t old_header[128]; /* its header as found */
	uint64_t chunks;      /* chunks in use */
	uint64_t next_id;
} writer;

/* Prints an error about the output file. Returns -1. */
static int io_fail(const writer *w, const char *what)
{
	fprintf(stderr, "evtxwrite: %s: %s: %s\n", w->o->out, what, strerror(errno));
	return -1;
}

/* Writes the current chunk at its place. Returns 0, or -1. */
static int write_chunk(writer *w)
{
	ew_chunk_finish(&w->chunk);
	if (w->o->stale && w->chunk_loaded)
		memcpy(w->chunk.b, w->old_header, 128); /* the header as it was: stale */
	if (fseeko(w->fp, (off_t)(FILE_HEADER_SIZE + w->chunk_index * EW_CHUNK_SIZE), SEEK_SET) != 0 ||
	    fwrite(w->chunk.b, 1, EW_CHUNK_SIZE, w->fp) != EW_CHUNK_SIZE)
		return io_fail(w, "write");
	return 0;
}

/* Cuts the last record after n bytes (a torn write): the chunk header no
 * longer counts it. Returns nothing. */
static void tear_last(writer *w, int n)
{
	ew_chunk *c = &w->chunk;
	uint32_t size = c->free - c->last_off;

	if (!c->records || n <= 0 || (uint32_t)n >= size)
		return;
	memset(c->b + c->last_off + n, 0, size - (uint32_t)n);
	c->free = c->last_off;
	c->last_off = c->prev_off;
	c->last_id--;
	c->records--;
	w->next_id--;
}

/* Fills a fresh file header. Returns nothing. */
static void init_header(writer *w)
{
	memset(w->header, 0, sizeof(w->header));
	memcpy(w->header, "ElfFile", 8);
	ew_set32(w->header + 32, 128);
	w->header[36] = 1; /* minor version */
	w->header[38] = 3; /* major version */
	w->header[41] = 0x10; /* header block size 4096 */
}

/* Writes the file header: counters and flags as requested. Returns 0, or
 * -1. */
static int write_header(writer *w, int counters)
{
	uint8_t *h = w->header;

	if (counters) {
		ew_set64(h + 8, 0);
		ew_set64(h + 16, w->chunks ? w->chunks - 1 : 0);
		ew_set64(h + 24, w->next_id);
		h[42] = (uint8_t)w->chunks;
		h[43] = (uint8_t)(w->chunks >> 8);
	}
	ew_set32(h + 120, (w->o->live || w->o->append) ? 1u : 0u);
	ew_set32(h + 124, ew_crc32(0, h, 120));
	if (fseeko(w->fp, 0, SEEK_SET) != 0 || fwrite(h, 1, FILE_HEADER_SIZE, w->fp) != FILE_HEADER_SIZE)
		return io_fail(w, "write");
	return 0;
}

/* Opens the output and positions the writer: a new file, or after the
 * last complete record of an existing one. Returns 0, or -1. */
static int open_output(writer *w, uint64_t first_record)
{
	if (!w->o->append) {
		w->fp = fopen(w->o->out, "w+b");
		if (!w->fp)
			return io_fail(w, "cannot create");
		init_header(w);
		ew_chunk_init(&w->chunk);
		w->next_id = first_record;
		w->chunks = 1;
		return 0;
	}
	w->fp = fopen(w->o->out, "r+b");
	if (!w->fp)
		return io_fail(w, "cannot open for --append");
	if (fread(w->header, 1, FILE_HEADER_SIZE, w->fp) != FILE_HEADER_SIZE || memcmp(w->header, "ElfFile", 8)) {
		fprintf(stderr, "evtxwrite: %s: not an EVTX file\n", w->o->out);
		return -1;
	}
	/* The chunk with the highest last record id is the current one. */
	{
		static uint8_t buf[EW_CHUNK_SIZE];
		uint64_t idx = 0, best = 0, best_idx = 0, used = 0;
		int found = 0;

		while (fread(buf, 1, EW_CHUNK_SIZE, w->fp) == EW_CHUNK_SIZE) {
			if (!memcmp(buf, "ElfChnk", 8)) {
				ew_chunk tmp;

				used = idx + 1;
				if (ew_chunk_load(&tmp, buf) == 0 && tmp.records && (!found || tmp.last_id > best)) {
					best = tmp.last_id;
					best_idx = idx;
					found = 1;
				}
				ew_chunk_free(&tmp);
			}
			idx++;
		}
		if (!found) {
			fprintf(stderr, "evtxwrite: %s: no records to append to\n", w->o->out);
			return -1;
		}
		if (fseeko(w->fp, (off_t)(FILE_HEADER_SIZE + best_idx * EW_CHUNK_SIZE), SEEK_SET) != 0 ||
		    fread(buf, 1, EW_CHUNK_SIZE, w->fp) != EW_CHUNK_SIZE)
			return io_fail(w, "read");
		ew_chunk_load(&w->chunk, buf);
		memcpy(w->old_header, buf, 128);
		w->chunk_index = best_idx;
		w->chunk_loaded = 1;
		w->chunks = used > best_idx + 1 ? used : best_idx + 1;
		w->next_id = w->chunk.last_id + 1;
	}
	return 0;
}

/* One record to write: which event of the description, at what time. */
typedef struct ew_copy {
	int64_t t;
	size_t event; /* index in the description */
	size_t seq;   /* order in the description, to keep ties stable */
} ew_copy;

/* Orders copies by time, then by their place in the description. Returns
 * <0, 0 or >0. */
static int copy_cmp(const void *a, const void *b)
{
	const ew_copy *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Adds one record to the current chunk, starting a new chunk when it is
 * full. Returns 0, or -1. */
static int write_record(writer *w, const ew_desc *d, const ew_event *ev, int64_t t)
{
	char err[EW_ERR_MAX];
	int rc = ew_chunk_add(&w->chunk, ev, w->next_id, t, err);

	if (rc == 0) {
		if (write_chunk(w) != 0)
			return -1;
		ew_chunk_free(&w->chunk);
		ew_chunk_init(&w->chunk);
		w->chunk_loaded = 0;
		w->chunk_index++;
		if (w->chunk_index + 1 > w->chunks)
			w->chunks = w->chunk_index + 1;
		rc = ew_chunk_add(&w->chunk, ev, w->next_id, t, err);
	}
	if (rc < 0) {
		fprintf(stderr, "evtxwrite: %s:%d: %s\n", d->path, ev->line, err);
		return -1;
	}
	w->next_id++;
	return 0;
}

/* Writes all events of d in time order (record ids grow with time, as in
 * a real log; equal times keep the description's order). Returns 0, or
 * -1. */
static int write_events(writer *w, const ew_desc *d)
{
	ew_copy *copies = NULL;
	size_t i, k, n = 0, cap = 0;
	int rc = 0;

	for (i = 0; i < d->count; i++) {
		const ew_event *ev = &d->events[i];

		for (k = 0; k < ev->ntimes * ev->repeat; k++) {
			if (n == cap) {
				ew_copy *nc = realloc(copies, (cap ? cap * 2 : 256) * sizeof(*nc));

				if (!nc) {
					free(copies);
					fputs("evtxwrite: out of memory\n", stderr);
					return -1;
				}
				copies = nc;
				cap = cap ? cap * 2 : 256;
			}
			copies[n].t = ev->times[k / ev->repeat] + (int64_t)(k % ev->repeat) * ev->repeat_step;
			copies[n].event = i;
			copies[n].seq = n;
			n++;
		}
	}
	qsort(copies, n, sizeof(*copies), copy_cmp);
	for (i = 0; rc == 0 && i < n; i++)
		rc = write_record(w, d, &d->events[copies[i].event], copies[i].t);
	free(copies);
	return rc;
}

/* Pre-extends a live file with zeroed chunks as the EventLog service does
 * (1 MiB steps). Returns 0, or -1. */
static int preallocate(writer *w)
{
	static const uint8_t zero[EW_CHUNK_SIZE];
	uint64_t want = PREALLOC_CHUNKS * ((w->chunks + PREALLOC_CHUNKS - 1) / PREALLOC_CHUNKS), have;
	struct stat st;

	if (fstat(fileno(w->fp), &st) != 0)
		return io_fail(w, "stat");
	have = ((uint64_t)st.st_size - FILE_HEADER_SIZE) / EW_CHUNK_SIZE;
	if (fseeko(w->fp, (off_t)(FILE_HEADER_SIZE + have * EW_CHUNK_SIZE), SEEK_SET) != 0)
		return io_fail(w, "seek");
	for (; have < want; have++)
		if (fwrite(zero, 1, EW_CHUNK_SIZE, w->fp) != EW_CHUNK_SIZE)
			return io_fail(w, "write");
	return 0;
}

/* Prints usage. Returns 2. */
static int usage(void)
{
	fputs("usage: evtxwrite [--live | --append] [--stale-chunk-header] [--torn N] -o OUT.evtx DESC...\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"append", no_argument, NULL, 'a'},
					     {"live", no_argument, NULL, 'l'},
					     {"stale-chunk-header", no_argument, NULL, 's'},
					     {"torn", required_argument, NULL, 't'},
					     {"output", required_argument, NULL, 'o'},
					     {NULL, 0, NULL, 0}};
	static writer w;
	options o = {0};
	ew_desc *descs;
	char err[EW_ERR_MAX];
	int opt, i, n, rc = 0;

	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (opt) {
		case 'a': o.append = 1; break;
		case 'l': o.live = 1; break;
		case 's': o.stale = 1; break;
		case 't': o.torn = atoi(optarg); break;
		case 'o': o.out = optarg; break;
		default: return usage();
		}
	}
	if (!o.out || optind >= argc || (o.append && o.live))
		return usage();
	n = argc - optind;
	descs = calloc((size_t)n, sizeof(*descs));
	if (!descs)
		return 1;
	for (i = 0; i < n; i++)
		if (ew_desc_read(argv[optind + i], &descs[i], err) != 0) {
			fprintf(stderr, "evtxwrite: %s\n", err);
			while (i-- > 0)
				ew_desc_free(&descs[i]);
			free(descs);
			return 1;
		}
	w.o = &o;
	if (open_output(&w, descs[0].first_record) != 0)
		rc = 1;
	for (i = 0; rc == 0 && i < n; i++)
		if (write_events(&w, &descs[i]) != 0)
			rc = 1;
	if (rc == 0) {
		if (o.torn)
			tear_last(&w, o.torn);
		if (write_chunk(&w) != 0 || (o.live && preallocate(&w) != 0) ||
		    write_header(&w, !o.append) != 0 || fflush(w.fp) != 0)
			rc = 1;
	}
	if (w.fp && fclose(w.fp) != 0 && rc == 0) {
		io_fail(&w, "close");
		rc = 1;
	}
	if (rc != 0 && !o.append && w.fp)
		remove(o.out); /* never leave a half-written new file */
	ew_chunk_free(&w.chunk);
	for (i = 0; i < n; i++)
		ew_desc_free(&descs[i]);
	free(descs);
	return rc;
}
