#include "nd_host.h"

#include <stdio.h>
#include <stdlib.h>

int nd_host_name(char *out, size_t n)
{
	const char *env = getenv(ND_HOST_ENV);

	if (env && *env) {
		snprintf(out, n, "%s", env);
		return 0;
	}
	return nd_host_computer_name(out, n);
}
