/* record_diff: compares a record from our decoder (evtx_binxml) with the
 * same record through libevtx and event_xml, field by field, and tells the
 * documented libevtx 20181227 bugs (docs/decoder.md) from real differences.
 * Used by the differential test and the decoder fuzz target. */
#ifndef ND_RECORD_DIFF_H
#define ND_RECORD_DIFF_H

#include <stdio.h>

#include "nd_record.h"

/* The documented differences: where libevtx is wrong and we are right. */
enum {
	RD_NEGATIVE,     /* negative integers rendered wrong (Int32 -7 -> -2147483641) */
	RD_NON_BMP,      /* characters outside the BMP shifted by 0x3FF; evtx_decode undoes it
			  * except for U+10000-U+103FE, which come out as BMP characters */
	RD_NUL,          /* a string cut at a NUL; we keep it as U+2400 (project decision); or an
			  * ANSI string's trailing NULs, which libevtx keeps and we drop */
	RD_ATTRIBUTE,    /* attribute values not escaped: '&' and '"' are misread */
	RD_UNESCAPED,    /* only UTF-16 string values escaped: '<' or '&' in an ANSI string is
			  * read back as markup */
	RD_BOM,          /* a UTF-16 value that starts with U+FEFF or U+FFFE: libevtx takes it for a
			  * byte-order mark and drops it; we keep the character */
	RD_CHUNK_END,    /* a record that ends exactly at the end of its chunk is dropped */
	RD_LIBEVTX_FAIL, /* libevtx cannot read a record the fast path reads */
	RD_NBUGS
};

extern const char *const rd_bug_names[RD_NBUGS];

/* Returns 1 when the System element of libevtx's XML (xml, len bytes) is
 * not well-formed because an attribute value holds a raw '"' (RD_ATTRIBUTE:
 * event_xml then loses what follows, including attributes npsdiag does
 * not store, such as Correlation/@RelatedActivityID), else 0. */
int rd_system_attribute_broken(const char *xml, size_t len);

/* Returns 1 when libevtx's XML (xml, len bytes) opens a second System
 * element after the first one's end, else 0: an ANSI string value written
 * raw (RD_UNESCAPED) held markup that closed the event's data early, and
 * event_xml took the System members of that markup. */
int rd_system_again(const char *xml, size_t len);

/* Compares f (fast path) with l (libevtx), counting documented differences
 * in bugs[RD_NBUGS] and printing each other difference, after where, to out
 * (NULL: silent). Returns the number of undocumented differences. */
int rd_compare(const nd_record *f, const nd_record *l, const char *where, unsigned long *bugs, FILE *out);

#endif
