/* Unit tests of nd_u64set: values added are found, others are not, 0
 * included, through growing. */
#include <stdint.h>

#include "check.h"
#include "nd_u64set.h"

int main(void)
{
	nd_u64set s = {0};
	uint64_t i;

	CHECK(nd_u64set_has(&s, 1) == 0 && nd_u64set_has(&s, 0) == 0); /* empty: no table yet */
	CHECK(nd_u64set_add(&s, 0) == 0 && nd_u64set_has(&s, 0) == 1 && s.n == 0);
	/* Values alike in their low bits (fingerprints need not spread) and
	 * enough of them to grow the table several times. */
	for (i = 1; i <= 5000; i++)
		CHECK(nd_u64set_add(&s, i << 32) == 0);
	CHECK(nd_u64set_add(&s, (uint64_t)7 << 32) == 0 && s.n == 5000); /* twice: once */
	for (i = 1; i <= 5000; i++)
		CHECK(nd_u64set_has(&s, i << 32) == 1);
	CHECK(nd_u64set_has(&s, (uint64_t)5001 << 32) == 0 && nd_u64set_has(&s, 1) == 0);
	CHECK(s.nslots >= 2 * s.n);
	nd_u64set_free(&s);
	CHECK(s.slots == NULL && s.n == 0 && nd_u64set_has(&s, 0) == 0);
	return check_report();
}
