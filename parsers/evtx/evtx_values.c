#include "evtx_values.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "nd_ascii.h"
#include "nd_bytes.h"

/* 100-ns intervals per day, and days from 1601-01-01 to 1970-01-01. */
#define FILETIME_PER_DAY 864000000000ULL
#define DAYS_1601_TO_1970 134774

int nd_evtx_utf16_text(nd_buf *out, const uint8_t *p, size_t n)
{
	size_t i, units;
	unsigned char *o;

	if (n % 2)
		return -1;
	units = n / 2;
	while (units > 0 && nd_le16(p + 2 * (units - 1)) == 0)
		units--;
	/* nd_buf_reserve only when the buffer lacks room: a call per value */
	if (out->len + units * 3 >= out->cap && nd_buf_reserve(out, units * 3) != 0)
		return -1;
	o = (unsigned char *)out->data + out->len;
	for (i = 0; i < units; i++) {
		uint32_t u;

#ifdef __SSE2__
		/* Eight units at a time while they are ASCII and not NUL (u - 1
		 * below 0x7f, unsigned): most values are. */
		while (i + 8 <= units) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 2 * i));
			__m128i over = _mm_subs_epu16(_mm_sub_epi16(x, _mm_set1_epi16(1)), _mm_set1_epi16(0x7e));

			if (_mm_movemask_epi8(_mm_cmpeq_epi16(over, _mm_setzero_si128())) != 0xffff)
				break;
			_mm_storel_epi64((__m128i *)(void *)o, _mm_packus_epi16(x, x));
			o += 8;
			i += 8;
		}
#endif
		/* Four units at a time while they are ASCII and not NUL: most
		 * values are (UTF-16 was 9 % of an NPS server's ingest). */
		while (i + 4 <= units) {
			uint64_t x = nd_le64(p + 2 * i);

			if ((x & 0xFF80FF80FF80FF80ULL) || ((x - 0x0001000100010001ULL) & 0x8000800080008000ULL))
				break;
			o[0] = (unsigned char)x;
			o[1] = (unsigned char)(x >> 16);
			o[2] = (unsigned char)(x >> 32);
			o[3] = (unsigned char)(x >> 48);
			o += 4;
			i += 4;
		}
		/* ASCII units one at a time, up to the next non-ASCII or NUL unit
		 * (the last one to three, or where a block of four stopped) */
		while (i < units && p[2 * i + 1] == 0 && p[2 * i] - 1u < 0x7fu)
			*o++ = p[2 * i++];
		if (i >= units)
			break;
		u = nd_le16(p + 2 * i);
		if (u >= 0xDC00 && u <= 0xDFFF)
			return -1;
		if (u >= 0xD800 && u <= 0xDBFF) {
			uint32_t lo = i + 1 < units ? nd_le16(p + 2 * (i + 1)) : 0;

			if (lo < 0xDC00 || lo > 0xDFFF)
				return -1;
			u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			i++;
		} else if (u == 0) {
			u = 0x2400; /* the project's sign for a NUL inside a string */
		}
		/* Room: 3 bytes per unit reserved, 4 for a pair of two units. */
		if (u < 0x80) {
			*o++ = (unsigned char)u;
		} else if (u < 0x800) {
			*o++ = (unsigned char)(0xC0 | (u >> 6));
			*o++ = (unsigned char)(0x80 | (u & 0x3F));
		} else if (u < 0x10000) {
			*o++ = (unsigned char)(0xE0 | (u >> 12));
			*o++ = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
			*o++ = (unsigned char)(0x80 | (u & 0x3F));
		} else {
			*o++ = (unsigned char)(0xF0 | (u >> 18));
			*o++ = (unsigned char)(0x80 | ((u >> 12) & 0x3F));
			*o++ = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
			*o++ = (unsigned char)(0x80 | (u & 0x3F));
		}
	}
	out->len = (size_t)((char *)o - out->data);
	out->data[out->len] = '\0';
	return 0;
}

static const char upper_hex[] = "0123456789ABCDEF";
static const char lower_hex[] = "0123456789abcdef";

/* Writes v as exactly n digits of base (10 or 16, digit characters from
 * set), zero-padded; v must fit. Returns o + n. printf was 6 % of an NPS
 * server's ingest. */
static char *put_digits(char *o, uint64_t v, int n, unsigned base, const char *set)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		o[i] = set[v % base];
		v /= base;
	}
	return o + n;
}

/* Appends the n bytes from start up to o (a value's text, a few bytes;
 * nd_buf_reserve called only when short: a value or two per field).
 * Returns 0, or -1. */
