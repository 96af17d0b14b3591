/* Unit tests of src/util/nd_time: ISO 8601 parsing and formatting at full
 * 100 ns precision, FILETIME conversion. */
#include <stdint.h>

#include "check.h"
#include "nd_time.h"

/* Parsing: fractions of 0 to 9 digits, 'Z' or nothing; bad input. */
static void test_time_parse_iso(void)
{
	int64_t t = 42;

	CHECK(nd_time_parse_iso("1970-01-01T00:00:00Z", &t) == 0 && t == 0);
	CHECK(nd_time_parse_iso("1970-01-01T00:00:01", &t) == 0 && t == ND_TICKS_PER_SECOND);
	CHECK(nd_time_parse_iso("1970-01-01T00:00:00.0000001Z", &t) == 0 && t == 1);
	CHECK(nd_time_parse_iso("1970-01-01T00:00:00.000000199Z", &t) == 0 && t == 1);
	CHECK(nd_time_parse_iso("1601-01-01T00:00:00Z", &t) == 0 && t == -ND_FILETIME_UNIX_EPOCH);
	CHECK(nd_time_parse_iso("2024-02-29T23:59:59Z", &t) == 0);
	CHECK(nd_time_parse_iso("2000-02-29T00:00:00Z", &t) == 0);
	CHECK(nd_time_parse_iso("1900-02-29T00:00:00Z", &t) == -1);
	t = 42;
	CHECK(nd_time_parse_iso("", &t) == -1 && t == 42);
	CHECK(nd_time_parse_iso("2025-02-30T00:00:00Z", &t) == -1);
	CHECK(nd_time_parse_iso("2023-02-29T00:00:00Z", &t) == -1);
	CHECK(nd_time_parse_iso("2025-03-14T24:00:00Z", &t) == -1);
	CHECK(nd_time_parse_iso("2025-03-14T09:12:43.Z", &t) == -1);
	CHECK(nd_time_parse_iso("2025-03-14", &t) == -1);
	CHECK(nd_time_parse_iso("2025-03-14T09:12:43Zjunk", &t) == -1);
	CHECK(nd_time_parse_iso("2025-03-14T09:12:43+01:00", &t) == -1);
	CHECK(nd_time_parse_iso("yesterday", &t) == -1);
}

/* Formatting: always 7 fraction digits, negative ticks, round trip. */
static void test_time_format(void)
{
	char iso[ND_TIME_ISO_SIZE];
	int64_t t;

	CHECK_STR(nd_time_format(0, iso), "1970-01-01T00:00:00.0000000Z");
	CHECK_STR(nd_time_format(-1, iso), "1969-12-31T23:59:59.9999999Z");
	CHECK(nd_time_parse_iso("2025-03-14T09:12:43.5123456Z", &t) == 0);
	CHECK_STR(nd_time_format(t, iso), "2025-03-14T09:12:43.5123456Z");
	CHECK(nd_time_parse_iso("2016-07-08T18:12:51.681640800Z", &t) == 0);
	CHECK_STR(nd_time_format(t, iso), "2016-07-08T18:12:51.6816408Z");
	CHECK(nd_time_format(t, iso) == iso);
}

/* FILETIME: the Unix epoch offset. */
static void test_time_from_filetime(void)
{
	CHECK(nd_time_from_filetime(ND_FILETIME_UNIX_EPOCH + 15) == 15);
	CHECK(nd_time_from_filetime(ND_FILETIME_UNIX_EPOCH) == 0);
	CHECK(nd_time_from_filetime(0) == -ND_FILETIME_UNIX_EPOCH);
}

int main(void)
{
	test_time_parse_iso();
	test_time_format();
	test_time_from_filetime();
	return check_report();
}
