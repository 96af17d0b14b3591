/* nd_hugemem on Windows: calloc (large pages need a privilege a user does
 * not have). */
#include "nd_hugemem.h"

#include <stdlib.h>

void *nd_hugemem_calloc(size_t n, size_t size)
{
	return calloc(n, size);
}
