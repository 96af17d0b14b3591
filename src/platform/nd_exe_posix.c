#include "nd_exe.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int nd_exe_dir(char *buf, size_t size)
{
	ssize_t n;
	char *slash;

	if (size < 2)
		return -1;
	n = readlink("/proc/self/exe", buf, size - 1);
	if (n <= 0 || (size_t)n >= size - 1)
		return -1;
	buf[n] = '\0';
	if (!(slash = strrchr(buf, '/')))
		return -1;
	*(slash == buf ? slash + 1 : slash) = '\0';
	return 0;
}

int nd_exe_default_db(const char *name, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s", name);

	return n >= 0 && (size_t)n < size ? 0 : -1;
}
