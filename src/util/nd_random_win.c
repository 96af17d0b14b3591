/* nd_random on Windows: BCryptGenRandom with the system's preferred
 * generator (no algorithm handle to open). */
#include "nd_random.h"

#include <windows.h>

#include <bcrypt.h>

int nd_random(void *p, size_t n)
{
	return n <= 256 && BCRYPT_SUCCESS(BCryptGenRandom(NULL, p, (ULONG)n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)) ? 0 : -1;
}
