/* nd_line: reading a text file a line at a time, as POSIX getline does
 * (which Windows' C library lacks). */
#ifndef ND_LINE_H
#define ND_LINE_H

#include <stddef.h>
#include <stdio.h>

/* Reads one line of fp, its '\n' included, into *buf (grown as needed:
 * *cap is its size; free it when done), NUL-terminated. Returns the
 * number of bytes read (a NUL byte in the line counts too), or -1 at the
 * end of the file, on a read error (ferror) or when out of memory. */
long nd_line_read(char **buf, size_t *cap, FILE *fp);

#endif
