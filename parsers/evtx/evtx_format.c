#include "evtx_format.h"

#include <string.h>

static const uint8_t file_signature[8] = {'E', 'l', 'f', 'F', 'i', 'l', 'e', 0};
static const uint8_t chunk_signature[8] = {'E', 'l', 'f', 'C', 'h', 'n', 'k', 0};
static const uint8_t record_signature[4] = {'*', '*', 0, 0};

int nd_evtx_parse_file_header(const uint8_t *p, nd_evtx_file_header *h)
{
	if (memcmp(p, file_signature, 8) != 0)
		return -1;
	h->first_chunk = nd_le64(p + 8);
	h->last_chunk = nd_le64(p + 16);
	h->next_record_id = nd_le64(p + 24);
	h->minor_version = nd_le16(p + 36);
	h->major_version = nd_le16(p + 38);
	h->chunk_count = nd_le16(p + 42);
	h->flags = nd_le32(p + 120);
	h->crc_ok = nd_crc32(0, p, 120) == nd_le32(p + 124);
	return 0;
}

static uint32_t record_at(const uint8_t *chunk, size_t n, uint32_t off, int *torn);

int nd_evtx_chunk_kind(const uint8_t *chunk, size_t n)
{
	size_t i;
	int torn = 0;

	if (n >= 8 && memcmp(chunk, chunk_signature, 8) == 0)
		return 1;
	for (i = 0; i < n && i < ND_EVTX_CHUNK_HEADER_SIZE; i++)
		if (chunk[i])
			return -1;
	if (record_at(chunk, n, ND_EVTX_CHUNK_HEADER_SIZE, &torn))
		return 2;
	for (; i < n; i++)
		if (chunk[i])
			return -1;
	return 0;
}

/* Checks the framing of a record at off. Returns its size if "**\0\0",
 * size and copy of size are consistent and it fits in n bytes; 0 if not;
 * sets *torn when the record's size runs past n (a half-written tail). */
static uint32_t record_at(const uint8_t *chunk, size_t n, uint32_t off, int *torn)
{
	uint32_t size;

	if ((size_t)off + ND_EVTX_RECORD_HEADER_SIZE > n || memcmp(chunk + off, record_signature, 4) != 0)
		return 0;
	size = nd_le32(chunk + off + 4);
	if (size < ND_EVTX_RECORD_MIN_SIZE || (size_t)off + size > ND_EVTX_CHUNK_SIZE)
		return 0;
	if ((size_t)off + size > n) {
		*torn = 1;
		return 0;
	}
	if (nd_le32(chunk + off + size - 4) != size) {
		*torn = 1;
		return 0;
	}
	return size;
}

size_t nd_evtx_walk_chunk(const uint8_t *chunk, size_t n, nd_evtx_chunk_walk *w)
{
	uint32_t claimed = nd_le32(chunk + 48); /* free space offset */
	uint32_t off = ND_EVTX_CHUNK_HEADER_SIZE;
	int torn = 0;

	w->count = 0;
	w->header_stale = 0;
	w->damaged_offset = 0;
	w->damaged_bytes = 0;
	w->truncated_record = 0;
	if (claimed < ND_EVTX_CHUNK_HEADER_SIZE || claimed > ND_EVTX_CHUNK_SIZE)
		claimed = ND_EVTX_CHUNK_HEADER_SIZE;
	if (claimed > n)
		claimed = (uint32_t)n;
	while ((size_t)off + ND_EVTX_RECORD_HEADER_SIZE <= n) {
		uint32_t size = record_at(chunk, n, off, &torn);

		if (size && off >= claimed) {
			/* Past what the header claims: only a continuation counts. */
			if (w->count == 0 || nd_le64(chunk + off + 8) != w->records[w->count - 1].id + 1)
				break;
			w->header_stale = 1;
		}
		if (!size) {
			uint32_t next;

			if (off >= claimed)
				break;
			/* Damage inside the claimed area: find the next framed record. */
			torn = 0;
			for (next = off + 8; next < claimed; next += 8)
				if (record_at(chunk, n, next, &torn))
					break;
			if (!w->damaged_offset) {
				w->damaged_offset = off;
				w->damaged_bytes = next - off;
			}
			if (next >= claimed)
				break;
			off = next;
			continue;
		}
		torn = 0;
		w->records[w->count].offset = off;
		w->records[w->count].size = size;
		w->records[w->count].id = nd_le64(chunk + off + 8);
		w->records[w->count].written = nd_le64(chunk + off + 16);
		w->count++;
		off += size;
	}
	w->truncated_record = torn;
	w->end = w->count ? w->records[w->count - 1].offset + w->records[w->count - 1].size
			  : ND_EVTX_CHUNK_HEADER_SIZE;
	return w->count;
}

/* Returns the offset just past the first n (> 0) records of w. */
static uint32_t end_of(const nd_evtx_chunk_walk *w, size_t n)
{
	return n == w->count ? w->end : w->records[n - 1].offset + w->records[n - 1].size;
}

int nd_evtx_chunk_header_matches(const uint8_t *chunk, const nd_evtx_chunk_walk *w, size_t n)
{
	if (n == 0 || n > w->count)
		return 0;
	return !w->damaged_offset && nd_evtx_chunk_first_id(chunk) == w->records[0].id &&
	       nd_evtx_chunk_last_id(chunk) == w->records[n - 1].id && nd_le32(chunk + 44) == w->records[n - 1].offset &&
	       nd_le32(chunk + 48) == end_of(w, n);
}

void nd_evtx_chunk_fix_header(uint8_t *chunk, const nd_evtx_chunk_walk *w, size_t n)
{
	uint32_t crc, end;

	if (n == 0 || n > w->count)
		return;
	end = end_of(w, n);
	memcpy(chunk, chunk_signature, 8);
	nd_put_le64(chunk + 8, w->records[0].id);
	nd_put_le64(chunk + 16, w->records[n - 1].id);
	nd_put_le64(chunk + 24, w->records[0].id);
	nd_put_le64(chunk + 32, w->records[n - 1].id);
	nd_put_le32(chunk + 40, 128);
	nd_put_le32(chunk + 44, w->records[n - 1].offset);
	nd_put_le32(chunk + 48, end);
	nd_put_le32(chunk + 52, nd_crc32(0, chunk + ND_EVTX_CHUNK_HEADER_SIZE, end - ND_EVTX_CHUNK_HEADER_SIZE));
	crc = nd_crc32(0, chunk, 120);
	crc = nd_crc32(crc, chunk + 128, 384);
	nd_put_le32(chunk + 124, crc);
}

uint64_t nd_evtx_next_chunk(uint64_t newest, uint64_t size)
{
	uint64_t off = newest ? newest + ND_EVTX_CHUNK_SIZE : ND_EVTX_FILE_HEADER_SIZE;

	if (off + ND_EVTX_CHUNK_SIZE > size)
		off = ND_EVTX_FILE_HEADER_SIZE;
	return off == newest ? 0 : off;
}
