#include "nd_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void nd_error_clear(nd_error *err)
{
	if (err)
		err->message[0] = '\0';
}

int nd_error_set(nd_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

int nd_error_prefix(nd_error *err, const char *fmt, ...)
{
	char prefix[ND_ERROR_MAX];
	size_t n, old;
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix) - 2, fmt, ap);
	va_end(ap);
	strcat(prefix, ": ");
	n = strlen(prefix);
	old = strlen(err->message);
	if (n + old >= ND_ERROR_MAX)
		old = ND_ERROR_MAX - 1 - n;
	memmove(err->message + n, err->message, old);
	memcpy(err->message, prefix, n);
	err->message[n + old] = '\0';
	return -1;
}
