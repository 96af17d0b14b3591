/* Differential test of our Binary XML decoder (evtx_binxml) against the
 * reference path (libevtx -> XML -> event_xml): every record of every file
 * named is read both ways through nd_evtx_read (ND_EVTX_DECODER_FAST and
 * ND_EVTX_DECODER_LIBEVTX, a sink that wants everything) and the records
 * are compared field by field, file offset and written time included.
 *
 * A difference is either one of the documented libevtx 20181227 bugs below
 * (docs/decoder.md; the fast path is right there) or a failure. Records the
 * fast path refuses (decoded by libevtx in both runs) are counted and
 * listed with the reason, not failures.
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

/* The documented differences. */
enum {
	BUG_NEGATIVE,    /* libevtx renders negative integers wrong (Int32 -7 -> -2147483641) */
	BUG_NON_BMP,     /* libevtx shifts characters outside the BMP by 0x3FF; evtx_decode undoes
			  * it except for U+10000-U+103FE, which come out as BMP characters */
	BUG_NUL,         /* libevtx cuts a string at a NUL; we keep it as U+2400 (project decision) */
	BUG_ATTRIBUTE,   /* libevtx does not escape attribute values: '&' and '"' are misread */
	BUG_UNESCAPED,   /* libevtx escapes only UTF-16 string values: '<' or '&' in an ANSI string
			  * is read back as markup */
	BUG_CHUNK_END,   /* libevtx drops a record that ends exactly at the end of its chunk */
	BUG_LIBEVTX_FAIL, /* libevtx cannot read a record the fast path reads (its per-record errors) */
	NBUGS
};

static const char *const bug_names[NBUGS] = {
	"negative integer (libevtx renders it wrong)",
	"character outside the BMP (libevtx shifts it)",
	"NUL inside a string (libevtx cuts it; we keep U+2400)",
	"'&' or '\"' in an attribute value (libevtx does not escape it)",
	"'<' or '&' in a value that is not UTF-16 (libevtx does not escape it)",
	"record ends at the end of its chunk (libevtx drops it)",
	"libevtx cannot read the record",
};

typedef struct rec_list {
	nd_record *v;
	size_t n, cap;
	uint64_t problems;
} rec_list;

static unsigned long failures, bugs[NBUGS], compared;

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

static int chunk_begin(void *ctx, uint64_t off, uint32_t fp)
{
	(void)ctx;
	(void)off;
	(void)fp;
	return 1;
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
	sink.chunk_begin = chunk_begin;
	sink.chunk_end = chunk_end;
	sink.wants = want_all;
	sink.record = keep;
	sink.problem = on_problem;
	memset(counts, 0, sizeof(*counts));
	if (nd_evtx_read(path, &sink, counts, &err) != 0)
		printf("%s: %s\n", path, err.message);
}

/* Returns 1 if s holds a 4-byte UTF-8 sequence, else 0. */
static int has_non_bmp(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s >= 0xF0)
			return 1;
	return 0;
}