static int put_text(nd_buf *out, const char *start, const char *o)
{
	size_t n = (size_t)(o - start);

	if (out->len + n >= out->cap && nd_buf_reserve(out, n) != 0)
		return -1;
	memcpy(out->data + out->len, start, n);
	out->len += n;
	out->data[out->len] = '\0';
	return 0;
}

/* Appends v in decimal, with a minus sign when neg. Returns 0, or -1. */
static int decimal_text(nd_buf *out, uint64_t v, int neg)
{
	char t[24], *o = t;

	if (neg)
		*o++ = '-';
	return put_text(out, t, nd_ascii_decimal(o, v));
}

/* Appends a signed value in decimal. Returns 0, or -1. */
static int signed_text(nd_buf *out, int64_t v)
{
	return v < 0 ? decimal_text(out, (uint64_t)0 - (uint64_t)v, 1) : decimal_text(out, (uint64_t)v, 0);
}

/* Appends an ANSI string: ASCII only (other bytes depend on the code page),
 * trailing NULs dropped, a NUL inside as U+2400. Returns 0, or -1. */
static int ansi_text(nd_buf *out, const uint8_t *p, size_t n)
{
	size_t i;

	while (n > 0 && p[n - 1] == 0)
		n--;
	for (i = 0; i < n; i++) {
		if (p[i] >= 0x80)
			return -1;
		if (p[i] == 0 ? nd_buf_append_utf8(out, 0x2400) != 0 : nd_buf_append(out, p + i, 1) != 0)
			return -1;
	}
	return 0;
}

/* Converts days since 1970-01-01 to a civil date. Returns nothing. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Appends a FILETIME as "YYYY-MM-DDThh:mm:ss.fffffff00Z". Returns 0, or -1
 * for 0 (libevtx: "Not set") and years past 9999. */
static int filetime_text(nd_buf *out, uint64_t ft)
{
	uint64_t days = ft / FILETIME_PER_DAY, rest = ft % FILETIME_PER_DAY;
	unsigned m, d, secs = (unsigned)(rest / 10000000);
	int64_t y;
	char t[32], *o = t;

	if (ft == 0)
		return -1;
	civil_from_days((int64_t)days - DAYS_1601_TO_1970, &y, &m, &d);
	if (y > 9999)
		return -1;
	/* "%04d-%02u-%02uT%02u:%02u:%02u.%07u00Z"; y is at least 1601 */
	o = put_digits(o, (uint64_t)y, 4, 10, upper_hex);
	*o++ = '-';
	o = put_digits(o, m, 2, 10, upper_hex);
	*o++ = '-';
	o = put_digits(o, d, 2, 10, upper_hex);
	*o++ = 'T';
	o = put_digits(o, secs / 3600, 2, 10, upper_hex);
	*o++ = ':';
	o = put_digits(o, secs / 60 % 60, 2, 10, upper_hex);
	*o++ = ':';
	o = put_digits(o, secs % 60, 2, 10, upper_hex);
	*o++ = '.';
	o = put_digits(o, rest % 10000000, 7, 10, upper_hex);
	memcpy(o, "00Z", 3);
	return put_text(out, t, o + 3);
}

/* Appends a SYSTEMTIME as "YYYY-MM-DDThh:mm:ss.mmmZ". Returns 0, or -1 for
 * a date that is not valid. */
static int systemtime_text(nd_buf *out, const uint8_t *p)
{
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y = nd_le16(p), mo = nd_le16(p + 2), d = nd_le16(p + 6), h = nd_le16(p + 8), mi = nd_le16(p + 10),
		 s = nd_le16(p + 12), ms = nd_le16(p + 14);
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	char t[32], *o = t;

	if (y > 9999 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && !leap && d > 28) || h > 23 ||
	    mi > 59 || s > 59 || ms > 999)
		return -1;
	o = put_digits(o, y, 4, 10, upper_hex);
	*o++ = '-';
	o = put_digits(o, mo, 2, 10, upper_hex);
	*o++ = '-';
	o = put_digits(o, d, 2, 10, upper_hex);
	*o++ = 'T';
	o = put_digits(o, h, 2, 10, upper_hex);
	*o++ = ':';
	o = put_digits(o, mi, 2, 10, upper_hex);
	*o++ = ':';
	o = put_digits(o, s, 2, 10, upper_hex);
	*o++ = '.';
	o = put_digits(o, ms, 3, 10, upper_hex);
	*o++ = 'Z';
	return put_text(out, t, o);
}

