/* nd_sniff: which input a file is, from its first bytes, never from its
 * name: the EVTX signature; event XML (<Event or <Events, after an optional
 * byte order mark, XML declaration and comments, in UTF-8 or UTF-16); an
 * NPS text accounting log (its first line is a DTS, ODBC or IAS record);
 * a JSON export of events (see is_json in nd_sniff.c); a compressed file
 * or archive (nd_archive_is_archive: gzip, bzip2, xz, zstd, zip, 7z, tar). */
#ifndef ND_SNIFF_H
#define ND_SNIFF_H

#include <stddef.h>
#include <stdint.h>

/* How many first bytes nd_sniff wants (fewer when the file is shorter). */
#define ND_SNIFF_BYTES 4096

typedef enum nd_input_format {
	ND_INPUT_UNKNOWN, /* no format npsdiag reads */
	ND_INPUT_EMPTY,   /* nothing but white space */
	ND_INPUT_EVTX,
	ND_INPUT_XML,
	ND_INPUT_NPS_TEXT,
	ND_INPUT_JSON,
	ND_INPUT_ARCHIVE /* read member by member (nd_archive) */
} nd_input_format;

/* Returns the format the n first bytes at p show. */
nd_input_format nd_sniff(const uint8_t *p, size_t n);

#endif
