/* Fuzz target: what npsdiag does with a chunk before any decoder runs,
 * fast enough for tens of millions of inputs: the chunk walker (records
 * found by their own framing), the header fixer, the safety check of each
 * record's Binary XML and the raw filter that reads EventID and provider.
 * Checked: every record the walker returns lies inside the chunk data and
 * after the previous one, and a fixed header matches its walk (when it
 * found records and no damage). Built for
 * libFuzzer with -DNPSDIAG_FUZZ=ON (clang), and for ctest with driver.c. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtx_check.h"
#include "evtx_filter.h"
#include "evtx_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t chunk[ND_EVTX_CHUNK_SIZE];
	static nd_evtx_chunk_walk walk;
	static nd_evtx_filter filter;
	size_t n = size < sizeof(chunk) ? size : sizeof(chunk), i;
	uint32_t end = ND_EVTX_CHUNK_HEADER_SIZE;
	char why[128];

	/* Only the input and the header's 512 bytes are read: copying or
	 * clearing the whole 64 KiB per input cost more than the walk. */
	memcpy(chunk, data, n);
	if (n < ND_EVTX_CHUNK_HEADER_SIZE)
		memset(chunk + n, 0, ND_EVTX_CHUNK_HEADER_SIZE - n);
	if (nd_evtx_chunk_kind(chunk, n) <= 0)
		return 0;
	nd_evtx_walk_chunk(chunk, n, &walk);
	nd_evtx_filter_reset(&filter);
	for (i = 0; i < walk.count; i++) {
		const nd_evtx_record_ref *r = &walk.records[i];
		nd_evtx_peek peek;

		if (r->offset < end || r->size < ND_EVTX_RECORD_MIN_SIZE || (size_t)r->offset + r->size > n) {
			fprintf(stderr, "record %zu at %u size %u: previous ended at %u, data %zu bytes\n", i,
				(unsigned)r->offset, (unsigned)r->size, (unsigned)end, n);
			abort();
		}
		end = r->offset + r->size;
		nd_evtx_record_check(chunk, r->offset, r->size, why, sizeof(why));
		nd_evtx_filter_peek(&filter, chunk, r->offset, r->size, &peek);
	}
	if (walk.count) {
		nd_evtx_chunk_fix_header(chunk, &walk, walk.count);
		if (!walk.damaged_offset && !nd_evtx_chunk_header_matches(chunk, &walk, walk.count))
			abort();
	}
	return 0;
}
