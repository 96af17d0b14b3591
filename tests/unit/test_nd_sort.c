/* Unit tests of nd_sort's sorted searches: the first index not below a
 * value (before, between, equal to and after the elements, duplicates
 * too), membership, and the empty array. */
#include <stdint.h>

#include "check.h"
#include "nd_sort.h"

int main(void)
{
	const int64_t v[] = {-5, 2, 2, 9};
	const uint32_t u[] = {13801, 13806, 13868, 4294967295u};

	CHECK(nd_lower_i64(v, 4, -6) == 0 && nd_lower_i64(v, 4, -5) == 0 && nd_lower_i64(v, 4, 2) == 1);
	CHECK(nd_lower_i64(v, 4, 3) == 3 && nd_lower_i64(v, 4, 9) == 3 && nd_lower_i64(v, 4, 10) == 4);
	CHECK(nd_sorted_has_i64(v, 4, 2) == 1 && nd_sorted_has_i64(v, 4, 3) == 0 && nd_sorted_has_i64(v, 4, 10) == 0);
	CHECK(nd_lower_i64(NULL, 0, 1) == 0 && nd_sorted_has_i64(NULL, 0, 1) == 0);
	CHECK(nd_lower_u32(u, 4, 809) == 0 && nd_lower_u32(u, 4, 13806) == 1 && nd_lower_u32(u, 4, 13807) == 2);
	CHECK(nd_sorted_has_u32(u, 4, 13868) == 1 && nd_sorted_has_u32(u, 4, 4294967295u) == 1);
	CHECK(nd_sorted_has_u32(u, 4, 853) == 0 && nd_sorted_has_u32(u, 3, 4294967295u) == 0);
	CHECK(nd_sorted_has_u32(NULL, 0, 0) == 0);
	return check_report();
}
