#include "evtx_decode.h"

#include "evtx_check.h"
#include "nd_libevtx.h"

#include <stdlib.h>
#include <string.h>

struct nd_evtx_decoder {
	uint8_t image[ND_EVTX_FILE_HEADER_SIZE + ND_EVTX_CHUNK_SIZE];
	const nd_evtx_chunk_walk *walk; /* the walk and the original chunk of the */
	const uint8_t *orig;            /* last load, owned by the caller */
	/* Records whose Binary XML failed nd_evtx_record_check: defused in the
	 * private copy and never decoded. */
	uint8_t defused[ND_EVTX_CHUNK_SIZE / ND_EVTX_RECORD_MIN_SIZE];
	nd_libevtx lib; /* filled by the first load */
	int lib_loaded;   /* 1 loaded, -1 failed (lib_error says why: not tried again) */
	nd_error lib_error;
	libbfio_handle_t *io;
	libevtx_file_t *file;
	int records;   /* normal records libevtx lists */
	int recovered; /* recovered records libevtx lists */
	uint16_t *utf16;
	size_t utf16_cap;
	int shifted_supplementary; /* libevtx renders U+10000.. off by -0x3FF */
};

/* Copies libevtx's error text into err after prefix, and frees it. Returns
 * -1. */
static int take_libevtx_error(const nd_evtx_decoder *d, nd_error *err, libevtx_error_t **e, const char *what)
{
	char text[512] = "";

	if (e && *e) {
		char *p;

		d->lib.libevtx_error_sprint(*e, text, sizeof(text));
		d->lib.libevtx_error_free(e);
		/* libyal messages are multi-line backtraces; keep them on one line. */
		for (p = text; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
	}
	return nd_error_set(err, "%s%s%s", what, *text ? ": libevtx: " : "", text);
}

nd_evtx_decoder *nd_evtx_decoder_new(void)
{
	return calloc(1, sizeof(nd_evtx_decoder));
}

/* Loads libevtx into d unless it has it, or has failed to (a decoder tries
 * once). Returns 0, or -1 with err set. */
static int decoder_lib(nd_evtx_decoder *d, nd_error *err)
{
	const char *v;

	if (d->lib_loaded > 0)
		return 0;
	if (d->lib_loaded < 0 || nd_libevtx_load(&d->lib, &d->lib_error) != 0) {
		d->lib_loaded = -1;
		if (err)
			*err = d->lib_error;
		return -1;
	}
	d->lib_loaded = 1;
	/* libevtx up to 20181227 (its bundled libuna) renders a character
	 * outside the BMP as the code point 0x3FF below it: U+1F600 comes out
	 * as U+1F201. Versions are dates of equal length. */
	v = d->lib.libevtx_get_version();
	d->shifted_supplementary = v && strlen(v) == 8 && strcmp(v, "20181227") <= 0;
	return 0;
}

/* Undoes libevtx's shift of supplementary characters in its UTF-16 output:
 * each surrogate pair is moved up by 0x3FF. Characters U+10000-U+103FE
 * came out as BMP characters (U+FC01-U+FFFF) that cannot be told from
 * real ones; they stay as they are. Returns nothing. */
static void unshift_supplementary(uint16_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++) {
		uint32_t u;

		if (p[i] < 0xD800 || p[i] > 0xDBFF || p[i + 1] < 0xDC00 || p[i + 1] > 0xDFFF)
			continue;
		u = 0x10000 + ((uint32_t)(p[i] - 0xD800) << 10) + (uint32_t)(p[i + 1] - 0xDC00) + 0x3FF;
		if (u <= 0x10FFFF) {
			p[i] = (uint16_t)(0xD800 + ((u - 0x10000) >> 10));
			p[i + 1] = (uint16_t)(0xDC00 + ((u - 0x10000) & 0x3FF));
		}
		i++;
	}
}

