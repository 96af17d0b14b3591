/* evtx_values: the substitution values of Binary XML as text, the way
 * libevtx renders them into its XML (and so the way our records have them).
 *
 * A value is typed: UTF-16 and ANSI strings, signed and unsigned integers
 * of 8 to 64 bits, hexadecimal integers (0x%08x, 0x%016llx), size_t,
 * booleans, GUIDs ({XXXXXXXX-XXXX-...}, upper case), SIDs (S-1-5-...),
 * FILETIME and SYSTEMTIME (ISO 8601 with nine and three fraction digits),
 * binary data (upper-case hex), arrays of these and nested Binary XML.
 *
 * Where libevtx 20181227 is wrong we are right, on purpose (docs/decoder.md):
 * negative integers are rendered as negative numbers, characters outside
 * the BMP come out as themselves, and a NUL inside a string is kept as
 * U+2400 (trailing NULs are dropped) where libevtx cuts the string.
 * Whatever this file does not render exactly (floating point, unusual
 * sizes, ANSI bytes above 0x7F, unpaired surrogates) it refuses, and the
 * record goes to libevtx.
 */
#ifndef ND_EVTX_VALUES_H
#define ND_EVTX_VALUES_H

#include <stddef.h>
#include <stdint.h>

#include "nd_buf.h"

/* Value types of the value array of a template instance. */
enum {
	ND_EVTX_TYPE_NULL = 0x00,
	ND_EVTX_TYPE_STRING = 0x01,
	ND_EVTX_TYPE_ANSI = 0x02,
	ND_EVTX_TYPE_INT8 = 0x03,
	ND_EVTX_TYPE_UINT8 = 0x04,
	ND_EVTX_TYPE_INT16 = 0x05,
	ND_EVTX_TYPE_UINT16 = 0x06,
	ND_EVTX_TYPE_INT32 = 0x07,
	ND_EVTX_TYPE_UINT32 = 0x08,
	ND_EVTX_TYPE_INT64 = 0x09,
	ND_EVTX_TYPE_UINT64 = 0x0a,
	ND_EVTX_TYPE_FLOAT = 0x0b,
	ND_EVTX_TYPE_DOUBLE = 0x0c,
	ND_EVTX_TYPE_BOOL = 0x0d,
	ND_EVTX_TYPE_BINARY = 0x0e,
	ND_EVTX_TYPE_GUID = 0x0f,
	ND_EVTX_TYPE_SIZE = 0x10,
	ND_EVTX_TYPE_FILETIME = 0x11,
	ND_EVTX_TYPE_SYSTEMTIME = 0x12,
	ND_EVTX_TYPE_SID = 0x13,
	ND_EVTX_TYPE_HEX32 = 0x14,
	ND_EVTX_TYPE_HEX64 = 0x15,
	ND_EVTX_TYPE_BINXML = 0x21,
	ND_EVTX_TYPE_ARRAY = 0x80
};

/* Appends n bytes of UTF-16LE at p to out as UTF-8: trailing NULs are
 * dropped, a NUL inside becomes U+2400, surrogate pairs are combined.
 * Returns 0, or -1 for an odd n, an unpaired surrogate or out of memory. */
int nd_evtx_utf16_text(nd_buf *out, const uint8_t *p, size_t n);

/* Appends the text of one value (not an array, not Binary XML) of the given
 * type and size at p to out. Returns 0, or -1 when the value is one this
 * file does not render (see above) or out of memory. */
int nd_evtx_value_text(nd_buf *out, uint8_t type, const uint8_t *p, uint32_t size);

/* Reads a value of an integer type (signed, unsigned, hexadecimal or
 * size_t) of the given type and size at p as the number its text
 * (nd_evtx_value_text) reads back as, without writing the text. Returns 1
 * and sets *v; 0 for a negative number (its text has a minus sign); -1
 * when the type is no integer type or the size not one it renders (the
 * caller renders the value, or refuses it, as the text would). */
int nd_evtx_value_u64(uint8_t type, const uint8_t *p, uint32_t size, uint64_t *v);

/* Finds the first item of an array value (type with ND_EVTX_TYPE_ARRAY) in
 * p[size]: *item_size is the size of its data and the return value how
 * many bytes it takes (a string's NUL terminator included). Returns that
 * size (> 0), or 0 when the type has no array form this file renders or
 * the data is too short. */
uint32_t nd_evtx_array_item(uint8_t type, const uint8_t *p, uint32_t size, uint32_t *item_size);

#endif
