/* Fuzz target: one EVTX chunk through the walker, the raw filter, libevtx
 * (through the decoder) and the event XML parser — everything npsdiag does
 * with a chunk of an untrusted file. Built for libFuzzer with
 * -DNPSDIAG_FUZZ=ON (clang), and for ctest with driver.c, which replays
 * seeds and deterministic mutations of them. */
#include <stdint.h>
#include <string.h>

#include "event_xml.h"
#include "evtx_decode.h"
#include "evtx_filter.h"
#include "evtx_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t header[ND_EVTX_FILE_HEADER_SIZE] = {'E', 'l', 'f', 'F', 'i', 'l', 'e', 0};
	static uint8_t chunk[ND_EVTX_CHUNK_SIZE];
	static nd_evtx_chunk_walk walk;
	static nd_evtx_filter filter;
	static nd_evtx_decoder *dec;
	nd_buf xml = {0};
	nd_record ev;
	nd_error err;
	size_t n = size < sizeof(chunk) ? size : sizeof(chunk), i;

	header[38] = 3; /* major version */
	header[36] = 1;
	if (!dec && !(dec = nd_evtx_decoder_new()))
		return 0;
	memset(chunk, 0, sizeof(chunk));
	memcpy(chunk, data, n);
	if (nd_evtx_chunk_kind(chunk, n) <= 0)
		return 0;
	nd_evtx_walk_chunk(chunk, n, &walk);
	nd_evtx_filter_reset(&filter);
	nd_record_init(&ev);
	if (walk.count && nd_evtx_decoder_load(dec, header, chunk, &walk, walk.count, &err) == 0) {
		for (i = 0; i < walk.count; i++) {
			nd_evtx_peek peek;

			nd_evtx_filter_peek(&filter, chunk, walk.records[i].offset, walk.records[i].size, &peek);
			if (nd_evtx_decoder_xml(dec, i, walk.records[i].id, &xml, &err) == 0)
				nd_xml_parse_event(xml.data, xml.len, &ev, NULL, &err);
		}
	}
	nd_record_reset(&ev);
	nd_buf_free(&xml);
	return 0;
}
