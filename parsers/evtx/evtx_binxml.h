/* evtx_binxml: our own decoder of a record's Binary XML into an nd_record,
 * without libevtx, without XML text.
 *
 * A Windows record is a template instance: a template definition (kept
 * once per chunk, shared by the records that use it) plus an array of
 * typed substitution values; EventData comes as a nested Binary XML value
 * (type 0x21) holding a template instance of its own. The decoder walks
 * the definition with the record's values and builds a small element tree
 * (names, attributes, text; reused from record to record); the first
 * record of a chunk to use a definition compiles it into a plan, which the
 * next ones fill with their values instead of walking the tokens
 * (docs/decoder.md "Template plans"). It then takes the
 * record from the tree exactly as event_xml takes it from libevtx's XML:
 * System values, EventData <Data Name=...> fields, unnamed classic <Data>
 * (a string array makes one field per string), <Binary> as hex text,
 * UserData attributes and leaf elements as "Path/@attr" and "Path" fields
 * within the bounds of event_xml.h.
 *
 * It follows libevtx 20181227 (libfwevt) where that is a rule of the
 * format: an optional substitution without a value drops its attribute or
 * element, an array substitution repeats its element once per item. Where
 * libevtx is wrong (docs/decoder.md) it is right. Anything it does not
 * handle exactly — an unknown token, CDATA, processing instructions, mixed
 * text and elements, a value type it does not render, a size or offset
 * that does not fit — it refuses, and the caller decodes the record with
 * libevtx instead. A refusal is not an error.
 */
#ifndef ND_EVTX_BINXML_H
#define ND_EVTX_BINXML_H

#include <stddef.h>
#include <stdint.h>

#include "evtx_format.h"
#include "nd_record.h"

typedef struct nd_evtx_binxml nd_evtx_binxml;

/* Creates a decoder. Returns it, or NULL when out of memory. */
nd_evtx_binxml *nd_evtx_binxml_new(void);

/* Frees a decoder. Returns nothing. */
void nd_evtx_binxml_free(nd_evtx_binxml *bx);

/* Starts a chunk (ND_EVTX_CHUNK_SIZE bytes) walked as walk; both must stay
 * valid while its records are decoded. Returns nothing. */
void nd_evtx_binxml_chunk(nd_evtx_binxml *bx, const uint8_t *chunk, const nd_evtx_chunk_walk *walk);

/* Decodes record number index of the walk into ev, which is reset first;
 * file_offset and written_time are left for the caller, record_id is
 * EventRecordID when the record has one. Template definitions and names
 * are taken only from sound records up to this one. Returns 0, or -1 when
 * the fast path refuses the record (ev is then reset; nd_evtx_binxml_why
 * says why). */
int nd_evtx_binxml_decode(nd_evtx_binxml *bx, size_t index, nd_record *ev);

/* Returns why the last decode refused its record (a short phrase), or "". */
const char *nd_evtx_binxml_why(const nd_evtx_binxml *bx);

#endif
