#include "text_decode.h"

#include <string.h>

nd_text_encoding nd_text_detect(const uint8_t *p, size_t n, size_t *bom)
{
	*bom = 0;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		*bom = 3;
		return ND_TEXT_UTF8;
	}
	if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
		*bom = 2;
		return ND_TEXT_UTF16LE;
	}
	if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		*bom = 2;
		return ND_TEXT_UTF16BE;
	}
	if (n >= 2 && p[0] && p[0] < 0x80 && !p[1])
		return ND_TEXT_UTF16LE;
	if (n >= 2 && !p[0] && p[1] && p[1] < 0x80)
		return ND_TEXT_UTF16BE;
	return ND_TEXT_UTF8;
}

/* Returns the length of the UTF-8 sequence starting with byte c, or 0 when
 * c cannot start one. */
static size_t utf8_len(uint8_t c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 0;
}

/* Returns 1 if the k bytes at s (k <= the length its first byte announces)
 * can begin a valid sequence (no overlong form, surrogate or value past
 * U+10FFFF), else 0. */
static int utf8_prefix_ok(const uint8_t *s, size_t k)
{
	size_t i;

	for (i = 1; i < k; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if (k >= 2) {
		if (s[0] == 0xE0 && s[1] < 0xA0)
			return 0;
		if (s[0] == 0xED && s[1] > 0x9F)
			return 0;
		if (s[0] == 0xF0 && s[1] < 0x90)
			return 0;
		if (s[0] == 0xF4 && s[1] > 0x8F)
			return 0;
	}
	return 1;
}

/* Returns the length (at least 1) of the longest start of the k bytes at s
 * that can begin a valid sequence. */
static size_t valid_prefix(const uint8_t *s, size_t k)
{
	size_t m = 1;

	if (!utf8_len(s[0]))
		return 1;
	while (m < k && utf8_prefix_ok(s, m + 1))
		m++;
	return m;
}

/* Appends valid UTF-8 from n bytes at p, keeping a sequence cut by the end
 * in d->carry. Returns 0, or -1 when out of memory. */
static int decode_utf8(nd_text_decoder *d, const uint8_t *p, size_t n, nd_buf *out)
{
	size_t i = 0, run = 0;

	while (i < n) {
		size_t len = utf8_len(p[i]), k;

		if (len == 1) {
			i++;
			run++;
			continue;
		}
		if (run && nd_buf_append(out, p + i - run, run) != 0)
			return -1;
		run = 0;
		k = len && n - i < len ? n - i : len;
		if (len && utf8_prefix_ok(p + i, k)) {
			if (k < len) { /* cut by the end of the block */
				memcpy(d->carry, p + i, k);
				d->ncarry = k;
				return 0;
			}
			if (nd_buf_append(out, p + i, len) != 0)
				return -1;
			i += len;
			continue;
		}
		/* The longest start of a sequence that could have been valid
		 * becomes one U+FFFD (Unicode's "maximal subpart" practice). */
		if (nd_buf_append_utf8(out, 0xFFFD) != 0)
			return -1;
		i += valid_prefix(p + i, k);
	}
	return run ? nd_buf_append(out, p + n - run, run) : 0;
}

/* Appends one UTF-16 code unit, pairing surrogates. Returns 0, or -1 when
 * out of memory. */
static int put_unit(nd_text_decoder *d, uint32_t u, nd_buf *out)
{
	if (d->high) {
		uint32_t h = d->high;

		d->high = 0;
		if (u >= 0xDC00 && u <= 0xDFFF)
			return nd_buf_append_utf8(out, 0x10000 + ((h - 0xD800) << 10) + (u - 0xDC00));
		if (nd_buf_append_utf8(out, 0xFFFD) != 0)
			return -1;
	}
	if (u >= 0xD800 && u <= 0xDBFF) {
		d->high = u;
		return 0;
	}
	if (u >= 0xDC00 && u <= 0xDFFF)
		u = 0xFFFD;
	if (u < 0x80) {
		char c = (char)u;

		return nd_buf_append(out, &c, 1);
	}
	return nd_buf_append_utf8(out, u);
}

/* Appends UTF-16 from n bytes at p, keeping an odd byte in d->carry.
 * Returns 0, or -1 when out of memory. */
static int decode_utf16(nd_text_decoder *d, const uint8_t *p, size_t n, nd_buf *out)
{
	size_t i;

	if (nd_buf_reserve(out, n * 3 / 2 + 4) != 0)
		return -1;
	for (i = 0; i + 1 < n; i += 2) {
		uint32_t u =
		    d->enc == ND_TEXT_UTF16LE ? (uint32_t)(p[i] | p[i + 1] << 8) : (uint32_t)(p[i] << 8 | p[i + 1]);

		if (put_unit(d, u, out) != 0)
			return -1;
	}
	if (i < n) {
		d->carry[0] = p[i];
		d->ncarry = 1;
	}
	return 0;
}

/* Completes the UTF-8 sequence in d->carry from the block at *p, *n,
 * advancing them past what it used. Returns 0, or -1 when out of memory. */
static int finish_utf8(nd_text_decoder *d, const uint8_t **p, size_t *n, nd_buf *out)
{
	uint8_t seq[4];
	size_t have = d->ncarry, need = utf8_len(d->carry[0]) - have, take = *n < need ? *n : need;

	memcpy(seq, d->carry, have);
	memcpy(seq + have, *p, take);
	d->ncarry = 0;
	if (!utf8_prefix_ok(seq, have + take)) { /* broken: the rest of the block is decoded afresh */
		size_t m = valid_prefix(seq, have + take);

		*p += m - have;
		*n -= m - have;
		return nd_buf_append_utf8(out, 0xFFFD);
	}
	*p += take;
	*n -= take;
	if (take < need) { /* a tiny block: still cut */
		memcpy(d->carry, seq, have + take);
		d->ncarry = have + take;
		return 0;
	}
	return nd_buf_append(out, seq, have + take);
}

int nd_text_decode(nd_text_decoder *d, const uint8_t *p, size_t n, nd_buf *out)
{
	if (d->enc == ND_TEXT_UNKNOWN) { /* gather 4 bytes to see the encoding */
		size_t bom, take = n < 4 - d->nhead ? n : 4 - d->nhead;

		memcpy(d->head + d->nhead, p, take);
		d->nhead += take;
		p += take;
		n -= take;
		if (d->nhead < 4 && take)
			return 0;
		d->enc = nd_text_detect(d->head, d->nhead, &bom);
		if (d->nhead > bom && nd_text_decode(d, d->head + bom, d->nhead - bom, out) != 0)
			return -1;
		if (take == 0 && n == 0)
			return nd_text_decode(d, p, 0, out);
		if (n == 0)
			return 0;
	}
	if (n == 0) { /* the end: what is left over is broken */
		int rc = d->ncarry || d->high ? nd_buf_append_utf8(out, 0xFFFD) : 0;

		d->ncarry = 0;
		d->high = 0;
		return rc;
	}
	if (d->ncarry && d->enc == ND_TEXT_UTF8) {
		if (finish_utf8(d, &p, &n, out) != 0)
			return -1;
	} else if (d->ncarry) {
		uint8_t pair[2] = {d->carry[0], p[0]};

		d->ncarry = 0;
		if (decode_utf16(d, pair, 2, out) != 0)
			return -1;
		p++;
		n--;
	}
	return d->enc == ND_TEXT_UTF8 ? decode_utf8(d, p, n, out) : decode_utf16(d, p, n, out);
}