/* Returns 1 if s is a negative decimal number, else 0. */
static int is_negative(const char *s)
{
	if (!s || *s != '-' || !s[1])
		return 0;
	for (s++; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Classifies a difference between the fast value f and libevtx's l of a
 * string (attr: it came from an attribute). Returns the bug, or -1. */
static int classify(const char *f, const char *l, int attr)
{
	if (f && strstr(f, "\xe2\x90\x80"))
		return BUG_NUL;
	if (has_non_bmp(f))
		return BUG_NON_BMP;
	if (is_negative(f))
		return BUG_NEGATIVE;
	if (attr && f && (strchr(f, '&') || strchr(f, '"')))
		return BUG_ATTRIBUTE;
	if (!attr && f && (strchr(f, '<') || strchr(f, '&')))
		return BUG_UNESCAPED;
	(void)l;
	return -1;
}

/* Compares a string member; reports and counts a difference. Returns 1 when
 * there was an undocumented difference, else 0. */
static int diff_str(const char *where, const char *what, const char *f, const char *l, int attr)
{
	int bug;

	if ((!f && !l) || (f && l && strcmp(f, l) == 0))
		return 0;
	bug = classify(f, l, attr);
	if (bug >= 0) {
		bugs[bug]++;
		return 0;
	}
	printf("FAIL %s: %s: fast \"%.160s\", libevtx \"%.160s\"\n", where, what, f ? f : "(null)", l ? l : "(null)");
	return 1;
}

/* Compares a number member. Returns 1 when different, else 0. */
static int diff_num(const char *where, const char *what, long long f, long long l)
{
	if (f == l)
		return 0;
	printf("FAIL %s: %s: fast %lld, libevtx %lld\n", where, what, f, l);
	return 1;
}

/* Compares two records of the same file offset. Returns nothing. */
static void compare(const char *path, const nd_record *f, const nd_record *l)
{
	char where[600];
	int bad = 0;
	size_t i;

	snprintf(where, sizeof(where), "%s record %llu at 0x%llx", path, (unsigned long long)l->record_id,
		 (unsigned long long)l->file_offset);
	bad |= diff_str(where, "provider", f->provider, l->provider, 1);
	bad |= diff_str(where, "source_name", f->source_name, l->source_name, 1);
	bad |= diff_str(where, "provider_guid", f->provider_guid, l->provider_guid, 1);
	bad |= diff_str(where, "user_sid", f->user_sid, l->user_sid, 1);
	bad |= diff_str(where, "channel", f->channel, l->channel, 0);
	bad |= diff_str(where, "computer", f->computer, l->computer, 0);
	bad |= diff_str(where, "binary", f->binary, l->binary, 0);
	bad |= diff_num(where, "event_id", f->event_id, l->event_id);
	bad |= diff_num(where, "qualifiers", f->qualifiers, l->qualifiers);
	bad |= diff_num(where, "has_qualifiers", f->has_qualifiers, l->has_qualifiers);
	bad |= diff_num(where, "version", f->version, l->version);
	bad |= diff_num(where, "level", f->level, l->level);
	bad |= diff_num(where, "task", f->task, l->task);
	bad |= diff_num(where, "keywords", (long long)f->keywords, (long long)l->keywords);
	bad |= diff_num(where, "time", f->time, l->time);
	bad |= diff_num(where, "has_time", f->has_time, l->has_time);
	bad |= diff_num(where, "record_id", (long long)f->record_id, (long long)l->record_id);
	bad |= diff_num(where, "file_offset", f->file_offset, l->file_offset);
	bad |= diff_num(where, "written_time", f->written_time, l->written_time);
	if (diff_num(where, "number of fields", (long long)f->nfields, (long long)l->nfields)) {
		bad = 1;
	} else {
		for (i = 0; i < f->nfields; i++) {
			char what[64];

			snprintf(what, sizeof(what), "field %zu name", i);
			bad |= diff_str(where, what, f->fields[i].name, l->fields[i].name, 1);
			snprintf(what, sizeof(what), "field %zu value", i);
			bad |= diff_str(where, what, f->fields[i].value, l->fields[i].value, 0);
		}
	}
	compared++;
	failures += (unsigned long)bad;
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

	nd_record_init(&ev);
	if (!fp || !bx || fseek(fp, off, SEEK_SET) != 0) {
		printf("%s: cannot read\n", path);
		exit(2);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		memset(chunk + n, 0, sizeof(chunk) - n);
		if (nd_evtx_chunk_kind(chunk, n) > 0) {
			nd_evtx_walk_chunk(chunk, n, &walk);
			for (i = 0; i < walk.count; i++) {
				if (walk.records[i].offset + walk.records[i].size == ND_EVTX_CHUNK_SIZE &&
				    nat_chunk_end < sizeof(at_chunk_end) / sizeof(at_chunk_end[0]))
					at_chunk_end[nat_chunk_end++] = (uint64_t)off + walk.records[i].offset;
				if (nd_evtx_binxml_decode(bx, chunk, walk.records[i].offset, walk.records[i].size, &ev)) {
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
			bugs[at_end ? BUG_CHUNK_END : BUG_LIBEVTX_FAIL]++;
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
	for (b = 0; b < NBUGS; b++) {
		total_bugs += bugs[b];
		if (bugs[b])
			printf("documented difference: %lu x %s\n", bugs[b], bug_names[b]);
	}
	printf("%lu records compared, %lu documented differences, %lu refused, %lu failures\n", compared,
	       total_bugs, refused, failures);
	if (max_refused >= 0 && refused > (unsigned long)max_refused) {
		printf("FAIL more than %ld records refused\n", max_refused);
		return 1;
	}
	return failures ? 1 : 0;
}
