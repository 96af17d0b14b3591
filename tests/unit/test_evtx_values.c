/* Unit tests of parsers/evtx/evtx_values: UTF-16 strings as UTF-8 (ASCII
 * four units at a time, the last units one by one, NULs, surrogates) and
 * the typed values as libevtx renders them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "evtx_values.h"

/* Appends the n chars at in to b through nd_evtx_utf16_text, each char as
 * one UTF-16LE unit, except that "\x01" and the two bytes after it are one
 * unit of that value (high byte first). Returns what nd_evtx_utf16_text
 * returns. */
static int utf16(nd_buf *b, const char *in, size_t n)
{
	uint8_t u[128];
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (in[i] == '\x01') {
			u[k++] = (uint8_t)in[i + 2];
			u[k++] = (uint8_t)in[i + 1];
			i += 2;
		} else {
			u[k++] = (uint8_t)in[i];
			u[k++] = 0;
		}
	}
	return nd_evtx_utf16_text(b, u, k);
}

/* Strings of every length around the four-unit steps, with what stops the
 * fast steps (non-ASCII, NUL, a surrogate pair) in each position. */
static void test_utf16_text(void)
{
	nd_buf b = {0};

	CHECK(utf16(&b, "", 0) == 0);
	CHECK_STR(b.data, "");
	CHECK(utf16(&b, "a", 1) == 0 && utf16(&b, "bc", 2) == 0 && utf16(&b, "defgh", 5) == 0);
	CHECK_STR(b.data, "abcdefgh");
	nd_buf_reset(&b);
	CHECK(utf16(&b, "abcdefg\x01\x00\xe9", 10) == 0); /* U+00E9 after three tail units */
	CHECK_STR(b.data, "abcdefg\xc3\xa9");
	nd_buf_reset(&b);
	CHECK(utf16(&b, "abcde\x01\x00\x00x", 9) == 0); /* a NUL among the last units */
	CHECK_STR(b.data, "abcde\xe2\x90\x80x");
	nd_buf_reset(&b);
	CHECK(utf16(&b, "ab\x01\x00\x00\x01\x00\x00", 8) == 0); /* trailing NULs dropped */
	CHECK_STR(b.data, "ab");
	nd_buf_reset(&b);
	CHECK(utf16(&b, "abcdef\x01\xd8\x3d\x01\xde\x00z", 13) == 0); /* U+1F600 */
	CHECK_STR(b.data, "abcdef\xf0\x9f\x98\x80z");
	nd_buf_reset(&b);
	CHECK(utf16(&b, "a\x01\x20\x2c\x7f", 5) == 0); /* U+202C, then DEL (ASCII) */
	CHECK_STR(b.data, "a\xe2\x80\xac\x7f");
	nd_buf_reset(&b);
	CHECK(utf16(&b, "abcde\x01\xd8\x3d", 8) == -1); /* an unpaired high surrogate last */
	CHECK(utf16(&b, "abc\x01\xde\x00", 6) == -1);   /* a low surrogate alone */
	CHECK(nd_evtx_utf16_text(&b, (const uint8_t *)"a\0b", 3) == -1);
	nd_buf_free(&b);
}

/* Every length up to 40 units with one unit that stops the fast steps
 * (non-ASCII, NUL, DEL, a high byte) in every position, against a plain
 * conversion. */
static void test_utf16_blocks(void)
{
	static const uint16_t stop[] = {0x00E9, 0x0000, 0x007F, 0x0080, 0x0100, 0xFF41, 0x2400};
	nd_buf b = {0};
	size_t n, k, s;

	for (n = 1; n <= 40; n++)
		for (k = 0; k <= n; k++)
			for (s = 0; s < sizeof(stop) / sizeof(stop[0]); s++) {
				uint8_t u[80];
				nd_buf want = {0};
				size_t i;

				for (i = 0; i < n; i++) {
					uint16_t c = i == k ? stop[s] : (uint16_t)('A' + i % 26);

					u[2 * i] = (uint8_t)c;
					u[2 * i + 1] = (uint8_t)(c >> 8);
				}
				/* the last unit a NUL is dropped, not written */
				for (i = 0; i < n; i++) {
					uint16_t c = (uint16_t)(u[2 * i] | u[2 * i + 1] << 8);

					if (c == 0 && i == n - 1)
						break;
					nd_buf_append_utf8(&want, c ? c : 0x2400);
				}
				nd_buf_reset(&b);
				CHECK(nd_evtx_utf16_text(&b, u, 2 * n) == 0);
				CHECK(b.len == want.len && memcmp(b.data, want.data ? want.data : "", b.len) == 0);
				nd_buf_free(&want);
			}
	nd_buf_free(&b);
}

/* A value of each kind the decoder meets most: strings, integers (negative
 * ones as negative numbers), hexadecimal, a SID. */
