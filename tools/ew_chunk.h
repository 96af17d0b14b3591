/* ew_chunk: builds one 64 KiB EVTX chunk the way Windows does: records of
 * Binary XML made of template instances (the System template and an
 * EventData template, each defined inline the first time it is used in the
 * chunk and referenced by offset afterwards), names stored once per chunk
 * in the 64-bucket name table, templates linked in the 32-bucket template
 * table, both CRC32s in the header. */
#ifndef EW_CHUNK_H
#define EW_CHUNK_H

#include <stddef.h>
#include <stdint.h>

#include "ew_desc.h"

#define EW_CHUNK_SIZE 65536
#define EW_MAX_NAMES 512
#define EW_MAX_TEMPLATES 128

typedef struct ew_name {
	char *utf8;
	uint32_t offset;
} ew_name;

typedef struct ew_template {
	uint8_t guid[16];
	uint32_t offset;
} ew_template;

typedef struct ew_chunk {
	uint8_t b[EW_CHUNK_SIZE];
	uint32_t free;      /* where the next record goes */
	uint64_t first_id;  /* first and last record identifiers */
	uint64_t last_id;
	uint32_t last_off;  /* offset of the last record */
	uint32_t prev_off;  /* offset of the record before it (for a torn tail) */
	uint32_t prev_free;
	size_t records;
	ew_name names[EW_MAX_NAMES];
	size_t nnames;
	ew_template templates[EW_MAX_TEMPLATES];
	size_t ntemplates;
} ew_chunk;

/* Stores v little-endian at b. Returns nothing. */
void ew_set32(uint8_t *b, uint32_t v);
void ew_set64(uint8_t *b, uint64_t v);

/* Returns the CRC32 (IEEE, as EVTX uses it) of n bytes, continuing crc
 * (0 to start). */
uint32_t ew_crc32(uint32_t crc, const uint8_t *p, size_t n);

/* Starts an empty chunk. Returns nothing. */
void ew_chunk_init(ew_chunk *c);

/* Takes over a chunk read from a file: finds its records by their framing
 * and learns its names and templates from its tables, so records can be
 * appended. Returns 0, or -1 if it is not a chunk. */
int ew_chunk_load(ew_chunk *c, const uint8_t *data);

/* Frees the names. Returns nothing. */
void ew_chunk_free(ew_chunk *c);

/* Appends a record for ev with identifier id at time t (ticks since 1970).
 * Returns 1 when written, 0 when it does not fit (the chunk is unchanged:
 * finish it and start another), -1 with err set when the event cannot be
 * encoded at all. */
int ew_chunk_add(ew_chunk *c, const ew_event *ev, uint64_t id, int64_t t, char err[EW_ERR_MAX]);

/* Writes the header fields and CRCs for the records added. Returns
 * nothing. */
void ew_chunk_finish(ew_chunk *c);

#endif
