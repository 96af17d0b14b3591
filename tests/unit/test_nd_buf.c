/* Unit tests of src/util/nd_buf: append, reserve, UTF-8 and UTF-16
 * conversion (surrogates, NUL units), printf, reset and free. */
#include <stdint.h>

#include "check.h"
#include "nd_buf.h"

/* Appending keeps the buffer NUL-terminated; reset keeps memory. */
static void test_buf_append(void)
{
	nd_buf b = {0};

	CHECK(nd_buf_append(&b, "ab", 2) == 0 && b.len == 2);
	CHECK(nd_buf_append(&b, "", 0) == 0 && b.len == 2);
	CHECK_STR(b.data, "ab");
	CHECK(nd_buf_reserve(&b, 1000) == 0 && b.cap >= 1003);
	CHECK(nd_buf_printf(&b, "-%d-%s", 42, "x") == 0);
	CHECK_STR(b.data, "ab-42-x");
	nd_buf_reset(&b);
	CHECK(b.len == 0 && b.data && b.data[0] == '\0');
	nd_buf_free(&b);
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
	nd_buf_reset(&b);
	CHECK(b.data == NULL);
}

/* Appends that fill the buffer to its last byte, and one past it (the
 * inline append and the growing one meet there): the NUL stays. */
static void test_buf_append_edge(void)
{
	nd_buf b = {0};
	size_t cap, k;

	CHECK(nd_buf_append(&b, "x", 1) == 0 && b.cap > 2);
	cap = b.cap;
	for (k = b.len; k + 2 < cap; k++) /* leaves room for one byte and the NUL */
		CHECK(nd_buf_append(&b, "y", 1) == 0);
	CHECK(b.cap == cap && b.len == cap - 2);
	CHECK(nd_buf_append(&b, "z", 1) == 0 && b.cap == cap && b.len == cap - 1 && b.data[b.len] == '\0');
	CHECK(nd_buf_append(&b, "w", 1) == 0 && b.cap > cap && b.len == cap && b.data[b.len] == '\0');
	CHECK(b.data[0] == 'x' && b.data[cap - 2] == 'z' && b.data[cap - 1] == 'w');
	nd_buf_free(&b);
}

/* UTF-8: every length; surrogates and values past U+10FFFF as U+FFFD. */
static void test_buf_append_utf8(void)
{
	nd_buf b = {0};

	CHECK(nd_buf_append_utf8(&b, 'A') == 0 && nd_buf_append_utf8(&b, 0xE9) == 0 &&
	      nd_buf_append_utf8(&b, 0x2400) == 0 && nd_buf_append_utf8(&b, 0x1F600) == 0);
	CHECK_STR(b.data, "A\xC3\xA9\xE2\x90\x80\xF0\x9F\x98\x80");
	nd_buf_reset(&b);
	CHECK(nd_buf_append_utf8(&b, 0xD800) == 0 && nd_buf_append_utf8(&b, 0x110000) == 0);
	CHECK_STR(b.data, "\xEF\xBF\xBD\xEF\xBF\xBD");
	nd_buf_free(&b);
}

/* UTF-16: a pair, an unpaired surrogate, a NUL inside (U+2400) and the
 * terminator (dropped); nothing at all. */
static void test_buf_append_utf16(void)
{
	static const uint16_t s[] = {'A', 0xD83D, 0xDE00, 0xD800, 'z', 0};
	static const uint16_t nul[] = {'a', 0, 'b', 0, 0};
	static const uint16_t lone_low[] = {0xDC00, 'x'};
	nd_buf b = {0};

	CHECK(nd_buf_append_utf16(&b, s, 6) == 0);
	CHECK_STR(b.data, "A\xF0\x9F\x98\x80\xEF\xBF\xBDz");
	nd_buf_reset(&b);
	CHECK(nd_buf_append_utf16(&b, nul, 5) == 0 && b.len == 5);
	CHECK_STR(b.data, "a\xE2\x90\x80"
			  "b");
	nd_buf_reset(&b);
	CHECK(nd_buf_append_utf16(&b, lone_low, 2) == 0);
	CHECK_STR(b.data, "\xEF\xBF\xBDx");
	nd_buf_reset(&b);
	CHECK(nd_buf_append_utf16(&b, nul, 0) == 0 && b.len == 0);
	nd_buf_free(&b);
}

int main(void)
{
	test_buf_append();
	test_buf_append_edge();
	test_buf_append_utf8();
	test_buf_append_utf16();
	return check_report();
}
