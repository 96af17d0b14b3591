#include "nd_writeback.h"

/* Windows writes a file's changed pages back on its own schedule; FlushFileBuffers waits for them.
 * Returns 0: nothing started. */
int nd_writeback_start(const char *path)
{
	(void)path;
	return 0;
}

int nd_writeback_supported(void)
{
	return 0;
}
