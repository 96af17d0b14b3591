/* nd_hugemem on POSIX: madvise(MADV_HUGEPAGE) where the system has it
 * (Linux; glibc declares it for _DEFAULT_SOURCE), else calloc. */
#define _DEFAULT_SOURCE 1

#include "nd_hugemem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

void *nd_hugemem_calloc(size_t n, size_t size)
{
#ifdef MADV_HUGEPAGE
	size_t bytes = n * size, whole;
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	if (bytes >= HUGE_PAGE) {
		whole = bytes <= SIZE_MAX - HUGE_PAGE ? (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1) : 0;
		if (!whole || posix_memalign(&p, HUGE_PAGE, whole) != 0)
			return NULL;
		madvise(p, whole, MADV_HUGEPAGE); /* advice: where it is not taken, 4 KB pages */
		memset(p, 0, bytes);
		return p;
	}
#endif
	return calloc(n, size);
}
