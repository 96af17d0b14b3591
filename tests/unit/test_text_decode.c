/* Unit tests of parsers/xmlstream/text_decode: encodings recognized from
 * the first bytes, every sequence decoded the same whatever the block
 * boundaries, invalid input made valid UTF-8. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "text_decode.h"

/* Decodes the n bytes at p in blocks of step bytes. Returns the UTF-8 text
 * in out (reset first). */
static const char *decode(const uint8_t *p, size_t n, size_t step, nd_buf *out)
{
	nd_text_decoder d = {0};
	size_t i;

	nd_buf_reset(out);
	for (i = 0; i < n; i += step)
		CHECK(nd_text_decode(&d, p + i, n - i < step ? n - i : step, out) == 0);
	CHECK(nd_text_decode(&d, p, 0, out) == 0);
	return out->data ? out->data : "";
}

static void test_detect(void)
{
	size_t bom;

	CHECK(nd_text_detect((const uint8_t *)"\xEF\xBB\xBF<", 4, &bom) == ND_TEXT_UTF8 && bom == 3);
	CHECK(nd_text_detect((const uint8_t *)"\xFF\xFE<\0", 4, &bom) == ND_TEXT_UTF16LE && bom == 2);
	CHECK(nd_text_detect((const uint8_t *)"\xFE\xFF\0<", 4, &bom) == ND_TEXT_UTF16BE && bom == 2);
	CHECK(nd_text_detect((const uint8_t *)"<\0E\0", 4, &bom) == ND_TEXT_UTF16LE && bom == 0);
	CHECK(nd_text_detect((const uint8_t *)"\0<\0E", 4, &bom) == ND_TEXT_UTF16BE && bom == 0);
	CHECK(nd_text_detect((const uint8_t *)"<Ev", 3, &bom) == ND_TEXT_UTF8 && bom == 0);
	CHECK(nd_text_detect((const uint8_t *)"<", 1, &bom) == ND_TEXT_UTF8);
}

/* UTF-8: valid multi-byte text survives every block size; invalid bytes,
 * overlong forms, surrogates and a cut end become U+FFFD. */
static void test_utf8(void)
{
	static const char text[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"; /* a é € 😀 z */
	nd_buf out = {0};
	size_t step;

	for (step = 1; step <= 8; step++)
		CHECK_STR(decode((const uint8_t *)text, sizeof(text) - 1, step, &out), text);
	for (step = 1; step <= 4; step++) {
		CHECK_STR(decode((const uint8_t *)"a\xFF"
						  "b",
				 3, step, &out),
			  "a\xEF\xBF\xBD"
			  "b");
		CHECK_STR(decode((const uint8_t *)"\xC0\xAF", 2, step, &out), "\xEF\xBF\xBD\xEF\xBF\xBD");
		CHECK_STR(decode((const uint8_t *)"\xED\xA0\x80"
						  "x",
				 4, step, &out),
			  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx");
		CHECK_STR(decode((const uint8_t *)"x\xE2\x82", 3, step, &out), "x\xEF\xBF\xBD");
	}
	CHECK_STR(decode((const uint8_t *)"\xEF\xBB\xBFok", 5, 1, &out), "ok");
	nd_buf_free(&out);
}

/* UTF-16: both byte orders, a surrogate pair and an odd byte split by a
 * block boundary, a lone surrogate. */
static void test_utf16(void)
{
	static const uint8_t le[] = {0xFF, 0xFE, 'a', 0, 0xE9, 0, 0x3D, 0xD8, 0x00, 0xDE, 'z', 0};
	static const uint8_t be[] = {0, '<', 0, 'E', 0x20, 0xAC};
	static const uint8_t lone[] = {0xFF, 0xFE, 0x00, 0xD8, 'x', 0};
	nd_buf out = {0};
	size_t step;

	for (step = 1; step <= 5; step++) {
		CHECK_STR(decode(le, sizeof(le), step, &out), "a\xC3\xA9\xF0\x9F\x98\x80z");
		CHECK_STR(decode(be, sizeof(be), step, &out), "<E\xE2\x82\xAC");
		CHECK_STR(decode(lone, sizeof(lone), step, &out), "\xEF\xBF\xBDx");
	}
	CHECK_STR(decode(le, sizeof(le) - 1, 4, &out), "a\xC3\xA9\xF0\x9F\x98\x80\xEF\xBF\xBD");
	nd_buf_free(&out);
}

int main(void)
{
	test_detect();
	test_utf8();
	test_utf16();
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}
