#include "evtx_reader.h"

#include <errno.h>
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

/* Everything one read needs, allocated once per file. */
typedef struct reader {
	const char *path;
	const nd_evtx_sink *sink;
	nd_evtx_counts *counts;
	uint8_t header[ND_EVTX_FILE_HEADER_SIZE];
	uint8_t chunk[ND_EVTX_CHUNK_SIZE];
	nd_evtx_chunk_walk walk;
	uint8_t wanted[ND_EVTX_CHUNK_SIZE / ND_EVTX_RECORD_MIN_SIZE]; /* per walked record */
	nd_evtx_filter filter;
	nd_evtx_decoder *decoder;
	nd_evtx_binxml *fast;
	size_t upto;   /* records libevtx is shown of the current chunk */
	int loaded;    /* 1 libevtx has the chunk, 0 not yet, -1 it refused it */
	nd_buf xml;
	nd_record ev;
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

/* Has libevtx decode record i of the walked chunk at chunk_off into r->ev,
 * giving it the chunk first if it does not have it yet. Returns 0, or 1
 * when the record could not be read (reported). */
static int libevtx_record(reader *r, uint64_t chunk_off, size_t i)
{
	const nd_evtx_record_ref *ref = &r->walk.records[i];
	uint64_t file_off = chunk_off + ref->offset;
	nd_error e;

	if (r->loaded == 0) {
		r->loaded = 1;
		if (nd_evtx_decoder_load(r->decoder, r->header, r->chunk, &r->walk, r->upto, &e) != 0) {
			problem(r, ND_PROBLEM_ERROR, "chunk at offset 0x%llx: %s", (unsigned long long)chunk_off,
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

/* Decodes record i of the walked chunk and, if the sink wants it, hands it
 * over. Returns 0, 1 when the record could not be read (reported),
 * -1 when the sink stopped. */
static int read_record(reader *r, uint64_t chunk_off, size_t i, nd_error *err)
{
	const nd_evtx_record_ref *ref = &r->walk.records[i];
	const void *tag;
	uint64_t file_off = chunk_off + ref->offset;

	if (r->sink->decoder == ND_EVTX_DECODER_FAST &&
	    nd_evtx_binxml_decode(r->fast, i, &r->ev) == 0) {
		r->counts->fast++;
	} else {
		r->counts->fallback++;
		if (libevtx_record(r, chunk_off, i) != 0)
			return 1;
	}
	/* The decoded event decides: the filter lets through what it cannot
	 * read. */
	tag = r->ev.provider && *r->ev.provider
		      ? r->sink->wants(r->sink->ctx, r->ev.provider, r->ev.source_name, r->ev.event_id)
		      : NULL;
	if (!tag) {
		r->counts->skipped++;
		return 0;
	}
	r->counts->wanted++;
	r->ev.file_offset = (int64_t)file_off;
	r->ev.written_time = nd_time_from_filetime(ref->written);
	if (!r->ev.record_id)
		r->ev.record_id = ref->id;
	return r->sink->record(r->sink->ctx, tag, &r->ev, err) == 0 ? 0 : -1;
}

/* Walks, filters and decodes one chunk of n valid bytes at file offset
 * chunk_off. Returns 0, or -1 when the sink stopped. */
static int read_chunk(reader *r, uint64_t chunk_off, size_t n, nd_error *err)
{
	nd_evtx_chunk_walk *w = &r->walk;
	uint64_t errors_before = r->counts->errors;
	uint32_t fp;
	size_t i, upto = 0;

	nd_evtx_walk_chunk(r->chunk, n, w);
	fp = fingerprint(r->chunk, w);
	if (!r->sink->chunk_begin(r->sink->ctx, chunk_off, fp)) {
		r->counts->unchanged++;
		return 0;
	}
	r->counts->chunks++;
	if (w->damaged_offset)
		problem(r, ND_PROBLEM_ERROR, "chunk at offset 0x%llx: %u damaged bytes at chunk offset 0x%x skipped",
			(unsigned long long)chunk_off, w->damaged_bytes, w->damaged_offset);
	if (w->truncated_record)
		problem(r, ND_PROBLEM_WARNING,
			"chunk at offset 0x%llx: incomplete record at chunk offset 0x%x (still being written?)",
			(unsigned long long)chunk_off, w->end);
	/* Filter first. libevtx, when a record needs it, is shown the chunk
	 * only up to the last record wanted. A record the filter cannot read is
	 * decoded to find out. */
	nd_evtx_filter_reset(&r->filter);
	for (i = 0; i < w->count; i++) {
		const nd_evtx_record_ref *ref = &w->records[i];
		nd_evtx_peek peek;

		r->counts->records++;
		r->wanted[i] = !nd_evtx_filter_peek(&r->filter, r->chunk, ref->offset, ref->size, &peek) ||
			       r->sink->wants(r->sink->ctx, peek.provider, peek.source, peek.event_id) != NULL;
		if (r->wanted[i])
			upto = i + 1;
		else
			r->counts->skipped++;
	}
	r->upto = upto;
	r->loaded = 0;
	nd_evtx_binxml_chunk(r->fast, r->chunk, w);
	for (i = 0; i < upto; i++)
		if (r->wanted[i] && read_record(r, chunk_off, i, err) < 0)
			return -1;
	return r->sink->chunk_end(r->sink->ctx, chunk_off, fp, r->counts->errors - errors_before, err);
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

/* Reads up to n bytes at p from fp. Returns the number of bytes read. */
static size_t read_fully(FILE *fp, uint8_t *p, size_t n)
{
	size_t got = 0, k;

	while (got < n && (k = fread(p + got, 1, n - got, fp)) > 0)
		got += k;
	return got;
}

/* Reads the chunks of an open file. Returns 0, or -1 when the sink
 * stopped. */
static int read_chunks(reader *r, FILE *fp, uint64_t size, nd_error *err)
{
	uint64_t off = ND_EVTX_FILE_HEADER_SIZE;

	while (off < size) {
		size_t n = read_fully(fp, r->chunk, ND_EVTX_CHUNK_HEADER_SIZE);
		int kind;

		if (n == ND_EVTX_CHUNK_HEADER_SIZE && r->sink->chunk_header &&
		    nd_evtx_chunk_kind(r->chunk, 8) > 0 && !r->sink->chunk_header(r->sink->ctx, off, r->chunk)) {
			if (fseeko(fp, (off_t)(off + ND_EVTX_CHUNK_SIZE), SEEK_SET) != 0)
				break;
			r->counts->unchanged++;
			off += ND_EVTX_CHUNK_SIZE;
			continue;
		}
		if (n == ND_EVTX_CHUNK_HEADER_SIZE)
			n += read_fully(fp, r->chunk + n, ND_EVTX_CHUNK_SIZE - n);
		if (n == 0) {
			if (ferror(fp))
				problem(r, ND_PROBLEM_ERROR, "read error at offset 0x%llx: %s", (unsigned long long)off,
					strerror(errno));
			return 0;
		}
		if (n < ND_EVTX_CHUNK_SIZE) {
			memset(r->chunk + n, 0, ND_EVTX_CHUNK_SIZE - n);
			problem(r, ND_PROBLEM_ERROR, "file ends inside the chunk at offset 0x%llx (%zu of %d bytes)",
				(unsigned long long)off, n, ND_EVTX_CHUNK_SIZE);
		}
		kind = nd_evtx_chunk_kind(r->chunk, n);
		if (kind == 2)
			problem(r, ND_PROBLEM_WARNING,
				"chunk at offset 0x%llx: header not written yet, records read by their framing",
				(unsigned long long)off);
		if (kind < 0)
			problem(r, ND_PROBLEM_ERROR, "chunk at offset 0x%llx: bad signature, chunk skipped",
				(unsigned long long)off);
		else if (kind > 0 && read_chunk(r, off, n, err) != 0)
			return -1;
		off += n;
		if (r->sink->progress)
			r->sink->progress(r->sink->ctx, off, size);
	}
	return 0;
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
	if (!r || !(r->decoder = nd_evtx_decoder_new()) || !(r->fast = nd_evtx_binxml_new())) {
		if (r)
			nd_evtx_decoder_free(r->decoder);
		free(r);
		return nd_error_set(err, "out of memory");
	}
	r->path = path;
	r->sink = sink;
	r->counts = counts;
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
		rc = read_chunks(r, fp, (uint64_t)size, err);
		if (rc == 0 && size == ND_EVTX_FILE_HEADER_SIZE)
			problem(r, ND_PROBLEM_WARNING, "no chunks: the log is empty");
	}
	nd_record_reset(&r->ev);
	nd_buf_free(&r->xml);
	nd_evtx_decoder_free(r->decoder);
	nd_evtx_binxml_free(r->fast);
	free(r);
	return rc;
}
