/* Unit tests of the small core pieces: time, codes, CRC, UTF-16. */
#include <stdint.h>

#include "check.h"
#include "evtx_format.h"
#include "nd_family.h"
#include "nd_buf.h"
#include "nd_error.h"
#include "nd_time.h"

int main(void)
{
	char iso[ND_TIME_ISO_SIZE];
	int64_t t;
	uint32_t code;
	nd_buf b = {0};
	nd_error err;
	static const uint16_t utf16[] = {'A', 0xD83D, 0xDE00, 0xD800, 'z', 0};

	/* Time: full 100 ns precision, round trip, FILETIME. */
	CHECK(nd_time_parse_iso("2025-03-14T09:12:43.5123456Z", &t) == 0);
	CHECK_STR(nd_time_format(t, iso), "2025-03-14T09:12:43.5123456Z");
	CHECK(nd_time_parse_iso("2016-07-08T18:12:51.681640800Z", &t) == 0);
	CHECK_STR(nd_time_format(t, iso), "2016-07-08T18:12:51.6816408Z");
	CHECK(nd_time_parse_iso("1970-01-01T00:00:00Z", &t) == 0 && t == 0);
	CHECK(nd_time_parse_iso("1601-01-01T00:00:00Z", &t) == 0 && t == -ND_FILETIME_UNIX_EPOCH);
	CHECK(nd_time_from_filetime(ND_FILETIME_UNIX_EPOCH + 15) == 15);
	CHECK_STR(nd_time_format(-1, iso), "1969-12-31T23:59:59.9999999Z");
	CHECK(nd_time_parse_iso("2025-02-30T00:00:00Z", &t) == -1);
	CHECK(nd_time_parse_iso("2025-03-14T09:12:43.Z", &t) == -1);
	CHECK(nd_time_parse_iso("2025-03-14", &t) == -1);
	CHECK(nd_time_parse_iso("2025-03-14T09:12:43Zjunk", &t) == -1);

	/* Codes as RasClient and NPS write them. */
	CHECK(nd_parse_code("853", &code) == 0 && code == 853);
	CHECK(nd_parse_code("0x800B0109", &code) == 0 && code == 0x800B0109u);
	CHECK(nd_parse_code("-2146762487", &code) == 0 && code == 0x800B0109u);
	CHECK(nd_parse_code(" 13801 ", &code) == 0 && code == 13801);
	CHECK(nd_parse_code("", &code) == -1);
	CHECK(nd_parse_code("85x", &code) == -1);
	CHECK(nd_parse_code("99999999999", &code) == -1);
	CHECK(nd_parse_code("-", &code) == -1);

	/* CRC32 check value. */
	CHECK(nd_crc32(0, (const uint8_t *)"123456789", 9) == 0xCBF43926u);
	CHECK(nd_crc32(nd_crc32(0, (const uint8_t *)"1234", 4), (const uint8_t *)"56789", 5) == 0xCBF43926u);

	/* UTF-16 with a surrogate pair and an unpaired surrogate. */
	CHECK(nd_buf_append_utf16(&b, utf16, 6) == 0);
	CHECK_STR(b.data, "A\xF0\x9F\x98\x80\xEF\xBF\xBDz");
	nd_buf_free(&b);
	/* A NUL inside shows as U+2400; the terminator is dropped. */
	{
		static const uint16_t nul[] = {'a', 0, 'b', 0, 0};

		CHECK(nd_buf_append_utf16(&b, nul, 5) == 0);
		CHECK_STR(b.data, "a\xE2\x90\x80" "b");
		CHECK(b.len == 5);
		nd_buf_free(&b);
	}

	/* Error prefixing keeps the message. */
	nd_error_set(&err, "record %d", 7);
	nd_error_prefix(&err, "%s", "file.evtx");
	CHECK_STR(err.message, "file.evtx: record 7");
	return check_report();
}
