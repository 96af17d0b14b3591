/* evtx_format: the on-disk layout of an EVTX file, and a walker for the
 * records of one chunk that trusts the records, not the headers.
 *
 * File: a 4096-byte header ("ElfFile\0") then 64 KiB chunks ("ElfChnk\0").
 * Chunk: a 512-byte header (record numbers, last record offset, free space
 * offset, two CRC32s, name and template tables) then records. Record:
 * "**\0\0", u32 size, u64 identifier, u64 written FILETIME, Binary XML,
 * u32 copy of size.
 *
 * The headers of a live or damaged log lie (stale counters, stale chunk
 * headers, zeroed CRCs), so the walker finds records by their own framing:
 * it reads records from offset 512 on, accepts records past the chunk
 * header's free space offset only while they continue the sequence (right
 * after the previous record, identifier + 1: what a live log appends), and
 * skips over damage inside the claimed area by resynchronizing on the next
 * well-framed record.
 */
#ifndef ND_EVTX_FORMAT_H
#define ND_EVTX_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "nd_bytes.h"
#include "nd_crc32.h"

#define ND_EVTX_FILE_HEADER_SIZE 4096
#define ND_EVTX_CHUNK_SIZE 65536
#define ND_EVTX_CHUNK_HEADER_SIZE 512
#define ND_EVTX_RECORD_HEADER_SIZE 24
#define ND_EVTX_RECORD_MIN_SIZE 32
#define ND_EVTX_FILE_FLAG_DIRTY 0x1
#define ND_EVTX_FILE_FLAG_FULL 0x2

/* Binary XML tokens (the 0x40 bit: "has attributes" / "more follow"). */
enum {
	ND_EVTX_TOK_EOF = 0x00,
	ND_EVTX_TOK_OPEN_START = 0x01,
	ND_EVTX_TOK_CLOSE_START = 0x02,
	ND_EVTX_TOK_CLOSE_EMPTY = 0x03,
	ND_EVTX_TOK_END = 0x04,
	ND_EVTX_TOK_VALUE = 0x05,
	ND_EVTX_TOK_ATTRIBUTE = 0x06,
	ND_EVTX_TOK_CDATA = 0x07,
	ND_EVTX_TOK_CHARREF = 0x08,
	ND_EVTX_TOK_ENTITYREF = 0x09,
	ND_EVTX_TOK_PITARGET = 0x0a,
	ND_EVTX_TOK_PIDATA = 0x0b,
	ND_EVTX_TOK_TEMPLATE = 0x0c,
	ND_EVTX_TOK_SUBST = 0x0d,
	ND_EVTX_TOK_OPT_SUBST = 0x0e,
	ND_EVTX_TOK_FRAGMENT = 0x0f
};

/* What the file header says. */
typedef struct nd_evtx_file_header {
	uint64_t first_chunk;
	uint64_t last_chunk;
	uint64_t next_record_id;
	uint16_t minor_version;
	uint16_t major_version;
	uint16_t chunk_count;
	uint32_t flags;
	int crc_ok;
} nd_evtx_file_header;

/* One record found by the walker. */
typedef struct nd_evtx_record_ref {
	uint32_t offset; /* within the chunk */
	uint32_t size;
	uint64_t id;
	uint64_t written; /* FILETIME */
} nd_evtx_record_ref;

/* The result of walking one chunk. */
typedef struct nd_evtx_chunk_walk {
	nd_evtx_record_ref records[ND_EVTX_CHUNK_SIZE / ND_EVTX_RECORD_MIN_SIZE];
	size_t count;
	uint32_t end;            /* offset just past the last record walked */
	int header_stale;        /* records found past the header's free space offset */
	uint32_t damaged_offset; /* first damaged byte inside the claimed area, 0 if none */
	uint32_t damaged_bytes;  /* bytes skipped there by resynchronizing */
	int truncated_record;    /* a record runs past the end of the data (torn) */
} nd_evtx_chunk_walk;

/* Parses a 4096-byte file header. Returns 0, or -1 when the signature is
 * not "ElfFile\0". */
int nd_evtx_parse_file_header(const uint8_t *p, nd_evtx_file_header *h);

/* Returns the first (last) record identifier a chunk header claims. */
static inline uint64_t nd_evtx_chunk_first_id(const uint8_t *chunk) { return nd_le64(chunk + 24); }
static inline uint64_t nd_evtx_chunk_last_id(const uint8_t *chunk) { return nd_le64(chunk + 32); }

/* Returns the index of the chunk at file offset off (0 for the first
 * chunk, right after the file header); off must be at least
 * ND_EVTX_FILE_HEADER_SIZE. */
static inline size_t nd_evtx_chunk_index(uint64_t off)
{
	return (size_t)((off - ND_EVTX_FILE_HEADER_SIZE) / ND_EVTX_CHUNK_SIZE);
}

/* Returns the offset of the chunk a writer fills after the chunk at
 * newest in a file of size bytes: the next one in the file, or the first
 * when newest is the last (a full log wraps) or 0 (no chunk holds records
 * yet); 0 when there is no other chunk. */
uint64_t nd_evtx_next_chunk(uint64_t newest, uint64_t size);

/* Classifies a chunk. Returns 1 for a chunk with the "ElfChnk\0" signature,
 * 2 for a chunk whose header was never written (512 zero bytes) but whose
 * first record is framed right after it (a live log caught between the
 * service's record writes and its header write: read it by the records'
 * framing), 0 for an all-zero (pre-allocated, unused) chunk, -1 for
 * anything else. */
int nd_evtx_chunk_kind(const uint8_t *chunk, size_t n);

/* Walks the records of a chunk whose first n bytes are valid (n is
 * ND_EVTX_CHUNK_SIZE except for a truncated last chunk; the rest of the
 * buffer must be zero). Fills *w. Returns the number of records found. */
size_t nd_evtx_walk_chunk(const uint8_t *chunk, size_t n, nd_evtx_chunk_walk *w);

/* Rewrites the chunk header of a private copy so that it describes exactly
 * the first n records in w (signature, first/last numbers and identifiers,
 * last record offset, free space offset) and recomputes both CRC32s.
 * Returns nothing. */
void nd_evtx_chunk_fix_header(uint8_t *chunk, const nd_evtx_chunk_walk *w, size_t n);

/* Returns 1 if the chunk header already describes exactly the first n
 * records in w, else 0. */
int nd_evtx_chunk_header_matches(const uint8_t *chunk, const nd_evtx_chunk_walk *w, size_t n);

#endif
