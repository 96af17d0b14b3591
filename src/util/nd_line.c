#include "nd_line.h"

#include <stdlib.h>

long nd_line_read(char **buf, size_t *cap, FILE *fp)
{
	size_t n = 0;
	int c;

	while ((c = getc(fp)) != EOF) {
		if (n + 2 > *cap) {
			size_t size = *cap ? *cap * 2 : 256;
			char *p = realloc(*buf, size);

			if (!p)
				return -1;
			*buf = p;
			*cap = size;
		}
		(*buf)[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (n == 0)
		return -1;
	(*buf)[n] = '\0';
	return (long)n;
}