static void test_value_text(void)
{
	static const uint8_t str[] = {'o', 0, 'k', 0, 0, 0};
	static const uint8_t neg[] = {0xf9, 0xff, 0xff, 0xff};
	static const uint8_t sid[] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
	nd_buf b = {0};

	CHECK(nd_evtx_value_text(&b, ND_EVTX_TYPE_STRING, str, sizeof(str)) == 0);
	CHECK_STR(b.data, "ok");
	nd_buf_reset(&b);
	CHECK(nd_evtx_value_text(&b, ND_EVTX_TYPE_INT32, neg, sizeof(neg)) == 0);
	CHECK_STR(b.data, "-7");
	nd_buf_reset(&b);
	CHECK(nd_evtx_value_text(&b, ND_EVTX_TYPE_HEX32, neg, sizeof(neg)) == 0);
	CHECK_STR(b.data, "0xfffffff9");
	nd_buf_reset(&b);
	CHECK(nd_evtx_value_text(&b, ND_EVTX_TYPE_SID, sid, sizeof(sid)) == 0);
	CHECK_STR(b.data, "S-1-5-18");
	CHECK(nd_evtx_value_text(&b, ND_EVTX_TYPE_INT32, neg, 2) == -1);
	CHECK(nd_evtx_value_text(&b, ND_EVTX_TYPE_STRING, str, 3) == -1);
	nd_buf_free(&b);
}

/* The widest numbers, appended after text already there: a SID of the
 * largest revision, authority and sub-authorities (written in place, room
 * reserved for them), 64-bit extremes. */
static void test_value_text_widest(void)
{
	static const uint8_t u64max[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t i64min[] = {0, 0, 0, 0, 0, 0, 0, 0x80};
	uint8_t sid[8 + 4 * 15];
	nd_buf b = {0};
	char want[200];
	int i, n;

	memset(sid, 0xff, sizeof(sid));
	sid[1] = 15;
	sid[2] = sid[3] = 0; /* the authority fits 32 bits */
	CHECK(nd_buf_append(&b, "x", 1) == 0);
	CHECK(nd_evtx_value_text(&b, ND_EVTX_TYPE_SID, sid, sizeof(sid)) == 0);
	n = snprintf(want, sizeof(want), "xS-255-4294967295");
	for (i = 0; i < 15; i++)
		n += snprintf(want + n, sizeof(want) - (size_t)n, "-4294967295");
	CHECK_STR(b.data, want);
	CHECK(b.len == strlen(want));
	nd_buf_reset(&b);
	CHECK(nd_evtx_value_text(&b, ND_EVTX_TYPE_UINT64, u64max, sizeof(u64max)) == 0);
	CHECK(nd_evtx_value_text(&b, ND_EVTX_TYPE_INT64, i64min, sizeof(i64min)) == 0);
	CHECK_STR(b.data, "18446744073709551615-9223372036854775808");
	nd_buf_free(&b);
}

/* Integers read as the number their text reads back as: every integer
 * type at its size, negative ones as no number, the rest left to the text. */
static void test_value_u64(void)
{
	static const uint8_t b[8] = {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t one[8] = {1, 0, 0, 0, 0, 0, 0, 0};
	uint64_t v = 0;

	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_UINT8, b, 1, &v) == 1 && v == 0xfe);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_UINT16, b, 2, &v) == 1 && v == 0xfffe);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_UINT32, b, 4, &v) == 1 && v == 0xfffffffeu);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_UINT64, b, 8, &v) == 1 && v == 0xfffffffffffffffeull);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_HEX32, b, 4, &v) == 1 && v == 0xfffffffeu);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_HEX64, b, 8, &v) == 1 && v == 0xfffffffffffffffeull);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_SIZE, b, 4, &v) == 1 && v == 0xfffffffeu);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_SIZE, b, 8, &v) == 1 && v == 0xfffffffffffffffeull);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_INT8, one, 1, &v) == 1 && v == 1);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_INT64, one, 8, &v) == 1 && v == 1);
	v = 7;
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_INT8, b, 1, &v) == 0 && v == 7);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_INT16, b, 2, &v) == 0);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_INT32, b, 4, &v) == 0);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_INT64, b, 8, &v) == 0);
	/* not their size, or no integer: rendered (or refused) as text */
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_UINT16, b, 4, &v) == -1);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_INT32, b, 2, &v) == -1);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_SIZE, b, 2, &v) == -1);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_STRING, b, 2, &v) == -1);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_BOOL, b, 4, &v) == -1);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_FILETIME, b, 8, &v) == -1);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_NULL, b, 0, &v) == -1);
	CHECK(nd_evtx_value_u64(ND_EVTX_TYPE_UINT8 | ND_EVTX_TYPE_ARRAY, b, 1, &v) == -1);
}

int main(void)
{
	test_utf16_text();
	test_utf16_blocks();
	test_value_text();
	test_value_text_widest();
	test_value_u64();
	return check_report();
}
