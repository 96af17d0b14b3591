/* Differential test of our Binary XML decoder (evtx_binxml) against the
 * reference path (libevtx -> XML -> event_xml): every record of every file
 * named is read both ways through nd_evtx_read (ND_EVTX_DECODER_FAST and
 * ND_EVTX_DECODER_LIBEVTX, a sink that wants everything) and the records
 * are compared field by field, file offset and written time included.
 *
 * A difference is either one of the documented libevtx 20181227 bugs
 * (record_diff.h, docs/decoder.md; the fast path is right there) or a
 * failure. Records the
 * fast path refuses (decoded by libevtx in both runs) are counted and
 * listed with the reason, not failures.
 *
 * Each record is also decoded by a new decoder alone (a fresh chunk, its
 * template definitions walked) and must come out exactly as in the pass
 * over its chunks (definitions shared with earlier records compiled, those
 * of earlier chunks known: docs/decoder.md "Template plans"), or be
 * refused for the same reason.
 *
 *   diff_decoder [-max-refused N] FILE...   exits 1 on a failure, or when
 *   more than N records were refused (default: no limit)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtx_binxml.h"
#include "evtx_format.h"
#include "evtx_reader.h"
#include "nd_record.h"
#include "record_diff.h"

typedef struct rec_list {
	nd_record *v;
	size_t n, cap;
	uint64_t problems;
} rec_list;

static unsigned long failures, bugs[RD_NBUGS], compared;

/* File offsets of the records of the current file that end exactly at the
 * end of their chunk. */
static uint64_t at_chunk_end[4096];
static size_t nat_chunk_end;

/* sink: wants every record. */
static const void *want_all(void *ctx, const char *provider, const char *source, uint32_t id)
{
	(void)ctx;
	(void)provider;
	(void)source;
	(void)id;
	return "";
}

static int chunk_end(void *ctx, uint64_t off, uint32_t fp, uint64_t errors, nd_error *err)
{
	(void)ctx;
	(void)off;
	(void)fp;
	(void)errors;
	(void)err;
	return 0;
}

static void on_problem(void *ctx, nd_problem_kind kind, const char *msg)
{
	rec_list *l = ctx;

	(void)kind;
	(void)msg;
	l->problems++;
}

/* Returns a copy of s (NULL stays NULL); exits when out of memory. */
static char *dup_or_null(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d) {
		perror("strdup");
		exit(2);
	}
	return d;
}

/* sink: keeps a deep copy of the record. */
static int keep(void *ctx, const void *tag, nd_record *rec, nd_error *err)
{
	rec_list *l = ctx;
	nd_record *c;
	size_t i;

	(void)tag;
	(void)err;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			exit(2);
	}
	c = &l->v[l->n++];
	*c = *rec;
	c->provider = dup_or_null(rec->provider);
	c->source_name = dup_or_null(rec->source_name);
	c->provider_guid = dup_or_null(rec->provider_guid);
	c->channel = dup_or_null(rec->channel);
	c->computer = dup_or_null(rec->computer);
	c->user_sid = dup_or_null(rec->user_sid);
	c->binary = dup_or_null(rec->binary);
	c->fields = NULL;
	c->nfields = c->capfields = 0;
	c->strings = NULL;
	for (i = 0; i < rec->nfields; i++)
		if (nd_record_add_field(c, rec->fields[i].name, rec->fields[i].value, strlen(rec->fields[i].value)))
			exit(2);
	return 0;
}

/* Reads path with one decoder into l. Returns nothing. */
static void read_all(const char *path, nd_evtx_decoder_kind kind, rec_list *l, nd_evtx_counts *counts)
{
	nd_evtx_sink sink = {0};
	nd_error err;

	sink.ctx = l;
	sink.decoder = kind;
	sink.chunk_end = chunk_end;
	sink.wants = want_all;
	sink.record = keep;
	sink.problem = on_problem;
	memset(counts, 0, sizeof(*counts));
	if (nd_evtx_read(path, &sink, counts, &err) != 0)
		printf("%s: %s\n", path, err.message);
}

/* Compares two records of the same file offset. Returns nothing. */
static void compare(const char *path, const nd_record *f, const nd_record *l)
{
	char where[600];

	snprintf(where, sizeof(where), "%s record %llu at 0x%llx", path, (unsigned long long)l->record_id,
		 (unsigned long long)l->file_offset);
	compared++;
	if (rd_compare(f, l, where, bugs, stdout))
		failures++;
}

/* Decodes record i of walk alone with a new decoder (every definition
 * walked, none known from another chunk) and compares it with ev and rc,
 * from the pass over the chunk (its why: why). Returns nothing; counts a
 * failure. */
static void check_alone(const uint8_t *chunk, const nd_evtx_chunk_walk *walk, size_t i, const nd_record *ev, int rc,
			const char *why, const char *path, long off)
{
	unsigned long b[RD_NBUGS] = {0};
	nd_evtx_binxml *bx = nd_evtx_binxml_new();
	nd_record one;
	int rc1, k, diff = 0;

	if (!bx) {
		printf("out of memory\n");
		exit(2);
	}
	nd_record_init(&one);
	nd_evtx_binxml_chunk(bx, chunk, walk);
	rc1 = nd_evtx_binxml_decode(bx, i, &one);
	if (rc1 != rc || (rc && strcmp(why, nd_evtx_binxml_why(bx)) != 0)) {
		diff = 1;
	} else if (rc == 0) {
		diff = rd_compare(&one, ev, "alone", b, stdout);
		for (k = 0; k < RD_NBUGS; k++)
			diff |= b[k] != 0;
	}
	if (diff) {
		printf("FAIL %s record %llu at 0x%llx: decoded alone %d (%s), in its chunk %d (%s)\n", path,
		       (unsigned long long)walk->records[i].id, (unsigned long long)(off + walk->records[i].offset),
		       rc1, nd_evtx_binxml_why(bx), rc, why);
		failures++;
	}
	nd_record_reset(&one);
	nd_evtx_binxml_free(bx);
}

