/* Unit tests of nd_hugemem: arrays small and large (2 MB and more: on
 * Linux in memory aligned for huge pages) come zeroed, also where freed
 * memory is given again, and a size that overflows is refused. */
#ifdef __linux__
#define _DEFAULT_SOURCE 1 /* MADV_HUGEPAGE */
#include <sys/mman.h>
#endif
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "nd_hugemem.h"

/* Returns 1 if the n bytes at p are all 0, else 0. */
static int zeroed(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int main(void)
{
	static const size_t counts[] = {1, 1000, (size_t)1 << 19, ((size_t)3 << 19) + 5};
	size_t i, round;

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		for (round = 0; round < 2; round++) { /* the second time, perhaps the memory the first freed */
			uint32_t *v = nd_hugemem_calloc(counts[i], sizeof(*v));

			CHECK(v != NULL);
			if (!v)
				continue;
			CHECK(zeroed((const unsigned char *)v, counts[i] * sizeof(*v)));
#ifdef MADV_HUGEPAGE
			CHECK(counts[i] * sizeof(*v) < ((size_t)2 << 20) || (uintptr_t)v % ((size_t)2 << 20) == 0);
#endif
			memset(v, 0xA5, counts[i] * sizeof(*v));
			free(v);
		}
	CHECK(nd_hugemem_calloc(SIZE_MAX / 2 + 1, 2) == NULL);
	CHECK(nd_hugemem_calloc(SIZE_MAX / 8, 16) == NULL);
	return check_report();
}
