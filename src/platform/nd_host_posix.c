#include "nd_host.h"

#include <unistd.h>

int nd_host_computer_name(char *out, size_t n)
{
	if (n == 0)
		return -1;
	/* a name that fills out may come without its NUL */
	if (gethostname(out, n) != 0) {
		out[0] = '\0';
		return -1;
	}
	out[n - 1] = '\0';
	return out[0] ? 0 : -1;
}
