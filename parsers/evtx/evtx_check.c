#include "evtx_check.h"

#include <stdio.h>

#include "evtx_format.h"

#define MAX_NESTING 8
#define TYPE_BINXML 0x21

/* Checks a template instance and its values in [pos, end) of the chunk,
 * recursing into nested Binary XML values. Returns 0, or -1 with why set. */
static int check_instance(const uint8_t *chunk, uint32_t pos, uint32_t end, int depth, char *why, size_t n)
{
	uint32_t def_off, count, data, i;

	if (depth > MAX_NESTING) {
		snprintf(why, n, "Binary XML nested more than %d deep", MAX_NESTING);
		return -1;
	}
	if (pos + 4 <= end && chunk[pos] == 0x0f)
		pos += 4; /* fragment header */
	if (pos >= end || chunk[pos] != 0x0c)
		return 0; /* plain elements, no value array to check */
	if (pos + 10 > end) {
		snprintf(why, n, "template instance cut off at chunk offset 0x%x", pos);
		return -1;
	}
	def_off = nd_le32(chunk + pos + 6);
	pos += 10;
	if ((size_t)def_off + 24 > ND_EVTX_CHUNK_SIZE ||
	    (size_t)def_off + 24 + nd_le32(chunk + def_off + 20) > ND_EVTX_CHUNK_SIZE) {
		snprintf(why, n, "template definition at 0x%x outside the chunk", def_off);
		return -1;
	}
	if (def_off == pos)
		pos += 24 + nd_le32(chunk + def_off + 20);
	if (pos + 4 > end) {
		snprintf(why, n, "value array outside its record");
		return -1;
	}
	count = nd_le32(chunk + pos);
	pos += 4;
	if (count > (end - pos) / 4) {
		snprintf(why, n, "value count %u larger than its record", count);
		return -1;
	}
	data = pos + 4 * count;
	for (i = 0; i < count; i++) {
		uint32_t size = nd_le16(chunk + pos + 4 * i);
		uint8_t type = chunk[pos + 4 * i + 2];

		if (size > end - data) {
			snprintf(why, n, "value %u (%u bytes) runs past its record", i, size);
			return -1;
		}
		if (type == TYPE_BINXML && size && check_instance(chunk, data, data + size, depth + 1, why, n) != 0)
			return -1;
		data += size;
	}
	return 0;
}

int nd_evtx_record_check(const uint8_t *chunk, uint32_t rec_off, uint32_t rec_size, char *why, size_t n)
{
	return check_instance(chunk, rec_off + ND_EVTX_RECORD_HEADER_SIZE, rec_off + rec_size - 4, 0, why, n);
}