/* Lists the records of path the fast path refuses, with the reason.
 * Returns their number. */
static unsigned long list_refused(const char *path)
{
	static uint8_t chunk[ND_EVTX_CHUNK_SIZE];
	static nd_evtx_chunk_walk walk;
	nd_evtx_binxml *bx = nd_evtx_binxml_new();
	unsigned long refused = 0;
	FILE *fp = fopen(path, "rb");
	nd_record ev;
	long off = ND_EVTX_FILE_HEADER_SIZE;
	size_t n, i;
	int rc;

	nd_record_init(&ev);
	if (!fp || !bx || fseek(fp, off, SEEK_SET) != 0) {
		printf("%s: cannot read\n", path);
		exit(2);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		memset(chunk + n, 0, sizeof(chunk) - n);
		if (nd_evtx_chunk_kind(chunk, n) > 0) {
			nd_evtx_walk_chunk(chunk, n, &walk);
			nd_evtx_binxml_chunk(bx, chunk, &walk);
			for (i = 0; i < walk.count; i++) {
				if (walk.records[i].offset + walk.records[i].size == ND_EVTX_CHUNK_SIZE &&
				    nat_chunk_end < sizeof(at_chunk_end) / sizeof(at_chunk_end[0]))
					at_chunk_end[nat_chunk_end++] = (uint64_t)off + walk.records[i].offset;
				rc = nd_evtx_binxml_decode(bx, i, &ev);
				check_alone(chunk, &walk, i, &ev, rc, nd_evtx_binxml_why(bx), path, off);
				if (rc) {
					if (refused++ < 20)
						printf("refused %s record %llu at 0x%llx: %s\n", path,
						       (unsigned long long)walk.records[i].id,
						       (unsigned long long)(off + walk.records[i].offset),
						       nd_evtx_binxml_why(bx));
				}
			}
		}
		off += (long)n;
	}
	nd_record_reset(&ev);
	nd_evtx_binxml_free(bx);
	fclose(fp);
	return refused;
}

/* Frees the records of a list. Returns nothing. */
static void free_list(rec_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		nd_record_reset(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Compares the two readings of path. Returns nothing. */
static void diff_file(const char *path, unsigned long *refused_total)
{
	rec_list f = {0}, l = {0};
	nd_evtx_counts cf, cl;
	size_t i = 0, j = 0;
	unsigned long refused;

	nat_chunk_end = 0;
	refused = list_refused(path);
	*refused_total += refused;
	read_all(path, ND_EVTX_DECODER_FAST, &f, &cf);
	read_all(path, ND_EVTX_DECODER_LIBEVTX, &l, &cl);
	while (i < f.n || j < l.n) {
		if (j >= l.n || (i < f.n && f.v[i].file_offset < l.v[j].file_offset)) {
			const nd_record *r = &f.v[i++];
			int at_end = 0;
			size_t k;

			for (k = 0; k < nat_chunk_end; k++)
				at_end |= at_chunk_end[k] == (uint64_t)r->file_offset;
			bugs[at_end ? RD_CHUNK_END : RD_LIBEVTX_FAIL]++;
			printf("libevtx lost %s record %llu at 0x%llx (fast path read it)\n", path,
			       (unsigned long long)r->record_id, (unsigned long long)r->file_offset);
		} else if (i >= f.n || l.v[j].file_offset < f.v[i].file_offset) {
			printf("FAIL %s record %llu at 0x%llx: read by libevtx only\n", path,
			       (unsigned long long)l.v[j].record_id, (unsigned long long)l.v[j].file_offset);
			failures++;
			j++;
		} else {
			compare(path, &f.v[i++], &l.v[j++]);
		}
	}
	printf("%s: %zu records fast, %zu libevtx; %llu decoded fast, %llu refused (%lu by a direct pass)\n", path,
	       f.n, l.n, (unsigned long long)cf.fast, (unsigned long long)cf.fallback, refused);
	free_list(&f);
	free_list(&l);
}

int main(int argc, char **argv)
{
	unsigned long refused = 0, total_bugs = 0;
	long max_refused = -1;
	int i, b;

	if (argc > 2 && strcmp(argv[1], "-max-refused") == 0) {
		max_refused = atol(argv[2]);
		argv += 2;
		argc -= 2;
	}
	for (i = 1; i < argc; i++)
		diff_file(argv[i], &refused);
	for (b = 0; b < RD_NBUGS; b++) {
		total_bugs += bugs[b];
		if (bugs[b])
			printf("documented difference: %lu x %s\n", bugs[b], rd_bug_names[b]);
	}
	printf("%lu records compared, %lu documented differences, %lu refused, %lu failures\n", compared,
	       total_bugs, refused, failures);
	if (max_refused >= 0 && refused > (unsigned long)max_refused) {
		printf("FAIL more than %ld records refused\n", max_refused);
		return 1;
	}
	return failures ? 1 : 0;
}
