/* Fuzz target: our Binary XML decoder (evtx_binxml) against libevtx on one
 * record. The input is a chunk (its signature forced; cut short, it is
 * padded with zeros); the record decoded is the last one the walker finds,
 * so a truncated input picks another record, and the records before it
 * supply the template definitions it uses. Campaigns start from minimal
 * chunks, a header and one record (seeds made by tests/fuzz/cut-chunks.py
 * -records 1), so that an exec costs well under a millisecond. When the fast path accepts the
 * record and libevtx reads it too, every field must agree but for the
 * documented libevtx bugs (tests/decoder/record_diff.h): otherwise the
 * target aborts. The record is decoded twice by our decoder: first alone
 * by a new decoder (its template definitions walked), then after every
 * record before it by a decoder that decoded the inputs before this one
 * (the definitions they share compiled, those of the earlier inputs
 * known: docs/decoder.md "Template plans"): both must give the same
 * record, or refuse it for the same reason. Built for libFuzzer with -DNPSDIAG_FUZZ=ON (clang), and
 * for ctest with driver.c, which replays seeds and mutations of them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_xml.h"
#include "evtx_binxml.h"
#include "evtx_decode.h"
#include "evtx_format.h"
#include "record_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes record last of walk with bx after the records before it, and
 * aborts unless that gives what a decode of it alone gave: rc, and cold
 * (rc 0) or the reason why (rc -1). Returns nothing. */
static void check_warm(nd_evtx_binxml *bx, const uint8_t *chunk, const nd_evtx_chunk_walk *walk, size_t last, int rc,
		       const nd_record *cold, const char *why)
{
	unsigned long bugs[RD_NBUGS] = {0};
	nd_record warm;
	size_t i;
	int rc2;

	nd_record_init(&warm);
	nd_evtx_binxml_chunk(bx, chunk, walk);
	for (i = 0; i < last; i++)
		(void)nd_evtx_binxml_decode(bx, i, &warm);
	rc2 = nd_evtx_binxml_decode(bx, last, &warm);
	if (rc2 != rc || (rc != 0 && strcmp(why, nd_evtx_binxml_why(bx)) != 0)) {
		fprintf(stderr, "fuzz_decoder: alone %d (%s), after the records before it %d (%s)\n", rc, why, rc2,
			nd_evtx_binxml_why(bx));
		abort();
	}
	if (rc == 0) {
		if (rd_compare(cold, &warm, "fuzz_decoder warm", bugs, stderr) != 0)
			abort();
		for (i = 0; i < RD_NBUGS; i++)
			if (bugs[i])
				abort();
	}
	nd_record_reset(&warm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t header[ND_EVTX_FILE_HEADER_SIZE] = {'E', 'l', 'f', 'F', 'i', 'l', 'e', 0};
	static uint8_t chunk[ND_EVTX_CHUNK_SIZE];
	static nd_evtx_chunk_walk walk;
	static nd_evtx_decoder *dec;
	static nd_evtx_binxml *warm;
	nd_evtx_binxml *bx;
	static size_t dirty;
	unsigned long bugs[RD_NBUGS];
	nd_record fast, ref;
	nd_buf xml = {0};
	nd_error err;
	size_t n = size < sizeof(chunk) ? size : sizeof(chunk), i;
	const nd_evtx_record_ref *r;
	char why[128];
	int rc;

	header[38] = 3; /* major version */
	header[36] = 1;
	if ((!dec && !(dec = nd_evtx_decoder_new())) || (!warm && !(warm = nd_evtx_binxml_new())))
		return 0;
	/* Zeros past the input: only what the previous input wrote is cleared. */
	memcpy(chunk, data, n);
	if (dirty > n)
		memset(chunk + n, 0, dirty - n);
	dirty = n > 8 ? n : 8;
	memcpy(chunk, "ElfChnk", 8);
	if (n < ND_EVTX_CHUNK_HEADER_SIZE || !nd_evtx_walk_chunk(chunk, n, &walk))
		return 0;
	r = &walk.records[walk.count - 1];
	/* evtx_decode finds libevtx's record by its identifier: with two
	 * records of the same identifier it may compare another one. */
	for (i = 0; i + 1 < walk.count; i++)
		if (walk.records[i].id == r->id)
			return 0;
	if (!(bx = nd_evtx_binxml_new()))
		return 0;
	nd_record_init(&fast);
	nd_record_init(&ref);
	nd_evtx_binxml_chunk(bx, chunk, &walk);
	rc = nd_evtx_binxml_decode(bx, walk.count - 1, &fast);
	snprintf(why, sizeof(why), "%s", nd_evtx_binxml_why(bx));
	nd_evtx_binxml_free(bx);
	check_warm(warm, chunk, &walk, walk.count - 1, rc, &fast, why);
	if (rc == 0 && nd_evtx_decoder_load(dec, header, chunk, &walk, walk.count, &err) == 0 &&
	    nd_evtx_decoder_xml(dec, walk.count - 1, r->id, &xml, &err) == 0 &&
	    nd_xml_parse_event(xml.data, xml.len, &ref, NULL, &err) == 1) {
		/* The reader fills these from the record header for libevtx. */
		if (!ref.record_id)
			ref.record_id = fast.record_id;
		/* libevtx's XML broken before the fields: no reference to compare with */
		if (rd_system_attribute_broken(xml.data, xml.len))
			bugs[RD_ATTRIBUTE]++;
		else if (rd_system_again(xml.data, xml.len))
			bugs[RD_UNESCAPED]++;
		else if (rd_compare(&fast, &ref, "fuzz_decoder", bugs, stderr) != 0)
			abort();
	}
	nd_record_reset(&fast);
	nd_record_reset(&ref);
	nd_buf_free(&xml);
	return 0;
}
