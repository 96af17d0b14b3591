/* text_decode: the bytes of a text export, block by block, as valid UTF-8.
 * The encoding is decided from the first bytes: a UTF-8 or UTF-16 byte
 * order mark (dropped), else UTF-16 when a zero byte pairs with an ASCII
 * one (PowerShell's `>` without a mark), else UTF-8. Invalid UTF-8, lone
 * surrogates and a sequence cut by the end of the input become U+FFFD (one
 * for each maximal invalid subpart, as Unicode recommends); a sequence cut
 * by the end of a block is completed by the next one, so that the text is
 * the same whatever the block sizes. */
#ifndef ND_TEXT_DECODE_H
#define ND_TEXT_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "nd_buf.h"

typedef enum nd_text_encoding { ND_TEXT_UNKNOWN, ND_TEXT_UTF8, ND_TEXT_UTF16LE, ND_TEXT_UTF16BE } nd_text_encoding;

typedef struct nd_text_decoder {
	nd_text_encoding enc;
	uint8_t head[4]; /* the first bytes, until they show the encoding */
	size_t nhead;
	uint8_t carry[4]; /* the start of a sequence cut by the end of a block */
	size_t ncarry;
	uint32_t high; /* a UTF-16 high surrogate waiting for its low half, or 0 */
} nd_text_decoder;

/* Returns the encoding the first n bytes of a text show (n >= 2 for UTF-16
 * to be recognized) and sets *bom to the length of its byte order mark. */
nd_text_encoding nd_text_detect(const uint8_t *p, size_t n, size_t *bom);

/* Appends the UTF-8 form of the n bytes at p (the next block of the input)
 * to out; n == 0 marks the end of the input. Returns 0, or -1 when out of
 * memory. */
int nd_text_decode(nd_text_decoder *d, const uint8_t *p, size_t n, nd_buf *out);

#endif
