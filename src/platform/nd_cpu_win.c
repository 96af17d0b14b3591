#include "nd_cpu.h"

#include <windows.h>

unsigned nd_cpu_count(void)
{
	/* Every processor group: a machine with more than 64 has several. */
	DWORD n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);

	return n > 0 ? (unsigned)n : 1u;
}