/* Appends a SID as "S-R-A-S1-S2...". Returns 0, or -1 when the size does
 * not match its sub-authority count or the authority needs 48 bits. */
static int sid_text(nd_buf *out, const uint8_t *p, uint32_t size)
{
	uint64_t auth = 0;
	unsigned i, count;
	char *o;

	if (size < 8)
		return -1;
	count = p[1];
	if (size != 8 + 4 * count)
		return -1;
	for (i = 0; i < 6; i++)
		auth = auth << 8 | p[2 + i];
	/* "S-" 3 digits "-" 10 digits, then "-" 10 digits per sub-authority */
	if (auth > 0xffffffffu || nd_buf_reserve(out, 16 + 11 * (size_t)count) != 0)
		return -1;
	o = out->data + out->len;
	*o++ = 'S';
	*o++ = '-';
	o = nd_ascii_decimal(o, p[0]);
	*o++ = '-';
	o = nd_ascii_decimal(o, auth);
	for (i = 0; i < count; i++) {
		*o++ = '-';
		o = nd_ascii_decimal(o, nd_le32(p + 8 + 4 * i));
	}
	*o = '\0';
	out->len = (size_t)(o - out->data);
	return 0;
}

/* Appends binary data as upper-case hex. Returns 0, or -1. */
static int hex_text(nd_buf *out, const uint8_t *p, uint32_t size)
{
	static const char digits[] = "0123456789ABCDEF";
	uint32_t i;

	if (nd_buf_reserve(out, 2 * (size_t)size) != 0)
		return -1;
	for (i = 0; i < size; i++) {
		out->data[out->len++] = digits[p[i] >> 4];
		out->data[out->len++] = digits[p[i] & 15];
	}
	out->data[out->len] = '\0';
	return 0;
}

/* Returns the size of a fixed-size type, 0 for a variable one, or -1 for
 * a type not rendered here. */
static int fixed_size(uint8_t type)
{
	switch (type) {
	case ND_EVTX_TYPE_STRING:
	case ND_EVTX_TYPE_ANSI:
	case ND_EVTX_TYPE_BINARY:
	case ND_EVTX_TYPE_SID:
		return 0;
	case ND_EVTX_TYPE_INT8:
	case ND_EVTX_TYPE_UINT8:
		return 1;
	case ND_EVTX_TYPE_INT16:
	case ND_EVTX_TYPE_UINT16:
		return 2;
	case ND_EVTX_TYPE_INT32:
	case ND_EVTX_TYPE_UINT32:
	case ND_EVTX_TYPE_HEX32:
	case ND_EVTX_TYPE_BOOL:
		return 4;
	case ND_EVTX_TYPE_INT64:
	case ND_EVTX_TYPE_UINT64:
	case ND_EVTX_TYPE_HEX64:
	case ND_EVTX_TYPE_FILETIME:
		return 8;
	case ND_EVTX_TYPE_GUID:
	case ND_EVTX_TYPE_SYSTEMTIME:
		return 16;
	default:
		return -1;
	}
}

/* Appends a GUID as "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}". Returns 0, or
 * -1. */
static int guid_text(nd_buf *out, const uint8_t *p)
{
	char t[40], *o = t;
	int i;

	*o++ = '{';
	o = put_digits(o, nd_le32(p), 8, 16, upper_hex);
	*o++ = '-';
	o = put_digits(o, nd_le16(p + 4), 4, 16, upper_hex);
	*o++ = '-';
	o = put_digits(o, nd_le16(p + 6), 4, 16, upper_hex);
	*o++ = '-';
	for (i = 8; i < 16; i++) {
		if (i == 10)
			*o++ = '-';
		o = put_digits(o, p[i], 2, 16, upper_hex);
	}
	*o++ = '}';
	return put_text(out, t, o);
}

