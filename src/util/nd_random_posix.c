/* nd_random on POSIX: getentropy (glibc since 2.25, the BSDs), which
 * reads the kernel's random source without a file; POSIX only from its
 * 2024 edition, so glibc declares it for _DEFAULT_SOURCE. */
#define _DEFAULT_SOURCE 1

#include "nd_random.h"

#include <unistd.h>

int nd_random(void *p, size_t n)
{
	return n <= 256 && getentropy(p, n) == 0 ? 0 : -1;
}
