#include "nd_cpu.h"

#include <unistd.h>

unsigned nd_cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1u;
}