/* Closes the libevtx file and the memory range, if open. Returns nothing. */
static void decoder_close(nd_evtx_decoder *d)
{
	if (d->file) {
		d->lib.libevtx_file_close(d->file, NULL);
		d->lib.libevtx_file_free(&d->file, NULL);
	}
	if (d->io)
		d->lib.libbfio_handle_free(&d->io, NULL);
	d->records = d->recovered = 0;
}

void nd_evtx_decoder_free(nd_evtx_decoder *d)
{
	if (!d)
		return;
	decoder_close(d);
	free(d->utf16);
	free(d);
}

/* Makes the private copy c safe for libevtx, which trusts the counts and
 * sizes inside records: the Binary XML of a record that fails
 * nd_evtx_record_check is zeroed (an empty document: libevtx reports an
 * error for it instead of allocating without bound), and so are the damaged
 * bytes between walked records, so libevtx cannot find records of its own
 * there. Returns nothing. */
static void defuse(nd_evtx_decoder *d, uint8_t *c, const nd_evtx_chunk_walk *w, size_t n)
{
	uint32_t expect = ND_EVTX_CHUNK_HEADER_SIZE;
	size_t i;
	char why[8];

	d->walk = w;
	for (i = 0; i < n; i++) {
		const nd_evtx_record_ref *r = &w->records[i];

		if (r->offset > expect)
			memset(c + expect, 0, r->offset - expect);
		expect = r->offset + r->size;
		d->defused[i] = nd_evtx_record_check(c, r->offset, r->size, why, sizeof(why)) != 0;
		if (d->defused[i])
			memset(c + r->offset + ND_EVTX_RECORD_HEADER_SIZE, 0, r->size - ND_EVTX_RECORD_HEADER_SIZE - 4);
	}
	/* Nothing after the last record shown: libevtx would scan it. */
	memset(c + expect, 0, ND_EVTX_CHUNK_SIZE - expect);
}

int nd_evtx_decoder_load(nd_evtx_decoder *d, const uint8_t *file_header, const uint8_t *chunk,
			 const nd_evtx_chunk_walk *w, size_t n, nd_error *err)
{
	uint8_t *h = d->image, *c = d->image + ND_EVTX_FILE_HEADER_SIZE;
	libevtx_error_t *e = NULL;
	libbfio_error_t *be = NULL;

	if (decoder_lib(d, err) != 0)
		return -1;
	decoder_close(d);
	/* A clean header for a one-chunk file. */
	memset(h, 0, ND_EVTX_FILE_HEADER_SIZE);
	memcpy(h, file_header, 8);
	nd_put_le64(h + 8, 0);
	nd_put_le64(h + 16, 0);
	if (n > w->count)
		n = w->count;
	nd_put_le64(h + 24, n ? w->records[n - 1].id + 1 : 1);
	nd_put_le32(h + 32, 128);
	memcpy(h + 36, file_header + 36, 4); /* minor, major version */
	h[40] = 0x00;
	h[41] = 0x10; /* header block size 4096 */
	h[42] = 1;    /* one chunk */
	nd_put_le32(h + 124, nd_crc32(0, h, 120));
	memcpy(c, chunk, ND_EVTX_CHUNK_SIZE);
	d->orig = chunk;
	defuse(d, c, w, n);
	if (!nd_evtx_chunk_header_matches(c, w, n))
		nd_evtx_chunk_fix_header(c, w, n);

	/* Both error types are libcerror's; libevtx frees libbfio's too (the Windows build's libevtx
	 * carries libbfio's code but not libbfio_error_free). */
	if (d->lib.libbfio_memory_range_initialize(&d->io, &be) != 1 ||
	    d->lib.libbfio_memory_range_set(d->io, d->image, sizeof(d->image), &be) != 1) {
		d->lib.libevtx_error_free(&be);
		decoder_close(d);
		return nd_error_set(err, "libbfio: cannot set up a memory range");
	}
	if (d->lib.libevtx_file_initialize(&d->file, &e) != 1 ||
	    d->lib.libevtx_file_open_file_io_handle(d->file, d->io, LIBEVTX_OPEN_READ, &e) != 1 ||
	    d->lib.libevtx_file_get_number_of_records(d->file, &d->records, &e) != 1 ||
	    d->lib.libevtx_file_get_number_of_recovered_records(d->file, &d->recovered, &e) != 1) {
		take_libevtx_error(d, err, &e, "libevtx cannot open the chunk");
		decoder_close(d);
		return -1;
	}
	return 0;
}

