/* Unit tests of the header-only helpers of src/util: nd_ascii, nd_bytes,
 * nd_sort, nd_vec. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "nd_ascii.h"
#include "nd_bytes.h"
#include "nd_sort.h"
#include "nd_vec.h"

/* ASCII folding only: other bytes compare as they are. */
static void test_ascii(void)
{
	CHECK(nd_ascii_lower('Q') == 'q' && nd_ascii_lower('q') == 'q' && nd_ascii_lower('@') == '@');
	CHECK(nd_ascii_lower(0xC9) == 0xC9);
	CHECK(nd_ascii_casecmp("RasClient", "rasclient") == 0);
	CHECK(nd_ascii_casecmp("", "") == 0);
	CHECK(nd_ascii_casecmp("a", "B") < 0 && nd_ascii_casecmp("b", "A") > 0);
	CHECK(nd_ascii_casecmp("abc", "ab") > 0);
	CHECK(nd_ascii_casecmp("\xC9", "\xE9") != 0);
}

/* Little-endian loads and stores round-trip. */
static void test_bytes(void)
{
	uint8_t p[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88};

	CHECK(nd_le16(p) == 0x0201);
	CHECK(nd_le32(p) == 0x04030201u);
	CHECK(nd_le64(p) == 0x8807060504030201ull);
	nd_put_le32(p, 0xDEADBEEFu);
	CHECK(p[0] == 0xEF && p[3] == 0xDE && nd_le32(p) == 0xDEADBEEFu);
	nd_put_le64(p, 0x0123456789ABCDEFull);
	CHECK(nd_le64(p) == 0x0123456789ABCDEFull && p[7] == 0x01);
}

/* Compares two ints. Returns <0, 0 or >0. */
static int int_order(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Sorting: an empty NULL array is fine, one element untouched. */
static void test_sort(void)
{
	int v[] = {3, 1, 2}, one = 5;

	nd_sort(NULL, 0, sizeof(int), int_order);
	nd_sort(&one, 1, sizeof(int), int_order);
	CHECK(one == 5);
	nd_sort(v, 3, sizeof(int), int_order);
	CHECK(v[0] == 1 && v[1] == 2 && v[2] == 3);
}

/* Growing: doubling from 16, no change when there is room, overflow
 * refused with the array kept. */
static void test_vec(void)
{
	int *v = NULL;
	size_t cap = 0;

	CHECK(nd_vec_reserve(&v, &cap, 1, sizeof(*v)) == 0 && cap == 16 && v);
	CHECK(nd_vec_reserve(&v, &cap, 16, sizeof(*v)) == 0 && cap == 16);
	CHECK(nd_vec_reserve(&v, &cap, 17, sizeof(*v)) == 0 && cap == 32);
	v[31] = 7;
	CHECK(nd_vec_reserve(&v, &cap, (size_t)-1 / 2, sizeof(*v)) == -1 && cap == 32 && v[31] == 7);
	free(v);
}

int main(void)
{
	test_ascii();
	test_bytes();
	test_sort();
	test_vec();
	return check_report();
}