int nd_evtx_value_text(nd_buf *out, uint8_t type, const uint8_t *p, uint32_t size)
{
	int want;
	char t[24];

	/* most values are strings */
	if (type == ND_EVTX_TYPE_STRING)
		return nd_evtx_utf16_text(out, p, size);
	want = fixed_size(type);
	if (type == ND_EVTX_TYPE_SIZE) {
		if (size == 4)
			return decimal_text(out, nd_le32(p), 0);
		if (size == 8)
			return decimal_text(out, nd_le64(p), 0);
		return -1;
	}
	if (want < 0 || (want > 0 && size != (uint32_t)want))
		return -1;
	switch (type) {
	case ND_EVTX_TYPE_ANSI:
		return ansi_text(out, p, size);
	case ND_EVTX_TYPE_INT8:
		return signed_text(out, (int8_t)p[0]);
	case ND_EVTX_TYPE_UINT8:
		return decimal_text(out, p[0], 0);
	case ND_EVTX_TYPE_INT16:
		return signed_text(out, (int16_t)nd_le16(p));
	case ND_EVTX_TYPE_UINT16:
		return decimal_text(out, nd_le16(p), 0);
	case ND_EVTX_TYPE_INT32:
		return signed_text(out, (int32_t)nd_le32(p));
	case ND_EVTX_TYPE_UINT32:
		return decimal_text(out, nd_le32(p), 0);
	case ND_EVTX_TYPE_INT64:
		return signed_text(out, (int64_t)nd_le64(p));
	case ND_EVTX_TYPE_UINT64:
		return decimal_text(out, nd_le64(p), 0);
	case ND_EVTX_TYPE_HEX32:
		t[0] = '0';
		t[1] = 'x';
		return put_text(out, t, put_digits(t + 2, nd_le32(p), 8, 16, lower_hex));
	case ND_EVTX_TYPE_HEX64:
		t[0] = '0';
		t[1] = 'x';
		return put_text(out, t, put_digits(t + 2, nd_le64(p), 16, 16, lower_hex));
	case ND_EVTX_TYPE_BOOL:
		return nd_le32(p) ? nd_buf_append(out, "true", 4) : nd_buf_append(out, "false", 5);
	case ND_EVTX_TYPE_BINARY:
		return hex_text(out, p, size);
	case ND_EVTX_TYPE_GUID:
		return guid_text(out, p);
	case ND_EVTX_TYPE_FILETIME:
		return filetime_text(out, nd_le64(p));
	case ND_EVTX_TYPE_SYSTEMTIME:
		return systemtime_text(out, p);
	case ND_EVTX_TYPE_SID:
		return sid_text(out, p, size);
	default:
		return -1;
	}
}

int nd_evtx_value_u64(uint8_t type, const uint8_t *p, uint32_t size, uint64_t *v)
{
	int64_t s;

	switch (type) {
	case ND_EVTX_TYPE_UINT8:
	case ND_EVTX_TYPE_UINT16:
	case ND_EVTX_TYPE_UINT32:
	case ND_EVTX_TYPE_UINT64:
	case ND_EVTX_TYPE_HEX32:
	case ND_EVTX_TYPE_HEX64:
		if (size != (uint32_t)fixed_size(type))
			return -1;
		*v = size == 1 ? p[0] : size == 2 ? nd_le16(p) : size == 4 ? nd_le32(p) : nd_le64(p);
		return 1;
	case ND_EVTX_TYPE_SIZE:
		if (size != 4 && size != 8)
			return -1;
		*v = size == 4 ? nd_le32(p) : nd_le64(p);
		return 1;
	case ND_EVTX_TYPE_INT8:
	case ND_EVTX_TYPE_INT16:
	case ND_EVTX_TYPE_INT32:
	case ND_EVTX_TYPE_INT64:
		if (size != (uint32_t)fixed_size(type))
			return -1;
		s = size == 1	? (int8_t)p[0]
		    : size == 2 ? (int16_t)nd_le16(p)
		    : size == 4 ? (int32_t)nd_le32(p)
				: (int64_t)nd_le64(p);
		if (s < 0)
			return 0;
		*v = (uint64_t)s;
		return 1;
	default:
		return -1;
	}
}

uint32_t nd_evtx_array_item(uint8_t type, const uint8_t *p, uint32_t size, uint32_t *item_size)
{
	uint8_t base = type & (uint8_t)~ND_EVTX_TYPE_ARRAY;
	int fixed;
	uint32_t i;

	if (!(type & ND_EVTX_TYPE_ARRAY) || size == 0)
		return 0;
	if (base == ND_EVTX_TYPE_STRING) {
		/* NUL-terminated strings, one after the other. */
		for (i = 0; i + 1 < size; i += 2)
			if (nd_le16(p + i) == 0)
				break;
		*item_size = i < size ? i : size;
		return i + 1 < size ? i + 2 : size;
	}
	fixed = fixed_size(base);
	if (fixed <= 0 || base == ND_EVTX_TYPE_BOOL || size < (uint32_t)fixed)
		return 0;
	*item_size = (uint32_t)fixed;
	return (uint32_t)fixed;
}
