/* Unit tests of nd_ascii: decimal numbers as "%llu" writes them (0, one
 * digit, powers of ten, the largest uint32 and uint64), case folding and
 * hex digits. */
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "nd_ascii.h"

int main(void)
{
	const uint64_t v[] = {0, 7, 10, 99, 100, 853, 4294967295u, 1000000000000000000u, UINT64_MAX};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char got[24], want[24];

		*nd_ascii_decimal(got, v[i]) = '\0';
		snprintf(want, sizeof(want), "%llu", (unsigned long long)v[i]);
		CHECK_STR(got, want);
	}
	CHECK(nd_ascii_lower('Q') == 'q' && nd_ascii_lower('q') == 'q' && nd_ascii_lower('[') == '[');
	CHECK(nd_ascii_hex('7') == 7 && nd_ascii_hex('b') == 11 && nd_ascii_hex('F') == 15 && nd_ascii_hex('g') == 16);
	CHECK(nd_ascii_casecmp("Microsoft-Windows-RasClient", "microsoft-windows-rasclient") == 0);
	CHECK(nd_ascii_casecmp("a", "B") < 0);
	return check_report();
}
