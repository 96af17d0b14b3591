/* Unit tests of src/util/nd_crc32: the IEEE CRC-32 check value, chaining,
 * empty input. */
#include <stdint.h>

#include "check.h"
#include "nd_crc32.h"

/* The check value, in one piece and in two, and the empty input. */
static void test_crc32(void)
{
	static const uint8_t digits[] = "123456789";

	CHECK(nd_crc32(0, digits, 9) == 0xCBF43926u);
	CHECK(nd_crc32(nd_crc32(0, digits, 4), digits + 4, 5) == 0xCBF43926u);
	CHECK(nd_crc32(0, digits, 0) == 0);
	CHECK(nd_crc32(0x1234u, digits, 0) == 0x1234u);
	CHECK(nd_crc32(0, (const uint8_t *)"a", 1) == 0xE8B7BE43u);
}

int main(void)
{
	test_crc32();
	return check_report();
}