/* Fetches normal record i (recovered when rec) if its identifier is id.
 * Returns 1 with *r set, 0 when the identifier differs, -1 with err set. */
static int fetch(nd_evtx_decoder *d, int i, int rec, uint64_t id, libevtx_record_t **r, nd_error *err)
{
	libevtx_error_t *e = NULL;
	uint64_t got = 0;
	int rc = rec ? d->lib.libevtx_file_get_recovered_record_by_index(d->file, i, r, &e)
		     : d->lib.libevtx_file_get_record_by_index(d->file, i, r, &e);

	if (rc != 1)
		return take_libevtx_error(d, err, &e, "libevtx cannot parse the record");
	if (d->lib.libevtx_record_get_identifier(*r, &got, &e) != 1 || got != id) {
		d->lib.libevtx_error_free(&e);
		d->lib.libevtx_record_free(r, NULL);
		return 0;
	}
	return 1;
}

int nd_evtx_decoder_xml(nd_evtx_decoder *d, size_t index, uint64_t id, nd_buf *xml, nd_error *err)
{
	libevtx_record_t *r = NULL;
	libevtx_error_t *e = NULL;
	size_t size = 0;
	int rc = 0, i;

	if (!d->file)
		return nd_error_set(err, "no chunk loaded");
	if (index < d->walk->count && d->defused[index]) {
		char why[128];
		const nd_evtx_record_ref *ref = &d->walk->records[index];

		nd_evtx_record_check(d->orig, ref->offset, ref->size, why, sizeof(why));
		return nd_error_set(err, "damaged Binary XML (%s), not decoded", why);
	}
	/* The walk and libevtx list records in the same order; a damaged chunk
	 * or libevtx's end-of-chunk bug can shift that, so look further. */
	if (index < (size_t)d->records)
		rc = fetch(d, (int)index, 0, id, &r, err);
	for (i = 0; rc == 0 && i < d->records; i++)
		if ((size_t)i != index)
			rc = fetch(d, i, 0, id, &r, err);
	for (i = 0; rc == 0 && i < d->recovered; i++)
		rc = fetch(d, i, 1, id, &r, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return nd_error_set(err, "libevtx does not list the record (a record that ends exactly at the "
					 "end of its chunk is a known libevtx 20181227 limitation)");
	if (d->lib.libevtx_record_get_utf16_xml_string_size(r, &size, &e) != 1 || size == 0) {
		d->lib.libevtx_record_free(&r, NULL);
		return take_libevtx_error(d, err, &e, "libevtx cannot render the record");
	}
	if (size > d->utf16_cap) {
		uint16_t *p = realloc(d->utf16, size * sizeof(uint16_t));

		if (!p) {
			d->lib.libevtx_record_free(&r, NULL);
			return nd_error_set(err, "out of memory");
		}
		d->utf16 = p;
		d->utf16_cap = size;
	}
	if (d->lib.libevtx_record_get_utf16_xml_string(r, d->utf16, size, &e) != 1) {
		d->lib.libevtx_record_free(&r, NULL);
		return take_libevtx_error(d, err, &e, "libevtx cannot render the record");
	}
	d->lib.libevtx_record_free(&r, NULL);
	if (d->shifted_supplementary)
		unshift_supplementary(d->utf16, size);
	nd_buf_reset(xml);
	if (nd_buf_append_utf16(xml, d->utf16, size) != 0)
		return nd_error_set(err, "out of memory");
	return 0;
}
