/* nd_buf: a growable byte buffer, always NUL-terminated, for building
 * UTF-8 strings of unknown length (decoded XML text, converted UTF-16). */
#ifndef ND_BUF_H
#define ND_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct nd_buf {
	char *data;
	size_t len;
	size_t cap;
} nd_buf;

/* Makes room for `extra` more bytes plus the NUL. Returns 0, or -1 when out
 * of memory. */
int nd_buf_reserve(nd_buf *b, size_t extra);

/* nd_buf_append when the bytes may not fit: grows the buffer first.
 * Returns 0, or -1 when out of memory. */
int nd_buf_append_slow(nd_buf *b, const void *p, size_t n);

/* Appends n bytes. Returns 0, or -1 when out of memory. Inline: the rows
 * of a diagnosis append millions of short strings, most of them to a
 * buffer with room. */
static inline int nd_buf_append(nd_buf *b, const void *p, size_t n)
{
	if (n && n < b->cap - b->len) { /* they and the NUL fit (nothing allocated: cap 0) */
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return nd_buf_append_slow(b, p, n);
}

/* Appends one Unicode scalar value as UTF-8 (U+FFFD for invalid values).
 * Returns 0, or -1 when out of memory. */
int nd_buf_append_utf8(nd_buf *b, uint32_t cp);

/* Appends text formatted from a literal format (never from event data).
 * Returns 0, or -1 when out of memory. */
int nd_buf_printf(nd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Empties the buffer, keeping its memory. Returns nothing. */
void nd_buf_reset(nd_buf *b);

/* Frees the buffer's memory. Returns nothing. */
void nd_buf_free(nd_buf *b);

/* Converts n UTF-16 code units (host order) at p to UTF-8 appended to b;
 * surrogate pairs are combined, unpaired surrogates become U+FFFD; NUL
 * units at the end (the terminator) are dropped, a NUL unit before other
 * text becomes U+2400 (the visible symbol for NUL), so that text after it
 * is not lost. Returns 0, or -1 when out of memory. */
int nd_buf_append_utf16(nd_buf *b, const uint16_t *p, size_t n);

#endif
