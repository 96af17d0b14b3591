/* evtx_decode: hands single records to libevtx and gets their XML back.
 *
 * libevtx_file_open() scans and indexes the whole file (memory grows with
 * the record count; 16-bit chunk numbers; a stale chunk header hides
 * records). Instead, each chunk that holds wanted records is presented to
 * libevtx as a file of its own: a file header for one chunk plus a private
 * copy of the chunk, through a libbfio memory range. When the walker found
 * records the chunk header does not describe (a live log), the copy's
 * header is rewritten to describe them, CRCs included, so libevtx lists
 * them as normal records. Memory stays at one chunk, whatever the file's
 * size.
 *
 * libevtx objects are not thread-safe: one decoder per thread.
 */
#ifndef ND_EVTX_DECODE_H
#define ND_EVTX_DECODE_H

#include <stdint.h>

#include "evtx_format.h"
#include "nd_buf.h"
#include "nd_error.h"

typedef struct nd_evtx_decoder nd_evtx_decoder;

/* Creates a decoder. Returns it, or NULL when out of memory. */
nd_evtx_decoder *nd_evtx_decoder_new(void);

/* Frees a decoder. Returns nothing. */
void nd_evtx_decoder_free(nd_evtx_decoder *d);

/* Loads the first n records of a chunk (ND_EVTX_CHUNK_SIZE bytes, copied)
 * walked as w, with the original file header (ND_EVTX_FILE_HEADER_SIZE
 * bytes) for its version fields: libevtx is shown only those records (it
 * checksums and scans everything it is shown, so pass the index of the
 * last record wanted plus one). chunk and w must stay valid until the next
 * load. Records whose Binary XML is unsafe for libevtx (evtx_check) are
 * never decoded. Returns 0, or -1 with err set when libevtx rejects the
 * chunk. */
int nd_evtx_decoder_load(nd_evtx_decoder *d, const uint8_t *file_header, const uint8_t *chunk,
			 const nd_evtx_chunk_walk *w, size_t n, nd_error *err);

/* Renders record number `index` of the loaded chunk (its position in the
 * walk), whose identifier must be `id`, as UTF-8 XML into xml. Returns 0,
 * or -1 with err set (libevtx's own message included) when libevtx cannot
 * parse it. */
int nd_evtx_decoder_xml(nd_evtx_decoder *d, size_t index, uint64_t id, nd_buf *xml, nd_error *err);

#endif
